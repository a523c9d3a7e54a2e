// Soak (issue 13; full mode only, npm run test:reliability:full): mixed traffic for minutes —
// writers logging batches, readers searching runs and reading histories, small artifact uploads
// and downloads — with latency and the server's memory sampled every interval. Nothing may fail,
// and memory must level off rather than grow with the traffic served. The figures are printed for
// the README; only failures and unbounded growth fail the test (no timed assertions).
import { describe, expect, it } from "vitest";
import { procStats } from "../../bench/lib/procs.mjs";
import { FULL, get, post, send } from "./stack";

const MINUTES = Number(process.env.RELIABILITY_SOAK_MINUTES ?? 3);
const INTERVAL_MS = 20_000;
const SERVER_PID = Number(process.env.EDGE_MLFLOW_SERVER_PID ?? 0);

/** Resident memory of a process and all its descendants (wrangler's Node process, workerd), in MB. */
function treeRssMb(root: number): number {
  const children = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const { pid, fields } of procStats()) {
    const ppid = Number(fields[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), pid]);
    rss.set(pid, Number(fields[21]) * 4096);
  }
  let total = 0;
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    total += rss.get(pid) ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return total / 2 ** 20;
}

const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};

describe.runIf(FULL)(`soak: ${MINUTES} minutes of mixed traffic`, () => {
  it("serves everything, with memory that levels off", async () => {
    expect(SERVER_PID).toBeGreaterThan(0);
    const experiment = (await post("/experiments/create", { name: `soak-${Date.now()}` })).experiment_id;
    const runs: string[] = [];
    for (let i = 0; i < 8; i++) runs.push((await post("/runs/create", { experiment_id: experiment, start_time: 1 })).run.info.run_id);
    const end = Date.now() + MINUTES * 60_000;
    const statuses = new Map<string, number>();
    let window: number[] = [];
    const samples: { minute: number; requests: number; p50: number; p95: number; rssMb: number }[] = [];
    const record = (what: string, status: number, ms: number) => {
      statuses.set(`${what} ${status}`, (statuses.get(`${what} ${status}`) ?? 0) + 1);
      window.push(ms);
    };
    const timedSend = async (what: string, ...args: Parameters<typeof send>) => {
      const start = performance.now();
      const res = await send(...args);
      record(what, res.status, performance.now() - start);
      return res;
    };
    const sampler = setInterval(() => {
      samples.push({ minute: (samples.length + 1) * (INTERVAL_MS / 60_000), requests: window.length, p50: percentile(window, 50), p95: percentile(window, 95), rssMb: treeRssMb(SERVER_PID) });
      window = [];
    }, INTERVAL_MS);
    const step = new Map<string, number>();
    const writer = async (runId: string) => {
      while (Date.now() < end) {
        const s = step.get(runId) ?? 0;
        step.set(runId, s + 50);
        const metrics = Array.from({ length: 50 }, (_, i) => ({ key: `loss${i % 5}`, value: Math.random(), timestamp: Date.now(), step: s + i }));
        await timedSend("log-batch", "POST", "/api/2.0/mlflow/runs/log-batch", JSON.stringify({ run_id: runId, metrics, tags: [{ key: "progress", value: String(s) }] }));
      }
    };
    const reader = async () => {
      while (Date.now() < end) {
        await timedSend("search", "POST", "/api/2.0/mlflow/runs/search", JSON.stringify({ experiment_ids: [experiment], filter: "metrics.loss0 < 0.5", max_results: 50 }));
        const run = runs[Math.floor(Math.random() * runs.length)]!;
        await timedSend("history", "GET", `/api/2.0/mlflow/metrics/get-history?run_id=${run}&metric_key=loss1&max_results=5000`);
      }
    };
    const artifacts = async () => {
      let n = 0;
      while (Date.now() < end) {
        const path = `${experiment}/${runs[0]}/artifacts/soak/${n++ % 50}.txt`;
        await timedSend("upload", "PUT", `/api/2.0/mlflow-artifacts/artifacts/${path}`, `payload ${n}`.repeat(200), "application/octet-stream");
        await timedSend("download", "GET", `/api/2.0/mlflow-artifacts/artifacts/${path}`);
      }
    };
    await Promise.all([...runs.slice(0, 6).map(writer), reader(), reader(), artifacts()]);
    clearInterval(sampler);
    console.log("soak samples (every 20 s):");
    for (const s of samples) console.log(`  t=${s.minute.toFixed(1)} min: ${s.requests} requests, p50 ${s.p50.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms, server RSS ${s.rssMb.toFixed(0)} MB`);
    console.log("answers:", Object.fromEntries(statuses));
    // Nothing failed.
    for (const [key, count] of statuses) if (!key.endsWith(" 200")) throw new Error(`${count} × ${key}`);
    // Every point written is there (one run checked whole).
    const s = step.get(runs[0]!) ?? 0;
    const history = (await get("/metrics/get-history", { run_id: runs[0]!, metric_key: "loss0", max_results: "25000" })).metrics ?? [];
    expect(history.length).toBe(s / 5);
    // Memory levels off: the second half grows by less than the first half's level plus a margin.
    const half = Math.floor(samples.length / 2);
    const firstHalfMax = Math.max(...samples.slice(0, half).map((x) => x.rssMb));
    const lastHalfMax = Math.max(...samples.slice(half).map((x) => x.rssMb));
    expect(lastHalfMax).toBeLessThan(firstHalfMax * 1.25 + 100);
  });
});
