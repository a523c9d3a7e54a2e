// Shared setup for the browser tests: our whole local stack on free ports, the UI built into
// ./public, data seeded through the REST API, and Debian's Chromium driven by playwright-core.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { migrate } from "../../scripts/lib/migrate-core.mjs";
import { ROOT, localWorkerVars, startDatabaseStandIns, startPglite, startS3, startWrangler } from "../../scripts/lib/stack.mjs";
export { freePort } from "../../scripts/lib/ports.mjs";
import { freePort } from "../../scripts/lib/ports.mjs";

export const SCREENSHOTS = process.env.UI_SCREENSHOTS ?? path.join(os.tmpdir(), "ui-screenshots");


export function buildUi() {
  return new Promise((resolve, reject) => {
    const vite = path.join(ROOT, "node_modules/vite/bin/vite.js");
    const child = spawn(process.execPath, [vite, "build", "--config", "ui/vite.config.ts", "--logLevel", "warn"], { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] });
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`vite build exited with ${code}`))));
  });
}

export async function startStack({ vars = {} } = {}) {
  const stops = [];
  try {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ui-test-"));
    // `npm run test:ui` builds once for every test file (UI_TEST_PREBUILT=1).
    const [, pg] = await Promise.all([process.env.UI_TEST_PREBUILT ? Promise.resolve() : buildUi(), startPglite({ port: await freePort() })]);
    stops.push(pg.stop);
    await migrate(pg.url, { log: () => {} });
    const standIns = await startDatabaseStandIns();
    stops.push(standIns.stop);
    const s3 = await startS3({ port: await freePort(), dir: path.join(tmp, "s3") });
    stops.push(s3.stop);
    const server = await startWrangler({
      port: Number(process.env.UI_TEST_PORT ?? (await freePort())),
      vars: { ...localWorkerVars({ databaseUrl: pg.url, standIns, s3 }), ...vars },
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

export function restClient(base, { headers = {} } = {}) {
  const call = async (method, endpoint, body) => {
    const res = await fetch(`${base}/api/2.0/mlflow/${endpoint}`, {
      method,
      headers: { ...headers, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${endpoint} → ${res.status}: ${text}`);
    return text ? JSON.parse(text) : {};
  };
  return { post: (e, b) => call("POST", e, b), get: (e) => call("GET", e), patch: (e, b) => call("PATCH", e, b), del: (e, b) => call("DELETE", e, b) };
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
    const res = await fetch(`${base}/ajax-api/2.0/mlflow/upload-artifact?run_uuid=${runId}&path=${encodeURIComponent(file)}`, {
      method: "POST",
      body,
      // Form content types (text/plain, …) are refused: a foreign page could send them without CORS.
      headers: { "content-type": "application/octet-stream" },
    });
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

/** Uploads a file into a run's artifacts through the UI's upload endpoint. */
export async function uploadArtifact(base, runId, file, body) {
  const res = await fetch(`${base}/ajax-api/2.0/mlflow/upload-artifact?run_uuid=${runId}&path=${encodeURIComponent(file)}`, {
    method: "POST",
    body,
    headers: { "content-type": "application/octet-stream" },
  });
  if (!res.ok) throw new Error(`upload-artifact ${file} → ${res.status}: ${await res.text()}`);
}

export const MLMODEL_WITH_SIGNATURE = [
  "artifact_path: model",
  "flavors:",
  "  python_function:",
  "    loader_module: mlflow.sklearn",
  "    python_version: 3.11.9",
  "  sklearn:",
  "    sklearn_version: 1.5.0",
  "mlflow_version: 3.18.0",
  "signature:",
  '  inputs: \'[{"type": "double", "name": "sepal_length", "required": true}, {"type": "string", "name": "species_hint", "required": false}]\'',
  '  outputs: \'[{"type": "long", "name": "label", "required": true}]\'',
  "  params: null",
  "utc_time_created: '2026-01-01 00:00:00.000000'",
  "",
].join("\n");

/**
 * The feature tests' experiment: 15 runs (more than a palette of 12) with a categorical param
 * (optimizer), a numeric one (lr), a constant one (batch), a multi-step metric (loss), a metric
 * logged once with a long name, system metrics, datasets, tags; one run by user "unknown"; a
 * logged model (params, metrics per dataset, MLmodel with a signature) produced by the first run
 * and registered as a version; a prompt link; a second experiment with tags for the list.
 */
export async function seedFeatures(base) {
  const api = restClient(base);
  const { experiment_id: experimentId } = await api.post("experiments/create", { name: "feat-exp", tags: [{ key: "team", value: "vision" }] });
  const { experiment_id: otherId } = await api.post("experiments/create", { name: "feat-other", tags: [{ key: "team", value: "nlp" }] });
  const t0 = Date.now() - 7_200_000;
  const runs = [];
  for (let i = 0; i < 15; i++) {
    const user = i === 14 ? "unknown" : "tester";
    const { run } = await api.post("runs/create", {
      experiment_id: experimentId,
      run_name: `feat-${String(i).padStart(2, "0")}`,
      start_time: t0 + i * 1000,
      user_id: user,
      tags: [{ key: "mlflow.user", value: user }, { key: "team", value: i % 2 ? "vision" : "nlp" }],
    });
    const id = run.info.run_id;
    const metrics = [];
    for (let step = 0; step < 10; step++) {
      const ts = t0 + i * 1000 + step * 500;
      metrics.push({ key: "loss", value: 1 / (1 + step + i / 10), timestamp: ts, step });
      metrics.push({ key: "system/cpu_utilization_percentage", value: 20 + ((step * 7 + i) % 50), timestamp: ts, step });
    }
    metrics.push({ key: "validation_accuracy_score_long_name", value: 0.5 + i / 100 + 0.000123456789, timestamp: t0 + i * 1000 + 6000, step: 0 });
    await api.post("runs/log-batch", {
      run_id: id,
      metrics,
      params: [
        { key: "optimizer", value: i % 3 === 0 ? "sgd" : "adam" },
        { key: "lr", value: String(0.01 * (i + 1)) },
        { key: "batch", value: "32" },
      ],
    });
    await api.post("runs/log-inputs", {
      run_id: id,
      datasets: [{ dataset: { name: "iris", digest: "abc123", source_type: "local", source: "{}" }, tags: [{ key: "mlflow.data.context", value: "training" }] }],
    });
    await api.post("runs/update", { run_id: id, status: "FINISHED", end_time: t0 + i * 1000 + 60_000 });
    runs.push(id);
  }
  const { run: otherRun } = await api.post("runs/create", { experiment_id: otherId, run_name: "other-run", start_time: t0 });
  await api.post("runs/log-batch", { run_id: otherRun.info.run_id, params: [{ key: "lr", value: "0.5" }] });

  // A logged model from the first run, with metrics against a dataset and an MLmodel.
  const { model } = await api.post("logged-models", {
    experiment_id: experimentId,
    name: "iris-clf",
    source_run_id: runs[0],
    model_type: "classifier",
    params: [{ key: "max_depth", value: "4" }],
    tags: [{ key: "stage", value: "candidate" }],
  });
  const modelId = model.info.model_id;
  const path = model.info.artifact_uri.replace(/^mlflow-artifacts:\//, "");
  const put = await fetch(`${base}/api/2.0/mlflow-artifacts/artifacts/${path}/MLmodel`, { method: "PUT", body: MLMODEL_WITH_SIGNATURE });
  if (!put.ok) throw new Error(`MLmodel upload → ${put.status}: ${await put.text()}`);
  await api.patch(`logged-models/${modelId}`, { model_id: modelId, status: "LOGGED_MODEL_READY" });
  await api.post("runs/outputs", { run_id: runs[0], models: [{ model_id: modelId, step: 0 }] });
  await api.post("runs/log-batch", {
    run_id: runs[0],
    metrics: [{ key: "accuracy", value: 0.9731, timestamp: t0, step: 0, model_id: modelId, dataset_name: "eval_ds", dataset_digest: "d1" }],
  });
  await api.post("registered-models/create", { name: "iris-registry" });
  await api.post("model-versions/create", { name: "iris-registry", source: `models:/${modelId}`, run_id: runs[0], model_id: modelId });
  await api.post("model-versions/create", { name: "iris-registry", source: `runs:/${runs[1]}/model`, run_id: runs[1] });
  await api.post("runs/set-tag", { run_id: runs[1], key: "mlflow.linkedPrompts", value: JSON.stringify([{ name: "qa-prompt", version: "1" }]) });

  const first = runs[0];
  await uploadArtifact(base, first, "README.md", "# Results\n\nSome *notes* with a [link](https://example.invalid).\n\n<script>window.pwned=1</script>");
  await uploadArtifact(base, first, "config.json", JSON.stringify({ optimizer: "adam", layers: [64, 32], dropout: 0.1 }));
  await uploadArtifact(base, first, "points.csv", "name,score\nc,3\na,10\nb,2\n");
  await uploadArtifact(base, first, "area.geojson", JSON.stringify({
    type: "FeatureCollection",
    features: [
      { type: "Feature", properties: { name: "square" }, geometry: { type: "Polygon", coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]] } },
      { type: "Feature", properties: { name: "pin" }, geometry: { type: "Point", coordinates: [0.5, 0.5] } },
    ],
  }));
  await uploadArtifact(base, first, "sound.wav", Buffer.from(WAV_SILENCE, "base64"));
  await uploadArtifact(base, first, "plots/curve.txt", "shared");
  await uploadArtifact(base, runs[1], "plots/curve.txt", "shared too");
  await uploadArtifact(base, first, "model/MLmodel", MLMODEL_WITH_SIGNATURE);
  return { experimentId, otherId, runs, modelId };
}

/** 0.01 s of 8 kHz 8-bit mono silence. */
const WAV_SILENCE = Buffer.concat([
  Buffer.from("RIFF"), Buffer.from([0x74, 0, 0, 0]), Buffer.from("WAVEfmt "),
  Buffer.from([16, 0, 0, 0, 1, 0, 1, 0, 0x40, 0x1f, 0, 0, 0x40, 0x1f, 0, 0, 1, 0, 8, 0]),
  Buffer.from("data"), Buffer.from([80, 0, 0, 0]), Buffer.alloc(80, 128),
]).toString("base64");

const AXE = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/**
 * axe-core's serious and critical violations on each of `pages` ([url, selector that shows the page
 * is ready]), in the light and the dark theme (read at load, hence the reload). One line per finding.
 */
export async function axeViolations(page, baseUrl, pages) {
  const found = [];
  for (const theme of ["light", "dark"]) {
    await page.goto(`${baseUrl}/${pages[0][0]}`);
    await page.evaluate((t) => localStorage.setItem("ui.theme", t), theme);
    for (const [hash, ready] of pages) {
      await page.goto(`${baseUrl}/${hash}`);
      await page.reload();
      await page.locator(ready).first().waitFor();
      await page.evaluate(AXE);
      const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
      for (const v of result.violations) {
        if (v.impact === "serious" || v.impact === "critical") found.push(`${theme} ${hash}: ${v.id} (${v.impact}) ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
      }
    }
  }
  await page.evaluate(() => localStorage.removeItem("ui.theme"));
  return found;
}
