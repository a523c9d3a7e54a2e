// Child process that runs our server for the benchmark: the stand-ins for Neon's proxy (its HTTP
// SQL endpoint and its WebSocket proxy, with their link control so the benchmark can move the
// database away), the S3 server standing in for R2, and `wrangler dev` (workerd) on a snapshot of
// the source in BENCH_SOURCE_DIR — `wrangler dev` rebuilds on every change in the tree it watches,
// and a rebuild in the middle of a benchmark (someone editing src/) would measure a restart, or a
// broken build. The benchmark counts the memory of this process group minus this process:
// wrangler and workerd.
// Env: BENCH_DATABASE_URL, BENCH_DB_TRANSPORT (http or ws), BENCH_PORT, BENCH_S3_PORT, BENCH_S3_DIR,
//      BENCH_SOURCE_DIR.
// Prints one JSON line {"url": ..., "links": ...} on stdout when the server answers /health.
import { spawn } from "node:child_process";
import path from "node:path";
import { ROOT, localWorkerVars, startDatabaseStandIns, startS3, waitFor } from "../../scripts/lib/stack.mjs";

const env = process.env;
const standIns = await startDatabaseStandIns();
const s3 = await startS3({ port: Number(env.BENCH_S3_PORT), dir: env.BENCH_S3_DIR });
const vars = {
  ...localWorkerVars({ databaseUrl: env.BENCH_DATABASE_URL, standIns, s3, transport: env.BENCH_DB_TRANSPORT || "http" }),
  DEFAULT_ARTIFACT_ROOT: "mlflow-artifacts:/",
  AUTH_MODE: "off", // the reference runs without authentication too
};
const source = env.BENCH_SOURCE_DIR;
const args = [
  path.join(ROOT, "node_modules/wrangler/bin/wrangler.js"), "dev",
  "--port", env.BENCH_PORT, "--ip", "127.0.0.1", "--log-level", "warn",
  "--persist-to", path.join(source, ".state"),
];
for (const [k, v] of Object.entries(vars)) args.push("--var", `${k}:${v}`);
const wrangler = spawn(process.execPath, args, {
  cwd: source,
  stdio: ["ignore", "inherit", "inherit"],
  env: { ...env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_ACCOUNT_ID: "", CLOUDFLARE_API_TOKEN: "" },
});
wrangler.on("exit", (code) => {
  console.error(`wrangler exited with ${code}`);
  process.exit(1);
});
const url = `http://127.0.0.1:${env.BENCH_PORT}`;
await waitFor("wrangler dev", async () => (await fetch(`${url}/health`)).ok, 180_000);
// The stand-in's pool starts warm, as Neon's proxy is when a server has been serving for a while.
const target = new URL(env.BENCH_DATABASE_URL);
await standIns.http.backend.warm({
  host: target.hostname, port: Number(target.port || 5432), database: target.pathname.slice(1),
  user: decodeURIComponent(target.username), password: decodeURIComponent(target.password),
}, 4);
process.stdout.write(`${JSON.stringify({ url, links: standIns.control.url })}\n`);
const shutdown = () => {
  wrangler.removeAllListeners("exit");
  wrangler.kill("SIGTERM");
  process.exit(0);
};
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
