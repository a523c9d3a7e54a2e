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
