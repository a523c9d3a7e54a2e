import { describe, expect, it } from "vitest";
import { api, newExperiment, newRun } from "./helpers";

async function createModel(exp: string, body: Record<string, unknown> = {}): Promise<any> {
  const res = await api.post("/logged-models", { experiment_id: exp, ...body });
  if (res.status !== 200) throw new Error(res.text);
  return res.body.model;
}

describe("logged models", () => {
  it("creates, reads, finalizes, tags, logs params and deletes", async () => {
    const exp = await newExperiment();
    const run = await newRun(exp);
    const created = await api.post("/logged-models", {
      experiment_id: exp,
      name: "clf",
      model_type: "agent",
      source_run_id: run,
      params: [{ key: "alpha", value: "0.1" }],
      tags: [{ key: "team", value: "a" }],
    });
    expect(created.status).toBe(200);
    expect(created.roundTrips).toBe(1);
    const model = created.body.model;
    expect(model.info).toMatchObject({
      experiment_id: exp,
      name: "clf",
      model_type: "agent",
      source_run_id: run,
      status: "LOGGED_MODEL_PENDING",
      tags: [{ key: "team", value: "a" }],
    });
    expect(model.info.model_id).toMatch(/^m-[0-9a-f]{32}$/);
    expect(model.info.artifact_uri).toBe(`mlflow-artifacts:/${exp}/models/${model.info.model_id}/artifacts`);
    expect(model.data).toEqual({ params: [{ key: "alpha", value: "0.1" }] });
    const id = model.info.model_id;

    const finalized = await api.patch(`/logged-models/${id}`, { model_id: id, status: "LOGGED_MODEL_READY" });
    expect(finalized.body.model.info.status).toBe("LOGGED_MODEL_READY");
    expect((await api.patch(`/logged-models/${id}/tags`, { tags: [{ key: "team", value: "b" }, { key: "x", value: "y" }] })).status).toBe(200);
    expect((await api.post(`/logged-models/${id}/params`, { model_id: id, params: [{ key: "beta", value: "2" }] })).status).toBe(200);
    expect((await api.del(`/logged-models/${id}/tags/x`)).status).toBe(200);
    const missingTag = await api.del(`/logged-models/${id}/tags/x`);
    expect(missingTag.status).toBe(404);
    expect(missingTag.body.message).toBe(`No tag with key 'x' found for model with ID '${id}'.`);

    const got = await api.get(`/logged-models/${id}`);
    expect(got.roundTrips).toBe(1);
    expect(got.body.model.info.tags).toEqual([{ key: "team", value: "b" }]);
    expect(got.body.model.data.params).toEqual([
      { key: "alpha", value: "0.1" },
      { key: "beta", value: "2" },
    ]);

    expect((await api.del(`/logged-models/${id}`)).status).toBe(200);
    const gone = await api.get(`/logged-models/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ error_code: "RESOURCE_DOES_NOT_EXIST", message: `Logged model with ID '${id}' not found.` });
    expect((await api.get(`/logged-models/${id}`, { allow_deleted: "true" })).body.model.info.model_id).toBe(id);
  });

  it("reports MLflow's errors", async () => {
    const exp = await newExperiment();
    const bad = await api.post("/logged-models", { experiment_id: exp, name: "a/b" });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe(
      `Invalid model name ('a/b') provided. Model name must be a non-empty string and cannot contain the following characters: ('/', ':', '.', '%', '"', "'")`,
    );
    const missing = await api.post("/logged-models", {});
    expect(missing.body.message).toBe("Missing value for required parameter 'experiment_id'. See the API docs for more information about request parameters.");
    const noExp = await api.post("/logged-models", { experiment_id: "987654321" });
    expect(noExp.status).toBe(404);
    await api.post("/experiments/delete", { experiment_id: exp });
    const deletedExp = await api.post("/logged-models", { experiment_id: exp });
    expect(deletedExp.status).toBe(400);
    expect(deletedExp.body.message).toBe(`The experiment ${exp} must be in the 'active' state. Current state is deleted.`);
    expect((await api.patch("/logged-models/m-nope", { model_id: "m-nope", status: 2 })).status).toBe(404);
    expect((await api.patch("/logged-models/m-nope/tags", { tags: [] })).status).toBe(404);
  });
});

describe("search logged models", () => {
  it("filters by attributes, params, tags and metrics, orders and pages with MLflow's tokens", async () => {
    const exp = await newExperiment();
    const ids: string[] = [];
    for (const name of ["a", "b", "c"]) {
      const m = await createModel(exp, { name, params: [{ key: "lr", value: name === "b" ? "0.1" : "0.01" }], tags: [{ key: "kind", value: name }] });
      ids.push(m.info.model_id);
    }
    const search = async (body: Record<string, unknown>) => {
      const res = await api.post("/logged-models/search", { experiment_ids: [exp], ...body });
      expect(res.status, res.text).toBe(200);
      return res.body;
    };
    const names = (b: any) => (b.models ?? []).map((m: any) => m.info.name);
    expect(names(await search({}))).toEqual(["c", "b", "a"]);
    expect(names(await search({ filter: "name = 'b'" }))).toEqual(["b"]);
    expect(names(await search({ filter: "params.lr = '0.01'" }))).toEqual(["c", "a"]);
    expect(names(await search({ filter: "tags.kind IN ('a', 'b')" }))).toEqual(["b", "a"]);
    expect(names(await search({ filter: "status = 'PENDING'" }))).toEqual(["c", "b", "a"]);
    expect(names(await search({ filter: "name LIKE 'b%'" }))).toEqual(["b"]);

    await api.patch(`/logged-models/${ids[1]}`, { model_id: ids[1], status: 2 });
    expect(names(await search({ filter: "status = 'READY'" }))).toEqual(["b"]);
    const bad = await api.post("/logged-models/search", { experiment_ids: [exp], filter: "status = 'DONE'" });
    expect(bad.body.message).toBe("Unknown model status in filter: 'DONE'");
  });

  it("reports filter errors as 400", async () => {
    const exp = await newExperiment();
    const cases: [string, string][] = [
      ["foo.x = 'a'", "Invalid entity type: 'foo'. Expected one of ['attributes', 'metrics', 'params', 'tags']."],
      ["metrics.acc LIKE 'a'", "Invalid comparison operator for metrics.acc: 'LIKE'. Expected one of ('<', '<=', '>', '>=', '=', '!=')."],
      ["name > 'a'", "Invalid comparison operator for attributes.name: '>'. Expected one of ('=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN')."],
    ];
    for (const [filter, message] of cases) {
      const res = await api.post("/logged-models/search", { experiment_ids: [exp], filter });
      expect(res.status, filter).toBe(400);
      expect(res.body.message, filter).toBe(message);
    }
    const noIds = await api.post("/logged-models/search", {});
    expect(noIds.status).toBe(400);
    const badOrder = await api.post("/logged-models/search", { experiment_ids: [exp], order_by: [{ field_name: "params.x" }] });
    expect(badOrder.body.message).toBe("Invalid order by field name: params.x. Only metrics are supported.");
  });
});

describe("metrics linked to logged models", () => {
  it("orders and filters by each model's latest metric, per dataset", async () => {
    const exp = await newExperiment();
    const run = await newRun(exp);
    const ids: string[] = [];
    for (const name of ["a", "b", "c"]) ids.push((await createModel(exp, { name })).info.model_id);
    const log = (id: string, value: number, step: number, dataset?: string) =>
      api.post("/runs/log-metric", {
        run_id: run,
        key: "acc",
        value,
        timestamp: 100 + step,
        step,
        model_id: id,
        ...(dataset ? { dataset_name: dataset, dataset_digest: "dg" } : {}),
      });
    await log(ids[0]!, 0.9, 0); // a: latest 0.5
    await log(ids[0]!, 0.5, 1);
    await log(ids[1]!, 0.7, 0); // b: 0.7
    await log(ids[2]!, 0.6, 0, "test"); // c: only on dataset "test"
    const search = async (body: Record<string, unknown>) => {
      const res = await api.post("/logged-models/search", { experiment_ids: [exp], ...body });
      expect(res.status, res.text).toBe(200);
      return (res.body.models ?? []).map((m: any) => m.info.name);
    };
    expect(await search({ order_by: [{ field_name: "metrics.acc", ascending: false }] })).toEqual(["b", "c", "a"]);
    expect(await search({ filter: "metrics.acc > 0.55" })).toEqual(["c", "b"]);
    expect(await search({ datasets: [{ dataset_name: "test", dataset_digest: "dg" }] })).toEqual(["c"]);
    expect(await search({ filter: "metrics.acc >= 0.5", datasets: [{ dataset_name: "test", dataset_digest: "dg" }] })).toEqual(["c"]);

    const got = await api.get(`/logged-models/${ids[2]}`);
    expect(got.body.model.data.metrics).toEqual([
      { key: "acc", value: 0.6, timestamp: 100, step: 0, model_id: ids[2], dataset_name: "test", dataset_digest: "dg", run_id: run },
    ]);

    const page1 = await api.post("/logged-models/search", { experiment_ids: [exp], max_results: 2 });
    expect(page1.body.models).toHaveLength(2);
    const token = JSON.parse(atob(page1.body.next_page_token));
    expect(token).toEqual({ experiment_ids: [exp], filter_string: null, order_by: null, offset: 2 });
    const page2 = await api.post("/logged-models/search", { experiment_ids: [exp], max_results: 2, page_token: page1.body.next_page_token });
    expect(page2.body.models.map((m: any) => m.info.name)).toEqual(["a"]);
    const mismatch = await api.post("/logged-models/search", { experiment_ids: [exp], filter: "name = 'a'", page_token: page1.body.next_page_token });
    expect(mismatch.status).toBe(400);
  });
});
