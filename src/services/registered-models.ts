/** Registered models, tags, aliases and registry search, with the MLflow SQL store's rules. */
import type { Db } from "../db/client";
import * as repo from "../db/registered-models";
import { sql } from "drizzle-orm";
import { IS_PROMPT_TAG, registeredModelWhere, registryOrderBy, scopeWhere, type RegistryScope } from "../search/registry-sql";
import { MlflowError } from "../errors";
import { parseRegisteredModelFilter, parseRegisteredModelOrderBy } from "../search/registry-filter";
import { paginate, readPageToken, type Page } from "./paging";
import {
  canonicalStage,
  parseVersion,
  STAGES,
  validateAliasName,
  validateAliasNotReserved,
  validateModelName,
  validateRegisteredModelTag,
} from "./registry-validation";

export type { ModelVersionJson, RegisteredModelJson } from "../db/registered-models";

export { IS_PROMPT_TAG };

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
  input: { filter?: string; maxResults: number; orderBy?: string[]; pageToken?: string; scope: RegistryScope },
): Promise<Page<repo.RegisteredModelJson>> {
  if (input.maxResults > MAX_REGISTERED_MODELS) {
    throw MlflowError.invalidParameter(
      `Invalid value for request parameter max_results. It must be at most ${MAX_REGISTERED_MODELS}, but got value ${input.maxResults}`,
    );
  }
  const clauses = parseRegisteredModelFilter(input.filter);
  const order = parseRegisteredModelOrderBy(input.orderBy);
  if (input.maxResults < 1) {
    throw MlflowError.invalidParameter(`Invalid value for max_results. It must be a positive integer, but got ${input.maxResults}`);
  }
  const offset = readPageToken(input.pageToken);
  const where = sql`${registeredModelWhere(clauses)} and ${scopeWhere(input.scope, "rm")}`;
  const rows = await repo.searchRegisteredModels(db, { where, orderBy: registryOrderBy(order, "rm"), limit: input.maxResults + 1, offset });
  return paginate(rows, offset, input.maxResults);
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
  validateTagKey(key);
  if (!(await repo.deleteRegisteredModelTag(db, valid, key))) throw modelNotFound(valid);
}

export function validateTagKey(key: string): void {
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
