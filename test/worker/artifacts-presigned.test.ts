// Presigned transfers for artifacts that live where clients reach them directly (s3:// roots, as
// under SERVE_ARTIFACTS=false): artifacts/presigned-upload-url and presigned-download-url, the
// registry's and logged models' `presigned=true` downloads, the server-info flags that advertise
// them; and folders of more than 1,000 entries through every listing route.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { PREFIX, PROXY, bucket, json, put, randomBytes, send, sendWithEnv, sha256 } from "./artifacts-helpers";
import { api, newRun, uniqueName } from "./helpers";

const BUCKET = (env as unknown as { S3_BUCKET: string }).S3_BUCKET;

/** An experiment whose artifacts live at an s3:// root in our bucket, and a run in it. */
async function directRun(): Promise<{ experimentId: string; runId: string; root: string; storePath: string }> {
  const folder = `direct-${crypto.randomUUID()}`;
  const exp = await api.post("/experiments/create", { name: uniqueName("direct"), artifact_location: `s3://${BUCKET}/${PREFIX}/${folder}` });
  expect(exp.status).toBe(200);
  const runId = await newRun(exp.body.experiment_id);
  const root = (await api.get("/runs/get", { run_id: runId })).body.run.info.artifact_uri as string;
  expect(root).toBe(`s3://${BUCKET}/${PREFIX}/${folder}/${runId}/artifacts`);
  return { experimentId: exp.body.experiment_id, runId, root, storePath: `${folder}/${runId}/artifacts` };
}

async function proxiedRunRoot(runId: string): Promise<string> {
  return ((await api.get("/runs/get", { run_id: runId })).body.run.info.artifact_uri as string).replace(/^mlflow-artifacts:\/+/, "");
}

describe("artifacts/presigned-upload-url", () => {
  it("signs a PUT into a run's s3:// root, bound to the returned Content-Type", async () => {
    const run = await directRun();
    const res = await api.post("/artifacts/presigned-upload-url", { run_id: run.runId, path: "models/config.json" });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(["headers", "presigned_url"]);
    expect(res.body.headers).toEqual({ "Content-Type": "application/json" });
    const url = new URL(res.body.presigned_url);
    expect(url.pathname).toBe(`/${BUCKET}/${PREFIX}/${run.storePath}/models/config.json`);
    expect(url.searchParams.get("X-Amz-Expires")).toBe("900");

    const wrongType = await fetch(res.body.presigned_url, { method: "PUT", body: "{}", headers: { "content-type": "text/html" } });
    expect(wrongType.status).toBe(403);
    await wrongType.body?.cancel();
    const uploaded = await fetch(res.body.presigned_url, { method: "PUT", body: '{"lr": 0.1}', headers: res.body.headers });
    expect(uploaded.status).toBe(200);

    // The tracking side sees it where the client asked for it.
    const listed = await api.get("/artifacts/list", { run_id: run.runId, path: "models" });
    expect(listed.body).toEqual({ root_uri: run.root, files: [{ path: "models/config.json", is_dir: false, file_size: 11 }] });
    const got = await send("GET", `/get-artifact?run_id=${run.runId}&path=models/config.json`);
    expect(await got.text()).toBe('{"lr": 0.1}');
    // The ajax twin answers the same contract, with the expiration asked for.
    const ajax = await send("POST", "/ajax-api/2.0/mlflow/artifacts/presigned-upload-url", {
      body: JSON.stringify({ run_id: run.runId, path: "weights.bin", expiration: 60 }),
      headers: { "content-type": "application/json" },
    });
    const body = await json(ajax);
    expect(body.headers).toEqual({ "Content-Type": "application/octet-stream" });
    expect(new URL(body.presigned_url).searchParams.get("X-Amz-Expires")).toBe("60");
  });

  it("signs for a logged model's s3:// root", async () => {
    const run = await directRun();
    const model = (await api.post("/logged-models", { experiment_id: run.experimentId })).body.model.info;
    expect(model.artifact_uri).toMatch(/^s3:\/\//);
    const res = await api.post("/artifacts/presigned-upload-url", { model_id: model.model_id, path: "MLmodel" });
    expect(res.status).toBe(200);
    const uploaded = await fetch(res.body.presigned_url, { method: "PUT", body: "flavors: {}", headers: res.body.headers });
    expect(uploaded.status).toBe(200);
    const listed = await api.get(`/logged-models/${model.model_id}/artifacts/directories`);
    expect(listed.body.files).toEqual([{ path: "MLmodel", is_dir: false, file_size: 11 }]);
  });

  it("refuses what MLflow refuses", async () => {
    const run = await directRun();
    const proxied = await newRun();
    const cases: [unknown, number, string][] = [
      [{ path: "a.txt" }, 400, "Exactly one of run_id and model_id must be provided."],
      [{ run_id: run.runId, model_id: "m-0123", path: "a.txt" }, 400, "Exactly one of run_id and model_id must be provided."],
      [{ run_id: run.runId }, 400, "Missing value for required parameter 'path'"],
      [{ run_id: run.runId, path: "../escape.txt" }, 400, "Invalid path"],
      [{ run_id: run.runId, path: "a.txt", expiration: 0 }, 400, "expiration must be between 1 and 604800 seconds (got 0)."],
      [{ run_id: run.runId, path: "a.txt", expiration: 604801 }, 400, "expiration must be between 1 and 604800 seconds (got 604801)."],
      [{ run_id: "0123456789abcdef0123456789abcdef", path: "a.txt" }, 404, "Run with id=0123456789abcdef0123456789abcdef not found"],
      [{ model_id: "m-0123456789abcdef", path: "a.txt" }, 404, "Logged model with ID 'm-0123456789abcdef' not found."],
      [
        { run_id: proxied, path: "a.txt" },
        400,
        "Presigned upload is not supported for proxied artifact storage (artifact URI scheme: mlflow-artifacts). This endpoint requires a direct cloud storage artifact URI.",
      ],
    ];
    for (const [body, status, message] of cases) {
      const res = await api.post("/artifacts/presigned-upload-url", body);
      expect([body, res.status]).toEqual([body, status]);
      expect(res.body.message).toContain(message);
    }
  });
});

describe("artifacts/presigned-download-url", () => {
  it("signs a ranged GET of a run's artifact, with its size", async () => {
    const run = await directRun();
    const data = randomBytes(200_000);
    await bucket.put(`${PREFIX}/${run.storePath}/data/blob.bin`, new Blob([data]).stream(), data.length);
    const res = await api.post("/artifacts/presigned-download-url", { run_id: run.runId, path: "data/blob.bin" });
    expect(res.status).toBe(200);
    expect(res.body.headers ?? {}).toEqual({});
    expect(res.body.file_size).toBe(data.length);
    expect(new URL(res.body.presigned_url).searchParams.get("X-Amz-Expires")).toBe("300");
    const part = await fetch(res.body.presigned_url, { headers: { range: "bytes=100-199" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-disposition")).toBe('attachment; filename="blob.bin"');
    expect(await sha256(await part.arrayBuffer())).toBe(await sha256(data.subarray(100, 200)));
  });

  it("refuses what MLflow refuses", async () => {
    const run = await directRun();
    await bucket.put(`${PREFIX}/${run.storePath}/dir/x.txt`, new Blob(["x"]).stream(), 1);
    const proxied = await newRun();
    const cases: [unknown, number, string][] = [
      [{ path: "a.txt" }, 400, "Missing value for required parameter 'run_id'"],
      [{ run_id: run.runId, path: "missing.txt" }, 404, "No such artifact: "],
      // MLflow's S3 repository finds no object at a folder's key.
      [{ run_id: run.runId, path: "dir" }, 404, "No such artifact: "],
      [{ run_id: run.runId, path: "dir/x.txt", expiration: -5 }, 400, "expiration must be between 1 and 604800 seconds (got -5)."],
      [
        { run_id: proxied, path: "a.txt" },
        400,
        "Presigned download is not supported for runs with proxied artifact storage (artifact URI scheme: mlflow-artifacts). This endpoint requires a run with a direct cloud storage artifact URI.",
      ],
    ];
    for (const [body, status, message] of cases) {
      const res = await api.post("/artifacts/presigned-download-url", body);
      expect([body, res.status]).toEqual([body, status]);
      expect(res.body.message).toContain(message);
    }
  });
});

describe("presigned downloads of registered and logged models", () => {
  it("answers model-versions/get-artifact?presigned=true with a URL, headers and size", async () => {
    const runId = await newRun();
    const root = await proxiedRunRoot(runId);
    await put(`${root}/model/MLmodel`, "flavors: {python_function: {}}");
    const name = uniqueName("presigned-model");
    expect((await api.post("/registered-models/create", { name })).status).toBe(200);
    expect((await api.post("/model-versions/create", { name, source: `runs:/${runId}/model`, run_id: runId })).status).toBe(200);

    const res = await send("GET", `/model-versions/get-artifact?name=${name}&version=1&path=MLmodel&presigned=true`);
    expect(res.status).toBe(200);
    const info = await json(res);
    expect(info).toEqual({ url: expect.stringContaining("X-Amz-Signature="), headers: {}, file_size: 30 });
    expect(await (await fetch(info.url)).text()).toBe("flavors: {python_function: {}}");
    // Without presigned=true it still serves the bytes.
    expect(await (await send("GET", `/model-versions/get-artifact?name=${name}&version=1&path=MLmodel`)).text()).toBe("flavors: {python_function: {}}");
    const missing = await send("GET", `/model-versions/get-artifact?name=${name}&version=1&path=nope&presigned=true`);
    expect(missing.status).toBe(404);
  });

  it("answers a logged model's artifacts/files?presigned=true with a URL", async () => {
    const exp = (await api.post("/experiments/create", { name: uniqueName() })).body.experiment_id;
    const model = (await api.post("/logged-models", { experiment_id: exp })).body.model.info;
    await put(`${model.artifact_uri.replace(/^mlflow-artifacts:\/+/, "")}/MLmodel`, "flavors: {}");
    const res = await send("GET", `/ajax-api/2.0/mlflow/logged-models/${model.model_id}/artifacts/files?artifact_file_path=MLmodel&presigned=true`);
    const info = await json(res);
    expect(info.file_size).toBe(11);
    expect(await (await fetch(info.url)).text()).toBe("flavors: {}");
  });

  it("advertises the presigned contracts in server-info only with a store to sign for", async () => {
    const flags = ["presigned_upload_run_id_supported", "presigned_upload_model_id_supported", "model_artifact_presigned_downloads_supported"];
    const info = await json(await send("GET", "/api/3.0/mlflow/server-info"));
    for (const flag of flags) expect([flag, info[flag]]).toEqual([flag, true]);
    const noServe = await json(await sendWithEnv({ SERVE_ARTIFACTS: "false" }, "GET", "/api/3.0/mlflow/server-info"));
    for (const flag of flags) expect([flag, noServe[flag]]).toEqual([flag, true]);
    expect(noServe.multipart_uploads_enabled).toBe(false);
    const none = await json(await sendWithEnv({ S3_ENDPOINT: "", S3_BUCKET: "", S3_ACCESS_KEY_ID: "", S3_SECRET_ACCESS_KEY: "" }, "GET", "/api/3.0/mlflow/server-info"));
    for (const flag of flags) expect([flag, none[flag]]).toEqual([flag, false]);
  });
});

describe("folders of more than 1,000 entries", () => {
  it(
    "list whole through the proxy and artifacts/list, serve through get-artifact, and delete",
    async () => {
      const runId = await newRun();
      const root = await proxiedRunRoot(runId);
      const names = Array.from({ length: 2500 }, (_, i) => `f${String(i).padStart(4, "0")}.txt`);
      let next = 0;
      await Promise.all(
        Array.from({ length: 24 }, async () => {
          while (next < names.length) {
            const name = names[next++]!;
            await bucket.put(`${PREFIX}/${root}/many/${name}`, new Blob([name]).stream(), name.length);
          }
        }),
      );
      const proxied = await json(await send("GET", `${PROXY}/artifacts?path=${encodeURIComponent(`${root}/many`)}`));
      expect(proxied.files.length).toBe(2500);
      expect(proxied.files.map((f: { path: string }) => f.path)).toEqual(names);

      const listed = await api.get("/artifacts/list", { run_id: runId, path: "many" });
      expect(listed.body.files.length).toBe(2500);
      expect(listed.body.files[2499]).toEqual({ path: "many/f2499.txt", is_dir: false, file_size: 9 });
      expect((await api.get("/artifacts/list", { run_id: runId })).body.files).toEqual([{ path: "many", is_dir: true }]);

      const got = await send("GET", `/get-artifact?run_id=${runId}&path=many/f2499.txt`);
      expect(await got.text()).toBe("f2499.txt");

      expect((await send("DELETE", `${PROXY}/artifacts/${root}/many`)).status).toBe(200);
      expect(await json(await send("GET", `${PROXY}/artifacts?path=${encodeURIComponent(`${root}/many`)}`))).toEqual({});
    },
    180_000,
  );
});
