/**
 * SQL for trace writes other than span ingestion: start_trace (the v3 and v2 forms), end_trace
 * (v2), tags, deletion and links. Each is one statement; start_trace is an upsert whose
 * experiment check runs on the locked row, so it is safe against a concurrent OTLP write of the
 * same trace in either order.
 */
import { sql } from "drizzle-orm";
import type { Db } from "./client";
import { arrayParam } from "../lib/sql";
import type { AssessmentInsert } from "../protocol/assessments";

export interface StartTraceRow {
  traceId: string;
  experimentId: number;
  timestampMs: bigint;
  executionTimeMs: bigint | null;
  status: string;
  clientRequestId: string | null;
  requestPreview: string | null;
  responsePreview: string | null;
  traceName: string | null;
  /** Whether the request named the trace (MLflow only then overwrites the name of an existing trace). */
  setsTraceName: boolean;
  sessionId: string | null | undefined;
  /** Analytics columns the request's metadata set (undefined: not given; null: given but invalid). */
  analytics: Record<string, bigint | number | null>;
  /** Client tags (no system tags); the artifact-location tag is added from the experiment. */
  tags: { key: string; value: string }[];
  metadata: { key: string; value: string }[];
  assessments: AssessmentInsert[];
  /** v2 StartTrace inserts only; a retried v2 start of an existing id fails like MLflow's. */
  insertOnly: boolean;
}

export type StartTraceOutcome = "written" | "no_experiment" | "inactive" | "foreign_trace" | "not_db_backed" | { foreignAssessment: string };

const ANALYTICS_COLUMNS = ["session_id", "input_tokens", "output_tokens", "total_tokens", "cache_read_input_tokens", "cache_creation_input_tokens",
  "cache_creation_input_tokens_above_1hr", "input_cost", "output_cost", "total_cost"];

export async function upsertTrace(db: Db, t: StartTraceRow): Promise<{ outcome: StartTraceOutcome; stage: string | null }> {
  const given = (c: string) => (c === "session_id" ? t.sessionId !== undefined : c in t.analytics);
  const value = (c: string) => (c === "session_id" ? (t.sessionId ?? null) : (t.analytics[c] ?? null));
  const cast = (c: string) => (c === "session_id" ? "varchar" : c.endsWith("_cost") ? "float8" : "bigint");
  const insertCols = ANALYTICS_COLUMNS.map((c) => sql`${value(c)}::${sql.raw(cast(c))}`);
  const updateCols = ANALYTICS_COLUMNS.filter(given).map((c) => sql`${sql.raw(c)} = excluded.${sql.raw(c)}`);
  const a = t.assessments;
  const conflict = t.insertOnly
    ? sql`do nothing`
    : sql`do update set timestamp_ms = excluded.timestamp_ms, execution_time_ms = excluded.execution_time_ms, status = excluded.status,
        client_request_id = excluded.client_request_id,
        request_preview = coalesce(excluded.request_preview, trace_info.request_preview),
        response_preview = coalesce(excluded.response_preview, trace_info.response_preview),
        trace_name = ${t.setsTraceName ? sql`excluded.trace_name` : sql`trace_info.trace_name`},
        db_payload_generation = trace_info.db_payload_generation + 1
        ${updateCols.length > 0 ? sql`, ${sql.join(updateCols, sql`, `)}` : sql``}
      where trace_info.experiment_id = excluded.experiment_id`;
  const r = await db.execute<{ stage: string | null; written: boolean; existing_experiment: string | null; spans_location: string | null; foreign_assessment: string | null }>(sql`
    with exp as (select lifecycle_stage from experiments where experiment_id = ${t.experimentId}),
    existing as (select experiment_id,
                   (select value from trace_tags g where g.request_id = ${t.traceId} and g.key = 'mlflow.trace.spansLocation') as spans_location
                 from trace_info where request_id = ${t.traceId}),
    foreign_assessment as (select assessment_id from assessments
                           where assessment_id = any(${arrayParam(a.map((x) => x.assessmentId), "varchar")}) and trace_id <> ${t.traceId} limit 1),
    ok as (select 1 from exp where lifecycle_stage = 'active'
           and not exists (select 1 from existing where spans_location is not null and spans_location not in ('TRACKING_STORE', 'ARCHIVE_REPO'))
           and not exists (select 1 from foreign_assessment)),
    trace as (
      insert into trace_info (request_id, experiment_id, timestamp_ms, execution_time_ms, status, client_request_id, request_preview,
        response_preview, db_payload_generation, trace_name, session_id, input_tokens, output_tokens, total_tokens, cache_read_input_tokens,
        cache_creation_input_tokens, cache_creation_input_tokens_above_1hr, input_cost, output_cost, total_cost)
      select ${t.traceId}, ${t.experimentId}, ${t.timestampMs}::bigint, ${t.executionTimeMs}::bigint, ${t.status}, ${t.clientRequestId}::varchar,
        ${t.requestPreview}::varchar, ${t.responsePreview}::varchar, 0, ${t.traceName}::varchar, ${sql.join(insertCols, sql`, `)}
      from ok
      on conflict (request_id) ${conflict}
      returning request_id
    ),
    tags as (
      insert into trace_tags (request_id, key, value)
      select ${t.traceId}, k, v from unnest(${arrayParam(t.tags.map((x) => x.key), "varchar")}, ${arrayParam(t.tags.map((x) => x.value), "varchar")}) as x(k, v)
      where exists (select 1 from trace)
      union all
      select ${t.traceId}, 'mlflow.artifactLocation',
             regexp_replace(coalesce((select artifact_location from experiments where experiment_id = ${t.experimentId}), ''), '/+$', '')
               || '/traces/' || ${t.traceId} || '/artifacts'
      where exists (select 1 from trace)
      on conflict (key, request_id) do update set value = excluded.value
      returning 1
    ),
    metadata as (
      insert into trace_request_metadata (request_id, key, value)
      select ${t.traceId}, k, v from unnest(${arrayParam(t.metadata.map((x) => x.key), "varchar")}, ${arrayParam(t.metadata.map((x) => x.value), "varchar")}) as x(k, v)
      where exists (select 1 from trace)
      on conflict (key, request_id) do update set value = excluded.value
      returning 1
    ),
    new_assessments as (
      insert into assessments (assessment_id, trace_id, name, assessment_type, value, error, created_timestamp, last_updated_timestamp,
        source_type, source_id, run_id, span_id, rationale, overrides, valid, assessment_metadata, experiment_id, trace_timestamp_ms,
        aggregate_value, is_numeric_value)
      select x.id, ${t.traceId}, x.name, x.type, x.value, x.error, coalesce(x.created, ${Date.now()}::bigint), coalesce(x.updated, ${Date.now()}::bigint),
        x.source_type, x.source_id, x.run_id, x.span_id, x.rationale, x.overrides, true, x.metadata, ${t.experimentId}, ${t.timestampMs}::bigint,
        x.agg, x.numeric
      from unnest(${arrayParam(a.map((x) => x.assessmentId), "varchar")}, ${arrayParam(a.map((x) => x.name), "varchar")},
                  ${arrayParam(a.map((x) => x.type), "varchar")}, ${arrayParam(a.map((x) => x.value), "text")},
                  ${arrayParam(a.map((x) => x.error), "text")}, ${arrayParam(a.map((x) => x.createdMs), "bigint")},
                  ${arrayParam(a.map((x) => x.updatedMs), "bigint")}, ${arrayParam(a.map((x) => x.sourceType), "varchar")},
                  ${arrayParam(a.map((x) => x.sourceId), "varchar")}, ${arrayParam(a.map((x) => x.runId), "varchar")},
                  ${arrayParam(a.map((x) => x.spanId), "varchar")}, ${arrayParam(a.map((x) => x.rationale), "text")},
                  ${arrayParam(a.map((x) => x.overrides), "varchar")}, ${arrayParam(a.map((x) => x.metadata), "text")},
                  ${arrayParam(a.map((x) => x.aggregateValue), "float8")}, ${arrayParam(a.map((x) => x.isNumeric), "boolean")})
        as x(id, name, type, value, error, created, updated, source_type, source_id, run_id, span_id, rationale, overrides, metadata, agg, numeric)
      where exists (select 1 from trace)
      on conflict (assessment_id) do update set name = excluded.name, assessment_type = excluded.assessment_type, value = excluded.value,
        error = excluded.error, created_timestamp = excluded.created_timestamp, last_updated_timestamp = excluded.last_updated_timestamp,
        source_type = excluded.source_type, source_id = excluded.source_id, run_id = excluded.run_id, span_id = excluded.span_id,
        rationale = excluded.rationale, overrides = excluded.overrides, valid = true, assessment_metadata = excluded.assessment_metadata,
        experiment_id = excluded.experiment_id, trace_timestamp_ms = excluded.trace_timestamp_ms,
        aggregate_value = excluded.aggregate_value, is_numeric_value = excluded.is_numeric_value
      returning 1
    ),
    moved as (
      update assessments set trace_timestamp_ms = ${t.timestampMs}::bigint
      -- the assessments this request writes get the timestamp from new_assessments (a row is updated once per statement)
      where trace_id = ${t.traceId} and assessment_id <> all(${arrayParam(a.map((x) => x.assessmentId), "varchar")})
        and exists (select 1 from trace) and ${!t.insertOnly}::boolean
      returning 1
    )
    select (select lifecycle_stage from exp) as stage, exists (select 1 from trace) as written,
      (select experiment_id::text from existing) as existing_experiment, (select spans_location from existing) as spans_location,
      (select assessment_id from foreign_assessment) as foreign_assessment,
      (select count(*) from tags) + (select count(*) from metadata) + (select count(*) from new_assessments) + (select count(*) from moved) as children`);
  const row = r.rows[0]!;
  const stage = row.stage ?? null;
  if (row.written) return { outcome: "written", stage };
  if (stage === null) return { outcome: "no_experiment", stage };
  if (stage !== "active") return { outcome: "inactive", stage };
  if (row.foreign_assessment) return { outcome: { foreignAssessment: row.foreign_assessment }, stage };
  if (row.spans_location && !["TRACKING_STORE", "ARCHIVE_REPO"].includes(row.spans_location)) return { outcome: "not_db_backed", stage };
  return { outcome: "foreign_trace", stage };
}

export interface EndTraceRow {
  traceId: string;
  endTimeMs: bigint;
  status: string;
  traceName: string | null;
  analytics: Record<string, bigint | number | null>;
  sessionId: string | null | undefined;
  tags: { key: string; value: string }[];
  metadata: { key: string; value: string }[];
}

/** The v2 EndTrace: duration from the stored start, status, and merged metadata and tags. */
export async function endTrace(db: Db, t: EndTraceRow): Promise<boolean> {
  const sets = ANALYTICS_COLUMNS.filter((c) => (c === "session_id" ? t.sessionId !== undefined : c in t.analytics)).map((c) => {
    const v = c === "session_id" ? (t.sessionId ?? null) : (t.analytics[c] ?? null);
    return sql`${sql.raw(c)} = ${v}::${sql.raw(c === "session_id" ? "varchar" : c.endsWith("_cost") ? "float8" : "bigint")}`;
  });
  if (t.traceName !== null) sets.push(sql`trace_name = ${t.traceName}`);
  const r = await db.execute<{ found: boolean }>(sql`
    with trace as (
      update trace_info set execution_time_ms = ${t.endTimeMs}::bigint - timestamp_ms, status = ${t.status}
        ${sets.length > 0 ? sql`, ${sql.join(sets, sql`, `)}` : sql``}
      where request_id = ${t.traceId} returning request_id
    ),
    metadata as (
      insert into trace_request_metadata (request_id, key, value)
      select ${t.traceId}, k, v from unnest(${arrayParam(t.metadata.map((x) => x.key), "varchar")}, ${arrayParam(t.metadata.map((x) => x.value), "varchar")}) as x(k, v)
      where exists (select 1 from trace)
      on conflict (key, request_id) do update set value = excluded.value returning 1
    ),
    tags as (
      insert into trace_tags (request_id, key, value)
      select ${t.traceId}, k, v from unnest(${arrayParam(t.tags.map((x) => x.key), "varchar")}, ${arrayParam(t.tags.map((x) => x.value), "varchar")}) as x(k, v)
      where exists (select 1 from trace)
      on conflict (key, request_id) do update set value = excluded.value returning 1
    )
    select exists (select 1 from trace) as found, (select count(*) from metadata) + (select count(*) from tags) as written`);
  return Boolean(r.rows[0]?.found);
}
