/**
 * The experiment's Traces tab: the list, or, when the URL selects a trace (MLflow's
 * `selectedEvaluationId`, `traceId`, or a `trace:/…` URI), that trace's view. Going back keeps the
 * list's filter and order, which stay in the query.
 */
import { useState } from "preact/hooks";
import { isNotFound } from "../api";
import { NotFound, lazy } from "../components/common";
import { TraceList } from "../components/trace/trace-list";
import { TraceView } from "../components/trace/trace-view";
import { href, route } from "../router";
import { selectedTrace } from "../traces/trace-links";
import { ExperimentHeader, useExperiments } from "./runs/header";
import "../traces/traces.css";

// The overview's charts (uPlot) load with the list only: a deep link to a trace does not wait for them.
const TraceOverview = lazy(() => import("../components/trace/trace-overview"));

/** The current route's query without the trace selection: the list the user came from. */
export function listHref(path: string): string {
  const query = Object.fromEntries([...route.value.query].filter(([k]) => !["selectedEvaluationId", "traceId", "selectedTraceId", "spanId", "compareRunsMode"].includes(k)));
  return href(path, query);
}

export default function TracesTab({ experimentId }: { experimentId: string }) {
  const experiments = useExperiments([experimentId]);
  const { traceId } = selectedTrace(route.value.query);
  // The list's Refresh (and auto-refresh) reads the overview again too.
  const [refreshTick, setRefreshTick] = useState(0);
  if (experiments.error && isNotFound(experiments.error)) return <NotFound what="Experiment" error={experiments.error} back={{ href: "#/experiments", label: "Back to experiments" }} />;
  return (
    <div class="page">
      <ExperimentHeader experimentIds={[experimentId]} state={experiments} tab="traces" />
      {traceId ? (
        <TraceView key={traceId} traceId={traceId} experimentId={experimentId} backHref={listHref(`/experiments/${experimentId}/traces`)} backLabel="All traces" />
      ) : (
        <>
          {/* Keyed by experiment: another experiment's list and numbers are never shown while this one's load. */}
          <TraceOverview key={`overview-${experimentId}`} experimentId={experimentId} refreshTick={refreshTick} />
          <TraceList key={`list-${experimentId}`} experimentId={experimentId} refreshTick={refreshTick} onRefresh={() => setRefreshTick((t) => t + 1)} />
        </>
      )}
    </div>
  );
}
