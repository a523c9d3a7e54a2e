/**
 * JSON as Python's `json` module reads and writes it. MLflow stores span contents and attributes,
 * trace metadata, assessments, GenAI datasets, scorers and webhook payloads as `json.dumps` text
 * (", " and ": " separators, floats in Python's repr, non-ASCII escaped by default or kept with
 * ensure_ascii=False as its span code does), and several answers are `json.dumps(json.loads(x))`
 * of what a client sent. To produce the same bytes, and to share rows with the reference server,
 * values keep Python's distinctions that JavaScript's JSON loses: integers (bigint) apart from
 * floats (number), and object keys in insertion order whatever they look like (a Map, since JS
 * objects move integer-like keys first).
 */
import { pyFloatStr, pyRepr } from "./python-repr";

export type PyValue = null | boolean | bigint | number | string | PyValue[] | PyDict;
export type PyDict = Map<string, PyValue>;

export class PyJsonError extends Error {}

const isDict = (v: PyValue): v is PyDict => v instanceof Map;
export { isDict };

// ---- json.loads ---------------------------------------------------------------------------------

/** Deeper than this, the reader refuses the text rather than recurse on. */
const MAX_DEPTH = 512;
const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/y;

class Reader {
  i = 0;
  constructor(readonly s: string) {}

  fail(what: string): never {
    throw new PyJsonError(`${what} at char ${this.i}`);
  }

  ws(): void {
    // Python's separators put one space after ":" and ","; a loop on char codes beats a regex here.
    for (let c = this.s.charCodeAt(this.i); c === 32 || c === 10 || c === 13 || c === 9; c = this.s.charCodeAt(++this.i));
  }

  value(depth: number): PyValue {
    if (depth > MAX_DEPTH) this.fail("Nesting too deep");
    this.ws();
    switch (this.s.charCodeAt(this.i)) {
      case 123: // {
        return this.object(depth);
      case 91: // [
        return this.array(depth);
      case 34: // "
        return this.string();
      case 110: // n
        return this.literal("null", null);
      case 116: // t
        return this.literal("true", true);
      case 102: // f
        return this.literal("false", false);
      case 78: // N
        return this.literal("NaN", NaN);
      case 73: // I
        return this.literal("Infinity", Infinity);
      case 45: // -
        if (this.s.startsWith("-Infinity", this.i)) return this.literal("-Infinity", -Infinity);
    }
    NUMBER.lastIndex = this.i;
    const m = NUMBER.exec(this.s);
    if (!m) this.fail("Expecting value");
    this.i += m[0].length;
    return m[1] === undefined && m[2] === undefined ? BigInt(m[0]) : Number(m[0]);
  }

  literal(word: string, v: PyValue): PyValue {
    if (!this.s.startsWith(word, this.i)) this.fail("Expecting value");
    this.i += word.length;
    return v;
  }

  object(depth: number): PyDict {
    const out: PyDict = new Map();
    this.i++;
    this.ws();
    if (this.s[this.i] === "}") {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') this.fail("Expecting property name enclosed in double quotes");
      const key = this.string();
      this.ws();
      if (this.s[this.i] !== ":") this.fail("Expecting ':' delimiter");
      this.i++;
      // A repeated key keeps its first position and takes the last value, as a Python dict does.
      out.set(key, this.value(depth + 1));
      this.ws();
      const ch = this.s[this.i++];
      if (ch === "}") return out;
      if (ch !== ",") this.fail("Expecting ',' delimiter");
    }
  }

  array(depth: number): PyValue[] {
    const out: PyValue[] = [];
    this.i++;
    this.ws();
    if (this.s[this.i] === "]") {
      this.i++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth + 1));
      this.ws();
      const ch = this.s[this.i++];
      if (ch === "]") return out;
      if (ch !== ",") this.fail("Expecting ',' delimiter");
    }
  }

  string(): string {
    let out = "";
    this.i++;
    for (;;) {
      PLAIN.lastIndex = this.i;
      const run = PLAIN.exec(this.s)![0];
      out += run;
      this.i += run.length;
      const ch = this.s[this.i];
      if (ch === undefined) this.fail("Unterminated string");
      if (ch === '"') {
        this.i++;
        return out;
      }
      if (ch !== "\\") this.fail("Invalid control character");
      const esc = this.s[this.i + 1];
      if (esc !== undefined && esc in SIMPLE_ESCAPES) {
        out += SIMPLE_ESCAPES[esc];
        this.i += 2;
      } else if (esc === "u" && /^[0-9a-fA-F]{4}$/.test(this.s.slice(this.i + 2, this.i + 6))) {
        out += String.fromCharCode(parseInt(this.s.slice(this.i + 2, this.i + 6), 16));
        this.i += 6;
      } else this.fail("Invalid \\escape");
    }
  }
}

/** A run of string characters that need no decoding. */
const PLAIN = /[^"\\\x00-\x1f]*/y;
const SIMPLE_ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

/** Python's `json.loads` (NaN and Infinity accepted, as Python does). */
export function pyLoads(text: string): PyValue {
  const r = new Reader(text);
  const v = r.value(0);
  r.ws();
  if (r.i !== text.length) r.fail("Extra data");
  return v;
}

/** `json.loads(text)`, or undefined where Python raises. */
export function tryPyLoads(text: string): PyValue | undefined {
  try {
    return pyLoads(text);
  } catch (e) {
    if (e instanceof PyJsonError) return undefined;
    throw e;
  }
}

// ---- json.dumps ---------------------------------------------------------------------------------

const BEYOND_ASCII = /[\u007f-\uffff]/g;
const SURROGATE = /[\ud800-\udfff]/;
const escapeUnit = (ch: string) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`;

/**
 * A string literal as json.dumps writes it: non-ASCII escaped unless `ensureAscii` is false.
 * JSON.stringify escapes what Python escapes, in the same forms (`\n`…, `\u001f` in lower case),
 * and with ensure_ascii every other unit past `~` becomes `\uXXXX` as Python writes it (surrogate
 * pairs as two). Only a surrogate without ensure_ascii differs (JSON.stringify escapes a lone one,
 * Python writes it as it is), so such strings are written unit by unit.
 */
export function pyDumpString(s: string, { ensureAscii = true }: { ensureAscii?: boolean } = {}): string {
  if (ensureAscii) return JSON.stringify(s).replace(BEYOND_ASCII, escapeUnit);
  return SURROGATE.test(s) ? dumpStringByUnit(s, false) : JSON.stringify(s);
}

/** pyDumpString one UTF-16 unit at a time (the reference the fast path is tested against). */
export function dumpStringByUnit(s: string, ensureAscii: boolean): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i]!;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\b") out += "\\b";
    else if (ch === "\f") out += "\\f";
    else if (c < 0x20 || (ensureAscii && c > 0x7e)) out += `\\u${c.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return out + '"';
}

function dumpFloat(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "Infinity" : "-Infinity";
  return Object.is(v, -0) ? "-0.0" : pyFloatStr(v);
}

/** Python's ordering of str keys: by code point. */
function codePointCompare(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

export interface DumpOptions {
  /** sort_keys=True */
  sortKeys?: boolean;
  /** ensure_ascii (Python's default: true); MLflow's span code writes with ensure_ascii=False. */
  ensureAscii?: boolean;
}

/** Python's `json.dumps(v, sort_keys=…, ensure_ascii=…)` with the default separators. */
export function pyDumps(v: PyValue, opts: DumpOptions = {}): string {
  if (v === null) return "null";
  if (v === true) return "true";
  if (v === false) return "false";
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "number") return dumpFloat(v);
  if (typeof v === "string") return pyDumpString(v, opts);
  if (Array.isArray(v)) return `[${v.map((x) => pyDumps(x, opts)).join(", ")}]`;
  const keys = [...v.keys()];
  if (opts.sortKeys) keys.sort(codePointCompare);
  return `{${keys.map((k) => `${pyDumpString(k, opts)}: ${pyDumps(v.get(k)!, opts)}`).join(", ")}}`;
}

// ---- str() and type names -----------------------------------------------------------------------

/** Python's `repr(v)` of a JSON value. */
export function pyReprValue(v: PyValue): string {
  if (v === null) return "None";
  if (v === true) return "True";
  if (v === false) return "False";
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "number") return Number.isNaN(v) ? "nan" : Object.is(v, -0) ? "-0.0" : pyFloatStr(v);
  if (typeof v === "string") return pyRepr(v);
  if (Array.isArray(v)) return `[${v.map(pyReprValue).join(", ")}]`;
  return `{${[...v.entries()].map(([k, x]) => `${pyRepr(k)}: ${pyReprValue(x)}`).join(", ")}}`;
}

/** Python's `str(v)`: strings as they are, everything else as its repr. */
export const pyStrValue = (v: PyValue): string => (typeof v === "string" ? v : pyReprValue(v));

/** `type(v).__name__`. */
export function pyTypeName(v: PyValue): string {
  if (v === null) return "NoneType";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "bigint") return "int";
  if (typeof v === "number") return "float";
  if (typeof v === "string") return "str";
  return Array.isArray(v) ? "list" : "dict";
}

// ---- bridges ------------------------------------------------------------------------------------

/** A plain JS value (e.g. a decoded request field) as a Python value; integral numbers become ints. */
export function fromJs(v: unknown): PyValue {
  if (v === null || v === undefined) return null;
  if (typeof v === "boolean" || typeof v === "string" || typeof v === "bigint") return v;
  if (typeof v === "number") return Number.isInteger(v) ? BigInt(v) : v;
  if (Array.isArray(v)) return v.map(fromJs);
  if (v instanceof Map) return v as PyDict;
  return new Map(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, fromJs(x)]));
}

/** Python's truthiness of a value (empty containers, "", 0, 0.0 and None are false). */
export function pyTruthy(v: PyValue | undefined): boolean {
  if (v === null || v === undefined || v === false) return false;
  if (typeof v === "string") return v.length > 0;
  if (typeof v === "bigint") return v !== 0n;
  if (typeof v === "number") return v !== 0;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Map) return v.size > 0;
  return true;
}

/** A dict of strings built in order, e.g. for payloads. */
export function dict(entries: [string, PyValue][]): PyDict {
  return new Map(entries);
}
