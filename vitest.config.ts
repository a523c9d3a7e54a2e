// Worker tests run inside workerd (@cloudflare/vitest-plugin) against a real Postgres: PGlite by
// default, or Debian's PostgreSQL when TEST_DB=postgres. test/worker/global-setup.mjs starts the
// database and the WebSocket proxy the Neon driver needs; the URL below is what the Worker sees.
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { jwksServerConfig } from "./test/worker/auth-jwks-server.mjs";
import { testDatabase } from "./test/worker/test-database.mjs";
import { testS3 } from "./test/worker/test-s3.mjs";

const db = testDatabase();
const s3 = testS3();

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          DATABASE_URL: db.url,
          DB_WS_PROXY: db.proxy,
          DEFAULT_ARTIFACT_ROOT: "mlflow-artifacts:/",
          ...s3.bindings,
          // Only the auth tests read it: where test/worker/auth-jwks-server.mjs serves their JWKS.
          AUTH_TEST_JWKS_BASE: jwksServerConfig().base,
        },
      },
    }),
  ],
  test: {
    include: ["test/worker/**/*.test.ts"],
    globalSetup: ["./test/worker/global-setup.mjs", "./test/worker/auth-jwks-server.mjs"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
