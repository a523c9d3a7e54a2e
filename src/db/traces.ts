/**
 * SQL reading traces: trace_info rows with their tags, metadata and assessments as one JSON value
 * per trace (one statement for a page of any size), and a trace's spans. int8 values travel as
 * text inside the JSON (JSON numbers would round them past 2^53).
 */
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "./client";
import { arrayParam } from "../lib/sql";

export interface TraceInfoRow {
  requestId: string;
  experimentId: string;
  timestampMs: string;
  executionTimeMs: string | null;
  status: string;
  clientRequestId: string | null;
  requestPreview: string | null;
  responsePreview: string | null;
  traceName: string | null;
  sessionId: string | null;
  /** input, output, total, cache read, cache creation, cache creation above 1 h (text or null). */
  tokens: (string | null)[];
  costs: (number | null)[];
  tags: { key: string; value: string | null }[];
  metadata: { key: string; value: string | null }[];
  assessments: Record<string, unknown>[];
}

export interface StoredSpanRow {
  content: string;
  parentSpanId: string | null;
}

/** One trace_info row (`t`) as JSON, with its tags, metadata and assessments. */
export const TRACE_INFO_JSON = sql`json_build_object(
  'requestId', t.request_id, 'experimentId', t.experiment_id::text, 'timestampMs', t.timestamp_ms::text,
  'executionTimeMs', t.execution_time_ms::text, 'status', t.status, 'clientRequestId', t.client_request_id,
  'requestPreview', t.request_preview, 'responsePreview', t.response_preview, 'traceName', t.trace_name, 'sessionId', t.session_id,
  'tokens', json_build_array(t.input_tokens::text, t.output_tokens::text, t.total_tokens::text, t.cache_read_input_tokens::text,
                             t.cache_creation_input_tokens::text, t.cache_creation_input_tokens_above_1hr::text),
  'costs', json_build_array(t.input_cost, t.output_cost, t.total_cost),
  'tags', coalesce((select json_agg(json_build_object('key', g.key, 'value', g.value)) from trace_tags g
                    where g.request_id = t.request_id and g.key <> 'mlflow.traceName'), '[]'::json),
  'metadata', coalesce((select json_agg(json_build_object('key', m.key, 'value', m.value)) from trace_request_metadata m
                        where m.request_id = t.request_id
                          and m.key not in ('mlflow.trace.session', 'mlflow.trace.tokenUsage', 'mlflow.trace.cost')), '[]'::json),
  'assessments', coalesce((select json_agg(json_build_object(
      'assessment_id', a.assessment_id, 'trace_id', a.trace_id, 'name', a.name, 'assessment_type', a.assessment_type,
      'value', a.value, 'error', a.error, 'created_timestamp', a.created_timestamp::text,
      'last_updated_timestamp', a.last_updated_timestamp::text, 'source_type', a.source_type, 'source_id', a.source_id,
      'run_id', a.run_id, 'span_id', a.span_id, 'rationale', a.rationale, 'overrides', a.overrides, 'valid', a.valid,
      'assessment_metadata', a.assessment_metadata))
    from assessments a where a.trace_id = t.request_id), '[]'::json))`;

/** Trace infos by id, in the order asked (unknown ids skipped, duplicates once). */
export async function findTraceInfos(db: Db, traceIds: string[], experimentIds?: number[]): Promise<TraceInfoRow[]> {
  if (traceIds.length === 0) return [];
  const scope = experimentIds ? sql`and t.experiment_id = any(${arrayParam(experimentIds, "int")})` : sql``;
  const r = await db.execute<{ info: TraceInfoRow }>(sql`
    select ${TRACE_INFO_JSON} as info from trace_info t
    where t.request_id = any(${arrayParam(traceIds, "varchar")}) ${scope}
    order by array_position(${arrayParam(traceIds, "varchar")}, t.request_id)`);
  return r.rows.map((row) => row.info);
}

export interface TraceWithSpans {
  info: TraceInfoRow;
  /** Root spans first, then by start time (MLflow's order). */
  spans: StoredSpanRow[];
}

/** Traces with their stored spans, in the order asked, in one statement. */
export async function findTracesWithSpans(db: Db, traceIds: string[], experimentIds?: number[]): Promise<TraceWithSpans[]> {
  if (traceIds.length === 0) return [];
  const scope = experimentIds ? sql`and t.experiment_id = any(${arrayParam(experimentIds, "int")})` : sql``;
  const r = await db.execute<{ info: TraceInfoRow; spans: StoredSpanRow[] }>(sql`
    select ${TRACE_INFO_JSON} as info,
      coalesce((select json_agg(json_build_object('content', s.content, 'parentSpanId', s.parent_span_id)
                                order by s.parent_span_id is not null, s.start_time_unix_nano)
                from spans s where s.trace_id = t.request_id), '[]'::json) as spans
    from trace_info t
    where t.request_id = any(${arrayParam(traceIds, "varchar")}) ${scope}
    order by array_position(${arrayParam(traceIds, "varchar")}, t.request_id)`);
  return r.rows.map((row) => ({ info: row.info, spans: row.spans }));
}

/** One page of a trace search: the rows `where` keeps, in `orderBy` order. */
export async function searchTraceInfos(db: Db, where: SQL, orderBy: SQL[], offset: number, limit: number): Promise<TraceInfoRow[]> {
  // The page is cut first and only its rows are built into JSON; the outer query sorts those
  // few rows again (the inner order is not kept by a join-free outer select otherwise).
  const order = sql.join(orderBy, sql`, `);
  const r = await db.execute<{ info: TraceInfoRow }>(sql`
    select ${TRACE_INFO_JSON} as info
    from (select t.* from trace_info t where ${where} order by ${order} offset ${offset} limit ${limit}) t
    order by ${order}`);
  return r.rows.map((row) => row.info);
}
