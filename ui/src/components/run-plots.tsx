/**
 * Compare-page plots over runs' latest metrics and params: scatter, parallel coordinates (numeric
 * and categorical axes), box plot (a metric grouped by a param) and contour (z over x/y). SVG: one
 * mark per run, themed by CSS, each run in its table colour.
 */
import { useState } from "preact/hooks";
import { runColor } from "../colors";
import { formatValue } from "../format";
import { runName } from "../runs-model";
import type { Run } from "../types";

export interface Dimension {
  id: string;
  label: string;
  /** Categorical dimensions (e.g. optimizer = adam/sgd) map each value to an evenly spaced slot. */
  kind: "num" | "cat";
  categories: string[];
  raw: (r: Run) => string | undefined;
  value: (r: Run) => number | undefined;
}

function toNumber(v: unknown): number | undefined {
  if (v === undefined || v === null || v === "") return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** Every metric (numeric) and every param: numeric when all its values parse, else categorical. */
export function dimensions(runs: Run[]): Dimension[] {
  const dims: Dimension[] = [];
  const metricKeys = [...new Set(runs.flatMap((r) => (r.data?.metrics ?? []).map((m) => m.key)))].sort();
  for (const k of metricKeys) {
    const raw = (r: Run) => {
      const v = r.data?.metrics?.find((m) => m.key === k)?.value;
      return v === undefined ? undefined : String(v);
    };
    dims.push({ id: `m:${k}`, label: k, kind: "num", categories: [], raw, value: (r) => toNumber(raw(r)) });
  }
  const paramKeys = [...new Set(runs.flatMap((r) => (r.data?.params ?? []).map((p) => p.key)))].sort();
  for (const k of paramKeys) {
    const raw = (r: Run) => r.data?.params?.find((p) => p.key === k)?.value;
    const values = runs.map(raw).filter((v): v is string => v !== undefined);
    if (values.length === 0) continue;
    if (values.every((v) => v !== "" && Number.isFinite(Number(v)))) {
      dims.push({ id: `p:${k}`, label: `param ${k}`, kind: "num", categories: [], raw, value: (r) => toNumber(raw(r)) });
    } else {
      const categories = [...new Set(values)].sort();
      dims.push({ id: `p:${k}`, label: `param ${k}`, kind: "cat", categories, raw, value: (r) => {
        const v = raw(r);
        return v === undefined ? undefined : categories.indexOf(v);
      } });
    }
  }
  return dims;
}

/** Kept for callers that only want numbers (scatter, contour). */
export function numericDimensions(runs: Run[]): Dimension[] {
  return dimensions(runs).filter((d) => d.kind === "num");
}

/**
 * The range an axis maps to pixels. Categorical: one slot per category. A constant numeric axis
 * gets a range centred on its one value, so that value (not −0.99 … 1.01) is what the axis shows.
 */
export interface Scale {
  lo: number;
  hi: number;
  constant: boolean;
}

export function scaleOf(d: Dimension, runs: Run[]): Scale {
  if (d.kind === "cat") return { lo: -0.5, hi: Math.max(d.categories.length - 0.5, 0.5), constant: d.categories.length === 1 };
  const values = runs.map((r) => d.value(r)).filter((v): v is number => v !== undefined);
  if (values.length === 0) return { lo: 0, hi: 1, constant: false };
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  if (lo === hi) {
    const pad = Math.abs(lo) * 0.1 || 1;
    return { lo: lo - pad, hi: hi + pad, constant: true };
  }
  return { lo, hi, constant: false };
}

/** Tick labels: categories by name; a constant axis its one value; else min, middle, max. */
function ticks(d: Dimension, s: Scale): { at: number; label: string }[] {
  if (d.kind === "cat") return d.categories.map((c, i) => ({ at: i, label: c }));
  if (s.constant) return [{ at: (s.lo + s.hi) / 2, label: formatValue((s.lo + s.hi) / 2) }];
  return [0, 0.5, 1].map((f) => ({ at: s.lo + f * (s.hi - s.lo), label: formatValue(s.lo + f * (s.hi - s.lo)) }));
}

const W = 560;
const H = 340;
const PAD = { l: 64, r: 16, t: 16, b: 40 };

function DimSelect({ dims, value, onChange, label }: { dims: Dimension[]; value: string; onChange: (v: string) => void; label: string }) {
  return (
    <select aria-label={label} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
      {dims.map((d) => (
        <option key={d.id} value={d.id}>
          {d.label}
        </option>
      ))}
    </select>
  );
}

function padded(s: Scale): Scale {
  const m = (s.hi - s.lo) * 0.06;
  return { ...s, lo: s.lo - m, hi: s.hi + m };
}

export function ScatterPlot({ runs, dims }: { runs: Run[]; dims: Dimension[] }) {
  const [xId, setX] = useState(dims.find((d) => d.id.startsWith("p:"))?.id ?? dims[0]?.id ?? "");
  const [yId, setY] = useState(dims.find((d) => d.id.startsWith("m:"))?.id ?? dims[1]?.id ?? dims[0]?.id ?? "");
  const xd = dims.find((d) => d.id === xId);
  const yd = dims.find((d) => d.id === yId);
  if (!xd || !yd) return <p class="muted">No metrics or params to plot.</p>;
  const points = runs.map((r) => ({ r, x: xd.value(r), y: yd.value(r) })).filter((p): p is { r: Run; x: number; y: number } => p.x !== undefined && p.y !== undefined);
  const xs = padded(scaleOf(xd, runs));
  const ys = padded(scaleOf(yd, runs));
  const sx = (x: number) => PAD.l + ((x - xs.lo) / (xs.hi - xs.lo)) * (W - PAD.l - PAD.r);
  const sy = (y: number) => H - PAD.b - ((y - ys.lo) / (ys.hi - ys.lo)) * (H - PAD.t - PAD.b);
  return (
    <div class="card run-plot" data-testid="scatter">
      <div class="card-head">
        <h3>Scatter</h3>
        <label>X <DimSelect dims={dims} value={xd.id} onChange={setX} label="Scatter X" /></label>
        <label>Y <DimSelect dims={dims} value={yd.id} onChange={setY} label="Scatter Y" /></label>
      </div>
      <svg viewBox={`0 0 ${W} ${H}`} class="plot-svg" role="img" aria-label={`Scatter of ${yd.label} against ${xd.label}`}>
        <path d={`M${PAD.l},${PAD.t} L${PAD.l},${H - PAD.b} L${W - PAD.r},${H - PAD.b}`} class="axis" />
        {ticks(xd, scaleOf(xd, runs)).map((t) => (
          <text key={`x${t.at}`} x={sx(t.at)} y={H - PAD.b + 16} text-anchor="middle" class="tick">
            {t.label}
          </text>
        ))}
        {ticks(yd, scaleOf(yd, runs)).map((t) => (
          <text key={`y${t.at}`} x={PAD.l - 6} y={sy(t.at) + 4} text-anchor="end" class="tick">
            {t.label}
          </text>
        ))}
        <text x={(W + PAD.l) / 2} y={H - 6} text-anchor="middle" class="axis-label">
          {xd.label}
        </text>
        {points.map((p) => (
          <circle key={p.r.info.run_id} cx={sx(p.x)} cy={sy(p.y)} r={6} fill={runColor(p.r)} fill-opacity={0.85}>
            <title>{`${runName(p.r)}\n${xd.label}: ${xd.raw(p.r)}\n${yd.label}: ${yd.raw(p.r)}`}</title>
          </circle>
        ))}
      </svg>
    </div>
  );
}

/** Axis labels sit in a band above the plot area, so polylines never cross them. */
const PC = { t: 44, b: 24, side: 70 };

export function ParallelCoordinates({ runs, dims }: { runs: Run[]; dims: Dimension[] }) {
  const [chosen, setChosen] = useState(() => {
    const params = dims.filter((d) => d.id.startsWith("p:")).slice(0, 4);
    const metrics = dims.filter((d) => d.id.startsWith("m:")).slice(0, 3);
    return [...params, ...metrics].map((d) => d.id);
  });
  const axes = chosen.map((id) => dims.find((d) => d.id === id)).filter((d): d is Dimension => d !== undefined);
  const width = Math.max(W, axes.length * 130);
  const step = axes.length > 1 ? (width - 2 * PC.side) / (axes.length - 1) : 0;
  const scales = axes.map((d) => scaleOf(d, runs));
  const y = (ai: number, v: number) => {
    const s = scales[ai]!;
    return H - PC.b - ((v - s.lo) / (s.hi - s.lo)) * (H - PC.t - PC.b);
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
            aria-pressed={chosen.includes(d.id)}
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
        <svg viewBox={`0 0 ${width} ${H}`} class="plot-svg" role="img" aria-label="Parallel coordinates">
          {runs.map((r) => {
            const pts = axes.map((d, ai) => {
              const v = d.value(r);
              return v === undefined ? null : `${PC.side + ai * step},${y(ai, v)}`;
            });
            if (pts.some((p) => p === null)) return null;
            return (
              <polyline key={r.info.run_id} class="pc-line" points={pts.join(" ")} fill="none" stroke={runColor(r)} stroke-width={2} stroke-opacity={0.85}>
                <title>{`${runName(r)}\n${axes.map((d) => `${d.label}: ${d.raw(r) ?? "—"}`).join("\n")}`}</title>
              </polyline>
            );
          })}
          {axes.map((d, ai) => {
            const x = PC.side + ai * step;
            return (
              <g key={d.id} class="pc-axis" data-axis={d.id}>
                <line x1={x} x2={x} y1={PC.t} y2={H - PC.b} class="axis" />
                <text x={x} y={16} text-anchor="middle" class="axis-label pc-label">
                  {d.label.length > 18 ? `${d.label.slice(0, 17)}…` : d.label}
                  <title>{d.label}</title>
                </text>
                {ticks(d, scales[ai]!).map((t) => (
                  <text key={t.at} x={x - 5} y={y(ai, t.at) + 4} text-anchor="end" class="tick pc-tick">
                    {t.label}
                  </text>
                ))}
              </g>
            );
          })}
        </svg>
      )}
    </div>
  );
}

function quantile(sorted: number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** A metric's distribution per value of a param (or any dimension taken as categories). */
export function BoxPlot({ runs, dims }: { runs: Run[]; dims: Dimension[] }) {
  const groupDims = dims.filter((d) => d.id.startsWith("p:"));
  const valueDims = dims.filter((d) => d.kind === "num");
  const [gId, setG] = useState(groupDims.find((d) => d.kind === "cat")?.id ?? groupDims[0]?.id ?? "");
  const [vId, setV] = useState(valueDims.find((d) => d.id.startsWith("m:"))?.id ?? valueDims[0]?.id ?? "");
  const gd = groupDims.find((d) => d.id === gId);
  const vd = valueDims.find((d) => d.id === vId);
  if (!gd || !vd) return null;
  const groups = new Map<string, { run: Run; v: number }[]>();
  for (const r of runs) {
    const g = gd.raw(r);
    const v = vd.value(r);
    if (g === undefined || v === undefined) continue;
    groups.set(g, [...(groups.get(g) ?? []), { run: r, v }]);
  }
  const names = [...groups.keys()].sort((a, b) => (gd.kind === "num" ? Number(a) - Number(b) : a.localeCompare(b)));
  const all = [...groups.values()].flat().map((p) => p.v);
  const s = padded(all.length ? { lo: Math.min(...all), hi: Math.max(...all), constant: false } : { lo: 0, hi: 1, constant: false });
  if (s.lo === s.hi) (s.lo -= 1), (s.hi += 1);
  const slot = (W - PAD.l - PAD.r) / Math.max(names.length, 1);
  const sy = (v: number) => H - PAD.b - ((v - s.lo) / (s.hi - s.lo)) * (H - PAD.t - PAD.b);
  return (
    <div class="card run-plot" data-testid="box">
      <div class="card-head">
        <h3>Box plot</h3>
        <label>Group by <DimSelect dims={groupDims} value={gd.id} onChange={setG} label="Box plot groups" /></label>
        <label>Value <DimSelect dims={valueDims} value={vd.id} onChange={setV} label="Box plot value" /></label>
      </div>
      <svg viewBox={`0 0 ${W} ${H}`} class="plot-svg" role="img" aria-label={`Box plot of ${vd.label} by ${gd.label}`}>
        <path d={`M${PAD.l},${PAD.t} L${PAD.l},${H - PAD.b} L${W - PAD.r},${H - PAD.b}`} class="axis" />
        {[0, 0.5, 1].map((f) => (
          <text key={f} x={PAD.l - 6} y={sy(s.lo + f * (s.hi - s.lo)) + 4} text-anchor="end" class="tick">
            {formatValue(s.lo + f * (s.hi - s.lo))}
          </text>
        ))}
        {names.map((name, i) => {
          const pts = groups.get(name)!;
          const sorted = pts.map((p) => p.v).sort((a, b) => a - b);
          const cx = PAD.l + slot * (i + 0.5);
          const bw = Math.min(slot * 0.5, 60);
          const [q1, med, q3] = [quantile(sorted, 0.25), quantile(sorted, 0.5), quantile(sorted, 0.75)];
          return (
            <g key={name} class="box" data-group={name}>
              <line x1={cx} x2={cx} y1={sy(sorted[0]!)} y2={sy(sorted[sorted.length - 1]!)} class="axis" />
              <rect x={cx - bw / 2} y={sy(q3)} width={bw} height={Math.max(sy(q1) - sy(q3), 1)} class="box-rect" />
              <line x1={cx - bw / 2} x2={cx + bw / 2} y1={sy(med)} y2={sy(med)} class="box-median" />
              {pts.map((p, j) => (
                <circle key={p.run.info.run_id} cx={cx + ((j % 5) - 2) * 3} cy={sy(p.v)} r={3.5} fill={runColor(p.run)}>
                  <title>{`${runName(p.run)}: ${formatValue(p.v)}`}</title>
                </circle>
              ))}
              <text x={cx} y={H - PAD.b + 16} text-anchor="middle" class="tick">
                {name.length > 14 ? `${name.slice(0, 13)}…` : name}
              </text>
            </g>
          );
        })}
        <text x={(W + PAD.l) / 2} y={H - 6} text-anchor="middle" class="axis-label">
          {gd.label}
        </text>
      </svg>
    </div>
  );
}

const LEVELS = 8;

/**
 * z over (x, y): the plane is filled by inverse-distance weighting of the runs' values on a grid,
 * quantised into bands (a filled contour), with the runs drawn on top.
 */
export function ContourPlot({ runs, dims }: { runs: Run[]; dims: Dimension[] }) {
  const nums = dims.filter((d) => d.kind === "num");
  const params = nums.filter((d) => d.id.startsWith("p:"));
  const metrics = nums.filter((d) => d.id.startsWith("m:"));
  const [xId, setX] = useState(params[0]?.id ?? nums[0]?.id ?? "");
  const [yId, setY] = useState(params[1]?.id ?? nums[1]?.id ?? "");
  const [zId, setZ] = useState(metrics[0]?.id ?? nums[2]?.id ?? "");
  const [xd, yd, zd] = [xId, yId, zId].map((id) => nums.find((d) => d.id === id));
  if (nums.length < 3 || !xd || !yd || !zd) return null;
  const pts = runs
    .map((r) => ({ r, x: xd.value(r), y: yd.value(r), z: zd.value(r) }))
    .filter((p): p is { r: Run; x: number; y: number; z: number } => p.x !== undefined && p.y !== undefined && p.z !== undefined);
  const xs = padded(scaleOf(xd, runs));
  const ys = padded(scaleOf(yd, runs));
  const zs = pts.map((p) => p.z);
  const zlo = Math.min(...zs);
  const zhi = Math.max(...zs);
  const N = 28;
  const cw = (W - PAD.l - PAD.r) / N;
  const ch = (H - PAD.t - PAD.b) / N;
  const nx = (x: number) => (x - xs.lo) / (xs.hi - xs.lo);
  const ny = (y: number) => (y - ys.lo) / (ys.hi - ys.lo);
  const cells: { i: number; j: number; level: number }[] = [];
  if (pts.length >= 2 && zhi > zlo) {
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < N; j++) {
        const cx = (i + 0.5) / N;
        const cy = (j + 0.5) / N;
        let num = 0;
        let den = 0;
        for (const p of pts) {
          const d2 = (nx(p.x) - cx) ** 2 + (ny(p.y) - cy) ** 2 + 1e-9;
          const w = 1 / (d2 * d2);
          num += w * p.z;
          den += w;
        }
        const z = num / den;
        cells.push({ i, j, level: Math.min(LEVELS - 1, Math.floor(((z - zlo) / (zhi - zlo)) * LEVELS)) });
      }
    }
  }
  const color = (level: number) => `hsl(${220 - (level / (LEVELS - 1)) * 190} 70% 55%)`;
  return (
    <div class="card run-plot" data-testid="contour">
      <div class="card-head">
        <h3>Contour</h3>
        <label>X <DimSelect dims={nums} value={xd.id} onChange={setX} label="Contour X" /></label>
        <label>Y <DimSelect dims={nums} value={yd.id} onChange={setY} label="Contour Y" /></label>
        <label>Z <DimSelect dims={nums} value={zd.id} onChange={setZ} label="Contour Z" /></label>
      </div>
      {cells.length === 0 ? (
        <p class="muted">Needs at least two runs with different values of {zd.label}.</p>
      ) : (
        <svg viewBox={`0 0 ${W} ${H}`} class="plot-svg" role="img" aria-label={`Contour of ${zd.label} over ${xd.label} and ${yd.label}`}>
          {cells.map((c) => (
            <rect key={`${c.i}:${c.j}`} x={PAD.l + c.i * cw} y={H - PAD.b - (c.j + 1) * ch} width={cw + 0.5} height={ch + 0.5} fill={color(c.level)} fill-opacity={0.55} />
          ))}
          <path d={`M${PAD.l},${PAD.t} L${PAD.l},${H - PAD.b} L${W - PAD.r},${H - PAD.b}`} class="axis" />
          {pts.map((p) => (
            <circle key={p.r.info.run_id} cx={PAD.l + nx(p.x) * (W - PAD.l - PAD.r)} cy={H - PAD.b - ny(p.y) * (H - PAD.t - PAD.b)} r={5} fill={runColor(p.r)} stroke="var(--surface)">
              <title>{`${runName(p.r)}\n${zd.label}: ${formatValue(p.z)}`}</title>
            </circle>
          ))}
          <text x={PAD.l} y={H - PAD.b + 16} class="tick">{formatValue(xs.lo)}</text>
          <text x={W - PAD.r} y={H - PAD.b + 16} text-anchor="end" class="tick">{formatValue(xs.hi)}</text>
          <text x={(W + PAD.l) / 2} y={H - 6} text-anchor="middle" class="axis-label">{xd.label} → · {yd.label} ↑ · colour: {zd.label} ({formatValue(zlo)} … {formatValue(zhi)})</text>
        </svg>
      )}
    </div>
  );
}
