/** Runs on the wire: request messages (MLflow's service.proto and handler schemas) and responses. */
import type { RunDetails, RunRow } from "../db/runs";
import { MlflowError } from "../errors";
import { SEARCH_MAX_RESULTS_THRESHOLD } from "../lib/mlflow-limits";
import { VIEW_TYPES } from "./experiments";
import { metricToWire } from "./metrics";
import {
  KeyValue,
  double,
  entriesRequire,
  enumOf,
  experimentId,
  int32,
  int64,
  isArray,
  isFloatLike,
  isIntLike,
  isString,
  message,
  nested,
  repeated,
  string,
  withRunId,
  type Check,
  type Infer,
} from "./message";
import { int64Json } from "../lib/int64";
import { listIf, setIf, type Json } from "./proto-json";

export const RUN_STATUSES = ["RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED"] as const;

/** Runs named by id, where MLflow's handlers also take the legacy `run_uuid`. */
const RunRef = { run_id: string().required().check(isString), run_uuid: string() };

export const CreateRun = message({
  experiment_id: experimentId().check(isString),
  user_id: string(),
  run_name: string().check(isString),
  start_time: int64().check(isIntLike),
  tags: repeated(KeyValue),
});

export const GetRun = message(RunRef).map(withRunId);

export const UpdateRun = message({
  ...RunRef,
  status: enumOf(RUN_STATUSES).check(isString),
  end_time: int64().check(isIntLike),
  run_name: string().check(isString),
}).map(withRunId);

export const DeleteRun = message({ run_id: string().required().check(isString) });
export const RestoreRun = message({ run_id: string().required().check(isString) });

const MetricFields = {
  key: string(),
  value: double(),
  timestamp: int64(),
  step: int64(),
  model_id: string(),
  dataset_name: string(),
  dataset_digest: string(),
};
export const Metric = message(MetricFields);
export type Metric = Infer<typeof Metric>;

export const LogMetric = message({
  ...RunRef,
  key: string().required().check(isString),
  value: double().required().check(isFloatLike),
  timestamp: int64().check(isIntLike).required(),
  step: int64().check(isIntLike),
  model_id: string().check(isString),
  dataset_name: string().check(isString),
  dataset_digest: string().check(isString),
}).map(withRunId);

export const LogParam = message({ ...RunRef, key: string().required().check(isString), value: string().check(isString) }).map(withRunId);

export const SetTag = message({ ...RunRef, key: string().required().check(isString), value: string().check(isString) }).map(withRunId);

export const DeleteTag = message({ run_id: string().required().check(isString), key: string().required().check(isString) });

export const LogBatch = message({
  run_id: string().check(isString).required(),
  metrics: repeated(Metric).check(isArray, entriesRequire("key", "value", "timestamp")),
  params: repeated(KeyValue).check(isArray, entriesRequire("key")),
  tags: repeated(KeyValue).check(isArray, entriesRequire("key")),
});

const Dataset = message({
  name: string(),
  digest: string(),
  source_type: string(),
  source: string(),
  schema: string(),
  profile: string(),
});
const DatasetInput = message({ tags: repeated(KeyValue), dataset: nested(Dataset) });

export const LogInputs = message({
  run_id: string().required().check(isString),
  datasets: repeated(DatasetInput).check(isArray),
  models: repeated(message({ model_id: string() })).check(isArray),
});

export const LogOutputs = message({
  run_id: string().required().check(isString),
  models: repeated(message({ model_id: string(), step: int64() })).required().check(isArray),
});

/** MLflow lists a bad order_by without a type hint. */
const allStrings: Check = ({ value, field }) => {
  if (Array.isArray(value) && !value.every((x) => typeof x === "string")) {
    throw MlflowError.invalidParameter(
      `Invalid value ${JSON.stringify(value)} for parameter '${field}' supplied. See the API docs for more information about request parameters.`,
    );
  }
};

const atMostThreshold: Check = ({ value, field }) => {
  if (value !== undefined && Number(value) > SEARCH_MAX_RESULTS_THRESHOLD) {
    throw MlflowError.invalidParameter(
      `Invalid value ${value} for parameter '${field}' supplied. See the API docs for more information about request parameters.`,
    );
  }
};

export const SearchRuns = message({
  experiment_ids: repeated(experimentId()).check(isArray),
  filter: string().check(isString),
  run_view_type: enumOf(VIEW_TYPES),
  max_results: int32().check(isIntLike, atMostThreshold),
  order_by: repeated(string()).check(isArray, allStrings),
  page_token: string(),
});

export function runInfoToWire(r: RunRow): Json {
  const out: Json = { run_uuid: r.runUuid, experiment_id: String(r.experimentId) };
  setIf(out, "run_name", r.name);
  setIf(out, "user_id", r.userId);
  setIf(out, "status", r.status);
  if (r.startTime !== null) out.start_time = int64Json(r.startTime);
  if (r.endTime !== null) out.end_time = int64Json(r.endTime);
  setIf(out, "artifact_uri", r.artifactUri);
  setIf(out, "lifecycle_stage", r.lifecycleStage);
  out.run_id = r.runUuid;
  return out;
}

export function runToWire(d: RunDetails, opts: { outputs: boolean } = { outputs: true }): Json {
  const data: Json = {};
  listIf(data, "metrics", d.metrics.map((m) => metricToWire(m)));
  listIf(data, "params", d.params.map((p) => ({ key: p.key, value: p.value })));
  listIf(data, "tags", d.tags.map((t) => ({ key: t.key, value: t.value ?? "" })));
  const inputs: Json = {};
  listIf(
    inputs,
    "dataset_inputs",
    d.datasetInputs.map((i) => {
      const dataset: Json = { name: i.dataset.name, digest: i.dataset.digest, source_type: i.dataset.sourceType, source: i.dataset.source };
      setIf(dataset, "schema", i.dataset.schema);
      setIf(dataset, "profile", i.dataset.profile);
      const out: Json = {};
      listIf(out, "tags", i.tags);
      out.dataset = dataset;
      return out;
    }),
  );
  listIf(inputs, "model_inputs", d.modelInputs ?? []);
  const run: Json = { info: runInfoToWire(d.run), data, inputs };
  if (opts.outputs) {
    const outputs: Json = {};
    listIf(outputs, "model_outputs", (d.modelOutputs ?? []).map((o) => ({ model_id: o.model_id, step: int64Json(o.step) })));
    run.outputs = outputs;
  }
  return run;
}
