// Faults (issue 13): the database path and the S3 store killed (drop) and frozen (freeze) through
// the stack's simulated links, Postgres backends terminated, and a client that disconnects in the
// middle of an upload, all while clients keep writing. Invariants, for every fault:
//   - every request ends: with an answer, and never later than the deadline (plus slack);
//   - a failure is a 503 TEMPORARILY_UNAVAILABLE (nothing the client would not retry), never a 500;
//   - no acknowledged write is missing, and a rejected one left nothing behind;
//   - the server recovers without a restart as soon as the fault ends.
// The stack runs with DB_TIMEOUT_MS and S3_TIMEOUT_MS of 6 s (package.json), so frozen paths cost
// seconds. Writers here retry as the official client does (503s, with a short backoff).
import http from "node:http";
import pg from "pg";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { BASE, DATABASE_URL, FULL, get, post, send, type Answer } from "./stack";

const LINKS = process.env.EDGE_MLFLOW_DB_LINKS ?? "";
const DEADLINE_MS = 6_000;
/** What a request may take beyond the deadline: the answer's own way back, a loaded machine. */
const SLACK_MS = 6_000;
const OUTAGE_SECONDS = FULL ? 8 : 3;

async function linkControl(change: unknown): Promise<void> {
  const res = await fetch(LINKS, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(change) });
  if (!res.ok) throw new Error(`link control: ${res.status} ${await res.text()}`);
}
const outage = (name: string, mode: "drop" | "freeze", seconds = OUTAGE_SECONDS) => linkControl({ name, outage: { mode, seconds } });
const restoreAll = () => linkControl({ restore: true });

afterEach(restoreAll);

let experiment = "";
beforeAll(async () => {
  if (!LINKS || !DATABASE_URL) throw new Error("run through scripts/with-stack.mjs (npm run test:reliability)");
  experiment = (await post("/experiments/create", { name: `faults-${Date.now()}` })).experiment_id;
});

const newRun = async () => (await post("/runs/create", { experiment_id: experiment, start_time: 1 })).run.info.run_id as string;

interface Attempt {
  status: number;
  ms: number;
  code?: string;
}

/** One request, timed; a transport error (connection reset) counts as status 0. */
async function timed(call: () => Promise<Answer>): Promise<Attempt> {
  const start = performance.now();
  try {
    const res = await call();
    return { status: res.status, ms: performance.now() - start, code: res.json?.error_code };
  } catch {
    return { status: 0, ms: performance.now() - start };
  }
}

/**
 * A writer that logs `batches` log-batches into `runId` (batch b: metric "m", steps b*10..b*10+9,
 * a param and a tag), retrying each on 503 as the client does, while a fault comes and goes.
 * Returns every attempt.
 */
async function writer(runId: string, batches: number, pauseMs: number): Promise<Attempt[]> {
  const attempts: Attempt[] = [];
  for (let b = 0; b < batches; b++) {
    const body = JSON.stringify({
      run_id: runId,
      metrics: Array.from({ length: 10 }, (_, i) => ({ key: "m", value: b * 10 + i, timestamp: 1_700_000_000_000 + b, step: b * 10 + i })),
      params: [{ key: `p${b}`, value: String(b) }],
      tags: [{ key: "last", value: String(b) }],
    });
    for (let tries = 0; ; tries++) {
      const attempt = await timed(() => send("POST", "/api/2.0/mlflow/runs/log-batch", body));
      attempts.push(attempt);
      if (attempt.status === 200) break;
      if (tries > 60) throw new Error(`batch ${b} never landed: ${JSON.stringify(attempt)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    await new Promise((r) => setTimeout(r, pauseMs));
  }
  return attempts;
}

/** The run holds exactly the `batches` batches a writer sent: each once, nothing else. */
async function expectRunComplete(runId: string, batches: number): Promise<void> {
  const run = (await get("/runs/get", { run_id: runId })).run;
  const params = (run.data.params ?? []).map((p: { key: string }) => p.key).sort();
  expect(params).toEqual(Array.from({ length: batches }, (_, b) => `p${b}`).sort());
  expect(run.data.tags.find((t: { key: string }) => t.key === "last")?.value).toBe(String(batches - 1));
  const history = (await get("/metrics/get-history", { run_id: runId, metric_key: "m", max_results: "25000" })).metrics ?? [];
  const steps = history.map((m: { step: string | number }) => Number(m.step)).sort((a: number, b: number) => a - b);
  expect(steps).toEqual(Array.from({ length: batches * 10 }, (_, i) => i));
  expect(Number(run.data.metrics.find((m: { key: string }) => m.key === "m")?.step)).toBe(batches * 10 - 1);
}

/** Every failed attempt was a 503 TEMPORARILY_UNAVAILABLE, and every attempt ended in time. */
function expectCleanFailures(attempts: Attempt[]): { failed: number; slowestMs: number } {
  const failed = attempts.filter((a) => a.status !== 200);
  for (const a of failed) expect({ status: a.status, code: a.code }).toEqual({ status: 503, code: "TEMPORARILY_UNAVAILABLE" });
  const slowestMs = Math.max(...attempts.map((a) => a.ms));
  expect(slowestMs).toBeLessThan(DEADLINE_MS + SLACK_MS);
  return { failed: failed.length, slowestMs };
}

describe("the database path", () => {
  for (const mode of ["drop", "freeze"] as const) {
    it(`${mode}: writers ride out an outage; nothing acknowledged is lost, nothing rejected is kept`, async () => {
      const runs = await Promise.all([newRun(), newRun(), newRun()]);
      const batches = FULL ? 40 : 16;
      const writing = runs.map((r) => writer(r, batches, 150));
      await new Promise((r) => setTimeout(r, 600));
      // A freeze outlasts the deadline, so that requests must end by it rather than by the link healing.
      const seconds = mode === "freeze" ? DEADLINE_MS / 1000 + 2 : OUTAGE_SECONDS;
      await outage("neon-http", mode, seconds);
      await outage("ws-proxy", mode, seconds);
      const attempts = (await Promise.all(writing)).flat();
      const { failed, slowestMs } = expectCleanFailures(attempts);
      console.log(`database ${mode} for ${seconds} s: ${attempts.length} attempts, ${failed} answered 503, slowest ${slowestMs.toFixed(0)} ms`);
      expect(failed).toBeGreaterThan(0); // the outage was felt: otherwise this test proves nothing
      for (const r of runs) await expectRunComplete(r, batches);
    });
  }

  it("Postgres backends terminated mid-load: clean failures, immediate recovery", async () => {
    const runs = await Promise.all([newRun(), newRun()]);
    const batches = FULL ? 30 : 12;
    const writing = runs.map((r) => writer(r, batches, 100));
    const admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    let terminated = 0;
    try {
      for (let i = 0; i < 4; i++) {
        await new Promise((r) => setTimeout(r, 300));
        const res = await admin.query("select count(*) filter (where pg_terminate_backend(pid)) as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()");
        terminated += Number(res.rows[0].n);
      }
    } finally {
      await admin.end();
    }
    const attempts = (await Promise.all(writing)).flat();
    const { failed } = expectCleanFailures(attempts);
    console.log(`${terminated} backends terminated: ${attempts.length} attempts, ${failed} answered 503`);
    expect(terminated).toBeGreaterThan(0);
    for (const r of runs) await expectRunComplete(r, batches);
    // Recovery: the very next request is served.
    expect((await send("GET", `/api/2.0/mlflow/experiments/get?experiment_id=${experiment}`)).status).toBe(200);
  });
});

describe("the S3 store", () => {
  const upload = (path: string, body: string) => send("PUT", `/api/2.0/mlflow-artifacts/artifacts/${path}`, body, "application/octet-stream");
  const listNames = async (dir: string) => ((await send("GET", `/api/2.0/mlflow-artifacts/artifacts?path=${encodeURIComponent(dir)}`)).json?.files ?? []).map((f: { path: string }) => f.path);

  for (const mode of ["drop", "freeze"] as const) {
    it(`${mode}: uploads and downloads answer 503 in time, leave nothing, and work again after`, async () => {
      const dir = `${experiment}/s3-${mode}-${Date.now()}/artifacts`;
      expect((await upload(`${dir}/before.txt`, "before")).status).toBe(200);
      await outage("s3", mode, 60); // restored by hand below, once the three requests have ended
      const during = [
        await timed(() => upload(`${dir}/during.txt`, "during")),
        await timed(() => send("GET", `/api/2.0/mlflow-artifacts/artifacts/${dir}/before.txt`)),
        await timed(() => send("GET", `/api/2.0/mlflow-artifacts/artifacts?path=${encodeURIComponent(dir)}`)),
      ];
      console.log(`S3 ${mode}: ${during.map((a) => `${a.status} in ${a.ms.toFixed(0)} ms`).join(", ")}`);
      for (const a of during) {
        expect({ status: a.status, code: a.code }).toEqual({ status: 503, code: "TEMPORARILY_UNAVAILABLE" });
        expect(a.ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
      }
      await restoreAll();
      // Recovery without a restart; the rejected upload is not there.
      expect((await upload(`${dir}/after.txt`, "after")).status).toBe(200);
      expect((await listNames(dir)).sort()).toEqual(["after.txt", "before.txt"]);
      const read = await send("GET", `/api/2.0/mlflow-artifacts/artifacts/${dir}/before.txt`);
      expect([read.status, read.text]).toEqual([200, "before"]);
    });
  }

  it("a client that disconnects mid-upload leaves no object, small or large", async () => {
    const dir = `${experiment}/cut-${Date.now()}/artifacts`;
    for (const [name, announced, sent] of [
      ["small.bin", 200_000, 50_000],
      ["large.bin", 8 << 20, 3 << 20],
    ] as const) {
      await new Promise<void>((resolve) => {
        const url = new URL(`${BASE}/api/2.0/mlflow-artifacts/artifacts/${dir}/${name}`);
        const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: "PUT", headers: { "content-length": String(announced) } });
        req.on("error", () => resolve());
        req.on("close", () => resolve());
        req.write(Buffer.alloc(sent, 7), () => setTimeout(() => req.destroy(), 300));
      });
    }
    // The server notices the cut-off body and aborts; give it a moment, then nothing may list or read.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await listNames(dir)).toEqual([]);
    for (const name of ["small.bin", "large.bin"]) expect((await send("GET", `/api/2.0/mlflow-artifacts/artifacts/${dir}/${name}`)).status).toBe(404);
    // And the same paths upload whole afterwards.
    expect((await upload(`${dir}/small.bin`, "whole")).status).toBe(200);
    expect(await listNames(dir)).toEqual(["small.bin"]);
  });
});
