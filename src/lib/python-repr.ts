/**
 * Python's renderings of values, for messages and tokens that must match MLflow's byte for byte
 * (repr of str, lists and sets, str(float), int(str), json.dumps).
 */

/** Python's repr of a string, for error messages that quote list contents. */
export function pyRepr(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = "";
  for (const ch of s) {
    if (ch === "\\") out += "\\\\";
    else if (ch === q) out += "\\" + q;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else out += ch;
  }
  return q + out + q;
}

/** Python-style rendering of a set/list of strings, for messages that echo MLflow's. */
export const pySet = (xs: Iterable<string>) => `{${[...xs].map(pyRepr).join(", ")}}`;
export const pyList = (xs: Iterable<string>) => `[${[...xs].map(pyRepr).join(", ")}]`;

/** Python's `int(str)`: optional sign and surrounding whitespace, `_` between digits. */
export function pyIntString(s: string): string | null {
  const m = /^\s*([+-]?)(\d+(?:_\d+)*)\s*$/u.exec(s);
  if (!m) return null;
  const digits = m[2]!.replace(/_/g, "").replace(/^0+(?=\d)/, "");
  return (m[1] === "-" && digits !== "0" ? "-" : "") + digits;
}

/** Python's `str(float)`, for the one message that echoes a float back. */
export function pyFloatStr(v: number): string {
  if (Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e16 || a < 1e-4)) {
    const [m, e] = v.toExponential().split("e");
    const n = Number(e);
    return `${m}e${n < 0 ? "-" : "+"}${String(Math.abs(n)).padStart(2, "0")}`;
  }
  const s = String(v);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

/** Python's json.dumps with its default separators, for tokens byte-identical to MLflow's. */
export function pyJson(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (Array.isArray(v)) return `[${v.map(pyJson).join(", ")}]`;
  if (typeof v === "object") {
    return `{${Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${JSON.stringify(k)}: ${pyJson(x)}`)
      .join(", ")}}`;
  }
  if (typeof v === "string") return JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return JSON.stringify(v);
}
