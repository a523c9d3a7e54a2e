/**
 * Metric charts of one run or a few compared runs (uPlot on canvas): one card per metric or all
 * metrics overlaid; step / wall-time / relative-time x-axis, smoothing and log scale, all kept in the URL.
 * Cards fetch only once scrolled into view; zooming on the step axis refetches that step range.
 */
import type { XAxis } from "../chart-data";
import { route, setQuery } from "../router";
import type { Run } from "../types";
import { MetricCard, type ChartSettings } from "./metric-card";

interface Props {
  runs: Run[];
  metricKeys: string[];
  /** System metrics default to a wall-time axis, as their steps mean little. */
  defaultAxis?: XAxis;
  /** Changes when new metric values are known to exist (live runs): cards refetch. */
  version?: string;
}


const MAX_DEFAULT_CARDS = 12;

export default function MetricCharts({ runs, metricKeys, version, defaultAxis = "step" }: Props) {
  const q = route.value.query;
  const listed = q.get("metrics");
  const chosen = listed === null ? metricKeys.slice(0, MAX_DEFAULT_CARDS) : listed.split(",").filter(Boolean).map(decodeURIComponent);
  const axis = (["step", "wall", "relative"].includes(q.get("x") ?? "") ? q.get("x") : defaultAxis) as XAxis;
  const smoothing = Math.min(Math.max(Number(q.get("smooth") ?? 0) || 0, 0), 0.99);
  const log = q.get("log") === "1";
  const overlay = q.get("overlay") === "1";
  const settings: ChartSettings = { axis, smoothing, log };
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
          <select value={axis} onChange={(e) => setQuery({ x: e.currentTarget.value === defaultAxis ? undefined : e.currentTarget.value })}>
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
          chosen.length > 0 && <MetricCard keys={chosen} runs={runs} settings={settings} version={version} />
        ) : (
          chosen.map((k) => <MetricCard key={k} keys={[k]} runs={runs} settings={settings} version={version} />)
        )}
      </div>
    </div>
  );
}
