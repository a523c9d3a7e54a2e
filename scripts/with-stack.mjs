// Runs a command against a freshly started local stack, then tears the stack down:
//   node scripts/with-stack.mjs -- <command> [args...]
// The stack: a fresh database on Debian's PostgreSQL (127.0.0.1:5432), migrations, the stand-ins
// for Neon's proxy (HTTP SQL endpoint and WebSocket proxy), the S3 server and `wrangler dev` (on
// DB_TRANSPORT, default http). The command gets EDGE_MLFLOW_URL, EDGE_MLFLOW_DATABASE_URL,
// EDGE_MLFLOW_DB_LINKS (the link control of the database stand-ins and the S3 store, to simulate
// distance or an outage), EDGE_MLFLOW_SERVER_PID (wrangler's process, for memory readings) and the
// S3 settings (EDGE_MLFLOW_S3_*) in its environment. DB_TIMEOUT_MS and S3_TIMEOUT_MS, if set, go
// to the Worker. Exits with the command's status.
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { migrate } from "./lib/migrate-core.mjs";
import { freePort } from "./lib/ports.mjs";
import { LOCAL_S3, beforeSignalExit, dropDatabase, localWorkerVars, log, recreateDatabase, startDatabaseStandIns, startS3, startWrangler } from "./lib/stack.mjs";

// Free ports unless given, so concurrent stacks on one machine never collide (ports derived from the
// process id did, with other processes' outgoing connections in the ephemeral range).
const PORTS = { wrangler: Number(process.env.E2E_PORT ?? (await freePort())), s3: await freePort() };
const POSTGRES = process.env.TEST_POSTGRES_URL ?? "postgres://postgres:postgres@127.0.0.1:5432";
const DB_NAME = process.env.E2E_DB_NAME ?? `edge_mlflow_e2e_${process.pid}`;

async function main() {
  const sep = process.argv.indexOf("--");
  const command = process.argv.slice(sep + 1);
  if (sep < 0 || command.length === 0) throw new Error("usage: with-stack.mjs -- <command> [args...]");

  const databaseUrl = await recreateDatabase(POSTGRES, DB_NAME);
  // Stopped by a signal (a cancelled CI job, Ctrl-C): the database goes too.
  if (!process.env.E2E_KEEP_DB) beforeSignalExit(() => dropDatabase(POSTGRES, DB_NAME));
  await migrate(databaseUrl, { log: () => {} });
  const s3Dir = fs.mkdtempSync(path.join(os.tmpdir(), "edge-mlflow-s3-"));
  const s3 = await startS3({ port: PORTS.s3, dir: s3Dir, link: true });
  const standIns = await startDatabaseStandIns({ otherLinks: [s3.link] });
  // Webhooks: the suites' receivers listen on loopback (MLflow's development settings), and our
  // server and the reference (conftest.py passes this environment on) share one secret key, so
  // each reads the other's encrypted webhook secrets.
  const webhookKey = process.env.MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY ?? crypto.randomBytes(32).toString("base64url") + "=";
  const vars = {
    ...localWorkerVars({ databaseUrl, standIns, s3, transport: process.env.DB_TRANSPORT }),
    WEBHOOK_ALLOW_PRIVATE_IPS: "true",
    WEBHOOK_ALLOWED_SCHEMES: "http,https",
    WEBHOOK_SECRET_ENCRYPTION_KEY: webhookKey,
    // The fault tests shorten the deadlines so that a frozen path costs seconds, not the default 15/30.
    ...(process.env.DB_TIMEOUT_MS ? { DB_TIMEOUT_MS: process.env.DB_TIMEOUT_MS } : {}),
    ...(process.env.S3_TIMEOUT_MS ? { S3_TIMEOUT_MS: process.env.S3_TIMEOUT_MS } : {}),
  };
  const server = await startWrangler({ port: PORTS.wrangler, vars });
  log(`stack ready at ${server.url} (database ${DB_NAME})`);

  const child = spawn(command[0], command.slice(1), {
    stdio: "inherit",
    env: {
      ...process.env,
      EDGE_MLFLOW_URL: server.url,
      EDGE_MLFLOW_DATABASE_URL: databaseUrl,
      EDGE_MLFLOW_DB_LINKS: standIns.control.url,
      EDGE_MLFLOW_SERVER_PID: String(server.pid),
      EDGE_MLFLOW_S3_ENDPOINT: s3.endpoint,
      EDGE_MLFLOW_S3_BUCKET: LOCAL_S3.bucket,
      EDGE_MLFLOW_S3_REGION: LOCAL_S3.region,
      EDGE_MLFLOW_S3_ACCESS_KEY_ID: LOCAL_S3.accessKeyId,
      EDGE_MLFLOW_S3_SECRET_ACCESS_KEY: LOCAL_S3.secretAccessKey,
      MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY: webhookKey,
    },
  });
  const code = await new Promise((resolve) => child.on("exit", (c, signal) => resolve(c ?? (signal ? 1 : 0))));
  server.stop();
  await standIns.stop();
  await s3.stop();
  fs.rmSync(s3Dir, { recursive: true, force: true });
  if (!process.env.E2E_KEEP_DB) await dropDatabase(POSTGRES, DB_NAME);
  process.exit(code);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
