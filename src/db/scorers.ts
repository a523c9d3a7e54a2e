/**
 * SQL for registered scorers (tables scorers, scorer_versions, online_scoring_configs, and the
 * gateway's endpoint_bindings). Each function is one statement that also reports the experiment's
 * lifecycle stage, so the service can answer MLflow's errors without another round trip.
 */
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "./client";
import { arrayParam } from "../lib/sql";
import { DEFAULT_WORKSPACE } from "./schema/meta";

export interface ScorerVersionRow {
  experiment_id: number;
  scorer_name: string;
  scorer_id: string;
  scorer_version: number;
  serialized_scorer: string;
  creation_time: number | null;
}

/** Gateway endpoint names by id, for turning stored `gateway:/<id>` models back into names. */
export type EndpointNames = Record<string, string>;

const stageOf = (experimentId: number) => sql`(select lifecycle_stage from experiments where experiment_id = ${experimentId})`;
const ENDPOINT_NAMES = sql`coalesce((select json_object_agg(endpoint_id, name) from endpoints where workspace = ${DEFAULT_WORKSPACE} and name is not null), '{}'::json)`;
const ROW = (v: string, s: string) =>
  sql.raw(`json_build_object('experiment_id', ${s}.experiment_id, 'scorer_name', ${s}.scorer_name, 'scorer_id', ${v}.scorer_id,
    'scorer_version', ${v}.scorer_version, 'serialized_scorer', ${v}.serialized_scorer, 'creation_time', ${v}.creation_time)`);

const toRow = (r: ScorerVersionRow): ScorerVersionRow => ({ ...r, creation_time: r.creation_time === null ? null : Number(r.creation_time) });

export async function findEndpointIdByName(db: Db, name: string): Promise<string | undefined> {
  const result = await db.execute<{ endpoint_id: string }>(sql`
    select endpoint_id from endpoints where workspace = ${DEFAULT_WORKSPACE} and name = ${name} limit 1`);
  return result.rows[0]?.endpoint_id;
}

/**
 * Adds the next version of a scorer, creating the scorer when the name is new. Concurrent
 * registrations collide on a unique key and fail whole (the caller retries, src/db/races.ts).
 */
export async function insertScorerVersion(
  db: Db,
  v: { experimentId: number; name: string; newScorerId: string; serialized: string; now: number; endpointId: string | null },
): Promise<{ stage: string | null; scorerId: string | null; version: number | null }> {
  const binding = v.endpointId
    ? sql`,
    old_binding as (delete from endpoint_bindings where resource_type = 'scorer' and resource_id = (select scorer_id from target) returning 1),
    new_binding as (
      insert into endpoint_bindings (endpoint_id, resource_type, resource_id, created_at, last_updated_at, display_name)
      select ${v.endpointId}, 'scorer', scorer_id, ${v.now}, ${v.now}, ${v.name} from target
      where exists (select 1 from endpoints where endpoint_id = ${v.endpointId})
      on conflict (endpoint_id, resource_type, resource_id) do update set last_updated_at = excluded.last_updated_at, display_name = excluded.display_name
      returning 1)`
    : sql``;
  const result = await db.execute<{ stage: string | null; scorer_id: string | null; version: number | null }>(sql`
    with active as (select 1 from experiments where experiment_id = ${v.experimentId} and lifecycle_stage = 'active'),
    existing as (select scorer_id from scorers where experiment_id = ${v.experimentId} and scorer_name = ${v.name}),
    created as (
      insert into scorers (experiment_id, scorer_name, scorer_id)
      select ${v.experimentId}, ${v.name}, ${v.newScorerId}
      where exists (select 1 from active) and not exists (select 1 from existing)
      returning scorer_id),
    target as (select scorer_id from existing union all select scorer_id from created),
    version as (
      insert into scorer_versions (scorer_id, scorer_version, serialized_scorer, creation_time)
      select t.scorer_id, coalesce((select max(scorer_version) from scorer_versions sv where sv.scorer_id = t.scorer_id), 0) + 1, ${v.serialized}, ${v.now}
      from target t where exists (select 1 from active)
      returning scorer_id, scorer_version)${binding}
    select ${stageOf(v.experimentId)} as stage, (select scorer_id from version) as scorer_id, (select scorer_version from version) as version`);
  const row = result.rows[0]!;
  return { stage: row.stage, scorerId: row.scorer_id, version: row.version === null ? null : Number(row.version) };
}

/** The latest version of every scorer of these experiments (all active ones when null), by experiment and name. */
export async function latestScorerVersions(
  db: Db,
  experimentIds: number[] | null,
  scope: SQL = sql`true`,
): Promise<{ rows: ScorerVersionRow[]; endpoints: EndpointNames; stage: string | null }> {
  const which = experimentIds === null ? sql`e.lifecycle_stage = 'active'` : sql`s.experiment_id = any(${arrayParam(experimentIds, "integer")})`;
  const stage = experimentIds?.length === 1 ? stageOf(experimentIds[0]!) : sql`null::varchar`;
  const result = await db.execute<{ rows: ScorerVersionRow[] | null; endpoints: EndpointNames; stage: string | null }>(sql`
    select ${stage} as stage, (select json_agg(${ROW("v", "s")} order by s.experiment_id, s.scorer_name)
            from scorers s join experiments e on e.experiment_id = s.experiment_id
            join lateral (select * from scorer_versions sv where sv.scorer_id = s.scorer_id order by sv.scorer_version desc limit 1) v on true
            where ${which} and ${scope}) as rows,
           ${ENDPOINT_NAMES} as endpoints`);
  const row = result.rows[0]!;
  return { rows: (row.rows ?? []).map(toRow), endpoints: row.endpoints, stage: row.stage };
}

/** Ids of the given experiments that exist and are active, in the order asked. */
export async function activeExperimentIds(db: Db, ids: number[]): Promise<number[]> {
  const result = await db.execute<{ experiment_id: number }>(sql`
    select experiment_id from experiments where experiment_id = any(${arrayParam(ids, "integer")}) and lifecycle_stage = 'active'`);
  const active = new Set(result.rows.map((r) => Number(r.experiment_id)));
  return ids.filter((id) => active.has(id));
}

/** One scorer's versions (one version, or all ascending), with the experiment's stage. */
export async function scorerVersions(
  db: Db,
  experimentId: number,
  name: string,
  version: number | "latest" | "all",
): Promise<{ stage: string | null; scorerId: string | null; rows: ScorerVersionRow[]; endpoints: EndpointNames }> {
  const pick =
    version === "all" ? sql`order by v.scorer_version` : version === "latest" ? sql`order by v.scorer_version desc limit 1` : sql`and v.scorer_version = ${version}`;
  const result = await db.execute<{ stage: string | null; scorer_id: string | null; rows: ScorerVersionRow[] | null; endpoints: EndpointNames }>(sql`
    with s as (select * from scorers where experiment_id = ${experimentId} and scorer_name = ${name})
    select ${stageOf(experimentId)} as stage, (select scorer_id from s) as scorer_id,
           (select json_agg(r) from (select ${ROW("v", "s")} as r from s join scorer_versions v on v.scorer_id = s.scorer_id where true ${pick}) x) as rows,
           ${ENDPOINT_NAMES} as endpoints`);
  const row = result.rows[0]!;
  return { stage: row.stage, scorerId: row.scorer_id, rows: (row.rows ?? []).map(toRow), endpoints: row.endpoints };
}

/**
 * Deletes one version, or (version null) every version and the scorer itself with its gateway
 * binding; its online configs go with it (ON DELETE CASCADE). Nothing happens unless the
 * experiment is active.
 */
export async function deleteScorer(db: Db, experimentId: number, name: string, version: number | null): Promise<{ stage: string | null; scorerFound: boolean; deleted: number }> {
  const whole = version === null;
  const result = await db.execute<{ stage: string | null; found: boolean; deleted: number }>(sql`
    with s as (
      select scorer_id from scorers where experiment_id = ${experimentId} and scorer_name = ${name}
        and exists (select 1 from experiments where experiment_id = ${experimentId} and lifecycle_stage = 'active')),
    versions as (
      delete from scorer_versions where scorer_id = (select scorer_id from s) ${whole ? sql`` : sql`and scorer_version = ${version}`}
      returning 1),
    binding as (
      delete from endpoint_bindings where ${whole} and resource_type = 'scorer' and resource_id = (select scorer_id from s)
        and exists (select 1 from versions) returning 1),
    scorer as (
      delete from scorers where ${whole} and scorer_id = (select scorer_id from s) and exists (select 1 from versions) returning 1)
    select ${stageOf(experimentId)} as stage, exists (select 1 from scorers where experiment_id = ${experimentId} and scorer_name = ${name}) as found,
           (select count(*) from versions)::int as deleted, (select count(*) from binding) + (select count(*) from scorer) as n`);
  const row = result.rows[0]!;
  return { stage: row.stage, scorerFound: row.found, deleted: Number(row.deleted) };
}

export type OnlineConfigRow = {
  online_scoring_config_id: string;
  scorer_id: string;
  sample_rate: number;
  experiment_id: number;
  filter_string: string | null;
};

export async function onlineConfigs(db: Db, scorerIds: string[]): Promise<OnlineConfigRow[]> {
  const result = await db.execute<OnlineConfigRow>(sql`
    select online_scoring_config_id, scorer_id, sample_rate, experiment_id, filter_string
    from online_scoring_configs where scorer_id = any(${arrayParam(scorerIds, "varchar")})`);
  return result.rows.map((r) => ({ ...r, sample_rate: Number(r.sample_rate), experiment_id: Number(r.experiment_id) }));
}

/** Replaces the scorer's online configs with one new config. */
export async function replaceOnlineConfig(db: Db, c: OnlineConfigRow): Promise<boolean> {
  const result = await db.execute<{ inserted: boolean }>(sql`
    with old as (delete from online_scoring_configs where scorer_id = ${c.scorer_id} returning 1),
    ins as (
      insert into online_scoring_configs (online_scoring_config_id, scorer_id, sample_rate, experiment_id, filter_string)
      select ${c.online_scoring_config_id}, ${c.scorer_id}, ${c.sample_rate}, ${c.experiment_id}, ${c.filter_string}
      where exists (select 1 from scorers where scorer_id = ${c.scorer_id})
      returning 1)
    select exists (select 1 from ins) as inserted, (select count(*) from old) as n`);
  return result.rows[0]!.inserted;
}
