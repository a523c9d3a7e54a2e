/**
 * Offset page tokens, byte-compatible with MLflow's: base64 of Python's `json.dumps({"offset": N})`
 * (note the space after the colon), so tokens minted by either server work on the other.
 */
import { MlflowError } from "../errors";

function toBase64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** Returns the token for the page starting at `offset`. */
export function encodePageToken(offset: number): string {
  if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError(`page offset must be a non-negative integer, got ${offset}`);
  return toBase64(`{"offset": ${offset}}`);
}

/**
 * Python's non-strict `b64decode`: characters outside the alphabet are dropped, then the
 * remaining length must be a multiple of four. Returns null where Python raises.
 */
function lenientBase64Decode(token: string): Uint8Array | null {
  let clean = token.replace(/[^A-Za-z0-9+/=]/g, "");
  // Python stops at the first padding that completes a quantum and ignores what follows.
  const pad = clean.indexOf("=");
  if (pad >= 0) {
    const padLen = /^=+/.exec(clean.slice(pad))![0].length;
    const needed = (4 - (pad % 4)) % 4;
    if (needed === 0 || padLen < needed) return null;
    clean = clean.slice(0, pad) + "=".repeat(needed);
  }
  if (clean.length % 4 !== 0) return null;
  try {
    return Uint8Array.from(atob(clean), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/** Python's `repr(bytes)`, used in one of MLflow's messages. */
function bytesRepr(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) {
    if (b === 0x5c) out += "\\\\";
    else if (b === 0x27) out += "\\'";
    else if (b === 0x0a) out += "\\n";
    else if (b === 0x0d) out += "\\r";
    else if (b === 0x09) out += "\\t";
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\x${b.toString(16).padStart(2, "0")}`;
  }
  return `b'${out}'`;
}

/** Python's `int(x)` for a JSON value: ints, floats (truncated), numeric strings, booleans. */
function pyInt(v: unknown): number | null {
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "number") return Number.isFinite(v) ? Math.trunc(v) : null;
  if (typeof v === "string") {
    const m = /^\s*([+-]?\d+(?:_\d+)*)\s*$/.exec(v);
    return m ? Number(m[1]!.replace(/_/g, "")) : null;
  }
  return null;
}

function pyReprJson(v: unknown): string {
  if (v === null) return "None";
  if (v === true) return "True";
  if (v === false) return "False";
  if (typeof v === "string") return `'${v.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
  if (Array.isArray(v)) return `[${v.map(pyReprJson).join(", ")}]`;
  if (typeof v === "object") {
    return `{${Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${pyReprJson(k)}: ${pyReprJson(x)}`)
      .join(", ")}}`;
  }
  return String(v);
}

/**
 * Returns the offset a page token encodes; an absent or empty token means offset 0.
 * @throws MlflowError INVALID_PARAMETER_VALUE with MLflow's messages for malformed tokens.
 */
export function decodePageToken(token: string | null | undefined): number {
  if (!token) return 0;
  const bytes = lenientBase64Decode(token);
  if (!bytes) throw MlflowError.invalidParameter("Invalid page token, could not base64-decode");
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    throw MlflowError.invalidParameter(`Invalid page token, decoded value=${bytesRepr(bytes)}`);
  }
  // MLflow would crash with an AttributeError on non-objects; we treat them as unparsable.
  const offsetValue = parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>).offset : undefined;
  if (!offsetValue) throw MlflowError.invalidParameter(`Invalid page token, parsed value=${pyReprJson(parsed)}`);
  const offset = pyInt(offsetValue);
  if (offset === null) throw MlflowError.invalidParameter(`Invalid page token, not stringable ${String(offsetValue)}`);
  // Negative offsets are accepted by MLflow and make Postgres fail; reject them cleanly instead.
  if (offset < 0 || !Number.isSafeInteger(offset)) throw MlflowError.invalidParameter(`Invalid page token, parsed value=${pyReprJson(parsed)}`);
  return offset;
}
