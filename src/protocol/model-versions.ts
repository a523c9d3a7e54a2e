/** Model versions on the wire: request messages (MLflow's model_registry.proto and handler schemas) and responses. */
import type { ModelVersionJson } from "../db/registered-models";
import { KeyValue, atMost, bool, int64, isArray, isBool, isIntLike, isString, isStringList, message, repeated, string } from "./message";
import { listIf, setIf, type Json } from "./proto-json";

const NameVersion = { name: string().check(isString).required(), version: string().check(isString).required() };

export const CreateModelVersion = message({
  name: string().check(isString).required(),
  source: string().check(isString).required(),
  run_id: string().check(isString),
  tags: repeated(KeyValue).check(isArray),
  run_link: string().check(isString),
  description: string().check(isString),
  model_id: string().check(isString),
});

export const GetModelVersion = message(NameVersion);
export const UpdateModelVersion = message({ ...NameVersion, description: string().check(isString) });
export const TransitionModelVersionStage = message({
  ...NameVersion,
  stage: string().check(isString).required(),
  archive_existing_versions: bool().check(isBool),
});
export const DeleteModelVersion = message(NameVersion);
/** MLflow declares no schema for this one: missing fields reach the store as "". */
export const GetModelVersionDownloadUri = message({ name: string(), version: string() });
export const SetModelVersionTag = message({ ...NameVersion, key: string().check(isString).required(), value: string().check(isString) });
export const DeleteModelVersionTag = message({ ...NameVersion, key: string().check(isString).required() });

export const SearchModelVersions = message({
  filter: string().check(isString),
  max_results: int64().check(isIntLike, atMost(200_000)),
  order_by: repeated(string()).check(isArray, isStringList),
  page_token: string().check(isString),
});

export function tagToWire(t: { key: string; value: string | null }): Json {
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
