/**
 * SQL for registered models, their tags and aliases. Each function is one statement: existence
 * checks, writes and the JSON of the result come back together, so nothing is half-written.
 */
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "./client";
import { latestPerStage, registeredModelJson, modelVersionJson, STAGE_DELETED_INTERNAL, WORKSPACE, type ModelVersionJson, type RegisteredModelJson } from "./registry-json";
import { IS_PROMPT_TAG } from "./schema/meta";
import { arrayParam } from "../lib/sql";

export type { ModelVersionJson, RegisteredModelJson } from "./registry-json";

const first = <T>(rows: T[]): T | undefined => rows[0];

const GRANTS = sql.raw("edge_auth_registered_model_permissions");

/**
 * Grants follow the model, as in MLflow's auth app: a new model starts with no grant but its
 * creator's (added after the insert), so grants left on a name cannot be inherited by whoever
 * takes the name next.
 */
const STALE_GRANTS_OF_NEW_MODEL = (name: string) => sql`
    stale_grants as (delete from ${GRANTS} where name = ${name} and exists (select 1 from new_rm) returning 1)`;

export interface KeyValue {
  key: string;
  value: string | null;
}

/** Creates a model with its tags; when the name is taken, reports whether the holder is a prompt. */
export async function insertRegisteredModel(
  db: Db,
  m: { name: string; description: string; tags: KeyValue[]; now: number },
): Promise<{ created: boolean; existingIsPrompt: boolean }> {
  const result = await db.execute<{ created: boolean; existing_is_prompt: boolean }>(sql`
    with new_rm as (
      insert into registered_models (name, creation_time, last_updated_time, description, workspace)
      values (${m.name}, ${m.now}, ${m.now}, ${m.description}, ${WORKSPACE})
      on conflict do nothing
      returning name
    ),
    new_tags as (
      insert into registered_model_tags (key, value, name, workspace)
      select k, v, new_rm.name, ${WORKSPACE}
      from new_rm, unnest(${arrayParam(m.tags.map((t) => t.key), "varchar")}, ${arrayParam(m.tags.map((t) => t.value), "varchar")}) as t(k, v)
      returning 1
    ),
    ${STALE_GRANTS_OF_NEW_MODEL(m.name)}
    select exists (select 1 from new_rm) as created,
           exists (select 1 from registered_model_tags where workspace = ${WORKSPACE} and name = ${m.name} and key = ${IS_PROMPT_TAG}) as existing_is_prompt,
           (select count(*) from new_tags) as tag_count`);
  const row = result.rows[0]!;
  return { created: row.created, existingIsPrompt: row.existing_is_prompt };
}

export async function findRegisteredModel(db: Db, name: string): Promise<RegisteredModelJson | undefined> {
  const result = await db.execute<{ rm: RegisteredModelJson }>(sql`
    select ${registeredModelJson("rm")} as rm from registered_models rm where rm.workspace = ${WORKSPACE} and rm.name = ${name}`);
  return first(result.rows)?.rm;
}

export async function updateRegisteredModelDescription(db: Db, name: string, description: string, now: number): Promise<RegisteredModelJson | undefined> {
  const result = await db.execute<{ rm: RegisteredModelJson }>(sql`
    with rm as (
      update registered_models set description = ${description}, last_updated_time = ${now}
      where workspace = ${WORKSPACE} and name = ${name}
      returning *
    )
    select ${registeredModelJson("rm")} as rm from rm`);
  return first(result.rows)?.rm;
}

/**
 * Renames a model; the foreign keys cascade the new name to versions, tags and aliases. Every
 * version's last-updated time moves too, as in MLflow.
 */
export async function renameRegisteredModel(db: Db, name: string, newName: string, now: number): Promise<{ found: boolean; taken: boolean }> {
  const result = await db.execute<{ found: boolean; taken: boolean }>(sql`
    with taken as (select exists (select 1 from registered_models where workspace = ${WORKSPACE} and name = ${newName}) as v),
    versions as (
      update model_versions set last_updated_time = ${now}
      where workspace = ${WORKSPACE} and name = ${name} and not (select v from taken)
      returning 1
    ),
    rm as (
      update registered_models set name = ${newName}, last_updated_time = ${now}
      where workspace = ${WORKSPACE} and name = ${name} and not (select v from taken)
      returning 1
    ),
    -- Grants move with the model. Each grant row is touched by one CTE at most, so no unique
    -- (name, user_id) collision can occur: a grant left on the new name is overwritten by the
    -- same user's grant on the old one, or dropped.
    old_grants as (select user_id, permission from ${GRANTS} where name = ${name}),
    new_grants as (select user_id from ${GRANTS} where name = ${newName}),
    overwritten as (
      update ${GRANTS} g set permission = o.permission from old_grants o
      where g.name = ${newName} and g.user_id = o.user_id and exists (select 1 from rm) returning 1),
    dropped_stale as (
      delete from ${GRANTS} where name = ${newName} and user_id not in (select user_id from old_grants)
        and exists (select 1 from rm) returning 1),
    dropped_old as (
      delete from ${GRANTS} where name = ${name} and user_id in (select user_id from new_grants)
        and exists (select 1 from rm) returning 1),
    moved as (
      update ${GRANTS} set name = ${newName} where name = ${name} and user_id not in (select user_id from new_grants)
        and exists (select 1 from rm) returning 1)
    select exists (select 1 from registered_models where workspace = ${WORKSPACE} and name = ${name}) as found,
           (select v from taken) as taken, (select count(*) from versions) + (select count(*) from rm)
             + (select count(*) from overwritten) + (select count(*) from dropped_stale) + (select count(*) from dropped_old)
             + (select count(*) from moved) as n`);
  const row = result.rows[0]!;
  return { found: row.found, taken: row.taken };
}

/** Deletes a model with all its versions, tags and aliases; false when it does not exist. */
export async function deleteRegisteredModel(db: Db, name: string): Promise<boolean> {
  const result = await db.execute<{ deleted: boolean }>(sql`
    with version_tags as (delete from model_version_tags where workspace = ${WORKSPACE} and name = ${name} returning 1),
    versions as (delete from model_versions where workspace = ${WORKSPACE} and name = ${name} returning 1),
    model_tags as (delete from registered_model_tags where workspace = ${WORKSPACE} and name = ${name} returning 1),
    aliases as (delete from registered_model_aliases where workspace = ${WORKSPACE} and name = ${name} returning 1),
    rm as (delete from registered_models where workspace = ${WORKSPACE} and name = ${name} returning 1),
    -- Grants go with the model (as in MLflow's auth app), so nobody keeps rights on the next model of that name.
    grants as (delete from ${GRANTS} where name = ${name} and exists (select 1 from rm) returning 1)
    select exists (select 1 from rm) as deleted,
           (select count(*) from version_tags) + (select count(*) from versions) + (select count(*) from model_tags)
             + (select count(*) from aliases) + (select count(*) from grants) as children`);
  return result.rows[0]!.deleted;
}

/**
 * One page of registered models over `registered_models rm` (the caller asks for one row more than
 * the page, to know if more follow). `where` and `orderBy` come from src/search/registry-sql.ts.
 */
export async function searchRegisteredModels(db: Db, q: { where: SQL; orderBy: SQL; limit: number; offset: number }): Promise<RegisteredModelJson[]> {
  const result = await db.execute<{ rm: RegisteredModelJson }>(sql`
    select ${registeredModelJson("rm", "version")} as rm from registered_models rm
    where ${q.where}
    order by ${q.orderBy}
    limit ${q.limit} offset ${q.offset}`);
  return result.rows.map((r) => r.rm);
}

/** Latest version per stage among `stages`, with aliases; undefined when the model does not exist. */
export async function findLatestVersions(db: Db, name: string, stages: string[]): Promise<ModelVersionJson[] | undefined> {
  const result = await db.execute<{ found: boolean; versions: ModelVersionJson[] }>(sql`
    select exists (select 1 from registered_models where workspace = ${WORKSPACE} and name = ${name}) as found,
      coalesce((select json_agg(${modelVersionJson("lv")} order by lv.first_version)
                from (${latestPerStage(sql`${WORKSPACE}`, sql`${name}`)}) lv
                where lv.current_stage = any(${arrayParam(stages, "varchar")})), '[]'::json) as versions`);
  const row = result.rows[0]!;
  return row.found ? row.versions : undefined;
}

/** Upserts a tag on an existing model; false when the model does not exist. */
export async function setRegisteredModelTag(db: Db, name: string, key: string, value: string): Promise<boolean> {
  const result = await db.execute<{ found: boolean }>(sql`
    with rm as (select name from registered_models where workspace = ${WORKSPACE} and name = ${name}),
    tag as (
      insert into registered_model_tags (key, value, name, workspace)
      select ${key}, ${value}, name, ${WORKSPACE} from rm
      on conflict (workspace, key, name) do update set value = excluded.value
      returning 1
    )
    select exists (select 1 from rm) as found, (select count(*) from tag) as n`);
  return result.rows[0]!.found;
}

/** Deletes a tag if present; false when the model does not exist. */
export async function deleteRegisteredModelTag(db: Db, name: string, key: string): Promise<boolean> {
  const result = await db.execute<{ found: boolean }>(sql`
    with removed as (delete from registered_model_tags where workspace = ${WORKSPACE} and name = ${name} and key = ${key} returning 1)
    select exists (select 1 from registered_models where workspace = ${WORKSPACE} and name = ${name}) as found,
           (select count(*) from removed) as n`);
  return result.rows[0]!.found;
}

/** Points an alias at a live version; false when that version does not exist. */
export async function setAlias(db: Db, name: string, alias: string, version: number): Promise<boolean> {
  const result = await db.execute<{ found: boolean }>(sql`
    with mv as (
      select name, version from model_versions
      where workspace = ${WORKSPACE} and name = ${name} and version = ${version} and current_stage <> ${STAGE_DELETED_INTERNAL}
    ),
    upserted as (
      insert into registered_model_aliases (alias, version, name, workspace)
      select ${alias}, version, name, ${WORKSPACE} from mv
      on conflict (workspace, name, alias) do update set version = excluded.version
      returning 1
    )
    select exists (select 1 from mv) as found, (select count(*) from upserted) as n`);
  return result.rows[0]!.found;
}

/** Deletes an alias if present; false when the model does not exist. */
export async function deleteAlias(db: Db, name: string, alias: string): Promise<boolean> {
  const result = await db.execute<{ found: boolean }>(sql`
    with removed as (delete from registered_model_aliases where workspace = ${WORKSPACE} and name = ${name} and alias = ${alias} returning 1)
    select exists (select 1 from registered_models where workspace = ${WORKSPACE} and name = ${name}) as found,
           (select count(*) from removed) as n`);
  return result.rows[0]!.found;
}

/** The version an alias points to: model existence, alias existence and the live version at once. */
export async function findVersionByAlias(
  db: Db,
  name: string,
  alias: string,
): Promise<{ modelFound: boolean; version: number | null; model: ModelVersionJson | null }> {
  const result = await db.execute<{ model_found: boolean; version: number | null; mv: ModelVersionJson | null }>(sql`
    with a as (select version from registered_model_aliases where workspace = ${WORKSPACE} and name = ${name} and alias = ${alias})
    select exists (select 1 from registered_models where workspace = ${WORKSPACE} and name = ${name}) as model_found,
           (select version from a) as version,
           (select ${modelVersionJson("mv")} from model_versions mv
            where mv.workspace = ${WORKSPACE} and mv.name = ${name} and mv.version = (select version from a)
              and mv.current_stage <> ${STAGE_DELETED_INTERNAL}) as mv`);
  const row = result.rows[0]!;
  return { modelFound: row.model_found, version: row.version, model: row.mv };
}
