// Python's json.loads/json.dumps/str() as src/lib/python-json.ts renders them; the expected texts
// were produced by CPython 3.11 (MLflow 3.18's venv).
import { describe, expect, it } from "vitest";
import { pyDumps, pyLoads, pyStrValue, PyJsonError } from "../../../src/lib/python-json";

describe("python-json", () => {
  it("round-trips as json.dumps(json.loads(x)) does, ints apart from floats, keys in order", () => {
    const text = '{"a": 1, "b": [1.0, 2.5, 1e-07, 1e16, 123456789012345678901234567890, -0.0, true, null], "\u00e9\ud83d\ude00": "\\u0000\\u007f\\n", "2": {"1": 1}}';
    expect(pyDumps(pyLoads(text))).toBe(
      '{"a": 1, "b": [1.0, 2.5, 1e-07, 1e+16, 123456789012345678901234567890, -0.0, true, null], "\\u00e9\\ud83d\\ude00": "\\u0000\\u007f\\n", "2": {"1": 1}}',
    );
    expect(pyDumps(pyLoads(text), { sortKeys: true })).toBe(
      '{"2": {"1": 1}, "a": 1, "b": [1.0, 2.5, 1e-07, 1e+16, 123456789012345678901234567890, -0.0, true, null], "\\u00e9\\ud83d\\ude00": "\\u0000\\u007f\\n"}',
    );
    expect(pyDumps(pyLoads("[NaN, Infinity, -Infinity, 1E400, 0.1, 100.0, 1e5]"))).toBe("[NaN, Infinity, -Infinity, Infinity, 0.1, 100.0, 100000.0]");
  });

  it("keeps a repeated key at its first position with its last value, as a dict does", () => {
    expect(pyDumps(pyLoads('{"a": 1, "b": 2, "a": 3}'))).toBe('{"a": 3, "b": 2}');
  });

  it("renders str() of values", () => {
    expect(["true", "null", '[1, "x", null]', '{"a": null, "b": 1.5}', "2.0", "1e-05"].map((t) => pyStrValue(pyLoads(t)))).toEqual([
      "True",
      "None",
      "[1, 'x', None]",
      "{'a': None, 'b': 1.5}",
      "2.0",
      "1e-05",
    ]);
  });

  it("refuses what Python refuses", () => {
    for (const bad of ["{not json", "[1,]", '{"a" 1}', "1 2", '"\u0001"', "'a'"]) expect(() => pyLoads(bad), bad).toThrow(PyJsonError);
  });
});
