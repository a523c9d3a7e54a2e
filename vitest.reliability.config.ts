// The reliability suite (test/reliability): Node, against a live stack that scripts/with-stack.mjs
// starts (npm run test:reliability). One file at a time: they load the same server.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/reliability/**/*.test.ts"],
    environment: "node",
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 120_000,
  },
});
