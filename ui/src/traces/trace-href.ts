/** Our link to a trace: the form MLflow's UI builds, so links stay interchangeable between the two UIs. */
import { href } from "../router";

export function traceHref(experimentId: string, traceId: string, extra?: { spanId?: string; runId?: string }): string {
  const base = extra?.runId ? `/experiments/${experimentId}/runs/${extra.runId}/traces` : `/experiments/${experimentId}/traces`;
  return href(base, { selectedEvaluationId: traceId, spanId: extra?.spanId });
}
