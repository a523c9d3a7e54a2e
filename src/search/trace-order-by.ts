/**
 * search_traces order_by, as MLflow 3.18 parses it (`parse_order_by_for_search_traces`) and its SQL
 * store orders by it (`_get_orderby_clauses_for_search_traces`): attributes, `name` (the trace
 * name), `run_id`, `tags.<k>` and `metadata.<k>`; span and assessment keys are refused; NULLs sort
 * last in both directions; timestamp_ms DESC and request_id ASC break ties.
 */
import { sql, type SQL } from "drizzle-orm";
import { checkOrderByCount } from "./limits";
import { splitOrderBy } from "./order-by";
import { fail } from "./parser";
import { ORDER_BY_ATTRIBUTES, mapTraceKey, traceIdentifier, type TraceClauseType } from "./trace-filter";
import { pyList } from "../lib/python-repr";

export interface TraceOrderBy {
  type: TraceClauseType;
  key: string;
  ascending: boolean;
}

const NOT_NULL_COLUMNS = ["experiment_id", "timestamp_ms", "status", "request_id"];

export function parseTraceOrderBy(orderBy: readonly string[] | null | undefined): TraceOrderBy[] {
  const list = orderBy ?? [];
  checkOrderByCount(list.length);
  const seen = new Set<string>();
  return list.map((entry) => {
    // A bare `timestamp` is a SQL type name, which MLflow's order_by check lets through by name.
    const bare = /^timestamp(?:(\s+)(asc|desc))?$/i.exec(entry);
    const { identifier, ascending } = bare && entry.startsWith("timestamp") ? { identifier: "timestamp", ascending: (bare[2] ?? "asc").toLowerCase() === "asc" } : splitOrderBy(entry);
    const { type, key } = mapTraceKey(traceIdentifier(identifier.trim(), ORDER_BY_ATTRIBUTES));
    if (type === "request_metadata" && (key === "mlflow.trace.tokenUsage" || key === "mlflow.trace.cost")) {
      fail(`Ordering by reserved metadata '${key}' is not supported because it is represented by multiple columns.`);
    }
    if (type !== "attribute" && type !== "tag" && type !== "request_metadata") fail(`Invalid identifier type '${type}'`);
    const field = `${type}\u0000${key}`;
    if (seen.has(field)) fail(`\`order_by\` contains duplicate fields: ${pyList(list)}`);
    seen.add(field);
    return { type, key, ascending };
  });
}

/** ORDER BY items over `trace_info t`, ending with MLflow's tie-breakers. */
export function traceOrderByToSql(orderBy: TraceOrderBy[]): SQL[] {
  const out: SQL[] = [];
  for (const o of orderBy) {
    let value: SQL;
    let nullable = true;
    if (o.type === "attribute" && o.key === "end_time_ms") {
      value = sql`(t.timestamp_ms + coalesce(t.execution_time_ms, 0))`;
      nullable = false;
    } else if (o.type === "attribute") {
      value = sql.raw(`t.${o.key}`);
      nullable = !NOT_NULL_COLUMNS.includes(o.key);
    } else if (o.type === "tag" && o.key === "mlflow.traceName") {
      value = sql`t.trace_name`;
    } else if (o.type === "request_metadata" && o.key === "mlflow.trace.session") {
      value = sql`t.session_id`;
    } else {
      const table = sql.raw(o.type === "tag" ? "trace_tags" : "trace_request_metadata");
      value = sql`(SELECT x.value FROM ${table} x WHERE x.request_id = t.request_id AND x.key = ${o.key})`;
    }
    // NULLS LAST in both directions, as MLflow's `CASE WHEN … IS NULL THEN 1 ELSE 0 END` key
    // puts them; spelled as an index can deliver it (edge_trace_info_experiment_execution_time).
    const nulls = nullable ? sql` NULLS LAST` : sql``;
    out.push(o.ascending ? sql`${value} ASC${nulls}` : sql`${value} DESC${nulls}`);
  }
  const ordered = (key: string) => orderBy.some((o) => o.type === "attribute" && o.key === key);
  if (!ordered("timestamp_ms")) out.push(sql`t.timestamp_ms DESC`);
  if (!ordered("request_id")) out.push(sql`t.request_id ASC`);
  return out;
}
