/** Display formatting for times, durations and metric values. */
import { num } from "./json";
import type { Int64 } from "./types";

export function formatTime(ms: Int64 | undefined): string {
  if (ms === undefined || ms === null || ms === "") return "—";
  const d = new Date(num(ms));
  if (Number.isNaN(d.getTime())) return String(ms);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function formatRelative(ms: Int64 | undefined, now = Date.now()): string {
  if (ms === undefined || ms === "") return "—";
  const s = Math.round((now - num(ms)) / 1000);
  if (!Number.isFinite(s)) return "—";
  if (s < 60) return `${Math.max(s, 0)}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  if (s < 86400 * 30) return `${Math.floor(s / 86400)}d ago`;
  return formatTime(ms).slice(0, 10);
}

export function formatDuration(start: Int64 | undefined, end: Int64 | undefined, now = Date.now()): string {
  if (start === undefined || start === "" || num(start) === 0) return "—";
  const ms = (end !== undefined && end !== "" && num(end) > 0 ? num(end) : now) - num(start);
  if (!Number.isFinite(ms) || ms < 0) return "—";
  if (ms < 1000) return `${ms}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${Math.round(s % 60)}s`;
  return `${Math.floor(s / 3600)}h ${Math.round((s % 3600) / 60)}m`;
}

export function formatValue(v: number | string | undefined): string {
  if (v === undefined || v === null) return "";
  if (typeof v === "string") return v;
  if (Number.isInteger(v)) return String(v);
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e9)) return v.toExponential(4);
  return String(Number(v.toPrecision(6)));
}

export function formatBytes(n: Int64 | undefined): string {
  if (n === undefined || n === "") return "";
  let v = num(n);
  const units = ["B", "KB", "MB", "GB", "TB"];
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}
