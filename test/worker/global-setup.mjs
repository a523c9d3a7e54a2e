// Starts the test database, the stand-ins for Neon's proxy (HTTP SQL endpoint and WebSocket proxy),
// a stalled server for the deadline tests, and the S3 server (in Node, before the workerd runtime).
import pg from "pg";
import { migrate } from "../../scripts/lib/migrate-core.mjs";
import fs from "node:fs";
import { startNeonHttp, startPglite, startS3, startWsProxy } from "../../scripts/lib/stack.mjs";
import { startStalledServer } from "./stalled-server.mjs";
import { testDatabase } from "./test-database.mjs";
import { testS3 } from "./test-s3.mjs";

export default async function setup() {
  const db = testDatabase();
  const stops = [];
  if (db.kind === "postgres") {
    const admin = new pg.Client({ connectionString: db.adminUrl });
    await admin.connect();
    await admin.query(`drop database if exists "${db.name}" with (force)`);
    await admin.query(`create database "${db.name}"`);
    await admin.end();
    // Registered first, so it runs last: after the stand-ins have closed every connection.
    stops.push(async () => {
      const cleanup = new pg.Client({ connectionString: db.adminUrl });
      await cleanup.connect();
      await cleanup.query(`drop database if exists "${db.name}" with (force)`);
      await cleanup.end();
    });
  } else {
    const pglite = await startPglite({ port: db.port });
    stops.push(pglite.stop);
  }
  await migrate(db.url, { log: () => {} });
  const proxy = await startWsProxy({ port: db.proxyPort });
  stops.push(proxy.stop);
  const http = await startNeonHttp({ port: db.httpPort });
  stops.push(http.stop);
  const stalled = await startStalledServer({ port: db.stalledPort });
  stops.push(stalled.stop);
  // Artifact storage: a fresh, empty bucket directory per run (the port is per run, see test-s3.mjs).
  const s3 = testS3();
  fs.rmSync(s3.dir, { recursive: true, force: true });
  const store = await startS3({ port: s3.port, dir: s3.dir });
  stops.push(async () => {
    await store.stop();
    fs.rmSync(s3.dir, { recursive: true, force: true });
  });
  return async () => {
    for (const stop of stops.reverse()) await stop();
  };
}
