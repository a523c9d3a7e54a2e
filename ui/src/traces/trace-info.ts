/** Reading a TraceInfoV3 for display: times, duration, name, run, token usage, user tags. */
import type { TraceInfo } from "./trace-types";

/** "1.500s" (protobuf Duration JSON) → milliseconds. */
export function durationMs(info: TraceInfo): number | undefined {
  const d = info.execution_duration;
  if (!d) return undefined;
  const m = /^(-?\d+(?:\.\d+)?)s$/.exec(d);
  return m ? Number(m[1]) * 1000 : undefined;
}

export function formatLatency(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return "—";
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function requestTimeMs(info: TraceInfo): number | undefined {
  if (!info.request_time) return undefined;
  const t = Date.parse(info.request_time);
  return Number.isNaN(t) ? undefined : t;
}

export const traceName = (info: TraceInfo) => info.tags?.["mlflow.traceName"];

/** The run a trace was produced in (metadata `mlflow.sourceRun`, which link-to-run matches too). */
export const sourceRunId = (info: TraceInfo) => info.trace_metadata?.["mlflow.sourceRun"] || undefined;

export function tokenUsage(info: TraceInfo): { input?: number; output?: number; total?: number } | undefined {
  const raw = info.trace_metadata?.["mlflow.trace.tokenUsage"];
  if (!raw) return undefined;
  try {
    const u = JSON.parse(raw) as Record<string, number>;
    return { input: u.input_tokens, output: u.output_tokens, total: u.total_tokens };
  } catch {
    return undefined;
  }
}

/** Tags users set; MLflow's own (`mlflow.*`) are shown elsewhere or are bookkeeping. */
export function userTags(info: TraceInfo): [string, string][] {
  return Object.entries(info.tags ?? {})
    .filter(([k]) => !k.startsWith("mlflow."))
    .sort(([a], [b]) => a.localeCompare(b));
}

/** A preview shown on one line: JSON whitespace folded, long text cut. */
export function previewText(s: string | undefined, max = 160): string {
  if (!s) return "";
  const folded = s.replace(/\s+/g, " ").trim();
  return folded.length > max ? `${folded.slice(0, max - 1)}…` : folded;
}

/** TraceState → the badge class the rest of the UI uses for run statuses. */
export function stateLabel(state: string | undefined): string {
  if (!state || state === "STATE_UNSPECIFIED") return "unknown";
  return state.toLowerCase().replace(/_/g, " ");
}
