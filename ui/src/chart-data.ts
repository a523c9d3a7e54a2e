/**
 * Metric history for charts: fetched through the server's compact chart read (many runs and keys
 * per request, histories thinned server-side min/max-preserving, values as base64 doubles, columns
 * instead of one object per point), turned into x/y series for step, wall-time or relative-time
 * axes, and smoothed.
 */
import { api } from "./api";
import { num } from "./json";
import type { Metric, Run } from "./types";

export type XAxis = "step" | "wall" | "relative";
export const MAX_POINTS_PER_RUN = 2500;

/** One run's history of one key, columnar: steps ascending (ties by timestamp), values as doubles. */
export interface RunHistory {
  steps: number[];
  values: Float64Array;
  /** Only when fetched for a time axis. */
  timestamps?: number[];
}

/** run_id → that run's history, for one metric key. */
export type History = Map<string, RunHistory>;

/** The server's compact chart read: per run and key, steps and values (base64 of big-endian doubles). */
interface ChartSeries {
  run_id: string;
  key: string;
  steps: (number | string)[];
  timestamps?: (number | string | null)[];
  values_f64: string;
}

/** How many runs go in one chart request (the server takes up to 1,000). */
const RUNS_PER_CHART_CALL = 500;

export interface FetchOptions {
  /** Only this step range (a zoom: the same number of points over fewer steps). */
  range?: [number, number] | undefined;
  /** Points per history at most (the server keeps each bucket's min and max, and the first and last point). */
  perRun?: number;
  /** Also fetch timestamps (wall-time and relative-time axes). */
  timestamps?: boolean;
}

/**
 * Histories of several keys for the charts: `key → run_id → history`. The server thins each history
 * to `perRun` points, min/max-preserving. Calls made in the same task (up to its microtasks) for the
 * same runs and options (every card of a chart view, as they come into view together) are answered
 * by a few shared requests rather than one each: a browser opens at most six connections to a host,
 * and each request is one database query over all its keys. Keys that `prefetchHistories` asked for
 * a moment ago take the answer already on its way.
 */
export function fetchHistories(keys: string[], runIds: string[], { range, perRun = pointsPerRun(runIds.length), timestamps = false }: FetchOptions = {}): Promise<Map<string, History>> {
  if (keys.length === 0 || runIds.length === 0) return Promise.resolve(new Map(keys.map((k) => [k, new Map()])));
  const id = JSON.stringify([runIds, range ?? null, perRun, timestamps]);
  const parts = new Map<string, Promise<History>>();
  const early = prefetched.get(id);
  for (const k of keys) {
    const hit = early?.get(k);
    if (hit && Date.now() - hit.at < PREFETCH_TTL_MS) parts.set(k, hit.promise);
    early?.delete(k); // one use: a later refetch (live runs) asks the server again
  }
  const rest = keys.filter((k) => !parts.has(k));
  if (rest.length > 0) {
    let batch = pending.get(id);
    if (!batch) {
      const b: Batch = { keys: new Set(), waiters: [] };
      batch = b;
      pending.set(id, b);
      // After the current task's other calls (effects of one render run in one go), before any paint.
      queueMicrotask(() => {
        pending.delete(id);
        const results = startRequests([...b.keys], runIds, { range, perRun, timestamps });
        for (const w of b.waiters) w.resolve(results);
      });
    }
    for (const k of rest) batch.keys.add(k);
    const waiting = new Promise<Map<string, Promise<History>>>((resolve) => batch!.waiters.push({ resolve }));
    for (const k of rest) parts.set(k, waiting.then((results) => results.get(k)!));
  }
  return Promise.all(keys.map((k) => parts.get(k)!)).then((hs) => new Map(keys.map((k, i) => [k, hs[i]!])));
}

/**
 * Starts fetching these keys now (the chart view calls it while it first renders, as soon as the
 * runs are known, for the cards that will be on screen), so that the cards' own fetches, which
 * wait for the cards to be laid out, find the answer already on its way.
 */
export function prefetchHistories(keys: string[], runIds: string[], { perRun = pointsPerRun(runIds.length), timestamps = false }: Omit<FetchOptions, "range"> = {}): void {
  if (keys.length === 0 || runIds.length === 0) return;
  const now = Date.now();
  // Forget what no card took in time (cards scrolled away, runs changed).
  for (const [other, entries] of prefetched) {
    for (const [k, e] of entries) if (now - e.at >= PREFETCH_TTL_MS) entries.delete(k);
    if (entries.size === 0) prefetched.delete(other);
  }
  const id = JSON.stringify([runIds, null, perRun, timestamps]);
  const early = prefetched.get(id) ?? new Map<string, { promise: Promise<History>; at: number }>();
  prefetched.set(id, early);
  const missing = keys.filter((k) => !(early.get(k) && now - early.get(k)!.at < PREFETCH_TTL_MS));
  if (missing.length === 0) return;
  const results = startRequests(missing, runIds, { perRun, timestamps });
  for (const k of missing) {
    const promise = results.get(k)!;
    promise.catch(() => undefined); // a card that takes it reports the error
    early.set(k, { promise, at: now });
  }
}

interface Batch {
  keys: Set<string>;
  waiters: { resolve: (results: Map<string, Promise<History>>) => void }[];
}
const pending = new Map<string, Batch>();
const prefetched = new Map<string, Map<string, { promise: Promise<History>; at: number }>>();
const PREFETCH_TTL_MS = 10_000;
/**
 * Requests a batch of keys is split into, at most: the server's queries run in parallel (on 2 busy
 * cores, 10 keys × 100 runs × 1,000 steps drew in a median 2.4 s as 6 requests, 2.9 s as 3, 2.8 s as
 * 2), cards draw as their part arrives, and 6 is what a browser opens to one host over HTTP/1.1.
 */
const REQUESTS_PER_BATCH = 6;

function startRequests(keys: string[], runIds: string[], opts: Required<Pick<FetchOptions, "perRun" | "timestamps">> & FetchOptions): Map<string, Promise<History>> {
  const per = Math.ceil(keys.length / REQUESTS_PER_BATCH);
  const results = new Map<string, Promise<History>>();
  for (let i = 0; i < keys.length; i += per) {
    const group = keys.slice(i, i + per);
    const part = request(group, runIds, opts);
    for (const k of group) results.set(k, part.then((m) => m.get(k)!));
  }
  return results;
}

/** One request per 500 runs for these keys. */
async function request(keys: string[], runIds: string[], { range, perRun, timestamps }: Required<Pick<FetchOptions, "perRun" | "timestamps">> & FetchOptions): Promise<Map<string, History>> {
  const out = new Map<string, History>(keys.map((k) => [k, new Map()]));
  const chunks: string[][] = [];
  for (let i = 0; i < runIds.length; i += RUNS_PER_CHART_CALL) chunks.push(runIds.slice(i, i + RUNS_PER_CHART_CALL));
  const responses = await Promise.all(
    chunks.map((chunk) =>
      api.getPlain<{ series?: ChartSeries[] }>("/metrics/get-history-chart", {
        run_ids: chunk,
        metric_keys: keys,
        max_points: perRun,
        start_step: range ? Math.floor(range[0]) : undefined,
        end_step: range ? Math.ceil(range[1]) : undefined,
        timestamps: timestamps ? "true" : undefined,
      }),
    ),
  );
  for (const res of responses) {
    for (const s of res.series ?? []) {
      const h: RunHistory = { steps: s.steps.map(num), values: decodeDoubles(s.values_f64) };
      if (s.timestamps) h.timestamps = s.timestamps.map((t) => num(t ?? 0));
      out.get(s.key)?.set(s.run_id, h);
    }
  }
  return out;
}

/** Base64 of big-endian IEEE-754 doubles → their values. */
export function decodeDoubles(b64: string): Float64Array {
  const U8 = Uint8Array as unknown as { fromBase64?: (s: string) => Uint8Array };
  let bytes: Uint8Array;
  if (U8.fromBase64) bytes = U8.fromBase64(b64);
  else {
    const bin = atob(b64);
    bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float64Array(bytes.length >> 3);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(i * 8, false);
  return out;
}

export interface SeriesSpec {
  label: string;
  xs: number[];
  ys: (number | null)[];
}

export function toSeries(h: RunHistory, run: Run, axis: XAxis, smoothing: number, logScale: boolean): Pick<SeriesSpec, "xs" | "ys"> {
  let xs: number[];
  let ys: (number | null)[];
  if (axis === "step" || !h.timestamps) {
    // Steps come sorted; a step logged twice: the later value wins, as in MLflow's latest-metric rule.
    xs = [];
    ys = [];
    const { steps, values } = h;
    for (let i = 0; i < steps.length; i++) {
      const v = values[i]!;
      if (xs.length > 0 && xs[xs.length - 1] === steps[i]) ys[ys.length - 1] = v;
      else xs.push(steps[i]!), ys.push(v);
    }
  } else {
    const start = num(run.info.start_time ?? h.timestamps[0] ?? 0);
    const byX = new Map<number, number>();
    h.timestamps.forEach((t, i) => byX.set(axis === "wall" ? t / 1000 : (t - start) / 1000, h.values[i]!));
    xs = [...byX.keys()].sort((a, b) => a - b);
    ys = xs.map((x) => byX.get(x)!);
  }
  if (smoothing > 0) ys = ema(ys, smoothing);
  for (let i = 0; i < ys.length; i++) {
    const y = ys[i]!;
    if (y !== null && (!Number.isFinite(y) || (logScale && y <= 0))) ys[i] = null;
  }
  return { xs, ys };
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

/**
 * Aligns several (xs, ys) series (each sorted by x) onto one sorted x array, with nulls where a
 * series has no point. Series that share their x values (runs logged at the same steps) are the
 * common case and cost no merge.
 */
export function align(series: Pick<SeriesSpec, "xs" | "ys">[]): [number[], ...(number | null)[][]] {
  if (series.length === 0) return [[]];
  const first = series[0]!.xs;
  if (series.every((s) => s.xs === first || sameNumbers(s.xs, first))) return [first, ...series.map((s) => s.ys)];
  let total = 0;
  for (const s of series) total += s.xs.length;
  const all = new Float64Array(total);
  let n = 0;
  for (const s of series) for (const x of s.xs) all[n++] = x;
  all.sort();
  const xs: number[] = [];
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) xs.push(all[i]!);
  const columns = series.map((s) => {
    const col: (number | null)[] = new Array(xs.length).fill(null);
    // Both sorted: one forward walk places every value.
    let j = 0;
    for (let i = 0; i < s.xs.length; i++) {
      const x = s.xs[i]!;
      while (xs[j]! < x) j++;
      col[j] = s.ys[i] ?? null;
    }
    return col;
  });
  return [xs, ...columns];
}

function sameNumbers(a: number[], b: number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
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
  for (const h of history.values()) if (h.steps.length > 1) return "line";
  return "bar";
}
