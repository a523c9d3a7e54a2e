import { describe, expect, it } from "vitest";
import { api, call, newExperiment, newRun } from "./helpers";

async function seed() {
  const exp = await newExperiment();
  const ids: string[] = [];
  for (let i = 0; i < 6; i++) {
    const run = (await api.post("/runs/create", { experiment_id: exp, start_time: 1000 + i, run_name: `run-${i}` })).body.run.info.run_id;
    ids.push(run);
    await api.post("/runs/log-batch", {
      run_id: run,
      metrics: [{ key: "rmse", value: i === 5 ? "NaN" : i / 10, timestamp: 1, step: 0 }],
      params: [{ key: "model", value: i % 2 ? "xgb" : "lin" }],
      tags: [{ key: "team", value: i < 3 ? "ML-core" : "infra" }],
    });
  }
  return { exp, ids };
}

describe("runs/search", () => {
  it("filters on metrics, params, tags and attributes, orders and pages", async () => {
    const { exp, ids } = await seed();
    const search = async (body: Record<string, unknown>) => api.post("/runs/search", { experiment_ids: [exp], ...body });

    const byMetric = await search({ filter: "metrics.rmse < 0.25" });
    expect(byMetric.body.runs.map((r: any) => r.info.run_id).sort()).toEqual(ids.slice(0, 3).sort());
    expect(byMetric.roundTrips).toBe(1);

    const combined = await search({ filter: "params.model = 'xgb' and tags.team ILIKE '%ml%'" });
    expect(combined.body.runs.map((r: any) => r.info.run_id)).toEqual([ids[1]]);

    const ordered = await search({ order_by: ["metrics.rmse DESC"] });
    // As in MLflow: NaN sorts after every number in both directions (checked against the reference).
    expect(ordered.body.runs.map((r: any) => r.info.run_id)).toEqual([ids[4], ids[3], ids[2], ids[1], ids[0], ids[5]]);

    const page1 = await search({ max_results: 4 });
    expect(page1.body.runs).toHaveLength(4);
    expect(page1.body.runs[0].info.run_id).toBe(ids[5]); // default order: start_time DESC
    const page2 = await search({ max_results: 4, page_token: page1.body.next_page_token });
    expect(page2.body.runs.map((r: any) => r.info.run_id)).toEqual([ids[1], ids[0]]);
    expect(page2.body.next_page_token).toBeUndefined();

    await api.post("/runs/delete", { run_id: ids[0] });
    expect((await search({})).body.runs).toHaveLength(5);
    expect((await search({ run_view_type: "DELETED_ONLY" })).body.runs.map((r: any) => r.info.run_id)).toEqual([ids[0]]);
    expect((await search({ run_view_type: "ALL" })).body.runs).toHaveLength(6);
  });

  it("rejects bad filters with INVALID_PARAMETER_VALUE", async () => {
    const exp = await newExperiment();
    for (const filter of ["metrics.rmse < 'a'", "foo.bar = 1", "params.x > 1", "metrics.a = 1 OR metrics.b = 2"]) {
      const res = await api.post("/runs/search", { experiment_ids: [exp], filter });
      expect(res.status, filter).toBe(400);
      expect(res.body.error_code, filter).toBe("INVALID_PARAMETER_VALUE");
    }
    const tooMany = await api.post("/runs/search", { experiment_ids: [exp], max_results: 50001 });
    expect(tooMany.status).toBe(400);
  });
});

describe("experiments/search", () => {
  it("filters by name and tags, supports GET with repeated order_by", async () => {
    const exp = await newExperiment();
    const name = (await api.get("/experiments/get", { experiment_id: exp })).body.experiment.name;
    await api.post("/experiments/set-experiment-tag", { experiment_id: exp, key: "owner", value: "alice" });
    const res = await api.post("/experiments/search", { filter: `name = '${name}'`, max_results: 10, view_type: "ACTIVE_ONLY" });
    expect(res.body.experiments.map((e: any) => e.experiment_id)).toEqual([exp]);
    const byTag = await call("GET", `/ajax-api/2.0/mlflow/experiments/search?filter=${encodeURIComponent("tags.owner = 'alice'")}&max_results=5&view_type=ACTIVE_ONLY&order_by=name&order_by=creation_time`);
    expect(byTag.body.experiments.map((e: any) => e.experiment_id)).toContain(exp);
    const noMax = await api.post("/experiments/search", { view_type: "ACTIVE_ONLY" });
    expect(noMax.status).toBe(400);
    expect(noMax.body.message).toBe("Invalid value 0 for parameter 'max_results' supplied. It must be a positive integer");
    const noView = await api.post("/experiments/search", { filter: `name = '${name}'`, max_results: 5 });
    expect(noView.body.experiments.map((e: any) => e.experiment_id)).toEqual([exp]);
  });
});

describe("the longest values MLflow allows", () => {
  // Random text does not compress: a btree index entry could not hold it (about 2,700 bytes).
  const randomText = (length: number) => {
    let s = "";
    while (s.length < length) s += crypto.randomUUID().replace(/-/g, "");
    return s.slice(0, length);
  };

  it("a 6,000-character param and an 8,000-character tag are stored and found by equality", async () => {
    const experiment = await newExperiment();
    const run = await newRun(experiment);
    const param = randomText(6000);
    const tag = randomText(8000);
    const logged = await api.post("/runs/log-batch", { run_id: run, params: [{ key: "long", value: param }], tags: [{ key: "note", value: tag }] });
    expect(logged.status, logged.text).toBe(200);
    for (const filter of [`params.long = '${param}'`, `tags.note = '${tag}'`]) {
      const found = await api.post("/runs/search", { experiment_ids: [experiment], filter });
      expect(found.status, found.text).toBe(200);
      expect(found.body.runs.map((r: { info: { run_id: string } }) => r.info.run_id)).toEqual([run]);
    }
  });
});
