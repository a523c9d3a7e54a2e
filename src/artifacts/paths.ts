/**
 * Artifact path safety: the ONE place every artifact route turns a client-supplied path into a
 * canonical, relative storage path. MLflow's artifact proxy has a history of path-traversal CVEs,
 * so the rules here are stricter than MLflow's `validate_path_is_safe` (mlflow/utils/uri.py):
 *
 * - decoded exactly once (URL paths) or taken as already decoded (query and JSON values); any
 *   `%XX` left after that is double encoding (`%252e%252e` → `%2e%2e`) and is rejected rather than
 *   decoded again, so no later layer can turn it into `..`;
 * - rejected: `..` segments, absolute paths (`/x`, `C:\x`, `C:x`), backslashes, `;` path
 *   parameters, `#`, NUL and every other control character, URI schemes (`file:`, `s3:`, …),
 *   and keys longer than S3 allows;
 * - canonicalised: empty and `.` segments are dropped, so `a//./b/` and `a/b` are the same key.
 *
 * Every rejection is MLflow's `INVALID_PARAMETER_VALUE` "Invalid path".
 */
import { MlflowError } from "../errors";

/** S3 and R2 limit object keys to 1024 bytes of UTF-8; leave room for the bucket prefix. */
export const MAX_ARTIFACT_PATH_BYTES = 900;

const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;
const PERCENT_ESCAPE = /%[0-9a-fA-F]{2}/;
// A leading `scheme:` (file:, s3:, http:, mlflow-artifacts:) or a Windows drive (`C:`).
const SCHEME_OR_DRIVE = /^[A-Za-z][A-Za-z0-9+.-]*:/;

export function invalidPath(): MlflowError {
  return MlflowError.invalidParameter("Invalid path");
}

/**
 * Canonicalises an artifact path that is already decoded (a query parameter or JSON field).
 * Returns the relative path without leading or trailing slashes; "" means the root.
 */
export function canonicalArtifactPath(decoded: string): string {
  if (CONTROL_CHARS.test(decoded)) throw invalidPath();
  if (decoded.includes("#") || decoded.includes("\\") || decoded.includes(";")) throw invalidPath();
  // Decoding happened once already; another escape here could only be double encoding.
  if (PERCENT_ESCAPE.test(decoded)) throw invalidPath();
  if (decoded.startsWith("/")) throw invalidPath();
  if (SCHEME_OR_DRIVE.test(decoded)) throw invalidPath();
  const segments: string[] = [];
  for (const segment of decoded.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") throw invalidPath();
    segments.push(segment);
  }
  const path = segments.join("/");
  if (new TextEncoder().encode(path).length > MAX_ARTIFACT_PATH_BYTES) throw invalidPath();
  return path;
}

/**
 * Canonicalises a path taken raw from the URL: decodes each segment exactly once, then checks it.
 * Stricter than for query values: a URL path with an empty, `.` or `..` segment (after decoding,
 * so `%2e%2e` too) is refused rather than resolved, since it can only be an attempt to name a
 * file other than the one it spells. A single trailing slash (a directory) is allowed.
 */
export function canonicalEncodedArtifactPath(encoded: string): string {
  const segments = encoded.replace(/\/$/, "").split("/");
  const decoded: string[] = [];
  for (const segment of segments) {
    let d: string;
    try {
      d = decodeURIComponent(segment);
    } catch {
      throw invalidPath(); // malformed escapes such as `%zz` or a lone `%`
    }
    // An encoded slash (`%2F`) may hide more segments: each must name something too.
    if (d.split("/").some((part) => part === "" || part === "." || part === "..")) throw invalidPath();
    decoded.push(d);
  }
  return canonicalArtifactPath(decoded.join("/"));
}

/**
 * Writes through the proxy land inside an artifact folder: every layout MLflow writes
 * (`<exp>/<run>/artifacts/…`, `<exp>/models/<id>/artifacts/…`, `<exp>/traces/<id>/artifacts/…`,
 * and the same under custom experiment locations) has an `artifacts` segment after at least two
 * others. The URL standard resolves `..` (and `%2e%2e`) before the Worker sees a URL, so
 * `<exp>/<run>/artifacts/%2e%2e/%2e%2e/x` arrives as `<exp>/x`; this rule refuses what such a
 * path can resolve to outside the run's folder. `file` says whether the path must be inside the
 * folder (uploads) or may be the folder itself (deleting a run's artifacts).
 */
export function requireInArtifactFolder(path: string, file: boolean): string {
  const segments = path.split("/");
  const at = segments.indexOf("artifacts", 2);
  if (at < 0 || (file && at === segments.length - 1)) {
    throw MlflowError.invalidParameter(`Invalid path: '${path}' is not inside a run's, model's or trace's artifact folder.`);
  }
  return path;
}

/** A path that must name a file (uploads): not the root. */
export function requireFilePath(path: string): string {
  if (path === "") throw MlflowError.invalidParameter("Artifact path must include a file name.");
  return path;
}

/**
 * The file name in a multipart request's `path` field. Clients before 3.18 sent their whole local
 * path (possibly absolute or a Windows path), and MLflow keeps only its base name: so do we, split
 * on both separators, and the name must then be one safe segment.
 */
export function multipartFileName(path: string): string {
  const name = path.split(/[\\/]/).pop() ?? "";
  const canonical = canonicalArtifactPath(name);
  if (canonical === "" || canonical.includes("/")) throw invalidPath();
  return canonical;
}

/** Joins canonical relative paths ("" is the root). */
export function joinArtifactPath(...parts: string[]): string {
  return parts.filter((p) => p !== "").join("/");
}

/** The last segment of a canonical path. */
export function baseName(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? path : path.slice(i + 1);
}
