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
 */
export async function chartSeriesJson(
  db: Db,
  q: { runIds: string[]; keys: string[]; maxPoints: number; steps: { start: number; end: number } | null; timestamps: boolean },
): Promise<string> {
  const range = (alias: string) => (q.steps ? sql`and ${sql.raw(alias)}.step >= ${q.steps.start} and ${sql.raw(alias)}.step <= ${q.steps.end}` : sql``);
  const buckets = Math.max(1, Math.floor((q.maxPoints - 2) / 2));
  const value = (alias: string) => sql.raw(`case when ${alias}.is_nan then 'NaN'::float8 else ${alias}.value end`);
  const mine = sql.raw("m.run_uuid = s.run_uuid and m.key = s.key");
  const result = await db.execute<{ series: string }>(sql`
    with s as (
      -- each requested history that has points, with its step range
      select r.run_uuid, k.key, f.lo, f.hi
      from unnest(${arrayParam(q.runIds, "varchar")}) r(run_uuid) cross join unnest(${arrayParam(q.keys, "varchar")}) k(key)
      cross join lateral (select min(m.step) as lo, max(m.step) as hi from metrics m where m.run_uuid = r.run_uuid and m.key = k.key ${range("m")}) f
      where f.lo is not null
    ),
    series as (
      -- one history at a time: its points stream in step order from the index and stay in memory
      select s.run_uuid, s.key, p.steps, p.timestamps, p.vals from s cross join lateral (
        with b as (
          -- per bucket: how many points, and the points of the smallest and largest value
          select count(*) as n, min(a) filter (where not nan) as mn, max(a) filter (where not nan) as mx
          from (select array[m.value, m.step, m.timestamp] as a, m.is_nan as nan,
                       floor((m.step - s.lo)::float8 * ${buckets} / (s.hi - s.lo + 1)) as bucket
                from metrics m where ${mine} ${range("m")} offset 0) x
          group by bucket
        ),
        whole as (select sum(n) <= ${q.maxPoints} as yes from b),
        pts as (
          -- a short history whole
          select m.step::float8 as step, m.timestamp::float8 as ts, ${value("m")} as v from metrics m, whole
          where whole.yes and ${mine} ${range("m")}
          union
          -- a long one: each bucket's extremes, and its first and last point
          select e.x[2], e.x[3], e.x[1] from b, whole, lateral (values (b.mn), (b.mx)) e(x) where not whole.yes and e.x is not null
          union
          (select m.step, m.timestamp, ${value("m")} from metrics m, whole where not whole.yes and ${mine} ${range("m")}
           order by m.step, m.timestamp limit 1)
          union
          (select m.step, m.timestamp, ${value("m")} from metrics m, whole where not whole.yes and ${mine} ${range("m")}
           order by m.step desc, m.timestamp desc limit 1)
        )
        select array_agg(step::bigint order by step, ts) as steps,
               ${q.timestamps ? sql`array_agg(ts::bigint order by step, ts)` : sql`null::bigint[]`} as timestamps,
               translate(encode(string_agg(float8send(v), ''::bytea order by step, ts), 'base64'), E'\n', '') as vals
        from pts
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
