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
    // Scan the whole number token, so digits after a "." or "e" are never mistaken for an integer.
    const digitsStart = isSign ? i + 1 : i;
    let j = digitsStart;
    while (isDigit(text.charCodeAt(j))) j++;
    const integerEnd = j;
    if (text[j] === ".") for (j++; isDigit(text.charCodeAt(j)); j++);
    if (text[j] === "e" || text[j] === "E") {
      j++;
      if (text[j] === "+" || text[j] === "-") j++;
      while (isDigit(text.charCodeAt(j))) j++;
    }
    if (integerEnd === j && integerEnd - digitsStart >= 16) {
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

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Numeric view of an int64 or double that may have been kept as a string. */
export function num(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "string") return Number(value);
  return NaN;
}
