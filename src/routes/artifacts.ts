/**
 * Artifact routes.
 *
 * The mlflow-artifacts proxy (under /api/2.0 and /ajax-api/2.0), paths relative to the store root:
 *   PUT    /mlflow-artifacts/artifacts/<path>        streamed upload (Content-Length required)
 *   GET    /mlflow-artifacts/artifacts/<path>        streamed download, Range passed through
 *   DELETE /mlflow-artifacts/artifacts/<path>        file or whole directory
 *   GET    /mlflow-artifacts/artifacts?path=<dir>    direct children, names relative to <dir>
 *   POST   /mlflow-artifacts/mpu/{create,complete,abort}/<dir>   presigned multipart upload of <dir>/<file>
 *   GET    /mlflow-artifacts/presigned/<path>        presigned ranged download
 * Tracking side (paths relative to a run's artifact root):
 *   GET  /api/2.0/mlflow/artifacts/list?run_id&path  (and /ajax-api)
 *   GET  /get-artifact?run_uuid|run_id&path
 *   GET  /model-versions/get-artifact?name&version&path
 *   POST /ajax-api/2.0/mlflow/upload-artifact?run_uuid|run_id&path   (UI upload, ≤ 10 MB)
 *   GET  /api/2.0/mlflow/logged-models/<id>/artifacts/directories?artifact_directory_path  (and /ajax-api)
 *   GET  /ajax-api/2.0/mlflow/logged-models/<id>/artifacts/files?artifact_file_path        (UI)
 *
 * Every path goes through src/artifacts/paths.ts before it touches storage.
 */
import type { Context } from "hono";
import type { App, AppEnv } from "../app";
import { canonicalArtifactPath, canonicalEncodedArtifactPath, joinArtifactPath, multipartFileName, requireFilePath } from "../artifacts/paths";
import { serverModeGuard } from "../artifacts/server-mode";
import { listRunArtifacts, loggedModelArtifactRoot, modelVersionArtifactPath, runArtifactRoot, storeFor } from "../artifacts/tracking";
import { MlflowError, missingParameter } from "../errors";
import { readMessage, sendJson } from "../protocol/http";
import { isIntLike, isString, required } from "../protocol/message";
import { rpc } from "./rpc";

const PROXY_PREFIXES = ["/api/2.0/mlflow-artifacts", "/ajax-api/2.0/mlflow-artifacts"];
/** MLflow's limit for the UI's upload-artifact. */
const UI_UPLOAD_MAX_BYTES = 10 * 1024 * 1024;

/** The part of the request path after `<prefix><route>/`, decoded once and checked. */
function pathAfter(c: Context<AppEnv>, route: string): string {
  const pathname = new URL(c.req.url).pathname;
  for (const prefix of PROXY_PREFIXES) {
    const start = `${prefix}${route}/`;
    if (pathname.startsWith(start)) return canonicalEncodedArtifactPath(pathname.slice(start.length));
  }
  throw MlflowError.invalidParameter("Invalid path");
}

/** A query parameter holding a path (URLSearchParams has decoded it once already). */
function queryPath(c: Context<AppEnv>, name = "path"): string | undefined {
  const value = c.req.query(name);
  return value === undefined ? undefined : canonicalArtifactPath(value);
}

const store = (c: Context<AppEnv>) => storeFor(c.var.config.artifacts);
const files = (c: Context<AppEnv>, list: unknown[]) => sendJson(c, list.length > 0 ? { files: list } : {});

interface MultipartBody {
  path?: string;
  upload_id?: string;
  num_parts?: number;
  parts?: { part_number?: number; etag?: string; url?: string }[];
}

const partSpec = { part_number: { type: "int64" }, etag: { type: "string" }, url: { type: "string" } } as const;
const multipartSpec = {
  path: { type: "string" },
  upload_id: { type: "string" },
  num_parts: { type: "int64" },
  parts: { type: "message", repeated: true, fields: partSpec },
} as const;

function registerProxyRoutes(app: App, prefix: string): void {
  app.get(`${prefix}/artifacts`, async (c) => files(c, await store(c).list(queryPath(c) ?? "")));

  app.put(`${prefix}/artifacts/*`, async (c) => {
    // `dir/` names a directory even though canonicalisation would drop the slash.
    if (new URL(c.req.url).pathname.endsWith("/")) requireFilePath("");
    const path = requireFilePath(pathAfter(c, "/artifacts"));
    await store(c).upload(path, c.req.raw.body, c.req.header("content-length"));
    return sendJson(c, {});
  });

  app.get(`${prefix}/artifacts/*`, async (c) => store(c).download(pathAfter(c, "/artifacts"), c.req.header("range")));

  app.delete(`${prefix}/artifacts/*`, async (c) => {
    await store(c).delete(pathAfter(c, "/artifacts"));
    return sendJson(c, {});
  });

  app.post(`${prefix}/mpu/create/*`, async (c) => {
    const dir = pathAfter(c, "/mpu/create");
    const m = await readMessage<MultipartBody>(c, multipartSpec, { path: [required, isString], num_parts: [isIntLike] });
    return sendJson(c, await store(c).createMultipart(dir, multipartFileName(m.path!), Number(m.num_parts ?? 0)));
  });

  app.post(`${prefix}/mpu/complete/*`, async (c) => {
    const dir = pathAfter(c, "/mpu/complete");
    const m = await readMessage<MultipartBody>(c, multipartSpec, { path: [required, isString], upload_id: [required, isString], parts: [required] });
    const parts = (m.parts ?? []).map((p) => ({ partNumber: Number(p.part_number ?? 0), etag: p.etag ?? "" }));
    await store(c).completeMultipart(dir, multipartFileName(m.path!), m.upload_id!, parts);
    return sendJson(c, {});
  });

  app.post(`${prefix}/mpu/abort/*`, async (c) => {
    const dir = pathAfter(c, "/mpu/abort");
    const m = await readMessage<MultipartBody>(c, multipartSpec, { path: [required, isString], upload_id: [required, isString] });
    await store(c).abortMultipart(dir, multipartFileName(m.path!), m.upload_id!);
    return sendJson(c, {});
  });

  app.get(`${prefix}/presigned/*`, async (c) => sendJson(c, await store(c).presignedDownload(requireFilePath(pathAfter(c, "/presigned")))));
}

function registerTrackingRoutes(app: App): void {
  rpc(app, "GET", "/artifacts/list", async (c) => {
    const m = await readMessage<{ run_id?: string; run_uuid?: string; path?: string }>(
      c,
      { run_id: { type: "string" }, run_uuid: { type: "string" }, path: { type: "string" }, page_token: { type: "string" } },
      { run_id: [isString, required], path: [isString], page_token: [isString] },
    );
    const path = m.path === undefined ? "" : canonicalArtifactPath(m.path);
    const root = await runArtifactRoot(c.var.database().db, c.var.config.artifacts, m.run_id || m.run_uuid);
    const list = await listRunArtifacts(store(c), root, path);
    return sendJson(c, list.length > 0 ? { root_uri: root.uri, files: list } : { root_uri: root.uri });
  });

  app.get("/get-artifact", async (c) => {
    const rawPath = queryPath(c);
    if (rawPath === undefined) throw missingParameter("path");
    const root = await runArtifactRoot(c.var.database().db, c.var.config.artifacts, c.req.query("run_id") || c.req.query("run_uuid"));
    return store(c).download(joinArtifactPath(root.storePath, rawPath), c.req.header("range"));
  });

  app.get("/model-versions/get-artifact", async (c) => {
    const rawPath = queryPath(c);
    if (rawPath === undefined) throw missingParameter("path");
    const path = await modelVersionArtifactPath(c.var.database().db, c.var.config.artifacts, c.req.query("name"), c.req.query("version"), rawPath);
    return store(c).download(path, c.req.header("range"));
  });

  rpc(app, "GET", "/logged-models/:model_id/artifacts/directories", async (c) => {
    const m = await readMessage<{ artifact_directory_path?: string }>(c, { artifact_directory_path: { type: "string" } }, { artifact_directory_path: [isString] });
    const path = m.artifact_directory_path === undefined ? "" : canonicalArtifactPath(m.artifact_directory_path);
    const root = await loggedModelArtifactRoot(c.var.database().db, c.var.config.artifacts, c.req.param("model_id") ?? "");
    const list = await listRunArtifacts(store(c), root, path);
    return sendJson(c, list.length > 0 ? { root_uri: root.uri, files: list } : { root_uri: root.uri });
  });

  app.get("/ajax-api/2.0/mlflow/logged-models/:model_id/artifacts/files", async (c) => {
    const raw = c.req.query("artifact_file_path");
    if (!raw) throw new MlflowError("BAD_REQUEST", 'Request must include the "artifact_file_path" query parameter.');
    const path = canonicalArtifactPath(raw);
    const root = await loggedModelArtifactRoot(c.var.database().db, c.var.config.artifacts, c.req.param("model_id") ?? "");
    return store(c).download(joinArtifactPath(root.storePath, path), c.req.header("range"));
  });

  app.post("/ajax-api/2.0/mlflow/upload-artifact", async (c) => {
    const runId = c.req.query("run_id") || c.req.query("run_uuid");
    if (!runId) throw MlflowError.invalidParameter("Request must specify run_id or run_uuid.");
    const rawPath = c.req.query("path");
    if (!rawPath) throw MlflowError.invalidParameter("Request must specify path.");
    const path = requireFilePath(canonicalArtifactPath(rawPath));
    const length = c.req.header("content-length");
    if (length !== undefined && Number(length) > UI_UPLOAD_MAX_BYTES) {
      throw MlflowError.invalidParameter("Artifact size is too large. Max size is 10MB.");
    }
    if (length === "0" || c.req.raw.body === null) throw MlflowError.invalidParameter("Request must specify data.");
    const root = await runArtifactRoot(c.var.database().db, c.var.config.artifacts, runId);
    await store(c).upload(joinArtifactPath(root.storePath, path), c.req.raw.body, length);
    return new Response(null, { status: 200, headers: { "content-type": "application/json" } });
  });
}

/**
 * Registers the artifact routes and the server-mode guard (SERVE_ARTIFACTS / ARTIFACTS_ONLY).
 * Register it before every other route group: the guard is middleware and must run first.
 */
export function registerArtifactRoutes(app: App): void {
  app.use("*", serverModeGuard);
  for (const prefix of PROXY_PREFIXES) registerProxyRoutes(app, prefix);
  registerTrackingRoutes(app);
}
