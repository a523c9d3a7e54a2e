/**
 * Maps stored artifact locations (a run's artifact_uri, a model version's download URI) onto paths
 * in our artifact store, as MLflow's `_get_proxied_run_artifact_destination_path` does:
 *
 * - `mlflow-artifacts:/<p>` and `mlflow-artifacts://<host>/<p>` → `<p>`;
 * - `http(s)://…/api/2.0/mlflow-artifacts/artifacts/<p>` → `<p>`;
 * - `s3://<S3_BUCKET>/<S3_PREFIX>/<p>` (no-serve mode) → `<p>`.
 *
 * Locations come from the database, where experiment artifact locations are user-supplied, so the
 * result goes through the same path checks as client input. Anything else is not ours to read.
 */
import { MlflowError } from "../errors";
import type { ArtifactConfig } from "./config";
import { canonicalArtifactPath } from "./paths";

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

function stripQueryAndFragment(s: string): string {
  return s.replace(/[?#].*$/, "");
}

/** The artifact-store path of a stored artifact location. */
export function storePathOfLocation(uri: string, config: ArtifactConfig): string {
  const lower = uri.toLowerCase();
  if (lower.startsWith("mlflow-artifacts:")) {
    return canonicalArtifactPath(stripQueryAndFragment(afterScheme(uri, "mlflow-artifacts:")).replace(/^\/+/, ""));
  }
  if (lower.startsWith("http://") || lower.startsWith("https://")) {
    const path = stripQueryAndFragment(afterScheme(uri, lower.startsWith("https") ? "https:" : "http:"));
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
