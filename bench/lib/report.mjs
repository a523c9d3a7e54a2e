// The stdout table and the JSON record of a benchmark run.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const fmt = (x, digits = 1) => (x === null || x === undefined ? "-" : x >= 100 ? Math.round(x).toString() : x.toFixed(digits));
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);

/** ours/reference throughput, and reference/ours p50 latency: above 1 means we are faster. */
export function ratios(ref, ours) {
  const div = (a, b) => (a && b ? Math.round((a / b) * 100) / 100 : null);
  return { rps: div(ours.rps, ref.rps), p50: div(ref.p50, ours.p50), p95: div(ref.p95, ours.p95), p99: div(ref.p99, ours.p99) };
}

export function table(rows) {
  const head = [
    pad("scenario", 58), lpad("c", 3), lpad("ref req/s", 10), lpad("ours req/s", 11), lpad("ours/ref", 9),
    lpad("ref p50/p95/p99 ms", 22), lpad("ours p50/p95/p99 ms", 22), lpad("err r/o", 8), lpad("db rt", 6), lpad("RSS MB r/o", 12),
    lpad("CPU ms/req r/o", 15),
  ].join(" ");
  const lines = [head, "-".repeat(head.length)];
  for (const r of rows) {
    if (r.status !== "ok") {
      lines.push(`${pad(r.title, 58)} ${lpad(r.concurrency ?? "", 3)} ${r.status}${r.note ? `: ${r.note}` : ""}`);
      continue;
    }
    const lat = (s) => `${fmt(s.p50)}/${fmt(s.p95)}/${fmt(s.p99)}`;
    const errs = `${r.reference.errors}/${r.ours.errors}`;
    lines.push([
      pad(r.title, 58), lpad(r.concurrency, 3), lpad(fmt(r.reference.rps), 10), lpad(fmt(r.ours.rps), 11),
      // A ratio between servers that answered differently compares nothing: flag it.
      lpad(r.ratio.rps === null ? "-" : `${r.fingerprint && !r.fingerprint.match ? "≠ " : ""}${r.ratio.rps.toFixed(2)}x`, 9), lpad(lat(r.reference), 22), lpad(lat(r.ours), 22),
      lpad(r.reference.errors + r.ours.errors > 0 ? `!! ${errs}` : errs, 8), lpad(fmt(r.ours.dbRoundTrips), 6),
      lpad(`${r.rss.reference}/${r.rss.ours}`, 12),
      lpad(r.cpuMsPerRequest ? `${fmt(r.cpuMsPerRequest.reference.total)}/${fmt(r.cpuMsPerRequest.ours.total)}` : "-", 15),
    ].join(" "));
  }
  return lines.join("\n");
}

/** Latency percentiles of both servers and our speed-up (reference p50 / our p50), for search rows. */
export function searchTable(rows) {
  const head = [pad("scenario", 72), lpad("c", 3), lpad("ref p50/p95/p99 ms", 22), lpad("ours p50/p95/p99 ms", 22), lpad("speed-up p50", 13), lpad("p95", 7)].join(" ");
  const lines = [head, "-".repeat(head.length)];
  for (const r of rows) {
    if (r.status !== "ok") {
      lines.push(`${pad(r.title, 72)} ${r.status}${r.note ? `: ${r.note}` : ""}`);
      continue;
    }
    const lat = (s) => `${fmt(s.p50)}/${fmt(s.p95)}/${fmt(s.p99)}`;
    const x = (v) => (v === null ? "-" : `${r.fingerprint && !r.fingerprint.match ? "≠ " : ""}${v.toFixed(1)}x`);
    lines.push([pad(r.title, 72), lpad(r.concurrency, 3), lpad(lat(r.reference), 22), lpad(lat(r.ours), 22), lpad(x(r.ratio.p50), 13), lpad(x(r.ratio.p95), 7)].join(" "));
  }
  return lines.join("\n");
}

export const describeBytes = (n) => (n >= 1 << 30 ? `${n / (1 << 30)} GiB` : `${n / (1 << 20)} MiB`);

/** Lines shouting about every scenario with errors or with different answers from the two servers. */
export function problems(rows) {
  const out = [];
  for (const r of rows) {
    if (r.kind && r.status === "failed") out.push(`FAILED: ${r.id} ${r.path ?? r.what ?? ""} ${r.direction ?? r.server ?? ""}: ${r.note}`);
    for (const side of ["reference", "ours"]) {
      const s = r[side];
      if (s?.errors > 0) out.push(`ERRORS: ${r.title} (c=${r.concurrency}) on ${side}: ${s.errors} failed; e.g. ${s.errorSamples.join(" | ")}`);
    }
    if (r.fingerprint && !r.fingerprint.match && !out.some((l) => l.startsWith(`DIFFERENT ANSWERS: ${r.title}:`))) {
      out.push(`DIFFERENT ANSWERS: ${r.title}: reference ${r.fingerprint.reference}, ours ${r.fingerprint.ours} (ratio marked ≠)`);
    }
  }
  return out;
}

function git(args, cwd) {
  try {
    return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return null;
  }
}

export function machine(root) {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? "unknown",
    cores: cpus.length,
    memoryGb: Math.round(os.totalmem() / 1e9),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    commit: git(["rev-parse", "--short", "HEAD"], root),
    dirty: Boolean(git(["status", "--porcelain", "--untracked-files=no"], root)),
  };
}

export function writeJson(file, record) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
}
