/** Shapes of MLflow's REST responses that the UI reads. int64 fields may be strings (see json.ts). */
export type Int64 = number | string;

export interface KeyValue {
  key: string;
  value: string;
}

export interface Experiment {
  experiment_id: string;
  name: string;
  artifact_location?: string;
  lifecycle_stage?: string;
  creation_time?: Int64;
  last_update_time?: Int64;
  tags?: KeyValue[];
}

export interface Metric {
  key: string;
  value: number | string;
  timestamp: Int64;
  step?: Int64;
  run_id?: string;
  dataset_name?: string;
  dataset_digest?: string;
  model_id?: string;
}

export interface RunInfo {
  run_id: string;
  run_uuid?: string;
  run_name?: string;
  experiment_id: string;
  user_id?: string;
  status?: string;
  start_time?: Int64;
  end_time?: Int64;
  artifact_uri?: string;
  lifecycle_stage?: string;
}

export interface Run {
  info: RunInfo;
  data?: { metrics?: Metric[]; params?: KeyValue[]; tags?: KeyValue[] };
  inputs?: {
    dataset_inputs?: { dataset: { name: string; digest: string; source_type?: string; source?: string; schema?: string; profile?: string }; tags?: KeyValue[] }[];
    model_inputs?: { model_id: string }[];
  };
  outputs?: { model_outputs?: { model_id: string; step?: Int64 }[] };
}

export interface LoggedModel {
  info: {
    model_id: string;
    experiment_id: string;
    name: string;
    creation_timestamp_ms?: Int64;
    last_updated_timestamp_ms?: Int64;
    artifact_uri?: string;
    status?: string;
    creator_id?: Int64;
    model_type?: string;
    source_run_id?: string;
    status_message?: string;
    tags?: KeyValue[];
    registrations?: { name: string; version: string }[];
  };
  data?: { params?: KeyValue[]; metrics?: Metric[] };
}

export interface FileInfo {
  path: string;
  is_dir?: boolean;
  file_size?: Int64;
}

export interface RegisteredModel {
  name: string;
  creation_timestamp?: Int64;
  last_updated_timestamp?: Int64;
  description?: string;
  latest_versions?: ModelVersion[];
  tags?: KeyValue[];
  aliases?: { alias: string; version: string }[];
  user_id?: string;
}

export interface ModelVersion {
  name: string;
  version: string;
  creation_timestamp?: Int64;
  last_updated_timestamp?: Int64;
  current_stage?: string;
  description?: string;
  source?: string;
  run_id?: string;
  status?: string;
  tags?: KeyValue[];
  aliases?: string[];
  user_id?: string;
  model_id?: string;
  status_message?: string;
}

export const NOTE_TAG = "mlflow.note.content";
export const PARENT_TAG = "mlflow.parentRunId";

export function tagValue(tags: KeyValue[] | undefined, key: string): string | undefined {
  return tags?.find((t) => t.key === key)?.value;
}
