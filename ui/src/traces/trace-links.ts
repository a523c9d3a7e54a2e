/**
 * Deep links to traces, in every form MLflow 3.18 produces:
 *   #/experiments/<e>/traces?selectedEvaluationId=<t>[&traceId=<t>][&spanId=<s>]  (its Traces tab)
 *   #/experiments/<e>?compareRunsMode=TRACES&selectedEvaluationId=<t>&traceId=<t>   (older runs-page mode)
 *   #/experiments/<e>/runs/<r>/traces?selectedEvaluationId=<t>                     (a run's Traces tab)
 *   selectedEvaluationId=trace:/<location>/<t>                                     (trace URIs)
 *   /static-files/lib/notebook-trace-renderer/index.html?trace_id=<t>&experiment_id=<e>  (the notebook
 *      iframe the Python client embeds; the SPA fallback serves it and the router adopts the path)
 * Pure (no router, no DOM), so it is unit-tested in Node; `trace-href.ts` builds our links.
 */
/** The trace id a URI or id names: `trace:/<location>/<id>` → `<id>`. */
export function traceIdFromParam(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (v.startsWith("trace:/")) return v.split("/").filter(Boolean).pop() || undefined;
  return v || undefined;
}

/** The trace (and span) a route's query selects, if any. */
export function selectedTrace(query: URLSearchParams): { traceId?: string; spanId?: string } {
  const traceId = traceIdFromParam(query.get("selectedEvaluationId")) ?? traceIdFromParam(query.get("traceId")) ?? traceIdFromParam(query.get("selectedTraceId"));
  const spanId = query.get("spanId") || undefined;
  return { traceId, spanId };
}

/** The notebook renderer's query: several trace_id/experiment_id pairs, in order. */
export function notebookTraces(query: URLSearchParams): { traceId: string; experimentId?: string }[] {
  const traces = query.getAll("trace_id");
  const experiments = query.getAll("experiment_id");
  return traces.map((traceId, i) => ({ traceId, experimentId: experiments[i] ?? experiments[0] }));
}
