// Process helpers for the benchmark: free ports, server processes in their own process group (so
// everything they fork — uvicorn workers, MLflow's job consumers, workerd — is stopped with them and
// counted in their memory), and a /proc sampler for the peak resident memory of such a group.
import { spawn } from "node:child_process";
import fs from "node:fs";
export { freePort } from "../../scripts/lib/ports.mjs";


const groups = new Set();

/** Spawns `cmd` as the leader of a new process group; output goes to `logFile`. */
export function spawnGroup(cmd, args, { env = {}, cwd, logFile, stdout = "log" }) {
  const log = fs.openSync(logFile, "a");
  const child = spawn(cmd, args, {
    cwd,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ["ignore", stdout === "pipe" ? "pipe" : log, log],
  });
  fs.closeSync(log);
  groups.add(child.pid);
  return child;
}

/** SIGTERM to the whole group, then SIGKILL whatever is left after `graceMs`. */
export async function stopGroup(pgid, graceMs = 3000) {
  if (!groups.has(pgid)) return;
  groups.delete(pgid);
  const signal = (sig) => {
    try {
      process.kill(-pgid, sig);
      return true;
    } catch {
      return false; // group already gone
    }
  };
  if (!signal("SIGTERM")) return;
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && groupMembers(pgid).length > 0) await new Promise((r) => setTimeout(r, 100));
  signal("SIGKILL");
}

// Last resort: a crash of the benchmark must not leave servers running.
process.once("exit", () => {
  for (const pgid of groups) {
    try {
      process.kill(-pgid, "SIGKILL");
    } catch {}
  }
});

/**
 * Every live process's /proc/<pid>/stat: `{ pid, comm, fields }`, where `fields` are the values after
 * the parenthesised command name (which may hold spaces): [0] state, [1] ppid, [2] pgrp, [11] utime,
 * [12] stime (clock ticks), [21] rss (pages).
 */
export function* procStats() {
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // the process ended while we looked
    }
    const close = stat.lastIndexOf(")");
    yield { pid: Number(entry), comm: stat.slice(stat.indexOf("(") + 1, close), fields: stat.slice(close + 2).split(" ") };
  }
}

/** [{ pid, rssKb }] of every live process whose process group is `pgid`. */
export function groupMembers(pgid) {
  const out = [];
  for (const { pid, fields } of procStats()) {
    if (Number(fields[2]) !== pgid || fields[0] === "Z") continue;
    out.push({ pid, rssKb: Number(fields[21]) * PAGE_KB });
  }
  return out;
}

const PAGE_KB = 4;

const ROLES = [
  [/huey_consumer/, "mlflow job consumers (huey)"],
  [/uvicorn/, "uvicorn"],
  [/mlflow server/, "mlflow cli"],
  [/workerd/, "workerd"],
  [/esbuild/, "esbuild (wrangler)"],
  [/wrangler/, "wrangler (node)"],
];

/** What a process is, from its command line, for the memory breakdown. */
function roleOf(pid) {
  let cmd = "";
  try {
    cmd = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {}
  return ROLES.find(([re]) => re.test(cmd))?.[1] ?? (cmd.split(" ")[0].split("/").pop() || "?");
}

/**
 * Samples the summed RSS of process groups every `intervalMs`. `exclude` lists pids not counted
 * (our launcher process, which only hosts the local stand-ins for Neon's proxy and R2).
 */
export function startRssSampler(groupsByName, { intervalMs = 200, exclude = [] } = {}) {
  const peaks = Object.fromEntries(Object.keys(groupsByName).map((k) => [k, { totalKb: 0, byProcess: {} }]));
  const sample = () => {
    for (const [name, pgid] of Object.entries(groupsByName)) {
      const members = groupMembers(pgid).filter((m) => !exclude.includes(m.pid));
      const total = members.reduce((s, m) => s + m.rssKb, 0);
      if (total > peaks[name].totalKb) {
        const byProcess = {};
        for (const m of members) {
          const role = roleOf(m.pid);
          byProcess[role] = (byProcess[role] ?? 0) + m.rssKb;
        }
        peaks[name] = { totalKb: total, byProcess };
      }
    }
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    /** Stops sampling and returns { name: { totalKb, byProcess } } at each group's peak. */
    stop() {
      clearInterval(timer);
      sample();
      return peaks;
    },
  };
}

const TICK_MS = 10; // Linux's USER_HZ is 100 on every platform we run on
/**
 * The reference's job runner and its huey consumers: they poll whether there is work or not
 * (about 0.4 of a core for the eight of them on the benchmark machine, idle), so they are counted
 * apart from the CPU that requests cost.
 */
const BACKGROUND = /huey_consumer|mlflow\.server\.jobs\._job_runner/;

/**
 * CPU time (ms, user + system) used so far by each process of a server, by role: `server` (its
 * process group minus the others), `background` (the reference's job consumers), `standIns` (our
 * launcher, which hosts the local stand-ins for Neon's proxy and R2) and `db` (the PostgreSQL
 * backends connected to `database`). Returns
 * Map<pid, { role, ms }>; `cpuSince` turns two readings into time per role. On a shared machine,
 * CPU per request is steadier than latency: other processes slow a request down, but barely change
 * the CPU it needs.
 */
export function cpuReading({ pgid, standIns = [], database }) {
  const out = new Map();
  for (const { pid, comm, fields } of procStats()) {
    const ms = (Number(fields[11]) + Number(fields[12])) * TICK_MS;
    const inGroup = Number(fields[2]) === pgid;
    if (!inGroup && (!database || comm !== "postgres")) continue;
    let cmd = "";
    try {
      cmd = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
    } catch {
      continue;
    }
    if (inGroup) {
      out.set(pid, { role: standIns.includes(pid) ? "standIns" : BACKGROUND.test(cmd) ? "background" : "server", ms });
      continue;
    }
    // A backend names itself "postgres: [<cluster>: ]<user> <database> <client> <state>".
    if (/^postgres: (?:\S+: )?\S+ (\S+) /.exec(cmd)?.[1] === database) out.set(pid, { role: "db", ms });
  }
  return out;
}

/**
 * CPU per role between two readings. A process started in between counts from zero; one that
 * exited in between is lost (a connection pool closing an overflow connection, say), so the
 * figures are lower bounds.
 */
export function cpuSince(before, after) {
  const out = { server: 0, standIns: 0, db: 0, background: 0 };
  for (const [pid, { role, ms }] of after) out[role] += ms - (before.get(pid)?.ms ?? 0);
  return out;
}
