/**
 * Deep links to traces, in every form MLflow 3.18 produces:
 *   #/experiments/<e>/traces?selectedEvaluationId=<t>[&traceId=<t>][&spanId=<s>]  (its Traces tab)
 *   #/experiments/<e>?compareRunsMode=TRACES&selectedEvaluationId=<t>&traceId=<t>   (older runs-page mode)
 *   #/experiments/<e>/runs/<r>/traces?selectedEvaluationId=<t>                     (a run's Traces tab)
 *   selectedEvaluationId=trace:/<location>/<t>                                     (trace URIs)
 *   /static-files/lib/notebook-trace-renderer/index.html?trace_id=<t>&experiment_id=<e>  (the notebook
 *      iframe the Python client embeds; the SPA fallback serves it and the router adopts the path)
 */
import { href } from "../router";

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

/** Our canonical link to a trace (the form MLflow's UI builds, so links stay interchangeable). */
export function traceHref(experimentId: string, traceId: string, extra?: { spanId?: string; runId?: string }): string {
  const base = extra?.runId ? `/experiments/${experimentId}/runs/${extra.runId}/traces` : `/experiments/${experimentId}/traces`;
  return href(base, { selectedEvaluationId: traceId, spanId: extra?.spanId });
}

export const NOTEBOOK_RENDERER_SEGMENTS = ["static-files", "lib", "notebook-trace-renderer"];

/** The notebook renderer's query: several trace_id/experiment_id pairs, in order. */
export function notebookTraces(query: URLSearchParams): { traceId: string; experimentId?: string }[] {
  const traces = query.getAll("trace_id");
  const experiments = query.getAll("experiment_id");
  return traces.map((traceId, i) => ({ traceId, experimentId: experiments[i] ?? experiments[0] }));
}
