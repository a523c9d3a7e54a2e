/**
 * An evaluation run's results as a table: one row per trace, one column per scorer (the valid
 * feedback names) and per expectation, and per scorer an aggregate computed from the rows — the
 * mean of numeric values, the pass rate of yes/no and boolean ones — beside the run's own metrics.
 */
import { isCurrent, kindOf, valueOf, verdictOf } from "./assessments.ts";
import type { Assessment, TraceInfo } from "./trace-types";

export interface ScoreColumn {
  name: string;
  kind: "feedback" | "expectation";
}

export interface ScoreAggregate {
  name: string;
  /** Rows with a value for this scorer. */
  count: number;
  /** Rows where the scorer failed to produce a value (feedback with an error). */
  errors: number;
  mean?: number;
  passRate?: number;
}

/** Trace-level assessments first (what scorers write); span-level ones only when no trace-level one exists. */
export function scoresOf(info: TraceInfo): Map<string, Assessment> {
  const out = new Map<string, Assessment>();
  const current = (info.assessments ?? []).filter(isCurrent);
  for (const a of current) if (!a.span_id) out.set(`${kindOf(a)}:${a.assessment_name}`, a);
  for (const a of current) if (a.span_id && !out.has(`${kindOf(a)}:${a.assessment_name}`)) out.set(`${kindOf(a)}:${a.assessment_name}`, a);
  return out;
}

export function scoreColumns(traces: TraceInfo[]): ScoreColumn[] {
  const seen = new Map<string, ScoreColumn>();
  for (const t of traces)
    for (const a of t.assessments ?? []) {
      const kind = kindOf(a);
      if (kind === "issue" || !isCurrent(a)) continue;
      seen.set(`${kind}:${a.assessment_name}`, { name: a.assessment_name, kind });
    }
  return [...seen.values()].sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === "feedback" ? -1 : 1));
}

export function aggregateScores(traces: TraceInfo[], columns: ScoreColumn[]): ScoreAggregate[] {
  return columns
    .filter((c) => c.kind === "feedback")
    .map((c) => {
      let count = 0;
      let errors = 0;
      let sum = 0;
      let numeric = 0;
      let passes = 0;
      let verdicts = 0;
      for (const t of traces) {
        const a = scoresOf(t).get(`feedback:${c.name}`);
        if (!a) continue;
        const v = valueOf(a);
        if (a.feedback?.error && (v === null || v === undefined)) {
          errors++;
          continue;
        }
        count++;
        if (typeof v === "number" && Number.isFinite(v)) {
          sum += v;
          numeric++;
        }
        const verdict = verdictOf(v);
        if (verdict !== "none") {
          verdicts++;
          if (verdict === "pass") passes++;
        }
      }
      return {
        name: c.name,
        count,
        errors,
        ...(numeric > 0 ? { mean: sum / numeric } : {}),
        ...(verdicts > 0 ? { passRate: passes / verdicts } : {}),
      };
    });
}
