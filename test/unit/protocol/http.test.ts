// Request bodies (src/protocol/http.ts): what is not a JSON object is refused, never run as empty.
import { describe, expect, it } from "vitest";
import { MAX_JSON_DEPTH, jsonDepth, parseJsonObject } from "../../../src/protocol/http";
import { MlflowError } from "../../../src/errors";

describe("parseJsonObject", () => {
  it("reads objects, double-encoded objects, and an empty body as {}", () => {
    expect(parseJsonObject('{"a": 1}')).toEqual({ a: 1 });
    expect(parseJsonObject(JSON.stringify(JSON.stringify({ a: 1 })))).toEqual({ a: 1 });
    expect(parseJsonObject("  ")).toEqual({});
  });

  it.each(["{not json", '{"a": 1', "[1, 2]", "5", "null", '"text"', JSON.stringify("[1]"), "{} extra"])("refuses %j with a 400", (body) => {
    let err: unknown;
    try {
      parseJsonObject(body);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MlflowError);
    expect((err as MlflowError).status).toBe(400);
    expect((err as MlflowError).code).toBe("INVALID_PARAMETER_VALUE");
  });

  it("refuses nesting deeper than the limit before parsing", () => {
    const ok = "[".repeat(MAX_JSON_DEPTH - 1) + "]".repeat(MAX_JSON_DEPTH - 1);
    expect(parseJsonObject(`{"a": ${ok}}`)).toBeTypeOf("object");
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    expect(() => parseJsonObject(`{"a": ${deep}}`)).toThrow(/nested deeper/);
  });

  it("counts depth outside strings only", () => {
    expect(jsonDepth('{"a": "[[[[[[{{{{"}')).toBe(1);
    expect(jsonDepth('{"a": "\\"[[["}')).toBe(1);
    expect(jsonDepth('[[{"a": [1]}]]')).toBe(4);
  });
});
