/**
 * Python's `json` module, for text that must match what MLflow writes byte for byte (span
 * content, span attributes, trace metadata) and for reading it back the way MLflow reads it.
 *
 * Python keeps distinctions JavaScript's JSON loses, so values are modelled as Python sees them:
 * an int is a `bigint` (exact at any size), a float a `number` (NaN and ±Infinity included), a
 * dict a `Map` (insertion order kept, also for keys like "1" that JavaScript objects would move
 * to the front). `pyDumps` renders with json.dumps' default separators (", " and ": "), floats
 * as Python's repr (`1.0`, `1e-05`), and non-ASCII either kept (ensure_ascii=False, as MLflow's
 * span attributes and content) or escaped (the default).
 */
import { pyFloatStr } from "./python-repr";

export type PyValue = null | boolean | string | bigint | number | PyValue[] | PyDict;
export type PyDict = Map<string, PyValue>;

export const isPyDict = (v: unknown): v is PyDict => v instanceof Map;

/** A plain JS value (objects, numbers) as a Python value; integral numbers become ints. */
export function fromJs(v: unknown): PyValue {
  if (v === null || v === undefined) return null;
  if (typeof v === "boolean" || typeof v === "string" || typeof v === "bigint") return v;
  if (typeof v === "number") return Number.isInteger(v) ? BigInt(v) : v;
  if (Array.isArray(v)) return v.map(fromJs);
  if (v instanceof Map) return v as PyDict;
  return new Map(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, fromJs(x)]));
}

// ---- dumps -----------------------------------------------------------------------------------

function asciiEscape(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** json.dumps of a str: JSON.stringify escapes exactly what Python escapes with ensure_ascii=False. */
export function pyDumpString(s: string, ensureAscii = false): string {
  const text = JSON.stringify(s);
  return ensureAscii ? asciiEscape(text) : text;
}

function pyFloat(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "Infinity";
  if (v === -Infinity) return "-Infinity";
  if (Object.is(v, -0)) return "-0.0";
  return pyFloatStr(v);
}

/** Python's `json.dumps(value, ensure_ascii=…)` with the default separators. */
export function pyDumps(value: PyValue, ensureAscii = false): string {
  const out: string[] = [];
  const write = (v: PyValue): void => {
    if (v === null) out.push("null");
    else if (v === true) out.push("true");
    else if (v === false) out.push("false");
    else if (typeof v === "string") out.push(pyDumpString(v, ensureAscii));
    else if (typeof v === "bigint") out.push(v.toString());
    else if (typeof v === "number") out.push(pyFloat(v));
    else if (Array.isArray(v)) {
      out.push("[");
      v.forEach((x, i) => {
        if (i > 0) out.push(", ");
        write(x);
      });
      out.push("]");
    } else {
      out.push("{");
      let first = true;
      for (const [k, x] of v) {
        if (!first) out.push(", ");
        first = false;
        out.push(pyDumpString(k, ensureAscii), ": ");
        write(x);
      }
      out.push("}");
    }
  };
  write(value);
  return out.join("");
}

// ---- loads -----------------------------------------------------------------------------------

export class PyJsonError extends Error {}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);
const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/y;
const ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

/** Python's `json.loads` (strict mode): NaN/Infinity accepted, ints exact, dict order kept. */
export function pyLoads(text: string): PyValue {
  let i = 0;
  const fail = (): never => {
    throw new PyJsonError(`Expecting value: char ${i}`);
  };
  const skip = () => {
    while (i < text.length && WS.has(text.charCodeAt(i))) i++;
  };
  const str = (): string => {
    i++; // opening quote
    let out = "";
    let start = i;
    for (;;) {
      if (i >= text.length) fail();
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(start, i);
        i++;
        return out;
      }
      if (c < 0x20) fail();
      if (c !== 0x5c) {
        i++;
        continue;
      }
      out += text.slice(start, i);
      const e = text[i + 1];
      if (e === "u") {
        const hex = text.slice(i + 2, i + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail();
        out += String.fromCharCode(parseInt(hex, 16));
        i += 6;
      } else if (e !== undefined && e in ESCAPES) {
        out += ESCAPES[e];
        i += 2;
      } else fail();
      start = i;
    }
  };
  const value = (): PyValue => {
    skip();
    const c = text[i];
    if (c === "{") {
      i++;
      const dict: PyDict = new Map();
      skip();
      if (text[i] === "}") {
        i++;
        return dict;
      }
      for (;;) {
        skip();
        if (text[i] !== '"') fail();
        const key = str();
        skip();
        if (text[i] !== ":") fail();
        i++;
        dict.set(key, value());
        skip();
        if (text[i] === ",") i++;
        else if (text[i] === "}") {
          i++;
          return dict;
        } else fail();
      }
    }
    if (c === "[") {
      i++;
      const list: PyValue[] = [];
      skip();
      if (text[i] === "]") {
        i++;
        return list;
      }
      for (;;) {
        list.push(value());
        skip();
        if (text[i] === ",") i++;
        else if (text[i] === "]") {
          i++;
          return list;
        } else fail();
      }
    }
    if (c === '"') return str();
    for (const [word, v] of [["null", null], ["true", true], ["false", false], ["NaN", NaN], ["Infinity", Infinity], ["-Infinity", -Infinity]] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m) return fail();
    i += m[0].length;
    return m[1] || m[2] ? Number(m[0]) : BigInt(m[0]);
  };
  const result = value();
  skip();
  if (i !== text.length) throw new PyJsonError(`Extra data: char ${i}`);
  return result;
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

/** A Python value as plain JSON-able JS (ints as numbers where exact, dicts as objects). */
export function toJs(v: PyValue): unknown {
  if (typeof v === "bigint") return Number.isSafeInteger(Number(v)) ? Number(v) : v;
  if (Array.isArray(v)) return v.map(toJs);
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [k, toJs(x)]));
  return v;
}
