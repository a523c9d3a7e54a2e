// Runs the local S3-compatible store on its own (the dev stack and the tests start it in-process):
//   npm exec -- node scripts/s3-server.mjs [--port=4569] [--dir=.data/s3-store] [--bucket=mlflow-artifacts]
// Credentials and region are the local stack's (scripts/lib/stack.mjs LOCAL_S3). Loopback only.
import path from "node:path";
import { LOCAL_S3, ROOT } from "./lib/stack.mjs";
import { startS3Server } from "./lib/s3/server.mjs";

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, "").split("=")));
const store = await startS3Server({
  port: Number(args.port ?? 4569),
  dir: path.resolve(ROOT, args.dir ?? ".data/s3-store"),
  credentials: { [LOCAL_S3.accessKeyId]: LOCAL_S3.secretAccessKey },
  region: LOCAL_S3.region,
  buckets: [args.bucket ?? LOCAL_S3.bucket],
  log: (...m) => console.error(...m),
});
console.log(`S3 store on ${store.endpoint} (bucket ${args.bucket ?? LOCAL_S3.bucket}, access key ${LOCAL_S3.accessKeyId})`);
for (const signal of ["SIGINT", "SIGTERM"]) process.once(signal, () => store.stop().then(() => process.exit(0)));
