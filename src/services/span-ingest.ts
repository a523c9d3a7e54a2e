/**
 * Span ingestion with MLflow 3.18's SQL store rules (`SqlAlchemyStore.log_spans`): spans are grouped
 * by trace; a missing trace is created in the request's experiment (with its artifact-location
 * tag); an existing one keeps the earliest start and latest end unless start_trace finalized it,
 * takes its status from a root span while IN_PROGRESS, fills NULL previews from the root span's
 * inputs and outputs, recomputes token usage and cost over all its spans, and is tagged
 * `mlflow.trace.spansLocation=TRACKING_STORE`. The whole batch lands, or nothing does.
 *
 * Costs one round trip when every trace of the batch is new, two otherwise (src/db/trace-ingest.ts);
 * a concurrent writer of the same traces makes the write find changed rows, and the whole
 * read-compute-write starts over.
 */
import type { Db } from "../db/client";
import { readIngestState, writeIngest, type ExistingTrace, type IngestState, type IngestWrite, type TraceWrite } from "../db/trace-ingest";
import { retryOnUniqueRace } from "../db/races";
import { sqlState } from "../db/client";
import { MlflowError } from "../errors";
import { pyDumps, tryPyLoads, type PyValue } from "../lib/python-json";
import { pyIntString } from "../lib/python-repr";
import { TRACE_TAG_ATTRIBUTE_PREFIX, pyStr, type MlflowSpan } from "./otlp-spans";
import { aggregateCost, aggregateUsage, costValue, tokenCount, COST_KEYS, TOKEN_KEYS, type AggregationNode } from "./span-aggregation";
import { jsonStringOrSelf, storedSpan, type StoredSpan } from "./span-rows";
import { ATTR } from "./span-translation";
import { truncatedPreview } from "./trace-preview";
import { TAG, validateTraceTag, validateTraceName, validateSessionId } from "./trace-rules";

const MAX_ATTEMPTS = 5;

interface TraceBatch {
  traceId: string;
  spans: StoredSpan[];
  minStartMs: bigint;
  maxEndMs: bigint | null;
  rootStatus: "OK" | "ERROR" | null;
  usageNodes: AggregationNode[];
  costNodes: AggregationNode[];
  usage: Map<string, bigint | number> | null;
  cost: Map<string, bigint | number> | null;
  sessionId: string | null;
  userId: string | null;
  rootAttributes: Map<string, string> | null;
  tags: Map<string, string>;
  resource: Map<string, PyValue> | null;
}

function dictAttribute(attrs: Map<string, string>, key: string): Map<string, PyValue> | null {
  const raw = attrs.get(key);
  if (raw === undefined) return null;
  const v = tryPyLoads(raw);
  return v instanceof Map ? v : null;
}

function batchOf(traceId: string, spans: MlflowSpan[]): TraceBatch {
  const stored = spans.map(storedSpan);
  const b: TraceBatch = {
    traceId,
    spans: stored,
    minStartMs: spans.reduce((m, s) => (s.startNs < m ? s.startNs : m), spans[0]!.startNs) / 1_000_000n,
    maxEndMs: spans.reduce((m, s) => (s.endNs > m ? s.endNs : m), spans[0]!.endNs) / 1_000_000n,
    rootStatus: null,
    usageNodes: [],
    costNodes: [],
    usage: null,
    cost: null,
    sessionId: null,
    userId: null,
    rootAttributes: null,
    tags: new Map(),
    resource: spans.find((s) => s.resource.size > 0)?.resource ?? null,
  };
  const root = spans.find((s) => s.parentId === null);
  if (root) b.rootStatus = root.statusCode === "ERROR" ? "ERROR" : "OK";
  for (const [i, s] of stored.entries()) {
    const attrs = s.attributes;
    b.usageNodes.push({ spanId: s.row.spanId, parentId: s.row.parentSpanId, data: dictAttribute(attrs, ATTR.usage) });
    b.costNodes.push({ spanId: s.row.spanId, parentId: s.row.parentSpanId, data: dictAttribute(attrs, ATTR.cost) });
    const session = attrs.get("session.id") || attrs.get("gen_ai.conversation.id");
    if (b.sessionId === null && session) b.sessionId = validateSessionId(jsonStringOrSelf(session));
    const user = attrs.get("user.id");
    if (b.userId === null && user) b.userId = jsonStringOrSelf(user);
    if (spans[i]!.parentId !== null) continue;
    b.rootAttributes = attrs;
    for (const [key, value] of attrs) {
      if (!key.startsWith(TRACE_TAG_ATTRIBUTE_PREFIX)) continue;
      let tag: [string, string];
      try {
        tag = validateTraceTag(key.slice(TRACE_TAG_ATTRIBUTE_PREFIX.length), pyStr(jsonStringOrSelf(value)));
      } catch {
        continue; // MLflow skips invalid tags carried as attributes
      }
      b.tags.set(tag[0], tag[0] === TAG.traceName ? validateTraceName(tag[1]) : tag[1]);
    }
  }
  b.usage = aggregateUsage(b.usageNodes);
  b.cost = aggregateCost(b.costNodes);
  return b;
}

function storedNodes(t: ExistingTrace, batchKeys: Set<string>, key: string): AggregationNode[] {
  const nodes: AggregationNode[] = [];
  for (const [spanId, parentId, content] of t.usageSpans) {
    if (batchKeys.has(spanId)) continue;
    const parsed = tryPyLoads(content);
    const attrs = parsed instanceof Map ? parsed.get("attributes") : undefined;
    if (!(attrs instanceof Map)) continue;
    let data = attrs.get(key);
    if (typeof data === "string") data = tryPyLoads(data) ?? data;
    nodes.push({ spanId, parentId, data: data instanceof Map ? data : null });
  }
  return nodes;
}

/** The final row values of one trace, as MLflow's Phase 5 update leaves them. */
function traceWrite(b: TraceBatch, existing: ExistingTrace | undefined): TraceWrite {
  // A created trace starts from the row MLflow inserts, then takes the same update.
  const base = existing ?? {
    status: b.rootStatus ?? "IN_PROGRESS",
    timestampMs: b.minStartMs,
    executionTimeMs: b.maxEndMs ? b.maxEndMs - b.minStartMs : null,
    requestPreviewNull: true,
    responsePreviewNull: true,
    sessionIdNull: true,
    tokensSet: false,
    costsSet: false,
    finalized: false,
  };
  // MLflow consults the finalized marker only for traces whose batch carries usage, cost or a session.
  const finalized = base.finalized && (b.usage !== null || b.cost !== null || b.sessionId !== null);
  const w: TraceWrite = {
    traceId: b.traceId,
    created: existing === undefined,
    timestampMs: base.timestampMs,
    executionTimeMs: existing ? "keep" : base.executionTimeMs,
    status: base.status,
    requestPreview: null,
    responsePreview: null,
    traceName: b.tags.get(TAG.traceName) ?? null,
    sessionId: b.sessionId && base.sessionIdNull ? b.sessionId : null,
    tokens: TOKEN_KEYS.map(() => null),
    costs: COST_KEYS.map(() => null),
    timestampMoved: false,
  };
  if (!finalized) {
    const newTs = base.timestampMs > b.minStartMs ? b.minStartMs : base.timestampMs;
    w.timestampMoved = base.timestampMs > b.minStartMs;
    w.timestampMs = newTs;
    if (b.maxEndMs !== null) {
      const end = base.executionTimeMs !== null && base.timestampMs + base.executionTimeMs > b.maxEndMs ? base.timestampMs + base.executionTimeMs : b.maxEndMs;
      w.executionTimeMs = end - newTs;
    }
  }
  if ((base.status === "IN_PROGRESS" || base.status === "STATE_UNSPECIFIED") && b.rootStatus) w.status = b.rootStatus;
  const root = b.rootAttributes;
  if (root) {
    const inputs = root.get(ATTR.inputs);
    const outputs = root.get(ATTR.outputs);
    if (base.requestPreviewNull && inputs) w.requestPreview = truncatedPreview(inputs, "user");
    if (base.responsePreviewNull && outputs) w.responsePreview = truncatedPreview(outputs, "assistant");
  }
  return w;
}

function setAnalytics(w: TraceWrite, b: TraceBatch, existing: ExistingTrace | undefined, finalized: boolean, batchKeys: Set<string>): void {
  if (b.usage && !(finalized && existing?.tokensSet)) {
    const usage = existing ? aggregateUsage([...b.usageNodes, ...storedNodes(existing, batchKeys, ATTR.usage)]) : b.usage;
    if (usage) w.tokens = TOKEN_KEYS.map((k) => tokenCount(usage.get(k)));
  }
  if (b.cost && !(finalized && existing?.costsSet)) {
    const cost = existing ? aggregateCost([...b.costNodes, ...storedNodes(existing, batchKeys, ATTR.cost)]) : b.cost;
    if (cost) w.costs = COST_KEYS.map((k) => costValue(cost.get(k)));
  }
}

export interface IngestResult {
  /** Traces whose root span this batch held. */
  completedTraceIds: string[];
}

/**
 * Stores one OTLP batch in experiment `location` (the x-mlflow-experiment-id header, as sent).
 * With `runId`, traces completed by the batch are linked to that run (as MLflow does after storing).
 */
export async function logSpans(db: Db, location: string, spans: MlflowSpan[], runId: string | null): Promise<IngestResult> {
  const grouped = new Map<string, MlflowSpan[]>();
  for (const s of spans) {
    const list = grouped.get(s.traceId) ?? [];
    list.push(s);
    grouped.set(s.traceId, list);
  }
  const batches = [...grouped].map(([id, list]) => batchOf(id, list));
  const completed = [...new Set(spans.filter((s) => s.parentId === null).map((s) => s.traceId))];
  if (batches.length === 0) return { completedTraceIds: completed };
  const canonical = pyIntString(location);
  const experimentId = canonical !== null && Math.abs(Number(canonical)) <= 2147483647 ? Number(canonical) : null;
  const query = { traceIds: batches.map((b) => b.traceId), recomputeIds: batches.filter((b) => b.usage || b.cost).map((b) => b.traceId), experimentId };
  // First round trip: the write as if every trace were new (the common case: a client's batch of
  // finished traces), which also answers what a second, exact write needs when some exist.
  const attempt = async (): Promise<boolean> => {
    let state: IngestState | undefined;
    if (experimentId !== null) {
      try {
        const optimistic = await writeIngest(db, planWrite(NO_TRACES, batches, location, experimentId, runId, completed), query);
        if (optimistic.ok) return true;
        state = optimistic.state;
      } catch (e) {
        // The experiment does not exist (foreign key): read, and planWrite reports it as MLflow does.
        if (sqlState(e) !== FOREIGN_KEY_VIOLATION) throw e;
      }
    }
    state ??= await readIngestState(db, query);
    return (await writeIngest(db, planWrite(state, batches, location, experimentId, runId, completed))).ok;
  };
  for (let attempt_ = 1; ; attempt_++) {
    if (await retryOnUniqueRace(attempt)) return { completedTraceIds: completed };
    if (attempt_ >= MAX_ATTEMPTS) throw new MlflowError("TEMPORARILY_UNAVAILABLE", "Traces are being written concurrently; retry.", { "retry-after": "1" });
  }
}

const FOREIGN_KEY_VIOLATION = "23503";
/** The state of a batch none of whose traces exists, in an experiment that does. */
const NO_TRACES: IngestState = { experiment: { artifactLocation: null }, traces: new Map() };

function planWrite(state: IngestState, batches: TraceBatch[], location: string, experimentId: number | null, runId: string | null, completed: string[]): IngestWrite {
  const missing = batches.filter((b) => !state.traces.has(b.traceId));
  if (missing.length > 0) {
    if (experimentId === null) throw MlflowError.invalidParameter(`Invalid experiment ID '${location}'. Experiment ID must be a valid integer.`);
    if (!state.experiment) throw MlflowError.notFound(`No Experiment with id=${experimentId} exists`);
  }
  const foreign = [...state.traces.values()].filter((t) => t.experimentId !== String(experimentId ?? location)).map((t) => t.traceId).sort();
  if (foreign.length > 0) throw MlflowError.invalidParameter(`Trace with ID '${foreign[0]}' already exists in another experiment.`);
  const blocked = [...state.traces.values()].filter((t) => t.spansLocation !== null && t.spansLocation !== "TRACKING_STORE").map((t) => `'${t.traceId}'`).sort();
  if (blocked.length > 0) {
    throw new MlflowError("INVALID_STATE", `Cannot log spans because one or more traces are unavailable for DB-backed span writes: other=${blocked.join(", ")}`);
  }
  const expected: { traceId: string; version: string }[] = [];
  const w: IngestWrite = { experimentId: experimentId!, expected: state === NO_TRACES ? "all-new" : expected, traces: [], spans: [], tags: [], users: [], runLinks: [], now: Date.now() };
  for (const b of [...batches].sort((x, y) => (x.traceId < y.traceId ? -1 : 1))) {
    const existing = state.traces.get(b.traceId);
    if (existing) expected.push({ traceId: b.traceId, version: existing.version });
    const tw = traceWrite(b, existing);
    const finalized = (existing?.finalized ?? false) && (b.usage !== null || b.cost !== null || b.sessionId !== null);
    setAnalytics(tw, b, existing, finalized, new Set(b.spans.map((s) => s.row.spanId)));
    w.traces.push(tw);
    const spanRows = new Map(b.spans.map((s) => [s.row.spanId, s.row]));
    for (const row of spanRows.values()) w.spans.push({ ...row, experimentId: Number(existing?.experimentId ?? experimentId) });
    // (A created trace's mlflow.artifactLocation tag is derived from its experiment in SQL.)
    const tags = new Map<string, string>();
    tags.set(TAG.spansLocation, "TRACKING_STORE");
    for (const [key, value] of b.resource ?? []) {
      if (key.startsWith("telemetry.sdk.") || key.startsWith("mlflow.")) continue;
      try {
        const [k, v] = validateTraceTag(key, typeof value === "string" ? value : pyDumps(value));
        tags.set(k, v);
      } catch {
        // MLflow skips resource attributes that are not valid tag keys
      }
    }
    for (const [k, v] of b.tags) if (k !== TAG.traceName) tags.set(k, v);
    for (const [key, value] of tags) w.tags.push({ traceId: b.traceId, key, value });
    if (b.userId && !existing?.hasUser) w.users.push({ traceId: b.traceId, value: b.userId });
  }
  if (runId && completed.length > 0 && completed.length <= 100) {
    for (const traceId of completed) w.runLinks.push({ traceId, runId, associationId: crypto.randomUUID().replace(/-/g, "") });
  }
  return w;
}
