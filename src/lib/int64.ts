/**
 * MLflow's int64 fields (steps, timestamps) carried exactly. JSON numbers are doubles in
 * JavaScript, which silently round integers past 2^53; so an int64 is a number while that is exact
 * and a bigint beyond, from the request body (JSON.parse with source text) through SQL (bigint
 * parameters, int8 read as text) to the response (JSON.rawJSON).
 */
export type Int64 = number | bigint;

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;

/** An exact integer: a number when it fits a double exactly, else a bigint. */
export function exactInt(v: string | number | bigint): Int64 {
  if (typeof v === "number") return v;
  const big = typeof v === "bigint" ? v : BigInt(v.trim());
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}

/** An int8 column as the driver returns it (text), exactly; null stays null. */
export function int8Column(v: unknown): Int64 | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "number" || typeof v === "bigint" || typeof v === "string") return exactInt(v);
  return Number(v);
}

export function inInt64Range(v: Int64): boolean {
  const big = BigInt(v);
  return big >= INT64_MIN && big <= INT64_MAX;
}

interface RawJson {
  rawJSON(text: string): unknown;
}

/** The value for a JSON response: a plain number when exact, raw JSON digits otherwise. */
export function int64Json(v: Int64): number | unknown {
  return typeof v === "bigint" ? (JSON as unknown as RawJson).rawJSON(v.toString()) : v;
}

/**
 * JSON.parse keeping integers exact: a reviver that sees each number's source text (ES2025's
 * "JSON.parse source text access", in V8/workerd and Node 22) turns unsafe integer literals into
 * bigints.
 */
export function parseJsonExact(text: string): unknown {
  return JSON.parse(text, (_key: string, value: unknown, context?: { source?: string }) => {
    if (typeof value === "number" && !Number.isSafeInteger(value) && context?.source && /^-?\d+$/.test(context.source)) {
      return BigInt(context.source);
    }
    return value;
  });
}
