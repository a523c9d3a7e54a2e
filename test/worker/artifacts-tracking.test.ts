// Tracking-side artifact routes (run-relative paths) and the server modes.
import { describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { PREFIX, PROXY, bucket, json, put, send, sendWithEnv } from "./artifacts-helpers";

const bucketName = (env as unknown as { S3_BUCKET: string }).S3_BUCKET;
import { api, newExperiment, newRun } from "./helpers";

async function runRoot(runId: string): Promise<string> {
  const run = await api.get("/runs/get", { run_id: runId });
  const uri: string = run.body.run.info.artifact_uri;
  expect(uri).toMatch(/^mlflow-artifacts:\//);
  return uri.replace(/^mlflow-artifacts:\/+/, "");
}

describe("artifacts/list", () => {
  it("lists run-relative paths with the run's root_uri, in one query", async () => {
    const runId = await newRun();
    const root = await runRoot(runId);
    await put(`${root}/model/MLmodel`, "flavors: {}");
    await put(`${root}/metrics.json`, "{}");
    const top = await api.get("/artifacts/list", { run_id: runId });
    expect(top.status).toBe(200);
    expect(top.roundTrips).toBe(1);
    expect(top.body).toEqual({
      root_uri: `mlflow-artifacts:/${root}`,
      files: [
        { path: "metrics.json", is_dir: false, file_size: 2 },
        { path: "model", is_dir: true },
      ],
    });
    const sub = await api.get("/artifacts/list", { run_uuid: runId, path: "model" });
    expect(sub.body.files).toEqual([{ path: "model/MLmodel", is_dir: false, file_size: 11 }]);
    const ajax = await send("GET", `/ajax-api/2.0/mlflow/artifacts/list?run_uuid=${runId}&path=model`);
    expect((await json(ajax)).files).toEqual(sub.body.files);
    const empty = await api.get("/artifacts/list", { run_id: runId, path: "nothing" });
    expect(empty.body).toEqual({ root_uri: `mlflow-artifacts:/${root}` });
  });

  it("reports missing runs and parameters as MLflow does", async () => {
    const missing = await api.get("/artifacts/list", { run_id: "0123456789abcdef0123456789abcdef" });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error_code: "RESOURCE_DOES_NOT_EXIST", message: "Run with id=0123456789abcdef0123456789abcdef not found" });
    const noRun = await api.get("/artifacts/list", { path: "x" });
    expect(noRun.status).toBe(400);
    expect(noRun.body.error_code).toBe("INVALID_PARAMETER_VALUE");
  });
});

describe("get-artifact", () => {
  it("serves run files as attachments, HTML sandboxed, with Range", async () => {
    const runId = await newRun();
    const root = await runRoot(runId);
    await put(`${root}/report/index.html`, "<html><script>alert(document.cookie)</script></html>");
    await put(`${root}/plot.svg`, '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>');
    await put(`${root}/data.csv`, "a,b\n1,2\n");

    const html = await send("GET", `/get-artifact?run_uuid=${runId}&path=report/index.html`);
    expect(html.status).toBe(200);
    expect(html.headers.get("content-type")).toBe("text/html");
    expect(html.headers.get("content-disposition")).toBe("attachment; filename=index.html");
    expect(html.headers.get("x-content-type-options")).toBe("nosniff");
    expect(html.headers.get("content-security-policy")).toMatch(/(^|; )sandbox(;|$)/);
    expect(html.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(await html.text()).toContain("<script>");

    const svg = await send("GET", `/get-artifact?run_id=${runId}&path=plot.svg`);
    expect(svg.headers.get("content-type")).toBe("image/svg+xml");
    expect(svg.headers.get("content-security-policy")).toContain("sandbox");
    expect(svg.headers.get("content-disposition")).toMatch(/^attachment/);

    const range = await send("GET", `/get-artifact?run_uuid=${runId}&path=data.csv`, { headers: { range: "bytes=0-2" } });
    expect(range.status).toBe(206);
    expect(await range.text()).toBe("a,b");
    expect(range.headers.get("content-type")).toBe("text/plain");
  });

  it("answers 404 for unknown runs and files, 400 without a path", async () => {
    const runId = await newRun();
    expect((await send("GET", `/get-artifact?run_uuid=ffffffffffffffffffffffffffffffff&path=x`)).status).toBe(404);
    const missing = await send("GET", `/get-artifact?run_uuid=${runId}&path=none.txt`);
    expect(missing.status).toBe(404);
    expect((await json(missing)).error_code).toBe("RESOURCE_DOES_NOT_EXIST");
    const noPath = await send("GET", `/get-artifact?run_uuid=${runId}`);
    expect(noPath.status).toBe(400);
  });
});

describe("upload-artifact (UI)", () => {
  it("stores the body under the run's artifact root", async () => {
    const runId = await newRun();
    const root = await runRoot(runId);
    const res = await send("POST", `/ajax-api/2.0/mlflow/upload-artifact?run_uuid=${runId}&path=${encodeURIComponent("uploads/notes.txt")}`, {
      body: "from the UI",
      headers: { "content-length": "11", "content-type": "application/octet-stream" },
    });
    expect(res.status).toBe(200);
    const got = await send("GET", `${PROXY}/artifacts/${root}/uploads/notes.txt`);
    expect(await got.text()).toBe("from the UI");
  });

  it("refuses the content types a cross-site form can send without a preflight", async () => {
    const runId = await newRun();
    const root = await runRoot(runId);
    for (const type of ["text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      const res = await send("POST", `/ajax-api/2.0/mlflow/upload-artifact?run_uuid=${runId}&path=form.txt`, { body: "x", headers: { "content-type": type } });
      expect([type, res.status]).toEqual([type, 400]);
    }
    expect(await bucket.list(`${PREFIX}/${root}/`)).toMatchObject({ objects: [] });
  });

  it("rejects empty, oversized and unaddressed uploads without writing", async () => {
    const runId = await newRun();
    const root = await runRoot(runId);
    const url = (q: string) => `/ajax-api/2.0/mlflow/upload-artifact?${q}`;
    const empty = await send("POST", url(`run_uuid=${runId}&path=e.txt`), { body: "", headers: { "content-length": "0" } });
    expect(empty.status).toBe(400);
    expect((await json(empty)).message).toBe("Request must specify data.");
    const big = await send("POST", url(`run_uuid=${runId}&path=b.bin`), { body: "x", headers: { "content-length": String(10 * 1024 * 1024 + 1) } });
    expect(big.status).toBe(400);
    expect((await json(big)).message).toBe("Artifact size is too large. Max size is 10MB.");
    expect((await json(await send("POST", url("path=x.txt"), { body: "x" }))).message).toBe("Request must specify run_id or run_uuid.");
    expect((await json(await send("POST", url(`run_uuid=${runId}`), { body: "x" }))).message).toBe("Request must specify path.");
    expect(await bucket.list(`${PREFIX}/${root}/`)).toMatchObject({ objects: [] });
  });
});

describe("model-versions/get-artifact", () => {
  it("serves files of a version whose source is the run's artifact URI or a runs:/ URI", async () => {
    const runId = await newRun();
    const root = await runRoot(runId);
    await put(`${root}/model/MLmodel`, "artifact_path: model");
    const name = `art-model-${crypto.randomUUID().slice(0, 8)}`;
    expect((await api.post("/registered-models/create", { name })).status).toBe(200);
    const direct = await api.post("/model-versions/create", { name, source: `mlflow-artifacts:/${root}/model`, run_id: runId });
    expect(direct.status).toBe(200);
    const viaRuns = await api.post("/model-versions/create", { name, source: `runs:/${runId}/model`, run_id: runId });
    expect(viaRuns.status).toBe(200);
    for (const version of [direct.body.model_version.version, viaRuns.body.model_version.version]) {
      const res = await send("GET", `/model-versions/get-artifact?name=${name}&version=${version}&path=MLmodel`);
      expect(res.status, `version ${version}`).toBe(200);
      expect(await res.text()).toBe("artifact_path: model");
      expect(res.headers.get("content-disposition")).toBe("attachment; filename=MLmodel");
    }
  });

  it("validates its parameters and reports unknown versions", async () => {
    const notFound = await send("GET", "/model-versions/get-artifact?name=nope&version=1&path=MLmodel");
    expect(notFound.status).toBe(404);
    expect(await json(notFound)).toMatchObject({ error_code: "RESOURCE_DOES_NOT_EXIST", message: "Model Version (name=nope, version=1) not found" });
    const badVersion = await send("GET", "/model-versions/get-artifact?name=m&version=one&path=MLmodel");
    expect(badVersion.status).toBe(400);
    const badName = await send("GET", "/model-versions/get-artifact?name=a%2Fb&version=1&path=MLmodel");
    expect(badName.status).toBe(400);
  });
});

describe("logged-model artifacts", () => {
  it("lists and serves files under the model's artifact location", async () => {
    const created = await api.post("/logged-models", { experiment_id: await newExperiment(), name: "m" });
    expect(created.status).toBe(200);
    const { model_id, artifact_uri: artifact_location } = created.body.model.info;
    const root = (artifact_location as string).replace(/^mlflow-artifacts:\/+/, "");
    expect(root).toMatch(new RegExp(`/models/${model_id}/artifacts$`));
    await put(`${root}/MLmodel`, "flavors: {}");
    await put(`${root}/data/model.pkl`, "pkl");
    const top = await api.get(`/logged-models/${model_id}/artifacts/directories`);
    expect(top.body).toEqual({
      root_uri: artifact_location,
      files: [
        { path: "MLmodel", is_dir: false, file_size: 11 },
        { path: "data", is_dir: true },
      ],
    });
    const sub = await api.get(`/logged-models/${model_id}/artifacts/directories`, { artifact_directory_path: "data" });
    expect(sub.body.files).toEqual([{ path: "data/model.pkl", is_dir: false, file_size: 3 }]);
    const file = await send("GET", `/ajax-api/2.0/mlflow/logged-models/${model_id}/artifacts/files?artifact_file_path=data/model.pkl`);
    expect(file.status).toBe(200);
    expect(await file.text()).toBe("pkl");
    const traversal = await send("GET", `/ajax-api/2.0/mlflow/logged-models/${model_id}/artifacts/files?artifact_file_path=../../x`);
    expect(traversal.status).toBe(400);
    const noPath = await send("GET", `/ajax-api/2.0/mlflow/logged-models/${model_id}/artifacts/files`);
    expect(noPath.status).toBe(400);
    expect((await json(noPath)).error_code).toBe("BAD_REQUEST");
    const unknown = await api.get("/logged-models/m-00000000000000000000000000000000/artifacts/directories");
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toBe("Logged model with ID 'm-00000000000000000000000000000000' not found.");
  });
});

describe("server modes", () => {
  it("SERVE_ARTIFACTS=false: the proxy answers 503 plain text; tracking routes work", async () => {
    const off = { SERVE_ARTIFACTS: "false" };
    const proxied = await sendWithEnv(off, "GET", `${PROXY}/artifacts?path=1`);
    expect(proxied.status).toBe(503);
    expect(proxied.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await proxied.text()).toContain("SERVE_ARTIFACTS=false");
    expect((await sendWithEnv(off, "PUT", `${PROXY}/artifacts/1/x.txt`)).status).toBe(503);
    expect((await sendWithEnv(off, "POST", `/ajax-api/2.0/mlflow-artifacts/mpu/create/1`)).status).toBe(503);
    const info = await json(await sendWithEnv(off, "GET", "/api/3.0/mlflow/server-info"));
    expect(info).toMatchObject({ artifact_serving_enabled: false, multipart_uploads_enabled: false, multipart_downloads_enabled: false });
    expect((await sendWithEnv(off, "GET", "/health")).status).toBe(200);
  });

  it("SERVE_ARTIFACTS=false: new experiments get s3:// locations, still readable through the UI routes", async () => {
    const off = { SERVE_ARTIFACTS: "false", DEFAULT_ARTIFACT_ROOT: "" };
    const created = await json(await sendWithEnv(off, "POST", "/api/2.0/mlflow/experiments/create", { name: `noserve-${crypto.randomUUID()}` }));
    const run = await json(await sendWithEnv(off, "POST", "/api/2.0/mlflow/runs/create", { experiment_id: created.experiment_id }));
    const uri: string = run.run.info.artifact_uri;
    expect(uri).toBe(`s3://${bucketName}/${PREFIX}/${created.experiment_id}/${run.run.info.run_id}/artifacts`);
    // A client with storage credentials writes straight to the bucket...
    await bucket.put(`${uri.slice(`s3://${bucketName}/`.length)}/direct.txt`, new Blob(["direct"]).stream(), 6);
    // ...and the UI reads it through the tracking server.
    const got = await sendWithEnv(off, "GET", `/get-artifact?run_uuid=${run.run.info.run_id}&path=direct.txt`);
    expect(got.status).toBe(200);
    expect(await got.text()).toBe("direct");
    const listed = await json(await sendWithEnv(off, "GET", `/api/2.0/mlflow/artifacts/list?run_id=${run.run.info.run_id}`));
    expect(listed).toEqual({ root_uri: uri, files: [{ path: "direct.txt", is_dir: false, file_size: 6 }] });
  });

  it("ARTIFACTS_ONLY=true: tracking routes answer 503 plain text; the proxy works without a database", async () => {
    const only = { ARTIFACTS_ONLY: "true", DATABASE_URL: "" };
    const tracking = await sendWithEnv(only, "GET", "/api/2.0/mlflow/experiments/search");
    expect(tracking.status).toBe(503);
    expect(await tracking.text()).toContain("ARTIFACTS_ONLY=true");
    expect((await sendWithEnv(only, "GET", "/get-artifact?run_uuid=x&path=y")).status).toBe(503);
    expect((await sendWithEnv(only, "GET", "/ajax-api/2.0/mlflow/runs/get?run_id=x")).status).toBe(503);
    const listing = await sendWithEnv(only, "GET", `${PROXY}/artifacts?path=nothing-here`);
    expect(listing.status).toBe(200);
    expect(await json(listing)).toEqual({});
    const info = await json(await sendWithEnv(only, "GET", "/api/3.0/mlflow/server-info"));
    expect(info).toMatchObject({ store_type: null, artifact_serving_enabled: true, multipart_uploads_enabled: true });
  });

  it("without S3 settings the artifact routes say storage is not configured", async () => {
    const none = { S3_ENDPOINT: "", S3_BUCKET: "", S3_ACCESS_KEY_ID: "", S3_SECRET_ACCESS_KEY: "" };
    const res = await sendWithEnv(none, "GET", `${PROXY}/artifacts?path=1`);
    expect(res.status).toBe(503);
    expect((await json(res)).message).toContain("S3_ENDPOINT");
    expect(await json(await sendWithEnv(none, "GET", "/api/3.0/mlflow/server-info"))).toMatchObject({ multipart_uploads_enabled: false });
  });
});
