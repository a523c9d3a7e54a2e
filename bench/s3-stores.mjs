// Speed of an S3-compatible store, for choosing the local store (README "The local object store").
//   npm exec -- node bench/s3-stores.mjs                 our store (scripts/s3-server.mjs, a child process)
//   npm exec -- node bench/s3-stores.mjs --endpoint=URL --bucket=B --key=K --secret=S [--region=R] [--pid=N]
// The second form measures any other store started by hand (moto, SeaweedFS, wrangler's local R2…);
// --pid names its process for the memory figure. Fidelity is measured separately, by
// test/worker/s3-conformance.test.ts with TEST_S3_ENDPOINT pointing at the store.
// Every figure is a wall-clock median over 3 rounds on this machine; nothing here asserts speed.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { AwsClient } from "aws4fetch";
import { freePort } from "../scripts/lib/ports.mjs";
import { LOCAL_S3, ROOT, waitFor } from "../scripts/lib/stack.mjs";

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, "").split(/=(.*)/s).slice(0, 2)));
const MiB = 1024 * 1024;
const ROUNDS = 3;

let child;
let cfg;
if (args.endpoint) {
  cfg = { endpoint: args.endpoint.replace(/\/$/, ""), bucket: args.bucket, key: args.key, secret: args.secret, region: args.region ?? "auto", pid: args.pid };
} else {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "s3-bench-"));
  const started = Date.now();
  child = spawn(process.execPath, [path.join(ROOT, "scripts/s3-server.mjs"), `--port=${port}`, `--dir=${dir}`], { stdio: ["ignore", "ignore", "inherit"] });
  process.on("exit", () => {
    child.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  cfg = { endpoint: `http://127.0.0.1:${port}`, bucket: LOCAL_S3.bucket, key: LOCAL_S3.accessKeyId, secret: LOCAL_S3.secretAccessKey, region: LOCAL_S3.region, pid: child.pid };
  await waitFor("the store", async () => (await fetch(cfg.endpoint)).status === 403, 30_000);
  console.log(`startup: ${Date.now() - started} ms`);
}

const aws = new AwsClient({ accessKeyId: cfg.key, secretAccessKey: cfg.secret, service: "s3", region: cfg.region, retries: 0 });
const url = (key, query) => `${cfg.endpoint}/${cfg.bucket}/${key.split("/").map(encodeURIComponent).join("/")}${query ? `?${new URLSearchParams(query)}` : ""}`;
async function ok(res) {
  if (!res.ok) throw new Error(`HTTP ${res.status}: ${(await res.text()).slice(0, 300)}`);
  return res;
}
const put = async (key, body) => (await ok(await aws.fetch(url(key), { method: "PUT", body, headers: { "content-length": String(body.length) } }))).body?.cancel();
const get = async (key) => (await ok(await aws.fetch(url(key)))).arrayBuffer();

async function parallel(n, width, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < n) await fn(next++);
  }));
}

function peakRss(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(/VmHWM:\s+(\d+)/.exec(status)[1]) / 1024;
  } catch {
    return undefined;
  }
}

async function median(fn) {
  const times = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t = performance.now();
    await fn(i);
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[1];
}

const run = `bench-${Date.now()}`;
const small = new Uint8Array(4096).fill(7);
const mib = new Uint8Array(MiB).fill(9);
const big = new Uint8Array(256 * MiB).fill(3);
const rows = [];
/** Measures one operation; a store that fails it gets "failed" and the reason, not a number. */
async function row(what, measure, unit, amount) {
  try {
    const ms = await measure;
    rows.push([what, `${ms.toFixed(0)} ms`, unit === "ops" ? `${((amount * 1000) / ms).toFixed(0)} ops/s` : `${((amount * 1000) / ms / MiB).toFixed(0)} MiB/s`]);
  } catch (err) {
    rows.push([what, "failed", String(err.message).split("\n")[0].slice(0, 60)]);
  }
}

await row("PUT 4 KiB × 400, 8 at a time", median((r) => parallel(400, 8, (i) => put(`${run}/small-${r}/${i}`, small))), "ops", 400);
await row("GET 4 KiB × 400, 8 at a time", median((r) => parallel(400, 8, (i) => get(`${run}/small-${r}/${i}`))), "ops", 400);
await row("PUT 1 MiB × 64, 4 at a time", median((r) => parallel(64, 4, (i) => put(`${run}/mib-${r}/${i}`, mib))), "bytes", 64 * MiB);
await row("GET 1 MiB × 64, 4 at a time", median((r) => parallel(64, 4, (i) => get(`${run}/mib-${r}/${i}`))), "bytes", 64 * MiB);
await row("PUT 256 MiB", median((r) => put(`${run}/big-${r}`, big)), "bytes", 256 * MiB);
await row("GET 256 MiB", median((r) => get(`${run}/big-${r}`)), "bytes", 256 * MiB);
await parallel(2500, 16, (i) => put(`${run}/dir/f${String(i).padStart(5, "0")}`, small.subarray(0, 1)));
await row(
  "ListObjectsV2 of 2,500 keys, delimiter '/', 3 pages",
  median(async () => {
    let token;
    let n = 0;
    do {
      const q = { "list-type": "2", prefix: `${run}/dir/`, delimiter: "/" };
      if (token) q["continuation-token"] = token;
      const text = await (await ok(await aws.fetch(`${cfg.endpoint}/${cfg.bucket}?${new URLSearchParams(q)}`))).text();
      n += (text.match(/<Key>/g) ?? []).length;
      token = /<IsTruncated>true<\/IsTruncated>/.test(text) ? /<NextContinuationToken>([^<]+)</.exec(text)?.[1] : undefined;
    } while (token);
    if (n !== 2500) throw new Error(`listed ${n} keys, not 2,500 (a store that cannot page fails here)`);
  }),
  "ops",
  3,
);
await row(
  "multipart: create, 3 × 8 MiB parts, complete",
  median(async (r) => {
    const key = `${run}/mpu-${r}`;
    const created = await (await ok(await aws.fetch(url(key, { uploads: "" }), { method: "POST" }))).text();
    const uploadId = /<UploadId>([^<]+)</.exec(created)[1];
    const part = big.subarray(0, 8 * MiB);
    const etags = [];
    for (let n = 1; n <= 3; n++) {
      const res = await ok(await aws.fetch(url(key, { partNumber: String(n), uploadId }), { method: "PUT", body: part, headers: { "content-length": String(part.length) } }));
      etags.push(res.headers.get("etag"));
    }
    const xml = `<CompleteMultipartUpload>${etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e}</ETag></Part>`).join("")}</CompleteMultipartUpload>`;
    await ok(await aws.fetch(url(key, { uploadId }), { method: "POST", body: xml }));
  }),
  "bytes",
  24 * MiB,
);
// What an atomic proxy upload costs on this store, per strategy (src/artifacts/atomic-upload.ts):
// one PutObject (what a buffered body costs), a single-part multipart upload (create, part,
// complete), or a PUT to a temporary key published with CopyObject (plus the DeleteObject the
// Worker would leave to waitUntil). Median of 9 uploads, one at a time.
const strategies = {
  "PutObject": async (key, body) => put(key, body),
  "multipart, one part": async (key, body) => {
    const created = await (await ok(await aws.fetch(url(key, { uploads: "" }), { method: "POST" }))).text();
    const uploadId = /<UploadId>([^<]+)</.exec(created)[1];
    const res = await ok(await aws.fetch(url(key, { partNumber: "1", uploadId }), { method: "PUT", body, headers: { "content-length": String(body.length) } }));
    const xml = `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${res.headers.get("etag")}</ETag></Part></CompleteMultipartUpload>`;
    await (await ok(await aws.fetch(url(key, { uploadId }), { method: "POST", body: xml }))).text();
  },
  "temporary key + CopyObject": async (key, body) => {
    const tmp = `${key}.tmp`;
    await put(tmp, body);
    await (await ok(await aws.fetch(url(key), { method: "PUT", headers: { "x-amz-copy-source": `/${cfg.bucket}/${tmp}` } }))).text();
    await (await ok(await aws.fetch(url(tmp), { method: "DELETE" }))).body?.cancel();
  },
};
const uploadRows = [];
for (const size of [1024, MiB, 8 * MiB, 64 * MiB]) {
  const body = big.subarray(0, size);
  const cells = [];
  for (const [name, upload] of Object.entries(strategies)) {
    try {
      const times = [];
      for (let i = 0; i < 9; i++) {
        const t = performance.now();
        await upload(`${run}/strategy/${size}/${i}`, body);
        times.push(performance.now() - t);
      }
      cells.push(`${name} ${times.sort((a, b) => a - b)[4].toFixed(1)} ms`);
    } catch (err) {
      cells.push(`${name} failed`);
    }
  }
  uploadRows.push(`${String(size / 1024).padStart(6)} KiB: ${cells.join(" | ")}`);
}
const rss = cfg.pid ? peakRss(cfg.pid) : undefined;
console.log(`store: ${cfg.endpoint}${rss ? `, peak RSS ${rss.toFixed(0)} MB` : ""}`);
for (const [what, ms, rate] of rows) console.log(`${what.padEnd(52)} ${ms.padStart(9)}  ${rate}`);
console.log("atomic upload strategies (median of 9, one at a time):");
for (const line of uploadRows) console.log(`  ${line}`);
process.exit(0);
