// Worker tests run inside workerd (@cloudflare/vitest-plugin) against a real Postgres: PGlite by
// default, or Debian's PostgreSQL when TEST_DB=postgres. test/worker/global-setup.mjs starts the
// database and the WebSocket proxy the Neon driver needs; the URL below is what the Worker sees.
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { testDatabase } from "./test/worker/test-database.mjs";

const db = testDatabase();

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          DATABASE_URL: db.url,
          DB_WS_PROXY: db.proxy,
          DEFAULT_ARTIFACT_ROOT: "mlflow-artifacts:/",
        },
      },
    }),
  ],
  test: {
    include: ["test/worker/**/*.test.ts", "test/unit/**/*.test.ts"],
    globalSetup: ["./test/worker/global-setup.mjs"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
