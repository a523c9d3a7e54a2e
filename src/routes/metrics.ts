/** /metrics/* RPCs. */
import type { App } from "../app";
import { MlflowError } from "../errors";
import { readMessage, sendJson } from "../protocol/http";
import { isArray, isIntLike, isString, required, type Check } from "../protocol/message";
import { metricToWire } from "../protocol/wire";
import * as metrics from "../services/metrics";
import { metricHistoryOfRuns } from "../db/metrics";
import { rpc } from "./rpc";

const atMost = (limit: number): Check => (raw, field) => {
  const v = raw.data[field];
  if (Array.isArray(v) && v.length > limit) {
    throw MlflowError.invalidParameter(
      `GetMetricHistoryBulkInterval request must specify at most ${limit} run_ids. Received ${v.length} run_ids. See the API docs for more information about request parameters.`,
    );
  }
};

const withinRange = (lo: number, hi: number): Check => (raw, field) => {
  const v = Number(raw.data[field]);
  if (!(v >= lo && v <= hi)) {
    throw MlflowError.invalidParameter(`max_results must be between ${lo} and ${hi}. See the API docs for more information about request parameters.`);
  }
};

const MAX_BULK_HISTORY_RESULTS = 25000;

export function registerMetricRoutes(app: App): void {
  // UI-only route (MLflow serves it under /ajax-api only): whole histories of one metric for many runs.
  app.get("/ajax-api/2.0/mlflow/metrics/get-history-bulk", async (c) => {
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
    const points = await metricHistoryOfRuns(c.var.database().db, runIds, key, Math.max(0, Math.min(requested, MAX_BULK_HISTORY_RESULTS)));
    return sendJson(c, { metrics: points.map((p) => metricToWire(p, p.runId)) });
  });

  rpc(app, "GET", "/metrics/get-history", async (c) => {
    const m = await readMessage<{ run_id?: string; run_uuid?: string; metric_key: string; page_token?: string; max_results?: number }>(
      c,
      {
        run_id: { type: "string" },
        run_uuid: { type: "string" },
        metric_key: { type: "string" },
        page_token: { type: "string" },
        max_results: { type: "int32" },
      },
      { run_id: [isString, required], metric_key: [isString, required], page_token: [isString] },
    );
    const page = await metrics.getMetricHistory(c.var.database().db, m.run_id || m.run_uuid || "", m.metric_key, m.max_results, m.page_token);
    const body: Record<string, unknown> = {};
    if (page.metrics.length > 0) body.metrics = page.metrics.map((x) => metricToWire(x));
    if (page.nextPageToken) body.next_page_token = page.nextPageToken;
    return sendJson(c, body);
  });

  rpc(app, "GET", "/metrics/get-history-bulk-interval", async (c) => {
    const m = await readMessage<{ run_ids: string[]; metric_key: string; start_step?: number; end_step?: number; max_results?: number }>(
      c,
      {
        run_ids: { type: "string", repeated: true },
        metric_key: { type: "string" },
        start_step: { type: "int32" },
        end_step: { type: "int32" },
        max_results: { type: "int32" },
      },
      {
        run_ids: [required, isArray, atMost(metrics.MAX_RUNS_PER_BULK_REQUEST)],
        metric_key: [required, isString],
        start_step: [isIntLike],
        end_step: [isIntLike],
        max_results: [isIntLike, withinRange(1, metrics.MAX_RESULTS_PER_RUN)],
      },
    );
    if (!m.run_ids || m.run_ids.length === 0) {
      throw MlflowError.invalidParameter("Missing value for required parameter 'run_ids'. See the API docs for more information about request parameters.");
    }
    const points = await metrics.getMetricHistoryBulkInterval(c.var.database().db, {
      runIds: m.run_ids,
      key: m.metric_key,
      maxResults: m.max_results ?? metrics.MAX_RESULTS_PER_RUN,
      startStep: m.start_step,
      endStep: m.end_step,
    });
    const body: Record<string, unknown> = {};
    if (points.length > 0) body.metrics = points.map((p) => metricToWire(p, p.runId));
    return sendJson(c, body);
  });
}
