// Shared setup for the browser tests: our whole local stack on free ports, the UI built into
// ./public, data seeded through the REST API, and Debian's Chromium driven by playwright-core.
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { migrate } from "../../scripts/lib/migrate-core.mjs";
import { ROOT, localWorkerVars, startDatabaseStandIns, startPglite, startS3, startWrangler } from "../../scripts/lib/stack.mjs";

export const SCREENSHOTS = process.env.UI_SCREENSHOTS ?? path.join(os.tmpdir(), "ui-screenshots");

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export function buildUi() {
  return new Promise((resolve, reject) => {
    const vite = path.join(ROOT, "node_modules/vite/bin/vite.js");
    const child = spawn(process.execPath, [vite, "build", "--config", "ui/vite.config.ts", "--logLevel", "warn"], { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] });
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`vite build exited with ${code}`))));
  });
}

export async function startStack() {
  const stops = [];
  try {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ui-test-"));
    const [, pg] = await Promise.all([buildUi(), startPglite({ port: await freePort() })]);
    stops.push(pg.stop);
    await migrate(pg.url, { log: () => {} });
    const standIns = await startDatabaseStandIns();
    stops.push(standIns.stop);
    const s3 = await startS3({ port: await freePort(), dir: path.join(tmp, "s3") });
    stops.push(s3.stop);
    const server = await startWrangler({
      port: Number(process.env.UI_TEST_PORT ?? (await freePort())),
      vars: localWorkerVars({ databaseUrl: pg.url, standIns, s3 }),
    });
    stops.push(server.stop);
    return {
      url: server.url,
      stop: async () => {
        for (const stop of stops.reverse()) await stop();
        fs.rmSync(tmp, { recursive: true, force: true });
      },
    };
  } catch (e) {
    for (const stop of stops.reverse()) await stop();
    throw e;
  }
}

export function restClient(base) {
  const call = async (method, endpoint, body) => {
    const res = await fetch(`${base}/api/2.0/mlflow/${endpoint}`, {
      method,
      headers: body ? { "content-type": "application/json" } : undefined,
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${endpoint} → ${res.status}: ${text}`);
    return text ? JSON.parse(text) : {};
  };
  return { post: (e, b) => call("POST", e, b), get: (e) => call("GET", e) };
}

/**
 * One experiment with a parent run (3 children), a running run, and runs with distinct params
 * and 50-step metric histories; plus text/CSV/JSON/HTML artifacts on the first run.
 */
export async function seed(base) {
  const api = restClient(base);
  const { experiment_id: experimentId } = await api.post("experiments/create", { name: "ui-seeded" });
  await api.post("experiments/set-experiment-tag", { experiment_id: experimentId, key: "mlflow.note.content", value: "Seeded by the UI tests." });
  const t0 = Date.now() - 3_600_000;
  const makeRun = async (name, { lr, status = "FINISHED", parent, offset = 0 }) => {
    const tags = [{ key: "mlflow.user", value: "tester" }, { key: "team", value: "vision" }];
    if (parent) tags.push({ key: "mlflow.parentRunId", value: parent });
    const { run } = await api.post("runs/create", { experiment_id: experimentId, run_name: name, start_time: t0 + offset, tags });
    const id = run.info.run_id;
    const metrics = [];
    for (let step = 0; step < 50; step++) {
      const ts = t0 + offset + step * 1000;
      metrics.push({ key: "loss", value: Math.exp(-step / (10 / lr)) + 0.01 * Math.sin(step), timestamp: ts, step });
      metrics.push({ key: "accuracy", value: 1 - Math.exp(-step / 15) * (1 - lr), timestamp: ts, step });
    }
    await api.post("runs/log-batch", {
      run_id: id,
      metrics,
      params: [
        { key: "lr", value: String(lr) },
        { key: "model", value: "resnet" },
      ],
    });
    if (status !== "RUNNING") await api.post("runs/update", { run_id: id, status, end_time: t0 + offset + 60_000 });
    return id;
  };
  const runs = {};
  runs.first = await makeRun("alpha", { lr: 0.1, offset: 0 });
  runs.second = await makeRun("beta", { lr: 0.5, offset: 60_000 });
  runs.parent = await makeRun("sweep", { lr: 1, offset: 120_000 });
  runs.children = [];
  for (let i = 0; i < 3; i++) runs.children.push(await makeRun(`trial-${i}`, { lr: 0.2 + i / 10, parent: runs.parent, offset: 130_000 + i * 1000 }));
  runs.running = await makeRun("live", { lr: 0.3, status: "RUNNING", offset: 200_000 });

  const upload = async (runId, file, body) => {
    const res = await fetch(`${base}/ajax-api/2.0/mlflow/upload-artifact?run_uuid=${runId}&path=${encodeURIComponent(file)}`, { method: "POST", body });
    if (!res.ok) throw new Error(`upload-artifact ${file} → ${res.status}: ${await res.text()}`);
  };
  await upload(runs.first, "notes.txt", "hello from the artifact store\nsecond line\n");
  await upload(runs.first, "data/table.csv", "name,score\nalpha,0.91\nbeta,0.87\n");
  await upload(runs.first, "model/MLmodel", "flavors:\n  python_function:\n    loader_module: mlflow.sklearn\n");
  await upload(runs.first, "plots/dot.png", Buffer.from(PNG_1X1, "base64"));
  await upload(runs.first, "paper.pdf", MINIMAL_PDF);
  await upload(runs.first, "report.html", "<h1>Report</h1><script>window.parent.document.title='pwned'</script>");

  await api.post("registered-models/create", { name: "ui-classifier", description: "Seeded model" });
  for (const runId of [runs.first, runs.second]) {
    await api.post("model-versions/create", { name: "ui-classifier", source: `runs:/${runId}/model`, run_id: runId });
  }
  await api.post("registered-models/alias", { name: "ui-classifier", alias: "champion", version: "2" });

  return { experimentId, runs };
}

/** A bigger experiment for pagination and virtualisation: more runs than the first search pages. */
export async function seedManyRuns(base, total = 300) {
  const api = restClient(base);
  const { experiment_id: experimentId } = await api.post("experiments/create", { name: "ui-many-runs" });
  const t0 = Date.now() - 3_600_000;
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < total) {
        const i = next++;
        await api.post("runs/create", { experiment_id: experimentId, run_name: `bulk-${String(i).padStart(4, "0")}`, start_time: t0 + i });
      }
    }),
  );
  return { experimentId, total };
}

const PNG_1X1 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
const MINIMAL_PDF = [
  "%PDF-1.4",
  "1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj",
  "2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj",
  "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]>>endobj",
  "trailer<</Root 1 0 R>>",
  "%%EOF",
].join("\n");

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-quic",
  "--no-first-run",
  "--disable-component-update",
  "--disable-sync",
];
