// Worker tests run inside workerd (@cloudflare/vitest-plugin) against a real Postgres: PGlite by
// default, or Debian's PostgreSQL when TEST_DB=postgres. test/worker/global-setup.mjs starts the
// database and the stand-ins for Neon's proxy the driver talks to (its HTTP SQL endpoint, the
// default transport, and its WebSocket proxy); the bindings below are what the Worker sees. Their
// ports are free ones, chosen here first (test/worker/test-ports.mjs).
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { jwksServerConfig } from "./test/worker/auth-jwks-server.mjs";
import { testDatabase } from "./test/worker/test-database.mjs";
import { reserveTestPorts } from "./test/worker/test-ports.mjs";
import { testS3 } from "./test/worker/test-s3.mjs";
import { webhookReceiverConfig } from "./test/worker/webhook-receiver.mjs";

export default defineConfig(async () => {
  await reserveTestPorts();
  const db = testDatabase();
  const s3 = testS3();
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            DATABASE_URL: db.url,
            DB_HTTP_ENDPOINT: db.httpEndpoint,
            DB_WS_PROXY: db.proxy,
            DEFAULT_ARTIFACT_ROOT: "mlflow-artifacts:/",
            ...s3.bindings,
            // Only the auth tests read it: where test/worker/auth-jwks-server.mjs serves their JWKS.
            AUTH_TEST_JWKS_BASE: jwksServerConfig().base,
            // Only the failure tests read it: host:port of a server that accepts and never answers.
            TEST_STALLED_ADDRESS: db.stalled,
            // Webhooks: the tests' receiver is on loopback (MLflow's MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS
            // and ALLOWED_SCHEMES, for tests only), a fixed test key for secrets, and a stand-in resolver.
            WEBHOOK_TEST_RECEIVER: webhookReceiverConfig().base,
            WEBHOOK_ALLOW_PRIVATE_IPS: "true",
            WEBHOOK_ALLOWED_SCHEMES: "http,https",
            WEBHOOK_SECRET_ENCRYPTION_KEY: "dGVzdC1rZXktZm9yLXdlYmhvb2stc2VjcmV0cy0zMmI=",
            WEBHOOK_DNS_RESOLVER: `${webhookReceiverConfig().base}/dns-query`,
          },
        },
      }),
    ],
    test: {
      include: ["test/worker/**/*.test.ts"],
      globalSetup: ["./test/worker/global-setup.mjs", "./test/worker/auth-jwks-server.mjs", "./test/worker/webhook-receiver.mjs"],
      testTimeout: 30_000,
      hookTimeout: 60_000,
    },
  };
});
