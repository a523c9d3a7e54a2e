// The benchmark scenarios. Each one describes the request a client sends; ids come from the seed
// (bench/lib/seed.mjs), identical on both servers. Writes carry a fresh step or key on every request
// so that no request repeats an earlier row, and client i always logs to its own run.
import { artifactScenario } from "./artifact-bench.mjs";
import { distanceScenario } from "./distance-bench.mjs";
import { uiScenario } from "./ui-bench.mjs";
import { traceScenarios } from "./trace-bench.mjs";

const API = "/api/2.0/mlflow";
const ARTIFACTS = "/api/2.0/mlflow-artifacts/artifacts";
const MiB = 1 << 20;

// Unique across every request of the whole benchmark, so that written rows never collide.
let counter = 0;
const next = () => ++counter;

const post = (path, body) => ({ method: "POST", path: `${API}${path}`, body: JSON.stringify(body) });
const get = (path, query) => ({ method: "GET", path: `${API}${path}?${new URLSearchParams(query)}` });

/** n metric points as a training loop batches them: up to 10 keys, n / keys consecutive steps each. */
function metricBatch(n) {
  const keys = Math.min(n, 10);
  const steps = n / keys;
  const base = next() * steps;
  const timestamp = Date.now();
  const metrics = [];
  for (let s = 0; s < steps; s++) {
    for (let k = 0; k < keys; k++) metrics.push({ key: `m${k}`, value: Math.sin(base + s + k), timestamp, step: base + s });
  }
  return metrics;
}

const logBatch = (n) => ({
  id: `log-batch-${n}`,
  title: `runs/log-batch, ${n} metrics`,
  what: `Each client logs batches of ${n} metric points (${Math.min(n, 10)} keys × ${n / Math.min(n, 10)} steps) to its own run.`,
  request: (ctx, client) => post("/runs/log-batch", { run_id: ctx.writeRunIds[client], metrics: metricBatch(n) }),
});

// `wide`: the experiment of issue 3's shape (20 metrics, 20 params, 10 tags per run).
const search = (id, title, body, { wide = false } = {}) => ({
  id,
  title,
  what: `runs/search over the ${wide ? "${wideRuns} runs (20 metrics, 20 params, 10 tags each)" : "${searchRuns} runs"} of one experiment: ${title.replace(/^runs\/search( wide)?, /, "")}.`,
  probe: (ctx) => post("/runs/search", { experiment_ids: [wide ? ctx.wideExperimentId : ctx.searchExperimentId], max_results: 1 }),
  request: (ctx) => post("/runs/search", { experiment_ids: [wide ? ctx.wideExperimentId : ctx.searchExperimentId], ...body }),
  // Both servers must return the same runs in the same order, or the comparison is void.
  fingerprint: (json) => `${json.runs?.length ?? 0} runs, first ${json.runs?.[0]?.info?.run_id ?? "-"}`,
});

function artifact(method, size, { concurrency } = {}) {
  const label = size >= 1 << 30 ? `${size / (1 << 30)} GiB` : `${size / MiB} MiB`;
  // Inside a run's artifact folder (<experiment>/<run>/artifacts/…), where the proxy accepts writes.
  const dir = `bench/${size}/artifacts`;
  return {
    id: `artifact-${method.toLowerCase()}-${label.replace(" ", "").toLowerCase()}`,
    title: `artifact ${method} ${label}`,
    what: `${method === "PUT" ? "Uploads" : "Downloads"} a ${label} file through the server's artifact proxy (mlflow-artifacts).`,
    stream: true,
    // A large transfer is measured over a fixed number of requests: one per client, no warm-up.
    fixedPerClient: size >= 100 * MiB ? 1 : undefined,
    concurrency,
    probe: () => ({ method: "PUT", path: `${ARTIFACTS}/bench/probe/artifacts/probe.txt`, size: 16 }),
    setup: method === "GET" ? () => ({ method: "PUT", path: `${ARTIFACTS}/${dir}/download.bin`, size }) : undefined,
    request: (_ctx, client) => method === "PUT"
      ? { method, path: `${ARTIFACTS}/${dir}/upload-${client}-${next()}.bin`, size }
      : { method, path: `${ARTIFACTS}/${dir}/download.bin`, size },
  };
}

/** Scenario list for a mode; `full` adds the 1 GiB transfers. */
export function scenarios({ full }) {
  const list = [
    {
      id: "health",
      title: "GET /health",
      what: "A request that does no work and touches no database: what each server costs per request before any work (the floor under every other row).",
      request: () => ({ method: "GET", path: "/health" }),
    },
    {
      id: "runs-create",
      title: "runs/create",
      what: "Creates runs in one experiment, as every training job does once at start.",
      request: (ctx) => post("/runs/create", {
        experiment_id: ctx.writeExperimentId,
        start_time: Date.now(),
        run_name: `bench-${next()}`,
        tags: [{ key: "mlflow.user", value: "bench" }],
      }),
    },
    {
      id: "log-metric",
      title: "runs/log-metric",
      what: "Each client logs one metric point per request to its own run (the client's default without batching).",
      request: (ctx, client) => {
        const step = next();
        return post("/runs/log-metric", { run_id: ctx.writeRunIds[client], key: "loss", value: 1 / step, timestamp: Date.now(), step });
      },
    },
    logBatch(10),
    logBatch(100),
    logBatch(1000),
    {
      id: "log-batch-params-100",
      title: "runs/log-batch, 100 params",
      what: "Each client logs 100 new parameters per request to its own run.",
      request: (ctx, client) => {
        const n = next();
        return post("/runs/log-batch", {
          run_id: ctx.writeRunIds[client],
          params: Array.from({ length: 100 }, (_, j) => ({ key: `p${n}_${j}`, value: `value-${j}` })),
        });
      },
    },
    {
      id: "runs-get",
      title: "runs/get",
      what: "Reads one run with 50 params, 24 tags and 50 metrics.",
      request: (ctx) => get("/runs/get", { run_id: ctx.getRunId }),
      fingerprint: (json) => `${json.run?.data?.params?.length} params, ${json.run?.data?.metrics?.length} metrics`,
    },
    search("search-default", "runs/search, no filter, newest first, 100 per page", { max_results: 100 }),
    search("search-metric", "runs/search, metrics.accuracy > 0.9 by accuracy", {
      filter: "metrics.accuracy > 0.9", order_by: ["metrics.accuracy DESC"], max_results: 100,
    }),
    search("search-param-tag", "runs/search, param = and tag = by start_time", {
      filter: "params.optimizer = 'adam' and tags.team = 'team-3'", order_by: ["attributes.start_time ASC"], max_results: 100,
    }),
    search("search-like-1000", "runs/search, status and tag LIKE by param, 1000 per page", {
      filter: "attributes.status = 'FINISHED' and tags.model LIKE 'res%'", order_by: ["params.lr DESC"], max_results: 1000,
    }),
    // Issue 3's search benchmark: its data shape, a mix of filters and orderings.
    search("search-wide-default", "runs/search wide, no filter, newest first, 100 per page", { max_results: 100 }, { wide: true }),
    search("search-wide-metric", "runs/search wide, metric > by another metric", {
      filter: "metrics.m3 > 0.5", order_by: ["metrics.m7 DESC"], max_results: 100,
    }, { wide: true }),
    search("search-wide-param-tag", "runs/search wide, param = and tag = by param", {
      filter: "params.p2 = 'rmsprop-3' and tags.t1 = 'tag-2'", order_by: ["params.p5 ASC"], max_results: 100,
    }, { wide: true }),
    search("search-wide-mixed-1000", "runs/search wide, status, metric <, param LIKE by start_time, 1000 per page", {
      filter: "attributes.status = 'FINISHED' and metrics.m0 < 0.6 and params.p0 LIKE 'adam%'", order_by: ["attributes.start_time ASC"], max_results: 1000,
    }, { wide: true }),
    search("search-wide-name-metric", "runs/search wide, run_name LIKE and tag != by metric", {
      filter: "attributes.run_name LIKE 'wide-1%' and tags.t4 != 'tag-0'", order_by: ["metrics.m1 ASC", "attributes.run_name DESC"], max_results: 100,
    }, { wide: true }),
    {
      id: "experiments-search",
      title: "experiments/search",
      what: "Lists the first 100 experiments, as the UI's home page does.",
      probe: () => post("/experiments/search", { max_results: 1 }),
      request: () => post("/experiments/search", { max_results: 100 }),
      fingerprint: (json) => `${json.experiments?.length ?? 0} experiments, first ${json.experiments?.[0]?.experiment_id ?? "-"}`,
    },
    {
      id: "get-history",
      title: "metrics/get-history, ${historyPoints} points",
      what: "Reads the whole history of one metric (no paging), as mlflow.client.get_metric_history does.",
      request: (ctx) => get("/metrics/get-history", { run_id: ctx.historyRunId, metric_key: "loss" }),
      fingerprint: (json) => `${json.metrics?.length ?? 0} points`,
    },
    {
      id: "get-history-bulk-interval",
      title: "metrics/get-history-bulk-interval, ${bulkRuns} runs",
      what: "Reads a sampled history (max_results=320) of one metric for 100 runs at once, as the UI's charts do.",
      request: (ctx) => {
        const q = new URLSearchParams({ metric_key: "acc", max_results: "320" });
        for (const id of ctx.bulkRunIds) q.append("run_ids", id);
        return { method: "GET", path: `${API}/metrics/get-history-bulk-interval?${q}` };
      },
      fingerprint: (json) => `${json.metrics?.length ?? 0} points`,
    },
    artifact("PUT", MiB),
    artifact("GET", MiB),
    artifact("PUT", 100 * MiB, { concurrency: full ? undefined : [1] }),
    artifact("GET", 100 * MiB, { concurrency: full ? undefined : [1] }),
  ];
  list.push(...traceScenarios());
  if (full) list.push(artifact("PUT", 1 << 30, { concurrency: [1] }), artifact("GET", 1 << 30, { concurrency: [1] }));
  // Scenarios with their own measurement and table (issue 4's artifact paths, issue 6's UI, issue
  // 14's database distance).
  list.push(artifactScenario({ full }), uiScenario({ full }), distanceScenario({ full, scenarios: [...list] }));
  return list;
}

/** Fills ${size} placeholders in titles and descriptions. */
export function describe(text, size) {
  return text.replace(/\$\{(\w+)\}/g, (_, k) => (size[k] ?? "?").toLocaleString("en-US"));
}
