// Issue 18's chart view alone, fast to repeat: seeds only the chart view's experiment (runs ×
// metrics × steps, default the issue's 100 × 10 × 1,000) into a fresh database, starts our server
// (and, with --reference, MLflow 3.18's), and times the chart view in Chromium as the `ui` scenario
// of bench/run.mjs does (same pages, same "drawn" checks, fresh context per load, one unmeasured
// warm-up, median of --reps), the measured loads alternating between the servers.
//
//   node bench/ui-chart-view.mjs [--steps=1000] [--runs=100] [--metrics=10] [--reps=3]
//                                [--reference] [--source=REV] [--waterfall] [--json=FILE] [--serve]
//
// --source=REV measures a committed revision's server *and* UI (default: the working tree's).
//
// --view=trace measures issue 16's trace view instead: one trace of 5,000 spans (--spans=N), opened
// by the deep link MLflow's UI builds, as the `ui` scenario's "trace view" row.
//
// --waterfall prints, for one more load of ours, the page's resource timings (the chart requests'
// sizes and server time from `Server-Timing`) and when the view was ready. --serve keeps our
// server up (its URL on stdout) until SIGINT, for profiling by hand, and measures nothing.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import { ROOT } from "../scripts/lib/stack.mjs";
import { seedBigTrace, seedChartView, SIZES } from "./lib/seed.mjs";
import { createDatabases, snapshotSource, startOurs, startReference } from "./lib/servers.mjs";
import { CHROMIUM, CHROMIUM_ARGS, PAGES, buildUiInto, median, timeOnce } from "./lib/ui-bench.mjs";
import { machine } from "./lib/report.mjs";

const log = (...a) => console.error("[chart-view]", ...a);
const opts = { view: "chart", spans: 5000, steps: 1000, runs: 100, metrics: 10, reps: 3, reference: false, source: "worktree", waterfall: false, json: null, serve: false };
for (const arg of process.argv.slice(2)) {
  const [k, v] = arg.replace(/^--/, "").split("=");
  if (k === "steps" || k === "runs" || k === "metrics" || k === "reps" || k === "spans") opts[k] = Number(v);
  else if (k === "view" && (v === "chart" || v === "trace")) opts.view = v;
  else if (k === "reference" || k === "waterfall" || k === "serve") opts[k] = true;
  else if (k === "source") opts.source = v;
  else if (k === "json") opts.json = path.resolve(v);
  else throw new Error(`unknown option ${arg}; see the top of bench/ui-chart-view.mjs`);
}
const size = { ...SIZES.full, viewRuns: opts.runs, viewMetrics: opts.metrics, viewSteps: opts.steps, bigTraceSpans: opts.spans };
const traceView = opts.view === "trace";
const seed = (url) => (traceView ? seedBigTrace(url, size) : seedChartView(url, size));
/** The page to time on a server, with what "shown" means there. */
const pageOf = (server) =>
  traceView ? PAGES[server.name].traceView(server.ctx) : { ...PAGES[server.name].chartView(server.ctx, size), ...(server.name === "ours" ? { since: "get-history-chart" } : {}) };
const what = traceView ? `trace view, one trace of ${opts.spans} spans` : `chart view, ${opts.runs} runs × ${opts.metrics} metrics × ${opts.steps} steps`;
const adminUrl = process.env.BENCH_PG_URL ?? "postgres://postgres:postgres@127.0.0.1:5432/postgres";
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "mlflow-chart-view-"));
const sourceDir = path.join(workDir, "source");
const started = Date.now();
const source = await snapshotSource(opts.source, sourceDir);
if (opts.source === "worktree") await buildUiInto(path.join(sourceDir, "public"));
else await buildUiOf(opts.source, workDir, path.join(sourceDir, "public"));
const dbs = await createDatabases({ adminUrl, log });
const servers = [];
const rows = [];
let ok = false;
try {
  const [refCtx, oursCtx] = await Promise.all([opts.reference ? seed(dbs.urls.ref) : null, seed(dbs.urls.ours)]);
  log(`seeded the ${what} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  const ours = await startOurs({ databaseUrl: dbs.urls.ours, workDir, sourceDir });
  ours.ctx = oursCtx;
  servers.push(ours);
  if (opts.reference) {
    const ref = await startReference({ databaseUrl: dbs.urls.ref, workDir, workers: 4 });
    ref.ctx = refCtx;
    servers.push(ref);
  }
  if (opts.serve) {
    // Keep ours up for profiling by hand: the UI can be rebuilt into <dir>/public and src/ copied
    // into <dir>/src (wrangler dev rebuilds); stopped with SIGINT/SIGTERM.
    console.log(JSON.stringify({ url: ours.url, page: `${ours.url}${pageOf(ours).url}`, ...ours.ctx, sourceDir }));
    await new Promise((resolve) => { process.once("SIGINT", resolve); process.once("SIGTERM", resolve); });
  }
  const browser = opts.serve ? null : await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  if (browser) {
    try {
      // A warm-up load each, then the measured loads alternating between the servers (the order
      // flipping every round), so that the machine's drifting load hits both alike.
      const targets = new Map(servers.map((server) => [server, pageOf(server)]));
      const times = new Map(servers.map((server) => [server, { ms: [], after: [] }]));
      for (const server of servers) await timeOnce(browser, server.url, targets.get(server));
      for (let i = 0; i < opts.reps; i++) {
        for (const server of i % 2 === 0 ? servers : [...servers].reverse()) {
          const t = await timeOnce(browser, server.url, targets.get(server));
          times.get(server).ms.push(Math.round(t.ms));
          if (t.afterResponseMs !== undefined) times.get(server).after.push(Math.round(t.afterResponseMs));
        }
      }
      for (const server of servers) {
        const { ms, after } = times.get(server);
        const row = { server: server.name, page: targets.get(server).url, medianMs: Math.round(median(ms)), samplesMs: ms, ...(after.length ? { afterResponseMedianMs: median(after), afterResponseSamplesMs: after } : {}) };
        rows.push(row);
        log(`${server.name}: median ${row.medianMs} ms of ${ms.join(", ")}${after.length ? `; from the last data response to shown: ${after.join(", ")} ms` : ""}`);
      }
      if (opts.waterfall) await waterfall(browser, ours, pageOf(ours));
    } finally {
      await browser.close();
    }
  }
  const load = os.loadavg().map((x) => x.toFixed(2)).join(" ");
  const [r, o] = ["reference", "ours"].map((s) => rows.find((x) => x.server === s));
  console.log(`\n${what}; ours: ${source}; load average ${load}`);
  for (const x of rows) console.log(`${x.server.padEnd(10)} median ${String(x.medianMs).padStart(6)} ms   samples ${x.samplesMs.join(", ")}`);
  if (r && o) console.log(`ours ${(r.medianMs / o.medianMs).toFixed(1)}x faster`);
  if (opts.json) fs.writeFileSync(opts.json, JSON.stringify({ date: new Date().toISOString(), opts, source, loadAverage: os.loadavg(), machine: machine(ROOT), rows }, null, 2));
  ok = true;
} finally {
  await Promise.all(servers.map((s) => s.stop()));
  await dbs.drop().catch((e) => log(`could not drop the databases: ${e.message}`));
  if (ok) fs.rmSync(workDir, { recursive: true, force: true });
  else log(`logs kept in ${workDir}`);
}

/** One more load of ours, printing its resource waterfall and the ready time. */
async function waterfall(browser, server, { url, ready }) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 2400 }, bypassCSP: true });
  try {
    const page = await context.newPage();
    await page.goto(`${server.url}${url}`, { waitUntil: "commit" });
    const handle = await page.waitForFunction(`(${ready}) && (window.__benchReadyAt ??= performance.now())`, null, { polling: "raf", timeout: 120_000 });
    const readyAt = await handle.jsonValue();
    const entries = await page.evaluate(() => performance.getEntriesByType("resource").map((e) => ({
      name: e.name.replace(location.origin, "").slice(0, 90), start: e.startTime, responseStart: e.responseStart, end: e.responseEnd,
      kB: e.encodedBodySize / 1024, rawKB: e.decodedBodySize / 1024, server: e.serverTiming.map((t) => `${t.name}=${Math.round(t.duration)}`).join(" "),
    })));
    const nav = await page.evaluate(() => { const n = performance.getEntriesByType("navigation")[0]; return { domContentLoaded: n.domContentLoadedEventEnd, responseEnd: n.responseEnd }; });
    console.log(`\nwaterfall (ms from navigation start): document ${Math.round(nav.responseEnd)}, DOMContentLoaded ${Math.round(nav.domContentLoaded)}, ready ${Math.round(readyAt)}`);
    for (const e of entries) {
      console.log(`${Math.round(e.start).toString().padStart(6)} → ${Math.round(e.responseStart).toString().padStart(6)} → ${Math.round(e.end).toString().padStart(6)}  ${e.kB.toFixed(1).padStart(8)} kB (${e.rawKB.toFixed(1)} raw)  ${e.server.padEnd(24)} ${e.name}`);
    }
  } finally {
    await context.close();
  }
}

/** The UI of a committed revision (with --source=REV the page and the server are both that revision's). */
async function buildUiOf(rev, dir, outDir) {
  const root = path.join(dir, "ui-source");
  fs.mkdirSync(root, { recursive: true });
  const tar = path.join(dir, "ui.tar");
  execFileSync("git", ["archive", "--output", tar, rev, "ui", "package.json", "tsconfig.json"], { cwd: ROOT });
  execFileSync("tar", ["-xf", tar, "-C", root]);
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(root, "node_modules"));
  execFileSync(process.execPath, [path.join(ROOT, "node_modules/vite/bin/vite.js"), "build", "--config", "ui/vite.config.ts", "--logLevel", "warn", "--outDir", outDir, "--emptyOutDir"], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
}
