/**
 * CalculateTraceFilterCorrelation with MLflow 3.18's rules: how strongly two search_traces filters
 * go together over the traces of some experiments (optionally only those a base filter keeps),
 * as normalised pointwise mutual information (NPMI) of the 2x2 table of counts, plain and with a
 * Jeffreys prior (0.5 added to every cell). The counts are one statement; the arithmetic is here.
 *
 * Each filter is combined with the base filter as text (`<base> and <filter>`) and parsed whole,
 * as MLflow does, so clauses that interact (span clauses share one span) interact the same way.
 */
import type { Db } from "../db/client";
import { correlationCounts } from "../db/trace-metrics";
import type { CorrelationResult } from "../protocol/trace-metrics";
import { parseTraceFilter } from "../search/trace-filter";
import { traceFilterToSql } from "../search/trace-sql";
import { analyticsExperimentId } from "./trace-metrics";
import { parseExperimentId } from "./validation";

const JEFFREYS_PRIOR = 0.5;

export interface CorrelationRequest {
  /** Named experiments; `readable` narrows them after they are validated. */
  experimentIds: string[];
  filter1: string;
  filter2: string;
  baseFilter?: string;
}

/** NPMI of the table (both, only 1, only 2, neither) with `smoothing` added to every cell. */
function npmiOf(n11: number, n10: number, n01: number, n00: number, smoothing: number): number {
  const a = n11 + smoothing;
  const b = n10 + smoothing;
  const c = n01 + smoothing;
  const d = n00 + smoothing;
  const n = a + b + c + d;
  const n1 = a + b;
  const n2 = a + c;
  if (n1 <= 0 || n2 <= 0 || a <= 0) return NaN;
  // Always together (judged on the unsmoothed cells): perfect association.
  if (n10 === 0 && n01 === 0 && n00 === 0) return 1;
  const pmi = Math.log(a) + Math.log(n) - (Math.log(n1) + Math.log(n2));
  const npmi = pmi / -(Math.log(a) - Math.log(n));
  return Math.max(-1, Math.min(1, npmi));
}

/** MLflow's policy: undefined without support, -1 when both occur but never together. */
export function npmiFromCounts(joint: number, f1: number, f2: number, total: number): { npmi: number; npmiSmoothed: number } {
  if (total <= 0 || f1 === 0 || f2 === 0) return { npmi: NaN, npmiSmoothed: NaN };
  const n10 = f1 - joint;
  const n01 = f2 - joint;
  const n00 = total - f1 - f2 + joint;
  if (Math.min(joint, n10, n01, n00) < 0) return { npmi: NaN, npmiSmoothed: NaN };
  const npmi = joint === 0 ? -1 : npmiOf(joint, n10, n01, n00, 0);
  return { npmi, npmiSmoothed: npmiOf(joint, n10, n01, n00, JEFFREYS_PRIOR) };
}

/** Validates (ids, then each filter as MLflow builds them) before anything is read. */
export function planCorrelation(q: CorrelationRequest) {
  q.experimentIds.forEach(analyticsExperimentId);
  const combine = (f: string) => (q.baseFilter ? `${q.baseFilter} and ${f}` : f);
  const clauses1 = parseTraceFilter(combine(q.filter1));
  const clauses2 = parseTraceFilter(combine(q.filter2));
  const base = q.baseFilter ? parseTraceFilter(q.baseFilter) : null;
  return { clauses1, clauses2, base };
}

export async function calculateCorrelation(db: Db, plan: ReturnType<typeof planCorrelation>, readableIds: string[]): Promise<CorrelationResult> {
  const scope = { experimentIds: [...new Set(readableIds.map((id) => parseExperimentId(id)))] };
  const counts = await correlationCounts(
    db,
    traceFilterToSql(plan.base ?? [], scope),
    traceFilterToSql(plan.clauses1, scope),
    traceFilterToSql(plan.clauses2, scope),
  );
  const { npmi, npmiSmoothed } = npmiFromCounts(counts.joint, counts.filter1, counts.filter2, counts.total);
  return { npmi, npmiSmoothed, filter1Count: counts.filter1, filter2Count: counts.filter2, jointCount: counts.joint, totalCount: counts.total };
}
