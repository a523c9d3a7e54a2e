/** SQL for editing existing traces: tags, deletion, and links to runs and prompt versions. One statement each. */
import { sql } from "drizzle-orm";
import type { Db } from "./client";
import { arrayParam } from "../lib/sql";

/** Sets a tag (the trace name lives in its column). False when the trace does not exist. */
export async function setTraceTag(db: Db, traceId: string, key: string, value: string): Promise<boolean> {
  const write =
    key === "mlflow.traceName"
      ? sql`update trace_info set trace_name = ${value} where request_id = ${traceId} returning 1`
      : sql`insert into trace_tags (request_id, key, value) select request_id, ${key}, ${value} from trace_info where request_id = ${traceId}
            on conflict (key, request_id) do update set value = excluded.value returning 1`;
  const r = await db.execute(sql`with w as (${write}) select count(*)::int as n from w`);
  return Number(r.rows[0]?.n) > 0;
}

/** Deletes a tag; false when there was none (or no such trace). */
export async function deleteTraceTag(db: Db, traceId: string, key: string): Promise<boolean> {
  const write =
    key === "mlflow.traceName"
      ? sql`update trace_info set trace_name = null where request_id = ${traceId} and trace_name is not null returning 1`
      : sql`delete from trace_tags where request_id = ${traceId} and key = ${key} returning 1`;
  const r = await db.execute(sql`with w as (${write}) select count(*)::int as n from w`);
  return Number(r.rows[0]?.n) > 0;
}

export interface DeleteTracesQuery {
  experimentId: number;
  maxTimestampMillis: bigint | null;
  maxTraces: number | null;
  traceIds: string[];
}

/**
 * Deletes traces of an experiment (children cascade) and the review-queue items that point at
 * them; with max_traces, the oldest first. Returns how many traces were deleted.
 */
export async function deleteTraces(db: Db, q: DeleteTracesQuery): Promise<number> {
  const filters = [sql`experiment_id = ${q.experimentId}`];
  if (q.maxTimestampMillis !== null) filters.push(sql`timestamp_ms <= ${q.maxTimestampMillis}::bigint`);
  if (q.traceIds.length > 0) filters.push(sql`request_id = any(${arrayParam(q.traceIds, "varchar")})`);
  const where = sql.join(filters, sql` and `);
  const limit = q.maxTraces !== null ? sql`order by timestamp_ms, request_id limit ${q.maxTraces}` : sql``;
  const r = await db.execute<{ n: number }>(sql`
    with selected as (select request_id from trace_info where ${where} ${limit} for update),
    gone as (delete from trace_info where request_id in (select request_id from selected) returning request_id),
    queue as (delete from review_queue_items where item_type = 'trace' and item_id in (select request_id from gone) returning 1)
    select (select count(*) from gone)::int as n, (select count(*) from queue) as items`);
  return Number(r.rows[0]?.n ?? 0);
}

/** Links traces to a run (missing links only; neither side is checked, as in MLflow). */
export async function linkTracesToRun(db: Db, traceIds: string[], runId: string, now: number): Promise<void> {
  await db.execute(sql`
    insert into entity_associations (association_id, source_type, source_id, destination_type, destination_id, created_time)
    select md5(random()::text || clock_timestamp()::text || t), 'trace', t, 'run', ${runId}, ${now}
    from unnest(${arrayParam(traceIds, "varchar")}) as t
    on conflict do nothing`);
}

/** Links prompt versions (`name/version`) to an existing trace; false when the trace does not exist. */
export async function linkPromptsToTrace(db: Db, traceId: string, promptIds: string[], now: number): Promise<boolean> {
  const r = await db.execute<{ found: boolean }>(sql`
    with trace as (select request_id from trace_info where request_id = ${traceId}),
    links as (
      insert into entity_associations (association_id, source_type, source_id, destination_type, destination_id, created_time)
      select md5(random()::text || clock_timestamp()::text || p), 'trace', ${traceId}, 'prompt_version', p, ${now}
      from unnest(${arrayParam(promptIds, "varchar")}) as p where exists (select 1 from trace)
      on conflict do nothing returning 1
    )
    select exists (select 1 from trace) as found, (select count(*) from links) as linked`);
  return Boolean(r.rows[0]?.found);
}
