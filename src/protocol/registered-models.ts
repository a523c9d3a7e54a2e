/** Registered models on the wire: request messages (MLflow's model_registry.proto and handler schemas) and responses. */
import type { RegisteredModelJson } from "../db/registered-models";
import { KeyValue, atMost, int64, isArray, isIntLike, isString, isStringList, message, repeated, string } from "./message";
import { modelVersionToWire, tagToWire } from "./model-versions";
import { listIf, setIf, type Json } from "./proto-json";

const Name = { name: string().check(isString).required() };

export const CreateRegisteredModel = message({ ...Name, tags: repeated(KeyValue).check(isArray), description: string().check(isString) });
export const GetRegisteredModel = message(Name);
export const UpdateRegisteredModel = message({ ...Name, description: string().check(isString) });
export const RenameRegisteredModel = message({ ...Name, new_name: string().check(isString).required() });
export const DeleteRegisteredModel = message(Name);
export const GetLatestVersions = message({ ...Name, stages: repeated(string()).check(isArray, isStringList) });
export const SetRegisteredModelTag = message({ ...Name, key: string().check(isString).required(), value: string().check(isString) });
export const DeleteRegisteredModelTag = message({ ...Name, key: string().check(isString).required() });
export const SetRegisteredModelAlias = message({ ...Name, alias: string().check(isString).required(), version: string().check(isString).required() });
export const DeleteRegisteredModelAlias = message({ ...Name, alias: string().check(isString).required() });
export const GetModelVersionByAlias = message({ ...Name, alias: string().check(isString).required() });

export const SearchRegisteredModels = message({
  filter: string().check(isString),
  max_results: int64().check(isIntLike, atMost(1000)),
  order_by: repeated(string()).check(isArray, isStringList),
  page_token: string().check(isString),
});

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
