// Concurrent writers on the same key (issue 13): no acknowledged write is silently dropped, and a
// request that loses a race either succeeds as if it came second or fails whole. On PostgreSQL the
// requests really overlap (each has its own connection); PGlite serialises them, which must give
// the same answers.
import { describe, expect, it } from "vitest";
import { api, newExperiment, newRun, uniqueName } from "./helpers";

const TRIALS = 8;

describe("concurrent writes to one key", () => {
  it("log-parameter: one value wins, the other gets INVALID_PARAMETER_VALUE, and the stored value is the winner's", async () => {
    for (let trial = 0; trial < TRIALS; trial++) {
      const run = await newRun();
      const [a, b] = await Promise.all([
        api.post("/runs/log-parameter", { run_id: run, key: "lr", value: "0.1" }),
        api.post("/runs/log-parameter", { run_id: run, key: "lr", value: "0.2" }),
      ]);
      expect([a.status, b.status].sort(), `${a.text} ${b.text}`).toEqual([200, 400]);
      const loser = a.status === 400 ? a : b;
      expect(loser.body.error_code).toBe("INVALID_PARAMETER_VALUE");
      expect(loser.body.message).toMatch(/^Changing param values is not allowed/);
      const stored = (await api.get("/runs/get", { run_id: run })).body.run.data.params;
      expect(stored).toEqual([{ key: "lr", value: a.status === 200 ? "0.1" : "0.2" }]);
    }
  });

  it("log-parameter with the same value twice: both succeed (a retry is idempotent)", async () => {
    for (let trial = 0; trial < TRIALS; trial++) {
      const run = await newRun();
      const both = await Promise.all([0, 1].map(() => api.post("/runs/log-parameter", { run_id: run, key: "lr", value: "0.1" })));
      expect(both.map((r) => r.status)).toEqual([200, 200]);
    }
  });

  it("log-batch: the loser writes nothing of its batch", async () => {
    for (let trial = 0; trial < TRIALS; trial++) {
      const run = await newRun();
      const batch = (v: string, tag: string) => ({
        run_id: run,
        params: [{ key: "shared", value: v }, { key: `own-${tag}`, value: "x" }],
        tags: [{ key: `tag-${tag}`, value: "y" }],
        metrics: [{ key: `m-${tag}`, value: 1, timestamp: 1, step: 0 }],
      });
      const [a, b] = await Promise.all([api.post("/runs/log-batch", batch("1", "a")), api.post("/runs/log-batch", batch("2", "b"))]);
      expect([a.status, b.status].sort()).toEqual([200, 400]);
      const winner = a.status === 200 ? "a" : "b";
      const loser = winner === "a" ? "b" : "a";
      const data = (await api.get("/runs/get", { run_id: run })).body.run.data;
      const keys = [...(data.params ?? []), ...(data.tags ?? []), ...(data.metrics ?? [])].map((x: { key: string }) => x.key);
      expect(keys).toEqual(expect.arrayContaining([`own-${winner}`, `tag-${winner}`, `m-${winner}`]));
      for (const k of [`own-${loser}`, `tag-${loser}`, `m-${loser}`]) expect(keys).not.toContain(k);
    }
  });

  it("log-inputs of the same new dataset to two runs: both runs get it", async () => {
    for (let trial = 0; trial < TRIALS; trial++) {
      const exp = await newExperiment();
      const [r1, r2] = [await newRun(exp), await newRun(exp)];
      const dataset = { name: "train", digest: `d${trial}`, source_type: "local", source: "s" };
      const res = await Promise.all([r1, r2].map((run) => api.post("/runs/log-inputs", { run_id: run, datasets: [{ dataset, tags: [{ key: "mlflow.data.context", value: run }] }] })));
      expect(res.map((r) => r.status)).toEqual([200, 200]);
      for (const run of [r1, r2]) {
        const inputs = (await api.get("/runs/get", { run_id: run })).body.run.inputs.dataset_inputs;
        expect(inputs.map((i: any) => [i.dataset.digest, i.tags[0].value])).toEqual([[`d${trial}`, run]]);
      }
    }
  });

  it("experiments and registered models created under one name: one is created, the other told it exists", async () => {
    for (let trial = 0; trial < TRIALS; trial++) {
      const name = uniqueName("race");
      const exps = await Promise.all([0, 1].map(() => api.post("/experiments/create", { name })));
      expect(exps.map((r) => r.status).sort()).toEqual([200, 400]);
      expect(exps.find((r) => r.status === 400)!.body.error_code).toBe("RESOURCE_ALREADY_EXISTS");
      const models = await Promise.all([0, 1].map(() => api.post("/registered-models/create", { name })));
      expect(models.map((r) => r.status).sort()).toEqual([200, 400]);
      expect(models.find((r) => r.status === 400)!.body.error_code).toBe("RESOURCE_ALREADY_EXISTS");
    }
  });

  it("tags written concurrently: every request succeeds and the tag holds one of the values", async () => {
    const run = await newRun();
    const values = Array.from({ length: 6 }, (_, i) => `v${i}`);
    const res = await Promise.all(values.map((value) => api.post("/runs/set-tag", { run_id: run, key: "t", value })));
    expect(res.map((r) => r.status)).toEqual(values.map(() => 200));
    const tags = (await api.get("/runs/get", { run_id: run })).body.run.data.tags.filter((t: { key: string }) => t.key === "t");
    expect(tags).toHaveLength(1);
    expect(values).toContain(tags[0].value);
  });
});
