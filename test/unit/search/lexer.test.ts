import { describe, expect, it } from "vitest";
import { tokenize, type TokenKind } from "../../../src/search/lexer";
import { pyRepr } from "../../../src/lib/python-repr";
import { parsePyTuple } from "../../../src/search/py-literal";
import { printFilter, printKey, printOrderBy } from "../../../src/search/print";

const kinds = (s: string) => tokenize(s).filter((t) => t.kind !== "ws").map((t) => [t.kind, t.text] as [TokenKind, string]);

describe("tokenize", () => {
  it("splits a typical filter", () => {
    expect(kinds("metrics.acc >= -1.5e3 AND params.`a b` LIKE 'x%'")).toEqual([
      ["name", "metrics"],
      ["punct", "."],
      ["name", "acc"],
      ["cmp", ">="],
      ["float", "-1.5e3"],
      ["keyword", "AND"],
      ["name", "params"],
      ["punct", "."],
      ["name", "`a b`"],
      ["cmp", "LIKE"],
      ["string", "'x%'"],
    ]);
  });

  it.each([
    ["1", "integer"],
    ["-12", "integer"],
    ["1.5", "float"],
    [".5", "float"],
    ["1.", "float"],
    ["-.5", "float"],
    ["1e5", "float"],
    ["1E-5", "float"],
    ["0x1F", "hex"],
    ["'it''s'", "string"],
    ["'a\\'b'", "string"],
    ['"q"', "symbol"],
    ["`k`", "name"],
    ["[k k]", "name"],
  ])("%s is one %s token", (text, kind) => {
    expect(kinds(text)).toEqual([[kind, text]]);
  });

  it("word operators are single tokens, case-insensitive", () => {
    expect(kinds("a not  like 'x'").map((t) => t[0])).toEqual(["name", "cmp", "string"]);
    expect(tokenize("a NOT   LIKE 'x'").find((t) => t.kind === "cmp")!.norm).toBe("NOT LIKE");
    expect(kinds("IS NOT NULL")).toEqual([
      ["keyword", "IS"],
      ["keyword", "NOT NULL"],
    ]);
  });

  it("keywords after a period are names, except the ones the SQL lexer reserves", () => {
    expect(kinds("tags.and")[2]).toEqual(["name", "and"]);
    expect(kinds("tags.in")[2]).toEqual(["keyword", "in"]);
  });

  it("comparison operators are maximal runs", () => {
    expect(kinds("a==b")[1]).toEqual(["cmp", "=="]);
    expect(kinds("a<>b")[1]).toEqual(["cmp", "<>"]);
  });

  it("never throws and covers the input", () => {
    for (const s of ["'unterminated", "`open", '"open', "\u0000\ud800", "/* x */", "$$a$$", "-- c\nx"]) {
      const toks = tokenize(s);
      expect(toks.map((t) => t.text).join("")).toBe(s);
    }
  });
});

describe("parsePyTuple", () => {
  it.each([
    ["('a')", false, ["a"]],
    ["('a',)", true, ["a"]],
    ["('a', \"b\")", true, ["a", "b"]],
    ["('a' \"b\")", false, ["ab"]],
    ["('\\t\\\\\\'')", false, ["\t\\'"]],
    ["('\\101\\x41\\u0041\\U00000041')", false, ["AAAA"]],
    ["('\\q')", false, ["\\q"]],
    ["((('a')))", false, ["a"]],
    ["(u'a', U\"b\")", true, ["a", "b"]],
    ["(r'\\d', R'\\'')", true, ["\\d", "\\'"]],
    ["(b'x')", false, ["<b'x'>"]],
    ["()", true, []],
  ])("%s", (text, tuple, values) => {
    const r = parsePyTuple(text);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.tuple).toBe(tuple);
      expect(r.items.map((i) => (i.kind === "str" ? i.value : `<${i.text}>`))).toEqual(values);
    }
  });

  it("non-strings are reported as such", () => {
    const r = parsePyTuple("('a', 1, None)");
    expect(r.ok && r.items.map((i) => i.kind)).toEqual(["str", "other", "other"]);
  });

  it.each(["(", "('a'", "('a',,)", "(,)", "('a\\xZZ')", "('\\N{BULLET}')", "('a\nb')", "('a') x", "(f'a')", "('a' b'c')"])("%j is ill-formed", (text) => {
    expect(parsePyTuple(text).ok).toBe(false);
  });

  it("pyRepr mirrors Python's quoting choice", () => {
    expect(pyRepr("a")).toBe("'a'");
    expect(pyRepr("it's")).toBe('"it\'s"');
    expect(pyRepr("'\"")).toBe("'\\'\"'");
    expect(pyRepr("a\\b\n")).toBe("'a\\\\b\\n'");
  });
});

describe("print", () => {
  it("keys: bare when safe, else quoted", () => {
    expect(printKey("loss")).toBe("loss");
    expect(printKey("a b")).toBe("`a b`");
    expect(printKey("in")).toBe("`in`");
    expect(printKey("a`b")).toBe('"a`b"');
    expect(() => printKey("`x`")).toThrow();
    expect(() => printKey("`\"'")).toThrow();
  });

  it("filters and order_by", () => {
    expect(
      printFilter([
        { type: "metric", key: "m", comparator: ">", value: { kind: "number", value: 1, integer: true, raw: "1" } },
        { type: "tag", key: "t t", comparator: "IS NULL", value: { kind: "null" } },
        { type: "attribute", key: "run_id", comparator: "IN", value: { kind: "list", values: ["a"] } },
        { type: "parameter", key: "p", comparator: "=", value: { kind: "string", value: "it's" } },
      ]),
    ).toBe("metrics.m > 1 AND tags.`t t` IS NULL AND attributes.run_id IN ('a',) AND params.p = \"it's\"");
    expect(printOrderBy({ type: "metric", key: "a b", ascending: false })).toBe("metrics.`a b` DESC");
    expect(() => printFilter([{ type: "parameter", key: "p", comparator: "=", value: { kind: "string", value: "'\"" } }])).toThrow();
  });
});
