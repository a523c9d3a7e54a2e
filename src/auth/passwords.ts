/**
 * Password hashing for HTTP Basic users: PBKDF2-HMAC-SHA256 through WebCrypto.
 *
 * Why PBKDF2 and why this iteration count: bcrypt/scrypt/argon2 are not in WebCrypto and would run
 * as JavaScript, far slower per unit of security. workerd refuses more than 100,000 PBKDF2
 * iterations, and a Worker on the free plan has 10 ms of CPU per request; 50,000 iterations cost a
 * few milliseconds natively. The official client sends Basic credentials on EVERY request, so a
 * verified (hash, password) pair is remembered per isolate for a few minutes (like MLflow's
 * auth_cache_ttl_seconds): only the first request of a client pays for PBKDF2. The cache key
 * includes the stored hash, so a password change invalidates it. The iteration count is stored in
 * each hash, so it can be raised later without breaking existing users.
 *
 * Format: pbkdf2_sha256$<iterations>$<salt base64url>$<hash base64url>
 */
import { base64url, constantTimeEqual, fromBase64, sha256Hex } from "./secrets";

export const PBKDF2_ITERATIONS = 50_000;
const VERIFIED_TTL_MS = 5 * 60_000;
const VERIFIED_MAX = 1_000;
const verified = new Map<string, number>();

async function derive(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, 256);
  return new Uint8Array(bits);
}

export async function hashPassword(password: string, iterations = PBKDF2_ITERATIONS): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  return `pbkdf2_sha256$${iterations}$${base64url(salt)}$${base64url(await derive(password, salt, iterations))}`;
}

export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  if (!stored) return false;
  const parts = stored.split("$");
  if (parts.length !== 4 || parts[0] !== "pbkdf2_sha256") return false;
  const iterations = Number(parts[1]);
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > 100_000) return false;
  const cacheKey = await sha256Hex(`${stored}\u0000${password}`);
  const until = verified.get(cacheKey);
  if (until !== undefined && until > Date.now()) return true;
  const ok = constantTimeEqual(base64url(await derive(password, fromBase64(parts[2]!), iterations)), parts[3]!);
  if (ok) {
    if (verified.size >= VERIFIED_MAX) verified.clear();
    verified.set(cacheKey, Date.now() + VERIFIED_TTL_MS);
  }
  return ok;
}

/**
 * Verified against when the user does not exist, so that a failed sign-in costs the same whether
 * or not the username is known. A hash of a random password nobody holds, at the current cost.
 */
export const UNKNOWN_USER_HASH = `pbkdf2_sha256$${PBKDF2_ITERATIONS}$nE5Wn8Jqk2YtxA0bYl3H1Q$3vZQ4CMlM9q0x3uRj0o7pbJk2l7xq4T6Yw0d8P6cUuE`;

/** MLflow's basic-auth app rejects empty passwords (CVE-2025-11200); we also ask for a minimum length. */
export const MIN_PASSWORD_LENGTH = 8;
