/**
 * Above the Traces tab's list: the experiment's traces over time (count by state, latency p50 and
 * p95, tokens), totals for the range, and its assessments by name and value, all from
 * `traces/metrics` (Postgres aggregates; nothing is counted in the browser). The range (all, or
 * the last 1/7/30 days) and whether the panel is open live in the URL.
 */
import { useMemo } from "preact/hooks";
import { api3 } from "../../api";
import { useAsync } from "../../hooks";
import { route, setQuery } from "../../router";
import { formatLatency } from "../../traces/trace-info";
import {
  assessmentSummaries,
  bucketSeconds,
  bucketStarts,
  chartRange,
  seriesByBucket,
  single,
  totalsBy,
  type MetricPoint,
  type OverviewSeries,
} from "../../traces/trace-overview";
import { searchTraces } from "../../traces/trace-api";
import { ErrorBox, Spinner } from "../common";
import { LineChart, type LineSeries } from "../line-chart";

const RANGES: [string, string, number | null][] = [
  ["all", "All", null],
  ["1", "24 h", 1],
  ["7", "7 days", 7],
  ["30", "30 days", 30],
];
const STATE_COLORS: Record<string, string> = { OK: "#2f9e44", ERROR: "#e03131", IN_PROGRESS: "#868e96" };
const LINE_COLORS = ["#1c7ed6", "#f08c00", "#7048e8", "#0ca678"];

interface MetricsQuery {
  view_type: "TRACES" | "ASSESSMENTS";
  metric_name: string;
  aggregations: { aggregation_type: string; percentile_value?: number }[];
  dimensions?: string[];
  time_interval_seconds?: number;
}

function queryMetrics(experimentId: string, range: { startMs: number; endMs: number }, q: MetricsQuery): Promise<MetricPoint[]> {
  return api3
    .post<{ data_points?: MetricPoint[] }>("/traces/metrics", { experiment_ids: [experimentId], start_time_ms: range.startMs, end_time_ms: range.endMs, ...q })
    .then((r) => r.data_points ?? []);
}

/** The first and last trace's times (ms), for the "all" range; undefined when there are none. */
async function traceSpan(experimentId: string): Promise<{ first?: number; last?: number }> {
  const [oldest, newest] = await Promise.all(
    ["timestamp_ms ASC", "timestamp_ms DESC"].map((order) => searchTraces({ experimentIds: [experimentId], orderBy: [order], maxResults: 1 })),
  );
  const at = (t?: { request_time?: string }) => (t?.request_time ? Date.parse(t.request_time) : undefined);
  return { first: at(oldest!.traces[0]), last: at(newest!.traces[0]) };
}

const PERCENTILES = [
  { aggregation_type: "PERCENTILE", percentile_value: 50 },
  { aggregation_type: "PERCENTILE", percentile_value: 95 },
];

async function loadOverview(experimentId: string, days: number | null) {
  const span = days === null ? await traceSpan(experimentId) : {};
  const range = chartRange(days, Date.now(), span.first, span.last);
  if (!range) return null;
  const seconds = bucketSeconds(range.startMs, range.endMs);
  const perBucket = { time_interval_seconds: seconds };
  const [counts, latency, tokens, overallLatency, assessments] = await Promise.all([
    queryMetrics(experimentId, range, { view_type: "TRACES", metric_name: "trace_count", aggregations: [{ aggregation_type: "COUNT" }], dimensions: ["trace_status"], ...perBucket }),
    queryMetrics(experimentId, range, { view_type: "TRACES", metric_name: "latency", aggregations: PERCENTILES, ...perBucket }),
    queryMetrics(experimentId, range, { view_type: "TRACES", metric_name: "total_tokens", aggregations: [{ aggregation_type: "SUM" }], ...perBucket }),
    queryMetrics(experimentId, range, { view_type: "TRACES", metric_name: "latency", aggregations: PERCENTILES }),
    queryMetrics(experimentId, range, { view_type: "ASSESSMENTS", metric_name: "assessment_count", aggregations: [{ aggregation_type: "COUNT" }], dimensions: ["assessment_name", "assessment_value"] }),
  ]);
  return { range, seconds, counts, latency, tokens, overallLatency, assessments };
}

const colored = (series: OverviewSeries[], color: (s: OverviewSeries, i: number) => string): LineSeries[] => series.map((s, i) => ({ ...s, color: color(s, i) }));

/** A stored assessment value is JSON text: a string shows without its quotes. */
function valueLabel(v: string): string {
  try {
    const parsed: unknown = JSON.parse(v);
    return typeof parsed === "string" ? parsed : v;
  } catch {
    return v;
  }
}

function intervalLabel(seconds: number): string {
  if (seconds % 86_400 === 0) return seconds === 86_400 ? "day" : `${seconds / 86_400} days`;
  if (seconds % 3600 === 0) return seconds === 3600 ? "hour" : `${seconds / 3600} hours`;
  return `${seconds / 60} min`;
}

export default function TraceOverview({ experimentId, refreshTick = 0 }: { experimentId: string; refreshTick?: number }) {
  const q = route.value.query;
  const open = q.get("overview") !== "hidden";
  const rangeKey = RANGES.some(([k]) => k === q.get("range")) ? q.get("range")! : "all";
  const days = RANGES.find(([k]) => k === rangeKey)![2];
  const res = useAsync(() => (open ? loadOverview(experimentId, days) : Promise.resolve(undefined)), [experimentId, days, open, refreshTick]);
  const data = res.data;

  const charts = useMemo(() => {
    if (!data) return null;
    const buckets = bucketStarts(data.range.startMs, data.range.endMs, data.seconds);
    return {
      counts: colored(seriesByBucket(data.counts, buckets, "COUNT", { dimension: "trace_status", fill: 0 }), (s, i) => STATE_COLORS[s.id] ?? LINE_COLORS[i % LINE_COLORS.length]!),
      latency: colored(
        seriesByBucket(data.latency, buckets, "P50.0", { fill: null, label: () => "p50" }).concat(seriesByBucket(data.latency, buckets, "P95.0", { fill: null, label: () => "p95" })),
        (_s, i) => LINE_COLORS[i]!,
      ),
      tokens: colored(seriesByBucket(data.tokens, buckets, "SUM", { fill: 0, label: () => "tokens" }), () => LINE_COLORS[2]!),
    };
  }, [data]);

  const byState = data ? totalsBy(data.counts, "trace_status", "COUNT") : new Map<string, number>();
  const total = [...byState.values()].reduce((a, b) => a + b, 0);
  const errors = byState.get("ERROR") ?? 0;
  const tokens = data ? data.tokens.reduce((sum, p) => sum + (Number(p.values?.SUM) || 0), 0) : 0;
  const p50 = data ? single(data.overallLatency, "P50.0") : null;
  const p95 = data ? single(data.overallLatency, "P95.0") : null;
  const summaries = data ? assessmentSummaries(data.assessments) : [];

  return (
    <section class="card trace-overview" data-testid="trace-overview" aria-label="Traces overview">
      <div class="toolbar">
        <h2 class="grow">Overview</h2>
        {open && (
          <div class="segmented" role="group" aria-label="Time range">
            {RANGES.map(([key, label]) => (
              <button key={key} type="button" class={key === rangeKey ? "on" : ""} aria-pressed={key === rangeKey} onClick={() => setQuery({ range: key === "all" ? undefined : key })}>
                {label}
              </button>
            ))}
          </div>
        )}
        <button type="button" class="ghost" aria-expanded={open} onClick={() => setQuery({ overview: open ? "hidden" : undefined })}>
          {open ? "Hide" : "Show overview"}
        </button>
      </div>
      {open && (
        <>
          <ErrorBox error={res.error} title="Could not load the traces overview." />
          {res.loading && !data && <Spinner label="Loading the overview…" />}
          {data === null && <p class="muted small-text">No traces yet.</p>}
          {data && charts && (
            <>
              <dl class="overview-stats">
                <div>
                  <dt>Traces</dt>
                  <dd data-stat="traces">{total.toLocaleString("en-US")}</dd>
                </div>
                <div>
                  <dt>Errors</dt>
                  <dd data-stat="errors">
                    {errors.toLocaleString("en-US")}
                    {total > 0 && <span class="muted"> ({Math.round((errors / total) * 1000) / 10}%)</span>}
                  </dd>
                </div>
                <div>
                  <dt>Latency p50 / p95</dt>
                  <dd data-stat="latency">
                    {p50 === null ? "—" : formatLatency(p50)} / {p95 === null ? "—" : formatLatency(p95)}
                  </dd>
                </div>
                <div>
                  <dt>Tokens</dt>
                  <dd data-stat="tokens">{tokens.toLocaleString("en-US")}</dd>
                </div>
              </dl>
              <p class="muted small-text">
                Per {intervalLabel(data.seconds)}, {new Date(data.range.startMs).toLocaleString()} – {new Date(data.range.endMs).toLocaleString()}.
              </p>
              <div class="overview-charts">
                {[
                  ["Traces", "traces", charts.counts],
                  ["Latency (ms)", "latency", charts.latency],
                  ["Tokens", "tokens", charts.tokens],
                ].map(([title, id, series]) => (
                  <figure key={id as string} class="overview-chart" data-chart={id as string}>
                    <figcaption>{title as string}</figcaption>
                    <LineChart series={series as LineSeries[]} axis="wall" log={false} height={160} />
                  </figure>
                ))}
              </div>
              {summaries.length > 0 && (
                <table class="table overview-assessments" data-testid="overview-assessments">
                  <thead>
                    <tr>
                      <th>Assessment</th>
                      <th class="num">Count</th>
                      <th>Values</th>
                    </tr>
                  </thead>
                  <tbody>
                    {summaries.map((a) => (
                      <tr key={a.name} data-assessment={a.name}>
                        <th scope="row">{a.name}</th>
                        <td class="num mono">{a.count}</td>
                        <td class="mono small-text">{a.values.slice(0, 6).map(([v, n]) => `${valueLabel(v)} × ${n}`).join(", ")}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </>
          )}
        </>
      )}
    </section>
  );
}
