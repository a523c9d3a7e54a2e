/**
 * One value per run (a metric logged once, or a run's latest value): a labelled horizontal bar per
 * run, in the run's colour, with the value printed; never a lone dot on an arbitrary axis.
 */
import { formatValue } from "../format";

export interface Bar {
  id: string;
  label: string;
  color: string;
  value: number;
}

export function BarChart({ bars, maxBars = 60 }: { bars: Bar[]; maxBars?: number }) {
  const finite = bars.filter((b) => Number.isFinite(b.value));
  if (finite.length === 0) return <p class="muted">No values.</p>;
  const shown = finite.slice(0, maxBars);
  const lo = Math.min(0, ...shown.map((b) => b.value));
  const hi = Math.max(0, ...shown.map((b) => b.value));
  const span = hi - lo || Math.abs(hi) || 1;
  const zero = ((0 - lo) / span) * 100;
  return (
    <div class="bar-chart" role="list">
      {shown.map((b) => {
        const start = Math.min(zero, ((b.value - lo) / span) * 100);
        const width = Math.abs(((b.value - 0) / span) * 100);
        return (
          <div class="bar-row" role="listitem" key={b.id} title={`${b.label}: ${b.value}`}>
            <span class="bar-label">
              <span class="swatch" style={{ background: b.color }} />
              {b.label}
            </span>
            <span class="bar-track">
              <span class="bar" style={{ left: `${start}%`, width: `${Math.max(width, 0.5)}%`, background: b.color }} />
            </span>
            <span class="bar-value mono">{formatValue(b.value)}</span>
          </div>
        );
      })}
      {finite.length > shown.length && <p class="muted small-text">{finite.length - shown.length} more runs not shown.</p>}
    </div>
  );
}
