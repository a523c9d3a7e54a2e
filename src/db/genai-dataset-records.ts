/**
 * SQL for GenAI dataset records (evaluation_dataset_records). JSON columns are written and read as
 * text: Postgres' `json` type keeps the text as sent, so rows carry Python's json.dumps bytes both
 * ways (what the reference server writes, we read back unchanged, and vice versa).
 */
import { sql } from "drizzle-orm";
import type { Db } from "./client";
import { arrayParam } from "../lib/sql";

/** A stored record with its JSON columns as text. */
export type RecordRow = {
  dataset_record_id: string;
  dataset_id: string;
  input_hash: string;
  inputs: string;
  outputs: string | null;
  expectations: string | null;
  tags: string | null;
  source: string | null;
  source_id: string | null;
  created_time: number | null;
  last_update_time: number | null;
  created_by: string | null;
  last_updated_by: string | null;
};

const COLUMNS = sql.raw(`dataset_record_id, dataset_id, input_hash, inputs::text as inputs, outputs::text as outputs,
  expectations::text as expectations, tags::text as tags, source::text as source, source_id,
  created_time::text as created_time, last_update_time::text as last_update_time, created_by, last_updated_by`);

const toRow = (r: RecordRow): RecordRow => ({
  ...r,
  created_time: r.created_time === null ? null : Number(r.created_time),
  last_update_time: r.last_update_time === null ? null : Number(r.last_update_time),
});

/** What an upsert decides from: the dataset, and the stored records with these input hashes. */
export async function readForUpsert(
  db: Db,
  datasetId: string,
  hashes: string[],
): Promise<{ found: boolean; name: string | null; schema: string | null; version: string | null; existing: RecordRow[] }> {
  const result = await db.execute<{ found: boolean; name: string | null; schema: string | null; version: string | null; existing: RecordRow[] | null }>(sql`
    select exists (select 1 from evaluation_datasets where dataset_id = ${datasetId}) as found,
           (select xmin::text from evaluation_datasets where dataset_id = ${datasetId}) as version,
           (select name from evaluation_datasets where dataset_id = ${datasetId}) as name,
           (select schema from evaluation_datasets where dataset_id = ${datasetId}) as schema,
           (select json_agg(r) from (select ${COLUMNS} from evaluation_dataset_records
              where dataset_id = ${datasetId} and input_hash = any(${arrayParam(hashes, "varchar")})) r) as existing`);
  const row = result.rows[0]!;
  return { found: row.found, name: row.name, schema: row.schema, version: row.version, existing: (row.existing ?? []).map(toRow) };
}

export interface NewRecord {
  id: string;
  inputHash: string;
  inputs: string;
  outputs: string | null;
  expectations: string | null;
  tags: string | null;
  source: string | null;
  sourceId: string | null;
  sourceType: string | null;
  createdBy: string | null;
}

export interface MergedRecord {
  id: string;
  outputs: string | null;
  expectations: string | null;
  tags: string | null;
  lastUpdatedBy: string | null;
}

/**
 * Writes an upsert decided from readForUpsert, atomically, and only if the dataset has not changed
 * since it was read: every write to a dataset's records also updates the dataset's row (here, in
 * MLflow's store, and in record deletions), so that row's version (`xmin`) stands for all of them.
 * The statement locks the row first, so writers of one dataset queue up in the same order (no
 * deadlock with ours); when the version moved, nothing is written, `ok` is false and the caller
 * decides again from a fresh read. New records are inserted without ON CONFLICT, so a concurrent
 * insert of the same inputs elsewhere fails this statement whole instead of being dropped.
 */
export async function writeUpsert(
  db: Db,
  w: { datasetId: string; version: string; inserts: NewRecord[]; merges: MergedRecord[]; now: number; updatedBy: string | null; digest: string; schema: string | null },
): Promise<boolean> {
  const m = w.merges;
  const ins = w.inserts;
  const result = await db.execute<{ ok: boolean }>(sql`
    with locked as (select dataset_id from evaluation_datasets where dataset_id = ${w.datasetId} and xmin::text = ${w.version} for update),
    inserted as (
      insert into evaluation_dataset_records (dataset_record_id, dataset_id, inputs, outputs, expectations, tags, source, source_id, source_type,
                                              created_time, last_update_time, created_by, last_updated_by, input_hash)
      select id, ${w.datasetId}, i::json, o::json, e::json, t::json, s::json, sid, st, ${w.now}, ${w.now}, cb, cb, h
      from unnest(${arrayParam(ins.map((x) => x.id), "varchar")}, ${arrayParam(ins.map((x) => x.inputs), "text")}, ${arrayParam(ins.map((x) => x.outputs), "text")},
        ${arrayParam(ins.map((x) => x.expectations), "text")}, ${arrayParam(ins.map((x) => x.tags), "text")}, ${arrayParam(ins.map((x) => x.source), "text")},
        ${arrayParam(ins.map((x) => x.sourceId), "varchar")}, ${arrayParam(ins.map((x) => x.sourceType), "varchar")}, ${arrayParam(ins.map((x) => x.createdBy), "varchar")},
        ${arrayParam(ins.map((x) => x.inputHash), "varchar")}) with ordinality as x(id, i, o, e, t, s, sid, st, cb, h, n)
      where exists (select 1 from locked)
      order by n
      returning 1),
    merged as (
      update evaluation_dataset_records r set outputs = u.o::json, expectations = u.e::json, tags = u.t::json, last_update_time = ${w.now}, last_updated_by = u.lub
      from unnest(${arrayParam(m.map((x) => x.id), "varchar")}, ${arrayParam(m.map((x) => x.outputs), "text")}, ${arrayParam(m.map((x) => x.expectations), "text")},
        ${arrayParam(m.map((x) => x.tags), "text")}, ${arrayParam(m.map((x) => x.lastUpdatedBy), "varchar")}) as u(id, o, e, t, lub)
      where r.dataset_record_id = u.id and exists (select 1 from locked)
      returning 1),
    total as (select (select count(*) from evaluation_dataset_records where dataset_id = ${w.datasetId}) + (select count(*) from inserted) as c),
    dataset as (
      update evaluation_datasets set last_update_time = ${w.now}, last_updated_by = ${w.updatedBy}, digest = ${w.digest},
        schema = coalesce(${w.schema}, schema),
        profile = case when (select c from total) > 0 then '{"num_records": ' || (select c from total) || '}' else profile end
      where dataset_id = ${w.datasetId} and exists (select 1 from locked)
      returning 1)
    select exists (select 1 from locked) as ok, (select count(*) from merged) + (select count(*) from dataset) as n`);
  return result.rows[0]!.ok;
}

/** A page of records in MLflow's order (created_time, dataset_record_id), after a cursor. */
export async function recordsPage(db: Db, datasetId: string, after: { createdTime: number; recordId: string } | null, limit: number): Promise<RecordRow[]> {
  const cursor = after
    ? sql`and (created_time > ${after.createdTime} or (created_time = ${after.createdTime} and dataset_record_id > ${after.recordId}))`
    : sql``;
  const result = await db.execute<RecordRow>(sql`
    select ${COLUMNS} from evaluation_dataset_records where dataset_id = ${datasetId} ${cursor}
    order by created_time, dataset_record_id limit ${limit}`);
  return result.rows.map(toRow);
}

/**
 * Deletes records of a dataset; when any went, the dataset's profile count drops by as many
 * (MLflow writes JSON null when none are left).
 */
export async function deleteRecords(db: Db, datasetId: string, ids: string[]): Promise<number> {
  const result = await db.execute<{ deleted: number }>(sql`
    with gone as (delete from evaluation_dataset_records where dataset_id = ${datasetId} and dataset_record_id = any(${arrayParam(ids, "varchar")}) returning 1),
    n as (select count(*)::int as c from gone),
    profile as (
      update evaluation_datasets d set profile = case
          when greatest(0, coalesce((d.profile::json ->> 'num_records')::int, 0) - (select c from n)) > 0
          then '{"num_records": ' || greatest(0, coalesce((d.profile::json ->> 'num_records')::int, 0) - (select c from n)) || '}'
          else 'null' end
      where d.dataset_id = ${datasetId} and (select c from n) > 0
      returning 1)
    select (select c from n) as deleted, (select count(*) from profile) as p`);
  return Number(result.rows[0]!.deleted);
}
