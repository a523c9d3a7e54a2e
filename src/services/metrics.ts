/** Metric history reads: paged history and the sampled bulk view the UI charts use. */
import type { Db } from "../db/client";
import * as repo from "../db/metrics";
import { MlflowError } from "../errors";
import type { MetricRow } from "../db/runs";
import { paginate, readPageToken, type Page } from "./paging";

export { MAX_RESULTS_PER_RUN, MAX_RUNS_PER_BULK_REQUEST } from "../lib/mlflow-limits";

export async function getMetricHistory(
  db: Db,
  runId: string,
  key: string,
  maxResults: number | undefined,
  pageToken: string | undefined,
): Promise<Page<MetricRow>> {
  if (maxResults !== undefined && maxResults <= 0) {
    throw MlflowError.invalidParameter(`Invalid value ${maxResults} for parameter 'max_results' supplied. It must be a positive integer.`);
  }
  const offset = readPageToken(pageToken);
  // Without max_results the whole history is one page.
  const rows = await repo.metricHistory(db, runId, key, offset, maxResults === undefined ? null : maxResults + 1);
  return maxResults === undefined ? { items: rows } : paginate(rows, offset, maxResults);
}

/** Whole histories of one metric for many runs (the UI's charts). */
export function getMetricHistoryOfRuns(db: Db, runIds: string[], key: string, maxResults: number): Promise<(MetricRow & { runId: string })[]> {
  return repo.metricHistoryOfRuns(db, runIds, key, maxResults);
}

export interface BulkIntervalRequest {
  runIds: string[];
  key: string;
  maxResults: number;
  startStep?: number;
  endStep?: number;
}

/**
 * Up to maxResults points per run, evenly spread over the ordered history, always keeping the last
 * point (replacing the final sample when the page is full), runs in request order.
 */
export async function getMetricHistoryBulkInterval(db: Db, r: BulkIntervalRequest): Promise<(MetricRow & { runId: string })[]> {
  let steps: { start: number; end: number } | null = null;
  if (r.startStep !== undefined && r.endStep !== undefined) {
    if (r.startStep > r.endStep) {
      throw MlflowError.invalidParameter(
        `end_step must be greater than start_step. Found start_step=${r.startStep} and end_step=${r.endStep}.`,
      );
    }
    steps = { start: r.startStep, end: r.endStep };
  } else if (r.startStep !== undefined || r.endStep !== undefined) {
    throw MlflowError.invalidParameter("If either start step or end step are specified, both must be specified.");
  }
  const buckets = Math.max(1, r.maxResults);
  const rows = await repo.sampledMetricHistory(db, [...new Set(r.runIds)], r.key, buckets, steps);
  const byRun = new Map<string, { samples: repo.SampledMetric[]; last?: repo.SampledMetric }>();
  for (const row of rows) {
    const entry = byRun.get(row.runId) ?? { samples: [] };
    if (row.isLast) entry.last = row;
    else entry.samples.push(row);
    byRun.set(row.runId, entry);
  }
  const same = (a: MetricRow, b: MetricRow) =>
    a.step === b.step && a.timestamp === b.timestamp && a.isNan === b.isNan && (a.isNan || a.value === b.value);
  const out: (MetricRow & { runId: string })[] = [];
  for (const runId of r.runIds) {
    const entry = byRun.get(runId);
    if (!entry) continue;
    const samples = [...entry.samples];
    const last = entry.last;
    if (last && (samples.length === 0 || !same(samples[samples.length - 1]!, last))) {
      if (samples.length >= buckets) samples[samples.length - 1] = last;
      else samples.push(last);
    }
    out.push(...samples.map((m) => ({ key: m.key, value: m.value, timestamp: m.timestamp, step: m.step, isNan: m.isNan, runId })));
  }
  return out;
}

/** Limits of the chart endpoint (our UI's, not an MLflow RPC). */
export const CHART_MAX_RUNS = 1000;
export const CHART_MAX_KEYS = 50;
export const CHART_MAX_POINTS = 5000;

export interface ChartRequest {
  runIds: string[];
  keys: string[];
  maxPoints: number;
  startStep?: number;
  endStep?: number;
  /** Also answer each point's timestamp (wall-time and relative-time axes). */
  timestamps?: boolean;
}

/** Thinned histories of many runs and metrics at once, as JSON text (see db/metrics.ts chartSeriesJson). */
export async function getChartSeries(db: Db, r: ChartRequest): Promise<string> {
  if (r.runIds.length === 0 || r.keys.length === 0) throw MlflowError.invalidParameter("Chart series need at least one run_id and one metric_key.");
  if (r.runIds.length > CHART_MAX_RUNS || r.keys.length > CHART_MAX_KEYS) {
    throw MlflowError.invalidParameter(`Chart series take at most ${CHART_MAX_RUNS} run_ids and ${CHART_MAX_KEYS} metric_keys.`);
  }
  if (!Number.isInteger(r.maxPoints) || r.maxPoints < 2 || r.maxPoints > CHART_MAX_POINTS) {
    throw MlflowError.invalidParameter(`max_points must be an integer between 2 and ${CHART_MAX_POINTS}.`);
  }
  if ((r.startStep === undefined) !== (r.endStep === undefined)) {
    throw MlflowError.invalidParameter("If either start step or end step are specified, both must be specified.");
  }
  const steps = r.startStep !== undefined && r.endStep !== undefined ? { start: r.startStep, end: r.endStep } : null;
  return repo.chartSeriesJson(db, { runIds: [...new Set(r.runIds)], keys: [...new Set(r.keys)], maxPoints: r.maxPoints, steps, timestamps: r.timestamps === true });
}
