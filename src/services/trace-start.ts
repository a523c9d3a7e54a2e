/**
 * Creating traces through the trace API, with MLflow 3.18's SQL store rules: StartTraceV3 (what
 * the 3.x client sends once per trace, possibly after or while its spans arrive by OTLP), and the
 * legacy v2 StartTrace/EndTrace pair of 2.x clients. Token usage, cost and session metadata go
 * into trace_info's columns; start_trace marks the trace finalized so later span batches do not
 * move its times.
 */
import type { Db } from "../db/client";
import { findTraceInfos, type TraceInfoRow } from "../db/traces";
import { endTrace, upsertTrace, type StartTraceRow } from "../db/trace-writes";
import { MlflowError } from "../errors";
import { tryPyLoads, type PyValue } from "../lib/python-json";
import type { AssessmentInsert } from "../protocol/assessments";
import { costValue, tokenCount, COST_KEYS, TOKEN_KEYS } from "./span-aggregation";
import { replaceNul } from "./trace-preview";
import { METADATA, PROMOTED_METADATA, SYSTEM_TAGS, TAG, validateNewTraceId, validateSessionId, validateTraceName } from "./trace-rules";
import { parseExperimentId } from "./validation";

export interface NewTrace {
  traceId: string;
  experimentId: string | undefined;
  requestTimeMs: bigint;
  executionDurationMs: bigint | null;
  state: string;
  clientRequestId: string | null;
  requestPreview: string | null;
  responsePreview: string | null;
  metadata: Record<string, string>;
  tags: Record<string, string>;
  assessments: AssessmentInsert[];
}

const TOKEN_COLUMNS = ["input_tokens", "output_tokens", "total_tokens", "cache_read_input_tokens", "cache_creation_input_tokens", "cache_creation_input_tokens_above_1hr"];
const COST_COLUMNS = ["input_cost", "output_cost", "total_cost"];

function jsonObject(text: string): Map<string, PyValue> {
  const v = tryPyLoads(text);
  return v instanceof Map ? v : new Map();
}

/** `analytics_columns_from_metadata`: the columns metadata sets (null where a value is invalid). */
export function analyticsFromMetadata(metadata: Record<string, string>): { sessionId: string | null | undefined; analytics: Record<string, bigint | number | null> } {
  const analytics: Record<string, bigint | number | null> = {};
  const usageText = metadata[METADATA.tokenUsage];
  if (usageText !== undefined) {
    const usage = jsonObject(usageText);
    TOKEN_KEYS.forEach((k, i) => usage.has(k) && (analytics[TOKEN_COLUMNS[i]!] = tokenCount(usage.get(k))));
  }
  const costText = metadata[METADATA.cost];
  if (costText !== undefined) {
    const cost = jsonObject(costText);
    COST_KEYS.forEach((k, i) => cost.has(k) && (analytics[COST_COLUMNS[i]!] = costValue(cost.get(k))));
  }
  const session = metadata[METADATA.session];
  return { sessionId: session === undefined ? undefined : validateSessionId(session), analytics };
}

/** Tags a client may not set are dropped, as MLflow's handlers drop them. */
export const withoutSystemTags = (tags: Record<string, string>) => Object.fromEntries(Object.entries(tags).filter(([k]) => !SYSTEM_TAGS.includes(k)));

function outcomeError(outcome: Exclude<Awaited<ReturnType<typeof upsertTrace>>["outcome"], "written">, traceId: string, experimentId: number, stage: string | null): MlflowError {
  if (outcome === "no_experiment") return MlflowError.notFound(`No Experiment with id=${experimentId} exists`);
  if (outcome === "inactive") return MlflowError.invalidParameter(`The experiment ${experimentId} must be in the 'active' state. Current state is ${stage}.`);
  if (outcome === "not_db_backed") return new MlflowError("INVALID_STATE", `Cannot update traces that are no longer DB-backed: '${traceId}'.`);
  if (outcome === "foreign_trace") return MlflowError.invalidParameter(`Trace with ID '${traceId}' already exists in another experiment.`);
  return MlflowError.invalidParameter(`Assessment with ID '${outcome.foreignAssessment}' belongs to another trace.`);
}

async function readBack(db: Db, traceId: string): Promise<TraceInfoRow> {
  const [row] = await findTraceInfos(db, [traceId]);
  if (!row) throw MlflowError.notFound(`Trace with ID '${traceId}' not found.`);
  return row;
}

/** StartTraceV3: creates the trace, or completes one whose spans arrived first. */
export async function startTraceV3(db: Db, t: NewTrace): Promise<TraceInfoRow> {
  const tags = withoutSystemTags(t.tags);
  const traceName = tags[TAG.traceName] === undefined ? null : validateTraceName(tags[TAG.traceName]!);
  const experimentId = parseExperimentId(t.experimentId ?? "");
  validateNewTraceId(t.traceId);
  const { sessionId, analytics } = analyticsFromMetadata(t.metadata);
  const metadata = Object.entries(t.metadata).filter(([k]) => !PROMOTED_METADATA.includes(k));
  metadata.push([METADATA.finalized, "true"]);
  const tagRows = Object.entries(tags).filter(([k]) => k !== TAG.traceName).map(([key, value]) => ({ key, value }));
  const row: StartTraceRow = {
    traceId: t.traceId,
    experimentId,
    timestampMs: t.requestTimeMs,
    executionTimeMs: t.executionDurationMs,
    status: t.state,
    clientRequestId: t.clientRequestId,
    requestPreview: t.requestPreview === null ? null : replaceNul(t.requestPreview),
    responsePreview: t.responsePreview === null ? null : replaceNul(t.responsePreview),
    traceName,
    setsTraceName: traceName !== null,
    sessionId,
    analytics,
    tags: tagRows,
    metadata: metadata.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, value]) => ({ key, value })),
    assessments: t.assessments,
    insertOnly: false,
  };
  const { outcome, stage } = await upsertTrace(db, row);
  if (outcome !== "written") throw outcomeError(outcome, t.traceId, experimentId, stage);
  return readBack(db, t.traceId);
}

/** The v2 StartTrace of 2.x clients: a new `IN_PROGRESS` trace with a server-chosen id. */
export async function startTraceV2(db: Db, experimentIdText: string | undefined, timestampMs: bigint, metadataIn: Record<string, string>, tagsIn: Record<string, string>): Promise<TraceInfoRow> {
  const tags = withoutSystemTags(tagsIn);
  const traceName = tags[TAG.traceName] === undefined ? null : validateTraceName(tags[TAG.traceName]!);
  const experimentId = parseExperimentId(experimentIdText ?? "");
  const traceId = crypto.randomUUID().replace(/-/g, "");
  const { sessionId, analytics } = analyticsFromMetadata(metadataIn);
  const tagRows = Object.entries(tags).filter(([k]) => k !== TAG.traceName).map(([key, value]) => ({ key, value }));
  const { outcome, stage } = await upsertTrace(db, {
    traceId,
    experimentId,
    timestampMs,
    executionTimeMs: null,
    status: "IN_PROGRESS",
    clientRequestId: null,
    requestPreview: null,
    responsePreview: null,
    traceName,
    setsTraceName: true,
    sessionId,
    analytics,
    tags: tagRows,
    metadata: Object.entries(metadataIn).filter(([k]) => !PROMOTED_METADATA.includes(k)).map(([key, value]) => ({ key, value })),
    assessments: [],
    insertOnly: true,
  });
  if (outcome !== "written") throw outcomeError(outcome, traceId, experimentId, stage);
  return readBack(db, traceId);
}

/** The v2 EndTrace of 2.x clients. */
export async function endTraceV2(db: Db, traceId: string, endTimeMs: bigint, status: string, metadataIn: Record<string, string>, tagsIn: Record<string, string>): Promise<TraceInfoRow> {
  const tags = withoutSystemTags(tagsIn);
  const traceName = tags[TAG.traceName] === undefined ? null : validateTraceName(tags[TAG.traceName]!);
  const { sessionId, analytics } = analyticsFromMetadata(metadataIn);
  const found = await endTrace(db, {
    traceId,
    endTimeMs,
    status,
    traceName,
    analytics,
    sessionId,
    tags: Object.entries(tags).filter(([k]) => k !== TAG.traceName).map(([key, value]) => ({ key, value })),
    metadata: Object.entries(metadataIn).filter(([k]) => !PROMOTED_METADATA.includes(k)).sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, value]) => ({ key, value })),
  });
  if (!found) throw MlflowError.notFound(`Trace with ID '${traceId}' not found.`);
  return readBack(db, traceId);
}
