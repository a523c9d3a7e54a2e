/**
 * Trace analytics checked against MLflow 3.18.0 itself (fixtures/trace-metrics-cases.json, made by
 * fixtures/record_trace_metrics_cases.py): QueryTraceMetrics filter strings parse to the same
 * view/entity/key/value or are refused with MLflow's message, and NPMI comes out the same for
 * every small count table. Plus the time bucket rendering (Python's isoformat in UTC).
 */
import { describe, expect, it } from "vitest";
import fixture from "./fixtures/trace-metrics-cases.json";
import { MlflowError } from "../../../src/errors";
import { parseMetricsFilter } from "../../../src/search/trace-metrics-filter";
import { npmiFromCounts } from "../../../src/services/trace-correlation";
import { bucketIso } from "../../../src/services/trace-metrics";

interface FilterCase {
  input: string;
  accepted: boolean;
  parsed?: { view: string; entity: string; key: string | null; value: string };
  message?: string;
  crash?: string;
}

function outcome(input: string): { accepted: true; parsed: unknown } | { accepted: false; message: string } {
  try {
    return { accepted: true, parsed: parseMetricsFilter(input) };
  } catch (e) {
    if (!(e instanceof MlflowError) || e.code !== "INVALID_PARAMETER_VALUE") throw e;
    return { accepted: false, message: e.message };
  }
}

describe("traces/metrics filters, as MLflow parses them", () => {
  const cases = (fixture.filters as FilterCase[]).filter((c) => !c.crash);
  it("has cases of both kinds", () => {
    expect(cases.filter((c) => c.accepted).length).toBeGreaterThan(50);
    expect(cases.filter((c) => !c.accepted).length).toBeGreaterThan(500);
  });
  it.each(cases.map((c) => [c.input, c] as const))("%s", (_input, c) => {
    const got = outcome(c.input);
    if (c.accepted) expect(got).toEqual({ accepted: true, parsed: c.parsed });
    else expect(got).toEqual({ accepted: false, message: c.message });
  });
});

describe("NPMI, as MLflow computes it", () => {
  it.each((fixture.npmi as { counts: number[]; npmi: number | null; npmi_smoothed: number | null }[]).map((c) => [c.counts.join(","), c] as const))(
    "joint, filter1, filter2, total = %s",
    (_label, c) => {
      const [joint, f1, f2, total] = c.counts as [number, number, number, number];
      const got = npmiFromCounts(joint, f1, f2, total);
      const show = (x: number) => (Number.isNaN(x) ? null : x);
      // Math.log may differ from C's log in the last bit; 1e-12 is far below what a chart shows.
      for (const [mine, theirs] of [[show(got.npmi), c.npmi], [show(got.npmiSmoothed), c.npmi_smoothed]] as const) {
        if (theirs === null) expect(mine).toBeNull();
        else expect(mine).toBeCloseTo(theirs, 12);
      }
    },
  );
});

describe("time buckets", () => {
  it("renders Python's datetime.isoformat in UTC", () => {
    expect(bucketIso(1_700_000_040_000)).toBe("2023-11-14T22:14:00+00:00");
    expect(bucketIso(0)).toBe("1970-01-01T00:00:00+00:00");
    expect(bucketIso(1_700_000_000_125)).toBe("2023-11-14T22:13:20.125000+00:00");
    expect(bucketIso(-60_000)).toBe("1969-12-31T23:59:00+00:00");
  });
});
