/**
 * Metric history for charts: fetched through the server's compact chart read (many runs and keys
 * per request, histories thinned server-side), turned into x/y series for step, wall-time or
 * relative-time axes, and smoothed.
 */
import { api } from "./api";
import { num } from "./json";
import type { Metric, Run } from "./types";

export type XAxis = "step" | "wall" | "relative";
export const MAX_POINTS_PER_RUN = 2500;

export interface Point {
  step: number;
  timestamp: number;
  value: number;
}

/** run_id → points sorted by step, for one metric key. */
export type History = Map<string, Point[]>;

/** The server's compact chart read: per run and key, parallel arrays of the (thinned) history. */
interface ChartSeries {
  run_id: string;
  key: string;
  steps: (number | string)[];
  timestamps: (number | string | null)[];
  values: (number | string)[];
}

/** How many runs go in one chart request (the server takes up to 1,000). */
const RUNS_PER_CHART_CALL = 500;

/**
 * Histories of several keys for the charts, in one request per 500 runs: `key → run_id → points`.
 * The server thins each history to `perRun` evenly spaced points, keeping the last.
 */
export async function fetchHistories(keys: string[], runIds: string[], range?: [number, number], perRun = pointsPerRun(runIds.length)): Promise<Map<string, History>> {
  const out = new Map<string, History>(keys.map((k) => [k, new Map()]));
  if (keys.length === 0 || runIds.length === 0) return out;
  const chunks: string[][] = [];
  for (let i = 0; i < runIds.length; i += RUNS_PER_CHART_CALL) chunks.push(runIds.slice(i, i + RUNS_PER_CHART_CALL));
  const responses = await Promise.all(
    chunks.map((chunk) =>
      api.get<{ series?: ChartSeries[] }>("/metrics/get-history-chart", {
        run_ids: chunk,
        metric_keys: keys,
        max_points: perRun,
        start_step: range ? Math.floor(range[0]) : undefined,
        end_step: range ? Math.ceil(range[1]) : undefined,
      }),
    ),
  );
  for (const res of responses) {
    for (const s of res.series ?? []) {
      const points: Point[] = s.steps.map((step, i) => ({ step: num(step), timestamp: num(s.timestamps[i] ?? 0), value: num(s.values[i]) }));
      out.get(s.key)?.set(s.run_id, points);
    }
  }
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
