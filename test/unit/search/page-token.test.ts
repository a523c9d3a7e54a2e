import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { decodePageToken, encodePageToken } from "../../../src/search";
import { MlflowError } from "../../../src/errors";
import { expectInvalid } from "./helpers";

const b64 = (s: string) => btoa(s);

describe("encodePageToken", () => {
  it.each([
    [100, "eyJvZmZzZXQiOiAxMDB9"],
    [0, "eyJvZmZzZXQiOiAwfQ=="],
    [12345678901, "eyJvZmZzZXQiOiAxMjM0NTY3ODkwMX0="],
  ])("%i is byte-identical to MLflow's token", (offset, token) => {
    expect(encodePageToken(offset)).toBe(token);
  });
});

describe("decodePageToken", () => {
  it.each([null, undefined, ""])("%j means offset 0", (t) => {
    expect(decodePageToken(t)).toBe(0);
  });

  it.each([
    ["eyJvZmZzZXQiOiAxMDB9", 100],
    ["eyJvZmZzZXQiOiAxMDB9\n", 100],
    ["eyJvZmZzZXQi OiAxMDB9", 100],
    [b64('{"offset": "5"}'), 5],
    [b64('{"offset": 5.7}'), 5],
    [b64('{"offset": true}'), 1],
    [b64('{"offset": 1e3}'), 1000],
    [b64('{"offset": "1_0"}'), 10],
    [b64('{"offset": 10, "x": 1}'), 10],
    [b64('{"offset":7}'), 7],
  ])("%s -> %i (as MLflow reads it)", (token, offset) => {
    expect(decodePageToken(token)).toBe(offset);
  });

  it.each([
    ["eyJvZmZzZXQiOiAxMDB", "Invalid page token, could not base64-decode"],
    ["abc", "Invalid page token, could not base64-decode"],
    ["!!!", "Invalid page token, decoded value=b''"],
    ["YQ==", "Invalid page token, decoded value=b'a'"],
    ["YQ==YQ==", "Invalid page token, decoded value=b'a'"],
    [b64("not json"), "Invalid page token, decoded value=b'not json'"],
    [b64('{"offset": 0}'), "Invalid page token, parsed value={'offset': 0}"],
    [b64("{}"), "Invalid page token, parsed value={}"],
    [b64('{"offset": null}'), "Invalid page token, parsed value={'offset': None}"],
    [b64('{"offset": "x"}'), "Invalid page token, not stringable x"],
    [b64("[1]"), "Invalid page token"],
    [b64('"str"'), "Invalid page token"],
    [b64('{"offset": -5}'), "Invalid page token"],
  ])("%s is rejected", (token, message) => {
    expectInvalid(() => decodePageToken(token), message);
  });

  it("round-trips every positive offset", () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (n) => decodePageToken(encodePageToken(n)) === n));
  });

  it("never throws anything but INVALID_PARAMETER_VALUE", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.base64String(), fc.json().map((j) => btoa(unescape(encodeURIComponent(j))))), (t) => {
        try {
          const n = decodePageToken(t);
          return Number.isSafeInteger(n) && n >= 0;
        } catch (e) {
          return e instanceof MlflowError && e.code === "INVALID_PARAMETER_VALUE";
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe("encodePageToken guards", () => {
  it.each([-1, 1.5, Number.NaN, 2 ** 60])("%s is a programming error", (n) => {
    expect(() => encodePageToken(n)).toThrow(RangeError);
  });
});
