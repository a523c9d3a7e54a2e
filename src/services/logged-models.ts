/** MLflow 3 logged models: validation and orchestration over src/db/logged-models.ts. */
import type { Db } from "../db/client";
import * as repo from "../db/logged-models";
import { loggedModelOrderBy, loggedModelWhere, type DatasetFilter, type LoggedModelOrder } from "../search/logged-model-sql";
import { MlflowError } from "../errors";
import { randomRunName } from "../lib/run-names";
import { parseLoggedModelFilter } from "../search/logged-model-filter";
import { checkOrderByCount } from "../search/limits";
import { pyJson, pyRepr } from "../lib/python-repr";
import type { Int64 } from "../lib/int64";
import { paginate, type Page } from "./paging";
import { parseExperimentId, sanitizeMetricValue } from "./validation";

export type { LoggedModelJson } from "../db/logged-models";

const BAD_NAME_CHARS = ["/", ":", ".", "%", '"', "'"];

function notFound(modelId: string): MlflowError {
  return MlflowError.notFound(`Logged model with ID '${modelId}' not found.`);
}

const lastWins = (items: { key: string; value: string }[]) => [...new Map(items.map((i) => [i.key, i])).values()];

export interface CreateLoggedModelInput {
  experimentId: string;
  name?: string;
  modelType?: string;
  sourceRunId?: string;
  params: { key: string; value: string }[];
  tags: { key: string; value: string }[];
}

export async function createLoggedModel(db: Db, input: CreateLoggedModelInput): Promise<repo.LoggedModelJson> {
  const name = input.name || undefined;
  if (name !== undefined && BAD_NAME_CHARS.some((c) => name.includes(c))) {
    throw MlflowError.invalidParameter(
      `Invalid model name (${pyRepr(name)}) provided. Model name must be a non-empty string and cannot contain the following characters: ('/', ':', '.', '%', '"', "'")`,
    );
  }
  const experimentId = parseExperimentId(input.experimentId);
  const modelId = `m-${crypto.randomUUID().replace(/-/g, "")}`;
  const { stage, model } = await repo.insertLoggedModel(db, {
    modelId,
    experimentId,
    name: name ?? randomRunName(),
    modelType: input.modelType ?? null,
    sourceRunId: input.sourceRunId ?? null,
    params: lastWins(input.params),
    tags: lastWins(input.tags),
    now: Date.now(),
  });
  if (stage === undefined) throw MlflowError.notFound(`No Experiment with id=${experimentId} exists`);
  if (!model) throw MlflowError.invalidParameter(`The experiment ${experimentId} must be in the 'active' state. Current state is ${stage}.`);
  return model;
}

export async function getLoggedModel(db: Db, modelId: string, allowDeleted = false): Promise<repo.LoggedModelJson> {
  const model = await repo.findLoggedModel(db, modelId, allowDeleted);
  if (!model) throw notFound(modelId);
  return model;
}

export async function finalizeLoggedModel(db: Db, modelId: string, status: number): Promise<repo.LoggedModelJson> {
  if (![0, 1, 2, 3].includes(status)) throw MlflowError.invalidParameter(`Unknown model status: ${status}`);
  const model = await repo.finalizeLoggedModel(db, modelId, status, Date.now());
  if (!model) throw notFound(modelId);
  return model;
}

export async function deleteLoggedModel(db: Db, modelId: string): Promise<void> {
  if (!(await repo.softDeleteLoggedModel(db, modelId, Date.now()))) throw notFound(modelId);
}

export async function setLoggedModelTags(db: Db, modelId: string, tags: { key: string; value: string }[]): Promise<void> {
  if (!(await repo.upsertLoggedModelTags(db, modelId, lastWins(tags)))) throw notFound(modelId);
}

export async function deleteLoggedModelTag(db: Db, modelId: string, key: string): Promise<void> {
  const { found, deleted } = await repo.deleteLoggedModelTag(db, modelId, key);
  if (!found) throw notFound(modelId);
  if (!deleted) throw MlflowError.notFound(`No tag with key ${pyRepr(key)} found for model with ID ${pyRepr(modelId)}.`);
}

export async function logLoggedModelParams(db: Db, modelId: string, params: { key: string; value: string }[]): Promise<void> {
  if (!(await repo.insertLoggedModelParams(db, modelId, lastWins(params)))) throw notFound(modelId);
}

// ---- search -------------------------------------------------------------------------------------

const DEFAULT_MAX_RESULTS = 100;

interface PageToken {
  experiment_ids: string[];
  filter_string: string | null;
  order_by: LoggedModelOrder[] | null;
  offset: number;
}

function encodeToken(t: PageToken): string {
  const bytes = new TextEncoder().encode(pyJson(t));
  return btoa(String.fromCharCode(...bytes));
}

function decodeToken(token: string): PageToken {
  let parsed: Record<string, unknown>;
  try {
    const bin = atob(token);
    parsed = JSON.parse(new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0))));
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("not an object");
  } catch (e) {
    throw MlflowError.invalidParameter(`Invalid page token: ${token}. ${e instanceof Error ? e.message : String(e)}`);
  }
  const offset = Number(parsed.offset ?? 0);
  if (!Number.isSafeInteger(offset) || offset < 0) throw MlflowError.invalidParameter(`Invalid page token: ${token}.`);
  return {
    experiment_ids: (parsed.experiment_ids as string[]) ?? null,
    filter_string: (parsed.filter_string as string) || null,
    order_by: (parsed.order_by as LoggedModelOrder[]) || null,
    offset,
  };
}

const pyList = (xs: unknown) => (Array.isArray(xs) ? `[${xs.map((x) => (typeof x === "string" ? pyRepr(x) : pyJson(x))).join(", ")}]` : "None");

export interface SearchLoggedModelsInput {
  experimentIds: string[];
  filter?: string;
  datasets: { dataset_name?: string; dataset_digest?: string }[];
  maxResults?: number;
  orderBy: LoggedModelOrder[];
  pageToken?: string;
}

export async function searchLoggedModels(db: Db, input: SearchLoggedModelsInput): Promise<Page<repo.LoggedModelJson>> {
  if (input.datasets.some((d) => !d.dataset_name)) throw MlflowError.invalidParameter("`dataset_name` in the `datasets` clause must be specified.");
  const filter = input.filter || null;
  checkOrderByCount(input.orderBy.length);
  const orderBy = input.orderBy.length > 0 ? input.orderBy : null;
  let offset = 0;
  if (input.pageToken) {
    const token = decodeToken(input.pageToken);
    if (JSON.stringify(token.experiment_ids) !== JSON.stringify(input.experimentIds)) {
      throw MlflowError.invalidParameter(
        `Experiment IDs in the page token do not match the requested experiment IDs. Expected: ${pyList(input.experimentIds)}. Found: ${pyList(token.experiment_ids)}`,
      );
    }
    if (token.filter_string !== filter) {
      throw MlflowError.invalidParameter(
        `Filter string in the page token does not match the requested filter string. Expected: ${filter ?? "None"}. Found: ${token.filter_string ?? "None"}`,
      );
    }
    if (pyJson(token.order_by) !== pyJson(orderBy)) {
      throw MlflowError.invalidParameter("Order by in the page token does not match the requested order by.");
    }
    offset = token.offset;
  }
  const maxResults = input.maxResults || DEFAULT_MAX_RESULTS;
  const comparisons = parseLoggedModelFilter(filter ?? undefined);
  const experimentIds = input.experimentIds.map(parseExperimentId);
  const datasets: DatasetFilter[] = input.datasets.map((d) => ({ name: d.dataset_name!, digest: d.dataset_digest || null }));
  const models = await repo.searchLoggedModels(db, {
    where: loggedModelWhere(experimentIds, comparisons, datasets),
    orderBy: loggedModelOrderBy(orderBy ?? [], datasets),
    limit: maxResults + 1,
    offset,
  });
  // MLflow's tokens for logged models carry the request, so a page cannot be read with another one.
  return paginate(models, offset, maxResults, (next) =>
    encodeToken({ experiment_ids: input.experimentIds, filter_string: filter, order_by: orderBy, offset: next }),
  );
}

// ---- metrics linked to models -------------------------------------------------------------------

export interface RunMetricForModel {
  key: string;
  value: number;
  timestamp: Int64;
  step?: Int64;
  model_id?: string;
  dataset_name?: string;
  dataset_digest?: string;
}

/**
 * Copies the metrics of a log-metric / log-batch request that name a model into
 * logged_model_metrics, as MLflow's SQL store does after logging them to the run. Call it after
 * the run write succeeded (the run's metric validation has run by then). No-op without model ids.
 */
export async function linkRunMetricsToModels(db: Db, runId: string, metrics: RunMetricForModel[]): Promise<void> {
  const linked = metrics
    .filter((m) => m.model_id)
    .map((m) => ({
      modelId: m.model_id!,
      key: m.key,
      value: sanitizeMetricValue(m.value).value,
      timestamp: m.timestamp,
      step: m.step ?? 0,
      datasetName: m.dataset_name || null,
      datasetDigest: m.dataset_digest || null,
    }));
  if (linked.length === 0) return;
  await repo.insertModelMetrics(db, runId, linked);
}
