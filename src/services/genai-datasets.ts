/**
 * GenAI evaluation datasets with MLflow 3.18's rules (SqlAlchemyStore.create_dataset, get_dataset,
 * delete_dataset, search_datasets, set_dataset_tags, delete_dataset_tag, get_dataset_experiment_ids,
 * add_dataset_to_experiments, remove_dataset_from_experiments). Records: genai-dataset-records.ts.
 */
import type { Db } from "../db/client";
import * as repo from "../db/genai-datasets";
import { MlflowError } from "../errors";
import { SEARCH_MAX_RESULTS_THRESHOLD } from "../lib/mlflow-limits";
import { pyFloatStr } from "../lib/python-repr";
import { dict, isDict, pyDumps, pyLoads, pyStrValue, pyTypeName, PyJsonError, type PyDict, type PyValue } from "../lib/python-json";
import { parseDatasetFilter, parseDatasetOrderBy } from "../search/dataset-filter";
import { datasetOrderBy, datasetWhere } from "../search/dataset-sql";
import { paginate, readPageToken, type Page } from "./paging";

export type { DatasetRow } from "../db/genai-datasets";

const MLFLOW_USER = "mlflow.user";
/** Column sizes of evaluation_datasets and its tags (MLflow fails in the database; we check first). */
const LIMITS = { name: 255, tagKey: 255, tagValue: 5000, user: 255 };

export const datasetNotFound = (id: string) => MlflowError.notFound(`Evaluation dataset with id '${id}' not found`);

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** `_compute_dataset_digest`: the first 8 hex digits of sha256("<name>:<last_update_time>"). */
export async function datasetDigest(name: string, time: number): Promise<string> {
  return (await sha256Hex(`${name}:${time}`)).slice(0, 8);
}

const bad = (message: string): never => {
  throw MlflowError.invalidParameter(message);
};

function tooLong(what: string, value: string, max: number): void {
  if (value.length > max) bad(`${what} must be at most ${max} characters, got ${value.length}.`);
}

/** A JSON-string `tags` field, json.loads'ed; it must be an object (MLflow fails with a 500 otherwise). */
function parseTags(text: string): PyDict {
  let parsed: PyValue;
  try {
    parsed = pyLoads(text);
  } catch (e) {
    if (e instanceof PyJsonError) return bad(`Invalid value for 'tags': not valid JSON (${e.message}).`);
    throw e;
  }
  if (!isDict(parsed)) return bad(`Invalid value for 'tags': expected a JSON object, got ${pyTypeName(parsed)}.`);
  return parsed;
}

/** What psycopg stores for a tag value bound to a VARCHAR column at create time. */
function storedCreateValue(key: string, v: PyValue): string | null {
  if (v === null) return null;
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "number") return pyFloatStr(v);
  return bad(`Invalid value for tag '${key}': expected a string, got ${pyTypeName(v)}.`);
}

export interface CreatedDataset {
  row: repo.DatasetRow;
  /** The create answer echoes the tags as sent (MLflow answers from the objects it just added). */
  tagsJson: string;
  experimentIds: string[];
}

export async function createDataset(db: Db, input: { name: string; tags?: string; experimentIds: string[] }): Promise<CreatedDataset> {
  const tags = input.tags ? parseTags(input.tags) : new Map<string, PyValue>();
  tooLong("Dataset name", input.name, LIMITS.name);
  const stored: [string, string | null][] = [...tags].map(([k, v]) => {
    tooLong("Tag key", k, LIMITS.tagKey);
    const value = storedCreateValue(k, v);
    if (value !== null) tooLong("Tag value", value, LIMITS.tagValue);
    return [k, value];
  });
  const user = tags.has(MLFLOW_USER) ? pyStrValue(tags.get(MLFLOW_USER)!) : null;
  if (user !== null) tooLong("mlflow.user", user, LIMITS.user);
  const now = Date.now();
  const id = `d-${crypto.randomUUID().replace(/-/g, "")}`;
  const digest = await datasetDigest(input.name, now);
  const linked = [...new Set(input.experimentIds)];
  await repo.insertDataset(db, {
    id,
    name: input.name,
    digest,
    now,
    createdBy: user,
    tags: stored,
    experimentIds: linked,
    associationIds: linked.map(() => `a-${crypto.randomUUID().replace(/-/g, "")}`),
  });
  const row: repo.DatasetRow = { dataset_id: id, name: input.name, tags: stored, schema: null, profile: null, digest, created_time: now, last_update_time: now, created_by: user, last_updated_by: user };
  return { row, tagsJson: pyDumps(tags), experimentIds: input.experimentIds };
}

export async function getDataset(db: Db, id: string): Promise<repo.DatasetRow> {
  const row = await repo.findDataset(db, id);
  if (!row) throw datasetNotFound(id);
  return row;
}

/** Deleting a dataset that does not exist is a no-op, as in MLflow. */
export async function deleteDataset(db: Db, id: string): Promise<void> {
  await repo.deleteDataset(db, id);
}

export async function searchDatasets(
  db: Db,
  input: { experimentIds: string[]; filter?: string; maxResults: number | undefined; orderBy: string[]; pageToken?: string },
): Promise<Page<repo.DatasetRow>> {
  const max = input.maxResults;
  if (max === undefined || max < 1) bad(`Invalid value ${max ?? "None"} for parameter 'max_results' supplied. It must be a positive integer`);
  if (max! > SEARCH_MAX_RESULTS_THRESHOLD) bad(`Invalid value ${max} for parameter 'max_results' supplied. It must be at most ${SEARCH_MAX_RESULTS_THRESHOLD}`);
  const offset = readPageToken(input.pageToken);
  const where = datasetWhere(parseDatasetFilter(input.filter));
  const orderBy = datasetOrderBy(parseDatasetOrderBy(input.orderBy));
  const rows = await repo.searchDatasets(db, {
    where,
    orderBy,
    limit: max! + 1,
    offset,
    experimentIds: input.experimentIds.length > 0 ? input.experimentIds : null,
  });
  return paginate(rows, offset, max!);
}

/** Upserts tags, each value as Python's str(); null values are skipped. */
export async function setDatasetTags(db: Db, id: string, tagsText: string): Promise<void> {
  const tags = parseTags(tagsText);
  const pairs: [string, string][] = [];
  for (const [k, v] of tags) {
    if (v === null) continue;
    const value = pyStrValue(v);
    tooLong("Tag key", k, LIMITS.tagKey);
    tooLong("Tag value", value, LIMITS.tagValue);
    pairs.push([k, value]);
  }
  if (!(await repo.setDatasetTags(db, id, pairs))) throw MlflowError.notFound(`Could not find evaluation dataset with ID ${id}`);
}

/** Idempotent, including for a dataset that does not exist (MLflow logs and answers {}). */
export async function deleteDatasetTag(db: Db, id: string, key: string): Promise<void> {
  await repo.deleteDatasetTag(db, id, key);
}

export const datasetExperimentIds = repo.datasetExperimentIds;

export async function addDatasetToExperiments(db: Db, id: string, experimentIds: string[]): Promise<repo.DatasetRow> {
  const res = await repo.addDatasetToExperiments(db, id, experimentIds, experimentIds.map(() => crypto.randomUUID().replace(/-/g, "")), Date.now());
  if (!res.found) throw MlflowError.notFound(`Dataset '${id}' not found`);
  if (res.missing !== null) throw MlflowError.notFound(`No Experiment with id=${res.missing}`);
  return res.dataset!;
}

export async function removeDatasetFromExperiments(db: Db, id: string, experimentIds: string[]): Promise<repo.DatasetRow> {
  const row = await repo.removeDatasetFromExperiments(db, id, experimentIds, Date.now());
  if (!row) throw MlflowError.notFound(`Dataset '${id}' not found`);
  return row;
}

/** The `tags` field of the Dataset message: json.dumps of the stored tags, in stored order. */
export const storedTagsJson = (row: repo.DatasetRow) => pyDumps(dict(row.tags.map(([k, v]) => [k, v])));
