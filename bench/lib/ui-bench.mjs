// Issue 6's UI benchmark, in Debian's Chromium driven by playwright-core: for our UI and the
// reference server's own UI (served by `mlflow server` at /), the time from navigation start to
//   - the first run row of an experiment with ${wideRuns} runs (the newest run's row in the DOM),
//   - the metric chart of ${chartRuns} runs × ${chartSteps} steps drawn (ours: the uPlot canvas has
//     pixels; the reference: its Plotly chart has a line for every run), and
//   - issue 16's trace view of a ${bigTraceSpans}-span trace shown (span tree rows and a span's
//     details; ours also reports the part after the trace's JSON arrived, which is the UI's own).
// Every measurement opens a fresh browser context (no cache) and is repeated; the median is reported.
import { spawn } from "node:child_process";
import path from "node:path";
import { chromium } from "playwright-core";
import { ROOT } from "../../scripts/lib/stack.mjs";
import { TRACE_VIEW_PAGES } from "./trace-view-bench.mjs";

export const CHROMIUM = "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
  "--no-first-run", "--disable-component-update", "--disable-sync",
];
const TIMEOUT_MS = 120_000;

/** Builds the UI into `outDir` (the benchmark's source snapshot), leaving ./public alone. */
export function buildUiInto(outDir) {
  return new Promise((resolve, reject) => {
    const vite = path.join(ROOT, "node_modules/vite/bin/vite.js");
    const child = spawn(process.execPath, [vite, "build", "--config", "ui/vite.config.ts", "--logLevel", "warn", "--outDir", outDir, "--emptyOutDir"], { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] });
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`vite build exited with ${code}`))));
  });
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? null : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// What "drawn" means on each UI, checked in the page at every animation frame.
export const PAGES = {
  ours: {
    firstRows: (ctx) => ({
      url: `/#/experiments/${ctx.wideExperimentId}`,
      ready: `document.querySelector('[data-run-id="${ctx.newestWideRunId}"]') !== null`,
    }),
    chart: (ctx) => ({
      url: `/#/compare-runs?runs=${ctx.chartRunIds.join(",")}`,
      // uPlot draws series on its canvas: some pixel in the middle row band is no longer blank.
      ready: `(() => {
        const c = document.querySelector('.chart-card[data-metric="series"] canvas');
        if (!c || c.width === 0) return false;
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        for (let i = 3; i < d.length; i += 4 * 7) if (d[i] !== 0) return true;
        return false;
      })()`,
    }),
    traceView: TRACE_VIEW_PAGES.ours,
    chartView: (ctx, size) => ({
      // All runs shown (our default is the top 10, as MLflow's is), every card drawn on its canvas.
      url: `/#/experiments/${ctx.chartViewExperimentId}?mode=chart&show=all`,
      ready: `(() => {
        const cards = document.querySelectorAll('.chart-card');
        if (cards.length < ${size.viewMetrics}) return false;
        for (const card of cards) {
          const c = card.querySelector('canvas');
          if (!c || c.width === 0 || card.querySelectorAll('.chart-legend li').length < ${size.viewRuns}) return false;
        }
        return true;
      })()`,
    }),
  },
  reference: {
    firstRows: (ctx, size) => ({
      // Without workflowType the reference opens a GenAI overview page instead of the runs table.
      url: `/#/experiments/${ctx.wideExperimentId}/runs?workflowType=machine_learning`,
      ready: `[...document.querySelectorAll('a, span, div')].some((e) => e.childElementCount === 0 && e.textContent === 'wide-${size.wideRuns}')`,
    }),
    chart: (ctx) => ({
      // The URL the reference UI itself builds for its metric page (route /metric/*).
      url: `/#/metric/series?runs=${JSON.stringify(ctx.chartRunIds)}&metric=${encodeURIComponent('"series"')}&experiments=${JSON.stringify([ctx.chartExperimentId])}&plot_metric_keys=${encodeURIComponent('["series"]')}&x_axis=step&y_axis_scale=linear`,
      // react-plotly: one scatter trace (an SVG path, or a WebGL canvas for big traces) per run.
      ready: `document.querySelectorAll('.js-plotly-plot .scatterlayer .trace path.js-line, .js-plotly-plot .gl-container canvas').length >= ${ctx.chartRunIds.length}
        || document.querySelectorAll('.js-plotly-plot .gl-container canvas').length > 0`,
    }),
    traceView: TRACE_VIEW_PAGES.reference,
    chartView: (ctx, size) => ({
      // MLflow's runs page in chart mode; it draws a Plotly card per metric (its default shows the
      // first 10 runs, so it draws fewer lines than ours with show=all).
      url: `/#/experiments/${ctx.chartViewExperimentId}/runs?workflowType=machine_learning&compareRunsMode=CHART`,
      ready: `document.querySelectorAll('.js-plotly-plot').length >= ${size.viewMetrics}
        && [...document.querySelectorAll('.js-plotly-plot')].every((p) => p.querySelector('.scatterlayer .trace, .barlayer .trace, .gl-container canvas'))`,
    }),
  },
};

/**
 * One page load in a fresh context: ms from navigation start until `ready` holds, and, when the
 * target names a request (`since`), ms from that response's end until `ready`.
 */
export async function timeOnce(browser, baseUrl, { url, ready, since }) {
  // bypassCSP: our UI's Content-Security-Policy forbids eval, which Playwright's string predicates use.
  const context = await browser.newContext({ viewport: { width: 1400, height: 2400 }, bypassCSP: true });
  try {
    const page = await context.newPage();
    await page.goto(`${baseUrl}${url}`, { waitUntil: "commit", timeout: TIMEOUT_MS });
    // performance.now() counts from the navigation's start (timeOrigin); it is taken in the same
    // frame as the check succeeds, so the protocol's round trips do not count.
    const handle = await page.waitForFunction(`(${ready}) && (window.__benchReadyAt ??= performance.now())`, null, { polling: "raf", timeout: TIMEOUT_MS });
    const readyAt = await handle.jsonValue();
    if (!since) return { ms: readyAt };
    const arrived = await page.evaluate((part) => Math.max(...performance.getEntriesByType("resource").filter((e) => e.name.includes(part)).map((e) => e.responseEnd)), since);
    return { ms: readyAt, afterResponseMs: Number.isFinite(arrived) ? readyAt - arrived : undefined };
  } finally {
    await context.close();
  }
}

export function uiScenario({ full }) {
  const reps = 3;
  return {
    id: "ui",
    title: "UI: first rows, chart drawn",
    kind: "ui",
    needsUi: true,
    custom: async ({ servers, plan, log }) => {
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
      const rows = [];
      try {
        const measures = [
          ["first rows", "firstRows", `experiment with ${plan.size.wideRuns.toLocaleString("en-US")} runs`],
          ["chart drawn", "chart", `${plan.size.chartRuns} runs × ${plan.size.chartSteps.toLocaleString("en-US")} steps`],
          ["chart view", "chartView", `${plan.size.viewRuns} runs × ${plan.size.viewMetrics} metrics × ${plan.size.viewSteps.toLocaleString("en-US")} steps`],
          ["trace view", "traceView", `one trace of ${plan.size.bigTraceSpans.toLocaleString("en-US")} spans`],
        ];
        for (const [what, key, data] of measures) {
          for (const server of servers) {
            const target = PAGES[server.name][key](server.ctx, plan.size);
            const times = [];
            const afterResponse = [];
            let error;
            try {
              await timeOnce(browser, server.url, target); // warm the server (and the OS file cache), not measured
              for (let i = 0; i < reps; i++) {
                const t = await timeOnce(browser, server.url, target);
                times.push(t.ms);
                if (t.afterResponseMs !== undefined) afterResponse.push(t.afterResponseMs);
              }
            } catch (err) {
              error = String(err.message ?? err).split("\n")[0].slice(0, 200);
            }
            const ms = median(times);
            log(`UI ${what} ${server.name}: ${error ? `FAILED ${error}` : `median ${Math.round(ms)} ms of ${times.map(Math.round).join(", ")}`}`);
            rows.push({
              id: "ui", kind: "ui", status: error ? "failed" : "ok", note: error, what, data, server: server.name, page: target.url,
              medianMs: ms === null ? null : Math.round(ms), samplesMs: times.map(Math.round),
              ...(afterResponse.length ? { afterResponseMedianMs: Math.round(median(afterResponse)), afterResponseSamplesMs: afterResponse.map(Math.round) } : {}),
            });
          }
        }
      } finally {
        await browser.close();
      }
      return rows;
    },
  };
}

export function uiTable(rows) {
  const head = `${"measure".padEnd(12)} ${"data".padEnd(30)} ${"server".padEnd(10)} ${"median ms".padStart(10)}  samples ms`;
  const lines = [head, "-".repeat(head.length + 20)];
  for (const r of rows) {
    lines.push(`${r.what.padEnd(12)} ${r.data.padEnd(30)} ${r.server.padEnd(10)} ${String(r.medianMs ?? "-").padStart(10)}  ${r.status === "ok" ? r.samplesMs.join(", ") : `FAILED: ${r.note}`}`);
  }
  for (const r of rows) {
    if (r.afterResponseMedianMs !== undefined) lines.push(`${r.what} (${r.server}): ${r.afterResponseMedianMs} ms median from the data's arrival to the view shown (samples ${r.afterResponseSamplesMs.join(", ")})`);
  }
  const speedups = [];
  for (const what of new Set(rows.map((r) => r.what))) {
    const [ref, ours] = ["reference", "ours"].map((s) => rows.find((r) => r.what === what && r.server === s));
    if (ref?.medianMs && ours?.medianMs) speedups.push(`${what}: ours ${(ref.medianMs / ours.medianMs).toFixed(1)}x faster`);
  }
  if (speedups.length) lines.push(speedups.join("; "));
  return lines.join("\n");
}
