/**
 * A page load that opens a trace (a deep link) asks for it at once, from the entry bundle, while
 * the trace view's code is still loading: otherwise `traces/get` would wait for those chunks, a
 * few hundred milliseconds on a cold load, before the server starts reading a trace that may hold
 * thousands of spans. The answer is handed to the first view that asks for that trace, once; any
 * later view asks the server again.
 */
import { api3 } from "../api";
import { selectedTrace } from "./trace-links";

export type TraceResponse = { trace?: { trace_info?: unknown; spans?: unknown[] } };

const pending = new Map<string, Promise<TraceResponse>>();

export function fetchTraceResponse(traceId: string): Promise<TraceResponse> {
  return api3.get<TraceResponse>("/traces/get", { trace_id: traceId });
}

/** Starts `traces/get` for the trace this route selects on an experiment view, if it selects one. */
export function prefetchSelectedTrace(segments: string[], query: URLSearchParams): void {
  const { traceId } = selectedTrace(query);
  if (!traceId || segments[0] !== "experiments" || !segments[1] || pending.has(traceId)) return;
  const answer = fetchTraceResponse(traceId);
  answer.catch(() => {}); // the view that takes it reports the failure; nobody may take it
  pending.set(traceId, answer);
}

/** The prefetched answer for `traceId` (once), or a new request. */
export function takeTraceResponse(traceId: string): Promise<TraceResponse> {
  const answer = pending.get(traceId);
  if (!answer) return fetchTraceResponse(traceId);
  pending.delete(traceId);
  return answer;
}
