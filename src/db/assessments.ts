/**
 * SQL for the assessment RPCs (create, get, update, delete), on MLflow 3.18's `assessments` table
 * with the columns its SQL store writes. Create and delete are one statement each; an update reads
 * the row and then writes it only if nobody changed it in between (the merged metadata is built
 * in the Worker, in Python's JSON form).
 */
import { sql } from "drizzle-orm";
import type { Db } from "./client";
import type { AssessmentInsert } from "../protocol/assessments";

/** An assessments row as the wire encoder reads it (int8 columns as text). */
export type AssessmentRow = Record<string, unknown> & {
  assessment_id: string;
  trace_id: string;
  name: string;
  assessment_type: string;
  value: string;
  error: string | null;
  created_timestamp: string;
  last_updated_timestamp: string;
  source_type: string;
  source_id: string | null;
  run_id: string | null;
  span_id: string | null;
  rationale: string | null;
  overrides: string | null;
  valid: boolean;
  assessment_metadata: string | null;
};

const ROW = (alias: string) =>
  sql.raw(`json_build_object(
    'assessment_id', ${alias}.assessment_id, 'trace_id', ${alias}.trace_id, 'name', ${alias}.name,
    'assessment_type', ${alias}.assessment_type, 'value', ${alias}.value, 'error', ${alias}.error,
    'created_timestamp', ${alias}.created_timestamp::text, 'last_updated_timestamp', ${alias}.last_updated_timestamp::text,
    'source_type', ${alias}.source_type, 'source_id', ${alias}.source_id, 'run_id', ${alias}.run_id, 'span_id', ${alias}.span_id,
    'rationale', ${alias}.rationale, 'overrides', ${alias}.overrides, 'valid', ${alias}.valid,
    'assessment_metadata', ${alias}.assessment_metadata)`);

export type CreateOutcome =
  | { kind: "created"; row: AssessmentRow }
  | { kind: "no_trace" }
  | { kind: "id_taken" }
  | { kind: "no_override_target" };

/**
 * Inserts an assessment on an existing trace, copying the trace's experiment and timestamp, and
 * (for an override) marks the overridden assessment of the same trace invalid, in one statement.
 * Nothing is written unless everything can be: the trace exists, the id is free, and the
 * overridden assessment exists. The trace row is share-locked so a concurrent span write that
 * moves the trace's timestamp is seen (MLflow reads it `FOR UPDATE`).
 */
export async function insertAssessment(db: Db, traceId: string, a: AssessmentInsert, now: number): Promise<CreateOutcome> {
  const r = await db.execute<{ trace_found: boolean; id_taken: boolean; target_found: boolean; row: AssessmentRow | null }>(sql`
    with trace as (select request_id, experiment_id, timestamp_ms from trace_info where request_id = ${traceId} for share),
    taken as (select 1 from assessments where assessment_id = ${a.assessmentId}),
    target as (select assessment_id from assessments
               where ${a.overrides}::varchar is not null and trace_id = ${traceId} and assessment_id = ${a.overrides}::varchar),
    ok as (select 1 from trace where not exists (select 1 from taken)
             and (${a.overrides}::varchar is null or exists (select 1 from target))),
    created as (
      insert into assessments (assessment_id, trace_id, name, assessment_type, value, error, created_timestamp, last_updated_timestamp,
        source_type, source_id, run_id, span_id, rationale, overrides, valid, assessment_metadata, experiment_id, trace_timestamp_ms,
        aggregate_value, is_numeric_value)
      select ${a.assessmentId}, t.request_id, ${a.name}, ${a.type}, ${a.value}, ${a.error}::text,
        coalesce(${a.createdMs}::bigint, ${now}::bigint), coalesce(${a.updatedMs}::bigint, ${now}::bigint),
        ${a.sourceType}, ${a.sourceId}::varchar, ${a.runId}::varchar, ${a.spanId}::varchar, ${a.rationale}::text,
        ${a.overrides}::varchar, true, ${a.metadata}::text, t.experiment_id, t.timestamp_ms, ${a.aggregateValue}::float8, ${a.isNumeric}::boolean
      from trace t where exists (select 1 from ok)
      -- A concurrent create of the same id: nothing written, answered as a taken id.
      on conflict (assessment_id) do nothing
      returning *
    ),
    overridden as (update assessments set valid = false
                   where assessment_id in (select assessment_id from target) and exists (select 1 from created) returning 1)
    select exists (select 1 from trace) as trace_found, exists (select 1 from taken) as id_taken,
      exists (select 1 from target) as target_found, (select count(*) from overridden) as overridden_count,
      (select ${ROW("c")} from created c) as row`);
  const out = r.rows[0]!;
  if (out.row) return { kind: "created", row: out.row };
  if (!out.trace_found) return { kind: "no_trace" };
  if (a.overrides !== null && !out.target_found) return { kind: "no_override_target" };
  return { kind: "id_taken" };
}

/** An assessment of a trace, and whether the trace exists (for MLflow's two "not found" messages). */
export async function findAssessment(db: Db, traceId: string, assessmentId: string): Promise<{ traceFound: boolean; row: AssessmentRow | null }> {
  const r = await db.execute<{ trace_found: boolean; row: AssessmentRow | null }>(sql`
    select exists (select 1 from trace_info where request_id = ${traceId}) as trace_found,
      (select ${ROW("a")} from assessments a where a.trace_id = ${traceId} and a.assessment_id = ${assessmentId}) as row`);
  const out = r.rows[0]!;
  return { traceFound: Boolean(out.trace_found), row: out.row ?? null };
}

export interface AssessmentChange {
  name: string;
  value: string;
  error: string | null;
  rationale: string | null;
  metadata: string | null;
  updatedMs: number;
  aggregateValue: number | null;
  isNumeric: boolean;
}

/**
 * Writes an update computed from `seen`, only if the row still is what was read (its update time,
 * value and metadata): null when it changed or vanished meanwhile, so the caller can read again.
 */
export async function updateAssessmentIfUnchanged(db: Db, seen: AssessmentRow, c: AssessmentChange): Promise<AssessmentRow | null> {
  const r = await db.execute<{ row: AssessmentRow }>(sql`
    with updated as (
      update assessments set name = ${c.name}, value = ${c.value}, error = ${c.error}::text, last_updated_timestamp = ${c.updatedMs}::bigint,
        rationale = ${c.rationale}::text, assessment_metadata = ${c.metadata}::text, aggregate_value = ${c.aggregateValue}::float8,
        is_numeric_value = ${c.isNumeric}::boolean
      where trace_id = ${seen.trace_id} and assessment_id = ${seen.assessment_id}
        and last_updated_timestamp = ${seen.last_updated_timestamp}::bigint and value = ${seen.value}
        and assessment_metadata is not distinct from ${seen.assessment_metadata}::text
        and name = ${seen.name} and rationale is not distinct from ${seen.rationale}::text
      returning *
    )
    select ${ROW("u")} as row from updated u`);
  return r.rows[0]?.row ?? null;
}

/**
 * Deletes an assessment (nothing to delete is fine); the assessment of the same trace it overrode,
 * if any, becomes valid again, as in MLflow.
 */
export async function deleteAssessment(db: Db, traceId: string, assessmentId: string): Promise<boolean> {
  const r = await db.execute<{ deleted: number }>(sql`
    with gone as (delete from assessments where trace_id = ${traceId} and assessment_id = ${assessmentId} returning overrides),
    -- MLflow restores by id alone; the same trace is required here, so an override written with
    -- StartTraceV3 (where the target is not checked) cannot revalidate another trace's assessment.
    restored as (update assessments set valid = true
                 where trace_id = ${traceId} and assessment_id in (select overrides from gone where overrides is not null) returning 1)
    select (select count(*) from gone)::int as deleted, (select count(*) from restored)::int as restored`);
  return Number(r.rows[0]?.deleted ?? 0) > 0;
}
