// Starts the two servers under test on the same Debian PostgreSQL, each on its own fresh database:
// the reference `mlflow server` (MLflow 3.18.0, uvicorn workers, the default production path) and
// ours (`wrangler dev` via bench/lib/our-server.mjs).
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { migrate } from "../../scripts/lib/migrate-core.mjs";
import { ROOT, waitFor } from "../../scripts/lib/stack.mjs";
import { freePort, groupMembers, spawnGroup, stopGroup } from "./procs.mjs";

const run = promisify(execFile);
const MLFLOW = path.join(ROOT, ".venv/mlflow3/bin/mlflow");
// A database `mlflow db upgrade` has already brought to 3.18.0's head: copying it saves ~10 s per run.
const REF_TEMPLATE = "bench_mlflow_3_18_0_template";
const NO_TELEMETRY = { MLFLOW_DISABLE_TELEMETRY: "true", DO_NOT_TRACK: "true" };

export function pgUrl(adminUrl, database) {
  const u = new URL(adminUrl);
  u.pathname = `/${database}`;
  return u.toString();
}

const databaseName = (url) => decodeURIComponent(new URL(url).pathname.slice(1));

/** SQLAlchemy knows only the `postgresql:` scheme. */
const sqlalchemyUrl = (url) => url.replace(/^postgres(ql)?:/, "postgresql:");

async function withAdmin(adminUrl, fn) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function ensurePostgres(adminUrl) {
  try {
    await withAdmin(adminUrl, (c) => c.query("select 1"));
  } catch {
    // Debian's cluster is installed but may be stopped after a reboot.
    await run("pg_ctlcluster", ["15", "main", "start"]).catch(() => run("sudo", ["-n", "pg_ctlcluster", "15", "main", "start"]));
    await waitFor("PostgreSQL", () => withAdmin(adminUrl, (c) => c.query("select 1")), 30_000);
  }
}

async function ensureReferenceTemplate(adminUrl, log) {
  const exists = await withAdmin(adminUrl, async (c) =>
    (await c.query("select 1 from pg_database where datname = $1", [REF_TEMPLATE])).rowCount > 0);
  if (exists) return;
  log("creating the MLflow 3.18.0 template database (once per machine)");
  const building = `${REF_TEMPLATE}_${process.pid}`;
  await withAdmin(adminUrl, (c) => c.query(`create database ${building}`));
  try {
    await run(MLFLOW, ["db", "upgrade", sqlalchemyUrl(pgUrl(adminUrl, building))], { env: { ...process.env, ...NO_TELEMETRY } });
  } catch (err) {
    await withAdmin(adminUrl, (c) => c.query(`drop database if exists ${building}`));
    throw err;
  }
  // Renaming makes the finished template appear atomically, even if two benchmarks start together.
  await withAdmin(adminUrl, (c) => c.query(`alter database ${building} rename to ${REF_TEMPLATE}`)).catch(async () => {
    await withAdmin(adminUrl, (c) => c.query(`drop database if exists ${building}`));
  });
}

/** Creates the two fresh databases and brings both to MLflow 3.18.0's schema. */
export async function createDatabases({ adminUrl, log }) {
  await ensurePostgres(adminUrl);
  await ensureReferenceTemplate(adminUrl, log);
  const names = { ref: `bench_ref_${process.pid}`, ours: `bench_ours_${process.pid}` };
  await withAdmin(adminUrl, async (c) => {
    for (const name of Object.values(names)) await c.query(`drop database if exists ${name}`);
    await c.query(`create database ${names.ref} template ${REF_TEMPLATE}`);
    await c.query(`create database ${names.ours}`);
  });
  const urls = { ref: pgUrl(adminUrl, names.ref), ours: pgUrl(adminUrl, names.ours) };
  await migrate(urls.ours, { log: () => {} });
  return {
    urls,
    drop: () => withAdmin(adminUrl, async (c) => {
      for (const name of Object.values(names)) await c.query(`drop database if exists ${name} with (force)`);
    }),
  };
}

function countInFile(file, needle) {
  try {
    return fs.readFileSync(file, "utf8").split(needle).length - 1;
  } catch {
    return 0;
  }
}

/** `mlflow server` with its defaults for production: uvicorn, `workers` processes, proxied artifacts (local disk, or `s3`). */
export async function startReference({ databaseUrl, workDir, workers, s3 }) {
  const port = await freePort();
  const logFile = path.join(workDir, "reference.log");
  // Artifacts on the local disk (MLflow's default for --artifacts-destination), or, with `s3`, in
  // an S3-compatible store through boto3, as a production deployment would keep them.
  let artifacts = path.join(workDir, "reference-artifacts");
  let env = NO_TELEMETRY;
  if (s3) {
    artifacts = `s3://${s3.bucket}/reference`;
    env = { ...NO_TELEMETRY, MLFLOW_S3_ENDPOINT_URL: s3.endpoint, AWS_ACCESS_KEY_ID: s3.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.secretAccessKey, AWS_DEFAULT_REGION: s3.region };
  } else {
    fs.mkdirSync(artifacts, { recursive: true });
  }
  const child = spawnGroup(MLFLOW, [
    "server",
    "--backend-store-uri", sqlalchemyUrl(databaseUrl),
    "--artifacts-destination", artifacts,
    "--host", "127.0.0.1",
    "--port", String(port),
    "--workers", String(workers),
    // uvicorn kills a worker that does not answer its supervisor's ping within 5 s; on a busy
    // 2-core machine importing MLflow takes longer, and workers are killed in a loop. Liveness
    // checks only, no effect on request handling.
    "--uvicorn-opts", "--timeout-worker-healthcheck 60",
  ], { cwd: workDir, logFile, env });
  const url = `http://127.0.0.1:${port}`;
  // /health answers as soon as one worker is up; wait for all of them so that the imports of the
  // others do not steal CPU from the first measurements.
  await waitFor("the reference server", async () => {
    if (child.exitCode !== null) throw new Error(`mlflow server exited; see ${logFile}`);
    return (await fetch(`${url}/health`)).ok && countInFile(logFile, "Application startup complete") >= workers;
  }, 180_000);
  return { name: "reference", url, pgid: child.pid, exclude: [], database: databaseName(databaseUrl), logFile, stop: () => stopGroup(child.pid) };
}

// What `wrangler dev` needs to build and serve the Worker.
const SOURCE_PATHS = ["src", "wrangler.toml", "tsconfig.json", "package.json"];

/**
 * Copies the Worker's source into `dir`: the working tree as it is now (`source` = "worktree"), or a
 * committed revision (`source` = a git revision). Returns a description for the record.
 */
export async function snapshotSource(source, dir) {
  fs.mkdirSync(dir, { recursive: true });
  let described;
  if (source === "worktree") {
    for (const p of SOURCE_PATHS) fs.cpSync(path.join(ROOT, p), path.join(dir, p), { recursive: true });
    const { stdout } = await run("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT });
    const { stdout: dirty } = await run("git", ["status", "--porcelain", "--untracked-files=no", "--", ...SOURCE_PATHS], { cwd: ROOT });
    described = `working tree at ${stdout.trim()}${dirty.trim() ? " with uncommitted changes" : ""}`;
  } else {
    const { stdout: rev } = await run("git", ["rev-parse", "--short", source], { cwd: ROOT });
    const tar = path.join(dir, "source.tar");
    await run("git", ["archive", "--output", tar, source, ...SOURCE_PATHS], { cwd: ROOT });
    await run("tar", ["-xf", tar, "-C", dir]);
    fs.rmSync(tar);
    described = `commit ${rev.trim()}`;
  }
  // Static assets (the built UI) are not served in any scenario; a placeholder page is enough.
  fs.mkdirSync(path.join(dir, "public"), { recursive: true });
  fs.writeFileSync(path.join(dir, "public", "index.html"), "<!doctype html><title>MLflow</title>");
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  return described;
}

/**
 * Our Worker under `wrangler dev` on database transport `transport` (http or ws), with the local
 * stand-ins for Neon's proxy and R2. `links` is the stand-ins' link control (link-control.mjs).
 */
export async function startOurs({ databaseUrl, workDir, sourceDir, transport = "http" }) {
  const [port, s3Port] = [await freePort(), await freePort()];
  const logFile = path.join(workDir, `ours-${transport}.log`);
  const child = spawnGroup(process.execPath, [path.join(ROOT, "bench/lib/our-server.mjs")], {
    cwd: ROOT,
    logFile,
    stdout: "pipe",
    env: {
      BENCH_DATABASE_URL: databaseUrl,
      BENCH_DB_TRANSPORT: transport,
      BENCH_PORT: String(port),
      BENCH_S3_PORT: String(s3Port),
      BENCH_S3_DIR: path.join(workDir, `ours-s3-${transport}`),
      BENCH_SOURCE_DIR: sourceDir,
    },
  });
  const { url, links } = await new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`our server did not start; see ${logFile}`)), 120_000);
    child.stdout.on("data", (d) => {
      out += d;
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line));
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`our server exited with ${code}; see ${logFile}`));
    });
  });
  // The S3 server behind ours, for the artifact benchmark's direct-to-S3 baseline.
  const s3Endpoint = `http://127.0.0.1:${s3Port}`;
  return { name: "ours", transport, url, links, pgid: child.pid, exclude: [child.pid], database: databaseName(databaseUrl), logFile, s3Endpoint, stop: () => stopGroup(child.pid) };
}

export { groupMembers };
