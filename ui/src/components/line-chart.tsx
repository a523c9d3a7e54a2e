/**
 * One uPlot line chart with what makes many runs readable: a tooltip that names the series under
 * the cursor (the nearest line, highlighted) with its value, and a compact legend that wraps and
 * scrolls instead of uPlot's one-row-per-series table; hovering a legend entry highlights its line.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { align, type XAxis } from "../chart-data";
import { formatValue } from "../format";
import { cssVar, themeVersion } from "../theme";

export interface LineSeries {
  id: string;
  label: string;
  color: string;
  xs: number[];
  ys: (number | null)[];
}

interface Props {
  series: LineSeries[];
  axis: XAxis;
  log: boolean;
  height?: number;
  /** Called with the x range the user dragged over (step axis: the card refetches that range). */
  onZoom?: (min: number, max: number) => void;
  /** Replaces the drawn data without rebuilding the chart (refined zoom data). */
  zoomData?: { series: LineSeries[]; range: [number, number] } | undefined;
  onResetZoom?: () => void;
}

interface Hover {
  left: number;
  top: number;
  x: number;
  label: string;
  color: string;
  value: number;
}

export function LineChart({ series, axis, log, height = 240, onZoom, zoomData, onResetZoom }: Props) {
  const plotRef = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const [hover, setHover] = useState<Hover | null>(null);
  const [focused, setFocused] = useState<number | null>(null);
  const callbacks = useRef({ onZoom, onResetZoom });
  callbacks.current = { onZoom, onResetZoom };

  useEffect(() => {
    const el = plotRef.current;
    if (!el) return;
    chart.current?.destroy();
    chart.current = null;
    if (series.length === 0) return;
    const aligned = align(series);
    const fg = cssVar("--fg-muted") || "#666";
    const grid = cssVar("--border") || "#ddd";
    const axisStyle = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    const fewPoints = aligned[0].length < 60;
    const xAxis: uPlot.Axis = { ...axisStyle };
    if (axis === "step") xAxis.label = "step";
    else if (axis === "relative") xAxis.label = "seconds";
    let hoverIdx = -1;
    const opts: uPlot.Options = {
      width: Math.max(el.clientWidth, 200),
      height,
      legend: { show: false },
      focus: { alpha: 0.25 },
      scales: { x: { time: axis === "wall" }, y: { distr: log ? 3 : 1 } },
      axes: [xAxis, { ...axisStyle, size: 60, values: (_u, ticks) => ticks.map((t) => formatValue(t)) }],
      series: [
        { label: axis === "step" ? "step" : "time" },
        // Many lines: 1 px, which the canvas draws as hairlines (several times cheaper to rasterise than 1.5 px).
        ...series.map((s) => ({ label: s.label, stroke: s.color, width: series.length > 10 ? 1 : 1.5, spanGaps: true, points: { show: fewPoints, size: 5 } })),
      ],
      cursor: {
        // uPlot's per-series cursor dots: one element per line, moved on every pointer move; with
        // many lines the tooltip names the nearest one instead (100 runs × 10 cards: 1,000 elements).
        points: { show: series.length <= 10 },
        drag: { x: true, y: false },
        focus: { prox: 24 },
        bind: {
          dblclick: () => () => {
            callbacks.current.onResetZoom?.();
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
            callbacks.current.onZoom?.(min, max);
          },
        ],
        setSeries: [
          (_u, idx) => {
            hoverIdx = idx ?? -1;
            setFocused(idx ?? null);
          },
        ],
        setCursor: [
          (u) => {
            const i = u.cursor.idx;
            if (i === null || i === undefined || u.cursor.left === undefined || u.cursor.left < 0) {
              setHover(null);
              return;
            }
            // The focused series if any, else the one whose value is nearest the pointer.
            let best = hoverIdx > 0 ? hoverIdx : -1;
            if (best < 0) {
              let bestDist = Infinity;
              for (let s = 1; s < u.data.length; s++) {
                const v = u.data[s]![i];
                if (v === null || v === undefined) continue;
                const d = Math.abs(u.valToPos(v, "y") - (u.cursor.top ?? 0));
                if (d < bestDist) (bestDist = d), (best = s);
              }
            }
            const v = best > 0 ? u.data[best]![i] : null;
            const spec = best > 0 ? series[best - 1] : undefined;
            if (v === null || v === undefined || !spec) {
              setHover(null);
              return;
            }
            setHover({ left: u.cursor.left, top: u.valToPos(v, "y"), x: u.data[0][i]!, label: spec.label, color: spec.color, value: v });
          },
        ],
      },
    };
    chart.current = new uPlot(opts, aligned as uPlot.AlignedData, el);
    const ro = new ResizeObserver(() => chart.current?.setSize({ width: Math.max(el.clientWidth, 200), height }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      chart.current?.destroy();
      chart.current = null;
    };
  }, [series, axis, log, height, themeVersion.value]);

  useEffect(() => {
    const u = chart.current;
    if (!u || !zoomData) return;
    u.setData(align(zoomData.series) as uPlot.AlignedData, false);
    u.setScale("x", { min: zoomData.range[0], max: zoomData.range[1] });
  }, [zoomData]);

  const highlight = (i: number | null) => chart.current?.setSeries(i === null ? null : i + 1, { focus: true });
  return (
    <div class="line-chart">
      <div class="plot" ref={plotRef} onMouseLeave={() => setHover(null)}>
        {hover && (
          <div
            class="chart-tooltip"
            role="tooltip"
            style={{ left: `${Math.min(hover.left + 12, (plotRef.current?.clientWidth ?? 400) - 180)}px`, top: `${Math.max(hover.top - 10, 0)}px` }}
          >
            <span class="swatch" style={{ background: hover.color }} />
            <strong class="tooltip-label">{hover.label}</strong>
            <div class="mono">
              {formatValue(hover.value)} <span class="muted">at {axis === "step" ? `step ${hover.x}` : axis === "wall" ? new Date(hover.x * 1000).toLocaleString() : `${formatValue(hover.x)} s`}</span>
            </div>
          </div>
        )}
      </div>
      {series.length > 1 && (
        <ul class="chart-legend" aria-label="Legend">
          {series.map((s, i) => (
            <li key={s.id} class={focused !== null && focused !== i + 1 ? "dim" : ""} onMouseEnter={() => highlight(i)} onMouseLeave={() => highlight(null)} title={s.label}>
              <span class="swatch" style={{ background: s.color }} />
              <span class="legend-label">{s.label}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
