/** Registered models, tags, aliases and registry search, with the MLflow SQL store's rules. */
import type { Db } from "../db/client";
import * as repo from "../db/registry";
import * as versions from "../db/model-versions";
import { MlflowError } from "../errors";
import { decodePageToken, encodePageToken } from "../search/page-token";
import {
  parseModelVersionFilter,
  parseModelVersionOrderBy,
  parseRegisteredModelFilter,
  parseRegisteredModelOrderBy,
} from "../search/registry-filter";
import { pyList } from "../search/parser";
import {
  ACTIVE_STAGES,
  canonicalStage,
  parseVersion,
  STAGES,
  validateAliasName,
  validateAliasNotReserved,
  validateModelName,
  validateModelVersionTag,
  validateRegisteredModelTag,
} from "./registry-validation";

export type { ModelVersionJson, RegisteredModelJson } from "../db/registry";

export const IS_PROMPT_TAG = "mlflow.prompt.is_prompt";

export function modelNotFound(name: string): MlflowError {
  return MlflowError.notFound(`Registered Model with name=${name} not found`);
}

export function versionNotFound(name: string, version: number | string): MlflowError {
  return MlflowError.notFound(`Model Version (name=${name}, version=${version}) not found`);
}

export async function createRegisteredModel(
  db: Db,
  input: { name?: string; description?: string; tags: { key: string; value: string }[] },
): Promise<repo.RegisteredModelJson> {
  const name = validateModelName(input.name);
  input.tags.forEach((t) => validateRegisteredModelTag(t.key, t.value));
  const tags = [...new Map(input.tags.map((t) => [t.key, t])).values()];
  const now = Date.now();
  const description = input.description ?? "";
  const { created, existingIsPrompt } = await repo.insertRegisteredModel(db, { name, description, tags, now });
  if (!created) {
    const newIsPrompt = input.tags.some((t) => t.key === IS_PROMPT_TAG);
    const oldEntity = existingIsPrompt ? "Prompt" : "Registered Model";
    const newEntity = newIsPrompt ? "Prompt" : "Registered Model";
    if (oldEntity !== newEntity) {
      throw MlflowError.alreadyExists(
        `Tried to create a ${newEntity.toLowerCase()} with name '${name}', but the name is already taken by a ${oldEntity.toLowerCase()}. MLflow does not allow creating a model and a prompt with the same name.`,
      );
    }
    throw MlflowError.alreadyExists(`${newEntity} (name=${name}) already exists.`);
  }
  return { name, creation_time: now, last_updated_time: now, description, tags, aliases: [], latest_versions: [] };
}

export async function getRegisteredModel(db: Db, name: string | undefined): Promise<repo.RegisteredModelJson> {
  const valid = validateModelName(name);
  const model = await repo.findRegisteredModel(db, valid);
  if (!model) throw modelNotFound(valid);
  return model;
}

export async function updateRegisteredModel(db: Db, name: string, description: string): Promise<repo.RegisteredModelJson> {
  const valid = validateModelName(name);
  const model = await repo.updateRegisteredModelDescription(db, valid, description, Date.now());
  if (!model) throw modelNotFound(valid);
  return model;
}

export async function renameRegisteredModel(db: Db, name: string, newName: string | undefined): Promise<repo.RegisteredModelJson> {
  if (newName === undefined || newName.trim() === "") throw MlflowError.invalidParameter("Missing value for required parameter 'new_name'.");
  validateModelName(newName);
  validateModelName(name);
  const { found, taken } = await repo.renameRegisteredModel(db, name, newName, Date.now());
  if (!found) throw modelNotFound(name);
  if (taken && name !== newName) throw MlflowError.alreadyExists(`Registered Model (name=${newName}) already exists.`);
  return getRegisteredModel(db, newName);
}

export async function deleteRegisteredModel(db: Db, name: string): Promise<void> {
  const valid = validateModelName(name);
  if (!(await repo.deleteRegisteredModel(db, valid))) throw modelNotFound(valid);
}

const MAX_REGISTERED_MODELS = 1000;

export async function searchRegisteredModels(
  db: Db,
  input: { filter?: string; maxResults: number; orderBy?: string[]; pageToken?: string },
): Promise<{ models: repo.RegisteredModelJson[]; nextPageToken?: string }> {
  if (input.maxResults > MAX_REGISTERED_MODELS) {
    throw MlflowError.invalidParameter(
      `Invalid value for request parameter max_results. It must be at most ${MAX_REGISTERED_MODELS}, but got value ${input.maxResults}`,
    );
  }
  const clauses = parseRegisteredModelFilter(input.filter);
  const order = parseRegisteredModelOrderBy(input.orderBy);
  const offset = decodePageToken(input.pageToken);
  const limit = Math.max(input.maxResults, 0) + 1;
  const rows = await repo.searchRegisteredModels(db, { clauses, order, limit, offset });
  if (rows.length < limit) return { models: rows };
  return { models: rows.slice(0, input.maxResults), nextPageToken: encodePageToken(offset + input.maxResults) };
}

const MAX_MODEL_VERSIONS = 200_000;

export async function searchModelVersions(
  db: Db,
  input: { filter?: string; maxResults: number; orderBy?: string[]; pageToken?: string },
): Promise<{ versions: repo.ModelVersionJson[]; nextPageToken?: string }> {
  if (!Number.isInteger(input.maxResults) || input.maxResults < 1) {
    throw MlflowError.invalidParameter(`Invalid value for max_results. It must be a positive integer, but got ${input.maxResults}`);
  }
  if (input.maxResults > MAX_MODEL_VERSIONS) {
    throw MlflowError.invalidParameter(
      `Invalid value for request parameter max_results. It must be at most ${MAX_MODEL_VERSIONS}, but got value ${input.maxResults}`,
    );
  }
  const clauses = parseModelVersionFilter(input.filter);
  const order = parseModelVersionOrderBy(input.orderBy);
  const offset = decodePageToken(input.pageToken);
  const limit = input.maxResults + 1;
  const rows = await versions.searchModelVersions(db, { clauses, order, limit, offset });
  if (rows.length < limit) return { versions: rows };
  return { versions: rows.slice(0, input.maxResults), nextPageToken: encodePageToken(offset + input.maxResults) };
}

export async function getLatestVersions(db: Db, name: string, stages: string[]): Promise<repo.ModelVersionJson[]> {
  const valid = validateModelName(name);
  const wanted = stages.length === 0 ? [...STAGES] : stages.map(canonicalStage);
  const result = await repo.findLatestVersions(db, valid, wanted);
  if (!result) throw modelNotFound(valid);
  return result;
}

export async function setRegisteredModelTag(db: Db, name: string, key: string, value: string): Promise<void> {
  const valid = validateModelName(name);
  validateRegisteredModelTag(key, value);
  if (!(await repo.setRegisteredModelTag(db, valid, key, value))) throw modelNotFound(valid);
}

export async function deleteRegisteredModelTag(db: Db, name: string, key: string): Promise<void> {
  const valid = validateModelName(name);
  validateKey(key);
  if (!(await repo.deleteRegisteredModelTag(db, valid, key))) throw modelNotFound(valid);
}

function validateKey(key: string): void {
  validateRegisteredModelTag(key, null);
}

// ---- aliases ------------------------------------------------------------------------------------

export async function setAlias(db: Db, name: string, alias: string, version: string): Promise<void> {
  const valid = validateModelName(name);
  validateAliasName(alias);
  validateAliasNotReserved(alias);
  const v = parseVersion(version);
  if (!(await repo.setAlias(db, valid, alias, v))) throw versionNotFound(valid, v);
}

export async function deleteAlias(db: Db, name: string, alias: string): Promise<void> {
  const valid = validateModelName(name);
  validateAliasName(alias);
  if (!(await repo.deleteAlias(db, valid, alias))) throw modelNotFound(valid);
}

export async function getVersionByAlias(db: Db, name: string, alias: string): Promise<repo.ModelVersionJson> {
  const valid = validateModelName(name);
  validateAliasName(alias);
  if (alias.toLowerCase() === "latest") {
    const latest = await getLatestVersions(db, valid, []);
    if (latest.length === 0) throw MlflowError.notFound(`Latest version not found for model ${valid}.`);
    return latest.reduce((a, b) => (b.version > a.version ? b : a));
  }
  const found = await repo.findVersionByAlias(db, valid, alias);
  if (!found.modelFound) throw modelNotFound(valid);
  if (found.version === null) throw MlflowError.invalidParameter(`Registered model alias ${alias} not found.`);
  if (!found.model) throw versionNotFound(valid, found.version);
  return found.model;
}

// ---- simple model-version operations --------------------------------------------------------------

export async function getModelVersion(db: Db, name: string, version: string): Promise<repo.ModelVersionJson> {
  const valid = validateModelName(name);
  const v = parseVersion(version);
  const mv = await versions.findModelVersion(db, valid, v);
  if (!mv) throw versionNotFound(valid, v);
  return mv;
}

export async function updateModelVersion(db: Db, name: string, version: string, description: string | null): Promise<repo.ModelVersionJson> {
  const valid = validateModelName(name);
  const v = parseVersion(version);
  const mv = await versions.updateModelVersionDescription(db, valid, v, description, Date.now());
  if (!mv) throw versionNotFound(valid, v);
  return mv;
}

export async function transitionStage(db: Db, name: string, version: string, stage: string, archive: boolean): Promise<repo.ModelVersionJson> {
  const canonical = canonicalStage(stage);
  if (archive && !ACTIVE_STAGES.includes(canonical)) {
    // MLflow raises this without an error code (a 500); it is a client error, so we answer 400.
    throw MlflowError.invalidParameter(
      `Model version transition cannot archive existing model versions because '${stage}' is not an Active stage. Valid stages are ${pyList(ACTIVE_STAGES)}`,
    );
  }
  const valid = validateModelName(name);
  const v = parseVersion(version);
  const mv = await versions.transitionStage(db, { name: valid, version: v, stage: canonical, archiveOthers: archive, now: Date.now() });
  if (!mv) throw versionNotFound(valid, v);
  return mv;
}

export async function deleteModelVersion(db: Db, name: string, version: string): Promise<void> {
  const v = parseVersion(version);
  const valid = validateModelName(name);
  if (!(await versions.deleteModelVersion(db, valid, v, Date.now()))) throw versionNotFound(valid, v);
}

export async function getDownloadUri(db: Db, name: string, version: string): Promise<string> {
  const valid = validateModelName(name);
  const v = parseVersion(version);
  const uri = await versions.findDownloadUri(db, valid, v);
  if (uri === undefined) throw versionNotFound(valid, v);
  return uri ?? "";
}

export async function setModelVersionTag(db: Db, name: string, version: string, key: string, value: string): Promise<void> {
  const valid = validateModelName(name);
  const v = parseVersion(version);
  validateModelVersionTag(key, value);
  if (!(await versions.setModelVersionTag(db, valid, v, key, value))) throw versionNotFound(valid, v);
}

export async function deleteModelVersionTag(db: Db, name: string, version: string, key: string): Promise<void> {
  const valid = validateModelName(name);
  const v = parseVersion(version);
  validateKey(key);
  if (!(await versions.deleteModelVersionTag(db, valid, v, key))) throw versionNotFound(valid, v);
}
