/**
 * Metric history for charts: fetched per key through get-history-bulk-interval (at most 100 runs
 * per call), turned into x/y series for step, wall-time or relative-time axes, and smoothed.
 */
import { api } from "./api";
import { num } from "./json";
import type { Metric, Run } from "./types";

export type XAxis = "step" | "wall" | "relative";
export const MAX_POINTS_PER_RUN = 2500;
const RUNS_PER_CALL = 100;

export interface Point {
  step: number;
  timestamp: number;
  value: number;
}

/** run_id → points sorted by step, for one metric key. */
export type History = Map<string, Point[]>;

export async function fetchHistory(key: string, runIds: string[], range?: [number, number], perRun = pointsPerRun(runIds.length)): Promise<History> {
  const out: History = new Map();
  const chunks: string[][] = [];
  for (let i = 0; i < runIds.length; i += RUNS_PER_CALL) chunks.push(runIds.slice(i, i + RUNS_PER_CALL));
  const responses = await Promise.all(
    chunks.map((chunk) =>
      api.get<{ metrics?: Metric[] }>("/metrics/get-history-bulk-interval", {
        run_ids: chunk,
        metric_key: key,
        max_results: perRun,
        start_step: range ? Math.floor(range[0]) : undefined,
        end_step: range ? Math.ceil(range[1]) : undefined,
      }),
    ),
  );
  for (const res of responses) {
    for (const m of res.metrics ?? []) {
      const id = m.run_id ?? "";
      const list = out.get(id) ?? [];
      list.push({ step: num(m.step ?? 0), timestamp: num(m.timestamp), value: num(m.value) });
      out.set(id, list);
    }
  }
  for (const list of out.values()) list.sort((a, b) => a.step - b.step || a.timestamp - b.timestamp);
  return out;
}

export interface SeriesSpec {
  label: string;
  xs: number[];
  ys: (number | null)[];
}

export function toSeries(points: Point[], run: Run, axis: XAxis, smoothing: number, logScale: boolean): Pick<SeriesSpec, "xs" | "ys"> {
  const start = num(run.info.start_time ?? points[0]?.timestamp ?? 0);
  const byX = new Map<number, number>();
  for (const p of points) {
    const x = axis === "step" ? p.step : axis === "wall" ? p.timestamp / 1000 : (p.timestamp - start) / 1000;
    byX.set(x, p.value); // a step logged twice: the later value wins, as in MLflow's latest-metric rule
  }
  const xs = [...byX.keys()].sort((a, b) => a - b);
  let ys: (number | null)[] = xs.map((x) => byX.get(x)!);
  if (smoothing > 0) ys = ema(ys, smoothing);
  if (logScale) ys = ys.map((y) => (y !== null && y > 0 ? y : null));
  return { xs, ys: ys.map((y) => (y === null || Number.isFinite(y) ? y : null)) };
}

/** Exponential moving average with bias correction, so the first points are not pulled to 0. */
export function ema(values: (number | null)[], weight: number): (number | null)[] {
  let acc = 0;
  let n = 0;
  return values.map((v) => {
    if (v === null || !Number.isFinite(v)) return v;
    acc = acc * weight + (1 - weight) * v;
    n++;
    return acc / (1 - Math.pow(weight, n));
  });
}

/** Aligns several (xs, ys) series onto one sorted x array, with nulls where a series has no point. */
export function align(series: Pick<SeriesSpec, "xs" | "ys">[]): [number[], ...(number | null)[][]] {
  const allX = new Set<number>();
  series.forEach((s) => s.xs.forEach((x) => allX.add(x)));
  const xs = [...allX].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const columns = series.map((s) => {
    const col: (number | null)[] = new Array(xs.length).fill(null);
    s.xs.forEach((x, i) => (col[index.get(x)!] = s.ys[i] ?? null));
    return col;
  });
  return [xs, ...columns];
}

/**
 * Points asked per run: full density (2,500, MLflow's cap) for a few runs; with many runs on one
 * card, fewer per run (a 500 px card cannot show more), so 100 runs stay one small request.
 */
export function pointsPerRun(runCount: number): number {
  if (runCount <= 10) return MAX_POINTS_PER_RUN;
  return Math.max(200, Math.min(MAX_POINTS_PER_RUN, Math.floor(25_000 / runCount)));
}

/** How a metric is best drawn: a line when some run has several steps, else one bar per run. */
export function chartKind(history: History): "line" | "bar" {
  for (const points of history.values()) if (points.length > 1) return "line";
  return "bar";
}
