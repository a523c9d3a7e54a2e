/**
 * Webhook secrets at rest: Fernet tokens under WEBHOOK_SECRET_ENCRYPTION_KEY, as MLflow's
 * EncryptedString column stores them, so a reference server configured with the same key reads
 * ours and we read its. Secrets are never answered by any route.
 */
import { MlflowError } from "../errors";
import { fernetDecrypt, fernetEncrypt, FernetError, importFernetKey, type FernetKeys } from "../lib/fernet";

/** Imported keys, per isolate (a key is immutable configuration). */
const keys = new Map<string, Promise<FernetKeys>>();

async function keysFor(key: string | null): Promise<FernetKeys> {
  if (!key) {
    // A per-isolate random key (MLflow's fallback) would make secrets unreadable on the next isolate.
    throw new MlflowError(
      "TEMPORARILY_UNAVAILABLE",
      "Server is not configured: missing WEBHOOK_SECRET_ENCRYPTION_KEY (a Fernet key; set it with `wrangler secret put WEBHOOK_SECRET_ENCRYPTION_KEY`), needed to store webhook secrets.",
    );
  }
  let k = keys.get(key);
  if (!k) {
    k = importFernetKey(key);
    keys.set(key, k);
  }
  try {
    return await k;
  } catch (e) {
    keys.delete(key);
    if (e instanceof FernetError) throw new MlflowError("TEMPORARILY_UNAVAILABLE", `Server is misconfigured: WEBHOOK_SECRET_ENCRYPTION_KEY: ${e.message}`);
    throw e;
  }
}

export async function encryptSecret(key: string | null, secret: string): Promise<string> {
  return fernetEncrypt(await keysFor(key), secret);
}

export async function decryptSecret(key: string | null, token: string): Promise<string> {
  return fernetDecrypt(await keysFor(key), token);
}
