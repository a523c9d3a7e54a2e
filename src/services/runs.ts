/** Run lifecycle and logging with the MLflow SQL store's rules; every write is one statement. */
import type { Db } from "../db/client";
import * as repo from "../db/runs";
import type { RunDetails } from "../db/runs";

import { MlflowError } from "../errors";
import type { Int64 } from "../lib/int64";
import { pyRepr } from "../lib/python-repr";
import { randomRunName } from "../lib/run-names";
import { parseRunFilter, parseRunOrderBy, runFilterToSql, runOrderByToSql } from "../search";
import { paginate, readPageToken, stagesFor, validateMaxResults, type Page, type ViewType } from "./paging";
import { DEFAULT_EXPERIMENT_ID } from "./experiments";
import { linkRunMetricsToModels, type RunMetricForModel } from "./logged-models";
import {
  parseExperimentId,
  sanitizeMetricValue,
  validateBatchLimits,
  validateMetric,
  validateParam,
  validateRunId,
  validateRunTag,
  validateUniqueParamKeys,
} from "./validation";

export const RUN_NAME_TAG = "mlflow.runName";

function runNotFound(runId: string): MlflowError {
  return MlflowError.notFound(`Run with id=${runId} not found`);
}

function mustBeActive(runId: string, stage: string | undefined): void {
  if (stage === undefined) throw runNotFound(runId);
  if (stage !== "active") {
    throw MlflowError.invalidParameter(`The run ${runId} must be in the 'active' state. Current state is ${stage}.`);
  }
}

function newRunId(): string {
  return crypto.randomUUID().replace(/-/g, "");
}

export interface CreateRunInput {
  experimentId?: string;
  userId?: string;
  runName?: string;
  startTime?: Int64;
  tags: { key: string; value: string }[];
}

export async function createRun(db: Db, input: CreateRunInput): Promise<RunDetails> {
  const experimentId = parseExperimentId(input.experimentId || DEFAULT_EXPERIMENT_ID);
  const tags = [...new Map(input.tags.map((t) => [t.key, t])).values()];
  const nameTag = tags.find((t) => t.key === RUN_NAME_TAG)?.value;
  if (input.runName && nameTag && input.runName !== nameTag) {
    throw MlflowError.invalidParameter(
      `Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='${input.runName}', mlflow.runName='${nameTag}').`,
    );
  }
  const name = input.runName || nameTag || randomRunName();
  if (!nameTag) tags.push({ key: RUN_NAME_TAG, value: name });
  const runId = newRunId();
  const userId = input.userId ?? "";
  const startTime = input.startTime ?? 0;
  const { stage, artifactUri } = await repo.insertRun(db, { runId, experimentId, name, userId, startTime, tags });
  if (stage === undefined) throw MlflowError.notFound(`No Experiment with id=${experimentId} exists`);
  if (stage !== "active") {
    throw MlflowError.invalidParameter(`The experiment ${experimentId} must be in the 'active' state. Current state is ${stage}.`);
  }
  return {
    run: {
      runUuid: runId,
      name,
      userId,
      status: "RUNNING",
      startTime,
      endTime: null,
      artifactUri,
      lifecycleStage: "active",
      experimentId,
    },
    metrics: [],
    params: [],
    tags,
    datasetInputs: [],
  };
}

export async function getRun(db: Db, runId: string): Promise<RunDetails> {
  const details = await repo.findRunDetails(db, runId);
  if (!details) throw runNotFound(runId);
  return details;
}

export async function updateRun(db: Db, runId: string, update: repo.RunInfoUpdate): Promise<repo.RunRow> {
  const { stage, run } = await repo.updateRunInfo(db, runId, { ...update, name: update.name || undefined });
  mustBeActive(runId, stage);
  return run!;
}

export async function deleteRun(db: Db, runId: string): Promise<void> {
  if (!(await repo.setRunLifecycle(db, runId, "deleted", Date.now()))) throw runNotFound(runId);
}

export async function restoreRun(db: Db, runId: string): Promise<void> {
  if (!(await repo.setRunLifecycle(db, runId, "active", null))) throw runNotFound(runId);
}

/** A metric to log; MLflow 3 metrics naming a logged model (and dataset) are recorded against it too. */
export type MetricInput = RunMetricForModel;

export interface BatchInput {
  metrics: MetricInput[];
  params: { key: string; value: string }[];
  tags: { key: string; value: string }[];
}

type BatchKind = "batch" | "metric" | "param" | "tag";

export function logMetric(db: Db, runId: string, metric: MetricInput): Promise<void> {
  return writeLogged(db, runId, { metrics: [metric], params: [], tags: [] }, "metric");
}

export function logParam(db: Db, runId: string, key: string, value: string): Promise<void> {
  return writeLogged(db, runId, { metrics: [], params: [{ key, value }], tags: [] }, "param");
}

export function setTag(db: Db, runId: string, key: string, value: string): Promise<void> {
  return writeLogged(db, runId, { metrics: [], params: [], tags: [{ key, value }] }, "tag");
}

export function logBatch(db: Db, runId: string, input: BatchInput): Promise<void> {
  return writeLogged(db, runId, input, "batch");
}

/**
 * Validates and writes what a log-batch, log-metric, log-parameter or set-tag call carries, in
 * one statement; `kind` selects MLflow's error paths for the single forms.
 */
async function writeLogged(db: Db, runId: string, input: BatchInput, kind: BatchKind): Promise<void> {
  if (kind === "batch") validateRunId(runId);
  const single = kind !== "batch";
  const metrics = input.metrics.map((m, i) => {
    const step = m.step ?? 0;
    validateMetric({ key: m.key, value: m.value, timestamp: m.timestamp, step }, single ? "" : `metrics[${i}]`);
    return { key: m.key, timestamp: m.timestamp, step, ...sanitizeMetricValue(m.value) };
  });
  const params = input.params.map((p, i) => ({ key: p.key, value: validateParam(p.key, p.value, single ? "" : `params[${i}]`) }));
  const tags = input.tags.map((t, i) => ({ key: t.key, value: validateRunTag(t.key, t.value, single ? "" : `tags[${i}]`) }));
  if (kind === "batch") {
    validateBatchLimits(metrics.length, params.length, tags.length);
    validateUniqueParamKeys(params.map((p) => p.key));
  }
  const uniqueMetrics = [...new Map(metrics.map((m) => [`${m.key}\u0000${m.timestamp}\u0000${m.step}\u0000${m.value}\u0000${m.isNan}`, m])).values()];
  const uniqueTags = [...new Map(tags.map((t) => [t.key, t])).values()];
  const outcome = await repo.writeBatch(db, runId, { metrics: uniqueMetrics, params, tags: uniqueTags });
  mustBeActive(runId, outcome.stage);
  if (outcome.conflicts.length > 0) {
    if (kind === "param") {
      const c = outcome.conflicts[0]!;
      throw MlflowError.invalidParameter(
        `Changing param values is not allowed. Param with key='${c.key}' was already logged with value='${c.old_value}' for run ID='${runId}'. Attempted logging new value '${c.new_value}'.`,
      );
    }
    const listed = outcome.conflicts
      .map((c) => `{'key': ${pyRepr(c.key)}, 'old_value': ${pyRepr(c.old_value)}, 'new_value': ${pyRepr(c.new_value)}}`)
      .join(", ");
    throw MlflowError.invalidParameter(`Changing param values is not allowed. Params were already logged='[${listed}]' for run ID='${runId}'.`);
  }
  await linkRunMetricsToModels(db, runId, input.metrics);
}

export async function deleteTag(db: Db, runId: string, key: string): Promise<void> {
  const { stage, deleted } = await repo.deleteRunTag(db, runId, key);
  mustBeActive(runId, stage);
  if (!deleted) throw MlflowError.notFound(`No tag with name: ${key} in run with id ${runId}`);
}

export interface SearchRunsRequest {
  experimentIds: string[];
  filter?: string;
  viewType: ViewType;
  maxResults: number;
  orderBy: string[];
  pageToken?: string;
}

/** search_runs: MLflow's semantics, one statement per page. */
export async function searchRuns(db: Db, r: SearchRunsRequest): Promise<Page<RunDetails>> {
  const maxResults = validateMaxResults(r.maxResults);
  const where = runFilterToSql(parseRunFilter(r.filter));
  const ordering = runOrderByToSql(parseRunOrderBy(r.orderBy));
  const offset = readPageToken(r.pageToken);
  const experimentIds = r.experimentIds.map(parseExperimentId);
  if (experimentIds.length === 0) return { items: [] };
  const rows = await repo.searchRunsPage(db, experimentIds, { where, joins: ordering.joins, orderBy: ordering.items, offset, limit: maxResults + 1, stages: stagesFor(r.viewType) });
  return paginate(rows, offset, maxResults);
}
