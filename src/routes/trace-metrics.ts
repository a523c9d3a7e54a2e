/**
 * Trace analytics (`/api/3.0/mlflow/traces/metrics` and `traces/calculate-filter-correlation`, with
 * their `/ajax-api` twins), behind MLflow UI's trace dashboards. Both read over experiment_ids like
 * `traces/search`: the request is validated whole first (so a bad request is refused the same
 * way whoever sends it), then narrowed to the experiments the caller may read; an unreadable
 * experiment contributes nothing, and the answer says nothing about it.
 */
import { scoped } from "../auth/access";
import { CalculateTraceFilterCorrelation, QueryTraceMetrics, correlationResponse, queryTraceMetricsResponse } from "../protocol/trace-metrics";
import { calculateCorrelation, planCorrelation } from "../services/trace-correlation";
import { planTraceMetrics, queryTraceMetrics } from "../services/trace-metrics";
import { rpc } from "./route";

export const traceMetricRoutes = [
  rpc({
    method: "POST",
    path: "/traces/metrics",
    version: 3,
    request: QueryTraceMetrics,
    access: scoped("experiment"),
    handle: async (m, r) => {
      const plan = planTraceMetrics({
        experimentIds: m.experiment_ids,
        viewType: m.view_type,
        metricName: m.metric_name,
        aggregations: m.aggregations,
        dimensions: m.dimensions,
        filters: m.filters,
        timeIntervalSeconds: m.time_interval_seconds,
        startTimeMs: m.start_time_ms,
        endTimeMs: m.end_time_ms,
        maxResults: m.max_results,
      });
      const readable = new Set(await r.readable("experiment", plan.experimentIds.map(String)));
      const points = await queryTraceMetrics(r.db, { ...plan, experimentIds: plan.experimentIds.filter((id) => readable.has(String(id))) });
      return queryTraceMetricsResponse(points);
    },
  }),

  rpc({
    method: "POST",
    path: "/traces/calculate-filter-correlation",
    version: 3,
    request: CalculateTraceFilterCorrelation,
    access: scoped("experiment"),
    handle: async (m, r) => {
      const plan = planCorrelation({ experimentIds: m.experiment_ids, filter1: m.filter_string1, filter2: m.filter_string2, baseFilter: m.base_filter });
      const readable = await r.readable("experiment", m.experiment_ids);
      return correlationResponse(await calculateCorrelation(r.db, plan, readable));
    },
  }),
];
