/**
 * Metric charts (uPlot on canvas): one card per metric or all metrics overlaid, for one or many
 * runs; step / wall-time / relative-time x-axis, smoothing and log scale, all kept in the URL.
 * Cards fetch only once scrolled into view; zooming on the step axis refetches that step range.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { align, fetchHistory, PALETTE, toSeries, type History, type XAxis } from "../chart-data";
import { formatValue } from "../format";
import { route, setQuery } from "../router";
import { runName } from "../runs-model";
import { cssVar, themeVersion } from "../theme";
import type { Run } from "../types";
import { ErrorBox, Spinner } from "./common";

interface Props {
  runs: Run[];
  metricKeys: string[];
  /** Changes when new metric values are known to exist (live runs): cards refetch. */
  version?: string;
}

interface Settings {
  axis: XAxis;
  smoothing: number;
  log: boolean;
}

const MAX_DEFAULT_CARDS = 12;

export default function MetricCharts({ runs, metricKeys, version }: Props) {
  const q = route.value.query;
  const listed = q.get("metrics");
  const chosen = listed === null ? metricKeys.slice(0, MAX_DEFAULT_CARDS) : listed.split(",").filter(Boolean).map(decodeURIComponent);
  const axis = (["step", "wall", "relative"].includes(q.get("x") ?? "") ? q.get("x") : "step") as XAxis;
  const smoothing = Math.min(Math.max(Number(q.get("smooth") ?? 0) || 0, 0), 0.99);
  const log = q.get("log") === "1";
  const overlay = q.get("overlay") === "1";
  const settings: Settings = { axis, smoothing, log };
  const toggleKey = (k: string) => {
    const next = chosen.includes(k) ? chosen.filter((c) => c !== k) : [...chosen, k];
    setQuery({ metrics: next.map(encodeURIComponent).join(",") });
  };

  if (metricKeys.length === 0) return <p class="empty">No metrics logged.</p>;
  return (
    <div class="charts">
      <div class="toolbar chart-controls">
        <label>
          X axis{" "}
          <select value={axis} onChange={(e) => setQuery({ x: e.currentTarget.value === "step" ? undefined : e.currentTarget.value })}>
            <option value="step">Step</option>
            <option value="wall">Wall time</option>
            <option value="relative">Relative time</option>
          </select>
        </label>
        <label class="smoothing">
          Smoothing{" "}
          <input
            type="range"
            min="0"
            max="0.99"
            step="0.01"
            value={smoothing}
            onInput={(e) => setQuery({ smooth: e.currentTarget.value === "0" ? undefined : e.currentTarget.value })}
          />
          <span class="mono">{smoothing.toFixed(2)}</span>
        </label>
        <label class="check">
          <input type="checkbox" checked={log} onChange={() => setQuery({ log: log ? undefined : "1" })} /> Log scale
        </label>
        <label class="check">
          <input type="checkbox" checked={overlay} onChange={() => setQuery({ overlay: overlay ? undefined : "1" })} /> One chart for all metrics
        </label>
      </div>
      <div class="metric-picker" aria-label="Metrics to chart">
        {metricKeys.map((k) => (
          <button key={k} type="button" class={`chip toggle${chosen.includes(k) ? " on" : ""}`} onClick={() => toggleKey(k)} aria-pressed={chosen.includes(k)}>
            {k}
          </button>
        ))}
      </div>
      <div class={`chart-grid${overlay ? " single" : ""}`}>
        {overlay ? (
          chosen.length > 0 && <ChartCard keys={chosen} runs={runs} settings={settings} version={version} />
        ) : (
          chosen.map((k) => <ChartCard key={k} keys={[k]} runs={runs} settings={settings} version={version} />)
        )}
      </div>
    </div>
  );
}

function useInView(ref: { current: Element | null }): boolean {
  const [seen, setSeen] = useState(false);
  useEffect(() => {
    if (!ref.current || seen) return;
    const io = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && setSeen(true), { rootMargin: "200px" });
    io.observe(ref.current);
    return () => io.disconnect();
  }, [seen]);
  return seen;
}

function ChartCard({ keys, runs, settings, version }: { keys: string[]; runs: Run[]; settings: Settings; version?: string }) {
  const boxRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const visible = useInView(boxRef);
  const [data, setData] = useState<Map<string, History> | undefined>();
  const [error, setError] = useState<unknown>();
  const [zoomed, setZoomed] = useState(false);
  const runIds = runs.map((r) => r.info.run_id);

  useEffect(() => {
    if (!visible) return;
    let live = true;
    Promise.all(keys.map(async (k) => [k, await fetchHistory(k, runIds)] as const)).then(
      (entries) => live && (setData(new Map(entries)), setError(undefined)),
      (e) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [visible, keys.join("\n"), runIds.join(","), version]);

  const build = (histories: Map<string, History>) => {
    const specs: { label: string; xs: number[]; ys: (number | null)[] }[] = [];
    for (const k of keys) {
      for (const run of runs) {
        const points = histories.get(k)?.get(run.info.run_id);
        if (!points?.length) continue;
        const label = runs.length > 1 ? (keys.length > 1 ? `${runName(run)} · ${k}` : runName(run)) : k;
        specs.push({ label, ...toSeries(points, run, settings.axis, settings.smoothing, settings.log) });
      }
    }
    return { specs, aligned: align(specs) };
  };

  useEffect(() => {
    const el = plotRef.current;
    if (!el || !data) return;
    const { specs, aligned } = build(data);
    chart.current?.destroy();
    chart.current = null;
    if (specs.length === 0) return;
    const fg = cssVar("--fg-muted") || "#666";
    const grid = cssVar("--border") || "#ddd";
    const axisStyle = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    const fewPoints = aligned[0].length < 60;
    const opts: uPlot.Options = {
      width: Math.max(el.clientWidth, 200),
      height: 240,
      // A legend row per series stops being readable past a dozen runs; hovering still works.
      legend: { show: specs.length <= 12 },
      scales: { x: { time: settings.axis === "wall" }, y: { distr: settings.log ? 3 : 1 } },
      axes: [
        { ...axisStyle, label: settings.axis === "step" ? "step" : settings.axis === "relative" ? "seconds" : undefined },
        { ...axisStyle, size: 60, values: (_u, ticks) => ticks.map((t) => formatValue(t)) },
      ],
      series: [
        { label: settings.axis === "step" ? "step" : "time" },
        ...specs.map((s, i) => ({
          label: s.label,
          stroke: PALETTE[i % PALETTE.length],
          width: 1.5,
          spanGaps: true,
          points: { show: fewPoints },
          value: (_u: uPlot, v: number | null) => (v === null ? "—" : formatValue(v)),
        })),
      ],
      cursor: {
        drag: { x: true, y: false },
        bind: {
          dblclick: () => () => {
            reset();
            return null;
          },
        },
      },
      hooks: {
        setSelect: [
          (u) => {
            if (u.select.width < 5) return;
            const min = u.posToVal(u.select.left, "x");
            const max = u.posToVal(u.select.left + u.select.width, "x");
            setZoomed(true);
            if (settings.axis === "step") void refine(min, max);
          },
        ],
      },
    };
    chart.current = new uPlot(opts, aligned as uPlot.AlignedData, el);
    const ro = new ResizeObserver(() => chart.current?.setSize({ width: Math.max(el.clientWidth, 200), height: 240 }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      chart.current?.destroy();
      chart.current = null;
    };
  }, [data, settings.axis, settings.smoothing, settings.log, themeVersion.value]);

  /** Zoomed into a step range: fetch that range at full sampling density and keep the view. */
  const refine = async (min: number, max: number) => {
    try {
      const detail = new Map(await Promise.all(keys.map(async (k) => [k, await fetchHistory(k, runIds, [min, max])] as const)));
      const u = chart.current;
      if (!u) return;
      const { aligned } = build(detail);
      u.setData(aligned as uPlot.AlignedData, false);
      u.setScale("x", { min, max });
    } catch (e) {
      setError(e);
    }
  };

  const reset = () => {
    setZoomed(false);
    setData((d) => (d ? new Map(d) : d));
  };

  return (
    <div class="card chart-card" ref={boxRef} data-metric={keys.join(",")}>
      <div class="card-head">
        <h3 class="mono">{keys.join(", ")}</h3>
        {zoomed && (
          <button type="button" class="small" onClick={reset}>
            Reset zoom
          </button>
        )}
      </div>
      <ErrorBox error={error} title="Could not load metric history." />
      {!data && !error && <Spinner />}
      {data && ![...data.values()].some((h) => h.size > 0) && <p class="muted">No history.</p>}
      <div class="plot" ref={plotRef} />
    </div>
  );
}
