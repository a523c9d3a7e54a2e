/**
 * SQL for span ingestion (OTLP `POST /v1/traces`): two round trips per request, whatever it holds.
 *
 *  1. `readIngestState` reads what MLflow's log_spans decides on: the traces that exist, their
 *     state (finalized by start_trace or not, previews and session set, where their spans live),
 *     the experiment when a trace has to be created, and for traces whose token usage or cost must
 *     be recomputed, the stored spans that carry usage or cost.
 *  2. `writeIngest` writes everything in one statement (trace rows, spans, tags, metadata,
 *     assessment timestamps, run links), but only if no trace changed since step 1: it locks the
 *     trace rows and compares their row versions (xmin) with those read. If another writer got in
 *     between, nothing is written and the caller starts over; a trace created concurrently makes
 *     the insert fail whole with a unique violation, which the caller retries the same way.
 */
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "./client";
import { arrayParam, textArrayFromJson } from "../lib/sql";

export interface ExistingTrace {
  traceId: string;
  experimentId: string;
  status: string;
  timestampMs: bigint;
  executionTimeMs: bigint | null;
  requestPreviewNull: boolean;
  responsePreviewNull: boolean;
  sessionIdNull: boolean;
  tokensSet: boolean;
  costsSet: boolean;
  finalized: boolean;
  hasUser: boolean;
  spansLocation: string | null;
  version: string;
  /** Stored spans carrying usage or cost: [span_id, parent_span_id, content]. */
  usageSpans: [string, string | null, string][];
}

export interface IngestState {
  experiment: { artifactLocation: string | null } | null;
  traces: Map<string, ExistingTrace>;
}

const big = (v: unknown): bigint => BigInt(String(v));

/** What log_spans decides on, as one JSON value (see IngestState). */
export interface StateQuery {
  traceIds: string[];
  /** Traces whose stored usage/cost spans are needed (the batch carries usage or cost for them). */
  recomputeIds: string[];
  experimentId: number | null;
}

function stateSql(q: StateQuery): SQL {
  return sql`json_build_object(
      'experiment', (select json_build_object('artifact_location', e.artifact_location) from experiments e where e.experiment_id = ${q.experimentId}::int),
      'traces', (select coalesce(json_agg(json_build_object(
        'id', t.request_id, 'experiment_id', t.experiment_id::text, 'status', t.status,
        'timestamp_ms', t.timestamp_ms::text, 'execution_time_ms', t.execution_time_ms::text,
        'no_request_preview', t.request_preview is null, 'no_response_preview', t.response_preview is null,
        'no_session', t.session_id is null,
        'tokens_set', coalesce(t.input_tokens, t.output_tokens, t.total_tokens, t.cache_read_input_tokens,
                               t.cache_creation_input_tokens, t.cache_creation_input_tokens_above_1hr) is not null,
        'costs_set', coalesce(t.input_cost, t.output_cost, t.total_cost) is not null,
        'finalized', exists (select 1 from trace_request_metadata m where m.request_id = t.request_id and m.key = 'mlflow.trace.infoFinalized'),
        'has_user', exists (select 1 from trace_request_metadata m where m.request_id = t.request_id and m.key = 'mlflow.trace.user'),
        'spans_location', (select g.value from trace_tags g where g.request_id = t.request_id and g.key = 'mlflow.trace.spansLocation'),
        'version', t.xmin::text,
        'usage_spans', case when t.request_id = any(${arrayParam(q.recomputeIds, "varchar")}) then
          (select coalesce(json_agg(json_build_array(s.span_id, s.parent_span_id, s.content)), '[]'::json) from spans s
           where s.trace_id = t.request_id
             and (strpos(s.content, '"mlflow.chat.tokenUsage"') > 0 or strpos(s.content, '"mlflow.llm.cost"') > 0))
          else '[]'::json end)), '[]'::json)
        from trace_info t where t.request_id = any(${arrayParam(q.traceIds, "varchar")})))`;
}

type StateJson = { experiment: { artifact_location: string | null } | null; traces: Record<string, unknown>[] };

function parseState(state: StateJson): IngestState {
  const traces = new Map<string, ExistingTrace>();
  for (const t of state.traces) {
    traces.set(String(t.id), {
      traceId: String(t.id),
      experimentId: String(t.experiment_id),
      status: String(t.status),
      timestampMs: big(t.timestamp_ms),
      executionTimeMs: t.execution_time_ms === null ? null : big(t.execution_time_ms),
      requestPreviewNull: Boolean(t.no_request_preview),
      responsePreviewNull: Boolean(t.no_response_preview),
      sessionIdNull: Boolean(t.no_session),
      tokensSet: Boolean(t.tokens_set),
      costsSet: Boolean(t.costs_set),
      finalized: Boolean(t.finalized),
      hasUser: Boolean(t.has_user),
      spansLocation: (t.spans_location as string | null) ?? null,
      version: String(t.version),
      usageSpans: t.usage_spans as [string, string | null, string][],
    });
  }
  return { experiment: state.experiment ? { artifactLocation: state.experiment.artifact_location } : null, traces };
}

export async function readIngestState(db: Db, q: StateQuery): Promise<IngestState> {
  const r = await db.execute<{ state: StateJson }>(sql`select ${stateSql(q)} as state`);
  return parseState(r.rows[0]!.state);
}

/** A trace row's final values after this batch (MLflow's column names). */
export interface TraceWrite {
  traceId: string;
  /** Whether this batch creates the trace (its artifact-location tag is derived in SQL). */
  created: boolean;
  timestampMs: bigint;
  /** `keep` leaves the stored duration alone. */
  executionTimeMs: bigint | null | "keep";
  status: string;
  /** null = keep what is stored. */
  requestPreview: string | null;
  responsePreview: string | null;
  traceName: string | null;
  sessionId: string | null;
  tokens: (bigint | null)[];
  costs: (number | null)[];
  /** Assessments follow the trace's timestamp when it moved. */
  timestampMoved: boolean;
}

export interface IngestWrite {
  experimentId: number;
  /**
   * The row versions read in step 1: the write applies only if the traces are still those. The
   * optimistic form `"all-new"` applies only if none of the batch's traces exists yet.
   */
  expected: { traceId: string; version: string }[] | "all-new";
  traces: TraceWrite[];
  spans: {
    traceId: string; spanId: string; parentSpanId: string | null; name: string; type: string | null; status: string;
    startNs: bigint; endNs: bigint; content: string; inputCost: number | null; outputCost: number | null; totalCost: number | null;
    modelName: string | null; modelProvider: string | null; experimentId: number;
  }[];
  tags: { traceId: string; key: string; value: string }[];
  users: { traceId: string; value: string }[];
  runLinks: { traceId: string; runId: string; associationId: string }[];
  now: number;
}

const col = <T>(rows: T[], f: (r: T) => unknown) => rows.map(f);

/**
 * Writes one batch. Returns ok=false when a trace changed since it was read (or, for `all-new`,
 * when some trace exists): nothing was written. With `state`, the answer also carries what step 1
 * reads, from the same snapshot, so a refused optimistic write costs no extra round trip.
 */
export async function writeIngest(db: Db, w: IngestWrite, state?: StateQuery): Promise<{ ok: boolean; state?: IngestState }> {
  const created = w.traces.filter((t) => t.created);
  const updated = w.traces.filter((t) => !t.created);
  const tokenCol = (rows: TraceWrite[], i: number) => arrayParam(col(rows, (t) => t.tokens[i] ?? null), "bigint");
  const costCol = (rows: TraceWrite[], i: number) => arrayParam(col(rows, (t) => t.costs[i] ?? null), "float8");
  const execOf = (t: TraceWrite) => (t.executionTimeMs === "keep" ? null : t.executionTimeMs);
  const all = w.traces.map((t) => t.traceId);
  const r = await db.execute<{ ok: boolean; state: unknown }>(sql`
    with ${guardSql(w.expected, all)},
    new_traces as (
      insert into trace_info (request_id, experiment_id, timestamp_ms, execution_time_ms, status, request_preview, response_preview,
        db_payload_generation, trace_name, session_id, input_tokens, output_tokens, total_tokens, cache_read_input_tokens,
        cache_creation_input_tokens, cache_creation_input_tokens_above_1hr, input_cost, output_cost, total_cost)
      select id, ${w.experimentId}::int, ts, exec, status, req, resp, 1, name, session, t0, t1, t2, t3, t4, t5, c0, c1, c2 from unnest(
        ${arrayParam(col(created, (t) => t.traceId), "varchar")}, ${arrayParam(col(created, (t) => t.timestampMs), "bigint")},
        ${arrayParam(col(created, execOf), "bigint")}, ${arrayParam(col(created, (t) => t.status), "varchar")},
        ${arrayParam(col(created, (t) => t.requestPreview), "varchar")}, ${arrayParam(col(created, (t) => t.responsePreview), "varchar")},
        ${arrayParam(col(created, (t) => t.traceName), "varchar")}, ${arrayParam(col(created, (t) => t.sessionId), "varchar")},
        ${tokenCol(created, 0)}, ${tokenCol(created, 1)}, ${tokenCol(created, 2)}, ${tokenCol(created, 3)}, ${tokenCol(created, 4)}, ${tokenCol(created, 5)},
        ${costCol(created, 0)}, ${costCol(created, 1)}, ${costCol(created, 2)}
      ) as t(id, ts, exec, status, req, resp, name, session, t0, t1, t2, t3, t4, t5, c0, c1, c2) where (select ok from guard)
      returning request_id
    ),
    changed_traces as (
      update trace_info t set
        timestamp_ms = u.ts, execution_time_ms = case when u.keep_exec then t.execution_time_ms else u.exec end, status = u.status,
        request_preview = coalesce(u.req, t.request_preview), response_preview = coalesce(u.resp, t.response_preview),
        trace_name = coalesce(u.name, t.trace_name), session_id = coalesce(t.session_id, u.session),
        input_tokens = coalesce(u.t0, t.input_tokens), output_tokens = coalesce(u.t1, t.output_tokens), total_tokens = coalesce(u.t2, t.total_tokens),
        cache_read_input_tokens = coalesce(u.t3, t.cache_read_input_tokens), cache_creation_input_tokens = coalesce(u.t4, t.cache_creation_input_tokens),
        cache_creation_input_tokens_above_1hr = coalesce(u.t5, t.cache_creation_input_tokens_above_1hr),
        input_cost = coalesce(u.c0, t.input_cost), output_cost = coalesce(u.c1, t.output_cost), total_cost = coalesce(u.c2, t.total_cost),
        db_payload_generation = t.db_payload_generation + 1
      from unnest(
        ${arrayParam(col(updated, (t) => t.traceId), "varchar")}, ${arrayParam(col(updated, (t) => t.timestampMs), "bigint")},
        ${arrayParam(col(updated, (t) => t.executionTimeMs === "keep"), "boolean")}, ${arrayParam(col(updated, execOf), "bigint")},
        ${arrayParam(col(updated, (t) => t.status), "varchar")}, ${arrayParam(col(updated, (t) => t.requestPreview), "varchar")},
        ${arrayParam(col(updated, (t) => t.responsePreview), "varchar")}, ${arrayParam(col(updated, (t) => t.traceName), "varchar")},
        ${arrayParam(col(updated, (t) => t.sessionId), "varchar")},
        ${tokenCol(updated, 0)}, ${tokenCol(updated, 1)}, ${tokenCol(updated, 2)}, ${tokenCol(updated, 3)}, ${tokenCol(updated, 4)}, ${tokenCol(updated, 5)},
        ${costCol(updated, 0)}, ${costCol(updated, 1)}, ${costCol(updated, 2)}
      ) as u(id, ts, keep_exec, exec, status, req, resp, name, session, t0, t1, t2, t3, t4, t5, c0, c1, c2)
      where t.request_id = u.id and (select ok from guard)
      returning t.request_id
    ),
    moved_assessments as (
      update assessments a set trace_timestamp_ms = u.ts
      from unnest(${arrayParam(col(updated.filter((t) => t.timestampMoved), (t) => t.traceId), "varchar")},
                  ${arrayParam(col(updated.filter((t) => t.timestampMoved), (t) => t.timestampMs), "bigint")}) as u(id, ts)
      where a.trace_id = u.id and (select ok from guard)
      returning 1
    ),
    new_spans as (
      insert into spans (trace_id, experiment_id, span_id, parent_span_id, name, type, status, start_time_unix_nano, end_time_unix_nano,
        content, input_cost, output_cost, total_cost, model_name, model_provider)
      select * from unnest(
        ${arrayParam(col(w.spans, (s) => s.traceId), "varchar")}, ${arrayParam(col(w.spans, (s) => s.experimentId), "int")},
        ${arrayParam(col(w.spans, (s) => s.spanId), "varchar")}, ${arrayParam(col(w.spans, (s) => s.parentSpanId), "varchar")},
        ${arrayParam(col(w.spans, (s) => s.name), "text")}, ${arrayParam(col(w.spans, (s) => s.type), "varchar")},
        ${arrayParam(col(w.spans, (s) => s.status), "varchar")}, ${arrayParam(col(w.spans, (s) => s.startNs), "bigint")},
        ${arrayParam(col(w.spans, (s) => s.endNs), "bigint")}, ${textArrayFromJson(w.spans.map((s) => s.content))},
        ${arrayParam(col(w.spans, (s) => s.inputCost), "float8")}, ${arrayParam(col(w.spans, (s) => s.outputCost), "float8")},
        ${arrayParam(col(w.spans, (s) => s.totalCost), "float8")}, ${arrayParam(col(w.spans, (s) => s.modelName), "varchar")},
        ${arrayParam(col(w.spans, (s) => s.modelProvider), "varchar")}
      ) where (select ok from guard)
      on conflict (trace_id, span_id) do update set experiment_id = excluded.experiment_id, parent_span_id = excluded.parent_span_id,
        name = excluded.name, type = excluded.type, status = excluded.status, start_time_unix_nano = excluded.start_time_unix_nano,
        end_time_unix_nano = excluded.end_time_unix_nano, content = excluded.content, input_cost = excluded.input_cost,
        output_cost = excluded.output_cost, total_cost = excluded.total_cost, model_name = excluded.model_name, model_provider = excluded.model_provider
      returning 1
    ),
    artifact_tags as (
      insert into trace_tags (request_id, key, value)
      select n.request_id, 'mlflow.artifactLocation',
             regexp_replace(coalesce(e.artifact_location, ''), '/+$', '') || '/traces/' || n.request_id || '/artifacts'
      from new_traces n, experiments e where e.experiment_id = ${w.experimentId}::int
      returning 1
    ),
    new_tags as (
      insert into trace_tags (request_id, key, value)
      select * from unnest(${arrayParam(col(w.tags, (t) => t.traceId), "varchar")}, ${arrayParam(col(w.tags, (t) => t.key), "varchar")},
                           ${arrayParam(col(w.tags, (t) => t.value), "varchar")}) where (select ok from guard)
      on conflict (key, request_id) do update set value = excluded.value
      returning 1
    ),
    new_users as (
      insert into trace_request_metadata (request_id, key, value)
      select u.id, 'mlflow.trace.user', u.v from unnest(${arrayParam(col(w.users, (u) => u.traceId), "varchar")}, ${arrayParam(col(w.users, (u) => u.value), "varchar")}) as u(id, v)
      where (select ok from guard)
      on conflict (key, request_id) do nothing
      returning 1
    ),
    new_links as (
      insert into entity_associations (association_id, source_type, source_id, destination_type, destination_id, created_time)
      select l.aid, 'trace', l.id, 'run', l.run, ${w.now}::bigint
      from unnest(${arrayParam(col(w.runLinks, (l) => l.associationId), "varchar")}, ${arrayParam(col(w.runLinks, (l) => l.traceId), "varchar")},
                  ${arrayParam(col(w.runLinks, (l) => l.runId), "varchar")}) as l(aid, id, run)
      where (select ok from guard)
      on conflict do nothing
      returning 1
    )
    select (select ok from guard) as ok, ${state ? sql`${stateSql(state)}` : sql`null`} as state,
      (select count(*) from new_traces) + (select count(*) from changed_traces) + (select count(*) from artifact_tags)
        + (select count(*) from moved_assessments) + (select count(*) from new_spans) + (select count(*) from new_tags)
        + (select count(*) from new_users) + (select count(*) from new_links) as written`);
  const row = r.rows[0]!;
  return { ok: Boolean(row.ok), state: state ? parseState(row.state as unknown as StateJson) : undefined };
}

/**
 * The write's condition. Against versions read: lock the rows and compare their xmin (any writer
 * of a trace changes its row). All-new: no row exists in the snapshot (one created since makes
 * the insert fail with a unique violation, and the caller starts over).
 */
function guardSql(expected: IngestWrite["expected"], all: string[]): SQL {
  if (expected === "all-new") {
    return sql`guard as (select not exists (select 1 from trace_info where request_id = any(${arrayParam(all, "varchar")})) as ok)`;
  }
  return sql`locked as (
      select request_id, xmin::text as version from trace_info where request_id = any(${arrayParam(all, "varchar")}) for update
    ),
    guard as (
      select count(*) = ${expected.length} and count(*) filter (where (request_id, version) in (
        select * from unnest(${arrayParam(col(expected, (e) => e.traceId), "varchar")}, ${arrayParam(col(expected, (e) => e.version), "text")}))) = ${expected.length} as ok
      from locked
    )`;
}
