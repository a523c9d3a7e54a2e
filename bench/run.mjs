// `npm run bench`: our server against the reference `mlflow server`, side by side on this machine.
// See bench/README.md. Options:
//   --quick              a few seconds per scenario and a small seed (default: full mode)
//   --only=a,b           run only these scenario ids (`prefix-*` for a group, e.g. search-wide-*)
//   --concurrency=1,20   client counts (default 1 and 20)
//   --seconds=N          seconds per measurement round (default 1 quick, 4 full)
//   --ref-workers=N      uvicorn workers of the reference server (default 4, MLflow's default)
//   --json=FILE          where to write the JSON record (default bench/results/<time>-<mode>.json)
//   --source=REV         benchmark a committed revision of our server (default: the working tree)
//   --transport=http|ws  our server's database transport (default http); db-distance measures both
//   --keep               keep the temporary directory and databases
//   --traces=N           traces in the trace-search experiment (default 5,000 quick, 100,000 full)
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { LOCAL_S3, ROOT } from "../scripts/lib/stack.mjs";
import { newSample, requestsPerClient, runAutocannon, summarise } from "./lib/load.mjs";
import { cpuReading, cpuSince, startRssSampler } from "./lib/procs.mjs";
import { describeBytes, machine, problems, ratios, searchTable, table, writeJson } from "./lib/report.mjs";
import { describe, scenarios } from "./lib/scenarios.mjs";
import { SIZES, seed } from "./lib/seed.mjs";
import { createDatabases, snapshotSource, startOurs, startReference } from "./lib/servers.mjs";
import { runStreaming, transfer } from "./lib/stream-load.mjs";
import { artifactTable } from "./lib/artifact-bench.mjs";
import { buildUiInto, uiTable } from "./lib/ui-bench.mjs";
import { distanceTable } from "./lib/distance-bench.mjs";

const log = (...a) => console.error("[bench]", ...a);

function parseArgs(argv) {
  const opts = { quick: false, only: null, concurrency: null, seconds: null, refWorkers: 4, json: null, keep: false, source: "worktree", transport: "http", refArtifacts: "disk", traces: null };
  for (const arg of argv) {
    const [k, v] = arg.replace(/^--/, "").split("=");
    if (k === "quick") opts.quick = true;
    else if (k === "full") opts.quick = false;
    else if (k === "only") opts.only = v.split(",");
    else if (k === "concurrency") opts.concurrency = v.split(",").map(Number);
    else if (k === "seconds") opts.seconds = Number(v);
    else if (k === "ref-workers") opts.refWorkers = Number(v);
    else if (k === "json") opts.json = path.resolve(v);
    else if (k === "keep") opts.keep = true;
    else if (k === "traces") opts.traces = Number(v);
    else if (k === "source") opts.source = v;
    else if (k === "ref-artifacts") {
      if (v !== "disk" && v !== "s3") throw new Error("--ref-artifacts is disk or s3");
      opts.refArtifacts = v;
    } else if (k === "transport") {
      if (v !== "http" && v !== "ws") throw new Error("--transport is http or ws");
      opts.transport = v;
    }
    else throw new Error(`unknown option ${arg}; see the top of bench/run.mjs`);
  }
  return opts;
}

/** Sends one request outside the measurement (probes, setup, answer checks). */
async function once(server, r) {
  if (r.size !== undefined) {
    const res = await transfer(undefined, new URL(r.path, server.url), r);
    return { status: res.status, text: res.head };
  }
  const res = await fetch(new URL(r.path, server.url), {
    method: r.method,
    headers: { ...(r.body !== undefined ? { "content-type": "application/json" } : {}), ...r.headers },
    body: r.body,
  });
  return { status: res.status, text: await res.text() };
}

function fingerprintOf(scenario, text) {
  try {
    return scenario.fingerprint(JSON.parse(text));
  } catch {
    return `unparseable answer: ${text.slice(0, 100)}`;
  }
}

async function measure(server, scenario, connections, perClient, sample) {
  const run = scenario.stream ? runStreaming : runAutocannon;
  return run({ baseUrl: server.url, connections, perClient, makeRequest: (client, seq) => scenario.request(server.ctx, client, seq), sample });
}

/** CPU used so far by a server, its stand-ins and its database backends (bench/lib/procs.mjs). */
const cpuOf = (s) => cpuReading({ pgid: s.pgid, standIns: s.exclude, database: s.database });

function perRequest(cpu, requests) {
  const each = Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, requests ? Math.round((v / requests) * 100) / 100 : null]));
  // The total is what requests cost: the reference's polling job consumers are left out.
  return { ...each, total: requests ? Math.round(((cpu.server + cpu.standIns + cpu.db) / requests) * 100) / 100 : null };
}

async function runScenario(scenario, index, servers, plan) {
  const rows = [];
  const title = describe(scenario.title, plan.size);
  const base = { id: scenario.id, title, what: describe(scenario.what, plan.size) };
  const [ref, ours] = servers;
  if (scenario.probe) {
    const probes = await Promise.all(servers.map((s) => once(s, scenario.probe(s.ctx))));
    if (probes[1].status === 404) return [{ ...base, status: "not available", note: "our server answers 404 (not implemented yet)" }];
    if (probes[0].status === 404) return [{ ...base, status: "not available", note: "the reference answers 404" }];
  }
  if (scenario.setup) {
    for (const s of servers) {
      const res = await once(s, scenario.setup(s.ctx));
      if (res.status >= 400) return [{ ...base, status: "setup failed", note: `${s.name}: HTTP ${res.status} ${res.text.slice(0, 200)}` }];
    }
  }
  let fingerprint;
  if (scenario.fingerprint) {
    const answers = await Promise.all(servers.map((s) => once(s, scenario.request(s.ctx, 0, 0))));
    const [r, o] = answers.map((a) => fingerprintOf(scenario, a.text));
    fingerprint = { reference: r, ours: o, match: r === o };
  }
  // Prime every worker process of both servers for this request (lazy imports, caches, plans).
  if (!scenario.fixedPerClient) for (const s of servers) await measure(s, scenario, 8, 1, newSample());
  const levels = plan.concurrency ?? scenario.concurrency ?? [1, 20];
  for (const [ci, connections] of levels.entries()) {
    const sampler = startRssSampler({ reference: ref.pgid, ours: ours.pgid }, { exclude: ours.exclude });
    const perClient = new Map();
    for (const s of servers) {
      if (scenario.fixedPerClient) {
        perClient.set(s, scenario.fixedPerClient);
        continue;
      }
      const warm = await measure(s, scenario, connections, connections === 1 ? 3 : 1, newSample());
      perClient.set(s, requestsPerClient(warm, plan.seconds, connections));
    }
    const samples = new Map(servers.map((s) => [s, newSample()]));
    const cpu = new Map(servers.map((s) => [s, { server: 0, standIns: 0, db: 0, background: 0 }]));
    for (let round = 0; round < plan.rounds; round++) {
      // Alternate who goes first so that drifting machine noise hits both servers alike.
      const order = (index + ci + round) % 2 === 0 ? [ref, ours] : [ours, ref];
      for (const s of order) {
        const before = cpuOf(s);
        await measure(s, scenario, connections, perClient.get(s), samples.get(s));
        const used = cpuSince(before, cpuOf(s));
        for (const k of Object.keys(used)) cpu.get(s)[k] += used[k];
      }
    }
    const peaks = sampler.stop();
    const reference = summarise(samples.get(ref));
    const oursSummary = summarise(samples.get(ours));
    const row = {
      ...base,
      status: "ok",
      concurrency: connections,
      reference,
      ours: oursSummary,
      ratio: ratios(reference, oursSummary),
      rss: { reference: Math.round(peaks.reference.totalKb / 1024), ours: Math.round(peaks.ours.totalKb / 1024) },
      cpuMsPerRequest: { reference: perRequest(cpu.get(ref), reference.requests), ours: perRequest(cpu.get(ours), oursSummary.requests) },
      rssByProcess: peaks,
      fingerprint,
    };
    rows.push(row);
    log(`${title} c=${connections}: reference ${reference.rps} req/s, ours ${oursSummary.rps} req/s` +
      `${reference.errors + oursSummary.errors ? ` — ERRORS ${reference.errors}/${oursSummary.errors}` : ""}`);
  }
  return rows;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const mode = opts.quick ? "quick" : "full";
  const plan = {
    mode,
    size: opts.traces ? { ...SIZES[mode], traces: opts.traces } : SIZES[mode],
    seconds: opts.seconds ?? (opts.quick ? 1 : 4),
    rounds: opts.quick ? 1 : 2,
    concurrency: opts.concurrency,
  };
  const adminUrl = process.env.BENCH_PG_URL ?? "postgres://postgres:postgres@127.0.0.1:5432/postgres";
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "mlflow-bench-"));
  const started = Date.now();
  log(`${mode} mode; work directory ${workDir}`);

  const sourceDir = path.join(workDir, "source");
  const source = await snapshotSource(opts.source, sourceDir);
  log(`our server: ${source}`);
  // `--only=search-wide-*` selects by prefix.
  const selected = (id) => !opts.only || opts.only.some((o) => (o.endsWith("*") ? id.startsWith(o.slice(0, -1)) : o === id));
  const list = scenarios({ full: !opts.quick }).filter((s) => selected(s.id));
  if (list.length === 0) throw new Error(`no scenario matches --only=${opts.only}`);
  // The UI benchmark needs our real UI: built from the working tree into the snapshot.
  if (list.some((s) => s.needsUi)) await buildUiInto(path.join(sourceDir, "public"));
  const dbs = await createDatabases({ adminUrl, log });
  let servers = [];
  let ok = false;
  try {
    const [refCtx, oursCtx] = await Promise.all([seed(dbs.urls.ref, plan.size), seed(dbs.urls.ours, plan.size)]);
    log(`seeded both databases in ${((Date.now() - started) / 1000).toFixed(0)} s; starting the servers`);
    const since = (t) => `${((Date.now() - t) / 1000).toFixed(0)} s`;
    const t0 = Date.now();
    if (opts.refArtifacts === "s3") {
      // Like for like: the reference proxies artifacts into the same local S3 store as ours (its
      // own prefix), so both pay the store; started after ours, whose launcher runs that store.
      const ours = await startOurs({ databaseUrl: dbs.urls.ours, workDir, sourceDir, transport: opts.transport });
      log(`ours up in ${since(t0)}`);
      const s3 = { endpoint: ours.s3Endpoint, bucket: LOCAL_S3.bucket, region: LOCAL_S3.region, accessKeyId: LOCAL_S3.accessKeyId, secretAccessKey: LOCAL_S3.secretAccessKey };
      servers = [await startReference({ databaseUrl: dbs.urls.ref, workDir, workers: opts.refWorkers, s3 }), ours];
      log(`reference (artifacts in S3) up in ${since(t0)}`);
    } else {
      servers = await Promise.all([
        startReference({ databaseUrl: dbs.urls.ref, workDir, workers: opts.refWorkers }).then((s) => (log(`reference up in ${since(t0)}`), s)),
        startOurs({ databaseUrl: dbs.urls.ours, workDir, sourceDir, transport: opts.transport }).then((s) => (log(`ours up in ${since(t0)}`), s)),
      ]);
    }
    servers[0].ctx = refCtx;
    servers[1].ctx = oursCtx;
    log(`servers up after ${((Date.now() - started) / 1000).toFixed(0)} s: reference ${servers[0].url}, ours ${servers[1].url} (${opts.transport})`);
    // Our server on the other transport, started on demand (db-distance) on the same database.
    const others = new Map();
    const ourServer = async (transport) => {
      if (transport === servers[1].transport) return servers[1];
      if (!others.has(transport)) {
        const other = await startOurs({ databaseUrl: dbs.urls.ours, workDir, sourceDir, transport });
        servers.push(other); // stopped with the others
        others.set(transport, other);
      }
      return others.get(transport);
    };

    const rows = [];
    for (const [i, scenario] of list.entries()) {
      try {
        rows.push(...(scenario.custom ? await scenario.custom({ servers: servers.slice(0, 2), plan, log, ourServer }) : await runScenario(scenario, i, servers, plan)));
      } catch (err) {
        // One broken scenario must not cost the numbers of all the others.
        log(`${scenario.id} failed: ${err.stack ?? err}`);
        rows.push({ id: scenario.id, title: describe(scenario.title, plan.size), status: "failed", note: String(err.message ?? err) });
        if (scenario.kind) log(`(${scenario.id} has no table rows)`);
      }
    }

    const record = {
      date: new Date().toISOString(),
      mode,
      plan: { ...plan, referenceWorkers: opts.refWorkers },
      machine: machine(ROOT),
      reference: { server: "mlflow server 3.18.0 (uvicorn)", url: servers[0].url, artifacts: opts.refArtifacts },
      ours: { server: "wrangler dev (workerd)", source, url: servers[1].url, transport: opts.transport },
      durationSeconds: Math.round((Date.now() - started) / 1000),
      scenarios: rows,
    };
    const file = opts.json ?? path.join(ROOT, "bench/results", `${record.date.replace(/[:.]/g, "-")}-${mode}.json`);
    writeJson(file, record);
    const m = record.machine;
    console.log(`\nMLflow tracking servers, ${mode} mode, ${m.cores} × ${m.cpu}, ${m.memoryGb} GB, commit ${m.commit}${m.dirty ? "+dirty" : ""}`);
    console.log(`reference: mlflow server 3.18.0, ${opts.refWorkers} uvicorn workers; ours: wrangler dev, ${source}, database transport ${opts.transport}; both on PostgreSQL at ${new URL(adminUrl).host}`);
    console.log(`ours/ref > 1 means we are faster. db rt = our database round trips per request. RSS = peak of each server's processes.\n`);
    console.log(table(rows.filter((r) => !r.kind)));
    const search = rows.filter((r) => r.id.startsWith("search-wide-"));
    if (search.length) console.log(`\nSearch, issue 3's shape (${plan.size.wideRuns.toLocaleString("en-US")} runs × 20 metrics, 20 params, 10 tags):\n${searchTable(search)}`);
    const artifacts = rows.filter((r) => r.kind === "artifacts" && r.path);
    if (artifacts.length) console.log(`\nLarge artifacts (${describeBytes(artifacts[0].bytes)}), one transfer each, one client:\n${artifactTable(artifacts)}`);
    const distance = rows.filter((r) => r.kind === "distance" && r.transport);
    if (distance.length) console.log(`\nDatabase distance (one client; RTT = 2 × one-way delay; target = 1.3 × (RTT + p50 at 0 ms)):\n${distanceTable(distance)}`);
    const ui = rows.filter((r) => r.kind === "ui" && r.server);
    if (ui.length) console.log(`\nUI in Chromium, ms from navigation start, median of the repetitions:\n${uiTable(ui)}`);
    const shout = problems(rows);
    if (shout.length) console.log(`\n${"!".repeat(72)}\n${shout.join("\n")}\n${"!".repeat(72)}`);
    console.log(`\nJSON: ${path.relative(process.cwd(), file) || file}  (${record.durationSeconds} s)`);
    ok = true;
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    if (!ok) {
      for (const f of servers.map((s) => s.logFile)) {
        if (fs.existsSync(f)) log(`last lines of ${f}:\n${fs.readFileSync(f, "utf8").split("\n").slice(-25).join("\n")}`);
      }
    }
    if (!opts.keep) {
      await dbs.drop().catch((e) => log(`could not drop the databases: ${e.message}`));
      if (ok) fs.rmSync(workDir, { recursive: true, force: true });
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
