/**
 * Connection exhaustion: 50 training jobs logging at once must all be served on a Postgres with
 * the default 100 connections, whatever the transport. On HTTP the endpoint's warm pool bounds the
 * connections; on the WebSocket every request opens its own, and the proxy (like Neon's pooled
 * endpoint) makes the excess wait instead of pushing Postgres past max_connections.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { api, newExperiment } from "./helpers";

const WRITERS = 50;
const BATCHES_PER_WRITER = 4;
const METRICS_PER_BATCH = 10;

/** Runs one request with `bindings`; work the Worker leaves for after the response is awaited too. */
async function request(bindings: Record<string, string>, path: string, body: unknown, pending: Promise<unknown>[]) {
  const ctx = { waitUntil: (p: Promise<unknown>) => void pending.push(p), passThroughOnException: () => {}, props: {} } as unknown as ExecutionContext;
  const res = await createApp().fetch(
    new Request(`http://localhost/api/2.0/mlflow${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
    { ...env, ...bindings },
    ctx,
  );
  return { status: res.status, text: await res.text() };
}

describe("50 concurrent writers", () => {
  for (const transport of ["http", "ws"]) {
    it(`are all served, every point stored (${transport})`, { timeout: 120_000 }, async () => {
      const experimentId = await newExperiment();
      const runIds: string[] = [];
      for (let i = 0; i < WRITERS; i++) {
        const res = await api.post("/runs/create", { experiment_id: experimentId, start_time: Date.now() });
        runIds.push(res.body.run.info.run_id);
      }
      const pending: Promise<unknown>[] = [];
      const statuses: Record<number, number> = {};
      const failures: string[] = [];
      await Promise.all(
        runIds.map(async (runId) => {
          for (let batch = 0; batch < BATCHES_PER_WRITER; batch++) {
            const metrics = Array.from({ length: METRICS_PER_BATCH }, (_, k) => ({ key: `m${k}`, value: batch + k / 10, timestamp: Date.now(), step: batch }));
            const res = await request({ DB_TRANSPORT: transport }, "/runs/log-batch", { run_id: runId, metrics }, pending);
            statuses[res.status] = (statuses[res.status] ?? 0) + 1;
            if (res.status !== 200 && failures.length < 3) failures.push(res.text);
          }
        }),
      );
      await Promise.allSettled(pending);
      expect(statuses, failures.join("\n")).toEqual({ 200: WRITERS * BATCHES_PER_WRITER });
      for (const runId of runIds) {
        const history = await api.get("/metrics/get-history", { run_id: runId, metric_key: "m3" });
        const steps = history.body.metrics.map((m: { step: string }) => Number(m.step)).sort((a: number, b: number) => a - b);
        expect(steps).toEqual(Array.from({ length: BATCHES_PER_WRITER }, (_, i) => i));
      }
    });
  }
});
