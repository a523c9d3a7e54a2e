/** /metrics/* RPCs. */
import { onRun, onRuns } from "../auth/access";
import type { AppContext } from "../app-env";
import { MlflowError } from "../errors";
import { GetChartSeries, GetMetricHistory, GetMetricHistoryBulkInterval, metricToWire } from "../protocol/metrics";
import { pageToWire } from "../protocol/proto-json";
import * as metrics from "../services/metrics";
import { rpc } from "./route";

const MAX_BULK_HISTORY_RESULTS = 25000;

/** The UI's whole-history read (MLflow serves it under /ajax-api only); its parameters are query-only. */
async function readBulkHistory(c: AppContext): Promise<{ runIds: string[]; key: string; maxResults: number }> {
  const query = new URL(c.req.url).searchParams;
  const runIds = query.getAll("run_id");
  if (runIds.length === 0) throw MlflowError.invalidParameter("GetMetricHistoryBulk request must specify at least one run_id.");
  if (runIds.length > metrics.MAX_RUNS_PER_BULK_REQUEST) {
    throw MlflowError.invalidParameter(
      `GetMetricHistoryBulk request cannot specify more than ${metrics.MAX_RUNS_PER_BULK_REQUEST} run_ids. Received ${runIds.length} run_ids.`,
    );
  }
  const key = query.get("metric_key");
  if (key === null) throw MlflowError.invalidParameter("GetMetricHistoryBulk request must specify a metric_key.");
  const requested = Number(query.get("max_results") ?? MAX_BULK_HISTORY_RESULTS);
  if (!Number.isInteger(requested)) throw MlflowError.invalidParameter("max_results must be an integer.");
  return { runIds, key, maxResults: Math.max(0, Math.min(requested, MAX_BULK_HISTORY_RESULTS)) };
}

export const metricRoutes = [
  // Our UI's chart read: one request for every series of a chart view, arrays instead of one
  // object per point, and the JSON built by Postgres and passed through as text.
  rpc({
    method: "GET",
    path: "/metrics/get-history-chart",
    only: "ajax-api",
    request: GetChartSeries,
    access: (m) => onRuns("read", m.run_ids),
    handle: async (m, r) => {
      const series = await metrics.getChartSeries(r.db, {
        runIds: m.run_ids,
        keys: m.metric_keys,
        maxPoints: Number(m.max_points ?? 500),
        startStep: m.start_step === undefined ? undefined : Number(m.start_step),
        endStep: m.end_step === undefined ? undefined : Number(m.end_step),
        timestamps: m.timestamps === true,
      });
      return new Response(`{"series":${series}}`, { headers: { "content-type": "application/json" } });
    },
  }),

  rpc({
    method: "GET",
    path: "/metrics/get-history-bulk",
    only: "ajax-api",
    request: readBulkHistory,
    access: (m) => onRuns("read", m.runIds),
    handle: async (m, r) => {
      const points = await metrics.getMetricHistoryOfRuns(r.db, m.runIds, m.key, m.maxResults);
      return { metrics: points.map((p) => metricToWire(p, p.runId)) };
    },
  }),

  rpc({
    method: "GET",
    path: "/metrics/get-history",
    request: GetMetricHistory,
    access: (m) => onRun("read", m.run_id),
    handle: async (m, r) => {
      const page = await metrics.getMetricHistory(r.db, m.run_id, m.metric_key, m.max_results, m.page_token);
      return pageToWire("metrics", page.items.map((x) => metricToWire(x)), page.nextPageToken);
    },
  }),

  rpc({
    method: "GET",
    path: "/metrics/get-history-bulk-interval",
    request: GetMetricHistoryBulkInterval,
    access: (m) => onRuns("read", m.run_ids),
    handle: async (m, r) => {
      if (m.run_ids.length === 0) {
        throw MlflowError.invalidParameter("Missing value for required parameter 'run_ids'. See the API docs for more information about request parameters.");
      }
      const points = await metrics.getMetricHistoryBulkInterval(r.db, {
        runIds: m.run_ids,
        key: m.metric_key,
        maxResults: m.max_results ?? metrics.MAX_RESULTS_PER_RUN,
        startStep: m.start_step,
        endStep: m.end_step,
      });
      return points.length > 0 ? { metrics: points.map((p) => metricToWire(p, p.runId)) } : {};
    },
  }),
];
