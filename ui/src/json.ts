/**
 * JSON parsing that keeps int64 values exact. MLflow's int64 fields (timestamps, steps, ids) can
 * exceed 2^53; JSON.parse would silently round them. Integer literals with 16+ digits outside
 * strings are quoted before parsing, so they arrive as exact decimal strings.
 */
const LONG_INTEGER = /\d{16}/;

export function parseJson(text: string): unknown {
  if (!LONG_INTEGER.test(text)) return JSON.parse(text);
  return JSON.parse(quoteLongIntegers(text));
}

function quoteLongIntegers(text: string): string {
  let out = "";
  let start = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 92 /* \ */) i++;
      else if (ch === 34 /* " */) inString = false;
      continue;
    }
    if (ch === 34) {
      inString = true;
      continue;
    }
    const isSign = ch === 45; /* - */
    if (!isSign && (ch < 48 || ch > 57)) continue;
    let j = isSign ? i + 1 : i;
    while (j < text.length && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j++;
    const next = text[j];
    const isInteger = next !== "." && next !== "e" && next !== "E";
    const digits = j - (isSign ? i + 1 : i);
    if (isInteger && digits >= 16) {
      const literal = text.slice(i, j);
      if (!Number.isSafeInteger(Number(literal))) {
        out += text.slice(start, i) + '"' + literal + '"';
        start = j;
      }
    }
    i = j - 1;
  }
  return out + text.slice(start);
}

/** Numeric view of an int64 or double that may have been kept as a string. */
export function num(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "string") return Number(value);
  return NaN;
}
