// The S3 server the Worker tests store artifacts in: our local store (scripts/lib/s3-server.mjs;
// it verifies SigV4), started by global-setup.mjs. vitest.config.ts (bindings) and the global setup run in the same process
// and must agree on the port, so it is fixed per test run: TEST_S3_PORT, or one in 20000-29999
// (below the ephemeral range) derived from the process id, so that engineers' concurrent runs do
// not share (or stop) each other's server.
//
// TEST_S3_ENDPOINT (with TEST_S3_BUCKET, TEST_S3_REGION, TEST_S3_ACCESS_KEY_ID,
// TEST_S3_SECRET_ACCESS_KEY and optionally S3_CONFORMANCE_PROFILE=aws) points the tests at another
// S3-compatible store instead, e.g. to run test/worker/s3-conformance.test.ts against it.
import os from "node:os";
import path from "node:path";
import { LOCAL_S3 } from "../../scripts/lib/stack.mjs";

export function testS3() {
  process.env.TEST_S3_PORT ??= String(20000 + (process.pid % 10000));
  const port = Number(process.env.TEST_S3_PORT);
  const external = process.env.TEST_S3_ENDPOINT;
  return {
    port,
    dir: path.join(os.tmpdir(), `edge-mlflow-worker-s3-${port}`),
    bindings: {
      S3_ENDPOINT: external ?? `http://127.0.0.1:${port}`,
      S3_BUCKET: external ? process.env.TEST_S3_BUCKET : LOCAL_S3.bucket,
      // A prefix, so the tests also prove that keys stay under it.
      S3_PREFIX: "worker-tests",
      S3_REGION: external ? process.env.TEST_S3_REGION : LOCAL_S3.region,
      S3_ACCESS_KEY_ID: external ? process.env.TEST_S3_ACCESS_KEY_ID : LOCAL_S3.accessKeyId,
      S3_SECRET_ACCESS_KEY: external ? process.env.TEST_S3_SECRET_ACCESS_KEY : LOCAL_S3.secretAccessKey,
      S3_CONFORMANCE_PROFILE: process.env.S3_CONFORMANCE_PROFILE ?? "r2",
    },
  };
}
