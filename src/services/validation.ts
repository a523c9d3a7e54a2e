/**
 * Input rules of MLflow's tracking store (names, lengths, ids, batch limits), with its error codes
 * and messages, so that clients see the same failures from us as from `mlflow server`.
 */
import { MlflowError, compactJson } from "../errors";
import type { Int64 } from "../lib/int64";
import { normpath } from "../lib/posix-path";
import { pyFloatStr, pyRepr } from "../lib/python-repr";

export const LIMITS = {
  entityKey: 250,
  paramValue: 6000,
  tagValue: 8000,
  experimentName: 500,
  experimentTagKey: 250,
  experimentTagValue: 20000,
  artifactLocation: 2048,
  metricsPerBatch: 1000,
  paramsTagsPerBatch: 100,
  entitiesPerBatch: 1000,
  datasetName: 500,
  datasetDigest: 36,
  datasetSource: 65535,
  datasetSchema: 1048575,
  datasetProfile: 16777215,
  inputTagKey: 255,
  inputTagValue: 500,
} as const;

const KEY_CHARS = /^[/\p{L}\p{N}_.\- :]*$/u;
const RUN_ID = /^[a-zA-Z0-9][\w-]{0,255}$/;

function invalidValue(path: string, value: unknown, detail?: string): MlflowError {
  const shown = compactJson(value);
  return MlflowError.invalidParameter(
    detail ? `Invalid value ${shown} for parameter '${path}' supplied: ${detail}` : `Invalid value ${shown} for parameter '${path}' supplied.`,
  );
}

export function joinPath(prefix: string, field: string): string {
  return prefix ? `${prefix}.${field}` : field;
}


function pathNotUnique(name: string): boolean {
  const norm = normpath(name);
  return norm !== name || norm === "." || norm.startsWith("..") || norm.startsWith("/");
}

function badCharacters(): string {
  return "Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).";
}

function badPath(name: string): string {
  return `Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to '${normpath(name)}'`;
}

/** Metric, param and tag keys share one rule set. */
export function validateKey(name: string, path: string): void {
  if (!KEY_CHARS.test(name)) throw invalidValue(path, name, badCharacters());
  if (pathNotUnique(name)) throw invalidValue(path, name, badPath(name));
}

export function exceedsMaximumLength(entity: string, limit: number): MlflowError {
  return MlflowError.invalidParameter(`'${entity}' exceeds the maximum length of ${limit} characters`);
}

/** Length check; `truncate` mirrors MLflow's default MLFLOW_TRUNCATE_LONG_VALUES=true for values. */
export function limitLength(entity: string, limit: number, value: string, truncate = false): string {
  // MLflow measures Python str length: code points, not UTF-16 units.
  const codePoints = Array.from(value);
  if (codePoints.length <= limit) return value;
  if (truncate) return codePoints.slice(0, limit).join("");
  throw exceedsMaximumLength(entity, limit);
}

export function validateRunId(runId: string, path = "run_id"): void {
  if (!RUN_ID.test(runId)) throw invalidValue(path, runId);
}

/** Experiment ids are integers in the SQL store; anything else is the client's error. */
export function parseExperimentId(id: string | number): number {
  const s = String(id).trim();
  if (!/^[-+]?\d+$/.test(s)) {
    throw MlflowError.invalidParameter(`Invalid experiment ID '${id}'. Experiment ID must be a valid integer.`);
  }
  const n = Number(s);
  if (n > 2147483647 || n < -2147483648) throw MlflowError.notFound(`No Experiment with id=${n} exists`);
  return n;
}

export function validateExperimentName(name: unknown): string {
  if (typeof name !== "string" || name.trim() === "") {
    throw MlflowError.invalidParameter(`Invalid experiment name: '${name ?? "None"}'`);
  }
  if (Array.from(name).length > LIMITS.experimentName) throw exceedsMaximumLength("name", LIMITS.experimentName);
  return name;
}

export function validateExperimentTag(key: string, value: string | undefined): void {
  validateKey(key, "key");
  limitLength("key", LIMITS.experimentTagKey, key);
  if (value !== undefined) limitLength("value", LIMITS.experimentTagValue, value);
}

export interface MetricInput {
  key: string;
  value: number;
  timestamp: Int64;
  step: Int64;
}

export function validateMetric(m: MetricInput, path: string): void {
  validateKey(m.key, joinPath(path, "name"));
  if (typeof m.timestamp === "number" && !Number.isFinite(m.timestamp) && !Number.isNaN(m.timestamp)) {
    throw invalidValue(joinPath(path, "timestamp"), m.timestamp);
  }
  if (m.timestamp < 0) {
    throw invalidValue(
      joinPath(path, "timestamp"),
      m.timestamp,
      `metric '${m.key}' (value=${pyFloatStr(m.value)}). Timestamp must be a nonnegative long (64-bit integer) `,
    );
  }
  limitLength("Metric name", LIMITS.entityKey, m.key);
}

export function validateParam(key: string, value: string, path: string): string {
  validateKey(key, joinPath(path, "key"));
  limitLength("Param key", LIMITS.entityKey, key);
  return limitLength("Param value", LIMITS.paramValue, value, true);
}

export function validateRunTag(key: string, value: string, path: string): string {
  validateKey(key, joinPath(path, "key"));
  limitLength(joinPath(path, "key"), LIMITS.entityKey, key);
  return limitLength(joinPath(path, "value"), LIMITS.tagValue, value, true);
}

export function validateBatchLimits(metrics: number, params: number, tags: number): void {
  const check = (entity: string, limit: number, n: number) => {
    if (n > limit) {
      throw MlflowError.invalidParameter(
        `A batch logging request can contain at most ${limit} ${entity}. Got ${n} ${entity}. Please split up ${entity} across multiple requests and try again.`,
      );
    }
  };
  check("metrics", LIMITS.metricsPerBatch, metrics);
  check("params", LIMITS.paramsTagsPerBatch, params);
  check("tags", LIMITS.paramsTagsPerBatch, tags);
  check("metrics, params, and tags", LIMITS.entitiesPerBatch, metrics + params + tags);
}

export function validateUniqueParamKeys(keys: string[]): void {
  const seen = new Set<string>();
  const dupes: string[] = [];
  for (const k of keys) {
    if (seen.has(k)) dupes.push(k);
    seen.add(k);
  }
  if (dupes.length > 0) {
    throw MlflowError.invalidParameter(
      `Duplicate parameter keys have been submitted: [${dupes.map(pyRepr).join(", ")}]. Please ensure the request contains only one param value per param key.`,
    );
  }
}

/** MLflow stores NaN as 0 with a flag and clamps infinities to the largest finite doubles. */
export function sanitizeMetricValue(v: number): { value: number; isNan: boolean } {
  if (Number.isNaN(v)) return { value: 0, isNan: true };
  if (v === Infinity) return { value: Number.MAX_VALUE, isNan: false };
  if (v === -Infinity) return { value: -Number.MAX_VALUE, isNan: false };
  return { value: v, isNan: false };
}
