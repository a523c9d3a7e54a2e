// Pure unit tests (no Worker runtime, no database): plain Node environment.
// Run with `npm exec -- vitest run -c vitest.unit.config.ts`.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/unit/**/*.test.ts"],
    environment: "node",
  },
});
