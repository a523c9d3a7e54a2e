/**
 * The v3 trace API (`/api/3.0/mlflow/traces…`) and the trace RPCs MLflow serves under 2.0 only
 * (link-to-run, link-prompts). Static paths (`traces/get`, `traces/batchGet`) are declared before
 * `traces/:trace_id` so they win, as in MLflow's router. Trace access follows the trace's
 * experiment (src/db/auth.ts resolves trace ids through trace_info).
 */
import { allOf, onExperiment, onExperiments, onRun, onTrace, scoped } from "../auth/access";
import type { TraceWithSpans } from "../db/traces";
import { pageToWire } from "../protocol/proto-json";
import { BatchGet, DeleteTraces, GetTrace, LinkPromptsToTrace, LinkTracesToRun, SearchTracesV3, StartTraceV3 } from "../protocol/traces";
import { assessmentFromWire } from "../protocol/assessments";
import { traceInfoV3 } from "../protocol/trace-info";
import { spanJson } from "../protocol/trace-spans";
import { parseDurationJson, parseTimestampJson } from "../protocol/trace-time";
import { MlflowError } from "../errors";
import * as traces from "../services/traces";
import { searchTraces } from "../services/trace-search";
import { startTraceV3 } from "../services/trace-start";
import { pathParams, route, rpc, rpcPaths } from "./route";
import { traceTagRoutes } from "./trace-tags";

const traceJson = (t: TraceWithSpans) => ({ trace_info: traceInfoV3(t.info), spans: t.spans.map((s) => spanJson(s.content)) });
const newAssessmentId = () => `a-${crypto.randomUUID().replace(/-/g, "")}`;

function timeOf(text: string | undefined, what: "request_time" | "execution_duration"): bigint | null {
  if (text === undefined) return null;
  const ms = what === "request_time" ? parseTimestampJson(text) : parseDurationJson(text);
  if (ms === null) throw MlflowError.invalidParameter(`Invalid value ${JSON.stringify(text)} for parameter 'trace.trace_info.${what}' supplied.`);
  return ms;
}

// Readers built outside the route objects, so their types are settled before `rpc` infers from them.
const readTraceIdParam = pathParams("trace_id");

export const traceRoutes = [
  rpc({
    method: "POST",
    path: "/traces",
    version: 3,
    request: StartTraceV3,
    access: (m) => onExperiment("update", m.trace.trace_info?.trace_location?.mlflow_experiment?.experiment_id),
    handle: async (m, r) => {
      const info = m.trace.trace_info ?? { trace_metadata: undefined, assessments: [], tags: undefined };
      const row = await startTraceV3(r.db, {
        traceId: info.trace_id ?? "",
        experimentId: info.trace_location?.mlflow_experiment?.experiment_id,
        requestTimeMs: timeOf(info.request_time, "request_time") ?? 0n,
        executionDurationMs: timeOf(info.execution_duration, "execution_duration"),
        state: info.state ?? "STATE_UNSPECIFIED",
        clientRequestId: info.client_request_id ?? null,
        requestPreview: info.request_preview ?? null,
        responsePreview: info.response_preview ?? null,
        metadata: (info.trace_metadata ?? {}) as Record<string, string>,
        tags: (info.tags ?? {}) as Record<string, string>,
        assessments: info.assessments.map((a) => assessmentFromWire(a as Record<string, unknown>, newAssessmentId)),
      });
      return { trace: { trace_info: traceInfoV3(row) } };
    },
  }),

  rpc({
    method: "GET",
    path: "/traces/get",
    version: 3,
    request: GetTrace,
    access: (m) => onTrace("read", m.trace_id),
    handle: async (m, r) => ({ trace: traceJson(await traces.getTrace(r.db, m.trace_id, m.allow_partial ?? false)) }),
  }),

  rpc({
    method: "GET",
    path: "/traces/batchGet",
    version: 3,
    request: BatchGet,
    // Every trace named must be readable; the experiment scope (when given) too.
    access: (m) => allOf(...m.trace_ids.map((id) => onTrace("read", id)), ...(m.experiment_ids.length > 0 ? [onExperiments("read", m.experiment_ids)] : [])),
    handle: async (m, r) => {
      const found = await traces.batchGetTraces(r.db, m.trace_ids, m.experiment_ids.length > 0 ? m.experiment_ids : undefined);
      return { traces: found.map(traceJson) };
    },
  }),

  rpc({
    method: "POST",
    path: "/traces/batchGetInfos",
    version: 3,
    request: BatchGet,
    access: (m) => allOf(...m.trace_ids.map((id) => onTrace("read", id)), ...(m.experiment_ids.length > 0 ? [onExperiments("read", m.experiment_ids)] : [])),
    handle: async (m, r) => {
      const found = await traces.batchGetTraceInfos(r.db, m.trace_ids, m.experiment_ids.length > 0 ? m.experiment_ids : undefined);
      return found.length > 0 ? { trace_infos: found.map(traceInfoV3) } : {};
    },
  }),

  rpc({
    method: "POST",
    path: "/traces/search",
    version: 3,
    request: SearchTracesV3,
    // Unreadable experiments are dropped before the query, so the answer says nothing about them.
    access: scoped("experiment"),
    handle: async (m, r) => {
      const named = m.locations.map((l) => l.mlflow_experiment?.experiment_id).filter((id): id is string => id !== undefined);
      const experimentIds = await r.readable("experiment", named);
      const page = await searchTraces(r.db, { experimentIds, filter: m.filter, maxResults: m.max_results ?? 100, orderBy: m.order_by, pageToken: m.page_token });
      return pageToWire("traces", page.items.map(traceInfoV3), page.nextPageToken);
    },
  }),

  rpc({
    method: "GET",
    path: "/traces/:trace_id",
    version: 3,
    request: readTraceIdParam,
    access: (m) => onTrace("read", m.trace_id),
    handle: async (m, r) => ({ trace: { trace_info: traceInfoV3(await traces.getTraceInfo(r.db, m.trace_id)) } }),
  }),

  ...traceTagRoutes,

  route({
    method: "POST",
    // The client calls the 2.0 path; MLflow serves the same handler under 3.0.
    paths: [...rpcPaths("/traces/delete-traces", 2), ...rpcPaths("/traces/delete-traces", 3)],
    request: DeleteTraces,
    access: (m) => onExperiment("delete", m.experiment_id),
    handle: async (m, r) => ({
      traces_deleted: await traces.deleteTraces(r.db, { experimentId: m.experiment_id, maxTimestampMillis: m.max_timestamp_millis, maxTraces: m.max_traces, traceIds: m.request_ids }),
    }),
  }),

  rpc({
    method: "POST",
    path: "/traces/link-to-run",
    request: LinkTracesToRun,
    // Linking edits the run (and names the traces, which must be readable).
    access: (m) => allOf(onRun("update", m.run_id), ...m.trace_ids.map((id) => onTrace("read", id))),
    handle: async (m, r) => {
      await traces.linkToRun(r.db, m.trace_ids, m.run_id);
      return {};
    },
  }),

  rpc({
    method: "POST",
    path: "/traces/link-prompts",
    request: LinkPromptsToTrace,
    access: (m) => onTrace("update", m.trace_id),
    handle: async (m, r) => {
      await traces.linkPrompts(r.db, m.trace_id, m.prompt_versions.map((p) => ({ name: p.name ?? "", version: p.version ?? "" })));
      return {};
    },
  }),
];
