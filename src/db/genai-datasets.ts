/**
 * SQL for GenAI evaluation datasets (evaluation_datasets, evaluation_dataset_tags, their links to
 * experiments in entity_associations). Records are in genai-dataset-records.ts. Every function is
 * one statement; a dataset comes back as JSON from the statement that found or changed it.
 */
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "./client";
import { arrayParam } from "../lib/sql";
import { DEFAULT_WORKSPACE } from "./schema/meta";

export interface DatasetRow {
  dataset_id: string;
  name: string;
  /** [key, value] in stored order: MLflow answers tags in the order the database returns them. */
  tags: [string, string | null][];
  schema: string | null;
  profile: string | null;
  digest: string | null;
  created_time: number | null;
  last_update_time: number | null;
  created_by: string | null;
  last_updated_by: string | null;
}

const DATASET = "evaluation_dataset";
const EXPERIMENT = "experiment";

/** A dataset row (alias `d`) as JSON, its tags in physical (insertion) order as MLflow reads them. */
export const datasetJson = (d: string) =>
  sql.raw(`json_build_object('dataset_id', ${d}.dataset_id, 'name', ${d}.name, 'schema', ${d}.schema, 'profile', ${d}.profile,
    'digest', ${d}.digest, 'created_time', ${d}.created_time, 'last_update_time', ${d}.last_update_time,
    'created_by', ${d}.created_by, 'last_updated_by', ${d}.last_updated_by,
    'tags', coalesce((select json_agg(json_build_array(t.key, t.value) order by t.ctid) from evaluation_dataset_tags t where t.dataset_id = ${d}.dataset_id), '[]'::json))`);

const toRow = (r: DatasetRow): DatasetRow => ({
  ...r,
  created_time: r.created_time === null ? null : Number(r.created_time),
  last_update_time: r.last_update_time === null ? null : Number(r.last_update_time),
});

const linked = (datasetId: string) => sql`source_type = ${DATASET} and source_id = ${datasetId} and destination_type = ${EXPERIMENT}`;

export async function insertDataset(
  db: Db,
  d: { id: string; name: string; digest: string; now: number; createdBy: string | null; tags: [string, string | null][]; experimentIds: string[]; associationIds: string[] },
): Promise<void> {
  await db.execute(sql`
    with ds as (
      insert into evaluation_datasets (dataset_id, workspace, name, digest, created_time, last_update_time, created_by, last_updated_by)
      values (${d.id}, ${DEFAULT_WORKSPACE}, ${d.name}, ${d.digest}, ${d.now}, ${d.now}, ${d.createdBy}, ${d.createdBy})
      returning dataset_id),
    tags as (
      insert into evaluation_dataset_tags (dataset_id, key, value)
      select ds.dataset_id, k, v from ds, unnest(${arrayParam(d.tags.map((t) => t[0]), "varchar")}, ${arrayParam(d.tags.map((t) => t[1]), "varchar")}) with ordinality as x(k, v, n)
      order by n
      returning 1),
    links as (
      insert into entity_associations (association_id, source_type, source_id, destination_type, destination_id, created_time)
      select a, ${DATASET}, ds.dataset_id, ${EXPERIMENT}, e, ${d.now} from ds, unnest(${arrayParam(d.associationIds, "varchar")}, ${arrayParam(d.experimentIds, "varchar")}) as x(a, e)
      returning 1)
    select (select count(*) from tags) + (select count(*) from links) as n`);
}

export async function findDataset(db: Db, id: string): Promise<DatasetRow | undefined> {
  const result = await db.execute<{ d: DatasetRow }>(sql`select ${datasetJson("d")} as d from evaluation_datasets d where d.dataset_id = ${id}`);
  const row = result.rows[0];
  return row ? toRow(row.d) : undefined;
}

/** Deletes a dataset (its tags and records cascade) and every association naming it. */
export async function deleteDataset(db: Db, id: string): Promise<void> {
  await db.execute(sql`
    with links as (
      delete from entity_associations
      where (destination_type = ${DATASET} and destination_id = ${id}) or (source_type = ${DATASET} and source_id = ${id})
      returning 1),
    ds as (delete from evaluation_datasets where dataset_id = ${id} returning 1)
    select (select count(*) from links) + (select count(*) from ds) as n`);
}

export async function searchDatasets(
  db: Db,
  q: { where: SQL; orderBy: SQL; limit: number; offset: number; experimentIds: string[] | null },
): Promise<DatasetRow[]> {
  const inExperiments =
    q.experimentIds === null
      ? sql`true`
      : sql`d.dataset_id in (select source_id from entity_associations where source_type = ${DATASET} and destination_type = ${EXPERIMENT}
             and destination_id = any(${arrayParam(q.experimentIds, "varchar")}))`;
  const result = await db.execute<{ d: DatasetRow }>(sql`
    select ${datasetJson("d")} as d from evaluation_datasets d
    where ${inExperiments} and ${q.where}
    order by ${q.orderBy}
    limit ${q.limit} offset ${q.offset}`);
  return result.rows.map((r) => toRow(r.d));
}

/** Upserts tags on an existing dataset; false when it does not exist. */
export async function setDatasetTags(db: Db, id: string, tags: [string, string][]): Promise<boolean> {
  const result = await db.execute<{ found: boolean }>(sql`
    with ds as (select dataset_id from evaluation_datasets where dataset_id = ${id}),
    upserted as (
      insert into evaluation_dataset_tags (dataset_id, key, value)
      select ds.dataset_id, k, v from ds, unnest(${arrayParam(tags.map((t) => t[0]), "varchar")}, ${arrayParam(tags.map((t) => t[1]), "varchar")}) with ordinality as x(k, v, n)
      order by n
      on conflict (dataset_id, key) do update set value = excluded.value
      returning 1)
    select exists (select 1 from ds) as found, (select count(*) from upserted) as n`);
  return result.rows[0]!.found;
}

export async function deleteDatasetTag(db: Db, id: string, key: string): Promise<void> {
  await db.execute(sql`delete from evaluation_dataset_tags where dataset_id = ${id} and key = ${key}`);
}

/** The experiment ids a dataset is linked to, as MLflow lists them (by link time, then id). */
export async function datasetExperimentIds(db: Db, id: string): Promise<string[]> {
  const result = await db.execute<{ id: string }>(sql`
    select destination_id as id from entity_associations where ${linked(id)} order by created_time, destination_id`);
  return [...new Set(result.rows.map((r) => r.id))];
}

/**
 * Links a dataset to experiments that all exist; reports the first id that does not (nothing is
 * written then). Already linked experiments are left as they are.
 */
export async function addDatasetToExperiments(
  db: Db,
  id: string,
  experimentIds: string[],
  associationIds: string[],
  now: number,
): Promise<{ found: boolean; dataset: DatasetRow | undefined; missing: string | null }> {
  const result = await db.execute<{ d: DatasetRow | null; missing: string | null; found: boolean }>(sql`
    with wanted as (select e, a, n from unnest(${arrayParam(experimentIds, "varchar")}, ${arrayParam(associationIds, "varchar")}) with ordinality as x(e, a, n)),
    missing as (select e from wanted where not exists (select 1 from experiments x where x.experiment_id::text = wanted.e) order by n limit 1),
    ds as (select dataset_id from evaluation_datasets where dataset_id = ${id} and not exists (select 1 from missing)),
    links as (
      insert into entity_associations (association_id, source_type, source_id, destination_type, destination_id, created_time)
      select distinct on (w.e) w.a, ${DATASET}, ds.dataset_id, ${EXPERIMENT}, w.e, ${now} from ds, wanted w
      on conflict do nothing
      returning 1),
    touched as (update evaluation_datasets d set last_update_time = ${now} where d.dataset_id = (select dataset_id from ds) returning d.*)
    select (select ${datasetJson("t")} from touched t) as d, (select e from missing) as missing,
           exists (select 1 from evaluation_datasets where dataset_id = ${id}) as found, (select count(*) from links) as n`);
  const row = result.rows[0]!;
  return { found: row.found, dataset: row.d ? toRow(row.d) : undefined, missing: row.missing };
}

/** Unlinks experiments; the dataset's update time moves only when a link went away. */
export async function removeDatasetFromExperiments(db: Db, id: string, experimentIds: string[], now: number): Promise<DatasetRow | undefined> {
  const result = await db.execute<{ d: DatasetRow | null }>(sql`
    with removed as (
      delete from entity_associations where ${linked(id)} and destination_id = any(${arrayParam(experimentIds, "varchar")}) returning 1),
    touched as (update evaluation_datasets d set last_update_time = ${now} where d.dataset_id = ${id} and exists (select 1 from removed) returning d.*)
    select coalesce((select ${datasetJson("t")} from touched t), (select ${datasetJson("d")} from evaluation_datasets d where d.dataset_id = ${id})) as d`);
  const row = result.rows[0]!;
  return row.d ? toRow(row.d) : undefined;
}
