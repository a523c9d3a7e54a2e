/**
 * SQL of the trace analytics RPCs, one statement each, aggregated by Postgres:
 *  - `traces/metrics`: the rows of a view (trace_info, spans or valid assessments of the
 *    experiments), filtered, grouped by time bucket and dimensions, as MLflow 3.18's SQL store
 *    builds it on Postgres (the same columns, NULL handling, bucket arithmetic and ordering);
 *  - `traces/calculate-filter-correlation`: the four counts of two trace filters.
 * Aggregates come back as float8 (the response's doubles): numeric averages and sums convert with
 * one correct rounding, as Python's float(Decimal) does for the reference.
 */
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "./client";
import { arrayParam } from "../lib/sql";
import type { AggregationType, MetricViewType } from "../protocol/trace-metrics";
import type { MetricsFilter } from "../search/trace-metrics-filter";
import { metricsFilterSql } from "../search/trace-metrics-sql";

export interface MetricsQuery {
  experimentIds: number[];
  view: MetricViewType;
  metric: string;
  aggregations: { type: AggregationType; percentile?: number; label: string }[];
  dimensions: string[];
  filters: MetricsFilter[];
  /** Bucket width; null when the request has none (or 0). */
  intervalSeconds: bigint | null;
  startMs: bigint | null;
  endMs: bigint | null;
  maxResults: number;
}

export interface MetricRow {
  bucket: string | null;
  dims: string[];
  values: (number | null)[];
}

const INT8_MIN = -(2n ** 63n);
const INT8_MAX = 2n ** 63n - 1n;
const NS_PER_MS = 1_000_000n;
const COST_METRICS = ["input_cost", "output_cost", "total_cost"];
const TOKEN_METRICS = ["input_tokens", "output_tokens", "total_tokens", "cache_read_input_tokens", "cache_creation_input_tokens"];

const big = (n: bigint) => sql`${n.toString()}::bigint`;
const and = (parts: SQL[]) => sql.join(parts, sql` AND `);

/** `_build_time_range_predicate`: inclusive bounds; bounds past int8 become constants. */
function msRange(column: SQL, start: bigint | null, end: bigint | null): SQL[] {
  const out: SQL[] = [];
  if (start !== null && start > INT8_MIN) out.push(sql`${column} >= ${big(start)}`);
  if (end !== null && end < INT8_MAX) out.push(sql`${column} <= ${big(end)}`);
  return out;
}

/** The same on a nanosecond column: every nanosecond of the end millisecond is included. */
function nsRange(column: SQL, start: bigint | null, end: bigint | null): SQL[] {
  const out: SQL[] = [];
  if (start !== null) {
    const ns = start * NS_PER_MS;
    if (ns > INT8_MAX) out.push(sql`false`);
    else if (ns > INT8_MIN) out.push(sql`${column} >= ${big(ns)}`);
  }
  if (end !== null) {
    const ns = (end + 1n) * NS_PER_MS;
    if (ns <= INT8_MIN) out.push(sql`false`);
    else if (ns <= INT8_MAX) out.push(sql`${column} < ${big(ns)}`);
  }
  return out;
}

function aggregateColumn(q: MetricsQuery): SQL {
  switch (q.view) {
    case "TRACES":
      if (q.metric === "trace_count") return sql`t.request_id`;
      if (q.metric === "session_count") return sql`DISTINCT t.session_id`;
      if (q.metric === "latency") return sql`t.execution_time_ms`;
      if (TOKEN_METRICS.includes(q.metric)) return sql.raw(`t.${q.metric}`);
      break;
    case "SPANS":
      if (q.metric === "span_count") return sql`s.span_id`;
      // Whole milliseconds, truncated: integer division as MLflow's `// 1000000` renders on Postgres.
      if (q.metric === "latency") return sql`((s.end_time_unix_nano - s.start_time_unix_nano) / 1000000)`;
      if (COST_METRICS.includes(q.metric)) return sql.raw(`s.${q.metric}`);
      break;
    case "ASSESSMENTS":
      if (q.metric === "assessment_count") return sql`a.assessment_id`;
      if (q.metric === "assessment_value") return sql`a.aggregate_value`;
      break;
  }
  throw new Error(`unvalidated metric ${q.view}/${q.metric}`);
}

const DIMENSIONS: Record<string, string> = {
  trace_name: "t.trace_name",
  trace_status: "t.status",
  span_name: "s.name",
  span_type: "s.type",
  span_status: "s.status",
  span_model_name: "s.model_name",
  span_model_provider: "s.model_provider",
  assessment_name: "a.name",
  assessment_value: "a.value",
};

/** `get_time_bucket_expression` on Postgres: bucket start in ms. */
function bucketExpr(q: MetricsQuery, width: bigint): SQL {
  const ms = width * 1000n;
  if (q.view === "SPANS") {
    // Exact on nanoseconds: div truncates toward zero, so negative non-multiples go one bucket lower.
    const ns = width * 1_000_000_000n;
    return sql`((div(s.start_time_unix_nano, ${sql.raw(ns.toString())}::numeric)
      - CASE WHEN s.start_time_unix_nano < 0 AND mod(s.start_time_unix_nano, ${sql.raw(ns.toString())}::numeric) <> 0 THEN 1 ELSE 0 END)
      * ${sql.raw(ms.toString())}::numeric)`;
  }
  const column = q.view === "TRACES" ? sql`t.timestamp_ms` : sql`a.trace_timestamp_ms`;
  return sql`(floor(${column}::numeric / ${sql.raw(ms.toString())}::numeric) * ${sql.raw(ms.toString())}::numeric)`;
}

function aggregateExpr(type: AggregationType, column: SQL, percentile?: number): SQL {
  switch (type) {
    case "COUNT":
      return sql`count(${column})::float8`;
    case "SUM":
      return sql`sum(${column})::float8`;
    case "AVG":
      return sql`avg(${column})::float8`;
    case "MIN":
      return sql`min(${column})::float8`;
    case "MAX":
      return sql`max(${column})::float8`;
    case "PERCENTILE":
      return sql`percentile_cont(${percentile! / 100}::float8) WITHIN GROUP (ORDER BY ${column})::float8`;
  }
}

/** FROM and WHERE of a view, with the scope, filters and time range. */
function source(q: MetricsQuery): { from: SQL; where: SQL[] } {
  const ids = arrayParam(q.experimentIds, "int");
  const traceFilters = q.filters.filter((f) => f.view === "trace");
  if (q.view === "TRACES") {
    return { from: sql`trace_info t`, where: [sql`t.experiment_id = any(${ids})`, ...traceFilters.map((f) => metricsFilterSql(f, "t")), ...msRange(sql`t.timestamp_ms`, q.startMs, q.endMs)] };
  }
  if (q.view === "ASSESSMENTS") {
    return {
      from: sql`assessments a`,
      // Overridden assessments (valid = false) are not counted: the override stands for them.
      where: [sql`a.experiment_id = any(${ids})`, sql`a.valid = true`, ...q.filters.map((f) => metricsFilterSql(f, "a")), ...msRange(sql`a.trace_timestamp_ms`, q.startMs, q.endMs)],
    };
  }
  const spanFilters = q.filters.filter((f) => f.view === "span").map((f) => metricsFilterSql(f, "t")); // they test `s` only
  const cost = COST_METRICS.includes(q.metric);
  if (cost && traceFilters.length === 0) {
    // Span costs carry their experiment and start time: no trace needed.
    return { from: sql`spans s`, where: [sql`s.experiment_id = any(${ids})`, ...spanFilters, ...nsRange(sql`s.start_time_unix_nano`, q.startMs, q.endMs)] };
  }
  return {
    from: sql`spans s JOIN trace_info t ON s.trace_id = t.request_id`,
    where: [
      sql`t.experiment_id = any(${ids})`,
      ...traceFilters.map((f) => metricsFilterSql(f, "t")),
      ...spanFilters,
      // Span counts and latencies are bounded by their trace's time; costs by the span's start.
      ...(cost ? nsRange(sql`s.start_time_unix_nano`, q.startMs, q.endMs) : msRange(sql`t.timestamp_ms`, q.startMs, q.endMs)),
    ],
  };
}

/** One statement: a row per group (or one row without groups), in bucket-then-dimension order. */
export async function queryMetricRows(db: Db, q: MetricsQuery): Promise<MetricRow[]> {
  const { from, where } = source(q);
  const column = aggregateColumn(q);
  if (q.view === "TRACES" && q.metric === "session_count") where.push(sql`t.session_id IS NOT NULL`);
  // NULL values and NULL dimensions are left out before grouping, so they cannot take LIMIT slots.
  else where.push(sql`${column} IS NOT NULL`);
  const groups: SQL[] = [];
  if (q.intervalSeconds !== null) groups.push(bucketExpr(q, q.intervalSeconds));
  for (const d of q.dimensions) {
    const col = sql.raw(DIMENSIONS[d]!);
    where.push(sql`${col} IS NOT NULL`);
    groups.push(col);
  }
  const values = sql`json_build_array(${sql.join(q.aggregations.map((a) => aggregateExpr(a.type, column, a.percentile)), sql`, `)}) AS vals`;
  // Group keys come first so GROUP BY / ORDER BY name them by position; text orders by the
  // database's collation, as the reference's query does.
  const selected = [...groups.map((g, i) => sql`${g} AS ${sql.raw(`g${i}`)}`), values];
  const positions = sql.join(groups.map((_, i) => sql.raw(String(i + 1))), sql`, `);
  const groupBy = groups.length > 0 ? sql`GROUP BY ${positions} ORDER BY ${positions}` : sql``;
  const r = await db.execute<Record<string, unknown>>(sql`
    SELECT ${sql.join(selected, sql`, `)}
    FROM ${from} WHERE ${and(where)}
    ${groupBy}
    LIMIT ${q.maxResults}`);
  const bucketed = q.intervalSeconds !== null;
  return r.rows.map((row) => ({
    bucket: bucketed && row.g0 !== null ? String(row.g0) : null,
    dims: q.dimensions.map((_, i) => String(row[`g${i + (bucketed ? 1 : 0)}`])),
    values: row.vals as (number | null)[],
  }));
}

export interface CorrelationCounts {
  total: number;
  filter1: number;
  filter2: number;
  joint: number;
}

/** The universe (`base`), and how many of it match each filter and both. */
export async function correlationCounts(db: Db, base: SQL, filter1: SQL, filter2: SQL): Promise<CorrelationCounts> {
  const r = await db.execute<{ total: string; f1: string; f2: string; joint: string }>(sql`
    SELECT count(*) AS total, count(*) FILTER (WHERE ${filter1}) AS f1, count(*) FILTER (WHERE ${filter2}) AS f2,
           count(*) FILTER (WHERE (${filter1}) AND (${filter2})) AS joint
    FROM trace_info t WHERE ${base}`);
  const row = r.rows[0]!;
  return { total: Number(row.total), filter1: Number(row.f1), filter2: Number(row.f2), joint: Number(row.joint) };
}
