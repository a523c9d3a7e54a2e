/**
 * Registry and logged-model rows to MLflow's proto-JSON shapes (proto2: unset fields omitted,
 * empty repeated fields omitted, set empty strings kept), following the entities' to_proto().
 */
import type { ModelVersionJson, RegisteredModelJson } from "../db/registry-json";
import type { LoggedModelJson } from "../db/logged-models";
import { wireDouble } from "./http";
import { listIf, setIf, type Json } from "./wire";

function tagToWire(t: { key: string; value: string | null }): Json {
  const out: Json = { key: t.key };
  setIf(out, "value", t.value);
  return out;
}

export function modelVersionToWire(mv: ModelVersionJson): Json {
  const out: Json = { name: mv.name, version: String(mv.version) };
  setIf(out, "creation_timestamp", mv.creation_time);
  setIf(out, "last_updated_timestamp", mv.last_updated_time);
  setIf(out, "description", mv.description);
  setIf(out, "user_id", mv.user_id);
  setIf(out, "current_stage", mv.current_stage);
  setIf(out, "source", mv.source);
  setIf(out, "run_id", mv.run_id);
  setIf(out, "run_link", mv.run_link);
  setIf(out, "status", mv.status);
  if (mv.status_message) out.status_message = mv.status_message;
  listIf(out, "tags", mv.tags.map(tagToWire));
  listIf(out, "aliases", mv.aliases);
  return out;
}

export function registeredModelToWire(rm: RegisteredModelJson): Json {
  const out: Json = { name: rm.name };
  setIf(out, "creation_timestamp", rm.creation_time);
  if (rm.last_updated_time) out.last_updated_timestamp = rm.last_updated_time;
  if (rm.description) out.description = rm.description;
  listIf(out, "latest_versions", rm.latest_versions.map(modelVersionToWire));
  listIf(out, "tags", rm.tags.map(tagToWire));
  listIf(
    out,
    "aliases",
    rm.aliases.map((a) => ({ alias: a.alias, version: String(a.version) })),
  );
  return out;
}

const LOGGED_MODEL_STATUS = ["LOGGED_MODEL_STATUS_UNSPECIFIED", "LOGGED_MODEL_PENDING", "LOGGED_MODEL_READY", "LOGGED_MODEL_UPLOAD_FAILED"];

export function loggedModelStatusName(status: number): string {
  return LOGGED_MODEL_STATUS[status] ?? "LOGGED_MODEL_STATUS_UNSPECIFIED";
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
