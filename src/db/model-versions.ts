/**
 * SQL for model versions: creation with the next version number, reads, stage transitions,
 * soft deletion (MLflow keeps a redacted row so numbers are never reused), tags and search.
 */
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "./client";
import { modelVersionJson, STAGE_DELETED_INTERNAL, WORKSPACE, type ModelVersionJson } from "./registry-json";
import { arrayParam } from "../lib/sql";

const live = (alias: string, name: string, version: number) =>
  sql`${sql.raw(alias)}.workspace = ${WORKSPACE} and ${sql.raw(alias)}.name = ${name} and ${sql.raw(alias)}.version = ${version}
      and ${sql.raw(alias)}.current_stage <> ${STAGE_DELETED_INTERNAL}`;

export interface NewModelVersion {
  name: string;
  source: string;
  storageLocation: string;
  runId: string | null;
  runLink: string;
  description: string;
  tags: { key: string; value: string }[];
  now: number;
  /**
   * A logged model to record the new version on, in its mlflow.modelVersions tag (a JSON list):
   * `listPrefix` is the existing list re-serialised without its closing bracket (null: none),
   * `listed` the versions of this name already in it, `entryName` the name as a JSON string.
   */
  linkModel?: { modelId: string; listPrefix: string | null; listed: number[]; entryName: string };
}

/**
 * Inserts the next version of an existing model and touches the model. Undefined when the model
 * does not exist. Two concurrent creations may pick the same number: the loser fails with a
 * unique violation (23505) and the caller retries, as MLflow does.
 */
export async function insertModelVersion(db: Db, v: NewModelVersion): Promise<ModelVersionJson | undefined> {
  const link = v.linkModel;
  const result = await db.execute<{ mv: ModelVersionJson }>(sql`
    with rm as (
      update registered_models set last_updated_time = ${v.now}
      where workspace = ${WORKSPACE} and name = ${v.name}
      returning name
    ),
    next as (select coalesce(max(version), 0) + 1 as version from model_versions where workspace = ${WORKSPACE} and name = ${v.name}),
    mv as (
      insert into model_versions (name, version, creation_time, last_updated_time, description, user_id, current_stage, source,
                                  run_id, status, status_message, run_link, storage_location, workspace)
      select rm.name, next.version, ${v.now}, ${v.now}, ${v.description}, null, 'None', ${v.source},
             ${v.runId}, 'READY', null, ${v.runLink}, ${v.storageLocation}, ${WORKSPACE}
      from rm, next
      returning *
    ),
    tags as (
      insert into model_version_tags (key, value, name, version, workspace)
      select k, val, mv.name, mv.version, ${WORKSPACE}
      from mv, unnest(${arrayParam(v.tags.map((t) => t.key), "varchar")}, ${arrayParam(v.tags.map((t) => t.value), "text")}) as t(k, val)
      returning key, value
    ),
    model_tag as (
      insert into logged_model_tags (model_id, experiment_id, tag_key, tag_value)
      select lm.model_id, lm.experiment_id, 'mlflow.modelVersions',
             -- MLflow keeps only the new entry when it was already listed, else appends it.
             case when mv.version = any(${arrayParam(link?.listed ?? [], "integer")}) then '['
                  else coalesce(${link?.listPrefix ?? null}::text || ', ', '[') end
               || '{"name": ' || ${link?.entryName ?? ""}::text || ', "version": ' || mv.version || '}]'
      from logged_models lm, mv
      where lm.model_id = ${link?.modelId ?? null}::varchar
      on conflict (model_id, tag_key) do update set tag_value = excluded.tag_value
      returning 1
    )
    select json_build_object(
      'name', mv.name, 'version', mv.version, 'creation_time', mv.creation_time, 'last_updated_time', mv.last_updated_time,
      'description', mv.description, 'user_id', mv.user_id, 'current_stage', mv.current_stage, 'source', mv.source,
      'run_id', mv.run_id, 'status', mv.status, 'status_message', mv.status_message, 'run_link', mv.run_link,
      'storage_location', mv.storage_location,
      'tags', coalesce((select json_agg(json_build_object('key', key, 'value', value) order by key) from tags), '[]'::json),
      'aliases', '[]'::json) as mv, (select count(*) from model_tag) as linked
    from mv`);
  return result.rows[0]?.mv;
}

export async function findModelVersion(db: Db, name: string, version: number): Promise<ModelVersionJson | undefined> {
  const result = await db.execute<{ mv: ModelVersionJson }>(sql`
    select ${modelVersionJson("mv")} as mv from model_versions mv where ${live("mv", name, version)}`);
  return result.rows[0]?.mv;
}

/** Updates the description (null keeps the stored one cleared, as MLflow does for an absent field). */
export async function updateModelVersionDescription(
  db: Db,
  name: string,
  version: number,
  description: string | null,
  now: number,
): Promise<ModelVersionJson | undefined> {
  const result = await db.execute<{ mv: ModelVersionJson }>(sql`
    with mv as (
      update model_versions mv set description = ${description}, last_updated_time = ${now}
      where ${live("mv", name, version)}
      returning *
    )
    select ${modelVersionJson("mv")} as mv from mv`);
  return result.rows[0]?.mv;
}

/** Moves a live version to `stage`, optionally archiving the other versions in that stage. */
export async function transitionStage(
  db: Db,
  t: { name: string; version: number; stage: string; archiveOthers: boolean; now: number },
): Promise<ModelVersionJson | undefined> {
  const result = await db.execute<{ mv: ModelVersionJson }>(sql`
    with target as (select 1 from model_versions mv where ${live("mv", t.name, t.version)}),
    archived as (
      update model_versions set current_stage = 'Archived', last_updated_time = ${t.now}
      where workspace = ${WORKSPACE} and name = ${t.name} and version <> ${t.version} and current_stage = ${t.stage}
        and ${t.archiveOthers} and exists (select 1 from target)
      returning 1
    ),
    mv as (
      update model_versions mv set current_stage = ${t.stage}, last_updated_time = ${t.now}
      where ${live("mv", t.name, t.version)}
      returning *
    ),
    rm as (
      update registered_models set last_updated_time = ${t.now}
      where workspace = ${WORKSPACE} and name = ${t.name} and exists (select 1 from mv)
      returning 1
    )
    select ${modelVersionJson("mv")} as mv, (select count(*) from archived) + (select count(*) from rm) as touched from mv`);
  return result.rows[0]?.mv;
}

/**
 * MLflow's soft delete: the row stays (so the number is never reused) with its stage set to
 * Deleted_Internal and its source, run and link redacted; aliases pointing at it are dropped.
 */
export async function deleteModelVersion(db: Db, name: string, version: number, now: number): Promise<boolean> {
  const result = await db.execute<{ deleted: boolean }>(sql`
    with mv as (
      update model_versions mv set current_stage = ${STAGE_DELETED_INTERNAL}, last_updated_time = ${now}, description = null,
        user_id = null, source = 'REDACTED-SOURCE-PATH', run_id = 'REDACTED-RUN-ID', run_link = 'REDACTED-RUN-LINK',
        status_message = null
      where ${live("mv", name, version)}
      returning 1
    ),
    aliases as (
      delete from registered_model_aliases
      where workspace = ${WORKSPACE} and name = ${name} and version = ${version} and exists (select 1 from mv)
      returning 1
    ),
    rm as (
      update registered_models set last_updated_time = ${now}
      where workspace = ${WORKSPACE} and name = ${name} and exists (select 1 from mv)
      returning 1
    )
    select exists (select 1 from mv) as deleted, (select count(*) from aliases) + (select count(*) from rm) as touched`);
  return result.rows[0]!.deleted;
}

/** Where the version's files are: storage_location, or the source for rows written without one. */
export async function findDownloadUri(db: Db, name: string, version: number): Promise<string | null | undefined> {
  const result = await db.execute<{ uri: string | null }>(sql`
    select coalesce(nullif(mv.storage_location, ''), mv.source) as uri from model_versions mv where ${live("mv", name, version)}`);
  return result.rows.length === 0 ? undefined : result.rows[0]!.uri;
}

/** Upserts a tag on a live version; false when the version does not exist. */
export async function setModelVersionTag(db: Db, name: string, version: number, key: string, value: string): Promise<boolean> {
  const result = await db.execute<{ found: boolean }>(sql`
    with mv as (select name, version from model_versions mv where ${live("mv", name, version)}),
    tag as (
      insert into model_version_tags (key, value, name, version, workspace)
      select ${key}, ${value}, name, version, ${WORKSPACE} from mv
      on conflict (workspace, key, name, version) do update set value = excluded.value
      returning 1
    )
    select exists (select 1 from mv) as found, (select count(*) from tag) as n`);
  return result.rows[0]!.found;
}

/** Deletes a tag of a live version if present; false when the version does not exist. */
export async function deleteModelVersionTag(db: Db, name: string, version: number, key: string): Promise<boolean> {
  const result = await db.execute<{ found: boolean }>(sql`
    with mv as (select name, version from model_versions mv where ${live("mv", name, version)}),
    removed as (
      delete from model_version_tags
      where workspace = ${WORKSPACE} and name = ${name} and version = ${version} and key = ${key} and exists (select 1 from mv)
      returning 1
    )
    select exists (select 1 from mv) as found, (select count(*) from removed) as n`);
  return result.rows[0]!.found;
}

/** One page of live versions (one more row than asked, to tell whether another page follows). */
export async function searchModelVersions(db: Db, q: { where: SQL; orderBy: SQL; limit: number; offset: number }): Promise<ModelVersionJson[]> {
  const result = await db.execute<{ mv: ModelVersionJson }>(sql`
    select ${modelVersionJson("mv", false)} as mv from model_versions mv
    where ${q.where} and mv.current_stage <> ${STAGE_DELETED_INTERNAL}
    order by ${q.orderBy}
    limit ${q.limit} offset ${q.offset}`);
  return result.rows.map((r) => r.mv);
}

