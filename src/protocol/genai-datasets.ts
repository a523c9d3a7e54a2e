/**
 * GenAI evaluation datasets on the wire: MLflow 3.18's dataset RPCs (service.proto; handler schemas
 * in server/handlers.py) and the mlflow.datasets.Dataset message. `tags`, `records`, `schema` and
 * `profile` are JSON carried as strings.
 */
import type { DatasetRow } from "../services/genai-datasets";
import { storedTagsJson } from "../services/genai-datasets";
import { experimentId, int32, isArray, isIntLike, isString, isStringList, message, repeated, string } from "./message";
import { listIf, setIf, type Json } from "./proto-json";

export const CreateDataset = message({
  name: string().required().check(isString),
  experiment_ids: repeated(experimentId()).check(isArray, isStringList),
  tags: string().check(isString),
  // Accepted and ignored, as MLflow's handler ignores them.
  source: string(),
  schema: string(),
  profile: string(),
  created_by: string(),
});

export const SearchEvaluationDatasets = message({
  experiment_ids: repeated(experimentId()).check(isArray, isStringList),
  filter_string: string().check(isString),
  max_results: int32().check(isIntLike),
  order_by: repeated(string()).check(isArray, isStringList),
  page_token: string().check(isString),
});

export const SetDatasetTags = message({ dataset_id: string(), tags: string().required().check(isString) });
export const UpsertDatasetRecords = message({ dataset_id: string(), records: string().required().check(isString), updated_by: string() });
export const GetDatasetRecords = message({ dataset_id: string(), max_results: int32().check(isIntLike), page_token: string().check(isString) });
export const DeleteDatasetRecords = message({ dataset_id: string(), dataset_record_ids: repeated(string()).check(isArray, isStringList) });
export const DatasetExperiments = message({ dataset_id: string(), experiment_ids: repeated(experimentId()).check(isArray, isStringList) });

/** The Dataset message; `tagsJson` and `experimentIds` where the answer carries them (create). */
export function datasetToWire(row: DatasetRow, extra: { tagsJson?: string; experimentIds?: string[] } = {}): Json {
  const out: Json = { dataset_id: row.dataset_id, name: row.name, tags: extra.tagsJson ?? storedTagsJson(row) };
  setIf(out, "schema", row.schema);
  setIf(out, "profile", row.profile);
  setIf(out, "digest", row.digest);
  setIf(out, "created_time", row.created_time);
  setIf(out, "last_update_time", row.last_update_time);
  setIf(out, "created_by", row.created_by);
  setIf(out, "last_updated_by", row.last_updated_by);
  listIf(out, "experiment_ids", extra.experimentIds ?? []);
  return out;
}
