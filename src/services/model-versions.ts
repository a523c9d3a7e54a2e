/** Model versions: reads, edits, stage transitions and search, with the MLflow SQL store's rules. Creation is in ./model-version-create.ts. */
import type { Db } from "../db/client";
import * as versions from "../db/model-versions";
import type { ModelVersionJson } from "../db/registered-models";
import { sql } from "drizzle-orm";
import { modelVersionWhere, registryOrderBy, scopeWhere, type RegistryScope } from "../search/registry-sql";
import { MlflowError } from "../errors";
import { pyList } from "../lib/python-repr";
import { parseModelVersionFilter, parseModelVersionOrderBy } from "../search/registry-filter";
import { paginate, readPageToken, type Page } from "./paging";
import { versionNotFound, validateTagKey } from "./registered-models";
import { ACTIVE_STAGES, canonicalStage, parseVersion, validateModelName, validateModelVersionTag } from "./registry-validation";

export async function getModelVersion(db: Db, name: string, version: string): Promise<ModelVersionJson> {
  const valid = validateModelName(name);
  const v = parseVersion(version);
  const mv = await versions.findModelVersion(db, valid, v);
  if (!mv) throw versionNotFound(valid, v);
  return mv;
}

export async function updateModelVersion(db: Db, name: string, version: string, description: string | null): Promise<ModelVersionJson> {
  const valid = validateModelName(name);
  const v = parseVersion(version);
  const mv = await versions.updateModelVersionDescription(db, valid, v, description, Date.now());
  if (!mv) throw versionNotFound(valid, v);
  return mv;
}

export async function transitionStage(db: Db, name: string, version: string, stage: string, archive: boolean): Promise<ModelVersionJson> {
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
  validateTagKey(key);
  if (!(await versions.deleteModelVersionTag(db, valid, v, key))) throw versionNotFound(valid, v);
}

const MAX_MODEL_VERSIONS = 200_000;

export async function searchModelVersions(
  db: Db,
  input: { filter?: string; maxResults: number; orderBy?: string[]; pageToken?: string; scope: RegistryScope },
): Promise<Page<ModelVersionJson>> {
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
  const offset = readPageToken(input.pageToken);
  const where = sql`${modelVersionWhere(clauses)} and ${scopeWhere(input.scope, "mv")}`;
  const rows = await versions.searchModelVersions(db, { where, orderBy: registryOrderBy(order, "mv"), limit: input.maxResults + 1, offset });
  return paginate(rows, offset, input.maxResults);
}
