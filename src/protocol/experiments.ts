/** Experiments on the wire: request messages (MLflow's service.proto and handler schemas) and responses. */
import type { DatasetSummaryRow } from "../db/inputs";
import type { ExperimentRow } from "../db/experiments";
import { KeyValue, enumOf, experimentId, int64, isArray, isIntLike, isString, message, repeated, string, type Infer } from "./message";
import { listIf, setIf, type Json } from "./proto-json";

export const VIEW_TYPES = ["ACTIVE_ONLY", "DELETED_ONLY", "ALL"] as const;

export const CreateExperiment = message({
  name: string().required().check(isString),
  artifact_location: string().check(isString),
  tags: repeated(KeyValue).check(isArray),
});

const ById = { experiment_id: experimentId().required().check(isString) };

export const GetExperiment = message(ById);
export const DeleteExperiment = message(ById);
export const RestoreExperiment = message(ById);

export const GetExperimentByName = message({ experiment_name: string().required().check(isString) });

export const UpdateExperiment = message({ ...ById, new_name: string().check(isString).required() });

export const SetExperimentTag = message({ ...ById, key: string().required().check(isString), value: string().check(isString) });

export const DeleteExperimentTag = message({ ...ById, key: string().required().check(isString) });

export const SearchExperiments = message({
  max_results: int64().check(isIntLike),
  page_token: string().check(isString),
  filter: string().check(isString),
  order_by: repeated(string()).check(isArray),
  view_type: enumOf(VIEW_TYPES).check(isIntLike),
});
export type SearchExperiments = Infer<typeof SearchExperiments>;

/** The UI's dataset summaries (MLflow serves it under /ajax-api only). */
export const SearchDatasets = message({ experiment_ids: repeated(experimentId()) });

export function experimentToWire(e: ExperimentRow): Json {
  const out: Json = { experiment_id: String(e.experimentId), name: e.name };
  setIf(out, "artifact_location", e.artifactLocation);
  setIf(out, "lifecycle_stage", e.lifecycleStage);
  setIf(out, "last_update_time", e.lastUpdateTime);
  setIf(out, "creation_time", e.creationTime);
  listIf(
    out,
    "tags",
    e.tags.map((t) => ({ key: t.key, value: t.value ?? "" })),
  );
  out.workspace = e.workspace;
  return out;
}

export function datasetSummaryToWire(s: DatasetSummaryRow): Json {
  const out: Json = { experiment_id: String(s.experiment_id), name: s.name, digest: s.digest };
  if (s.context) out.context = s.context;
  return out;
}
