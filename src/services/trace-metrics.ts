/**
 * QueryTraceMetrics with MLflow 3.18's rules (`validate_query_trace_metrics_params`, then the SQL
 * store's `query_trace_metrics` and `query_metrics`): which metrics, aggregations and dimensions
 * each view accepts, and in which order requests are refused. Aggregating is Postgres' job
 * (src/db/trace-metrics.ts), in one statement. MLflow does not page this RPC (its page_token is
 * accepted and unused), so neither do we: max_results caps the points and no next_page_token is ever sent.
 */
import type { Db } from "../db/client";
import { queryMetricRows, type MetricsQuery } from "../db/trace-metrics";
import { MlflowError } from "../errors";
import type { Int64 } from "../lib/int64";
import { pyFloatStr, pyList } from "../lib/python-repr";
import type { AggregationType, MetricDataPoint, MetricViewType } from "../protocol/trace-metrics";
import { parseMetricsFilter, type MetricsFilter } from "../search/trace-metrics-filter";
import { parseExperimentId } from "./validation";

interface MetricConfig {
  aggregations: AggregationType[];
  dimensions: string[];
}

const STATS: AggregationType[] = ["AVG", "MIN", "MAX", "PERCENTILE"];
const TOTALS: AggregationType[] = ["SUM", ...STATS];
const COUNT: AggregationType[] = ["COUNT"];

/** Per view, metric → what it accepts; keys in MLflow's order (its messages list them so). */
const VIEWS: Record<MetricViewType, Record<string, MetricConfig>> = {
  TRACES: {
    trace_count: { aggregations: COUNT, dimensions: ["trace_name", "trace_status"] },
    session_count: { aggregations: COUNT, dimensions: [] },
    latency: { aggregations: STATS, dimensions: ["trace_name"] },
    input_tokens: { aggregations: TOTALS, dimensions: ["trace_name"] },
    output_tokens: { aggregations: TOTALS, dimensions: ["trace_name"] },
    total_tokens: { aggregations: TOTALS, dimensions: ["trace_name"] },
    cache_read_input_tokens: { aggregations: TOTALS, dimensions: ["trace_name"] },
    cache_creation_input_tokens: { aggregations: TOTALS, dimensions: ["trace_name"] },
  },
  SPANS: {
    span_count: { aggregations: COUNT, dimensions: ["span_name", "span_type", "span_status", "span_model_name", "span_model_provider"] },
    latency: { aggregations: STATS, dimensions: ["span_name", "span_status"] },
    input_cost: { aggregations: TOTALS, dimensions: ["span_model_name", "span_model_provider"] },
    output_cost: { aggregations: TOTALS, dimensions: ["span_model_name", "span_model_provider"] },
    total_cost: { aggregations: TOTALS, dimensions: ["span_model_name", "span_model_provider"] },
  },
  ASSESSMENTS: {
    assessment_count: { aggregations: COUNT, dimensions: ["assessment_name", "assessment_value"] },
    assessment_value: { aggregations: STATS, dimensions: ["assessment_name"] },
  },
};

export interface TraceMetricsRequest {
  experimentIds: string[];
  viewType: MetricViewType;
  metricName: string;
  aggregations: { aggregation_type?: AggregationType; percentile_value?: number }[];
  dimensions: string[];
  filters: string[];
  timeIntervalSeconds?: Int64;
  startTimeMs?: Int64;
  endTimeMs?: Int64;
  maxResults?: number;
}

/** A validated request: what the database is asked, before narrowing to readable experiments. */
export type TraceMetricsPlan = Omit<MetricsQuery, "experimentIds"> & { experimentIds: number[] };

/**
 * An experiment id as MLflow's store parses it for these RPCs: not an integer is its
 * INVALID_PARAMETER_VALUE; an integer past int4 reaches its database, which refuses it (BAD_REQUEST).
 */
export function analyticsExperimentId(id: string): number {
  try {
    return parseExperimentId(id);
  } catch (e) {
    if (e instanceof MlflowError && e.code === "RESOURCE_DOES_NOT_EXIST") throw new MlflowError("BAD_REQUEST", `integer out of range: experiment ID '${id}'`);
    throw e;
  }
}

const sortedList = (xs: Iterable<string>) => pyList([...new Set(xs)].sort());

/** `MetricAggregation.from_proto`: a percentile needs a value in [0, 100]; others take none. */
function aggregation(a: TraceMetricsRequest["aggregations"][number]): MetricsQuery["aggregations"][number] {
  const type = a.aggregation_type ?? "COUNT";
  const p = a.percentile_value;
  if (type === "PERCENTILE") {
    // MLflow raises a ValueError here, which its server answers as an HTML 500; a 400 says the same.
    if (p === undefined) throw MlflowError.invalidParameter("Percentile value is required for PERCENTILE aggregation");
    if (p > 100 || p < 0 || Number.isNaN(p)) throw MlflowError.invalidParameter(`Percentile value must be between 0 and 100, got ${pyFloatStr(p)}`);
    return { type, percentile: p, label: `P${pyFloatStr(p)}` };
  }
  if (p !== undefined) throw MlflowError.invalidParameter(`Percentile value is only allowed for PERCENTILE aggregation type, got ${type}`);
  return { type, label: type };
}

/** Every check MLflow makes, in its order; the plan says what to aggregate over which rows. */
export function planTraceMetrics(q: TraceMetricsRequest): TraceMetricsPlan {
  const aggregations = q.aggregations.map(aggregation);
  const metrics = VIEWS[q.viewType];
  const config = metrics[q.metricName];
  if (!config) throw MlflowError.invalidParameter(`metric_name must be one of ${pyList(Object.keys(metrics))}, got '${q.metricName}'`);
  const badAggregations = aggregations.map((a) => a.type).filter((t) => !config.aggregations.includes(t));
  if (badAggregations.length > 0) {
    throw MlflowError.invalidParameter(`Found invalid aggregation_type(s): ${sortedList(badAggregations)}. Supported aggregation types: ${sortedList(config.aggregations)}`);
  }
  const badDimensions = q.dimensions.filter((d) => !config.dimensions.includes(d));
  if (badDimensions.length > 0) {
    throw MlflowError.invalidParameter(`Found invalid dimension(s): ${sortedList(badDimensions)}. Supported dimensions: ${sortedList(config.dimensions)}`);
  }
  const interval = q.timeIntervalSeconds !== undefined && BigInt(q.timeIntervalSeconds) !== 0n ? BigInt(q.timeIntervalSeconds) : null;
  if (interval !== null && (q.startTimeMs === undefined || q.endTimeMs === undefined)) {
    throw MlflowError.invalidParameter("start_time_ms and end_time_ms are required if time_interval_seconds is set");
  }
  const experimentIds = q.experimentIds.map(analyticsExperimentId);
  const filters = parseFilters(q.filters, q.viewType);
  const maxResults = q.maxResults ?? 1000;
  // MLflow hands a negative limit to the database, which refuses it (a 400 BAD_REQUEST there too).
  if (maxResults < 0) throw new MlflowError("BAD_REQUEST", "LIMIT must not be negative");
  return {
    experimentIds,
    view: q.viewType,
    metric: q.metricName,
    aggregations,
    dimensions: q.dimensions,
    filters,
    intervalSeconds: interval,
    startMs: q.startTimeMs === undefined ? null : BigInt(q.startTimeMs),
    endMs: q.endTimeMs === undefined ? null : BigInt(q.endTimeMs),
    maxResults,
  };
}

/**
 * Filters parsed and matched to the view. The spans view parses every filter before checking any
 * (MLflow first splits them into trace and span filters); the others check each as they parse it.
 */
function parseFilters(filters: string[], view: MetricViewType): MetricsFilter[] {
  const check = (f: MetricsFilter) => {
    if (f.view === "span" && view !== "SPANS") throw MlflowError.invalidParameter(`Filtering by span is only supported for SPANS view type, got ${view}`);
    if (f.view === "assessment" && view !== "ASSESSMENTS") throw MlflowError.invalidParameter(`Filtering by assessment is only supported for ASSESSMENTS view type, got ${view}`);
  };
  const parsed: MetricsFilter[] = [];
  for (const text of filters) {
    const f = parseMetricsFilter(text);
    if (view !== "SPANS") check(f);
    parsed.push(f);
  }
  parsed.forEach(check);
  return parsed;
}

/** Python's `datetime.fromtimestamp(ms / 1000, tz=timezone.utc).isoformat()`. */
export function bucketIso(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2023-11-14T22:13:00.000Z
  const frac = ((ms % 1000) + 1000) % 1000;
  return `${iso.slice(0, 19)}${frac === 0 ? "" : `.${String(frac).padStart(3, "0")}000`}+00:00`;
}

/** Runs a plan over the experiments the caller may read. */
export async function queryTraceMetrics(db: Db, plan: TraceMetricsPlan): Promise<MetricDataPoint[]> {
  const groups = (plan.intervalSeconds !== null ? 1 : 0) + plan.dimensions.length;
  if (plan.aggregations.length === 0) {
    // Nothing to select: SQLAlchemy refuses the query before it is sent; with group columns
    // every row would carry no value, and MLflow drops such points.
    if (groups === 0) throw new MlflowError("BAD_REQUEST", "Query contains no columns with which to SELECT from.");
    return [];
  }
  if (plan.maxResults === 0) return [];
  const rows = await queryMetricRows(db, plan);
  const points: MetricDataPoint[] = [];
  for (const row of rows) {
    // An assessment without its trace's time has no bucket; MLflow drops such points.
    if (plan.intervalSeconds !== null && (row.bucket === null)) continue;
    const dimensions: [string, string][] = [];
    if (plan.intervalSeconds !== null) dimensions.push(["time_bucket", bucketIso(Number(row.bucket))]);
    plan.dimensions.forEach((d, i) => dimensions.push([d, row.dims[i]!]));
    const values: [string, number][] = [];
    plan.aggregations.forEach((a, i) => {
      const v = row.values[i];
      if (v !== null && v !== undefined) values.push([a.label, v]);
    });
    // MLflow drops a point whose aggregations all came back NULL (e.g. AVG over no rows).
    if (values.length > 0) points.push({ metricName: plan.metric, dimensions, values });
  }
  return points;
}
