/** Experiment lifecycle with the MLflow SQL store's rules. */
import type { Db } from "../db/client";
import { sqlState } from "../db/client";
import * as repo from "../db/experiments";

import { validateNewExperimentLocation } from "../artifacts/locations";
import type { ReadScope } from "../auth/access";
import type { Config } from "../env";
import { MlflowError } from "../errors";
import type { ViewType } from "./paging";
import { experimentFilterToSql, experimentOrderByToSql, parseExperimentFilter, parseExperimentOrderBy } from "../search";
import { paginate, readPageToken, stagesFor, validateMaxResults, type Page } from "./paging";
import { LIMITS, exceedsMaximumLength, parseExperimentId, validateExperimentName, validateExperimentTag } from "./validation";

export const DEFAULT_EXPERIMENT_ID = 0;

/** MLflow joins URI paths with exactly one slash. */
export function artifactPrefix(root: string): string {
  return root.endsWith("/") ? root : `${root}/`;
}

function notFound(id: number): MlflowError {
  return MlflowError.notFound(`No Experiment with id=${id} exists`);
}

function mustBeActive(id: number, stage: string): void {
  if (stage !== "active") {
    throw MlflowError.invalidParameter(`The experiment ${id} must be in the 'active' state. Current state is ${stage}.`);
  }
}

export interface NewExperiment {
  name: string;
  artifactLocation?: string;
  tags: { key: string; value?: string }[];
  /** With permissions on, locations inside our store are the server's to choose (see artifacts/locations.ts). */
  permissionsEnforced: boolean;
}

export async function createExperiment(db: Db, config: Config, input: NewExperiment): Promise<string> {
  const name = validateExperimentName(input.name);
  const location = input.artifactLocation ? input.artifactLocation : null;
  if (location && location.length > LIMITS.artifactLocation) throw exceedsMaximumLength("artifact_location", LIMITS.artifactLocation);
  if (location) validateNewExperimentLocation(location, config.artifacts, input.permissionsEnforced);
  const tags = input.tags.map((t) => {
    validateExperimentTag(t.key, t.value);
    return { key: t.key, value: t.value ?? "" };
  });
  try {
    const id = await repo.insertExperiment(db, {
      name,
      artifactLocation: location,
      artifactPrefix: artifactPrefix(config.defaultArtifactRoot),
      tags: dedupeLastWins(tags),
      now: Date.now(),
    });
    return String(id);
  } catch (err) {
    if (sqlState(err) === "23505") throw MlflowError.alreadyExists(`Experiment(name=${name}) already exists.`);
    throw err;
  }
}

function dedupeLastWins(tags: { key: string; value: string }[]): { key: string; value: string }[] {
  return [...new Map(tags.map((t) => [t.key, t])).values()];
}

export async function getExperiment(db: Db, rawId: string): Promise<repo.ExperimentRow> {
  const id = parseExperimentId(rawId || DEFAULT_EXPERIMENT_ID);
  const row = await repo.findExperimentById(db, id);
  if (!row) throw notFound(id);
  return row;
}

export async function getExperimentByName(db: Db, name: string): Promise<repo.ExperimentRow> {
  const row = await repo.findExperimentByName(db, name);
  if (!row) throw MlflowError.notFound(`Could not find experiment with name '${name}'`);
  return row;
}

export async function deleteExperiment(db: Db, rawId: string): Promise<void> {
  const id = parseExperimentId(rawId);
  const before = await repo.setExperimentLifecycle(db, id, "active", "deleted", Date.now());
  // MLflow looks the experiment up among active ones only, so a deleted one is "not found".
  if (before !== "active") throw notFound(id);
}

export async function restoreExperiment(db: Db, rawId: string): Promise<void> {
  const id = parseExperimentId(rawId);
  const before = await repo.setExperimentLifecycle(db, id, "deleted", "active", Date.now());
  if (before !== "deleted") throw notFound(id);
}

export async function renameExperiment(db: Db, rawId: string, newName: string): Promise<void> {
  const name = validateExperimentName(newName);
  const id = parseExperimentId(rawId);
  try {
    const stage = await repo.renameExperiment(db, id, name, Date.now());
    if (stage === undefined) throw notFound(id);
    // The reference raises INVALID_STATE (HTTP 500), which makes the client retry a deterministic
    // error for minutes; a 400 tells it at once.
    if (stage !== "active") throw MlflowError.invalidParameter("Cannot rename a non-active experiment.");
  } catch (err) {
    if (sqlState(err) === "23505") throw MlflowError.alreadyExists(`Experiment(name=${name}) already exists.`);
    throw err;
  }
}

export async function setExperimentTag(db: Db, rawId: string, key: string, value: string): Promise<void> {
  validateExperimentTag(key, value);
  const id = parseExperimentId(rawId);
  const stage = await repo.upsertExperimentTag(db, id, key, value);
  if (stage === undefined) throw notFound(id);
  mustBeActive(id, stage);
}

export async function deleteExperimentTag(db: Db, rawId: string, key: string): Promise<void> {
  const id = parseExperimentId(rawId);
  const { stage, deleted } = await repo.deleteExperimentTag(db, id, key);
  if (stage === undefined) throw notFound(id);
  mustBeActive(id, stage);
  if (!deleted) throw MlflowError.notFound(`No tag with name: ${key} in experiment with id ${rawId}`);
}

export interface SearchExperimentsRequest {
  filter?: string;
  viewType?: ViewType;
  maxResults?: number;
  orderBy: string[];
  pageToken?: string;
  /** What the caller may read (null: everything). */
  scope: ReadScope | null;
}

export async function searchExperiments(db: Db, r: SearchExperimentsRequest): Promise<Page<repo.ExperimentRow>> {
  const maxResults = validateMaxResults(r.maxResults);
  const where = experimentFilterToSql(parseExperimentFilter(r.filter));
  const orderBy = experimentOrderByToSql(parseExperimentOrderBy(r.orderBy));
  const offset = readPageToken(r.pageToken);
  const stages = stagesFor(r.viewType);
  if (stages.length === 0) return { items: [] };
  if (r.scope && "include" in r.scope && r.scope.include.length === 0) return { items: [] };
  const rows = await repo.searchExperimentsPage(db, { where, orderBy, offset, limit: maxResults + 1, stages, scope: r.scope });
  return paginate(rows, offset, maxResults);
}
