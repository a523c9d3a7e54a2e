// Issue 4's artifact benchmark: one large file up and down along every path a client can take —
// through our Worker's proxy (mlflow-artifacts PUT/GET), through multipart (mpu/create → parts PUT
// straight to the presigned URLs → mpu/complete, as the MLflow client does; downloads as ranged GETs
// of the presigned URL), straight to the S3 server with a SigV4 signature from aws4fetch (the
// baseline: what the storage itself can do here), and through the reference server's proxy.
// It reports throughput and the peak RSS of our workerd process while each transfer runs.
import fs from "node:fs";
import http from "node:http";
import { AwsClient } from "aws4fetch";
import { LOCAL_S3 } from "../../scripts/lib/stack.mjs";
import { groupMembers } from "./procs.mjs";
import { transfer } from "./stream-load.mjs";

const MiB = 1 << 20;
const PART = 10 * MiB; // the part size of the issue (MLflow's default is 10 MiB too)
const PARALLEL = 4; // parts in flight at once; the MLflow client uses a thread pool for them
const ARTIFACTS = "/api/2.0/mlflow-artifacts";

export const ARTIFACT_SIZES = { quick: 64 * MiB, full: 1 << 30 };

/** pids of the processes in a group whose command line matches `re`. */
function pidsOf(pgid, re) {
  return groupMembers(pgid).map((m) => m.pid).filter((pid) => {
    try {
      return re.test(fs.readFileSync(`/proc/${pid}/cmdline`, "utf8"));
    } catch {
      return false;
    }
  });
}

/** Peak summed RSS (MB) of `pids`, sampled from /proc every 100 ms until stop(). */
function peakRss(pids) {
  let peak = 0;
  const sample = () => {
    let kb = 0;
    for (const pid of pids) {
      try {
        kb += Number(fs.readFileSync(`/proc/${pid}/statm`, "utf8").split(" ")[1]) * 4;
      } catch {}
    }
    peak = Math.max(peak, kb);
  };
  sample();
  const timer = setInterval(sample, 100);
  return () => (clearInterval(timer), sample(), Math.round(peak / 1024));
}

async function ok(res, what) {
  if (res.status >= 300) throw new Error(`${what}: HTTP ${res.status} ${res.head ?? ""}`.slice(0, 400));
  return res;
}

/** Runs `jobs` (functions returning promises) with at most `n` at once. */
async function pool(jobs, n) {
  const results = new Array(jobs.length);
  let nextJob = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (nextJob < jobs.length) {
      const i = nextJob++;
      results[i] = await jobs[i]();
    }
  }));
  return results;
}

const jsonPost = async (url, body) => {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${url}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
};

async function multipartUpload(base, dir, name, size) {
  const numParts = Math.ceil(size / PART);
  const created = await jsonPost(`${base}${ARTIFACTS}/mpu/create/${dir}`, { path: name, num_parts: numParts });
  const agent = new http.Agent({ keepAlive: true, maxSockets: PARALLEL });
  try {
    const parts = await pool(created.credentials.map((cred, i) => async () => {
      const n = Math.min(PART, size - i * PART);
      const res = await ok(await transfer(agent, new URL(cred.url), { method: "PUT", size: n, headers: cred.headers }), `part ${cred.part_number}`);
      return { part_number: cred.part_number, etag: res.headers.etag, url: cred.url };
    }), PARALLEL);
    await jsonPost(`${base}${ARTIFACTS}/mpu/complete/${dir}`, { path: name, upload_id: created.upload_id, parts });
  } finally {
    agent.destroy();
  }
  return size;
}

async function multipartDownload(base, path) {
  const res = await fetch(`${base}${ARTIFACTS}/presigned/${path}`);
  if (!res.ok) throw new Error(`presigned: HTTP ${res.status} ${await res.text()}`);
  const { url, headers, file_size: size } = await res.json();
  const agent = new http.Agent({ keepAlive: true, maxSockets: PARALLEL });
  try {
    const bytes = await pool(Array.from({ length: Math.ceil(size / PART) }, (_, i) => async () => {
      const range = `bytes=${i * PART}-${Math.min(size, (i + 1) * PART) - 1}`;
      return (await ok(await transfer(agent, new URL(url), { method: "GET", headers: { ...headers, range } }), `range ${range}`)).bytes;
    }), PARALLEL);
    return bytes.reduce((a, b) => a + b, 0);
  } finally {
    agent.destroy();
  }
}

async function signed(aws, url, method, size) {
  const headers = { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" };
  if (method === "PUT") Object.assign(headers, { "content-length": String(size), "content-type": "application/octet-stream" });
  const req = await aws.sign(url, { method, headers });
  return Object.fromEntries(req.headers);
}

/** The scenario: rows of { path, direction, mb, seconds, mbps, workerdMb, referenceMb }. */
export function artifactScenario({ full }) {
  const size = full ? ARTIFACT_SIZES.full : ARTIFACT_SIZES.quick;
  const label = size >= 1 << 30 ? `${size / (1 << 30)} GiB` : `${size / MiB} MiB`;
  return {
    id: "artifacts-large",
    title: `artifacts ${label}: proxy, multipart, direct S3`,
    kind: "artifacts",
    custom: async ({ servers, log }) => {
      const [ref, ours] = servers;
      const workerd = pidsOf(ours.pgid, /workerd/);
      const aws = new AwsClient({ accessKeyId: LOCAL_S3.accessKeyId, secretAccessKey: LOCAL_S3.secretAccessKey, region: LOCAL_S3.region, service: "s3", retries: 0 });
      const s3Url = (key) => `${ours.s3Endpoint}/${LOCAL_S3.bucket}/${key}`;
      const dir = `bench/large-${Date.now()}/artifacts`; // a run's artifact folder, where the proxy accepts writes
      const paths = [
        ["ours: Worker proxy", "up", () => transfer(undefined, new URL(`${ARTIFACTS}/artifacts/${dir}/proxy.bin`, ours.url), { method: "PUT", size }).then((r) => ok(r, "PUT")).then(() => size)],
        ["ours: Worker proxy", "down", () => transfer(undefined, new URL(`${ARTIFACTS}/artifacts/${dir}/proxy.bin`, ours.url), { method: "GET" }).then((r) => ok(r, "GET")).then((r) => r.bytes)],
        ["ours: multipart, presigned", "up", () => multipartUpload(ours.url, dir, "mpu.bin", size)],
        ["ours: multipart, presigned", "down", () => multipartDownload(ours.url, `${dir}/mpu.bin`)],
        ["S3 direct (aws4fetch)", "up", async () => (await ok(await transfer(undefined, new URL(s3Url(`${dir}/direct.bin`)), { method: "PUT", size, headers: await signed(aws, s3Url(`${dir}/direct.bin`), "PUT", size) }), "S3 PUT"), size)],
        ["S3 direct (aws4fetch)", "down", async () => (await ok(await transfer(undefined, new URL(s3Url(`${dir}/direct.bin`)), { method: "GET", headers: await signed(aws, s3Url(`${dir}/direct.bin`), "GET") }), "S3 GET")).bytes],
        ["reference: mlflow proxy", "up", () => transfer(undefined, new URL(`${ARTIFACTS}/artifacts/${dir}/proxy.bin`, ref.url), { method: "PUT", size }).then((r) => ok(r, "PUT")).then(() => size)],
        ["reference: mlflow proxy", "down", () => transfer(undefined, new URL(`${ARTIFACTS}/artifacts/${dir}/proxy.bin`, ref.url), { method: "GET" }).then((r) => ok(r, "GET")).then((r) => r.bytes)],
      ];
      const rows = [];
      for (const [path, direction, run] of paths) {
        const workerdBeforeMb = peakRss(workerd)();
        const stopOurs = peakRss(workerd);
        const stopRef = peakRss(groupMembers(ref.pgid).map((m) => m.pid));
        const t0 = performance.now();
        let bytes;
        let error;
        try {
          bytes = await run();
        } catch (err) {
          error = String(err.message ?? err);
        }
        const seconds = (performance.now() - t0) / 1000;
        const workerdMb = stopOurs();
        const referenceMb = stopRef();
        if (!error && bytes !== size) error = `moved ${bytes} bytes, expected ${size}`;
        const mbps = error ? null : Math.round((size / 1e6 / seconds) * 10) / 10;
        log(`${path} ${direction}: ${error ? `FAILED ${error}` : `${mbps} MB/s`}, workerd peak ${workerdMb} MB`);
        rows.push({ id: "artifacts-large", kind: "artifacts", status: error ? "failed" : "ok", note: error, path, direction, bytes: size, seconds: Math.round(seconds * 100) / 100, mbps, workerdBeforeMb, workerdMb, referenceMb });
      }
      return rows;
    },
  };
}

export function artifactTable(rows) {
  const head = `${"path".padEnd(28)} ${"dir".padEnd(5)} ${"MB/s".padStart(8)} ${"seconds".padStart(8)} ${"workerd RSS MB before → peak".padStart(29)} ${"reference peak RSS MB".padStart(22)}`;
  const lines = [head, "-".repeat(head.length)];
  for (const r of rows) {
    lines.push(`${r.path.padEnd(28)} ${r.direction.padEnd(5)} ${String(r.mbps ?? "FAILED").padStart(8)} ${String(r.seconds).padStart(8)} ${`${r.workerdBeforeMb} → ${r.workerdMb}`.padStart(29)} ${String(r.referenceMb).padStart(22)}${r.note ? `  ${r.note}` : ""}`);
  }
  return lines.join("\n");
}
