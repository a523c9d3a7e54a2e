/**
 * A stable colour per run, shared by the table, the legend and every chart: derived from the run
 * id (so it never changes with sorting, paging or which runs are shown), unless the run carries
 * MLflow's `mlflow.runColor` tag. Hues are spread by a hash over the whole circle and lightness
 * varies in three bands, so 40+ runs on one chart do not repeat a palette of ten.
 */
import type { Run } from "./types";

export const RUN_COLOR_TAG = "mlflow.runColor";

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

export function colorForId(id: string): string {
  const h = hash(id);
  const hue = (h % 3600) / 10;
  const band = (h >>> 12) % 3;
  const sat = [72, 62, 80][band]!;
  const light = [46, 36, 56][band]!;
  return `hsl(${hue.toFixed(1)} ${sat}% ${light}%)`;
}

export function runColor(run: Run): string {
  const tagged = run.data?.tags?.find((t) => t.key === RUN_COLOR_TAG)?.value;
  return tagged && /^#[0-9a-f]{3,8}$/i.test(tagged) ? tagged : colorForId(run.info.run_id);
}

/** Colours for a list of labels (metrics of one run): evenly spaced, so neighbours differ. */
export function spreadColors(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `hsl(${((i * 137.508) % 360).toFixed(1)} 68% 45%)`);
}
