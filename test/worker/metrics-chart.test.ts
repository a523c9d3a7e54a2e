// The UI's chart read (GET /ajax-api/2.0/mlflow/metrics/get-history-chart): many runs and keys in
// one request, each history as parallel arrays (values as base64 of big-endian doubles), whole when
// it fits in max_points, else thinned min/max-preserving per step bucket with its first and last
// point kept; timestamps only when asked.
import { describe, expect, it } from "vitest";
import { api, call, newExperiment, newRun } from "./helpers";

const chart = (query: Record<string, string | string[] | number | boolean>) => {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) for (const item of Array.isArray(v) ? v : [v]) qs.append(k, String(item));
  return call("GET", `/ajax-api/2.0/mlflow/metrics/get-history-chart?${qs}`);
};

interface Series {
  run_id: string;
  key: string;
  steps: number[];
  timestamps?: number[];
  values_f64: string;
}

/** The values of a series: base64 of big-endian float64s. */
const valuesOf = (s: Series): number[] => {
  const bytes = Uint8Array.from(atob(s.values_f64), (c) => c.charCodeAt(0));
  const view = new DataView(bytes.buffer);
  return Array.from({ length: bytes.length / 8 }, (_, i) => view.getFloat64(i * 8, false));
};

describe("get-history-chart", () => {
  it("answers every (run, key) history as arrays, thinned min/max-preserving to max_points with the first and last point kept", async () => {
    const exp = await newExperiment();
    const [a, b, c] = [await newRun(exp), await newRun(exp), await newRun(exp)];
    const metrics = (run: number) =>
      Array.from({ length: 100 }, (_, step) => ({ key: "loss", value: step === 50 && run === 1 ? "NaN" : run * 1000 + step, timestamp: 1000 + step, step }));
    expect((await api.post("/runs/log-batch", { run_id: a, metrics: [...metrics(0), { key: "acc", value: 0.5, timestamp: 1, step: 0 }] })).status).toBe(200);
    expect((await api.post("/runs/log-batch", { run_id: b, metrics: metrics(1) })).status).toBe(200);
    // a flat history with one spike and one dip, which evenly spaced samples would miss
    const spiky = Array.from({ length: 100 }, (_, step) => ({ key: "loss", value: step === 37 ? 100 : step === 62 ? -100 : 1, timestamp: 1000 + step, step }));
    expect((await api.post("/runs/log-batch", { run_id: c, metrics: spiky })).status).toBe(200);
    const res = await chart({ run_ids: [a, b, c], metric_keys: ["loss", "acc", "missing"], max_points: 10 });
    expect(res.status).toBe(200);
    const series = res.body.series as Series[];
    const find = (run: string, key: string) => series.find((s) => s.run_id === run && s.key === key)!;
    expect(series).toHaveLength(4);
    const loss = find(a, "loss");
    expect(loss.steps.length).toBeLessThanOrEqual(10);
    expect(loss.steps[0]).toBe(0);
    expect(loss.steps.at(-1)).toBe(99); // the last point is always there
    expect(loss.steps).toEqual([...loss.steps].sort((x, y) => x - y));
    expect(valuesOf(loss)).toEqual(loss.steps);
    expect(loss.timestamps).toBeUndefined(); // only when asked
    const spikes = find(c, "loss");
    expect(spikes.steps.length).toBeLessThanOrEqual(10);
    const values = valuesOf(spikes);
    expect(spikes.steps[values.indexOf(100)]).toBe(37);
    expect(spikes.steps[values.indexOf(-100)]).toBe(62);
    expect(find(a, "acc")).toMatchObject({ steps: [0] });
    expect(valuesOf(find(a, "acc"))).toEqual([0.5]);
    // all points when they fit, NaN as MLflow writes it, timestamps when asked
    const all = (await chart({ run_ids: [b], metric_keys: ["loss"], max_points: 1000, timestamps: true })).body.series[0] as Series;
    expect(all.steps).toHaveLength(100);
    expect(valuesOf(all)[50]).toBeNaN();
    expect(valuesOf(all)[51]).toBe(1051);
    expect(all.timestamps).toEqual(all.steps.map((s) => 1000 + s));
    // thinned with timestamps: each point's own
    const thin = (await chart({ run_ids: [a], metric_keys: ["loss"], max_points: 10, timestamps: true })).body.series[0] as Series;
    expect(thin.timestamps).toEqual(thin.steps.map((s) => 1000 + s));
    // a step window
    const window = (await chart({ run_ids: [a], metric_keys: ["loss"], max_points: 1000, start_step: 10, end_step: 19 })).body.series[0] as Series;
    expect(window.steps).toEqual(Array.from({ length: 10 }, (_, i) => 10 + i));
    // a step logged twice at the same time: both points, the greater value last, so that a chart
    // drawing one value per step shows the one MLflow calls the latest
    const twice = await newRun(exp);
    const same = [{ key: "t", value: 5, timestamp: 7, step: 1 }, { key: "t", value: 9, timestamp: 7, step: 1 }, { key: "t", value: -1, timestamp: 7, step: 1 }, { key: "t", value: 0, timestamp: 3, step: 0 }];
    expect((await api.post("/runs/log-batch", { run_id: twice, metrics: same })).status).toBe(200);
    const dup = (await chart({ run_ids: [twice], metric_keys: ["t"], max_points: 10 })).body.series[0] as Series;
    expect([dup.steps, valuesOf(dup)]).toEqual([[0, 1, 1, 1], [0, -1, 5, 9]]);
    const thinWindow = (await chart({ run_ids: [a], metric_keys: ["loss"], max_points: 4, start_step: 10, end_step: 29 })).body.series[0] as Series;
    expect(thinWindow.steps[0]).toBe(10);
    expect(thinWindow.steps.at(-1)).toBe(29);
    expect(thinWindow.steps.length).toBeLessThanOrEqual(4);
  });

  it("thins exactly as a plain model of the rule does, on random histories (NaN, ±Infinity, negative steps, windows)", async () => {
    // The rule, written the obvious way: whole when it fits; else (maxPoints - 2) / 2 equal step
    // buckets, each keeping its smallest and largest (value, step, timestamp) among non-NaN points,
    // plus the first and last point by (step, timestamp); the points in (step, timestamp, value) order.
    type P = { step: number; ts: number; value: number };
    const model = (points: P[], maxPoints: number, window?: [number, number]): P[] => {
      const pts = points.filter((p) => !window || (p.step >= window[0] && p.step <= window[1]));
      if (pts.length === 0) return [];
      const cmp = (a: P, b: P) => a.step - b.step || a.ts - b.ts || (Number.isNaN(a.value) ? 1 : Number.isNaN(b.value) ? -1 : a.value - b.value);
      if (pts.length <= maxPoints) return [...pts].sort(cmp);
      const buckets = Math.max(1, Math.floor((maxPoints - 2) / 2));
      const lo = Math.min(...pts.map((p) => p.step));
      const hi = Math.max(...pts.map((p) => p.step));
      const byValue = (a: P, b: P) => a.value - b.value || a.step - b.step || a.ts - b.ts;
      const kept = new Map<string, P>();
      const keep = (p: P) => kept.set(`${p.step}/${p.ts}/${p.value}`, p);
      const groups = new Map<number, P[]>();
      for (const p of pts) {
        if (Number.isNaN(p.value)) continue;
        const b = Math.floor(((p.step - lo) * buckets) / (hi - lo + 1));
        groups.set(b, [...(groups.get(b) ?? []), p]);
      }
      for (const g of groups.values()) {
        const sorted = [...g].sort(byValue);
        keep(sorted[0]!);
        keep(sorted.at(-1)!);
      }
      const ordered = [...pts].sort((a, b) => a.step - b.step || a.ts - b.ts);
      keep(ordered[0]!);
      keep(ordered.at(-1)!);
      return [...kept.values()].sort(cmp);
    };
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const exp = await newExperiment();
    const histories: { run: string; key: string; points: P[] }[] = [];
    for (let r = 0; r < 4; r++) {
      const run = await newRun(exp);
      for (const key of ["a", "b"]) {
        const n = Math.floor(random() * 260);
        const points: P[] = [];
        const seen = new Set<string>();
        for (let i = 0; i < n; i++) {
          // (step, timestamp) pairs unique, so that "first" and "last" are one point each
          const step = key === "b" ? i * 3 - 40 : Math.floor(random() * n);
          const ts = 1_000 + Math.floor(random() * 1_000);
          if (seen.has(`${step}/${ts}`)) continue;
          seen.add(`${step}/${ts}`);
          const u = random();
          // ±Infinity are stored as ±Number.MAX_VALUE, as MLflow does
          const value = u < 0.04 ? NaN : u < 0.06 ? Number.MAX_VALUE : u < 0.08 ? -Number.MAX_VALUE : Math.round(random() * 40) / 8;
          points.push({ step, ts, value });
        }
        const wire = (v: number) => (Number.isNaN(v) ? "NaN" : v === Number.MAX_VALUE ? "Infinity" : v === -Number.MAX_VALUE ? "-Infinity" : v);
        for (let i = 0; i < points.length; i += 500) {
          const metrics = points.slice(i, i + 500).map((p) => ({ key, value: wire(p.value), timestamp: p.ts, step: p.step }));
          expect((await api.post("/runs/log-batch", { run_id: run, metrics })).status).toBe(200);
        }
        histories.push({ run, key, points });
      }
    }
    const runs = [...new Set(histories.map((h) => h.run))];
    for (const maxPoints of [2, 4, 11, 50, 250]) {
      for (const window of [undefined, [-10, 120] as [number, number]]) {
        const res = await chart({ run_ids: runs, metric_keys: ["a", "b"], max_points: maxPoints, timestamps: true, ...(window ? { start_step: window[0], end_step: window[1] } : {}) });
        expect(res.status).toBe(200);
        const got = res.body.series as Series[];
        for (const h of histories) {
          const want = model(h.points, maxPoints, window);
          const s = got.find((x) => x.run_id === h.run && x.key === h.key);
          const label = `${h.key} of a run with ${h.points.length} points, max_points ${maxPoints}, window ${window ?? "none"}`;
          if (want.length === 0) {
            expect(s, label).toBeUndefined();
            continue;
          }
          expect(s, label).toBeDefined();
          const values = valuesOf(s!);
          expect(s!.steps.map((step, i) => ({ step, ts: s!.timestamps![i], value: values[i] })), label).toEqual(want);
        }
      }
    }
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
