/**
 * A stable colour per run, shared by the table, the legend and every chart, unless the run carries
 * MLflow's `mlflow.runColor` tag. Each run id gets the next free slot the first time it is drawn
 * (the table's order, newest first) and keeps it for the session, so sorting, paging, hiding or
 * comparing never recolours a run; slots step round the hue circle by the golden angle with three
 * lightness bands, so 40+ runs on one chart stay distinct instead of repeating a palette of ten.
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

const slots = new Map<string, number>();

export function slotColor(slot: number): string {
  const hue = (slot * 137.508 + 210) % 360;
  const band = Math.floor(slot / 7) % 3;
  return `hsl(${hue.toFixed(1)} ${[72, 58, 82][band]}% ${[45, 35, 58][band]}%)`;
}

export function runColor(run: Run): string {
  const tagged = run.data?.tags?.find((t) => t.key === RUN_COLOR_TAG)?.value;
  if (tagged && /^#[0-9a-f]{3,8}$/i.test(tagged)) return tagged;
  const id = run.info.run_id;
  let slot = slots.get(id);
  if (slot === undefined) {
    slot = slots.size;
    slots.set(id, slot);
  }
  return slotColor(slot);
}

/** Colours for a list of labels (metrics of one run): evenly spaced, so neighbours differ. */
export function spreadColors(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `hsl(${((i * 137.508) % 360).toFixed(1)} 68% 45%)`);
}
