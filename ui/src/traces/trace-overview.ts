/**
 * The Traces tab's overview: what `traces/metrics` (MLflow 3.18's QueryTraceMetrics) answers, turned
 * into chart series and totals. Pure (no DOM, no requests), so it is unit-tested in Node.
 */

/** One data point as `traces/metrics` returns it (`time_bucket` is an ISO time with an offset). */
export interface MetricPoint {
  metric_name: string;
  dimensions?: Record<string, string>;
  values?: Record<string, number | string>;
}

/** Bucket sizes the overview picks from, in seconds: about 60 buckets or fewer over the range. */
const INTERVALS = [60, 300, 900, 3600, 3 * 3600, 6 * 3600, 86_400, 7 * 86_400, 30 * 86_400];
const MAX_BUCKETS = 60;

/** The smallest listed bucket size that splits `[startMs, endMs]` into at most 60 buckets. */
export function bucketSeconds(startMs: number, endMs: number): number {
  const span = Math.max(endMs - startMs, 1) / 1000;
  return INTERVALS.find((s) => span / s <= MAX_BUCKETS) ?? INTERVALS[INTERVALS.length - 1]!;
}

/** The range to chart: `days` back from now, or (null) from the first trace to the last. */
export function chartRange(days: number | null, now: number, first?: number, last?: number): { startMs: number; endMs: number } | null {
  if (days !== null) return { startMs: now - days * 86_400_000, endMs: now };
  if (first === undefined || last === undefined) return null;
  return { startMs: first, endMs: last + 1 };
}

/** A number from the wire (doubles may travel as "NaN"/"Infinity" strings). */
export function wireNumber(v: number | string | undefined): number | null {
  if (v === undefined) return null;
  const n = typeof v === "number" ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}

const bucketOf = (p: MetricPoint): number | null => {
  const t = p.dimensions?.time_bucket;
  if (t === undefined) return null;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? null : ms;
};

export interface OverviewSeries {
  id: string;
  label: string;
  /** Bucket starts in seconds (uPlot's time axis), every bucket of the range. */
  xs: number[];
  ys: (number | null)[];
}

/** Every bucket start (ms) of the range, so that empty buckets show as zero counts, not gaps. */
export function bucketStarts(startMs: number, endMs: number, seconds: number): number[] {
  const step = seconds * 1000;
  const first = Math.floor(startMs / step) * step;
  const out: number[] = [];
  for (let t = first; t < endMs; t += step) out.push(t);
  return out;
}

/**
 * One series per value of `dimension` (or one series when it is undefined), reading `valueKey`
 * (`COUNT`, `SUM`, `P50.0`…) of each bucket. `fill` is what an absent bucket shows: 0 for counts
 * and sums, null (a gap) for latencies.
 */
export function seriesByBucket(
  points: MetricPoint[],
  buckets: number[],
  valueKey: string,
  { dimension, fill, label }: { dimension?: string; fill: number | null; label?: (value: string) => string },
): OverviewSeries[] {
  const byGroup = new Map<string, Map<number, number | null>>();
  for (const p of points) {
    const at = bucketOf(p);
    if (at === null) continue;
    const group = dimension ? (p.dimensions?.[dimension] ?? "") : valueKey;
    let row = byGroup.get(group);
    if (!row) byGroup.set(group, (row = new Map()));
    row.set(at, wireNumber(p.values?.[valueKey]));
  }
  return [...byGroup.keys()].sort().map((group) => {
    const row = byGroup.get(group)!;
    return {
      id: group,
      label: label ? label(group) : group,
      xs: buckets.map((b) => b / 1000),
      ys: buckets.map((b) => (row.has(b) ? row.get(b)! : fill)),
    };
  });
}

/** Sum of `valueKey` over the points, per value of `dimension` (totals for the range). */
export function totalsBy(points: MetricPoint[], dimension: string, valueKey: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of points) {
    const group = p.dimensions?.[dimension] ?? "";
    out.set(group, (out.get(group) ?? 0) + (wireNumber(p.values?.[valueKey]) ?? 0));
  }
  return out;
}

/** A point's value when the query had no dimensions (one point, or none when no trace matched). */
export function single(points: MetricPoint[], valueKey: string): number | null {
  return points.length === 0 ? null : wireNumber(points[0]!.values?.[valueKey]);
}

export interface AssessmentSummary {
  name: string;
  count: number;
  /** Count per stored value (`"yes"`, `"true"`, `"0.8"`…), most frequent first. */
  values: [string, number][];
}

/** `assessment_count` by name and value → per assessment name, its values and their counts. */
export function assessmentSummaries(points: MetricPoint[]): AssessmentSummary[] {
  const byName = new Map<string, Map<string, number>>();
  for (const p of points) {
    const name = p.dimensions?.assessment_name ?? "";
    const value = p.dimensions?.assessment_value ?? "";
    let values = byName.get(name);
    if (!values) byName.set(name, (values = new Map()));
    values.set(value, (values.get(value) ?? 0) + (wireNumber(p.values?.COUNT) ?? 0));
  }
  return [...byName]
    .map(([name, values]) => ({
      name,
      count: [...values.values()].reduce((a, b) => a + b, 0),
      values: [...values].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
