// `npm run dev`: the whole server on this machine with embedded defaults, no account needed.
// PGlite (persisted in .data/pglite) behind the local stand-ins for Neon's proxy (the HTTP SQL
// endpoint on :8791, the WebSocket proxy on :8790, their link control on :8792), an S3-compatible
// store in .data/s3-store (scripts/lib/s3), migrations applied, then `wrangler dev` on http://localhost:8787.
// Set DATABASE_URL to use another local Postgres (e.g. Debian's) instead of PGlite,
// DB_TRANSPORT=ws to use the WebSocket path, DB_ONE_WAY_DELAY_MS to put the database further away.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { migrate } from "./lib/migrate-core.mjs";
import { LOCAL_S3, ROOT, localWorkerVars, log, startDatabaseStandIns, startPglite, startS3, startWrangler } from "./lib/stack.mjs";

const PORT = Number(process.env.PORT ?? 8787);
const DATA = path.join(ROOT, ".data");

async function main() {
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    const pg = await startPglite({ port: 5433, dataDir: path.join(DATA, "pglite") });
    databaseUrl = pg.url;
    log(`PGlite on ${databaseUrl} (data in .data/pglite)`);
  }
  await migrate(databaseUrl, { log: (m) => log(m) });
  const standIns = await startDatabaseStandIns({ wsPort: 8790, httpPort: 8791, controlPort: 8792 });
  const s3 = await startS3({ port: 4569, dir: path.join(DATA, "s3-store") });
  log(`S3 store on ${s3.endpoint}, bucket ${LOCAL_S3.bucket}`);
  const server = await startWrangler({
    port: PORT,
    quiet: false,
    vars: { ...localWorkerVars({ databaseUrl, standIns, s3, transport: process.env.DB_TRANSPORT }), WEBHOOK_SECRET_ENCRYPTION_KEY: devWebhookKey() },
  });
  log(`MLflow tracking server ready: MLFLOW_TRACKING_URI=${server.url.replace("127.0.0.1", "localhost")}`);
  const shutdown = () => process.exit(0);
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}

/** A Fernet key for webhook secrets, made once per checkout (.data/webhook-key), so they survive restarts. */
function devWebhookKey() {
  const file = path.join(DATA, "webhook-key");
  if (!fs.existsSync(file)) {
    fs.mkdirSync(DATA, { recursive: true });
    fs.writeFileSync(file, crypto.randomBytes(32).toString("base64url") + "=", { mode: 0o600 });
  }
  return fs.readFileSync(file, "utf8").trim();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
