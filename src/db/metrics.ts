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
 * Histories of several metrics of several runs for charts, as one JSON document built by Postgres.
 * Per (run, key): `steps` (and, when asked, `timestamps`) as arrays, and `values_f64`, the values as
 * base64 of big-endian IEEE-754 doubles (exact, NaN and ±Infinity included, about half the bytes of
 * their decimal text). A history of at most `maxPoints` points comes whole; a longer one is thinned
 * min/max-preserving: its step range is cut into (maxPoints - 2) / 2 equal buckets and each bucket
 * keeps its smallest and its largest value (NaN aside) at their own steps, plus the history's first
 * and last point — at a chart's pixel width the drawn line keeps every peak and dip, which evenly
 * spaced samples lose. Histories are bucketed one at a time (a lateral join), each read in index
 * order (edge_metrics_run_key_step), so no sort, hash or spill of all the points is needed. The
 * Worker passes the text through without parsing it.
 *
 * Shaped for cost (a chart view of 100 runs × 10 metrics × 1,000 steps reads 1,000,000 points):
 * each history's facts (step range, whether it is long) are computed once (`s` is materialized, so
 * nothing below re-runs them per reference); the buckets are aggregated once and their extremes
 * unnested in place rather than kept as a CTE read twice; the candidate points are deduplicated
 * and ordered by one sort, which the aggregates then read in order.
 */
export async function chartSeriesJson(
  db: Db,
  q: { runIds: string[]; keys: string[]; maxPoints: number; steps: { start: number; end: number } | null; timestamps: boolean },
): Promise<string> {
  const range = q.steps ? sql`and m.step >= ${q.steps.start} and m.step <= ${q.steps.end}` : sql``;
  const buckets = Math.max(1, Math.floor((q.maxPoints - 2) / 2));
  // A point as float8[] {value, step, timestamp}: min/max of these pick a bucket's extremes with
  // the step and time they were logged at (ties: the earliest step). Steps are float8 here, as
  // every chart axis is; they are exact up to 2^53.
  const point = sql.raw("array[case when m.is_nan then 'NaN'::float8 else m.value end, m.step, m.timestamp]");
  const mine = sql.raw("m.run_uuid = s.run_uuid and m.key = s.key");
  const result = await db.execute<{ series: string }>(sql`
    with s as materialized (
      -- each requested history that has points: its step range, and whether it must be thinned
      select r.run_uuid, k.key, f.lo, f.hi,
             exists (select 1 from metrics m where m.run_uuid = r.run_uuid and m.key = k.key ${range} offset ${q.maxPoints}) as thin
      from unnest(${arrayParam(q.runIds, "varchar")}) r(run_uuid) cross join unnest(${arrayParam(q.keys, "varchar")}) k(key)
      cross join lateral (select min(m.step) as lo, max(m.step) as hi from metrics m where m.run_uuid = r.run_uuid and m.key = k.key ${range}) f
      where f.lo is not null
    ),
    series as (
      select s.run_uuid, s.key, p.steps, p.timestamps, p.vals from s cross join lateral (
        select array_agg(x[2]::bigint) as steps,
               ${q.timestamps ? sql`array_agg(x[3]::bigint)` : sql`null::bigint[]`} as timestamps,
               replace(encode(string_agg(float8send(x[1]), ''::bytea), 'base64'), E'\n', '') as vals
        from (
          select distinct on (x[2], x[3], x) x from (
            -- a short history whole
            select ${point} as x from metrics m where not s.thin and ${mine} ${range}
            union all
            -- a long one: each bucket's extremes (one point when they are the same) …
            select e.x from (
              select min(a) filter (where not nan) as mn, max(a) filter (where not nan) as mx
              from (select ${point} as a, m.is_nan as nan,
                           floor((m.step - s.lo)::float8 * ${buckets} / (s.hi - s.lo + 1)) as bucket
                    from metrics m where s.thin and ${mine} ${range} offset 0) x
              group by bucket
            ) b cross join lateral (values (b.mn), (b.mx)) e(x) where e.x is not null
            union all
            -- … and its first and last point
            (select ${point} from metrics m where s.thin and ${mine} ${range} order by m.step, m.timestamp limit 1)
            union all
            (select ${point} from metrics m where s.thin and ${mine} ${range} order by m.step desc, m.timestamp desc limit 1)
          ) candidates
          order by x[2], x[3], x
        ) ordered
      ) p
    )
    select coalesce(json_agg(${
      q.timestamps
        ? sql`json_build_object('run_id', run_uuid, 'key', key, 'steps', steps, 'timestamps', timestamps, 'values_f64', vals)`
        : sql`json_build_object('run_id', run_uuid, 'key', key, 'steps', steps, 'values_f64', vals)`
    }), '[]')::text as series
    from series`);
  return result.rows[0]?.series ?? "[]";
}
