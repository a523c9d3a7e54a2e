/**
 * Calls for traces and assessments (MLflow 3.18's v3 RPCs, `service.proto`). A trace is read as
 * MLflow's own UI reads it: its info, and its spans through `get-trace-artifact` (trace-prefetch.ts).
 */
import { api3 } from "../api";
import { fetchTraceResponses } from "./trace-prefetch";
import type { Assessment, RawSpan, Trace, TraceInfo } from "./trace-types";

export interface TracePage {
  traces: TraceInfo[];
  nextPageToken?: string;
}

export interface TraceQuery {
  experimentIds: string[];
  filter?: string;
  orderBy?: string[];
  pageToken?: string;
  maxResults?: number;
}

export async function searchTraces(q: TraceQuery): Promise<TracePage> {
  const res = await api3.post<{ traces?: TraceInfo[]; next_page_token?: string }>("/traces/search", {
    locations: q.experimentIds.map((experiment_id) => ({ type: "MLFLOW_EXPERIMENT", mlflow_experiment: { experiment_id } })),
    filter: q.filter || undefined,
    order_by: q.orderBy?.length ? q.orderBy : undefined,
    max_results: q.maxResults ?? 100,
    page_token: q.pageToken || undefined,
  });
  return { traces: res.traces ?? [], nextPageToken: res.next_page_token || undefined };
}

/** Every trace matching a query, page after page, up to `limit`. */
export async function searchAllTraces(q: TraceQuery, limit: number): Promise<{ traces: TraceInfo[]; truncated: boolean }> {
  const all: TraceInfo[] = [];
  let token: string | undefined;
  do {
    const page = await searchTraces({ ...q, pageToken: token, maxResults: Math.min(500, limit - all.length) });
    all.push(...page.traces);
    token = page.nextPageToken;
  } while (token && all.length < limit);
  return { traces: all, truncated: !!token };
}

export async function getTrace(traceId: string): Promise<Trace> {
  const answers = fetchTraceResponses(traceId);
  const [res, file] = await Promise.all([answers.info, answers.spans]);
  const info = (res.trace?.trace_info as TraceInfo | undefined) ?? { trace_id: traceId };
  return { info, spans: (file?.spans as RawSpan[] | undefined) ?? [] };
}

// ---- assessments (CreateAssessment, UpdateAssessment, DeleteAssessment) ----------------------

const assessmentPath = (traceId: string, assessmentId?: string) =>
  `/traces/${encodeURIComponent(traceId)}/assessments${assessmentId ? `/${encodeURIComponent(assessmentId)}` : ""}`;

export type NewAssessment = Omit<Assessment, "assessment_id" | "create_time" | "last_update_time" | "valid">;

export async function createAssessment(traceId: string, assessment: NewAssessment): Promise<Assessment> {
  const res = await api3.post<{ assessment: Assessment }>(assessmentPath(traceId), { assessment: { ...assessment, trace_id: traceId } });
  return res.assessment;
}

/**
 * PATCH with a FieldMask. In proto JSON a FieldMask is one comma-separated string of camelCase
 * paths (`"feedback,rationale"`); MLflow rejects snake_case paths there.
 */
export async function updateAssessment(traceId: string, assessmentId: string, patch: Partial<Pick<Assessment, "assessment_name" | "feedback" | "expectation" | "rationale" | "metadata">>): Promise<Assessment> {
  const camel: Record<string, string> = { assessment_name: "assessmentName", feedback: "feedback", expectation: "expectation", rationale: "rationale", metadata: "metadata" };
  const mask = Object.keys(patch).map((k) => camel[k] ?? k).join(",");
  const res = await api3.patch<{ assessment: Assessment }>(assessmentPath(traceId, assessmentId), {
    assessment: { ...patch, assessment_id: assessmentId, trace_id: traceId },
    update_mask: mask,
  });
  return res.assessment;
}

export async function deleteAssessment(traceId: string, assessmentId: string): Promise<void> {
  await api3.del(assessmentPath(traceId, assessmentId));
}
