/** SQL for experiments and their tags. Each function is one statement (one round trip). */
import { and, eq, inArray, notInArray, sql, type SQL } from "drizzle-orm";
import type { Db } from "./client";
import { arrayParam } from "../lib/sql";
import { experimentTags, experiments } from "./schema/tracking";

export interface ExperimentRow {
  experimentId: number;
  name: string;
  artifactLocation: string | null;
  lifecycleStage: string | null;
  creationTime: number | null;
  lastUpdateTime: number | null;
  workspace: string;
  tags: { key: string; value: string | null }[];
}

const tagsJson = sql<ExperimentRow["tags"]>`coalesce((
  select json_agg(json_build_object('key', t.key, 'value', t.value))
  from ${experimentTags} t where t.experiment_id = "experiments"."experiment_id"), '[]'::json)`;
// (The outer column is spelled out: Drizzle renders a column without its table inside a select
// list, which would silently correlate the subquery with itself.)

export const experimentColumns = {
  experimentId: experiments.experimentId,
  name: experiments.name,
  artifactLocation: experiments.artifactLocation,
  lifecycleStage: experiments.lifecycleStage,
  creationTime: experiments.creationTime,
  lastUpdateTime: experiments.lastUpdateTime,
  workspace: experiments.workspace,
  tags: tagsJson,
};

export async function findExperimentById(db: Db, id: number): Promise<ExperimentRow | undefined> {
  const rows = await db.select(experimentColumns).from(experiments).where(eq(experiments.experimentId, id));
  return rows[0] as ExperimentRow | undefined;
}

export async function findExperimentByName(db: Db, name: string): Promise<ExperimentRow | undefined> {
  const rows = await db
    .select(experimentColumns)
    .from(experiments)
    .where(and(eq(experiments.workspace, "default"), eq(experiments.name, name)));
  return rows[0] as ExperimentRow | undefined;
}

export interface NewExperiment {
  name: string;
  /** Kept as given when the user supplied one. */
  artifactLocation: string | null;
  /** Default location = prefix + the new id, computed in the same statement. */
  artifactPrefix: string;
  tags: { key: string; value: string }[];
  now: number;
}

/** Inserts an experiment and its tags in one statement; returns the new id. */
export async function insertExperiment(db: Db, e: NewExperiment): Promise<number> {
  const keys = e.tags.map((t) => t.key);
  const values = e.tags.map((t) => t.value);
  const result = await db.execute<{ experiment_id: number }>(sql`
    with new_id as (select nextval(pg_get_serial_sequence('experiments', 'experiment_id'))::int as id),
    inserted as (
      insert into experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time, workspace)
      select id, ${e.name}, coalesce(${e.artifactLocation}::varchar, ${e.artifactPrefix} || id::text), 'active', ${e.now}, ${e.now}, 'default'
      from new_id
      returning experiment_id
    ),
    tag_rows as (
      insert into experiment_tags (key, value, experiment_id)
      select k, v, (select experiment_id from inserted)
      from unnest(${arrayParam(keys, "varchar")}, ${arrayParam(values, "text")}) as t(k, v)
      returning 1
    )
    select experiment_id from inserted`);
  return Number(result.rows[0]!.experiment_id);
}

/**
 * Moves an experiment between lifecycle stages and its runs with it, as MLflow does. Returns the
 * stage the experiment was in before, or undefined if it does not exist; nothing changes unless
 * it was in `from`.
 */
export async function setExperimentLifecycle(
  db: Db,
  id: number,
  from: "active" | "deleted",
  to: "active" | "deleted",
  now: number,
): Promise<string | undefined> {
  const result = await db.execute<{ stage: string | null }>(sql`
    with current as (select lifecycle_stage from experiments where experiment_id = ${id}),
    moved as (
      update experiments set lifecycle_stage = ${to}, last_update_time = ${now}
      where experiment_id = ${id} and lifecycle_stage = ${from}
      returning experiment_id
    ),
    run_moves as (
      update runs set lifecycle_stage = ${to},
        deleted_time = case when ${to} = 'deleted' then ${now}::bigint else null end
      where experiment_id = (select experiment_id from moved)
      returning 1
    )
    select (select lifecycle_stage from current) as stage, (select count(*) from run_moves) as runs`);
  const row = result.rows[0];
  return row && row.stage !== null ? row.stage : undefined;
}

/** Renames an active experiment; returns its prior stage (undefined if missing). */
export async function renameExperiment(db: Db, id: number, name: string, now: number): Promise<string | undefined> {
  const result = await db.execute<{ stage: string | null }>(sql`
    with current as (select lifecycle_stage from experiments where experiment_id = ${id}),
    renamed as (
      update experiments set name = ${name}, last_update_time = ${now}
      where experiment_id = ${id} and lifecycle_stage = 'active'
      returning 1
    )
    select (select lifecycle_stage from current) as stage, (select count(*) from renamed) as n`);
  const row = result.rows[0];
  return row && row.stage !== null ? row.stage : undefined;
}

/** Upserts a tag on an active experiment; returns the experiment's stage (undefined if missing). */
export async function upsertExperimentTag(db: Db, id: number, key: string, value: string): Promise<string | undefined> {
  const result = await db.execute<{ stage: string | null }>(sql`
    with current as (select lifecycle_stage from experiments where experiment_id = ${id}),
    written as (
      insert into experiment_tags (key, value, experiment_id)
      select ${key}, ${value}, ${id} from current where lifecycle_stage = 'active'
      on conflict (key, experiment_id) do update set value = excluded.value
      returning 1
    )
    select (select lifecycle_stage from current) as stage, (select count(*) from written) as n`);
  const row = result.rows[0];
  return row && row.stage !== null ? row.stage : undefined;
}

/** Deletes a tag of an active experiment. */
export async function deleteExperimentTag(
  db: Db,
  id: number,
  key: string,
): Promise<{ stage: string | undefined; deleted: boolean }> {
  const result = await db.execute<{ stage: string | null; n: string | number }>(sql`
    with current as (select lifecycle_stage from experiments where experiment_id = ${id}),
    removed as (
      delete from experiment_tags
      where experiment_id = ${id} and key = ${key}
        and exists (select 1 from current where lifecycle_stage = 'active')
      returning 1
    )
    select (select lifecycle_stage from current) as stage, (select count(*) from removed) as n`);
  const row = result.rows[0];
  return { stage: row?.stage ?? undefined, deleted: Number(row?.n ?? 0) > 0 };
}

/** A caller's read scope over experiments (see src/auth/access.ts): ids to keep, or ids to leave out. */
export type ExperimentScope = { include: string[] } | { exclude: string[] } | null;

export interface ExperimentsPageQuery {
  where: SQL | undefined;
  orderBy: SQL[];
  offset: number;
  /** Rows to fetch (callers ask for one more than the page size to detect a next page). */
  limit: number | null;
  stages: string[];
  scope?: ExperimentScope;
}

/** One page of search_experiments, in one statement. */
export async function searchExperimentsPage(db: Db, q: ExperimentsPageQuery): Promise<ExperimentRow[]> {
  const query = db
    .select(experimentColumns)
    .from(experiments)
    .where(and(inArray(experiments.lifecycleStage, q.stages), q.where, scopeCondition(q.scope)))
    .orderBy(...q.orderBy)
    .offset(q.offset);
  const rows = q.limit === null ? await query : await query.limit(q.limit);
  return rows as ExperimentRow[];
}

function scopeCondition(scope: ExperimentScope | undefined): SQL | undefined {
  if (!scope) return undefined;
  const ids = ("include" in scope ? scope.include : scope.exclude).filter((id) => /^[0-9]+$/.test(id)).map(Number);
  if ("include" in scope) return ids.length > 0 ? inArray(experiments.experimentId, ids) : sql`false`;
  return ids.length > 0 ? notInArray(experiments.experimentId, ids) : undefined;
}
