/**
 * `traces/metrics` filters as Postgres predicates, with MLflow 3.18's meaning
 * (sql_trace_metrics_utils `_apply_filters`):
 *  - trace filters test the trace (`t`): its status, its trace_name column for the tag
 *    `mlflow.traceName`, its session_id column for the metadata `mlflow.trace.session`, its token
 *    and cost columns for `mlflow.trace.tokenUsage` / `mlflow.trace.cost` (equal only to the
 *    canonical JSON MLflow rebuilds), a tag or metadata row otherwise; `mlflow.sourceRun` also
 *    matches traces linked to that run. Under the assessments view the trace is the assessment's;
 *  - span filters test the span row (`s`), assessment filters the assessment row (`a`).
 */
import { sql, type SQL } from "drizzle-orm";
import type { MetricsFilter } from "./trace-metrics-filter";
import { analyticsFilter } from "./trace-sql";

const SESSION = "mlflow.trace.session";
const ANALYTICS = ["mlflow.trace.tokenUsage", "mlflow.trace.cost"];

/** A trace filter over `trace_info t`. */
function tracePredicate(f: MetricsFilter): SQL {
  if (f.entity === "status") return sql`t.status = ${f.value}`;
  if (f.entity === "tag") {
    if (f.key === "mlflow.traceName") return sql`t.trace_name = ${f.value}`;
    return sql`EXISTS (SELECT 1 FROM trace_tags x WHERE x.request_id = t.request_id AND x.key = ${f.key} AND x.value = ${f.value})`;
  }
  if (f.key === SESSION) return sql`t.session_id = ${f.value}`;
  if (f.key !== null && ANALYTICS.includes(f.key)) {
    return analyticsFilter(f.key, { type: "request_metadata", key: f.key, comparator: "=", value: { kind: "string", value: f.value } });
  }
  const metadata = sql`EXISTS (SELECT 1 FROM trace_request_metadata x WHERE x.request_id = t.request_id AND x.key = ${f.key} AND x.value = ${f.value})`;
  if (f.key !== "mlflow.sourceRun") return metadata;
  // Traces linked to a run after the fact (link_traces_to_run) carry the link as an association.
  return sql`(${metadata} OR EXISTS (SELECT 1 FROM entity_associations e WHERE e.source_id = t.request_id
    AND e.source_type = 'trace' AND e.destination_type = 'run' AND e.destination_id = ${f.value}))`;
}

/**
 * The predicate of one filter: `traceSource` says where trace filters find their trace (`t` when
 * trace_info is in the query, else the assessment `a`, whose trace they look up). Span filters
 * test `s`, assessment filters `a`.
 */
export function metricsFilterSql(f: MetricsFilter, traceSource: "t" | "a"): SQL {
  if (f.view === "span") {
    const column = f.entity === "name" ? sql`s.name` : f.entity === "status" ? sql`s.status` : sql`s.type`;
    return sql`${column} = ${f.value}`;
  }
  if (f.view === "assessment") return f.entity === "name" ? sql`a.name = ${f.value}` : sql`a.assessment_type = ${f.value}`;
  const p = tracePredicate(f);
  return traceSource === "t" ? p : sql`EXISTS (SELECT 1 FROM trace_info t WHERE t.request_id = a.trace_id AND ${p})`;
}
