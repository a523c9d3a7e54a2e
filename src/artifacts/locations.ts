/**
 * Artifact locations: the URIs stored on experiments, runs, logged models and model versions, and
 * where they live in our artifact store, as MLflow's `_get_proxied_run_artifact_destination_path`
 * maps them:
 *
 * - `mlflow-artifacts:/<p>` and `mlflow-artifacts://<host>/<p>` → `<p>`;
 * - `http(s)://…/api/2.0/mlflow-artifacts/artifacts/<p>` → `<p>`;
 * - `s3://<S3_BUCKET>/<S3_PREFIX>/<p>` (no-serve mode) → `<p>`.
 *
 * The store is split into one namespace per experiment, `<root>/<experiment id>/…`, where `<root>`
 * is where DEFAULT_ARTIFACT_ROOT points in the store; permissions on artifact paths are decided by
 * that namespace. Experiment locations are user input, so:
 * - at creation a location is refused if it carries a query, a fragment, traversal or control
 *   characters, and, when permissions are enforced, if it points into the store at all (the server
 *   places experiments in their own namespace; a chosen location could name another's);
 * - when resolved, a location with a query or fragment is not ours (never silently truncated), and
 *   with permissions enforced it must lie inside the namespace of the experiment it belongs to.
 */
import { MlflowError } from "../errors";
import type { ArtifactConfig } from "./config";
import { canonicalArtifactPath, joinArtifactPath } from "./paths";

const PROXY_ANCHOR = "/api/2.0/mlflow-artifacts/artifacts";

function notServed(uri: string): MlflowError {
  return MlflowError.invalidParameter(`Artifact location '${uri}' is not in this server's artifact store.`);
}

/** Drops `scheme://authority` (or `scheme:`) and returns the rest of a URI. */
function afterScheme(uri: string, scheme: string): string {
  const rest = uri.slice(scheme.length);
  if (!rest.startsWith("//")) return rest;
  const slash = rest.indexOf("/", 2);
  return slash < 0 ? "" : rest.slice(slash);
}

/** The artifact-store path of a stored artifact location; throws when the location is not in our store. */
export function storePathOfLocation(uri: string, config: ArtifactConfig): string {
  // A query or fragment is never part of a stored location we wrote; dropping it would let
  // `mlflow-artifacts:/7?` name experiment 7's folder.
  if (/[?#]/.test(uri)) throw notServed(uri);
  const lower = uri.toLowerCase();
  if (lower.startsWith("mlflow-artifacts:")) {
    return canonicalArtifactPath(afterScheme(uri, "mlflow-artifacts:").replace(/^\/+/, ""));
  }
  if (lower.startsWith("http://") || lower.startsWith("https://")) {
    const path = afterScheme(uri, lower.startsWith("https") ? "https:" : "http:");
    const at = path.indexOf(PROXY_ANCHOR);
    if (at < 0) throw notServed(uri);
    const rest = path.slice(at + PROXY_ANCHOR.length);
    if (rest !== "" && !rest.startsWith("/")) throw notServed(uri);
    let decoded: string;
    try {
      decoded = decodeURIComponent(rest);
    } catch {
      throw notServed(uri);
    }
    return canonicalArtifactPath(decoded.replace(/^\/+/, ""));
  }
  if (lower.startsWith("s3://") && config.s3) {
    const path = uri.slice("s3://".length);
    const slash = path.indexOf("/");
    const bucket = slash < 0 ? path : path.slice(0, slash);
    const key = canonicalArtifactPath(slash < 0 ? "" : path.slice(slash + 1));
    const prefix = config.s3.prefix;
    if (bucket !== config.s3.bucket) throw notServed(uri);
    if (prefix === "") return key;
    if (key === prefix) return "";
    if (key.startsWith(`${prefix}/`)) return key.slice(prefix.length + 1);
    throw notServed(uri);
  }
  throw notServed(uri);
}

/** Whether a location resolves into our store. */
export function isInStore(uri: string, config: ArtifactConfig): boolean {
  try {
    storePathOfLocation(uri, config);
    return true;
  } catch {
    return false;
  }
}

/** Where experiment namespaces start in the store: DEFAULT_ARTIFACT_ROOT's store path ("" = the top). */
export function namespaceRoot(defaultArtifactRoot: string, config: ArtifactConfig): string {
  try {
    return storePathOfLocation(defaultArtifactRoot, config);
  } catch {
    return "";
  }
}

/** The experiment whose namespace holds a store path, or null (then only admins may touch it). */
export function experimentOfStorePath(storePath: string, root: string): string | null {
  let rest = storePath;
  if (root !== "") {
    if (!storePath.startsWith(`${root}/`)) return null;
    rest = storePath.slice(root.length + 1);
  }
  const first = rest.split("/")[0] ?? "";
  return /^[0-9]+$/.test(first) ? first : null;
}

/** Refuses a store path outside its experiment's namespace (permissions enforced only). */
export function requireInNamespace(storePath: string, experimentId: string | number, root: string, uri: string): void {
  const ns = joinArtifactPath(root, String(experimentId));
  if (storePath !== ns && !storePath.startsWith(`${ns}/`)) {
    throw MlflowError.invalidParameter(`Artifact location '${uri}' is outside the artifact namespace of experiment ${experimentId}.`);
  }
}

const ENCODED_DOT = /%2e/i;

/**
 * Checks a client-chosen experiment artifact location (CreateExperiment). Locations inside our
 * store are left to the server when permissions are enforced.
 */
export function validateNewExperimentLocation(uri: string, config: ArtifactConfig, permissionsEnforced: boolean): void {
  const refuse = (why: string) =>
    MlflowError.invalidParameter(`Invalid artifact_location '${uri}': ${why}`);
  if (/[\u0000-\u001f\u007f]/.test(uri)) throw refuse("control characters are not allowed.");
  if (/[?#]/.test(uri)) throw refuse("a query or fragment is not allowed.");
  if (uri.includes("\\")) throw refuse("backslashes are not allowed.");
  const segments = uri.split("/");
  if (segments.some((s) => s === ".." || s === "." || ENCODED_DOT.test(s))) throw refuse("'.' and '..' segments are not allowed.");
  if (permissionsEnforced && isInStore(uri, config)) {
    throw refuse("locations in this server's artifact store are assigned by the server when permissions are enforced; omit artifact_location.");
  }
}
