/**
 * SQL for MLflow 3 logged models: creation inside an active experiment, reads with tags, params
 * and metrics, finalisation, soft deletion, tags, params, search and metrics linked to models.
 * Each function is one statement.
 */
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "./client";
import type { Int64 } from "../lib/int64";
import { arrayParam } from "../lib/sql";

export interface LoggedModelJson {
  model_id: string;
  experiment_id: number;
  name: string;
  artifact_location: string;
  creation_timestamp_ms: number;
  last_updated_timestamp_ms: number;
  status: number;
  lifecycle_stage: string | null;
  model_type: string | null;
  source_run_id: string | null;
  status_message: string | null;
  tags: { key: string; value: string }[];
  params: { key: string; value: string }[];
  metrics: {
    key: string;
    value: number | null;
    timestamp: number;
    step: number;
    model_id: string;
    dataset_name: string | null;
    dataset_digest: string | null;
    run_id: string;
  }[];
}

/** A logged model row (alias `lm`) as JSON with its tags, params and metrics. */
export function loggedModelJson(alias: string): SQL {
  const t = sql.raw(alias);
  return sql`json_build_object(
    'model_id', ${t}.model_id, 'experiment_id', ${t}.experiment_id, 'name', ${t}.name,
    'artifact_location', ${t}.artifact_location, 'creation_timestamp_ms', ${t}.creation_timestamp_ms,
    'last_updated_timestamp_ms', ${t}.last_updated_timestamp_ms, 'status', ${t}.status,
    'lifecycle_stage', ${t}.lifecycle_stage, 'model_type', ${t}.model_type, 'source_run_id', ${t}.source_run_id,
    'status_message', ${t}.status_message,
    'tags', coalesce((select json_agg(json_build_object('key', x.tag_key, 'value', x.tag_value) order by x.tag_key)
                      from logged_model_tags x where x.model_id = ${t}.model_id), '[]'::json),
    'params', coalesce((select json_agg(json_build_object('key', x.param_key, 'value', x.param_value) order by x.param_key)
                        from logged_model_params x where x.model_id = ${t}.model_id), '[]'::json),
    'metrics', coalesce((select json_agg(json_build_object('key', x.metric_name, 'value', x.metric_value,
                           'timestamp', x.metric_timestamp_ms, 'step', x.metric_step, 'model_id', x.model_id,
                           'dataset_name', x.dataset_name, 'dataset_digest', x.dataset_digest, 'run_id', x.run_id)
                           order by x.metric_name, x.metric_step, x.metric_timestamp_ms)
                         from logged_model_metrics x where x.model_id = ${t}.model_id), '[]'::json))`;
}

export interface NewLoggedModel {
  modelId: string;
  experimentId: number;
  name: string;
  modelType: string | null;
  sourceRunId: string | null;
  params: { key: string; value: string }[];
  tags: { key: string; value: string }[];
  now: number;
}

/**
 * Creates a PENDING model under `<experiment artifact location>/models/<id>/artifacts`. Returns the
 * experiment's stage (undefined when missing); the model exists only if that stage is 'active'.
 */
export async function insertLoggedModel(db: Db, m: NewLoggedModel): Promise<{ stage: string | undefined; model?: LoggedModelJson }> {
  const result = await db.execute<{ stage: string | null; lm: LoggedModelJson | null }>(sql`
    with exp as (select experiment_id, lifecycle_stage, artifact_location from experiments where experiment_id = ${m.experimentId}),
    lm as (
      insert into logged_models (model_id, experiment_id, name, artifact_location, creation_timestamp_ms, last_updated_timestamp_ms,
                                 status, lifecycle_stage, model_type, source_run_id, status_message)
      select ${m.modelId}, experiment_id, ${m.name},
             regexp_replace(coalesce(artifact_location, ''), '/+$', '') || '/models/' || ${m.modelId} || '/artifacts',
             ${m.now}, ${m.now}, 1, 'active', ${m.modelType}, ${m.sourceRunId}, null
      from exp where lifecycle_stage = 'active'
      returning *
    ),
    params as (
      insert into logged_model_params (model_id, experiment_id, param_key, param_value)
      select lm.model_id, lm.experiment_id, k, v
      from lm, unnest(${arrayParam(m.params.map((p) => p.key), "varchar")}, ${arrayParam(m.params.map((p) => p.value), "text")}) as t(k, v)
      returning param_key as key, param_value as value
    ),
    tags as (
      insert into logged_model_tags (model_id, experiment_id, tag_key, tag_value)
      select lm.model_id, lm.experiment_id, k, v
      from lm, unnest(${arrayParam(m.tags.map((p) => p.key), "varchar")}, ${arrayParam(m.tags.map((p) => p.value), "text")}) as t(k, v)
      returning tag_key as key, tag_value as value
    )
    select (select lifecycle_stage from exp) as stage,
      (select json_build_object('model_id', lm.model_id, 'experiment_id', lm.experiment_id, 'name', lm.name,
         'artifact_location', lm.artifact_location, 'creation_timestamp_ms', lm.creation_timestamp_ms,
         'last_updated_timestamp_ms', lm.last_updated_timestamp_ms, 'status', lm.status, 'lifecycle_stage', lm.lifecycle_stage,
         'model_type', lm.model_type, 'source_run_id', lm.source_run_id, 'status_message', lm.status_message,
         'tags', coalesce((select json_agg(json_build_object('key', key, 'value', value) order by key) from tags), '[]'::json),
         'params', coalesce((select json_agg(json_build_object('key', key, 'value', value) order by key) from params), '[]'::json),
         'metrics', '[]'::json) from lm) as lm`);
  const row = result.rows[0];
  return { stage: row?.stage ?? undefined, model: row?.lm ?? undefined };
}

export async function findLoggedModel(db: Db, modelId: string, allowDeleted: boolean): Promise<LoggedModelJson | undefined> {
  const result = await db.execute<{ lm: LoggedModelJson }>(sql`
    select ${loggedModelJson("lm")} as lm from logged_models lm
    where lm.model_id = ${modelId} and (${allowDeleted} or lm.lifecycle_stage <> 'deleted')`);
  return result.rows[0]?.lm;
}

/** Sets the status (MLflow allows this on deleted models too). */
export async function finalizeLoggedModel(db: Db, modelId: string, status: number, now: number): Promise<LoggedModelJson | undefined> {
  const result = await db.execute<{ lm: LoggedModelJson }>(sql`
    with lm as (
      update logged_models set status = ${status}, last_updated_timestamp_ms = ${now} where model_id = ${modelId} returning *
    )
    select ${loggedModelJson("lm")} as lm from lm`);
  return result.rows[0]?.lm;
}

export async function softDeleteLoggedModel(db: Db, modelId: string, now: number): Promise<boolean> {
  const result = await db.execute(sql`
    update logged_models set lifecycle_stage = 'deleted', last_updated_timestamp_ms = ${now} where model_id = ${modelId} returning 1`);
  return result.rows.length > 0;
}

/** Upserts tags (unique keys); false when the model does not exist. */
export async function upsertLoggedModelTags(db: Db, modelId: string, tags: { key: string; value: string }[]): Promise<boolean> {
  const result = await db.execute<{ found: boolean }>(sql`
    with lm as (select model_id, experiment_id from logged_models where model_id = ${modelId}),
    tags as (
      insert into logged_model_tags (model_id, experiment_id, tag_key, tag_value)
      select lm.model_id, lm.experiment_id, k, v
      from lm, unnest(${arrayParam(tags.map((t) => t.key), "varchar")}, ${arrayParam(tags.map((t) => t.value), "text")}) as t(k, v)
      on conflict (model_id, tag_key) do update set tag_value = excluded.tag_value
      returning 1
    )
    select exists (select 1 from lm) as found, (select count(*) from tags) as n`);
  return result.rows[0]!.found;
}

export async function deleteLoggedModelTag(db: Db, modelId: string, key: string): Promise<{ found: boolean; deleted: boolean }> {
  const result = await db.execute<{ found: boolean; n: string | number }>(sql`
    with removed as (delete from logged_model_tags where model_id = ${modelId} and tag_key = ${key} returning 1)
    select exists (select 1 from logged_models where model_id = ${modelId}) as found, (select count(*) from removed) as n`);
  const row = result.rows[0]!;
  return { found: row.found, deleted: Number(row.n) > 0 };
}

/** Adds params (unique keys); a key logged before keeps its first value. False when no such model. */
export async function insertLoggedModelParams(db: Db, modelId: string, params: { key: string; value: string }[]): Promise<boolean> {
  const result = await db.execute<{ found: boolean }>(sql`
    with lm as (select model_id, experiment_id from logged_models where model_id = ${modelId}),
    params as (
      insert into logged_model_params (model_id, experiment_id, param_key, param_value)
      select lm.model_id, lm.experiment_id, k, v
      from lm, unnest(${arrayParam(params.map((t) => t.key), "varchar")}, ${arrayParam(params.map((t) => t.value), "text")}) as t(k, v)
      on conflict (model_id, param_key) do nothing
      returning 1
    )
    select exists (select 1 from lm) as found, (select count(*) from params) as n`);
  return result.rows[0]!.found;
}

/** One page of search results; `where` and `orderBy` come from src/db/logged-model-search.ts. */
export async function searchLoggedModels(db: Db, q: { where: SQL; orderBy: SQL; limit: number; offset: number }): Promise<LoggedModelJson[]> {
  const result = await db.execute<{ lm: LoggedModelJson }>(sql`
    select ${loggedModelJson("lm")} as lm from logged_models lm
    where ${q.where}
    order by ${q.orderBy}
    limit ${q.limit} offset ${q.offset}`);
  return result.rows.map((r) => r.lm);
}

export interface ModelMetric {
  modelId: string;
  key: string;
  value: number;
  timestamp: Int64;
  step: Int64;
  datasetName: string | null;
  datasetDigest: string | null;
}

/**
 * Links metrics logged to an active run with the models named in them (logged_model_metrics,
 * experiment = the run's). Exact repeats are ignored; metrics naming an unknown model are skipped.
 * Returns the run's lifecycle stage (undefined when the run does not exist).
 */
export async function insertModelMetrics(db: Db, runId: string, metrics: ModelMetric[]): Promise<string | undefined> {
  const result = await db.execute<{ stage: string | null }>(sql`
    with run as (select experiment_id, lifecycle_stage from runs where run_uuid = ${runId}),
    batch as (
      select * from unnest(${arrayParam(metrics.map((m) => m.modelId), "varchar")}, ${arrayParam(metrics.map((m) => m.key), "varchar")},
                           ${arrayParam(metrics.map((m) => m.value), "float8")}, ${arrayParam(metrics.map((m) => m.timestamp), "bigint")},
                           ${arrayParam(metrics.map((m) => m.step), "bigint")}, ${arrayParam(metrics.map((m) => m.datasetName), "varchar")},
                           ${arrayParam(metrics.map((m) => m.datasetDigest), "varchar")}) as t(model_id, k, v, ts, st, dn, dd)
    ),
    inserted as (
      insert into logged_model_metrics (model_id, metric_name, metric_timestamp_ms, metric_step, metric_value, experiment_id, run_id,
                                        dataset_uuid, dataset_name, dataset_digest)
      select b.model_id, b.k, b.ts, b.st, b.v, run.experiment_id, ${runId}, null, b.dn, b.dd
      from batch b, run
      where run.lifecycle_stage = 'active' and exists (select 1 from logged_models lm where lm.model_id = b.model_id)
      on conflict do nothing
      returning 1
    )
    select (select lifecycle_stage from run) as stage, (select count(*) from inserted) as n`);
  return result.rows[0]?.stage ?? undefined;
}
