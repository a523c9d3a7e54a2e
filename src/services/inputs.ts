/** Run inputs (datasets, models), run outputs (models) and dataset summaries, with MLflow's rules. */
import type { Db } from "../db/client";
import * as repo from "../db/inputs";
import { MlflowError } from "../errors";
import { exceedsMaximumLength, LIMITS, parseExperimentId, validateRunId } from "./validation";
import type { Int64 } from "../lib/int64";

export interface DatasetInput {
  tags: { key: string; value: string }[];
  dataset: { name: string; digest: string; sourceType: string; source: string; schema: string | null; profile: string | null };
}

const hexId = () => crypto.randomUUID().replace(/-/g, "");
const length = (s: string) => Array.from(s).length;

function validateDatasetInput(d: DatasetInput): void {
  const ds = d.dataset;
  if (length(ds.name) > LIMITS.datasetName) throw exceedsMaximumLength("name", LIMITS.datasetName);
  if (length(ds.digest) > LIMITS.datasetDigest) throw exceedsMaximumLength("digest", LIMITS.datasetDigest);
  if (length(ds.source) > LIMITS.datasetSource) throw exceedsMaximumLength("source", LIMITS.datasetSource);
  if (ds.schema !== null && length(ds.schema) > LIMITS.datasetSchema) throw exceedsMaximumLength("schema", LIMITS.datasetSchema);
  if (ds.profile !== null && length(ds.profile) > LIMITS.datasetProfile) throw exceedsMaximumLength("profile", LIMITS.datasetProfile);
  for (const t of d.tags) {
    if (length(t.key) > LIMITS.inputTagKey) throw exceedsMaximumLength("key", LIMITS.inputTagKey);
    if (length(t.value) > LIMITS.inputTagValue) throw exceedsMaximumLength("value", LIMITS.inputTagValue);
  }
}

function checkRunStage(runId: string, stage: string | undefined): void {
  if (stage === undefined) throw MlflowError.notFound(`Run with id=${runId} not found`);
  if (stage !== "active") throw MlflowError.invalidParameter(`The run ${runId} must be in the 'active' state. Current state is ${stage}.`);
}

/** MLflow's log_inputs: the first input of each (name, digest) wins; links are never duplicated. */
export async function logInputs(db: Db, runId: string, datasets: DatasetInput[], modelIds: string[]): Promise<void> {
  validateRunId(runId);
  datasets.forEach(validateDatasetInput);
  const unique = new Map<string, DatasetInput>();
  for (const d of datasets) {
    const key = `${d.dataset.name}\u0000${d.dataset.digest}`;
    if (!unique.has(key)) unique.set(key, d);
  }
  const rows = [...unique.values()].map((d) => ({
    ...d.dataset,
    newDatasetUuid: hexId(),
    newInputUuid: hexId(),
    tags: [...new Map(d.tags.map((t) => [t.key, t])).values()],
  }));
  const models = [...new Set(modelIds)].map((modelId) => ({ modelId, inputUuid: hexId() }));
  checkRunStage(runId, await repo.writeRunInputs(db, runId, rows, models));
}

export async function logOutputs(db: Db, runId: string, models: { modelId: string; step: Int64 }[]): Promise<void> {
  const byModel = new Map(models.map((m) => [m.modelId, { ...m, inputUuid: hexId() }]));
  checkRunStage(runId, await repo.writeRunOutputs(db, runId, [...byModel.values()]));
}

const MAX_EXPERIMENTS_PER_DATASET_SEARCH = 20;

export async function searchDatasets(db: Db, experimentIds: string[]): Promise<repo.DatasetSummaryRow[]> {
  if (experimentIds.length === 0) {
    throw MlflowError.invalidParameter("SearchDatasets request must specify at least one experiment_id.");
  }
  if (experimentIds.length > MAX_EXPERIMENTS_PER_DATASET_SEARCH) {
    throw MlflowError.invalidParameter(
      `SearchDatasets request cannot specify more than ${MAX_EXPERIMENTS_PER_DATASET_SEARCH} experiment_ids. Received ${experimentIds.length} experiment_ids.`,
    );
  }
  return repo.findDatasetSummaries(db, experimentIds.map(parseExperimentId));
}
