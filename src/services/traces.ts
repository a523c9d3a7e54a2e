/**
 * Reading and editing traces with MLflow 3.18's SQL store rules: trace infos, whole traces with
 * their spans (waiting briefly for spans still on their way, as MLflow does), tags, deletion and
 * links. Creation is in ./trace-start.ts, span ingestion in ./span-ingest.ts, search in
 * ./trace-search.ts.
 */
import type { Db } from "../db/client";
import { deleteTraces as deleteTraceRows, deleteTraceTag as deleteTagRow, linkPromptsToTrace, linkTracesToRun, setTraceTag as setTagRow } from "../db/trace-edits";
import { findTraceInfos, findTracesWithSpans, type TraceWithSpans } from "../db/traces";
import { MlflowError } from "../errors";
import { tryPyLoads } from "../lib/python-json";
import { pyList } from "../lib/python-repr";
import { metadataOf, tagsOf } from "../protocol/trace-info";
import { METADATA, SYSTEM_TAGS, TAG, validateTraceName, validateTraceTag } from "./trace-rules";
import { parseExperimentId } from "./validation";

export const MAX_TRACE_LINKS_PER_REQUEST = 100;

export async function getTraceInfo(db: Db, traceId: string) {
  const [row] = await findTraceInfos(db, [traceId]);
  if (!row) throw MlflowError.notFound(`Trace with ID '${traceId}' not found.`);
  return row;
}

/** A trace's info with whatever spans it has stored, in one statement (`get-trace-artifact`). */
export async function getTraceWithStoredSpans(db: Db, traceId: string): Promise<TraceWithSpans> {
  const [trace] = await findTracesWithSpans(db, [traceId]);
  if (!trace) throw MlflowError.notFound(`Trace with ID '${traceId}' not found.`);
  return trace;
}

const spansLocationOf = (t: TraceWithSpans) => tagsOf(t.info).find(([k]) => k === TAG.spansLocation)?.[1];

/** Spans as readers get them, or null while fewer are stored than the trace's size stats announce. */
function completeSpans(t: TraceWithSpans, allowPartial: boolean): TraceWithSpans["spans"] | null {
  if (spansLocationOf(t) !== "TRACKING_STORE") throw new MlflowError("INTERNAL_ERROR", "Trace data not stored in tracking store");
  if (!allowPartial) {
    const stats = metadataOf(t.info).find(([k]) => k === METADATA.sizeStats)?.[1];
    const parsed = stats ? tryPyLoads(stats) : undefined;
    const expected = parsed instanceof Map ? Number(parsed.get("num_spans") ?? 0) : 0;
    if (t.spans.length < expected) return null;
  }
  return t.spans;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** GetTrace: without allow_partial, waits 1 s and 2 s for missing spans before giving up (as MLflow). */
export async function getTrace(db: Db, traceId: string, allowPartial: boolean): Promise<TraceWithSpans> {
  for (let attempt = 0; ; attempt++) {
    const [trace] = await findTracesWithSpans(db, [traceId]);
    if (!trace) throw MlflowError.notFound(`Trace with ID ${traceId} is not found.`);
    const spans = completeSpans(trace, allowPartial);
    if (spans && (allowPartial || spans.length > 0)) return { info: trace.info, spans };
    if (attempt >= 2) throw MlflowError.notFound(`Trace with ID ${traceId} is not fully exported yet, please try again later.`);
    await sleep(1000 * 2 ** attempt);
  }
}

/** BatchGetTraces: complete traces only; unknown and incomplete ones are left out. */
export async function batchGetTraces(db: Db, traceIds: string[], experimentIds?: string[]): Promise<TraceWithSpans[]> {
  const scope = experimentIds?.map((id) => parseExperimentId(id));
  const traces = await findTracesWithSpans(db, traceIds, scope);
  const out: TraceWithSpans[] = [];
  for (const t of traces) {
    const spans = completeSpans(t, false);
    if (spans && spans.length > 0) out.push({ info: t.info, spans });
  }
  return out;
}

export async function batchGetTraceInfos(db: Db, traceIds: string[], experimentIds?: string[]) {
  return findTraceInfos(db, traceIds, experimentIds?.map((id) => parseExperimentId(id)));
}

function checkMutableTag(key: string, operation: "set" | "deleted"): void {
  if (SYSTEM_TAGS.includes(key) && !(operation === "deleted" && key === TAG.archivalFailure)) {
    throw MlflowError.invalidParameter(`Tag '${key}' is immutable and cannot be ${operation} on a trace.`);
  }
}

export async function setTraceTag(db: Db, traceId: string, key: string, value: string): Promise<void> {
  checkMutableTag(key, "set");
  let [k, v] = validateTraceTag(key, value);
  if (k === TAG.traceName) v = validateTraceName(v);
  // MLflow hits the tags' foreign key for an unknown trace: a 400, not a 404.
  if (!(await setTagRow(db, traceId, k, v))) throw new MlflowError("BAD_REQUEST", `Trace with ID '${traceId}' not found.`);
}

export async function deleteTraceTag(db: Db, traceId: string, key: string): Promise<void> {
  checkMutableTag(key, "deleted");
  if (!(await deleteTagRow(db, traceId, key))) throw MlflowError.notFound(`No trace tag with key '${key}' for trace with ID '${traceId}'`);
}

export interface DeleteTracesInput {
  experimentId: string;
  maxTimestampMillis?: bigint | number;
  maxTraces?: number;
  traceIds: string[];
}

/** DeleteTraces: by ids, or by age (optionally only the oldest `max_traces`). */
export async function deleteTraces(db: Db, input: DeleteTracesInput): Promise<number> {
  const byTime = input.maxTimestampMillis !== undefined;
  const byIds = input.traceIds.length > 0;
  if (!byTime && !byIds) throw MlflowError.invalidParameter("Either `max_timestamp_millis` or `trace_ids` must be specified.");
  if (byTime && byIds) throw MlflowError.invalidParameter("Only one of `max_timestamp_millis` and `trace_ids` can be specified.");
  if (byIds && input.maxTraces !== undefined) throw MlflowError.invalidParameter("`max_traces` can't be specified if `trace_ids` is specified.");
  if (input.maxTraces !== undefined && input.maxTraces <= 0) {
    throw MlflowError.invalidParameter(`\`max_traces\` must be a positive integer, received ${input.maxTraces}.`);
  }
  return deleteTraceRows(db, {
    experimentId: parseExperimentId(input.experimentId),
    maxTimestampMillis: byTime ? BigInt(input.maxTimestampMillis!) : null,
    maxTraces: input.maxTraces ?? null,
    traceIds: input.traceIds,
  });
}

export async function linkToRun(db: Db, traceIds: string[], runId: string): Promise<void> {
  if (traceIds.length === 0) return;
  if (traceIds.length > MAX_TRACE_LINKS_PER_REQUEST) {
    throw MlflowError.invalidParameter(
      `Cannot link more than ${MAX_TRACE_LINKS_PER_REQUEST} traces to a run in a single request. Provided ${traceIds.length} traces.`,
    );
  }
  await linkTracesToRun(db, [...new Set(traceIds)], runId, Date.now());
}

export async function linkPrompts(db: Db, traceId: string, versions: { name: string; version: string }[]): Promise<void> {
  if (versions.length === 0) return;
  const ids = versions.map((v) => {
    // MLflow builds a PromptVersion with int(version): anything else is a client error.
    const n = /^\s*[+-]?\d+\s*$/.test(v.version) ? String(Number(v.version)) : null;
    if (n === null) throw MlflowError.invalidParameter(`Invalid prompt version ${pyList([v.version])}: must be an integer.`);
    return `${v.name}/${n}`;
  });
  if (!(await linkPromptsToTrace(db, traceId, [...new Set(ids)], Date.now()))) throw MlflowError.notFound(`Trace with ID '${traceId}' not found.`);
}
