// Which Postgres the Worker tests use, decided before vitest starts (bindings are static config).
//   TEST_DB=pglite (default): an in-memory PGlite
//   TEST_DB=postgres: Debian's PostgreSQL on 5432, a fresh database per run
// The Worker reaches it through the local stand-in for Neon's HTTP SQL endpoint (the default
// transport) or the WebSocket proxy (tests that choose DB_TRANSPORT=ws). A "stalled" server, which
// accepts connections and never answers, stands in for a frozen database path.
// Ports are fixed per run: free ones chosen by vitest.config.ts (test-ports.mjs), or derived from
// the process id when run without it; the Postgres database name from the process id. vitest.config.ts
// and the global setup run in the same process and therefore agree.
export function testDatabase() {
  const kind = process.env.TEST_DB ?? "pglite";
  const offset = process.pid % 5000;
  process.env.TEST_WS_PROXY_PORT ??= String(30000 + offset);
  process.env.TEST_NEON_HTTP_PORT ??= String(10000 + offset);
  process.env.TEST_STALLED_PORT ??= String(15000 + offset);
  const proxyPort = Number(process.env.TEST_WS_PROXY_PORT);
  const httpPort = Number(process.env.TEST_NEON_HTTP_PORT);
  const stalledPort = Number(process.env.TEST_STALLED_PORT);
  const paths = {
    proxy: `127.0.0.1:${proxyPort}`,
    proxyPort,
    httpEndpoint: `http://127.0.0.1:${httpPort}/sql`,
    httpPort,
    stalled: `127.0.0.1:${stalledPort}`,
    stalledPort,
  };
  if (kind === "postgres") {
    process.env.TEST_DB_NAME ??= `edge_mlflow_worker_tests_${process.pid}`;
    const name = process.env.TEST_DB_NAME;
    const server = process.env.TEST_POSTGRES_URL ?? "postgres://postgres:postgres@127.0.0.1:5432";
    return { kind, url: `${server}/${name}`, adminUrl: `${server}/postgres`, name, ...paths };
  }
  process.env.TEST_PGLITE_PORT ??= String(35000 + offset);
  const port = Number(process.env.TEST_PGLITE_PORT);
  return { kind, url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`, port, ...paths };
}
