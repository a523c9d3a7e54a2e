/** Entry point: the app shell (header, theme toggle) and the route table. Pages load lazily. */
import { render } from "preact";
import { lazy } from "./components/common";
import { ExperimentsPage } from "./pages/experiments";
import { route } from "./router";
import { cycleTheme, theme } from "./theme";
import "./styles.css";

const RunsPage = lazy(() => import("./pages/runs"));
const RunPage = lazy(() => import("./pages/run"));
const RunRedirect = lazy(() => import("./pages/run-redirect"));
const ComparePage = lazy(() => import("./pages/compare"));
const ModelsPage = lazy(() => import("./pages/models"));

function Page() {
  const { segments: s } = route.value;
  const [first, second, third, fourth] = s;
  if (!first || first === "experiments") {
    if (!second) return <ExperimentsPage />;
    if (third === "runs" && fourth) return <RunPage experimentId={second} runId={fourth} tab={s[4] ?? "overview"} rest={s.slice(5)} />;
    return <RunsPage experimentId={second} />;
  }
  if (first === "runs" && second) return <RunRedirect runId={second} />;
  // MLflow's full-page metric plot (/metric/...?runs=[..]) opens our compare view of those runs.
  if (first === "compare-runs" || first === "metric") return <ComparePage />;
  if (first === "models") return <ModelsPage name={second} version={third === "versions" ? fourth : undefined} />;
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
  return (
    <>
      <header class="topbar">
        <a class="brand" href="#/experiments">
          <svg viewBox="0 0 16 16" width="18" height="18" aria-hidden="true">
            <path d="M1 13 6 7l3 3 6-8" fill="none" stroke="currentColor" stroke-width="2" />
          </svg>
          Tracking
        </a>
        <nav>
          <a href="#/experiments" class={first !== "models" ? "active" : ""}>
            Experiments
          </a>
          <a href="#/models" class={first === "models" ? "active" : ""}>
            Models
          </a>
        </nav>
        <button class="ghost theme-toggle" onClick={cycleTheme} title="Switch theme (auto → dark → light)">
          {themeLabel}
        </button>
      </header>
      <main>
        <Page />
      </main>
    </>
  );
}

render(<App />, document.getElementById("app")!);
