/**
 * Compare-page plots over runs' latest metrics and params: a scatter plot (any two keys) and
 * parallel coordinates (chosen keys). SVG is fine here: one mark per run, and it themes via CSS.
 */
import { useState } from "preact/hooks";
import { PALETTE } from "../chart-data";
import { formatValue } from "../format";
import { runName } from "../runs-model";
import type { Run } from "../types";

export interface Dimension {
  id: string;
  label: string;
  value: (r: Run) => number | undefined;
}

/** Numeric dimensions: every metric, and params whose values all parse as numbers. */
export function numericDimensions(runs: Run[]): Dimension[] {
  const dims: Dimension[] = [];
  const metricKeys = [...new Set(runs.flatMap((r) => (r.data?.metrics ?? []).map((m) => m.key)))].sort();
  for (const k of metricKeys) {
    dims.push({ id: `m:${k}`, label: k, value: (r) => toNumber(r.data?.metrics?.find((m) => m.key === k)?.value) });
  }
  const paramKeys = [...new Set(runs.flatMap((r) => (r.data?.params ?? []).map((p) => p.key)))].sort();
  for (const k of paramKeys) {
    const values = runs.map((r) => r.data?.params?.find((p) => p.key === k)?.value).filter((v) => v !== undefined);
    if (values.length && values.every((v) => v !== "" && Number.isFinite(Number(v)))) {
      dims.push({ id: `p:${k}`, label: `param ${k}`, value: (r) => toNumber(r.data?.params?.find((p) => p.key === k)?.value) });
    }
  }
  return dims;
}

function toNumber(v: unknown): number | undefined {
  if (v === undefined || v === null || v === "") return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

function extent(values: number[]): [number, number] {
  if (values.length === 0) return [0, 1];
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (lo === hi) (lo -= 1), (hi += 1);
  return [lo, hi];
}

function padded([lo, hi]: [number, number]): [number, number] {
  const m = (hi - lo) * 0.06;
  return [lo - m, hi + m];
}

const W = 560;
const H = 320;
const PAD = { l: 64, r: 16, t: 16, b: 40 };

export function ScatterPlot({ runs, dims }: { runs: Run[]; dims: Dimension[] }) {
  const [xId, setX] = useState(dims.find((d) => d.id.startsWith("p:"))?.id ?? dims[0]?.id);
  const [yId, setY] = useState(dims.find((d) => d.id.startsWith("m:"))?.id ?? dims[1]?.id ?? dims[0]?.id);
  const xd = dims.find((d) => d.id === xId);
  const yd = dims.find((d) => d.id === yId);
  if (!xd || !yd) return <p class="muted">No numeric metrics or params to plot.</p>;
  const points = runs.map((r, i) => ({ r, i, x: xd.value(r), y: yd.value(r) })).filter((p): p is typeof p & { x: number; y: number } => p.x !== undefined && p.y !== undefined);
  // Padded so marks at the extremes are not cut by the axes.
  const [x0, x1] = padded(extent(points.map((p) => p.x)));
  const [y0, y1] = padded(extent(points.map((p) => p.y)));
  const sx = (x: number) => PAD.l + ((x - x0) / (x1 - x0)) * (W - PAD.l - PAD.r);
  const sy = (y: number) => H - PAD.b - ((y - y0) / (y1 - y0)) * (H - PAD.t - PAD.b);
  const select = (value: string, set: (v: string) => void, label: string) => (
    <select aria-label={label} value={value} onChange={(e) => set(e.currentTarget.value)}>
      {dims.map((d) => (
        <option key={d.id} value={d.id}>
          {d.label}
        </option>
      ))}
    </select>
  );
  return (
    <div class="card run-plot" data-testid="scatter">
      <div class="card-head">
        <h3>Scatter</h3>
        <label>X {select(xd.id, setX, "Scatter X")}</label>
        <label>Y {select(yd.id, setY, "Scatter Y")}</label>
      </div>
      <svg viewBox={`0 0 ${W} ${H}`} class="plot-svg">
        <Axis x0={PAD.l} y0={H - PAD.b} x1={W - PAD.r} y1={PAD.t} />
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <text x={sx(x0 + f * (x1 - x0))} y={H - PAD.b + 16} text-anchor="middle" class="tick">
              {formatValue(x0 + f * (x1 - x0))}
            </text>
            <text x={PAD.l - 6} y={sy(y0 + f * (y1 - y0)) + 4} text-anchor="end" class="tick">
              {formatValue(y0 + f * (y1 - y0))}
            </text>
          </g>
        ))}
        <text x={(W + PAD.l) / 2} y={H - 6} text-anchor="middle" class="axis-label">
          {xd.label}
        </text>
        {points.map((p) => (
          <circle key={p.r.info.run_id} cx={sx(p.x)} cy={sy(p.y)} r={6} fill={PALETTE[p.i % PALETTE.length]} fill-opacity={0.85}>
            <title>{`${runName(p.r)}\n${xd.label}: ${formatValue(p.x)}\n${yd.label}: ${formatValue(p.y)}`}</title>
          </circle>
        ))}
      </svg>
    </div>
  );
}

function Axis({ x0, y0, x1, y1 }: { x0: number; y0: number; x1: number; y1: number }) {
  return <path d={`M${x0},${y1} L${x0},${y0} L${x1},${y0}`} class="axis" />;
}

export function ParallelCoordinates({ runs, dims }: { runs: Run[]; dims: Dimension[] }) {
  const [chosen, setChosen] = useState(() => dims.slice(0, 6).map((d) => d.id));
  const axes = dims.filter((d) => chosen.includes(d.id));
  const width = Math.max(W, axes.length * 120);
  const step = axes.length > 1 ? (width - 2 * PAD.l) / (axes.length - 1) : 0;
  const scales = axes.map((d) => extent(runs.map((r) => d.value(r)).filter((v): v is number => v !== undefined)));
  const y = (ai: number, v: number) => {
    const [lo, hi] = scales[ai]!;
    return H - PAD.b - ((v - lo) / (hi - lo)) * (H - PAD.t - PAD.b);
  };
  return (
    <div class="card run-plot" data-testid="parallel">
      <div class="card-head">
        <h3>Parallel coordinates</h3>
      </div>
      <div class="metric-picker">
        {dims.map((d) => (
          <button
            key={d.id}
            type="button"
            class={`chip toggle${chosen.includes(d.id) ? " on" : ""}`}
            onClick={() => setChosen(chosen.includes(d.id) ? chosen.filter((c) => c !== d.id) : [...chosen, d.id])}
          >
            {d.label}
          </button>
        ))}
      </div>
      {axes.length < 2 ? (
        <p class="muted">Choose at least two dimensions.</p>
      ) : (
        <svg viewBox={`0 0 ${width} ${H}`} class="plot-svg">
          {axes.map((d, ai) => (
            <g key={d.id}>
              <line x1={PAD.l + ai * step} x2={PAD.l + ai * step} y1={PAD.t} y2={H - PAD.b} class="axis" />
              <text x={PAD.l + ai * step} y={H - PAD.b + 16} text-anchor="middle" class="axis-label">
                {d.label}
              </text>
              <text x={PAD.l + ai * step + 4} y={PAD.t + 10} class="tick">
                {formatValue(scales[ai]![1])}
              </text>
              <text x={PAD.l + ai * step + 4} y={H - PAD.b - 4} class="tick">
                {formatValue(scales[ai]![0])}
              </text>
            </g>
          ))}
          {runs.map((r, i) => {
            const pts = axes.map((d, ai) => {
              const v = d.value(r);
              return v === undefined ? null : `${PAD.l + ai * step},${y(ai, v)}`;
            });
            if (pts.some((p) => p === null)) return null;
            return (
              <polyline key={r.info.run_id} points={pts.join(" ")} fill="none" stroke={PALETTE[i % PALETTE.length]} stroke-width={2} stroke-opacity={0.85}>
                <title>{runName(r)}</title>
              </polyline>
            );
          })}
        </svg>
      )}
    </div>
  );
}
