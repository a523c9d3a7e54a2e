/**
 * SQL for runs and everything logged to them. Writes are single statements built from CTEs, so a
 * request costs one round trip and is atomic without an interactive transaction: either every row
 * of a batch lands or none does.
 */
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "./client";
import { int8Column, type Int64 } from "../lib/int64";
import { retryOnUniqueRace } from "./races";
import { arrayParam } from "../lib/sql";

/** A metric's latest value or one point of its history. */
export interface MetricRow {
  key: string;
  value: number;
  timestamp: Int64 | null;
  step: Int64;
  isNan: boolean;
}

/** A run with everything logged to it. */
export interface RunDetails {
  run: RunRow;
  metrics: MetricRow[];
  params: { key: string; value: string }[];
  tags: { key: string; value: string | null }[];
  datasetInputs: {
    tags: { key: string; value: string }[];
    dataset: { name: string; digest: string; sourceType: string; source: string; schema: string | null; profile: string | null };
  }[];
  /** MLflow 3 logged models the run used (GetRun only) and produced. */
  modelInputs?: { model_id: string }[];
  modelOutputs?: { model_id: string; step: Int64 }[];
}

export interface RunRow {
  runUuid: string;
  name: string | null;
  userId: string | null;
  status: string | null;
  startTime: Int64 | null;
  endTime: Int64 | null;
  artifactUri: string | null;
  lifecycleStage: string | null;
  experimentId: number;
}


function toRunRow(r: Record<string, unknown>): RunRow {
  return {
    runUuid: r.run_uuid as string,
    name: (r.name as string | null) ?? null,
    userId: (r.user_id as string | null) ?? null,
    status: (r.status as string | null) ?? null,
    startTime: int8Column(r.start_time),
    endTime: int8Column(r.end_time),
    artifactUri: (r.artifact_uri as string | null) ?? null,
    lifecycleStage: (r.lifecycle_stage as string | null) ?? null,
    experimentId: Number(r.experiment_id),
  };
}

export interface NewRun {
  runId: string;
  experimentId: number;
  name: string;
  userId: string;
  startTime: Int64;
  tags: { key: string; value: string }[];
}

/**
 * Creates a run in an active experiment, with its tags. Returns the experiment's stage (undefined
 * when it does not exist) and the new run's artifact URI when the run was created.
 */
export async function insertRun(db: Db, r: NewRun): Promise<{ stage: string | undefined; artifactUri: string | null }> {
  const result = await db.execute<{ stage: string | null; artifact_uri: string | null }>(sql`
    with exp as (
      select experiment_id, lifecycle_stage, artifact_location from experiments where experiment_id = ${r.experimentId}
    ),
    new_run as (
      insert into runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status, start_time,
                        end_time, source_version, lifecycle_stage, artifact_uri, experiment_id, deleted_time)
      select ${r.runId}, ${r.name}, 'UNKNOWN', '', '', ${r.userId}, 'RUNNING', ${r.startTime}, null, '', 'active',
             regexp_replace(coalesce(artifact_location, ''), '/+$', '') || '/' || ${r.runId} || '/artifacts',
             experiment_id, null
      from exp where lifecycle_stage = 'active'
      returning artifact_uri
    ),
    new_tags as (
      insert into tags (key, value, run_uuid)
      select k, v, ${r.runId} from unnest(${arrayParam(r.tags.map((t) => t.key), "varchar")}, ${arrayParam(r.tags.map((t) => t.value), "varchar")}) as t(k, v)
      where exists (select 1 from new_run)
      returning 1
    )
    select (select lifecycle_stage from exp) as stage, (select artifact_uri from new_run) as artifact_uri,
           (select count(*) from new_tags) as tag_count`);
  const row = result.rows[0];
  return { stage: row?.stage ?? undefined, artifactUri: row?.artifact_uri ?? null };
}

/**
 * Select list of a run with its latest metrics, params, tags and dataset inputs as JSON, over the
 * unaliased `runs` table, so one statement returns whole runs (get-run and search pages alike).
 */
export const RUN_DETAILS_COLUMNS = sql`
  runs.run_uuid, runs.name, runs.user_id, runs.status, runs.start_time, runs.end_time, runs.artifact_uri,
  runs.lifecycle_stage, runs.experiment_id,
  coalesce((select json_agg(json_build_object('key', m.key, 'value', m.value, 'timestamp', m.timestamp::text, 'step', m.step::text, 'isNan', m.is_nan))
            from latest_metrics m where m.run_uuid = runs.run_uuid), '[]'::json) as metrics,
  coalesce((select json_agg(json_build_object('key', p.key, 'value', p.value))
            from params p where p.run_uuid = runs.run_uuid), '[]'::json) as params,
  coalesce((select json_agg(json_build_object('key', t.key, 'value', t.value))
            from tags t where t.run_uuid = runs.run_uuid), '[]'::json) as tags,
  coalesce((select json_agg(json_build_object(
              'tags', coalesce((select json_agg(json_build_object('key', it.name, 'value', it.value))
                                from input_tags it where it.input_uuid = i.input_uuid), '[]'::json),
              'dataset', json_build_object('name', d.name, 'digest', d.digest, 'sourceType', d.dataset_source_type,
                                           'source', d.dataset_source, 'schema', d.dataset_schema, 'profile', d.dataset_profile)))
            from inputs i join datasets d on d.dataset_uuid = i.source_id
            where i.destination_type = 'RUN' and i.destination_id = runs.run_uuid and i.source_type = 'DATASET'), '[]'::json) as dataset_inputs,
  coalesce((select json_agg(json_build_object('model_id', o.destination_id, 'step', o.step::text))
            from inputs o where o.source_type = 'RUN_OUTPUT' and o.source_id = runs.run_uuid and o.destination_type = 'MODEL_OUTPUT'), '[]'::json) as model_outputs`;

/** int8 values inside the JSON aggregates arrive as text (JSON numbers would round past 2^53). */
const exactMetric = (m: Record<string, unknown>): MetricRow => ({
  key: m.key as string,
  value: Number(m.value),
  timestamp: int8Column(m.timestamp),
  step: int8Column(m.step) ?? 0,
  isNan: Boolean(m.isNan),
});

export function toRunDetails(row: Record<string, unknown>): RunDetails {
  return {
    run: toRunRow(row),
    metrics: (row.metrics as Record<string, unknown>[]).map(exactMetric),
    params: row.params as RunDetails["params"],
    tags: row.tags as RunDetails["tags"],
    datasetInputs: row.dataset_inputs as RunDetails["datasetInputs"],
    modelOutputs: (row.model_outputs as { model_id: string; step: string }[]).map((o) => ({ model_id: o.model_id, step: int8Column(o.step) ?? 0 })),
    ...(row.model_inputs ? { modelInputs: row.model_inputs as RunDetails["modelInputs"] } : {}),
  };
}

/** The run with everything logged to it, in one query. */
export async function findRunDetails(db: Db, runId: string): Promise<RunDetails | undefined> {
  // GetRun also lists the logged models the run used (search results do not, as in MLflow).
  const result = await db.execute<Record<string, unknown>>(sql`select ${RUN_DETAILS_COLUMNS},
    coalesce((select json_agg(json_build_object('model_id', mi.destination_id)) from inputs mi
              where mi.source_type = 'RUN_INPUT' and mi.source_id = runs.run_uuid and mi.destination_type = 'MODEL_INPUT'), '[]'::json) as model_inputs
    from runs where runs.run_uuid = ${runId}`);
  const row = result.rows[0];
  return row ? toRunDetails(row) : undefined;
}

export interface RunInfoUpdate {
  status?: string;
  endTime?: Int64;
  name?: string;
}

/** Updates an active run's status, end time and name (keeping the mlflow.runName tag in step). */
export async function updateRunInfo(db: Db, runId: string, u: RunInfoUpdate): Promise<{ stage: string | undefined; run: RunRow | undefined }> {
  const result = await db.execute<Record<string, unknown>>(sql`
    with current as (select run_uuid, lifecycle_stage from runs where run_uuid = ${runId}),
    updated as (
      update runs set
        status = coalesce(${u.status ?? null}::varchar, status),
        end_time = coalesce(${u.endTime ?? null}::bigint, end_time),
        name = coalesce(${u.name ?? null}::varchar, name)
      where run_uuid = ${runId} and lifecycle_stage = 'active'
      returning *
    ),
    name_tag as (
      insert into tags (key, value, run_uuid)
      select 'mlflow.runName', ${u.name ?? null}::varchar, run_uuid from updated where ${u.name ?? null}::varchar is not null
      on conflict (key, run_uuid) do update set value = excluded.value
      returning 1
    )
    select (select lifecycle_stage from current) as current_stage, updated.*, (select count(*) from name_tag) as tagged
    from (select 1) one left join updated on true`);
  const row = result.rows[0];
  return {
    stage: (row?.current_stage as string | null) ?? undefined,
    run: row?.run_uuid ? toRunRow(row) : undefined,
  };
}

/** Soft-deletes or restores a run; returns false when the run does not exist. */
export async function setRunLifecycle(db: Db, runId: string, stage: "active" | "deleted", now: number | null): Promise<boolean> {
  const result = await db.execute(sql`
    update runs set lifecycle_stage = ${stage}, deleted_time = ${stage === "deleted" ? now : null}::bigint
    where run_uuid = ${runId} returning run_uuid`);
  return result.rows.length > 0;
}

export interface BatchMetric {
  key: string;
  value: number;
  timestamp: Int64;
  step: Int64;
  isNan: boolean;
}

export interface Batch {
  metrics: BatchMetric[];
  params: { key: string; value: string }[];
  /** Unique keys; the last value given for a key wins. */
  tags: { key: string; value: string }[];
}

export interface BatchOutcome {
  /** The run's lifecycle stage, undefined when the run does not exist. Nothing was written unless 'active'. */
  stage: string | undefined;
  /** Params already logged with another value; when non-empty nothing was written. */
  conflicts: { key: string; old_value: string; new_value: string }[];
}

/**
 * Writes metrics, params and tags to an active run in one statement. Retries are harmless: exact
 * duplicate metrics and same-valued params are ignored, tags are upserts, latest_metrics only
 * moves forward in (step, timestamp, value) order as in MLflow.
 *
 * Params are immutable, and the statement decides from its snapshot. A param that is new in the
 * snapshot is inserted without ON CONFLICT, so when a concurrent request inserted the same key
 * first, this statement fails whole (unique violation: nothing of the batch is written) and runs
 * again, now seeing that param: the same value is a no-op, another value a conflict to report.
 * Nothing acknowledged is ever silently discarded.
 */
export function writeBatch(db: Db, runId: string, b: Batch): Promise<BatchOutcome> {
  if (b.params.length === 0 && b.tags.length === 0) return writeMetricsOnly(db, runId, b.metrics);
  return retryOnUniqueRace(() => writeBatchOnce(db, runId, b));
}

/**
 * The metric CTEs of a write (`batch_metrics`, `new_metrics`, `newest`, `latest`), gated by an
 * `ok` CTE the statement defines: exact duplicates are ignored, and latest_metrics only moves
 * forward in (step, timestamp, value) order, as in MLflow.
 */
function metricCtes(runId: string, metrics: BatchMetric[]): SQL {
  return sql`
    batch_metrics as (
      select k as key, v as value, ts, st as step, nan as is_nan
      from unnest(${arrayParam(metrics.map((m) => m.key), "varchar")}, ${arrayParam(metrics.map((m) => m.value), "float8")},
                  ${arrayParam(metrics.map((m) => m.timestamp), "bigint")}, ${arrayParam(metrics.map((m) => m.step), "bigint")},
                  ${arrayParam(metrics.map((m) => m.isNan), "boolean")}) as t(k, v, ts, st, nan)
    ),
    new_metrics as (
      insert into metrics (key, value, timestamp, run_uuid, step, is_nan)
      select key, value, ts, ${runId}, step, is_nan from batch_metrics where exists (select 1 from ok)
      on conflict do nothing
      returning 1
    ),
    newest as (
      select distinct on (key) key, value, ts, step, is_nan from batch_metrics
      order by key, step desc, ts desc, value desc
    ),
    latest as (
      insert into latest_metrics (key, value, timestamp, step, is_nan, run_uuid)
      select key, value, ts, step, is_nan, ${runId} from newest where exists (select 1 from ok)
      on conflict (key, run_uuid) do update
        set value = excluded.value, timestamp = excluded.timestamp, step = excluded.step, is_nan = excluded.is_nan
        where (excluded.step, excluded.timestamp, excluded.value) > (latest_metrics.step, latest_metrics.timestamp, latest_metrics.value)
      returning 1
    )`;
}

/**
 * Metrics alone (log-metric, and the clients' metric-only log-batch calls): the same writes as
 * writeBatchOnce without its param and tag CTEs, which Postgres would plan on every request for
 * nothing (planning the whole batch statement took about twice as long as this one). No param is
 * written, so there is no unique race to retry.
 */
async function writeMetricsOnly(db: Db, runId: string, metrics: BatchMetric[]): Promise<BatchOutcome> {
  const result = await db.execute<{ stage: string | null }>(sql`
    with run as (select lifecycle_stage from runs where run_uuid = ${runId}),
    ok as (select 1 from run where lifecycle_stage = 'active'),
    ${metricCtes(runId, metrics)}
    select (select lifecycle_stage from run) as stage, (select count(*) from new_metrics) + (select count(*) from latest) as written`);
  return { stage: result.rows[0]?.stage ?? undefined, conflicts: [] };
}

async function writeBatchOnce(db: Db, runId: string, b: Batch): Promise<BatchOutcome> {
  const runName = b.tags.find((t) => t.key === "mlflow.runName")?.value ?? null;
  const result = await db.execute<{ stage: string | null; conflicts: BatchOutcome["conflicts"] | null }>(sql`
    with run as (select lifecycle_stage from runs where run_uuid = ${runId}),
    batch_params as (
      select k as key, v as value from unnest(${arrayParam(b.params.map((p) => p.key), "varchar")}, ${arrayParam(b.params.map((p) => p.value), "varchar")}) as t(k, v)
    ),
    conflicts as (
      select p.key, p.value as old_value, bp.value as new_value
      from params p join batch_params bp on p.key = bp.key
      where p.run_uuid = ${runId} and p.value <> bp.value
    ),
    ok as (select 1 from run where lifecycle_stage = 'active' and not exists (select 1 from conflicts)),
    new_params as (
      insert into params (key, value, run_uuid)
      select key, value, ${runId} from batch_params bp
      where exists (select 1 from ok) and not exists (select 1 from params p where p.run_uuid = ${runId} and p.key = bp.key)
      returning 1
    ),
    new_tags as (
      insert into tags (key, value, run_uuid)
      select k, v, ${runId} from unnest(${arrayParam(b.tags.map((t) => t.key), "varchar")}, ${arrayParam(b.tags.map((t) => t.value), "varchar")}) as t(k, v)
      where exists (select 1 from ok)
      on conflict (key, run_uuid) do update set value = excluded.value
      returning 1
    ),
    renamed as (
      update runs set name = ${runName}::varchar
      where run_uuid = ${runId} and ${runName}::varchar is not null and exists (select 1 from ok)
      returning 1
    ),
    ${metricCtes(runId, b.metrics)}
    select (select lifecycle_stage from run) as stage,
           (select json_agg(json_build_object('key', key, 'old_value', old_value, 'new_value', new_value)) from conflicts) as conflicts,
           (select count(*) from new_params) + (select count(*) from new_tags) + (select count(*) from renamed)
             + (select count(*) from new_metrics) + (select count(*) from latest) as written`);
  const row = result.rows[0];
  return { stage: row?.stage ?? undefined, conflicts: row?.conflicts ?? [] };
}

/** Deletes one tag of an active run. */
export async function deleteRunTag(db: Db, runId: string, key: string): Promise<{ stage: string | undefined; deleted: boolean }> {
  const result = await db.execute<{ stage: string | null; n: string | number }>(sql`
    with run as (select lifecycle_stage from runs where run_uuid = ${runId}),
    removed as (
      delete from tags where run_uuid = ${runId} and key = ${key}
        and exists (select 1 from run where lifecycle_stage = 'active')
      returning 1
    )
    select (select lifecycle_stage from run) as stage, (select count(*) from removed) as n`);
  const row = result.rows[0];
  return { stage: row?.stage ?? undefined, deleted: Number(row?.n ?? 0) > 0 };
}

export interface RunsPageQuery {
  where: SQL | undefined;
  /** LEFT JOINs the ordering needs (src/search/sql.ts runOrderByToSql). */
  joins: SQL;
  orderBy: SQL[];
  offset: number;
  /** Rows to fetch (callers ask for one more than the page size to detect a next page). */
  limit: number | null;
  stages: string[];
}

/**
 * `column = value` for one value, `column = any(array)` otherwise. Postgres 15 cannot read an index
 * in order under `= any(...)`, so the common single-experiment search would sort every run of the
 * experiment instead of walking edge_runs_experiment_start_time (see schema/additions.ts).
 */
function oneOf(column: SQL, values: readonly (string | number)[], type: "int" | "varchar"): SQL {
  return values.length === 1 ? sql`${column} = ${values[0]}` : sql`${column} = any(${arrayParam([...values], type)})`;
}

/** One page of search_runs: filter, order, offset and limit, with each run's details, in one statement. */
export async function searchRunsPage(db: Db, experimentIds: number[], q: RunsPageQuery): Promise<RunDetails[]> {
  const where = q.where ? sql`and (${q.where})` : sql``;
  const result = await db.execute<Record<string, unknown>>(sql`
    select ${RUN_DETAILS_COLUMNS} from runs ${q.joins}
    where ${oneOf(sql`runs.experiment_id`, experimentIds, "int")}
      and ${oneOf(sql`runs.lifecycle_stage`, q.stages, "varchar")} ${where}
    order by ${sql.join(q.orderBy, sql`, `)}
    offset ${q.offset} ${q.limit === null ? sql`` : sql`limit ${q.limit}`}`);
  return result.rows.map(toRunDetails);
}
