/**
 * Accept/reject decisions and parsed clauses checked against output recorded from MLflow 3.18.0
 * itself (fixtures/mlflow-cases.json: its parser plus its SQL store's clause building). The
 * probes are random near-valid filters, so this covers quoting and tokenisation corners that the
 * hand-written tests do not.
 */
import { describe, expect, it } from "vitest";
import fixture from "./fixtures/mlflow-cases.json";
import { parseExperimentFilter, parseExperimentOrderBy, parseRunFilter, parseRunOrderBy } from "../../../src/search";
import { MlflowError } from "../../../src/errors";
import { plain } from "./helpers";

interface Case {
  kind: "runs" | "experiments" | "runs_order" | "experiments_order";
  input: string | string[];
  accepted: boolean;
  parsed?: unknown[];
}

const cases = (fixture as { cases: Case[] }).cases;

/** MLflow keeps metric values as text and tuples for one-element lists; compare semantically. */
function normaliseMlflow(kind: Case["kind"], parsed: unknown[]): unknown[] {
  if (kind === "runs_order" || kind === "experiments_order") return parsed;
  return (parsed as { type: string; key: string; comparator: string; value: unknown }[]).map((c) => {
    let value = c.value;
    if (c.type === "metric") value = Number(value);
    if (Array.isArray(value) && value.length === 1 && c.comparator !== "IN" && c.comparator !== "NOT IN") value = value[0];
    if (kind === "experiments" && c.type === "attribute" && c.key === "experiment_id") {
      value = Array.isArray(value) ? value.map((x) => String(BigInt(String(x).trim().replace(/_/g, "")))) : String(BigInt(String(value).trim().replace(/_/g, "")));
    }
    return { type: c.type, key: c.key, comparator: c.comparator, value };
  });
}

function ours(c: Case): unknown[] {
  switch (c.kind) {
    case "runs":
      return parseRunFilter(c.input as string).map((x) => ({ type: x.type, key: x.key, comparator: x.comparator, value: plain(x.value) }));
    case "experiments":
      return parseExperimentFilter(c.input as string).map((x) => ({ type: x.type, key: x.key, comparator: x.comparator, value: plain(x.value) }));
    case "runs_order":
      return parseRunOrderBy(c.input as string[]).map((o) => [o.type, o.key, o.ascending]);
    case "experiments_order":
      return parseExperimentOrderBy(c.input as string[]).map((o) => [o.type, o.key, o.ascending]);
  }
}

describe("agreement with MLflow 3.18.0 on recorded cases", () => {
  it("has a meaningful number of cases of each verdict", () => {
    expect(cases.filter((c) => c.accepted).length).toBeGreaterThan(500);
    expect(cases.filter((c) => !c.accepted).length).toBeGreaterThan(500);
  });

  it.each(cases.map((c, i) => [i, c] as const))("case %i", (_i, c) => {
    if (c.accepted) {
      expect(ours(c)).toEqual(normaliseMlflow(c.kind, c.parsed!));
    } else {
      let err: unknown;
      try {
        ours(c);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(MlflowError);
      expect((err as MlflowError).code).toBe("INVALID_PARAMETER_VALUE");
    }
  });
});
