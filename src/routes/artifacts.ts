/**
 * Artifacts named through the tracking side, paths relative to a run's (logged model's, model
 * version's) artifact root:
 *   GET  /api/2.0/mlflow/artifacts/list?run_id&path  (and /ajax-api)
 *   GET  /get-artifact?run_uuid|run_id&path
 *   GET  /model-versions/get-artifact?name&version&path
 *   POST /ajax-api/2.0/mlflow/upload-artifact?run_uuid|run_id&path   (UI upload, ≤ 10 MB)
 *   GET  /api/2.0/mlflow/logged-models/<id>/artifacts/directories?artifact_directory_path  (and /ajax-api)
 *   GET  /ajax-api/2.0/mlflow/logged-models/<id>/artifacts/files?artifact_file_path        (UI)
 *   POST /api/2.0/mlflow/artifacts/presigned-upload-url    {run_id | model_id, path, expiration}
 *   POST /api/2.0/mlflow/artifacts/presigned-download-url  {run_id, path, expiration}
 * The two presigned RPCs serve roots that clients reach directly (`s3://`, SERVE_ARTIFACTS=false);
 * the model-version and logged-model file routes answer `presigned=true` with a presigned download.
 * Every path goes through src/artifacts/paths.ts before it touches storage.
 */
import { onLoggedModel, onModel, onRun } from "../auth/access";
import type { AppContext } from "../app-env";
import { canonicalArtifactPath, joinArtifactPath, requireFilePath } from "../artifacts/paths";
import { MlflowError, missingParameter } from "../errors";
import { CreatePresignedDownloadUrl, CreatePresignedUploadUrl, ListArtifacts, ListLoggedModelArtifacts } from "../protocol/artifacts";
import {
  createPresignedDownload,
  createPresignedUpload,
  listArtifacts,
  loggedModelArtifactRoot,
  modelVersionArtifactPath,
  runArtifactRoot,
  storeFor,
  type ArtifactRoot,
} from "../services/artifacts";
import { background } from "./background";
import { route, rpc, withPathParams, type RequestScope } from "./route";

/** MLflow's limit for the UI's upload-artifact. */
const UI_UPLOAD_MAX_BYTES = 10 * 1024 * 1024;

/**
 * Content types a cross-site HTML form or no-cors fetch can send without a CORS preflight. The UI's
 * upload never uses them, so refusing them keeps a foreign page from writing artifacts with the
 * user's cookies even if an origin check were misconfigured.
 */
const FORM_CONTENT_TYPES = ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"];

const store = (r: RequestScope) => storeFor(r.config.artifacts);

/** ListArtifacts' answer: the root's URI and the direct children of `path` under it. */
async function listing(r: RequestScope, root: ArtifactRoot, path: string | undefined) {
  const list = await listArtifacts(store(r), root, path === undefined ? "" : canonicalArtifactPath(path));
  return list.length > 0 ? { root_uri: root.uri, files: list } : { root_uri: root.uri };
}
const enforcement = (r: RequestScope) => ({ permissionsEnforced: r.caller !== undefined });

/** A query parameter holding a path (URLSearchParams has decoded it once already). */
function queryPath(c: AppContext, name = "path"): string | undefined {
  const value = c.req.query(name);
  return value === undefined ? undefined : canonicalArtifactPath(value);
}

async function readGetArtifact(c: AppContext) {
  const path = queryPath(c);
  if (path === undefined) throw missingParameter("path");
  return { run_id: c.req.query("run_id") || c.req.query("run_uuid") || "", path: requireFilePath(path), range: c.req.header("range") };
}

async function readUpload(c: AppContext) {
  const runId = c.req.query("run_id") || c.req.query("run_uuid");
  if (!runId) throw MlflowError.invalidParameter("Request must specify run_id or run_uuid.");
  const rawPath = c.req.query("path");
  if (!rawPath) throw MlflowError.invalidParameter("Request must specify path.");
  const length = c.req.header("content-length");
  if (length !== undefined && Number(length) > UI_UPLOAD_MAX_BYTES) {
    throw MlflowError.invalidParameter("Artifact size is too large. Max size is 10MB.");
  }
  if (length === "0" || c.req.raw.body === null) throw MlflowError.invalidParameter("Request must specify data.");
  const contentType = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (FORM_CONTENT_TYPES.includes(contentType)) {
    throw MlflowError.invalidParameter(`Bad Request. Content-Type '${contentType}' is not accepted for artifact uploads; send application/octet-stream.`);
  }
  return { run_id: runId, path: requireFilePath(canonicalArtifactPath(rawPath)), body: c.req.raw.body, length };
}

// Readers built outside the route objects, so their types are settled before `rpc` infers from them.
const readListLoggedModelArtifacts = withPathParams(ListLoggedModelArtifacts, "model_id");

export const artifactRoutes = [
  rpc({
    method: "GET",
    path: "/artifacts/list",
    request: ListArtifacts,
    access: (m) => onRun("read", m.run_id),
    handle: async (m, r) => listing(r, await runArtifactRoot(r.db, r.config, m.run_id, enforcement(r)), m.path),
  }),

  route({
    method: "GET",
    paths: ["/get-artifact"],
    request: readGetArtifact,
    access: (m) => onRun("read", m.run_id),
    handle: async (m, r) => {
      const root = await runArtifactRoot(r.db, r.config, m.run_id, enforcement(r));
      return store(r).download(joinArtifactPath(root.storePath, m.path), m.range);
    },
  }),

  route({
    method: "GET",
    paths: ["/model-versions/get-artifact"],
    request: async (c) => {
      const path = queryPath(c);
      if (path === undefined) throw missingParameter("path");
      return { name: c.req.query("name"), version: c.req.query("version"), path, range: c.req.header("range"), presigned: c.req.query("presigned") === "true" };
    },
    access: (m) => onModel("read", m.name),
    handle: async (m, r) => {
      const path = await modelVersionArtifactPath(r.db, r.config.artifacts, m.name, m.version, m.path);
      // Reading a version is authorized on the registered model alone, presigned or not, as in MLflow.
      if (m.presigned) return store(r).presignedDownload(requireFilePath(path));
      return store(r).download(path, m.range);
    },
  }),

  rpc({
    method: "GET",
    path: "/logged-models/:model_id/artifacts/directories",
    request: readListLoggedModelArtifacts,
    access: (m) => onLoggedModel("read", m.model_id),
    handle: async (m, r) => listing(r, await loggedModelArtifactRoot(r.db, r.config, m.model_id, enforcement(r)), m.artifact_directory_path),
  }),

  rpc({
    method: "GET",
    path: "/logged-models/:model_id/artifacts/files",
    only: "ajax-api",
    request: async (c) => {
      const raw = c.req.query("artifact_file_path");
      if (!raw) throw new MlflowError("BAD_REQUEST", 'Request must include the "artifact_file_path" query parameter.');
      return { model_id: c.req.param("model_id") ?? "", path: canonicalArtifactPath(raw), range: c.req.header("range"), presigned: c.req.query("presigned") === "true" };
    },
    access: (m) => onLoggedModel("read", m.model_id),
    handle: async (m, r) => {
      const root = await loggedModelArtifactRoot(r.db, r.config, m.model_id, enforcement(r));
      const path = joinArtifactPath(root.storePath, m.path);
      if (m.presigned) return store(r).presignedDownload(requireFilePath(path));
      return store(r).download(path, m.range);
    },
  }),

  rpc({
    method: "POST",
    path: "/artifacts/presigned-upload-url",
    request: CreatePresignedUploadUrl,
    access: (m) => (m.model_id ? onLoggedModel("update", m.model_id) : onRun("update", m.run_id)),
    handle: (m, r) => createPresignedUpload(r.db, r.config, m, enforcement(r)),
  }),

  rpc({
    method: "POST",
    path: "/artifacts/presigned-download-url",
    request: CreatePresignedDownloadUrl,
    access: (m) => onRun("read", m.run_id),
    handle: (m, r) => createPresignedDownload(r.db, r.config, m, enforcement(r)),
  }),

  rpc({
    method: "POST",
    path: "/upload-artifact",
    only: "ajax-api",
    request: readUpload,
    access: (m) => onRun("update", m.run_id),
    handle: async (m, r) => {
      const root = await runArtifactRoot(r.db, r.config, m.run_id, enforcement(r));
      await store(r).upload(joinArtifactPath(root.storePath, m.path), m.body, m.length, background(r));
      return new Response(null, { status: 200, headers: { "content-type": "application/json" } });
    },
  }),
];
