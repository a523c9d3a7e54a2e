// Building blocks of the local stack, shared by `npm run dev`, the test runner and the benchmarks:
// PGlite behind a socket server, the two stand-ins for Neon's proxy (its HTTP SQL endpoint, which
// the Worker uses by default, and its WebSocket proxy), a signature-checking S3 server, and
// `wrangler dev`. Every service binds to loopback only.
import { spawn } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export const LOCAL_S3 = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER", bucket: "mlflow-artifacts", region: "us-east-1" };

export { freePort } from "./ports.mjs";

export function log(...args) {
  console.error("[stack]", ...args);
}

/** Resolves when `check()` stops throwing, or rejects after `timeoutMs`. */
export async function waitFor(what, check, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    try {
      const ok = await check();
      if (ok !== false) return;
    } catch (e) {
      lastError = e;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}${lastError ? `: ${lastError.message}` : ""}`);
}

let signalsHandled = false;
/** Set when a signal ends us: children then exit on the same signal, which is no news. */
let endingOnSignal = false;
const beforeExit = [];
const CLEANUP_WAIT_MS = 5_000;

/**
 * Async work to finish (a few seconds at most) when a signal ends the process, before the `exit`
 * hooks run, e.g. dropping a test database; an `exit` hook cannot wait for it.
 */
export function beforeSignalExit(cleanup) {
  beforeExit.push(cleanup);
  exitOnSignals();
}

/** Turns SIGINT/SIGTERM into a normal exit, so the `exit` hooks below stop every child we started. */
function exitOnSignals() {
  if (signalsHandled) return;
  signalsHandled = true;
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.once(signal, async () => {
      endingOnSignal = true;
      const code = 128 + (signal === "SIGINT" ? 2 : signal === "SIGTERM" ? 15 : 1);
      const cleanups = Promise.allSettled(beforeExit.map((cleanup) => cleanup()));
      await Promise.race([cleanups, new Promise((resolve) => setTimeout(resolve, CLEANUP_WAIT_MS).unref())]);
      process.exit(code);
    });
  }
}

/** Spawns a child with Node 22 (the pinned binary running this script); stops it on exit. */
function spawnNode(args, { env = {}, name, quiet = false } = {}) {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", quiet ? "ignore" : "inherit", quiet ? "pipe" : "inherit"],
  });
  let stderr = "";
  child.stderr?.on("data", (d) => (stderr = (stderr + d).slice(-4000)));
  child.on("exit", (code, signal) => {
    if (code && !child.killedByUs && !endingOnSignal) log(`${name} exited with ${code ?? signal}${stderr ? `:\n${stderr}` : ""}`);
  });
  const stop = () => {
    child.killedByUs = true;
    if (child.exitCode === null) child.kill("SIGTERM");
  };
  process.once("exit", stop);
  exitOnSignals();
  return { child, stop };
}

export async function startPglite({ port, dataDir }) {
  const bin = path.join(ROOT, "node_modules/@electric-sql/pglite-socket/dist/scripts/server.js");
  if (dataDir) fs.mkdirSync(dataDir, { recursive: true });
  // -m 100: the default of one connection breaks as soon as two requests overlap.
  const proc = spawnNode([bin, "--port", String(port), "-m", "100", "--db", dataDir ?? "memory://"], { name: "pglite", quiet: true });
  const net = await import("node:net");
  await waitFor("PGlite", () => new Promise((resolve, reject) => {
    const s = net.connect(port, "127.0.0.1", () => { s.end(); resolve(true); });
    s.on("error", reject);
  }));
  return { url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`, stop: proc.stop };
}

/** The local S3 store; with `link: true`, behind a link (tcp-link.mjs) whose outages tests control. */
export async function startS3({ port, dir, link = false }) {
  // Our own S3-compatible store (scripts/lib/s3/): SigV4, listings, multipart and conditional
  // requests as S3 and R2 answer them; see README "Artifacts: the local object store".
  const { startS3Server } = await import("./s3/server.mjs");
  const store = await startS3Server({
    port,
    dir,
    credentials: { [LOCAL_S3.accessKeyId]: LOCAL_S3.secretAccessKey },
    region: LOCAL_S3.region,
    buckets: [LOCAL_S3.bucket],
    log,
  });
  if (!link) return { endpoint: store.endpoint, stop: store.stop };
  // The Worker reaches the store through a link that tests can take down (drop or freeze).
  const { startTcpLink } = await import("./tcp-link.mjs");
  const { SimulatedLink } = await import("./link.mjs");
  const url = new URL(store.endpoint);
  const front = await startTcpLink({ target: { host: url.hostname, port: Number(url.port) }, link: new SimulatedLink({ name: "s3" }) });
  return {
    endpoint: `http://127.0.0.1:${front.port}`,
    link: front.link,
    stop: async () => {
      await front.close();
      await store.stop();
    },
  };
}

export async function startWsProxy({ port, link }) {
  const { startWsProxy: start } = await import("./ws-proxy.mjs");
  const proxy = await start({ port, log, link });
  return { address: `127.0.0.1:${proxy.port}`, link: proxy.link, stop: proxy.close };
}

/** The local Neon HTTP SQL endpoint (neon-http-server.mjs); `url` is what DB_HTTP_ENDPOINT takes. */
export async function startNeonHttp({ port, link }) {
  const { startNeonHttpServer } = await import("./neon-http-server.mjs");
  const server = await startNeonHttpServer({ port, link, log: (m) => log(`neon-http: ${m}`) });
  return { url: server.url, link: server.link, backend: server.backend, stop: server.close };
}

/**
 * Both stand-ins for Neon's proxy, at the one-way delay DB_ONE_WAY_DELAY_MS (default 0), and a
 * control endpoint (link-control.mjs) for their links and `otherLinks` (the S3 store's). Ports default to free ones.
 */
export async function startDatabaseStandIns({ httpPort = 0, wsPort = 0, controlPort = 0, otherLinks = [] } = {}) {
  const { SimulatedLink, oneWayDelayFromEnv } = await import("./link.mjs");
  const { startLinkControl } = await import("./link-control.mjs");
  const delayMs = oneWayDelayFromEnv();
  const http = await startNeonHttp({ port: httpPort, link: new SimulatedLink({ name: "neon-http", delayMs }) });
  const proxy = await startWsProxy({ port: wsPort, link: new SimulatedLink({ name: "ws-proxy", delayMs }) });
  const control = await startLinkControl({ port: controlPort, links: [http.link, proxy.link, ...otherLinks] });
  if (delayMs > 0) log(`database stand-ins simulate a one-way delay of ${delayMs} ms`);
  return {
    http,
    proxy,
    control,
    stop: async () => {
      await control.close();
      await proxy.stop();
      await http.stop();
    },
  };
}

/** The Worker settings that point it at a local database (through the stand-ins) and S3 server. */
export function localWorkerVars({ databaseUrl, standIns, s3, transport = "http" }) {
  return {
    DATABASE_URL: databaseUrl,
    DB_TRANSPORT: transport,
    DB_HTTP_ENDPOINT: standIns.http.url,
    DB_WS_PROXY: standIns.proxy.address,
    S3_ENDPOINT: s3.endpoint,
    S3_BUCKET: LOCAL_S3.bucket,
    S3_REGION: LOCAL_S3.region,
    S3_ACCESS_KEY_ID: LOCAL_S3.accessKeyId,
    S3_SECRET_ACCESS_KEY: LOCAL_S3.secretAccessKey,
  };
}

/** Drops (if present) and creates a database on a Postgres server; returns its URL. */
export async function recreateDatabase(serverUrl, name) {
  const { default: pg } = await import("pg");
  const admin = new pg.Client({ connectionString: `${serverUrl}/postgres` });
  await admin.connect();
  await admin.query(`drop database if exists "${name}" with (force)`);
  await admin.query(`create database "${name}"`);
  await admin.end();
  return `${serverUrl}/${name}`;
}

/** Drops a database if present. */
export async function dropDatabase(serverUrl, name) {
  const { default: pg } = await import("pg");
  const admin = new pg.Client({ connectionString: `${serverUrl}/postgres` });
  await admin.connect();
  await admin.query(`drop database if exists "${name}" with (force)`);
  await admin.end();
}

/** Runs `wrangler dev` with the given [vars] overrides and waits for /health. */
export async function startWrangler({ port, vars, quiet = true }) {
  const bin = path.join(ROOT, "node_modules/wrangler/bin/wrangler.js");
  const args = [bin, "dev", "--port", String(port), "--ip", "127.0.0.1", "--log-level", quiet ? "warn" : "info"];
  for (const [k, v] of Object.entries(vars)) args.push("--var", `${k}:${v}`);
  fs.mkdirSync(path.join(ROOT, "public"), { recursive: true });
  if (!fs.existsSync(path.join(ROOT, "public", "index.html"))) {
    fs.writeFileSync(path.join(ROOT, "public", "index.html"), "<!doctype html><title>MLflow</title><p>UI not built: run npm run build:ui</p>");
  }
  const proc = spawnNode(args, {
    name: "wrangler",
    quiet,
    env: { WRANGLER_SEND_METRICS: "false", CLOUDFLARE_ACCOUNT_ID: "", CLOUDFLARE_API_TOKEN: "" },
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor("wrangler dev", async () => (await fetch(`${url}/health`)).ok, 90_000);
  return { url, pid: proc.child.pid, stop: proc.stop };
}
