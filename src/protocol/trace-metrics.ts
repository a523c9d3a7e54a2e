/**
 * Trace analytics on the wire: QueryTraceMetrics (`traces/metrics`, the UI's trace dashboards) and
 * CalculateTraceFilterCorrelation (`traces/calculate-filter-correlation`), as MLflow 3.18's
 * service.proto declares them and its handlers check them.
 */
import {
  double,
  enumOf,
  experimentId,
  int32,
  int64,
  isArray,
  isIntLike,
  isString,
  isStringList,
  message,
  repeated,
  required,
  string,
  type Infer,
} from "./message";
import { listIf, wireDouble, type Json } from "./proto-json";

/** `MetricViewType`, in enum-number order (1 = TRACES, the proto2 default). */
export const METRIC_VIEW_TYPES = ["TRACES", "SPANS", "ASSESSMENTS"] as const;
export type MetricViewType = (typeof METRIC_VIEW_TYPES)[number];

/** `AggregationType`, in enum-number order (1 = COUNT, the proto2 default). */
export const AGGREGATION_TYPES = ["COUNT", "SUM", "AVG", "PERCENTILE", "MIN", "MAX"] as const;
export type AggregationType = (typeof AGGREGATION_TYPES)[number];

const MetricAggregation = message({
  aggregation_type: enumOf(AGGREGATION_TYPES),
  percentile_value: double(),
});

export const QueryTraceMetrics = message({
  experiment_ids: repeated(experimentId()).check(isArray, required, isStringList),
  // `_assert_required` only: the raw value must be present; the proto default (TRACES) never applies.
  view_type: enumOf(METRIC_VIEW_TYPES).required(),
  metric_name: string().check(isString).required(),
  aggregations: repeated(MetricAggregation).check(isArray, required),
  dimensions: repeated(string()).check(isArray, isStringList),
  filters: repeated(string()).check(isArray, isStringList),
  time_interval_seconds: int64().check(isIntLike),
  start_time_ms: int64().check(isIntLike),
  end_time_ms: int64().check(isIntLike),
  max_results: int32().check(isIntLike),
  page_token: string().check(isString),
});
export type QueryTraceMetrics = Infer<typeof QueryTraceMetrics>;

export const CalculateTraceFilterCorrelation = message({
  experiment_ids: repeated(experimentId()).check(isArray, required, isStringList),
  filter_string1: string().check(isString).required(),
  filter_string2: string().check(isString).required(),
  base_filter: string().check(isString),
});
export type CalculateTraceFilterCorrelation = Infer<typeof CalculateTraceFilterCorrelation>;

export interface MetricDataPoint {
  metricName: string;
  /** Dimension name → value, in select order (time bucket first). */
  dimensions: [string, string][];
  /** Aggregation label (`AVG`, `P95.0`) → value, in the request's order. */
  values: [string, number][];
}

/** `MetricDataPoint.to_proto` printed as JSON: empty maps are omitted. */
export function dataPointJson(p: MetricDataPoint): Json {
  const out: Json = { metric_name: p.metricName };
  if (p.dimensions.length > 0) out.dimensions = Object.fromEntries(p.dimensions);
  if (p.values.length > 0) out.values = Object.fromEntries(p.values.map(([k, v]) => [k, wireDouble(v)]));
  return out;
}

export function queryTraceMetricsResponse(points: MetricDataPoint[]): Json {
  const out: Json = {};
  // MLflow 3.18 does not page this RPC: next_page_token is never set.
  listIf(out, "data_points", points.map(dataPointJson));
  return out;
}

export interface CorrelationResult {
  npmi: number;
  npmiSmoothed: number;
  filter1Count: number;
  filter2Count: number;
  jointCount: number;
  totalCount: number;
}

/** `TraceFilterCorrelationResult.to_proto`: an undefined (NaN) npmi is left unset, not "NaN". */
export function correlationResponse(r: CorrelationResult): Json {
  const out: Json = {};
  if (!Number.isNaN(r.npmi)) out.npmi = r.npmi;
  if (!Number.isNaN(r.npmiSmoothed)) out.npmi_smoothed = r.npmiSmoothed;
  out.filter1_count = r.filter1Count;
  out.filter2_count = r.filter2Count;
  out.joint_count = r.jointCount;
  out.total_count = r.totalCount;
  return out;
}
