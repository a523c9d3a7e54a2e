/**
 * `#/experiments/<id>/evaluation-runs[?selectedRunUuid=<run>]`: the link `mlflow.genai.evaluate`
 * prints. With a run selected it shows that run's results; without, the experiment's evaluation
 * runs (tagged `mlflow.runType = genai_evaluate` by `evaluate`), or all its runs on request (each
 * run's page also has an Evaluations tab).
 */
import { api, isNotFound } from "../api";
import { ErrorBox, NotFound, Spinner, StatusBadge } from "../components/common";
import { EvaluationResults } from "../components/trace/evaluation-results";
import { useAsync } from "../hooks";
import { formatRelative } from "../format";
import { href, route } from "../router";
import { runName } from "../runs-model";
import type { Run } from "../types";
import { ExperimentHeader, useExperiments } from "./runs/header";
import "../traces/traces.css";

/** The tag `mlflow.genai.evaluate` puts on its runs. */
const EVALUATION_RUNS = "tags.`mlflow.runType` = 'genai_evaluate'";

export default function EvaluationRunsPage({ experimentId }: { experimentId: string }) {
  const experiments = useExperiments([experimentId]);
  const selected = route.value.query.get("selectedRunUuid") ?? undefined;
  const allRuns = route.value.query.get("runs") === "all";
  const runs = useAsync(
    () =>
      api.post<{ runs?: Run[] }>("/runs/search", {
        experiment_ids: [experimentId],
        filter: allRuns ? undefined : EVALUATION_RUNS,
        max_results: 100,
        order_by: ["attributes.start_time DESC"],
      }),
    [experimentId, allRuns],
  );
  if (experiments.error && isNotFound(experiments.error)) return <NotFound what="Experiment" error={experiments.error} back={{ href: "#/experiments", label: "Back to experiments" }} />;
  const run = runs.data?.runs?.find((r) => r.info.run_id === selected);
  return (
    <div class="page">
      <ExperimentHeader experimentIds={[experimentId]} state={experiments} tab="evaluations" />
      {selected ? (
        <>
          <div class="page-head">
            <h2 class="evaluation-title">
              Evaluation: <a href={href(`/experiments/${experimentId}/runs/${selected}`)}>{run ? runName(run) : selected}</a>
            </h2>
            <a href={href(`/experiments/${experimentId}/evaluation-runs`)}>All runs</a>
          </div>
          <EvaluationResults experimentId={experimentId} runId={selected} run={run} />
        </>
      ) : (
        <>
          <ErrorBox error={runs.error} title="Could not load the runs." />
          {runs.loading && !runs.data && <Spinner />}
          <div class="toolbar">
            <span class="muted small-text">{allRuns ? "All runs of the experiment." : "Runs made by mlflow.genai.evaluate."}</span>
            <a href={href(`/experiments/${experimentId}/evaluation-runs`, { runs: allRuns ? undefined : "all" })}>{allRuns ? "Only evaluation runs" : "Show all runs"}</a>
          </div>
          {runs.data && (runs.data.runs ?? []).length === 0 && (
            <p class="empty" data-testid="evaluation-runs-empty">
              No {allRuns ? "" : "evaluation "}runs yet. <code>mlflow.genai.evaluate(…)</code> creates one per evaluation.
            </p>
          )}
          {(runs.data?.runs ?? []).length > 0 && (
            <table class="table">
              <thead>
                <tr>
                  <th>Run</th>
                  <th>Status</th>
                  <th>Started</th>
                  <th>Metrics</th>
                </tr>
              </thead>
              <tbody>
                {runs.data!.runs!.map((r) => (
                  <tr key={r.info.run_id} data-run-id={r.info.run_id}>
                    <td>
                      <a href={href(`/experiments/${experimentId}/evaluation-runs`, { selectedRunUuid: r.info.run_id })}>{runName(r)}</a>
                    </td>
                    <td>
                      <StatusBadge status={r.info.status} />
                    </td>
                    <td>{formatRelative(r.info.start_time)}</td>
                    <td class="small-text">{(r.data?.metrics ?? []).length}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </div>
  );
}
