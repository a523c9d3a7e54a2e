/**
 * How the trace view reads a trace, as MLflow's own UI does: its info (`GET /traces/{id}`) and its
 * spans (`get-trace-artifact`, the stored span JSON, which the server sends as stored) in parallel.
 *
 * A page load that opens a trace (a deep link) asks for both at once, from the entry bundle, while
 * the trace view's code is still loading: otherwise they would wait for those chunks, a few hundred
 * milliseconds on a cold load, before the server starts reading a trace that may hold thousands of
 * spans. The answers go to the first view that asks for that trace, once; later views ask again.
 */
import { api, api3, ApiError, prefetch } from "../api";
import { selectedTrace } from "./trace-links";

export interface TraceResponses {
  info: Promise<{ trace?: { trace_info?: unknown } }>;
  /** The spans file, or null when the trace has none (404: a 2.x trace still being written). */
  spans: Promise<{ spans?: unknown[] } | null>;
}

const infoPath = (traceId: string) => `/traces/${encodeURIComponent(traceId)}`;

/**
 * Reads a trace's info and spans; on a deep link these requests take the answers the entry bundle
 * asked for (the API client's early answers, each used once).
 */
export function fetchTraceResponses(traceId: string): TraceResponses {
  return {
    info: api3.get(infoPath(traceId)),
    spans: api.get<{ spans?: unknown[] }>("/get-trace-artifact", { request_id: traceId }).catch((e: unknown) => {
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    }),
  };
}

/** Starts reading the trace this route selects on an experiment view, if it selects one. */
export function prefetchSelectedTrace(segments: string[], query: URLSearchParams): void {
  const { traceId } = selectedTrace(query);
  if (!traceId || segments[0] !== "experiments" || !segments[1]) return;
  api3.prefetch("GET", infoPath(traceId));
  prefetch("GET", "/get-trace-artifact", { query: { request_id: traceId } });
}
