/** Metric histories on the wire: request messages and responses. */
import type { MetricRow } from "../db/runs";
import { MlflowError } from "../errors";
import { MAX_RESULTS_PER_RUN, MAX_RUNS_PER_BULK_REQUEST } from "../lib/mlflow-limits";
import { bool, int32, isArray, isIntLike, isString, message, repeated, string, withRunId, type Check } from "./message";
import { int64Json } from "../lib/int64";
import { wireDouble, type Json } from "./proto-json";

export const GetMetricHistory = message({
  run_id: string().check(isString).required(),
  run_uuid: string(),
  metric_key: string().check(isString).required(),
  page_token: string().check(isString),
  max_results: int32(),
}).map(withRunId);

const atMostRuns: Check = ({ value }) => {
  if (Array.isArray(value) && value.length > MAX_RUNS_PER_BULK_REQUEST) {
    throw MlflowError.invalidParameter(
      `GetMetricHistoryBulkInterval request must specify at most ${MAX_RUNS_PER_BULK_REQUEST} run_ids. Received ${value.length} run_ids. See the API docs for more information about request parameters.`,
    );
  }
};

const withinRange =
  (lo: number, hi: number): Check =>
  ({ value }) => {
    const v = Number(value);
    if (!(v >= lo && v <= hi)) {
      throw MlflowError.invalidParameter(`max_results must be between ${lo} and ${hi}. See the API docs for more information about request parameters.`);
    }
  };

export const GetMetricHistoryBulkInterval = message({
  run_ids: repeated(string()).required().check(isArray, atMostRuns),
  metric_key: string().required().check(isString),
  start_step: int32().check(isIntLike),
  end_step: int32().check(isIntLike),
  max_results: int32().check(isIntLike, withinRange(1, MAX_RESULTS_PER_RUN)),
});

/** Our UI's chart read (not an MLflow RPC): many runs and metrics, thinned, as arrays. */
export const GetChartSeries = message({
  run_ids: repeated(string()).required(),
  metric_keys: repeated(string()).required(),
  max_points: int32(),
  start_step: int32().check(isIntLike),
  end_step: int32().check(isIntLike),
  /** Also answer the points' timestamps (only the wall-time and relative-time axes need them). */
  timestamps: bool(),
});

export function metricToWire(m: MetricRow, runId?: string): Json {
  const out: Json = { key: m.key, value: m.isNan ? "NaN" : wireDouble(m.value) };
  if (m.timestamp !== null) out.timestamp = int64Json(m.timestamp);
  out.step = int64Json(m.step);
  if (runId !== undefined) out.run_id = runId;
  return out;
}
