/**
 * Fernet tokens (the `cryptography` package's spec: AES-128-CBC with PKCS7 padding, then
 * HMAC-SHA256 over version, timestamp, IV and ciphertext) with WebCrypto. MLflow encrypts webhook
 * secrets at rest with Fernet under MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY; doing the same with the
 * same key lets the reference server and this one read each other's secrets.
 */

const VERSION = 0x80;

function b64urlDecode(s: string): Uint8Array {
  const std = s.replace(/-/g, "+").replace(/_/g, "/");
  const padded = std + "=".repeat((4 - (std.length % 4)) % 4);
  const bin = atob(padded);
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

function b64urlEncode(bytes: Uint8Array): string {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_");
}

export class FernetError extends Error {}

export interface FernetKeys {
  signing: CryptoKey;
  encryption: CryptoKey;
}

/** Imports a url-safe base64 key of 32 bytes (the first half signs, the second encrypts). */
export async function importFernetKey(key: string): Promise<FernetKeys> {
  let raw: Uint8Array;
  try {
    raw = b64urlDecode(key.trim());
  } catch {
    throw new FernetError("Fernet key must be 32 url-safe base64-encoded bytes.");
  }
  if (raw.length !== 32) throw new FernetError("Fernet key must be 32 url-safe base64-encoded bytes.");
  const signing = await crypto.subtle.importKey("raw", raw.slice(0, 16), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
  const encryption = await crypto.subtle.importKey("raw", raw.slice(16), { name: "AES-CBC" }, false, ["encrypt", "decrypt"]);
  return { signing, encryption };
}

export async function fernetEncrypt(keys: FernetKeys, plaintext: string, now = Date.now()): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(16));
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-CBC", iv }, keys.encryption, new TextEncoder().encode(plaintext)));
  const head = new Uint8Array(1 + 8 + 16 + ciphertext.length);
  head[0] = VERSION;
  new DataView(head.buffer).setBigUint64(1, BigInt(Math.floor(now / 1000)));
  head.set(iv, 9);
  head.set(ciphertext, 25);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", keys.signing, head));
  const token = new Uint8Array(head.length + mac.length);
  token.set(head);
  token.set(mac, head.length);
  return b64urlEncode(token);
}

export async function fernetDecrypt(keys: FernetKeys, token: string): Promise<string> {
  let data: Uint8Array;
  try {
    data = b64urlDecode(token);
  } catch {
    throw new FernetError("Invalid token");
  }
  if (data.length < 1 + 8 + 16 + 16 + 32 || data[0] !== VERSION) throw new FernetError("Invalid token");
  const head = data.slice(0, data.length - 32);
  const mac = data.slice(data.length - 32);
  if (!(await crypto.subtle.verify("HMAC", keys.signing, mac, head))) throw new FernetError("Invalid token");
  try {
    const plain = await crypto.subtle.decrypt({ name: "AES-CBC", iv: head.slice(9, 25) }, keys.encryption, head.slice(25));
    return new TextDecoder("utf-8", { fatal: true }).decode(plain);
  } catch {
    throw new FernetError("Invalid token");
  }
}
