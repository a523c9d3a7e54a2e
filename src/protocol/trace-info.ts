/**
 * Trace infos on the wire: TraceInfoV3 (the v3 API; proto JSON with a Timestamp `request_time`
 * and a Duration `execution_duration`) and the v2 TraceInfo (2.x clients). Metadata that MLflow
 * keeps in columns (session, token usage, cost) is rebuilt as the JSON text Python writes, and
 * values are cut on output to MLflow's limits (metadata 250 characters, tag values 4096).
 */
import type { TraceInfoRow } from "../db/traces";
import { pyDumps, type PyValue } from "../lib/python-json";
import { assessmentToWire } from "./assessments";
import { setIf, type Json } from "./proto-json";
import { durationJson, timestampJson } from "./trace-time";

const TOKEN_KEYS = ["input_tokens", "output_tokens", "total_tokens", "cache_read_input_tokens", "cache_creation_input_tokens", "cache_creation_input_tokens_above_1hr"];
const COST_KEYS = ["input_cost", "output_cost", "total_cost"];
const MAX_METADATA = 250;
const MAX_TAG_KEY = 250;
const MAX_TAG_VALUE = 4096;

/** Python's `str[:n]`. */
function cut(s: string, n: number): string {
  if (s.length <= n) return s;
  const cps = Array.from(s);
  return cps.length <= n ? s : cps.slice(0, n).join("");
}

/** The metadata MLflow rebuilds from trace_info's analytics columns. */
export function promotedMetadata(row: TraceInfoRow): [string, string][] {
  const out: [string, string][] = [];
  if (row.sessionId !== null) out.push(["mlflow.trace.session", row.sessionId]);
  const usage = new Map<string, PyValue>();
  row.tokens.forEach((v, i) => v !== null && usage.set(TOKEN_KEYS[i]!, BigInt(v)));
  if (usage.size > 0) out.push(["mlflow.trace.tokenUsage", pyDumps(usage)]);
  const cost = new Map<string, PyValue>();
  row.costs.forEach((v, i) => v !== null && cost.set(COST_KEYS[i]!, Number(v)));
  if (cost.size > 0) out.push(["mlflow.trace.cost", pyDumps(cost)]);
  return out;
}

/** Tags as MLflow reads them: the rows plus `mlflow.traceName` from its column. */
export function tagsOf(row: TraceInfoRow): [string, string][] {
  const tags: [string, string][] = row.tags.map((t) => [t.key, t.value ?? "None"]);
  if (row.traceName !== null) tags.push(["mlflow.traceName", row.traceName]);
  return tags;
}

export function metadataOf(row: TraceInfoRow): [string, string][] {
  const promoted = promotedMetadata(row);
  const keys = new Set(promoted.map(([k]) => k));
  return [...row.metadata.filter((m) => !keys.has(m.key)).map((m): [string, string] => [m.key, m.value ?? "None"]), ...promoted];
}

const cutMetadata = (entries: [string, string][]) => entries.map(([k, v]): [string, string] => [cut(k, MAX_METADATA), cut(v, MAX_METADATA)]);
const cutTags = (entries: [string, string][]) => entries.map(([k, v]): [string, string] => [cut(k, MAX_TAG_KEY), cut(v, MAX_TAG_VALUE)]);

/** TraceInfoV3 JSON. */
export function traceInfoV3(row: TraceInfoRow): Json {
  const out: Json = { trace_id: row.requestId };
  setIf(out, "client_request_id", row.clientRequestId);
  out.trace_location = { type: "MLFLOW_EXPERIMENT", mlflow_experiment: { experiment_id: row.experimentId } };
  setIf(out, "request_preview", row.requestPreview);
  setIf(out, "response_preview", row.responsePreview);
  out.request_time = timestampJson(BigInt(row.timestampMs));
  if (row.executionTimeMs !== null) out.execution_duration = durationJson(BigInt(row.executionTimeMs));
  out.state = row.status;
  const metadata = cutMetadata(metadataOf(row));
  if (metadata.length > 0) out.trace_metadata = Object.fromEntries(metadata);
  if (row.assessments.length > 0) out.assessments = row.assessments.map(assessmentToWire);
  const tags = cutTags(tagsOf(row));
  if (tags.length > 0) out.tags = Object.fromEntries(tags);
  return out;
}

/** v2 TraceStatus names for TraceState values. */
const V2_STATUS: Record<string, string> = { OK: "OK", ERROR: "ERROR", IN_PROGRESS: "IN_PROGRESS", STATE_UNSPECIFIED: "TRACE_STATUS_UNSPECIFIED" };

/** The v2 TraceInfo JSON (int64 as JSON numbers, a NULL duration as 0). */
export function traceInfoV2(row: TraceInfoRow): Json {
  const num = (v: string) => (Number.isSafeInteger(Number(v)) ? Number(v) : (JSON as unknown as { rawJSON(t: string): unknown }).rawJSON(v));
  const out: Json = {
    request_id: row.requestId,
    experiment_id: row.experimentId,
    timestamp_ms: num(row.timestampMs),
    execution_time_ms: row.executionTimeMs === null ? 0 : num(row.executionTimeMs),
    status: V2_STATUS[row.status] ?? row.status,
  };
  const metadata = cutMetadata(metadataOf(row)).map(([key, value]) => ({ key, value }));
  if (metadata.length > 0) out.request_metadata = metadata;
  const tags = cutTags(tagsOf(row)).map(([key, value]) => ({ key, value }));
  if (tags.length > 0) out.tags = tags;
  return out;
}
