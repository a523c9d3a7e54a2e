/** MLflow 3 logged models on the wire: request messages and responses. */
import type { LoggedModelJson } from "../db/logged-models";
import { KeyValue, bool, enumOf, experimentId, int32, isArray, isIntLike, isString, isStringList, message, repeated, string } from "./message";
import { listIf, setIf, wireDouble, type Json } from "./proto-json";

export const LOGGED_MODEL_STATUSES = ["LOGGED_MODEL_STATUS_UNSPECIFIED", "LOGGED_MODEL_PENDING", "LOGGED_MODEL_READY", "LOGGED_MODEL_UPLOAD_FAILED"] as const;

export const CreateLoggedModel = message({
  experiment_id: experimentId().check(isString).required(),
  name: string().check(isString),
  model_type: string().check(isString),
  source_run_id: string().check(isString),
  params: repeated(KeyValue).check(isArray),
  tags: repeated(KeyValue).check(isArray),
});

export const SearchLoggedModels = message({
  experiment_ids: repeated(experimentId()).check(isArray, isStringList).required(),
  filter: string().check(isString),
  datasets: repeated(message({ dataset_name: string(), dataset_digest: string() })).check(isArray),
  max_results: int32().check(isIntLike),
  order_by: repeated(message({ field_name: string(), ascending: bool(), dataset_name: string(), dataset_digest: string() })).check(isArray),
  page_token: string().check(isString),
});

/** A route's `{model_id}` path parameter, decoded once by the router. */
const ModelId = { model_id: string().check(isString).required() };

export const FinalizeLoggedModel = message({ ...ModelId, status: enumOf(LOGGED_MODEL_STATUSES.slice(1)).check(isIntLike).required() });
export const SetLoggedModelTags = message({ model_id: string(), tags: repeated(KeyValue).check(isArray) });
export const LogLoggedModelParams = message({ ...ModelId, params: repeated(KeyValue).check(isArray) });

export function loggedModelStatusName(status: number): string {
  return LOGGED_MODEL_STATUSES[status] ?? "LOGGED_MODEL_STATUS_UNSPECIFIED";
}

export function loggedModelToWire(m: LoggedModelJson): Json {
  const info: Json = {
    experiment_id: String(m.experiment_id),
    model_id: m.model_id,
    name: m.name,
    artifact_uri: m.artifact_location,
    creation_timestamp_ms: m.creation_timestamp_ms,
    last_updated_timestamp_ms: m.last_updated_timestamp_ms,
  };
  setIf(info, "model_type", m.model_type);
  setIf(info, "source_run_id", m.source_run_id);
  info.status = loggedModelStatusName(m.status);
  setIf(info, "status_message", m.status_message);
  listIf(info, "tags", m.tags.map((t) => ({ key: t.key, value: t.value })));
  const data: Json = {};
  listIf(data, "params", m.params.map((p) => ({ key: p.key, value: p.value })));
  listIf(
    data,
    "metrics",
    m.metrics.map((x) => {
      const metric: Json = { key: x.key, value: x.value === null ? 0 : wireDouble(x.value), timestamp: x.timestamp, step: x.step };
      if (x.model_id) metric.model_id = x.model_id;
      if (x.dataset_name) metric.dataset_name = x.dataset_name;
      if (x.dataset_digest) metric.dataset_digest = x.dataset_digest;
      if (x.run_id) metric.run_id = x.run_id;
      return metric;
    }),
  );
  return { info, data };
}
