import { expect } from "vitest";
import { MlflowError } from "../../../src/errors";
import type { FilterValue } from "../../../src/search";

/** Asserts `fn` throws MlflowError INVALID_PARAMETER_VALUE whose message matches `message`. */
export function expectInvalid(fn: () => unknown, message?: string | RegExp): MlflowError {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err, "expected an MlflowError").toBeInstanceOf(MlflowError);
  const e = err as MlflowError;
  expect(e.code).toBe("INVALID_PARAMETER_VALUE");
  if (typeof message === "string") expect(e.message).toContain(message);
  else if (message) expect(e.message).toMatch(message);
  return e;
}

/** The plain JS value of a FilterValue (what MLflow's parser would return). */
export function plain(v: FilterValue): unknown {
  switch (v.kind) {
    case "number":
      return v.value;
    case "string":
      return v.value;
    case "list":
      return v.values;
    case "null":
      return null;
  }
}
