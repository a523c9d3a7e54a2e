// Which Postgres the Worker tests use, decided before vitest starts (bindings are static config).
//   TEST_DB=pglite (default): an in-memory PGlite
//   TEST_DB=postgres: Debian's PostgreSQL on 5432, a fresh database per run
// Ports (and the Postgres database name) are fixed per run, derived from the process id unless
// given, so that concurrent runs on one machine neither collide nor stop each other's servers.
// vitest.config.ts and the global setup run in the same process and therefore agree.
export function testDatabase() {
  const kind = process.env.TEST_DB ?? "pglite";
  process.env.TEST_WS_PROXY_PORT ??= String(30000 + (process.pid % 5000));
  const proxyPort = Number(process.env.TEST_WS_PROXY_PORT);
  if (kind === "postgres") {
    process.env.TEST_DB_NAME ??= `edge_mlflow_worker_tests_${process.pid}`;
    const name = process.env.TEST_DB_NAME;
    const base = process.env.TEST_POSTGRES_URL ?? "postgres://postgres:postgres@127.0.0.1:5432";
    return { kind, url: `${base}/${name}`, adminUrl: `${base}/postgres`, name, proxy: `127.0.0.1:${proxyPort}`, proxyPort };
  }
  process.env.TEST_PGLITE_PORT ??= String(35000 + (process.pid % 5000));
  const port = Number(process.env.TEST_PGLITE_PORT);
  return { kind, url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`, port, proxy: `127.0.0.1:${proxyPort}`, proxyPort };
}
