/**
 * Trace-level names and input rules of MLflow 3.18 (mlflow/tracing/constant.py,
 * mlflow/utils/validation.py, mlflow/store/tracking/utils/trace_analytics.py), shared by the OTLP
 * path, start_trace, the tag RPCs and search.
 */
import { MlflowError, compactJson } from "../errors";
import { exceedsMaximumLength, limitLength, validateKey } from "./validation";

export const TAG = {
  traceName: "mlflow.traceName",
  artifactLocation: "mlflow.artifactLocation",
  spansLocation: "mlflow.trace.spansLocation",
  archiveLocation: "mlflow.trace.archiveLocation",
  archivalFailure: "mlflow.trace.archivalFailure",
  linkedPrompts: "mlflow.linkedPrompts",
} as const;

export const METADATA = {
  sourceRun: "mlflow.sourceRun",
  session: "mlflow.trace.session",
  tokenUsage: "mlflow.trace.tokenUsage",
  cost: "mlflow.trace.cost",
  sizeStats: "mlflow.trace.sizeStats",
  user: "mlflow.trace.user",
  finalized: "mlflow.trace.infoFinalized",
} as const;

/** Metadata kept in trace_info's columns, never in trace_request_metadata. */
export const PROMOTED_METADATA: readonly string[] = [METADATA.session, METADATA.tokenUsage, METADATA.cost];

/** Tags the server manages; clients may not set them (`_HANDLER_BLOCKED_TRACE_TAGS`). */
export const SYSTEM_TAGS: readonly string[] = [TAG.artifactLocation, TAG.spansLocation, TAG.archiveLocation, TAG.archivalFailure];

export const MAX_TRACE_TAG_KEY = 250;
export const MAX_TRACE_TAG_VALUE = 8000;
export const MAX_METADATA = 250;
/** Trace names and tag values on output. */
export const MAX_TAG_VALUE_OUT = 4096;

/** `<experiment artifact location>/traces/<trace id>/artifacts`. */
export function artifactLocationOf(experimentArtifactLocation: string | null, traceId: string): string {
  return `${(experimentArtifactLocation ?? "").replace(/\/+$/, "")}/traces/${traceId}/artifacts`;
}

/** `_validate_trace_tag`: a valid key, at most 250 characters; values cut to 8000. */
export function validateTraceTag(key: string, value: string): [string, string] {
  validateKey(key, "key");
  limitLength("key", MAX_TRACE_TAG_KEY, key);
  return [key, limitLength("value", MAX_TRACE_TAG_VALUE, value, true)];
}

export function validateTraceName(value: string): string {
  return limitLength("Trace name", MAX_TAG_VALUE_OUT, value);
}

export function validateSessionId(value: string): string {
  return limitLength("Session ID", MAX_METADATA, value);
}

/** `_validate_new_trace_id`: one path component, no `%?#` or control characters. */
export function validateNewTraceId(traceId: string): void {
  const bad = (detail: string) => MlflowError.invalidParameter(`Invalid value ${compactJson(traceId)} for parameter 'trace_id' supplied: ${detail}`);
  // Linux's os.path.basename: no "/"; and nothing Windows would normalise (trailing spaces or dots).
  if (traceId === "" || traceId.replace(/[ .]+$/, "") !== traceId || traceId.includes("/")) {
    throw bad("must be a single path component");
  }
  // eslint-disable-next-line no-control-regex
  if (/[%?#\x00-\x1f\x7f]/.test(traceId)) throw bad("must not contain '%', '?', '#' or control characters");
}

export { exceedsMaximumLength };
