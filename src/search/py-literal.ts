/**
 * Reads the parenthesised list of an `IN (...)` clause.
 *
 * MLflow hands the raw `(...)` text to Python's `ast.literal_eval`, so list items follow Python
 * string-literal rules (backslash escapes, adjacent literals concatenate, a trailing comma is fine,
 * `('a')` is a single string) - unlike `=` values, which are taken verbatim. We reproduce that for
 * string items; anything else (numbers, names, nested lists) is reported as a non-string item or
 * an ill-formed list, which is how MLflow rejects them too. Also home to the other small bits of
 * Python behaviour MLflow's messages and parsing leak (int(), str(float), repr()).
 */

import { pyRepr } from "../lib/python-repr";

export type PyItem = { kind: "str"; value: string } | { kind: "other"; text: string };

export type PyLiteralResult =
  | { ok: true; tuple: boolean; items: PyItem[] }
  | { ok: false };

const SIMPLE_ESCAPES: Record<string, string> = {
  "\\": "\\",
  "'": "'",
  '"': '"',
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\n": "",
};

type Atom = PyItem | { kind: "tuple"; items: Atom[] };

class Reader {
  pos = 0;
  constructor(readonly s: string) {}

  skipSpace(): void {
    for (;;) {
      const c = this.s[this.pos];
      if (c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f") this.pos++;
      else if (c === "\\" && this.s[this.pos + 1] === "\n") this.pos += 2;
      else if (c === "#") {
        while (this.pos < this.s.length && this.s[this.pos] !== "\n") this.pos++;
      } else return;
    }
  }

  /** One Python string literal body at a quote, or null when the text is not a valid literal. */
  string(raw = false): string | null {
    const q = this.s[this.pos];
    if (q !== "'" && q !== '"') return null;
    const triple = this.s.startsWith(q.repeat(3), this.pos);
    const close = triple ? q.repeat(3) : q;
    this.pos += close.length;
    let out = "";
    for (;;) {
      if (this.pos >= this.s.length) return null;
      if (this.s.startsWith(close, this.pos)) {
        this.pos += close.length;
        return out;
      }
      const c = this.s[this.pos]!;
      if (!triple && (c === "\n" || c === "\r")) return null;
      if (c !== "\\") {
        out += c;
        this.pos++;
        continue;
      }
      const e = this.s[this.pos + 1];
      if (e === undefined) return null;
      if (raw) {
        // Raw strings keep the backslash, but it still stops the next quote from closing.
        out += c + e;
        this.pos += 2;
      } else if (e in SIMPLE_ESCAPES) {
        out += SIMPLE_ESCAPES[e];
        this.pos += 2;
      } else if (/[0-7]/.test(e)) {
        const m = /^[0-7]{1,3}/.exec(this.s.slice(this.pos + 1))![0];
        out += String.fromCodePoint(parseInt(m, 8));
        this.pos += 1 + m.length;
      } else if (e === "x" || e === "u" || e === "U") {
        const n = e === "x" ? 2 : e === "u" ? 4 : 8;
        const hex = this.s.slice(this.pos + 2, this.pos + 2 + n);
        if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) return null;
        const cp = parseInt(hex, 16);
        if (cp > 0x10ffff) return null;
        out += String.fromCodePoint(cp);
        this.pos += 2 + n;
      } else if (e === "N") {
        return null; // \N{NAME} needs the Unicode name table; treated as ill-formed (documented gap)
      } else {
        out += "\\" + e; // Python keeps unknown escapes verbatim
        this.pos += 2;
      }
    }
  }

  /** A run of adjacent string literals, a parenthesised group, or an opaque "other" atom. */
  /** A string prefix (u, r, b, f and their combinations) directly followed by a quote. */
  prefix(): string | null {
    const m = /^(?:[rR][bBfF]?|[bBfF][rR]?|[uU])(?=['"])/.exec(this.s.slice(this.pos, this.pos + 3));
    return m ? m[0].toLowerCase() : this.s[this.pos] === "'" || this.s[this.pos] === '"' ? "" : null;
  }

  atom(): Atom | null {
    this.skipSpace();
    if (this.prefix() !== null) {
      // Adjacent literals concatenate; bytes cannot mix with text and f-strings are not literals.
      let value = "";
      let bytes: boolean | null = null;
      for (let prefix = this.prefix(); prefix !== null; prefix = this.prefix()) {
        if (prefix.includes("f")) return null;
        const isBytes = prefix.includes("b");
        if (bytes !== null && bytes !== isBytes) return null;
        bytes = isBytes;
        this.pos += prefix.length;
        const part = this.string(prefix.includes("r"));
        if (part === null) return null;
        value += part;
        this.skipSpace();
      }
      return bytes ? { kind: "other", text: `b${pyRepr(value)}` } : { kind: "str", value };
    }
    const c = this.s[this.pos];
    if (c === "(") {
      this.pos++;
      const r = this.sequence(")");
      if (!r) return null;
      return r.tuple ? { kind: "tuple", items: r.items } : r.items[0]!;
    }
    // Anything else: consume a balanced chunk so that numbers, names, lists, ... are reported as
    // "not a string" rather than as a syntax error.
    const start = this.pos;
    let depth = 0;
    while (this.pos < this.s.length) {
      const ch = this.s[this.pos]!;
      if (ch === "'" || ch === '"') {
        if (this.string() === null) return null;
        continue;
      }
      if (ch === "(" || ch === "[" || ch === "{") depth++;
      else if (ch === ")" || ch === "]" || ch === "}") {
        if (depth === 0) break;
        depth--;
      } else if (ch === "," && depth === 0) break;
      this.pos++;
    }
    const text = this.s.slice(start, this.pos).trim();
    if (!text || depth !== 0) return null;
    return { kind: "other", text };
  }

  /** Items up to `end`; `tuple` is false for a single parenthesised item without a comma. */
  sequence(end: string): { tuple: boolean; items: Atom[] } | null {
    const items: Atom[] = [];
    let sawComma = false;
    this.skipSpace();
    if (this.s[this.pos] === end) {
      this.pos++;
      return { tuple: true, items };
    }
    for (;;) {
      const a = this.atom();
      if (!a) return null;
      items.push(a);
      this.skipSpace();
      const c = this.s[this.pos];
      if (c === end) {
        this.pos++;
        return { tuple: sawComma, items };
      }
      if (c !== ",") return null;
      sawComma = true;
      this.pos++;
      this.skipSpace();
      if (this.s[this.pos] === end) {
        this.pos++;
        return { tuple: true, items };
      }
    }
  }
}

/** Parses `(...)` text as Python would; `ok: false` means Python raises a SyntaxError. */
export function parsePyTuple(text: string): PyLiteralResult {
  const r = new Reader(text);
  r.skipSpace();
  if (text[r.pos] !== "(") return { ok: false };
  r.pos++;
  const seq = r.sequence(")");
  if (!seq) return { ok: false };
  r.skipSpace();
  if (r.pos !== text.length) return { ok: false };
  // `('a')` is just 'a' and `(('a', 'b'))` is the inner tuple: parentheses alone do not nest.
  let { tuple, items } = seq;
  while (!tuple && items.length === 1 && items[0]!.kind === "tuple") {
    items = (items[0] as { items: Atom[] }).items;
    tuple = true;
  }
  const flat: PyItem[] = items.map((a) => (a.kind === "tuple" ? { kind: "other", text: "(...)" } : a));
  return { ok: true, tuple, items: flat };
}
