// Child process that runs our server for the benchmark: the WebSocket proxy standing in for Neon's,
// the S3 server standing in for R2, and `wrangler dev` (workerd). The benchmark counts the memory of
// this process group minus this process, i.e. wrangler and workerd only.
// Env: BENCH_DATABASE_URL, BENCH_PORT, BENCH_PROXY_PORT, BENCH_S3_PORT, BENCH_S3_DIR.
// Prints one JSON line {"url": ...} on stdout when the server answers /health.
import { LOCAL_S3, startS3, startWrangler, startWsProxy } from "../../scripts/lib/stack.mjs";

const env = process.env;
const proxy = await startWsProxy({ port: Number(env.BENCH_PROXY_PORT) });
const s3 = await startS3({ port: Number(env.BENCH_S3_PORT), dir: env.BENCH_S3_DIR });
const server = await startWrangler({
  port: Number(env.BENCH_PORT),
  vars: {
    DATABASE_URL: env.BENCH_DATABASE_URL,
    DB_WS_PROXY: proxy.address,
    DEFAULT_ARTIFACT_ROOT: "mlflow-artifacts:/",
    AUTH_MODE: "off", // the reference runs without authentication too
    S3_ENDPOINT: s3.endpoint,
    S3_BUCKET: LOCAL_S3.bucket,
    S3_REGION: LOCAL_S3.region,
    S3_ACCESS_KEY_ID: LOCAL_S3.accessKeyId,
    S3_SECRET_ACCESS_KEY: LOCAL_S3.secretAccessKey,
  },
});
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
const shutdown = () => process.exit(0);
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
