/**
 * The mlflow-artifacts proxy (under /api/2.0 and /ajax-api/2.0), paths relative to the store root:
 *   PUT    /mlflow-artifacts/artifacts/<path>        streamed upload (Content-Length required)
 *   GET    /mlflow-artifacts/artifacts/<path>        streamed download, Range passed through
 *   DELETE /mlflow-artifacts/artifacts/<path>        file or whole directory
 *   GET    /mlflow-artifacts/artifacts?path=<dir>    direct children, names relative to <dir>
 *   POST   /mlflow-artifacts/mpu/{create,complete,abort}/<dir>   presigned multipart upload of <dir>/<file>
 *   GET    /mlflow-artifacts/presigned/<path>        presigned ranged download
 * Each route reads its path once (src/artifacts/paths.ts); the permission check names the
 * experiment whose namespace holds that canonical path, and the handler touches that same path.
 */
import { custom, type Access } from "../auth/access";
import type { AppContext } from "../app-env";
import { experimentOfStorePath, namespaceRoot } from "../artifacts/locations";
import { canonicalArtifactPath, canonicalEncodedArtifactPath, joinArtifactPath, multipartFileName, requireFilePath, requireInArtifactFolder } from "../artifacts/paths";
import type { Capability } from "../auth/permissions";
import type { Config } from "../env";
import { MlflowError } from "../errors";
import { decode } from "../protocol/http";
import { AbortMultipartUpload, CompleteMultipartUpload, CreateMultipartUpload } from "../protocol/mlflow-artifacts";
import type { Message } from "../protocol/message";
import { storeFor } from "../services/artifacts";
import { background } from "./background";
import { route, type Method, type Reply, type RequestScope } from "./route";

const PREFIXES = ["/api/2.0/mlflow-artifacts", "/ajax-api/2.0/mlflow-artifacts"];

/** The canonical store path after `<prefix><segment>/` in the request URL. */
function pathAfter(c: AppContext, segment: string): string {
  const pathname = new URL(c.req.url).pathname;
  for (const prefix of PREFIXES) {
    const start = `${prefix}${segment}/`;
    if (pathname.startsWith(start)) return canonicalEncodedArtifactPath(pathname.slice(start.length));
  }
  throw MlflowError.invalidParameter("Invalid path");
}

/** Access on the experiment whose namespace holds `path`; paths outside every namespace are admin-only. */
function onStorePath<M extends { path: string }>(need: Capability): Access<M> {
  return (m) =>
    custom(`${need} on the experiment owning the artifact path`, async (check, config: Config) => {
      const experimentId = experimentOfStorePath(m.path, namespaceRoot(config.defaultArtifactRoot, config.artifacts));
      return check.can(need, experimentId ? { experimentId } : null);
    });
}

function proxy<M extends { path: string }>(
  method: Method,
  segment: string,
  read: (c: AppContext) => Promise<M>,
  need: Capability,
  handle: (m: M, r: RequestScope) => Promise<Reply>,
) {
  return route({ method, paths: PREFIXES.map((p) => `${p}${segment}`), request: read, access: onStorePath<M>(need), handle });
}

const store = (r: RequestScope) => storeFor(r.config.artifacts);

/**
 * A multipart request names a directory in the URL and a file in the body (MLflow keeps only the
 * body path's base name); the permission check sees the file the upload will create.
 */
function readMultipart<T extends { path: string }>(segment: string, m: Message<T>) {
  return async (c: AppContext) => {
    const dir = pathAfter(c, segment);
    const body = await decode(c, m);
    const fileName = multipartFileName(body.path);
    return { ...body, dir, fileName, path: requireInArtifactFolder(joinArtifactPath(dir, fileName), true) };
  };
}

export const mlflowArtifactRoutes = [
  proxy(
    "GET",
    "/artifacts",
    async (c) => {
      const value = c.req.query("path");
      return { path: value === undefined ? "" : canonicalArtifactPath(value) };
    },
    "read",
    async (m, r) => {
      const list = await store(r).list(m.path);
      return list.length > 0 ? { files: list } : {};
    },
  ),

  proxy(
    "PUT",
    "/artifacts/*",
    async (c) => {
      // `dir/` names a directory even though canonicalisation drops the slash.
      if (new URL(c.req.url).pathname.endsWith("/")) requireFilePath("");
      const path = requireInArtifactFolder(requireFilePath(pathAfter(c, "/artifacts")), true);
      return { path, body: c.req.raw.body, length: c.req.header("content-length") };
    },
    "update",
    async (m, r) => {
      await store(r).upload(m.path, m.body, m.length, background(r));
      return {};
    },
  ),

  proxy("GET", "/artifacts/*", async (c) => ({ path: pathAfter(c, "/artifacts"), range: c.req.header("range") }), "read", (m, r) =>
    store(r).download(m.path, m.range),
  ),

  // Deleting artifacts needs MANAGE: MLflow let EDIT users do it (CVE-2024-4263).
  proxy("DELETE", "/artifacts/*", async (c) => ({ path: requireInArtifactFolder(pathAfter(c, "/artifacts"), false) }), "delete", async (m, r) => {
    await store(r).delete(m.path);
    return {};
  }),

  // Multipart uploads are writes to the experiment's artifacts (CVE-2026-2651: unchecked mpu).
  proxy("POST", "/mpu/create/*", readMultipart("/mpu/create", CreateMultipartUpload), "update", async (m, r) =>
    store(r).createMultipart(m.dir, m.fileName, Number(m.num_parts ?? 0)),
  ),

  proxy("POST", "/mpu/complete/*", readMultipart("/mpu/complete", CompleteMultipartUpload), "update", async (m, r) => {
    const parts = m.parts.map((p) => ({ partNumber: Number(p.part_number ?? 0), etag: p.etag ?? "" }));
    await store(r).completeMultipart(m.dir, m.fileName, m.upload_id, parts);
    return {};
  }),

  proxy("POST", "/mpu/abort/*", readMultipart("/mpu/abort", AbortMultipartUpload), "update", async (m, r) => {
    await store(r).abortMultipart(m.dir, m.fileName, m.upload_id);
    return {};
  }),

  proxy("GET", "/presigned/*", async (c) => ({ path: requireFilePath(pathAfter(c, "/presigned")) }), "read", async (m, r) =>
    store(r).presignedDownload(m.path),
  ),
];
