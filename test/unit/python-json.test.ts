/** Python's json.dumps / json.loads as src/lib/python-json.ts models them (ensure_ascii both ways); expectations printed by CPython 3.11. */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { dumpStringByUnit, pyDumpString, pyDumps, pyLoads, tryPyLoads } from "../../src/lib/python-json";

describe("python-json", () => {
  it("dumps like CPython (separators, float repr, dict order, escaping)", () => {
    const value = pyLoads('{"a": 1, "b": [1.0, 2.5, 1e-05, 1e16, -0.0], "c": null, "d": true, "é": "ünï\\n\\"q\\"\\t\\u0001", "1": "int-like key"}');
    expect(pyDumps(value, { ensureAscii: false })).toBe('{"a": 1, "b": [1.0, 2.5, 1e-05, 1e+16, -0.0], "c": null, "d": true, "é": "ünï\\n\\"q\\"\\t\\u0001", "1": "int-like key"}');
    expect(pyDumps(value)).toBe('{"a": 1, "b": [1.0, 2.5, 1e-05, 1e+16, -0.0], "c": null, "d": true, "\\u00e9": "\\u00fcn\\u00ef\\n\\"q\\"\\t\\u0001", "1": "int-like key"}');
    expect(pyDumps([NaN, Infinity, -Infinity], { ensureAscii: false })).toBe("[NaN, Infinity, -Infinity]");
    expect(pyDumps("x\u2028\u007f", { ensureAscii: false })).toBe('"x\u2028\u007f"');
    expect(pyDumps("x\u2028\u007f")).toBe('"x\\u2028\\u007f"');
    expect(pyDumps(12345678901234567890n, { ensureAscii: false })).toBe("12345678901234567890");
  });

  it("loads like CPython: ints exact, floats as floats, NaN accepted, garbage refused", () => {
    expect(pyLoads("12345678901234567890")).toBe(12345678901234567890n);
    expect(pyLoads("1.0")).toBe(1);
    expect(typeof pyLoads("1e3")).toBe("number");
    expect(Number.isNaN(pyLoads("NaN"))).toBe(true);
    for (const bad of ["", "{", "[1,]", "'x'", '"\u0001"', "1 2", "tru", "{1: 2}"]) expect(tryPyLoads(bad)).toBeUndefined();
  });

  it("round-trips any JSON value", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = JSON.stringify(v);
        expect(JSON.parse(pyDumps(pyLoads(text), { ensureAscii: false }))).toEqual(JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });
});

describe("python-json: strings written through JSON.stringify", () => {
  it("write what json.dumps writes, unit for unit, with and without ensure_ascii", () => {
    const texts = fc.oneof(
      fc.string({ unit: "binary" }), // any code point, astral ones as surrogate pairs
      fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }), // lone surrogates too
      fc.string({ unit: fc.constantFrom('"', "\\", "\n", "\r", "\t", "\b", "\f", "\u0000", "\u001f", "\u007f", "\u2028", "é", "\ud83d", "\ude00", "a") }),
    );
    fc.assert(
      fc.property(texts, (s) => {
        expect(pyDumpString(s)).toBe(dumpStringByUnit(s, true));
        expect(pyDumpString(s, { ensureAscii: false })).toBe(dumpStringByUnit(s, false));
      }),
      { numRuns: 3000 },
    );
    expect(pyDumpString("é\ud83d\ude00\u007f\u0001")).toBe('"\\u00e9\\ud83d\\ude00\\u007f\\u0001"');
    expect(pyDumpString("lone \ud800", { ensureAscii: false })).toBe('"lone \ud800"');
  });
});
