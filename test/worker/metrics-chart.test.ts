// The UI's chart read (GET /ajax-api/2.0/mlflow/metrics/get-history-chart): many runs and keys in
// one request, each history as parallel arrays, thinned to max_points evenly spaced points that
// always include the last one.
import { describe, expect, it } from "vitest";
import { api, call, newExperiment, newRun } from "./helpers";

const chart = (query: Record<string, string | string[] | number>) => {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) for (const item of Array.isArray(v) ? v : [v]) qs.append(k, String(item));
  return call("GET", `/ajax-api/2.0/mlflow/metrics/get-history-chart?${qs}`);
};

describe("get-history-chart", () => {
  it("answers every (run, key) history as arrays, thinned to max_points with the last point kept", async () => {
    const exp = await newExperiment();
    const [a, b] = [await newRun(exp), await newRun(exp)];
    const metrics = (run: number) =>
      Array.from({ length: 100 }, (_, step) => ({ key: "loss", value: step === 50 && run === 1 ? "NaN" : run * 1000 + step, timestamp: 1000 + step, step }));
    expect((await api.post("/runs/log-batch", { run_id: a, metrics: [...metrics(0), { key: "acc", value: 0.5, timestamp: 1, step: 0 }] })).status).toBe(200);
    expect((await api.post("/runs/log-batch", { run_id: b, metrics: metrics(1) })).status).toBe(200);
    const res = await chart({ run_ids: [a, b], metric_keys: ["loss", "acc", "missing"], max_points: 10 });
    expect(res.status).toBe(200);
    const series = res.body.series as { run_id: string; key: string; steps: number[]; timestamps: number[]; values: (number | string)[] }[];
    const find = (run: string, key: string) => series.find((s) => s.run_id === run && s.key === key)!;
    expect(series).toHaveLength(3);
    const loss = find(a, "loss");
    expect(loss.steps.length).toBeLessThanOrEqual(11);
    expect(loss.steps[0]).toBe(0);
    expect(loss.steps.at(-1)).toBe(99); // the last point is always there
    expect(loss.steps).toEqual([...loss.steps].sort((x, y) => x - y));
    expect(loss.values).toEqual(loss.steps.map((s) => s));
    expect(loss.timestamps).toEqual(loss.steps.map((s) => 1000 + s));
    expect(find(a, "acc")).toMatchObject({ steps: [0], values: [0.5] });
    // all points when they fit, NaN as MLflow writes it
    const all = (await chart({ run_ids: [b], metric_keys: ["loss"], max_points: 1000 })).body.series[0];
    expect(all.steps).toHaveLength(100);
    expect(all.values[50]).toBe("NaN");
    // a step window
    const window = (await chart({ run_ids: [a], metric_keys: ["loss"], max_points: 1000, start_step: 10, end_step: 19 })).body.series[0];
    expect(window.steps).toEqual(Array.from({ length: 10 }, (_, i) => 10 + i));
  });

  it("refuses requests without runs or keys, and out-of-range limits", async () => {
    const run = await newRun();
    for (const query of [
      { metric_keys: ["m"] },
      { run_ids: [run] },
      { run_ids: [run], metric_keys: ["m"], max_points: 1 },
      { run_ids: [run], metric_keys: ["m"], max_points: 100_000 },
      { run_ids: [run], metric_keys: ["m"], start_step: 1 },
    ]) {
      const res = await chart(query as never);
      expect([JSON.stringify(query), res.status, res.body?.error_code]).toEqual([JSON.stringify(query), 400, "INVALID_PARAMETER_VALUE"]);
    }
  });
});
