// Runs a command against a freshly started local stack, then tears the stack down:
//   node scripts/with-stack.mjs -- <command> [args...]
// The stack: a fresh database on Debian's PostgreSQL (127.0.0.1:5432), migrations, the WebSocket
// proxy, the S3 server and `wrangler dev`. The command gets EDGE_MLFLOW_URL,
// EDGE_MLFLOW_DATABASE_URL and the S3 settings in its environment. Exits with the command's status.
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { migrate } from "./lib/migrate-core.mjs";
import { freePort } from "./lib/ports.mjs";
import { LOCAL_S3, dropDatabase, localWorkerVars, log, recreateDatabase, startS3, startWrangler, startWsProxy } from "./lib/stack.mjs";

const POSTGRES = process.env.TEST_POSTGRES_URL ?? "postgres://postgres:postgres@127.0.0.1:5432";
const DB_NAME = process.env.E2E_DB_NAME ?? `edge_mlflow_e2e_${process.pid}`;

async function main() {
  // Free ports from the kernel (E2E_PORT pins the Worker's), so concurrent stacks never collide.
  const PORTS = { wrangler: Number(process.env.E2E_PORT ?? 0) || (await freePort()), proxy: await freePort(), s3: await freePort() };
  const sep = process.argv.indexOf("--");
  const command = process.argv.slice(sep + 1);
  if (sep < 0 || command.length === 0) throw new Error("usage: with-stack.mjs -- <command> [args...]");

  const databaseUrl = await recreateDatabase(POSTGRES, DB_NAME);
  await migrate(databaseUrl, { log: () => {} });
  const proxy = await startWsProxy({ port: PORTS.proxy });
  const s3Dir = fs.mkdtempSync(path.join(os.tmpdir(), "edge-mlflow-s3-"));
  const s3 = await startS3({ port: PORTS.s3, dir: s3Dir });
  // Webhooks: the suites' receivers listen on loopback (MLflow's development settings), and our
  // server and the reference (conftest.py passes this environment on) share one secret key, so
  // each reads the other's encrypted webhook secrets.
  const webhookKey = process.env.MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY ?? crypto.randomBytes(32).toString("base64url") + "=";
  const vars = {
    ...localWorkerVars({ databaseUrl, proxy, s3 }),
    WEBHOOK_ALLOW_PRIVATE_IPS: "true",
    WEBHOOK_ALLOWED_SCHEMES: "http,https",
    WEBHOOK_SECRET_ENCRYPTION_KEY: webhookKey,
  };
  const server = await startWrangler({ port: PORTS.wrangler, vars });
  log(`stack ready at ${server.url} (database ${DB_NAME})`);

  const child = spawn(command[0], command.slice(1), {
    stdio: "inherit",
    env: {
      ...process.env,
      EDGE_MLFLOW_URL: server.url,
      EDGE_MLFLOW_DATABASE_URL: databaseUrl,
      EDGE_MLFLOW_S3_ENDPOINT: s3.endpoint,
      EDGE_MLFLOW_S3_BUCKET: LOCAL_S3.bucket,
      MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY: webhookKey,
    },
  });
  const code = await new Promise((resolve) => child.on("exit", (c, signal) => resolve(c ?? (signal ? 1 : 0))));
  server.stop();
  await proxy.stop();
  await s3.stop();
  fs.rmSync(s3Dir, { recursive: true, force: true });
  if (!process.env.E2E_KEEP_DB) await dropDatabase(POSTGRES, DB_NAME);
  process.exit(code);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
