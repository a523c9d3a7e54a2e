import { describe, expect, it } from "vitest";
import { api, call, newExperiment, newRun, uniqueName } from "./helpers";

describe("experiments", () => {
  it("creates, reads by id and name, renames, tags, deletes and restores", async () => {
    const name = uniqueName();
    const created = await api.post("/experiments/create", { name, tags: [{ key: "team", value: "ml" }] });
    expect(created.status).toBe(200);
    const id = created.body.experiment_id;
    expect(id).toMatch(/^\d+$/);

    const got = await api.get("/experiments/get", { experiment_id: id });
    expect(got.body.experiment).toMatchObject({
      experiment_id: id,
      name,
      artifact_location: `mlflow-artifacts:/${id}`,
      lifecycle_stage: "active",
      tags: [{ key: "team", value: "ml" }],
    });
    expect((await api.get("/experiments/get-by-name", { experiment_name: name })).body.experiment.experiment_id).toBe(id);

    expect((await api.post("/experiments/update", { experiment_id: id, new_name: `${name}-2` })).status).toBe(200);
    expect((await api.post("/experiments/set-experiment-tag", { experiment_id: id, key: "k", value: "v" })).status).toBe(200);
    expect((await api.post("/experiments/delete-experiment-tag", { experiment_id: id, key: "team" })).status).toBe(200);
    const renamed = (await api.get("/experiments/get", { experiment_id: id })).body.experiment;
    expect(renamed.name).toBe(`${name}-2`);
    expect(renamed.tags).toEqual([{ key: "k", value: "v" }]);

    const run = await newRun(id);
    expect((await api.post("/experiments/delete", { experiment_id: id })).status).toBe(200);
    expect((await api.get("/experiments/get", { experiment_id: id })).body.experiment.lifecycle_stage).toBe("deleted");
    expect((await api.get("/runs/get", { run_id: run })).body.run.info.lifecycle_stage).toBe("deleted");
    const inDeleted = await api.post("/runs/create", { experiment_id: id });
    expect(inDeleted.status).toBe(400);
    expect(inDeleted.body.message).toBe(`The experiment ${id} must be in the 'active' state. Current state is deleted.`);

    expect((await api.post("/experiments/restore", { experiment_id: id })).status).toBe(200);
    expect((await api.get("/runs/get", { run_id: run })).body.run.info.lifecycle_stage).toBe("active");
  });

  it("reports MLflow's errors", async () => {
    const name = uniqueName();
    await api.post("/experiments/create", { name });
    const dup = await api.post("/experiments/create", { name });
    expect(dup.status).toBe(400);
    expect(dup.body.error_code).toBe("RESOURCE_ALREADY_EXISTS");

    const missing = await api.get("/experiments/get-by-name", { experiment_name: uniqueName() });
    expect(missing.status).toBe(404);
    expect(missing.body.error_code).toBe("RESOURCE_DOES_NOT_EXIST");

    const bad = await api.get("/experiments/get", { experiment_id: "abc" });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe("Invalid experiment ID 'abc'. Experiment ID must be a valid integer.");

    const noName = await api.post("/experiments/create", {});
    expect(noName.body).toEqual({
      error_code: "INVALID_PARAMETER_VALUE",
      message: "Missing value for required parameter 'name'. See the API docs for more information about request parameters.",
      sqlstate: "KAM00",
      error_class: "INVALID_PARAMETER_VALUE",
    });

    const noContentType = await call("POST", "/api/2.0/mlflow/experiments/create", undefined);
    expect(noContentType.status).toBe(400);
    expect(noContentType.body.message).toBe("Bad Request. Content-Type header is missing.");

    const wrongType = await api.post("/experiments/create", { name: 5 });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.message).toContain("Invalid value 5 for parameter 'name' supplied");
  });

  it("serves the default experiment and the ajax-api twin", async () => {
    const res = await call("GET", "/ajax-api/2.0/mlflow/experiments/get?experiment_id=0");
    expect(res.status).toBe(200);
    expect(res.body.experiment.name).toBe("Default");
  });
});

describe("runs", () => {
  it("logs params, metrics and tags and reads them back", async () => {
    const run = await newRun();
    await api.post("/runs/log-parameter", { run_id: run, key: "lr", value: "0.1" });
    await api.post("/runs/log-metric", { run_id: run, key: "loss", value: 1.5, timestamp: 10, step: 1 });
    await api.post("/runs/log-metric", { run_id: run, key: "loss", value: 0.5, timestamp: 20, step: 2 });
    await api.post("/runs/log-metric", { run_id: run, key: "loss", value: 9, timestamp: 5, step: 0 });
    await api.post("/runs/log-metric", { run_id: run, key: "nan", value: "NaN", timestamp: 1 });
    await api.post("/runs/log-metric", { run_id: run, key: "inf", value: "-Infinity", timestamp: 1 });
    await api.post("/runs/set-tag", { run_id: run, key: "stage", value: "train" });
    const got = (await api.get("/runs/get", { run_id: run })).body.run;
    const metrics = Object.fromEntries(got.data.metrics.map((m: any) => [m.key, m]));
    expect(metrics.loss).toEqual({ key: "loss", value: 0.5, timestamp: 20, step: 2 });
    expect(metrics.nan.value).toBe("NaN");
    expect(metrics.inf.value).toBe(-1.7976931348623157e308);
    expect(got.data.params).toEqual([{ key: "lr", value: "0.1" }]);
    expect(got.data.tags).toContainEqual({ key: "stage", value: "train" });
    expect(got.info.run_id).toBe(run);
    expect(got.outputs).toEqual({});

    const history = await api.get("/metrics/get-history", { run_id: run, metric_key: "loss" });
    expect(history.body.metrics.map((m: any) => m.value)).toEqual([9, 1.5, 0.5]);
  });

  it("refuses to change a param and to write to a deleted run, without partial writes", async () => {
    const run = await newRun();
    await api.post("/runs/log-parameter", { run_id: run, key: "p", value: "a" });
    expect((await api.post("/runs/log-parameter", { run_id: run, key: "p", value: "a" })).status).toBe(200);
    const changed = await api.post("/runs/log-parameter", { run_id: run, key: "p", value: "b" });
    expect(changed.status).toBe(400);
    expect(changed.body.message).toContain("Changing param values is not allowed");

    const batch = await api.post("/runs/log-batch", {
      run_id: run,
      params: [{ key: "p", value: "c" }, { key: "q", value: "1" }],
      metrics: [{ key: "m", value: 1, timestamp: 1 }],
    });
    expect(batch.status).toBe(400);
    const after = (await api.get("/runs/get", { run_id: run })).body.run.data;
    expect(after.params).toEqual([{ key: "p", value: "a" }]);
    expect(after.metrics).toBeUndefined();

    await api.post("/runs/delete", { run_id: run });
    const onDeleted = await api.post("/runs/log-metric", { run_id: run, key: "m", value: 1, timestamp: 1 });
    expect(onDeleted.status).toBe(400);
    expect(onDeleted.body.message).toBe(`The run ${run} must be in the 'active' state. Current state is deleted.`);
    const unknown = await api.get("/runs/get", { run_id: "0123456789abcdef0123456789abcdef" });
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toBe("Run with id=0123456789abcdef0123456789abcdef not found");
  });

  it("validates keys and batch limits", async () => {
    const run = await newRun();
    const badKey = await api.post("/runs/log-metric", { run_id: run, key: "bad!key", value: 1, timestamp: 1 });
    expect(badKey.status).toBe(400);
    expect(badKey.body.message).toContain("Names may only contain alphanumerics");
    const traversal = await api.post("/runs/set-tag", { run_id: run, key: "../x", value: "1" });
    expect(traversal.status).toBe(400);
    const tooMany = await api.post("/runs/log-batch", {
      run_id: run,
      params: Array.from({ length: 101 }, (_, i) => ({ key: `p${i}`, value: "v" })),
    });
    expect(tooMany.body.message).toMatch(/^A batch logging request can contain at most 100 params/);
    const dupes = await api.post("/runs/log-batch", { run_id: run, params: [{ key: "a", value: "1" }, { key: "a", value: "2" }] });
    expect(dupes.body.message).toContain("Duplicate parameter keys have been submitted: ['a']");
    const missing = await api.post("/runs/log-batch", { run_id: run, metrics: [{ key: "m", timestamp: 1 }] });
    expect(missing.body.message).toBe(
      "Missing value for required parameter 'metrics[0].value'. See the API docs for more information about request parameters.",
    );
  });

  it("log-batch of 1000 metrics, 100 params and 100 tags is one round trip and idempotent", async () => {
    const run = await newRun();
    const payload = {
      run_id: run,
      metrics: Array.from({ length: 800 }, (_, i) => ({ key: `m${i % 20}`, value: i, timestamp: 1000 + i, step: i })),
      params: Array.from({ length: 100 }, (_, i) => ({ key: `p${i}`, value: `v${i}` })),
      tags: Array.from({ length: 100 }, (_, i) => ({ key: `t${i}`, value: `v${i}` })),
    };
    const first = await api.post("/runs/log-batch", payload);
    expect(first.status).toBe(200);
    expect(first.roundTrips).toBeGreaterThan(0);
    expect(first.roundTrips).toBeLessThanOrEqual(3);
    const retry = await api.post("/runs/log-batch", payload);
    expect(retry.status).toBe(200);
    expect(retry.roundTrips).toBeLessThanOrEqual(3);

    const data = (await api.get("/runs/get", { run_id: run })).body.run.data;
    expect(data.params).toHaveLength(100);
    expect(data.tags.filter((t: any) => t.key.startsWith("t"))).toHaveLength(100);
    const m0 = data.metrics.find((m: any) => m.key === "m0");
    expect(m0).toEqual({ key: "m0", value: 780, timestamp: 1780, step: 780 });
    const history = await api.get("/metrics/get-history", { run_id: run, metric_key: "m0" });
    expect(history.body.metrics).toHaveLength(40); // the retry added no duplicates
  });

  it("updates status and name, keeping the runName tag in step", async () => {
    const run = await newRun();
    const res = await api.post("/runs/update", { run_id: run, status: "FINISHED", end_time: 99, run_name: "renamed" });
    expect(res.body.run_info).toMatchObject({ status: "FINISHED", end_time: 99, run_name: "renamed" });
    const tags = (await api.get("/runs/get", { run_id: run })).body.run.data.tags;
    expect(tags).toContainEqual({ key: "mlflow.runName", value: "renamed" });
  });

  it("pages metric history with MLflow's tokens", async () => {
    const run = await newRun();
    await api.post("/runs/log-batch", {
      run_id: run,
      metrics: Array.from({ length: 25 }, (_, i) => ({ key: "m", value: i, timestamp: i, step: i })),
    });
    const page1 = await api.get("/metrics/get-history", { run_id: run, metric_key: "m", max_results: 10 });
    expect(page1.body.metrics).toHaveLength(10);
    expect(page1.body.next_page_token).toBe("eyJvZmZzZXQiOiAxMH0=");
    const page3 = await api.get("/metrics/get-history", { run_id: run, metric_key: "m", max_results: 10, page_token: "eyJvZmZzZXQiOiAyMH0=" });
    expect(page3.body.metrics.map((m: any) => m.value)).toEqual([20, 21, 22, 23, 24]);
    expect(page3.body.next_page_token).toBeUndefined();

    const sampled = await api.get("/metrics/get-history-bulk-interval", { run_ids: [run], metric_key: "m", max_results: 5 });
    const steps = sampled.body.metrics.map((m: any) => m.step);
    expect(steps).toHaveLength(5);
    expect(steps[0]).toBe(0);
    expect(steps[4]).toBe(24);
    expect(sampled.body.metrics[0].run_id).toBe(run);
  });
});

describe("server routes", () => {
  it("answers health, version, server-info and an empty 404 for unknown RPCs", async () => {
    expect((await call("GET", "/health")).text).toBe("OK");
    expect((await call("GET", "/version")).text).toBe("3.18.0");
    expect((await call("GET", "/api/3.0/mlflow/server-info")).body.store_type).toBe("SqlStore");
    const unknown = await call("GET", "/api/2.0/mlflow/no-such-rpc");
    expect(unknown.status).toBe(404);
    expect(unknown.text).toBe("");
  });
});

describe("ajax-only metric routes", () => {
  it("get-history-bulk returns every run's history ordered by run then time", async () => {
    const a = await newRun();
    const b = await newRun();
    for (const run of [a, b]) {
      await api.post("/runs/log-batch", { run_id: run, metrics: [1, 2, 3].map((i) => ({ key: "m", value: i, timestamp: 10 - i, step: i })) });
    }
    const res = await call("GET", `/ajax-api/2.0/mlflow/metrics/get-history-bulk?run_id=${a}&run_id=${b}&metric_key=m&max_results=5`);
    expect(res.status).toBe(200);
    expect(res.body.metrics).toHaveLength(5);
    const first = [a, b].sort()[0];
    expect(res.body.metrics[0]).toEqual({ key: "m", value: 3, timestamp: 7, step: 3, run_id: first });
    const none = await call("GET", "/ajax-api/2.0/mlflow/metrics/get-history-bulk?metric_key=m");
    expect(none.status).toBe(400);
  });
});

describe("routing", () => {
  it("answers 405 for a known route called with the wrong method", async () => {
    const res = await call("POST", "/api/2.0/mlflow/runs/get", {});
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toContain("GET");
  });

  it("ties each experiment's tags to that experiment only", async () => {
    const a = await newExperiment();
    const b = await newExperiment();
    await api.post("/experiments/set-experiment-tag", { experiment_id: a, key: "only-a", value: "1" });
    expect((await api.get("/experiments/get", { experiment_id: b })).body.experiment.tags).toBeUndefined();
  });
});
