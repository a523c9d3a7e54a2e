/**
 * A Vite plugin that reports the JavaScript each route loads, gzipped, after every build, and fails
 * the build when the first load (the entry chunk and what it imports statically) exceeds the budget.
 * Per lazily loaded page or view (a dynamic import()): its chunk plus the chunks it imports
 * statically, minus what the first load already brought, and what a page load of that route
 * fetches in all (first load + page + the view inside it, e.g. the runs page and its chart view).
 */
import { gzipSync } from "node:zlib";
import type { Plugin } from "vite";

/** The first-load JavaScript budget, gzipped (issue 6). */
export const FIRST_LOAD_BUDGET_KB = 150;

/** The page a lazy view loads inside (its route total includes the page's own JavaScript). */
const PARENT: Record<string, string> = {
  "components/chart-view.tsx": "pages/runs/index.tsx",
  "components/artifacts.tsx": "pages/run.tsx",
  "pages/run-traces.tsx": "pages/run.tsx",
  "pages/run-evaluations.tsx": "pages/run.tsx",
  "components/metric-charts.tsx": "pages/run.tsx",
};

/** Where each lazy module is shown (by its source path under ui/src). */
const ROUTES: Record<string, string> = {
  "pages/runs/index.tsx": "#/experiments/<id> (runs table)",
  "components/chart-view.tsx": "  + chart view (?mode=chart)",
  "pages/run.tsx": "#/experiments/<id>/runs/<run>",
  "components/metric-charts.tsx": "  + metric charts (run, compare)",
  "components/artifacts.tsx": "  + artifacts (run, logged model)",
  "pages/run-traces.tsx": "  + run's traces tab",
  "pages/run-evaluations.tsx": "  + run's evaluations tab",
  "pages/run-redirect.tsx": "#/runs/<run>",
  "pages/compare.tsx": "#/compare-runs",
  "pages/models.tsx": "#/models",
  "pages/logged-models.tsx": "#/experiments/<id>/models",
  "pages/logged-model.tsx": "#/experiments/<id>/models/<model>",
  "pages/settings.tsx": "#/settings",
  "pages/traces.tsx": "#/experiments/<id>/traces (and trace view)",
  "pages/datasets.tsx": "#/experiments/<id>/datasets",
  "pages/evaluation-runs.tsx": "#/experiments/<id>/evaluation-runs",
  "pages/notebook-trace.tsx": "notebook trace renderer",
  "highlight.ts": "  + code highlighting (artifact previews)",
  "markdown.ts": "  + markdown (descriptions, previews)",
  "mlmodel.ts": "  + MLmodel parser",
};

interface Chunk {
  fileName: string;
  code: string;
  imports: string[];
  isEntry: boolean;
  facadeModuleId: string | null;
}

export function bundleReport(): Plugin {
  return {
    name: "bundle-report",
    apply: "build",
    generateBundle(_options, bundle) {
      const chunks = new Map<string, Chunk>();
      for (const item of Object.values(bundle)) if (item.type === "chunk") chunks.set(item.fileName, item as unknown as Chunk);
      const gz = new Map([...chunks].map(([name, c]) => [name, gzipSync(c.code, { level: 9 }).length]));
      const closure = (name: string, into = new Set<string>()) => {
        if (into.has(name)) return into;
        into.add(name);
        for (const dep of chunks.get(name)?.imports ?? []) closure(dep, into);
        return into;
      };
      const kb = (names: Iterable<string>) => [...names].reduce((sum, n) => sum + (gz.get(n) ?? 0), 0) / 1024;
      const entry = [...chunks.values()].find((c) => c.isEntry);
      if (!entry) return;
      const first = closure(entry.fileName);
      const lines = [`first load: ${kb(first).toFixed(1)} kB of JavaScript gzipped (budget ${FIRST_LOAD_BUDGET_KB} kB): ${[...first].join(", ")}`];
      const bySource = new Map<string, Chunk>();
      for (const c of chunks.values()) {
        const src = c.facadeModuleId?.split("/ui/src/")[1];
        if (src && !c.isEntry && src in ROUTES) bySource.set(src, c);
      }
      // What a page load of the route fetches: the first load, the page, and the view inside it.
      const routeLoad = (src: string): Set<string> => {
        const parent = PARENT[src] && bySource.get(PARENT[src]!);
        return new Set([...first, ...(parent ? closure(parent.fileName) : []), ...closure(bySource.get(src)!.fileName)]);
      };
      for (const src of Object.keys(ROUTES)) {
        if (!bySource.has(src)) continue;
        const own = [...closure(bySource.get(src)!.fileName)].filter((n) => !first.has(n));
        const total = PARENT[src] || !ROUTES[src]!.startsWith("  +") ? `(${kb(routeLoad(src)).toFixed(1)} kB for the route)` : "(loaded on demand)";
        lines.push(`${`${ROUTES[src]} [${src}]`.padEnd(72)} +${kb(own).toFixed(1).padStart(5)} kB  ${total}`);
      }
      console.log(`\nJavaScript per route, gzipped:\n${lines.join("\n")}\n`);
      if (kb(first) > FIRST_LOAD_BUDGET_KB) this.error(`first-load JavaScript is ${kb(first).toFixed(1)} kB gzipped, over the ${FIRST_LOAD_BUDGET_KB} kB budget`);
    },
  };
}
