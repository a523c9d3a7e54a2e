/** A run's Traces tab: the run's traces (produced in it or linked to it), or one of them. */
import { TraceList } from "../components/trace/trace-list";
import { TraceView } from "../components/trace/trace-view";
import { route } from "../router";
import { selectedTrace } from "../traces/trace-links";
import { listHref } from "./traces";
import "../traces/traces.css";

export default function RunTraces({ experimentId, runId }: { experimentId: string; runId: string }) {
  const { traceId } = selectedTrace(route.value.query);
  if (traceId) return <TraceView key={traceId} traceId={traceId} experimentId={experimentId} backHref={listHref(`/experiments/${experimentId}/runs/${runId}/traces`)} backLabel="The run's traces" />;
  return <TraceList experimentId={experimentId} runId={runId} />;
}
