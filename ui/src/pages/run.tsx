/**
 * Run page: header, tabs (overview, charts, artifacts), and polling while the run is RUNNING so
 * status, metrics and charts stay live without a manual reload.
 */
import { useEffect, useState } from "preact/hooks";
import { api, isNotFound } from "../api";
import { ErrorBox, lazy, NotFound, Spinner, StatusBadge, useAsync } from "../components/common";
import { RunActions } from "../components/run-actions";
import { RunOverview } from "../components/run-overview";
import { href } from "../router";
import { runName } from "../runs-model";
import type { Experiment, Run } from "../types";

const MetricCharts = lazy(() => import("../components/metric-charts"));
const ArtifactBrowser = lazy(() => import("../components/artifacts"));
const RunTraces = lazy(() => import("./run-traces"));
const RunEvaluations = lazy(() => import("./run-evaluations"));

const POLL_MS = 5000;
const TABS = [
  ["overview", "Overview"],
  ["model-metrics", "Model metrics"],
  ["system-metrics", "System metrics"],
  ["artifacts", "Artifacts"],
  ["traces", "Traces"],
  ["evaluations", "Evaluations"],
] as const;

const isSystem = (key: string) => key.startsWith("system/");

interface Props {
  experimentId: string;
  runId: string;
  tab: string;
  rest: string[];
}

export default function RunPage({ experimentId, runId, tab, rest }: Props) {
  const [tick, setTick] = useState(0);
  const res = useAsync(() => api.get<{ run: Run }>("/runs/get", { run_id: runId }), [runId, tick]);
  const experiment = useAsync(() => api.get<{ experiment: Experiment }>("/experiments/get", { experiment_id: experimentId }), [experimentId]);
  const [run, setRun] = useState<Run | undefined>();
  useEffect(() => {
    if (res.data) setRun(res.data.run);
  }, [res.data]);
  useEffect(() => setRun(undefined), [runId]);

  const running = run?.info.status === "RUNNING" || run?.info.status === "SCHEDULED";
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setTick((t) => t + 1), POLL_MS);
    return () => clearInterval(timer);
  }, [running]);

  if (!run) {
    if (res.error && isNotFound(res.error)) return <NotFound what="Run" error={res.error} back={{ href: href(`/experiments/${experimentId}`), label: "Back to the experiment" }} />;
    return <div class="page">{res.error ? <ErrorBox error={res.error} title="Could not load the run." /> : <Spinner />}</div>;
  }
  const base = `/experiments/${experimentId}/runs/${runId}`;
  const activeTab = TABS.some(([id]) => id === tab) ? tab : "overview";
  // Charts refetch when any latest metric moves (live runs).
  const metricsVersion = (run.data?.metrics ?? []).map((m) => `${m.key}:${m.step}:${m.timestamp}`).join("|");

  return (
    <div class="page run-page">
      <div class="crumbs">
        <a href="#/experiments">Experiments</a> / <a href={href(`/experiments/${experimentId}`)}>{experiment.data?.experiment.name ?? experimentId}</a> /{" "}
        <span>{runName(run)}</span>
      </div>
      <div class="page-head">
        <h1>{runName(run)}</h1>
        <StatusBadge status={run.info.status} />
        {run.info.lifecycle_stage === "deleted" && <span class="badge status-failed">deleted</span>}
        {running && <span class="muted small-text">auto-refreshing</span>}
        <span class="grow" />
        <RunActions run={run} onChanged={() => setTick((t) => t + 1)} />
      </div>
      <nav class="tabs" aria-label="Run views">
        {TABS.map(([id, label]) => (
          <a key={id} aria-current={activeTab === id ? "page" : undefined} class={activeTab === id ? "active" : ""} href={href(id === "overview" ? base : `${base}/${id}`)}>
            {label}
          </a>
        ))}
      </nav>
      <ErrorBox error={res.error} title="Refresh failed." />
      {activeTab === "overview" && <RunOverview run={run} onChanged={() => setTick((t) => t + 1)} />}
      {activeTab === "model-metrics" && (
        <MetricCharts runs={[run]} metricKeys={(run.data?.metrics ?? []).map((m) => m.key).filter((k) => !isSystem(k)).sort()} version={metricsVersion} />
      )}
      {activeTab === "system-metrics" &&
        ((run.data?.metrics ?? []).some((m) => isSystem(m.key)) ? (
          <MetricCharts runs={[run]} metricKeys={(run.data?.metrics ?? []).map((m) => m.key).filter(isSystem).sort()} version={metricsVersion} defaultAxis="relative" />
        ) : (
          <p class="empty">No system metrics. Start runs with <code>log_system_metrics=True</code> (or set MLFLOW_ENABLE_SYSTEM_METRICS_LOGGING) to record CPU, memory and GPU use.</p>
        ))}
      {activeTab === "artifacts" && <ArtifactBrowser source={{ kind: "run", runId }} basePath={`${base}/artifacts`} selectedPath={rest.join("/")} />}
      {activeTab === "traces" && <RunTraces experimentId={experimentId} runId={runId} />}
      {activeTab === "evaluations" && <RunEvaluations experimentId={experimentId} runId={runId} run={run} />}
    </div>
  );
}
