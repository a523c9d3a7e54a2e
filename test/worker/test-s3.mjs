// The S3 server the Worker tests store artifacts in: @20minutes/s3rver (it verifies SigV4), started
// by global-setup.mjs on a fixed port (TEST_S3_PORT, default 4570) so vitest.config.ts can bind it.
import os from "node:os";
import path from "node:path";
import { LOCAL_S3 } from "../../scripts/lib/stack.mjs";

export function testS3() {
  const port = Number(process.env.TEST_S3_PORT ?? 4570);
  return {
    port,
    dir: path.join(os.tmpdir(), `edge-mlflow-worker-s3-${port}`),
    bindings: {
      S3_ENDPOINT: `http://127.0.0.1:${port}`,
      S3_BUCKET: LOCAL_S3.bucket,
      // A prefix, so the tests also prove that keys stay under it.
      S3_PREFIX: "worker-tests",
      S3_REGION: LOCAL_S3.region,
      S3_ACCESS_KEY_ID: LOCAL_S3.accessKeyId,
      S3_SECRET_ACCESS_KEY: LOCAL_S3.secretAccessKey,
    },
  };
}
