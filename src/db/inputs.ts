/**
 * SQL for run inputs and outputs: datasets (deduplicated per experiment by name and digest) linked
 * to runs with their input tags, logged models used or produced by runs, and dataset summaries.
 * Each write is one statement that does nothing unless the run is active.
 */
import { sql } from "drizzle-orm";
import type { Db } from "./client";
import { retryOnUniqueRace } from "./races";
import type { Int64 } from "../lib/int64";
import { arrayParam } from "../lib/sql";

export interface DatasetInputRow {
  name: string;
  digest: string;
  sourceType: string;
  source: string;
  schema: string | null;
  profile: string | null;
  /** Fresh ids, used only if this dataset / this run-dataset link does not exist yet. */
  newDatasetUuid: string;
  newInputUuid: string;
  tags: { key: string; value: string }[];
}

/**
 * Links datasets and models to a run as inputs. An existing dataset of the run's experiment with
 * the same name and digest is reused; a dataset already linked to the run keeps its link and tags.
 * Returns the run's stage (undefined when the run does not exist); nothing is written unless active.
 */
export async function writeRunInputs(
  db: Db,
  runId: string,
  datasets: DatasetInputRow[],
  models: { modelId: string; inputUuid: string }[],
): Promise<string | undefined> {
  // Concurrent requests logging the same new dataset: see src/db/races.ts.
  return retryOnUniqueRace(() => writeRunInputsOnce(db, runId, datasets, models));
}

async function writeRunInputsOnce(
  db: Db,
  runId: string,
  datasets: DatasetInputRow[],
  models: { modelId: string; inputUuid: string }[],
): Promise<string | undefined> {
  const tagRows = datasets.flatMap((d, idx) => d.tags.map((t) => ({ idx, ...t })));
  const result = await db.execute<{ stage: string | null }>(sql`
    with run as (select experiment_id, lifecycle_stage from runs where run_uuid = ${runId}),
    ok as (select experiment_id from run where lifecycle_stage = 'active'),
    batch as (
      select * from unnest(
        ${arrayParam(datasets.map((d) => d.name), "varchar")}, ${arrayParam(datasets.map((d) => d.digest), "varchar")},
        ${arrayParam(datasets.map((d) => d.sourceType), "varchar")}, ${arrayParam(datasets.map((d) => d.source), "text")},
        ${arrayParam(datasets.map((d) => d.schema), "text")}, ${arrayParam(datasets.map((d) => d.profile), "text")},
        ${arrayParam(datasets.map((d) => d.newDatasetUuid), "varchar")}, ${arrayParam(datasets.map((d) => d.newInputUuid), "varchar")},
        ${arrayParam(datasets.map((_, i) => i), "integer")}
      ) as t(name, digest, source_type, source, schema, profile, new_dataset_uuid, new_input_uuid, idx)
    ),
    existing as (
      select d.dataset_uuid, d.name, d.digest from datasets d join ok on d.experiment_id = ok.experiment_id
      join batch b on b.name = d.name and b.digest = d.digest
    ),
    new_datasets as (
      insert into datasets (dataset_uuid, experiment_id, name, digest, dataset_source_type, dataset_source, dataset_schema, dataset_profile)
      select b.new_dataset_uuid, ok.experiment_id, b.name, b.digest, b.source_type, b.source, b.schema, b.profile
      from batch b, ok
      where not exists (select 1 from existing e where e.name = b.name and e.digest = b.digest)
      returning dataset_uuid, name, digest
    ),
    all_datasets as (select * from existing union all select * from new_datasets),
    new_inputs as (
      insert into inputs (input_uuid, source_type, source_id, destination_type, destination_id, step)
      select b.new_input_uuid, 'DATASET', a.dataset_uuid, 'RUN', ${runId}, 0
      from batch b join all_datasets a on a.name = b.name and a.digest = b.digest
      where not exists (select 1 from inputs i where i.source_type = 'DATASET' and i.source_id = a.dataset_uuid
                                                 and i.destination_type = 'RUN' and i.destination_id = ${runId})
      returning input_uuid
    ),
    new_tags as (
      insert into input_tags (input_uuid, name, value)
      select b.new_input_uuid, t.k, t.v
      from unnest(${arrayParam(tagRows.map((t) => t.idx), "integer")}, ${arrayParam(tagRows.map((t) => t.key), "varchar")},
                  ${arrayParam(tagRows.map((t) => t.value), "varchar")}) as t(idx, k, v)
      join batch b on b.idx = t.idx
      where b.new_input_uuid in (select input_uuid from new_inputs)
      on conflict do nothing
      returning 1
    ),
    model_inputs as (
      insert into inputs (input_uuid, source_type, source_id, destination_type, destination_id, step)
      select u, 'RUN_INPUT', ${runId}, 'MODEL_INPUT', m, 0
      from unnest(${arrayParam(models.map((m) => m.modelId), "varchar")}, ${arrayParam(models.map((m) => m.inputUuid), "varchar")}) as t(m, u)
      where exists (select 1 from ok)
      on conflict do nothing
      returning 1
    )
    select (select lifecycle_stage from run) as stage,
           (select count(*) from new_tags) + (select count(*) from model_inputs) as written`);
  return result.rows[0]?.stage ?? undefined;
}

/** Records logged models as outputs of an active run; returns the run's stage. */
export async function writeRunOutputs(db: Db, runId: string, models: { modelId: string; step: Int64; inputUuid: string }[]): Promise<string | undefined> {
  const result = await db.execute<{ stage: string | null }>(sql`
    with run as (select lifecycle_stage from runs where run_uuid = ${runId}),
    outputs as (
      insert into inputs (input_uuid, source_type, source_id, destination_type, destination_id, step)
      select u, 'RUN_OUTPUT', ${runId}, 'MODEL_OUTPUT', m, s
      from unnest(${arrayParam(models.map((m) => m.modelId), "varchar")}, ${arrayParam(models.map((m) => m.step), "bigint")},
                  ${arrayParam(models.map((m) => m.inputUuid), "varchar")}) as t(m, s, u)
      where exists (select 1 from run where lifecycle_stage = 'active')
      on conflict (source_type, source_id, destination_type, destination_id) do update set step = excluded.step
      returning 1
    )
    select (select lifecycle_stage from run) as stage, (select count(*) from outputs) as written`);
  return result.rows[0]?.stage ?? undefined;
}

export type DatasetSummaryRow = {
  experiment_id: number;
  name: string;
  digest: string;
  context: string | null;
};

/** Distinct (experiment, dataset, context) triples of the experiments' dataset inputs, at most 1000. */
export async function findDatasetSummaries(db: Db, experimentIds: number[]): Promise<DatasetSummaryRow[]> {
  const result = await db.execute<DatasetSummaryRow>(sql`
    select distinct d.experiment_id, d.name, d.digest, it.value as context
    from datasets d
    join inputs i on i.source_id = d.dataset_uuid
    left join input_tags it on it.input_uuid = i.input_uuid and it.name = 'mlflow.data.context'
    where d.experiment_id = any(${arrayParam(experimentIds, "integer")})
    limit 1000`);
  return result.rows;
}
