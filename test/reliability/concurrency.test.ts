// Concurrent writers (issue 13): N clients each send M log-batches, into runs of their own and all
// into one shared run, with no client-side retries. Every request must succeed, and afterwards
// every metric, param and tag is there exactly once: counts, paged history, latest_metrics.
import { beforeAll, describe, expect, it } from "vitest";
import { FULL, get, post, send } from "./stack";

const CLIENTS = FULL ? 50 : 10;
const BATCHES = FULL ? 100 : 15;
const METRICS_PER_BATCH = 100;

let experiment = "";

beforeAll(async () => {
  experiment = (await post("/experiments/create", { name: `concurrency-${Date.now()}` })).experiment_id;
});

/** The batch a client sends as its `b`-th: metrics with distinct steps, one param, one tag. */
function batch(runId: string, client: number, b: number) {
  const metrics = Array.from({ length: METRICS_PER_BATCH }, (_, i) => ({
    key: `m${client % 5}`,
    value: client * 1e6 + b * 1000 + i,
    timestamp: 1_700_000_000_000 + b,
    step: client * BATCHES * METRICS_PER_BATCH + b * METRICS_PER_BATCH + i,
  }));
  return { run_id: runId, metrics, params: [{ key: `p-${client}-${b}`, value: String(b) }], tags: [{ key: `t-${client}`, value: String(b) }] };
}

async function drive(runFor: (client: number) => string): Promise<{ statuses: Map<number, number>; seconds: number }> {
  const statuses = new Map<number, number>();
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      for (let b = 0; b < BATCHES; b++) {
        const res = await send("POST", "/api/2.0/mlflow/runs/log-batch", JSON.stringify(batch(runFor(client), client, b)));
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      }
    }),
  );
  return { statuses, seconds: (performance.now() - start) / 1000 };
}

/** Every point of one metric's history, page by page. */
async function history(runId: string, key: string): Promise<{ step: number; value: number }[]> {
  const out: { step: number; value: number }[] = [];
  let token: string | undefined;
  do {
    const page = await get("/metrics/get-history", { run_id: runId, metric_key: key, max_results: "1000", ...(token ? { page_token: token } : {}) });
    out.push(...(page.metrics ?? []));
    token = page.next_page_token;
  } while (token);
  return out;
}

describe(`${CLIENTS} clients × ${BATCHES} log-batches of ${METRICS_PER_BATCH} metrics`, () => {
  it("into runs of their own: all acknowledged, all stored exactly once", async () => {
    const runs = await Promise.all(Array.from({ length: CLIENTS }, async () => (await post("/runs/create", { experiment_id: experiment, start_time: 1 })).run.info.run_id));
    const { statuses, seconds } = await drive((c) => runs[c]!);
    console.log(`separate runs: ${CLIENTS * BATCHES} batches in ${seconds.toFixed(1)} s (${((CLIENTS * BATCHES * METRICS_PER_BATCH) / seconds).toFixed(0)} metrics/s)`);
    expect(Object.fromEntries(statuses)).toEqual({ 200: CLIENTS * BATCHES });
    for (let c = 0; c < CLIENTS; c++) {
      const points = await history(runs[c]!, `m${c % 5}`);
      expect(points).toHaveLength(BATCHES * METRICS_PER_BATCH);
      expect(new Set(points.map((p) => p.step)).size).toBe(BATCHES * METRICS_PER_BATCH);
      const run = (await get("/runs/get", { run_id: runs[c]! })).run;
      expect(run.data.params).toHaveLength(BATCHES);
      const latest = run.data.metrics.find((m: { key: string }) => m.key === `m${c % 5}`);
      expect(latest.step).toBe(c * BATCHES * METRICS_PER_BATCH + (BATCHES - 1) * METRICS_PER_BATCH + METRICS_PER_BATCH - 1);
    }
  });

  it("all into one shared run: all acknowledged, all stored exactly once", async () => {
    const shared = (await post("/runs/create", { experiment_id: experiment, start_time: 1 })).run.info.run_id;
    const { statuses, seconds } = await drive(() => shared);
    console.log(`one shared run: ${CLIENTS * BATCHES} batches in ${seconds.toFixed(1)} s`);
    expect(Object.fromEntries(statuses)).toEqual({ 200: CLIENTS * BATCHES });
    const run = (await get("/runs/get", { run_id: shared })).run;
    expect(run.data.params).toHaveLength(CLIENTS * BATCHES);
    // Each client's tag holds one of the values it wrote (the last writer wins, as in MLflow).
    expect(run.data.tags.filter((t: { key: string }) => t.key.startsWith("t-"))).toHaveLength(CLIENTS);
    for (let k = 0; k < Math.min(5, CLIENTS); k++) {
      const writers = Array.from({ length: CLIENTS }, (_, c) => c).filter((c) => c % 5 === k);
      const points = await history(shared, `m${k}`);
      expect(points).toHaveLength(writers.length * BATCHES * METRICS_PER_BATCH);
      const latest = run.data.metrics.find((m: { key: string }) => m.key === `m${k}`);
      const top = Math.max(...writers) * BATCHES * METRICS_PER_BATCH + BATCHES * METRICS_PER_BATCH - 1;
      expect(latest.step).toBe(top);
    }
  });
});
