/** Compare runs: a transposed table (runs as columns) with an only-differences toggle, and overlaid charts. */
import { useMemo } from "preact/hooks";
import { api } from "../api";
import { CommonArtifacts } from "../components/common-artifacts";
import { BoxPlot, ContourPlot, dimensions, ParallelCoordinates, ScatterPlot } from "../components/run-plots";
import { runColor } from "../colors";
import { displayUser, ErrorBox, lazy, Spinner, useAsync } from "../components/common";
import { formatDuration, formatTime, formatValue } from "../format";
import { href, route, setQuery } from "../router";
import { runName } from "../runs-model";
import { tagValue, type Run } from "../types";

const MetricCharts = lazy(() => import("../components/metric-charts"));

/** Accepts MLflow's `runs=["a","b"]` as well as our `runs=a,b`. */
function parseRunIds(value: string | null): string[] {
  if (!value) return [];
  if (value.trim().startsWith("[")) {
    try {
      return (JSON.parse(value) as unknown[]).map(String);
    } catch {
      return [];
    }
  }
  return value.split(",").filter(Boolean);
}

interface Row {
  section: string;
  key: string;
  values: string[];
}

function buildRows(runs: Run[]): Row[] {
  const rows: Row[] = [];
  const attr = (key: string, f: (r: Run) => string) => rows.push({ section: "Attributes", key, values: runs.map(f) });
  attr("Run ID", (r) => r.info.run_id);
  attr("Status", (r) => (r.info.status ?? "").toLowerCase());
  attr("Created", (r) => formatTime(r.info.start_time));
  attr("Duration", (r) => formatDuration(r.info.start_time, r.info.end_time));
  attr("User", (r) => displayUser(r.info.user_id || tagValue(r.data?.tags, "mlflow.user")));
  attr("Experiment", (r) => r.info.experiment_id);
  const section = (name: string, pick: (r: Run) => { key: string; value: string }[]) => {
    const keys = new Set<string>();
    runs.forEach((r) => pick(r).forEach((kv) => keys.add(kv.key)));
    for (const key of [...keys].sort()) {
      rows.push({ section: name, key, values: runs.map((r) => pick(r).find((kv) => kv.key === key)?.value ?? "") });
    }
  };
  section("Parameters", (r) => r.data?.params ?? []);
  section("Metrics", (r) => (r.data?.metrics ?? []).map((m) => ({ key: m.key, value: formatValue(m.value) })));
  section("Tags", (r) => (r.data?.tags ?? []).filter((t) => !t.key.startsWith("mlflow.")));
  return rows;
}

export default function ComparePage() {
  const q = route.value.query;
  const ids = parseRunIds(q.get("runs"));
  const onlyDiff = q.get("diff") === "1";
  const res = useAsync(() => Promise.all(ids.map((run_id) => api.get<{ run: Run }>("/runs/get", { run_id }).then((r) => r.run))), [ids.join(",")]);
  const runs = res.data ?? [];
  const rows = buildRows(runs).filter((r) => r.section === "Attributes" || !onlyDiff || new Set(r.values).size > 1);
  const metricKeys = [...new Set(runs.flatMap((r) => (r.data?.metrics ?? []).map((m) => m.key)))].sort();
  const dims = useMemo(() => dimensions(runs), [runs]);
  const experimentId = q.get("experiments")?.replace(/[\[\]"]/g, "").split(",")[0];
  let lastSection = "";
  return (
    <div class="page compare-page">
      <div class="crumbs">
        <a href="#/experiments">Experiments</a>
        {experimentId && (
          <>
            {" / "}
            <a href={href(`/experiments/${experimentId}`)}>Experiment {experimentId}</a>
          </>
        )}{" "}
        / <span>Compare</span>
      </div>
      <div class="page-head">
        <h1>Comparing {ids.length} runs</h1>
        <label class="check">
          <input type="checkbox" checked={onlyDiff} onChange={() => setQuery({ diff: onlyDiff ? undefined : "1" })} /> Only differences
        </label>
      </div>
      {ids.length === 0 && <p class="empty">No runs selected. Select runs in an experiment's table and press Compare.</p>}
      <ErrorBox error={res.error} title="Could not load the runs." />
      {res.loading && <Spinner />}
      {runs.length > 0 && (
        <div class="compare-wrap card">
          <table class="table compare-table">
            <thead>
              <tr>
                <th class="sticky-col">Run</th>
                {runs.map((r) => (
                  <th key={r.info.run_id}>
                    <span class="swatch" style={{ background: runColor(r) }} />
                    <a href={href(`/experiments/${r.info.experiment_id}/runs/${r.info.run_id}`)}>{runName(r)}</a>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => {
                const head = row.section !== lastSection;
                lastSection = row.section;
                const differs = new Set(row.values).size > 1;
                return (
                  <>
                    {head && (
                      <tr class="section-row" key={`s:${row.section}`}>
                        <th colSpan={runs.length + 1}>{row.section}</th>
                      </tr>
                    )}
                    <tr key={`${row.section}:${row.key}`} class={differs ? "differs" : ""}>
                      <th class="sticky-col mono">{row.key}</th>
                      {row.values.map((v, i) => (
                        <td key={i} class="mono">
                          {v}
                        </td>
                      ))}
                    </tr>
                  </>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {runs.length > 1 && (
        <div class="run-plots">
          <ScatterPlot runs={runs} dims={dims} />
          <ParallelCoordinates runs={runs} dims={dims} />
          <BoxPlot runs={runs} dims={dims} />
          <ContourPlot runs={runs} dims={dims} />
        </div>
      )}
      {runs.length > 1 && <CommonArtifacts runs={runs} />}
      {runs.length > 0 && (
        <>
          <h2 class="section-title">Metric history</h2>
          <MetricCharts runs={runs} metricKeys={metricKeys} />
        </>
      )}
    </div>
  );
}
