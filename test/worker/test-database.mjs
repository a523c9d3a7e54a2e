// Which Postgres the Worker tests use, decided before vitest starts (bindings are static config).
//   TEST_DB=pglite (default): an in-memory PGlite on port 5434
//   TEST_DB=postgres: Debian's PostgreSQL on 5432, a fresh database per run
export function testDatabase() {
  const kind = process.env.TEST_DB ?? "pglite";
  const proxyPort = Number(process.env.TEST_WS_PROXY_PORT ?? 8791);
  if (kind === "postgres") {
    const name = process.env.TEST_DB_NAME ?? "edge_mlflow_worker_tests";
    const base = process.env.TEST_POSTGRES_URL ?? "postgres://postgres:postgres@127.0.0.1:5432";
    return { kind, url: `${base}/${name}`, adminUrl: `${base}/postgres`, name, proxy: `127.0.0.1:${proxyPort}`, proxyPort };
  }
  const port = Number(process.env.TEST_PGLITE_PORT ?? 5434);
  return { kind, url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`, port, proxy: `127.0.0.1:${proxyPort}`, proxyPort };
}
