import { describe, expect, it } from "vitest";
import { api, call, newExperiment, newRun } from "./helpers";

const dataset = (name: string, digest: string, extra: Record<string, unknown> = {}) => ({
  name,
  digest,
  source_type: "local",
  source: '{"uri": "/data/train.csv"}',
  schema: '{"mlflow_colspec": []}',
  profile: '{"num_rows": 3}',
  ...extra,
});

describe("log-inputs", () => {
  it("links datasets with tags once per run and reuses datasets within the experiment, in one statement", async () => {
    const exp = await newExperiment();
    const run = await newRun(exp);
    const body = {
      run_id: run,
      datasets: [
        { tags: [{ key: "mlflow.data.context", value: "training" }], dataset: dataset("train", "abc123") },
        { tags: [{ key: "mlflow.data.context", value: "ignored duplicate" }], dataset: dataset("train", "abc123") },
        { dataset: dataset("eval", "def456", { schema: undefined, profile: undefined }) },
      ],
    };
    const logged = await api.post("/runs/log-inputs", body);
    expect(logged.status).toBe(200);
    expect(logged.body).toEqual({});
    expect(logged.roundTrips).toBe(1);
    // A retry changes nothing.
    expect((await api.post("/runs/log-inputs", body)).status).toBe(200);

    const inputs = (await api.get("/runs/get", { run_id: run })).body.run.inputs.dataset_inputs;
    expect(inputs).toHaveLength(2);
    const train = inputs.find((i: any) => i.dataset.name === "train");
    expect(train).toEqual({ tags: [{ key: "mlflow.data.context", value: "training" }], dataset: dataset("train", "abc123") });
    const evalInput = inputs.find((i: any) => i.dataset.name === "eval");
    expect(evalInput.dataset).toEqual({ name: "eval", digest: "def456", source_type: "local", source: '{"uri": "/data/train.csv"}' });

    // Another run of the experiment logging the same dataset shares it; search-datasets lists it once per context.
    const run2 = await newRun(exp);
    await api.post("/runs/log-inputs", { run_id: run2, datasets: [{ tags: [{ key: "mlflow.data.context", value: "eval" }], dataset: dataset("train", "abc123") }] });
    const summaries = await call("POST", "/ajax-api/2.0/mlflow/experiments/search-datasets", { experiment_ids: [exp] });
    expect(summaries.status).toBe(200);
    const rows = summaries.body.dataset_summaries.map((s: any) => `${s.name}/${s.digest}/${s.context ?? "-"}`).sort();
    expect(rows).toEqual(["eval/def456/-", "train/abc123/eval", "train/abc123/training"]);
    expect(summaries.body.dataset_summaries.every((s: any) => s.experiment_id === exp)).toBe(true);

    const searched = await api.post("/runs/search", { experiment_ids: [exp], filter: "datasets.name = 'train' AND datasets.context = 'eval'" });
    if (searched.status === 200) expect(searched.body.runs.map((r: any) => r.info.run_id)).toEqual([run2]);
  });

  it("records model inputs and outputs and validates like MLflow", async () => {
    const exp = await newExperiment();
    const run = await newRun(exp);
    const model = (await api.post("/logged-models", { experiment_id: exp, source_run_id: run })).body.model.info.model_id;
    expect((await api.post("/runs/log-inputs", { run_id: run, models: [{ model_id: model }] })).status).toBe(200);
    expect((await api.post("/runs/outputs", { run_id: run, models: [{ model_id: model, step: 3 }] })).status).toBe(200);
    expect((await api.post("/runs/outputs", { run_id: run, models: [{ model_id: model, step: 3 }] })).status).toBe(200);
    const got = (await api.get("/runs/get", { run_id: run })).body.run;
    expect(got.inputs.model_inputs).toEqual([{ model_id: model }]);
    expect(got.outputs).toEqual({ model_outputs: [{ model_id: model, step: 3 }] });
    const searched = (await api.post("/runs/search", { experiment_ids: [exp] })).body.runs[0];
    expect(searched.outputs).toEqual({ model_outputs: [{ model_id: model, step: 3 }] });
    expect(searched.inputs.model_inputs).toBeUndefined();

    const long = await api.post("/runs/log-inputs", { run_id: run, datasets: [{ dataset: dataset("x".repeat(501), "d") }] });
    expect(long.status).toBe(400);
    expect(long.body.message).toBe("'name' exceeds the maximum length of 500 characters");
    const longDigest = await api.post("/runs/log-inputs", { run_id: run, datasets: [{ dataset: dataset("x", "d".repeat(37)) }] });
    expect(longDigest.body.message).toBe("'digest' exceeds the maximum length of 36 characters");
    const longTag = await api.post("/runs/log-inputs", { run_id: run, datasets: [{ tags: [{ key: "k", value: "v".repeat(501) }], dataset: dataset("x", "d") }] });
    expect(longTag.body.message).toBe("'value' exceeds the maximum length of 500 characters");
    const noRun = await api.post("/runs/log-inputs", { run_id: "f".repeat(32), datasets: [] });
    expect(noRun.status).toBe(404);
    expect(noRun.body.message).toBe(`Run with id=${"f".repeat(32)} not found`);
    const missing = await api.post("/runs/log-inputs", {});
    expect(missing.body.message).toBe("Missing value for required parameter 'run_id'. See the API docs for more information about request parameters.");
    const noModels = await api.post("/runs/outputs", { run_id: run });
    expect(noModels.body.message).toBe("Missing value for required parameter 'models'. See the API docs for more information about request parameters.");

    await api.post("/runs/delete", { run_id: run });
    const deleted = await api.post("/runs/log-inputs", { run_id: run, datasets: [{ dataset: dataset("late", "d") }] });
    expect(deleted.status).toBe(400);
    expect(deleted.body.message).toBe(`The run ${run} must be in the 'active' state. Current state is deleted.`);
    await api.post("/runs/restore", { run_id: run });
    const names = (await api.get("/runs/get", { run_id: run })).body.run.inputs.dataset_inputs ?? [];
    expect(names).toEqual([]);

    const noIds = await call("POST", "/ajax-api/2.0/mlflow/experiments/search-datasets", { experiment_ids: [] });
    expect(noIds.body.message).toBe("SearchDatasets request must specify at least one experiment_id.");
    const tooMany = await call("POST", "/ajax-api/2.0/mlflow/experiments/search-datasets", { experiment_ids: Array.from({ length: 21 }, (_, i) => String(i)) });
    expect(tooMany.body.message).toBe("SearchDatasets request cannot specify more than 20 experiment_ids. Received 21 experiment_ids.");
  });
});
