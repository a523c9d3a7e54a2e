/**
 * SQL fragments that render registry rows as JSON inside Postgres, so that a model with its tags,
 * aliases and latest versions comes back from the same statement that found or changed it.
 * Registry rows always live in MLflow's default workspace.
 */
import { sql, type SQL } from "drizzle-orm";
import { DEFAULT_WORKSPACE } from "./schema/meta";

export const WORKSPACE = DEFAULT_WORKSPACE;
export const STAGE_DELETED_INTERNAL = "Deleted_Internal";

export interface ModelVersionJson {
  name: string;
  version: number;
  creation_time: number | null;
  last_updated_time: number | null;
  description: string | null;
  user_id: string | null;
  current_stage: string | null;
  source: string | null;
  run_id: string | null;
  status: string | null;
  status_message: string | null;
  run_link: string | null;
  storage_location: string | null;
  tags: { key: string; value: string | null }[];
  aliases: string[];
}

export interface RegisteredModelJson {
  name: string;
  creation_time: number | null;
  last_updated_time: number | null;
  description: string | null;
  tags: { key: string; value: string | null }[];
  aliases: { alias: string; version: number }[];
  latest_versions: ModelVersionJson[];
}

/**
 * A model version as JSON. `mv` is the alias of a row with model_versions' columns; aliases are
 * listed only where MLflow lists them (not inside a registered model's latest_versions).
 */
export function modelVersionJson(mv: string, withAliases = true): SQL {
  const t = sql.raw(mv);
  const aliases = withAliases
    ? sql`coalesce((select json_agg(a.alias order by a.alias) from registered_model_aliases a
                    where a.workspace = ${t}.workspace and a.name = ${t}.name and a.version = ${t}.version), '[]'::json)`
    : sql`'[]'::json`;
  return sql`json_build_object(
    'name', ${t}.name, 'version', ${t}.version, 'creation_time', ${t}.creation_time,
    'last_updated_time', ${t}.last_updated_time, 'description', ${t}.description, 'user_id', ${t}.user_id,
    'current_stage', ${t}.current_stage, 'source', ${t}.source, 'run_id', ${t}.run_id, 'status', ${t}.status,
    'status_message', ${t}.status_message, 'run_link', ${t}.run_link, 'storage_location', ${t}.storage_location,
    'tags', coalesce((select json_agg(json_build_object('key', vt.key, 'value', vt.value) order by vt.key)
                      from model_version_tags vt
                      where vt.workspace = ${t}.workspace and vt.name = ${t}.name and vt.version = ${t}.version), '[]'::json),
    'aliases', ${aliases})`;
}

/**
 * A registered model as JSON, with tags, aliases and the latest version of each stage. MLflow
 * leaves the order of latest_versions to the database; we list them in the order their stages
 * first appear among the versions (what a single-model read gives) or, in search results, by
 * version.
 */
export function registeredModelJson(rm: string, latestOrder: "first-appearance" | "version" = "first-appearance"): SQL {
  const t = sql.raw(rm);
  return sql`json_build_object(
    'name', ${t}.name, 'creation_time', ${t}.creation_time, 'last_updated_time', ${t}.last_updated_time,
    'description', ${t}.description,
    'tags', coalesce((select json_agg(json_build_object('key', rt.key, 'value', rt.value) order by rt.key)
                      from registered_model_tags rt where rt.workspace = ${t}.workspace and rt.name = ${t}.name), '[]'::json),
    'aliases', coalesce((select json_agg(json_build_object('alias', ra.alias, 'version', ra.version) order by ra.alias)
                         from registered_model_aliases ra where ra.workspace = ${t}.workspace and ra.name = ${t}.name), '[]'::json),
    'latest_versions', coalesce((select json_agg(${modelVersionJson("lv", false)} order by ${sql.raw(latestOrder === "version" ? "lv.version" : "lv.first_version")})
                                 from (${latestPerStage(sql`${t}.workspace`, sql`${t}.name`)}) lv), '[]'::json))`;
}

/**
 * The newest live version of each stage, with `first_version` (the stage's oldest live version):
 * MLflow lists latest versions in the order their stages first appear among the versions.
 */
export function latestPerStage(workspace: SQL, name: SQL): SQL {
  return sql`select distinct on (x.current_stage) x.* from (
               select v.*, min(v.version) over (partition by v.current_stage) as first_version from model_versions v
               where v.workspace = ${workspace} and v.name = ${name} and v.current_stage <> ${STAGE_DELETED_INTERNAL}) x
             order by x.current_stage, x.version desc`;
}
