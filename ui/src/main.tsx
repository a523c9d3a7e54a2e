/** Entry point: the app shell (header, theme toggle, retry note) and the route table. Pages load lazily. */
import { render } from "preact";
import { retrying } from "./api";
import { lazy } from "./components/common";
import { embedded } from "./embedded";
import { ExperimentsPage } from "./pages/experiments/index";
import { route } from "./router";
import { cycleTheme, theme } from "./theme";
import { prefetchRunsPage } from "./runs-search";
import { prefetchSelectedTrace } from "./traces/trace-prefetch";
import "./styles.css";

const RunsPage = lazy(() => import("./pages/runs"));
const RunPage = lazy(() => import("./pages/run"));
const RunRedirect = lazy(() => import("./pages/run-redirect"));
const ComparePage = lazy(() => import("./pages/compare"));
const ModelsPage = lazy(() => import("./pages/models"));
const LoggedModelsTab = lazy(() => import("./pages/logged-models"));
const LoggedModelPage = lazy(() => import("./pages/logged-model"));
const SettingsPage = lazy(() => import("./pages/settings"));
const TracesTab = lazy(() => import("./pages/traces"));
const DatasetsTab = lazy(() => import("./pages/datasets"));
const EvaluationRunsPage = lazy(() => import("./pages/evaluation-runs"));
const NotebookTrace = lazy(() => import("./pages/notebook-trace"));

/** Query keys with which MLflow's links select a trace on any experiment view. */
const TRACE_SELECTORS = ["selectedEvaluationId", "traceId", "selectedTraceId"];

/** MLflow writes lists in URLs as JSON (`["1","2"]`); ours are comma lists. Both are read. */
export function parseIdList(value: string | null): string[] {
  if (!value) return [];
  const v = value.trim();
  if (v.startsWith("[")) {
    try {
      return (JSON.parse(v) as unknown[]).map(String);
    } catch {
      return [];
    }
  }
  return v.split(",").filter(Boolean);
}

/** Experiment tabs with pages of their own; any other third segment opens the runs page. */
const EXPERIMENT_TABS = new Set(["models", "traces", "datasets", "evaluation-runs"]);

/** The experiments whose runs page (table or chart view) a route opens, or null for any other page. */
function runsPageExperiments(s: string[], query: URLSearchParams): string[] | null {
  const [first, second, third, fourth] = s;
  if (first === "compare-experiments") return parseIdList(query.get("experiments"));
  if ((first && first !== "experiments") || !second) return null;
  if ((third === "runs" && fourth) || (third && EXPERIMENT_TABS.has(third))) return null;
  // MLflow's older links open traces on the runs view (`?compareRunsMode=TRACES&selectedEvaluationId=…`).
  if (!third && (query.get("compareRunsMode") === "TRACES" || TRACE_SELECTORS.some((k) => query.has(k)))) return null;
  return [second];
}

/** Framed on the notebook renderer path by another origin: a trace view, or a link out. */
function embeddedAllows(s: string[], query: URLSearchParams): boolean {
  if (s[0] === "static-files") return true;
  return s[0] === "experiments" && !!s[1] && TRACE_SELECTORS.some((k) => query.has(k));
}

function Page() {
  const { segments: s, query } = route.value;
  const [first, second, third, fourth] = s;
  if (embedded && !embeddedAllows(s, query)) {
    return (
      <div class="page">
        <p>
          <a href={`${window.location.origin}/${window.location.hash}`} target="_blank" rel="noopener">
            Open this page in MLflow
          </a>
        </p>
      </div>
    );
  }
  const runsOf = runsPageExperiments(s, query);
  if (runsOf) return <RunsPage experimentIds={runsOf} />;
  if (!first || first === "experiments") {
    if (!second) return <ExperimentsPage />;
    if (third === "runs" && fourth) return <RunPage experimentId={second} runId={fourth} tab={s[4] ?? "overview"} rest={s.slice(5)} />;
    if (third === "models" && fourth) return <LoggedModelPage experimentId={second} modelId={fourth} tab={s[4] ?? "overview"} rest={s.slice(5)} />;
    if (third === "models") return <LoggedModelsTab experimentId={second} />;
    if (third === "datasets") return <DatasetsTab experimentId={second} />;
    if (third === "evaluation-runs") return <EvaluationRunsPage experimentId={second} />;
    // What runsPageExperiments leaves: the Traces tab, or MLflow's trace links on the runs view.
    return <TracesTab experimentId={second} />;
  }
  if (first === "runs" && second) return <RunRedirect runId={second} />;
  // MLflow's full-page metric plot (/metric/...?runs=[..]) opens our compare view of those runs.
  if (first === "compare-runs" || first === "metric") return <ComparePage />;
  if (first === "models" || first === "compare-model-versions") return <ModelsPage name={first === "models" ? second : undefined} version={third === "versions" ? fourth : undefined} compare={first === "compare-model-versions"} />;
  if (first === "settings") return <SettingsPage />;
  // The notebook trace renderer the Python client embeds (served here by the SPA fallback).
  if (first === "static-files" && s[2] === "notebook-trace-renderer") return <NotebookTrace />;
  return (
    <div class="page">
      <h1>Page not found</h1>
      <p>
        <a href="#/experiments">Go to experiments</a>
      </p>
    </div>
  );
}

function App() {
  const first = route.value.segments[0] ?? "experiments";
  const themeLabel = theme.value === "auto" ? "Theme: auto" : theme.value === "dark" ? "Theme: dark" : "Theme: light";
  const modelsActive = first === "models" || first === "compare-model-versions";
  return (
    <>
      <a class="skip-link" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById("main")?.focus())}>
        Skip to content
      </a>
      <header class="topbar">
        <a class="brand" href="#/experiments">
          <svg viewBox="0 0 16 16" width="18" height="18" aria-hidden="true">
            <path d="M1 13 6 7l3 3 6-8" fill="none" stroke="currentColor" stroke-width="2" />
          </svg>
          Tracking
        </a>
        <nav aria-label="Main">
          <a href="#/experiments" class={!modelsActive && first !== "settings" ? "active" : ""}>
            Experiments
          </a>
          <a href="#/models" class={modelsActive ? "active" : ""}>
            Models
          </a>
          <a href="#/settings" class={first === "settings" ? "active" : ""}>
            Settings
          </a>
        </nav>
        {retrying.value > 0 && (
          <span class="retrying" role="status" data-testid="retrying">
            <span class="spinner-dot" /> Server busy, retrying…
          </span>
        )}
        <button class="ghost theme-toggle" onClick={cycleTheme} title="Switch theme (auto → dark → light)">
          {themeLabel}
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <Page />
      </main>
    </>
  );
}

// A deep link to a trace: its spans start loading now, beside the trace view's code. A runs page:
// its first reads, and a chart view's code, which asks for the histories once the runs are known.
prefetchSelectedTrace(route.value.segments, route.value.query);
const runsPage = runsPageExperiments(route.value.segments, route.value.query);
if (runsPage && !embedded) {
  prefetchRunsPage(runsPage, route.value.query);
  if (route.value.query.get("mode") === "chart") void import("./components/chart-view").catch(() => undefined);
}
render(<App />, document.getElementById("app")!);
