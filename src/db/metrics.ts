/** SQL for metric history reads. */
import { sql } from "drizzle-orm";
import type { Db } from "./client";
import { int8Column } from "../lib/int64";
import { arrayParam } from "../lib/sql";
import type { MetricRow } from "./runs";

function toMetric(r: Record<string, unknown>): MetricRow {
  return {
    key: r.key as string,
    value: Number(r.value),
    timestamp: int8Column(r.timestamp),
    step: int8Column(r.step) ?? 0,
    isNan: Boolean(r.is_nan),
  };
}

/** A page of one metric's history in MLflow's order; limit null means everything from offset. */
export async function metricHistory(db: Db, runId: string, key: string, offset: number, limit: number | null): Promise<MetricRow[]> {
  const result = await db.execute<Record<string, unknown>>(sql`
    select key, value, timestamp, step, is_nan from metrics
    where run_uuid = ${runId} and key = ${key}
    order by timestamp, step, value
    offset ${offset} ${limit === null ? sql`` : sql`limit ${limit}`}`);
  return result.rows.map(toMetric);
}

export interface SampledMetric extends MetricRow {
  runId: string;
  /** True for the row holding a run's greatest (step, timestamp, value) point. */
  isLast: boolean;
}

/**
 * For each run: the first row of each of `buckets` equal-sized buckets over the ordered history
 * (NTILE), plus the run's last point, in one statement. The caller merges the last point in.
 */
export async function sampledMetricHistory(
  db: Db,
  runIds: string[],
  key: string,
  buckets: number,
  steps: { start: number; end: number } | null,
): Promise<SampledMetric[]> {
  const range = steps ? sql`and step >= ${steps.start} and step <= ${steps.end}` : sql``;
  const result = await db.execute<Record<string, unknown>>(sql`
    with m as (
      select run_uuid, key, value, timestamp, step, is_nan from metrics
      where run_uuid = any(${arrayParam(runIds, "varchar")}) and key = ${key} ${range}
    ),
    bucketed as (
      select *, ntile(${buckets}) over (partition by run_uuid order by step, timestamp, value, is_nan) as bucket from m
    ),
    firsts as (
      select *, row_number() over (partition by run_uuid, bucket order by step, timestamp, value, is_nan) as rn from bucketed
    ),
    lasts as (
      select distinct on (run_uuid) run_uuid, key, value, timestamp, step, is_nan from m
      order by run_uuid, step desc, timestamp desc, value desc, is_nan desc
    )
    select run_uuid, key, value, timestamp, step, is_nan, false as is_last from firsts where rn = 1
    union all
    select run_uuid, key, value, timestamp, step, is_nan, true as is_last from lasts
    order by run_uuid, is_last, step, timestamp, value, is_nan`);
  return result.rows.map((r) => ({ ...toMetric(r), runId: r.run_uuid as string, isLast: Boolean(r.is_last) }));
}

/** Histories of one metric across runs, ordered by run, then timestamp, step, value. */
export async function metricHistoryOfRuns(db: Db, runIds: string[], key: string, limit: number): Promise<(MetricRow & { runId: string })[]> {
  const result = await db.execute<Record<string, unknown>>(sql`
    select run_uuid, key, value, timestamp, step, is_nan from metrics
    where run_uuid = any(${arrayParam(runIds, "varchar")}) and key = ${key}
    order by run_uuid, timestamp, step, value
    limit ${limit}`);
  return result.rows.map((r) => ({ ...toMetric(r), runId: r.run_uuid as string }));
}

/**
 * Histories of several metrics of several runs for charts, as one JSON document built by Postgres:
 * per (run, key) the steps, timestamps and values as arrays, thinned to at most `maxPoints` evenly
 * spaced points (always keeping the last). The Worker passes the text through without parsing it.
 */
export async function chartSeriesJson(
  db: Db,
  q: { runIds: string[]; keys: string[]; maxPoints: number; steps: { start: number; end: number } | null },
): Promise<string> {
  const range = q.steps ? sql`and step >= ${q.steps.start} and step <= ${q.steps.end}` : sql``;
  const result = await db.execute<{ series: string }>(sql`
    with m as (
      select run_uuid, key, step, timestamp, value, is_nan,
             -- (step, timestamp) is the order of edge_metrics_run_key_step: no sort of the points.
             row_number() over (partition by run_uuid, key order by step, timestamp) as rn,
             count(*) over (partition by run_uuid, key) as n
      from metrics
      where run_uuid = any(${arrayParam(q.runIds, "varchar")}) and key = any(${arrayParam(q.keys, "varchar")}) ${range}
    ),
    kept as (
      select * from m
      where n <= ${q.maxPoints} or rn = n or (rn - 1) % ceil(n::float8 / ${q.maxPoints})::bigint = 0
    ),
    series as (
      select run_uuid, key,
             array_agg(step order by rn) as steps,
             array_agg(timestamp order by rn) as timestamps,
             array_agg(case when is_nan then 'NaN'::float8 else value end order by rn) as vals
      from kept group by run_uuid, key
    )
    select coalesce(json_agg(json_build_object('run_id', run_uuid, 'key', key, 'steps', steps, 'timestamps', timestamps, 'values', vals)), '[]')::text as series
    from series`);
  return result.rows[0]?.series ?? "[]";
}
