// The path-traversal corpus against every artifact route: each attempt is rejected with
// INVALID_PARAMETER_VALUE, and nothing inside or outside the store prefix is read, written or
// deleted.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PREFIX, bucket, json, put, send } from "./artifacts-helpers";
import { api, newRun } from "./helpers";

const INSIDE = `${PREFIX}/secret/sentinel.txt`; // in the store, outside any run
const OUTSIDE = "outside/secret.txt"; // in the bucket, outside the store prefix
let runId = "";
let modelId = "";

/** Bucket state: every key with its size (the test bucket is small enough for one page). */
async function snapshot(): Promise<Map<string, number>> {
  const page = await bucket.list("");
  return new Map(page.objects.map((o) => [o.key, o.size]));
}

let before: Map<string, number>;

beforeAll(async () => {
  await bucket.put(OUTSIDE, new Blob(["outside"]).stream(), 7);
  // Straight into the bucket: the proxy only writes inside artifact folders.
  await bucket.put(INSIDE, new Blob(["inside"]).stream(), 6);
  runId = await newRun();
  const run = await api.get("/runs/get", { run_id: runId });
  const root = (run.body.run.info.artifact_uri as string).replace(/^mlflow-artifacts:\/+/, "");
  expect((await put(`${root}/ok.txt`, "ok")).status).toBe(200);
  const model = await api.post("/logged-models", { experiment_id: run.body.run.info.experiment_id, name: "sec" });
  modelId = model.body.model.info.model_id;
  before = await snapshot();
});

afterAll(async () => {
  // Nothing was written or deleted anywhere in the bucket, and the sentinels are intact.
  const after = await snapshot();
  for (const [key, size] of before) expect(after.get(key), key).toBe(size);
  // Other test files share the bucket; their keys all live under run-like roots.
  for (const key of after.keys()) {
    if (!before.has(key)) expect(key).toMatch(new RegExp(`^${PREFIX}/\\d+/[0-9a-f]{32}/artifacts/`));
  }
  expect(await (await bucket.get(INSIDE)).text()).toBe("inside");
  expect(await (await bucket.get(OUTSIDE)).text()).toBe("outside");
});

/** Raw URL-path attacks that reach the Worker unchanged (the URL parser leaves them alone). */
const URL_ATTACKS = [
  "..%2fsecret%2fsentinel.txt",
  "..%2F..%2F..%2Foutside%2Fsecret.txt",
  "1/..%2f..%2fsecret/sentinel.txt",
  "%2e%2e%2fsecret%2fsentinel.txt",
  "%252e%252e/%252e%252e/secret/sentinel.txt",
  "%252e%252e%252fsecret",
  "..%5c..%5csecret%5csentinel.txt",
  "a%5cb.txt",
  "%5c%5cserver%5cshare",
  "x%00.txt",
  "x%0a.txt",
  "x%23y.txt",
  "..%3b/secret/sentinel.txt",
  "x;jsessionid=1/y.txt",
  "file%3a%2f%2f%2fetc%2fpasswd",
  "file:///etc/passwd",
  "s3:%2f%2fmlflow-artifacts%2foutside%2fsecret.txt",
  "%2fsecret%2fsentinel.txt",
  "C%3a%5cWindows%5cwin.ini",
  "%",
  "%c0%ae%c0%ae/secret",
];

/** Decoded attacks for query and body fields. */
const VALUE_ATTACKS = [
  "..",
  "../secret/sentinel.txt",
  "../../outside/secret.txt",
  "a/../../secret",
  "/secret/sentinel.txt",
  "%2e%2e/secret",
  "%252e%252e/secret",
  "..\\secret",
  "a\\b",
  "a#b",
  "a\u0000b",
  "a;b",
  "file:///etc/passwd",
  "s3://mlflow-artifacts/outside/secret.txt",
  "http://169.254.169.254/latest",
  "C:\\x",
];

async function expectInvalid(res: Response, what: string): Promise<void> {
  expect(res.status, what).toBe(400);
  const body = await json(res);
  expect(body.error_code, what).toBe("INVALID_PARAMETER_VALUE");
}

const JSON_HEADERS = { "content-type": "application/json" };

describe.each(["/api/2.0/mlflow-artifacts", "/ajax-api/2.0/mlflow-artifacts"])("%s routes reject traversal in the URL path", (proxy) => {
  it.each(URL_ATTACKS)("%s", async (attack) => {
    await expectInvalid(await send("PUT", `${proxy}/artifacts/${attack}`, { body: "pwned", headers: { "content-length": "5" } }), `PUT ${attack}`);
    await expectInvalid(await send("GET", `${proxy}/artifacts/${attack}`), `GET ${attack}`);
    await expectInvalid(await send("DELETE", `${proxy}/artifacts/${attack}`), `DELETE ${attack}`);
    await expectInvalid(await send("GET", `${proxy}/presigned/${attack}`), `presigned ${attack}`);
    for (const op of ["create", "complete", "abort"]) {
      const body = JSON.stringify({ path: "f.bin", num_parts: 1, upload_id: "u", parts: [{ part_number: 1, etag: "e" }] });
      await expectInvalid(await send("POST", `${proxy}/mpu/${op}/${attack}`, { body, headers: JSON_HEADERS }), `mpu/${op} ${attack}`);
    }
  });
});

describe("query and body paths", () => {
  it.each(VALUE_ATTACKS)("%j is rejected by every route", async (attack) => {
    const q = encodeURIComponent(attack);
    await expectInvalid(await send("GET", `/api/2.0/mlflow-artifacts/artifacts?path=${q}`), "list");
    await expectInvalid(await send("GET", `/api/2.0/mlflow/artifacts/list?run_id=${runId}&path=${q}`), "artifacts/list");
    await expectInvalid(await send("GET", `/ajax-api/2.0/mlflow/artifacts/list?run_uuid=${runId}&path=${q}`), "ajax artifacts/list");
    await expectInvalid(await send("GET", `/get-artifact?run_uuid=${runId}&path=${q}`), "get-artifact");
    await expectInvalid(await send("GET", `/model-versions/get-artifact?name=m&version=1&path=${q}`), "model-versions/get-artifact");
    await expectInvalid(await send("GET", `/api/2.0/mlflow/logged-models/${modelId}/artifacts/directories?artifact_directory_path=${q}`), "logged-model directories");
    await expectInvalid(await send("GET", `/ajax-api/2.0/mlflow/logged-models/${modelId}/artifacts/files?artifact_file_path=${q}`), "logged-model files");
    await expectInvalid(
      await send("POST", `/ajax-api/2.0/mlflow/upload-artifact?run_uuid=${runId}&path=${q}`, { body: "pwned", headers: { "content-length": "5" } }),
      "upload-artifact",
    );
  });

  it.each(["..", ".", "a/..", "x\\..", "%2e%2e", "C%3a..", "a#b", "file:x", "a\u0000b", ""])("multipart file name %j is rejected", async (name) => {
    for (const op of ["create", "complete", "abort"]) {
      const body = JSON.stringify({ path: name, num_parts: 1, upload_id: "u", parts: [{ part_number: 1, etag: "e" }] });
      await expectInvalid(await send("POST", `/api/2.0/mlflow-artifacts/mpu/${op}/1/run/artifacts`, { body, headers: JSON_HEADERS }), `mpu/${op}`);
    }
  });

  it("dot segments in the URL are resolved by the URL parser and never leave the store", async () => {
    // `%2e%2e` and `..` are dot segments to every URL parser: the request that reaches the Worker
    // already has them resolved, so at worst it names another path inside the store.
    for (const path of ["1/%2e%2e/%2e%2e/%2e%2e/outside/secret.txt", "../../../outside/secret.txt", "1/.%2e/.%2e/secret/sentinel.txt"]) {
      const res = await send("GET", `/api/2.0/mlflow-artifacts/artifacts/${path}`);
      expect(res.status).not.toBe(200);
      await res.body?.cancel();
    }
  });
});
