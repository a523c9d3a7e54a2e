/**
 * Artifacts named through the tracking side: a run's (or logged model's, or model version's)
 * artifact root resolved to a path in our store with one statement, then store operations on
 * canonical paths under it. With permissions enforced, a root must lie in the namespace of the
 * experiment the caller was authorized on (see src/artifacts/locations.ts), so a location that
 * points elsewhere cannot widen a grant.
 */
import type { ArtifactConfig } from "../artifacts/config";
import { namespaceRoot, requireInNamespace, storePathOfLocation } from "../artifacts/locations";
import { canonicalArtifactPath, joinArtifactPath, requireFilePath } from "../artifacts/paths";
import { ArtifactStore, type FileInfo } from "../artifacts/store";
import { findLoggedModelArtifactLocation, findModelVersionArtifactUri, findRunArtifactUri } from "../db/artifacts";
import type { Db } from "../db/client";
import type { Config } from "../env";
import { MlflowError, missingParameter } from "../errors";
import type { Int64 } from "../lib/int64";

export function storeFor(config: ArtifactConfig): ArtifactStore {
  if (!config.s3) {
    throw new MlflowError(
      "TEMPORARILY_UNAVAILABLE",
      "Artifact storage is not configured: set S3_ENDPOINT, S3_BUCKET, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY.",
    );
  }
  return new ArtifactStore(config.s3);
}

export interface ArtifactRoot {
  /** The artifact URI as stored (ListArtifacts' root_uri). */
  uri: string;
  /** Where it lives in our store. */
  storePath: string;
}

/** Whether roots must stay inside their experiment's namespace (auth on). */
export interface Enforcement {
  permissionsEnforced: boolean;
}

function resolveRoot(uri: string, experimentId: number, config: Config, e: Enforcement): ArtifactRoot {
  const storePath = storePathOfLocation(uri, config.artifacts);
  if (e.permissionsEnforced) requireInNamespace(storePath, experimentId, namespaceRoot(config.defaultArtifactRoot, config.artifacts), uri);
  return { uri, storePath };
}

export async function runArtifactRoot(db: Db, config: Config, runId: string | undefined, e: Enforcement): Promise<ArtifactRoot> {
  if (!runId) throw missingParameter("run_id");
  const run = await findRunArtifactUri(db, runId);
  if (!run) throw MlflowError.notFound(`Run with id=${runId} not found`);
  return resolveRoot(run.artifactUri ?? "", run.experimentId, config, e);
}

export async function loggedModelArtifactRoot(db: Db, config: Config, modelId: string, e: Enforcement): Promise<ArtifactRoot> {
  const model = await findLoggedModelArtifactLocation(db, modelId);
  if (model === undefined) throw MlflowError.notFound(`Logged model with ID '${modelId}' not found.`);
  return resolveRoot(model.location, model.experimentId, config, e);
}

/** ListArtifacts for a run (or a logged model): direct children of `path`, with paths relative to the root. */
export async function listArtifacts(store: ArtifactStore, root: ArtifactRoot, path: string): Promise<FileInfo[]> {
  const files = await store.list(joinArtifactPath(root.storePath, path));
  return files.map((f) => ({ ...f, path: joinArtifactPath(path, f.path) }));
}

/**
 * The store path of a file under a registered model version's artifacts. Reading a version is
 * authorized on the registered model; its source was authorized when the version was created.
 */
export async function modelVersionArtifactPath(db: Db, config: ArtifactConfig, name: string | undefined, version: string | undefined, path: string): Promise<string> {
  if (name === undefined || name.trim() === "") throw missingParameter("name");
  if (name.includes("/") || name.includes(":")) {
    throw MlflowError.invalidParameter(`Invalid model name '${name}'. Names cannot contain '/' or ':'.`);
  }
  if (version === undefined || !/^\s*[-+]?\d+\s*$/.test(version)) {
    throw MlflowError.invalidParameter(`Parameter 'version' must be an integer, got '${version ?? ""}'.`);
  }
  const uri = await findModelVersionArtifactUri(db, name, Number(version));
  if (uri === undefined) throw MlflowError.notFound(`Model Version (name=${name}, version=${Number(version)}) not found`);
  if (uri === null) throw MlflowError.invalidParameter(`Model Version (name=${name}, version=${Number(version)}) has no artifact location.`);
  return joinArtifactPath(storePathOfLocation(uri, config), path);
}

/** Presigned URLs live 1 s to 7 days on S3 and R2; others are dead on arrival, so refuse them up front. */
export function presignExpiration(value: Int64 | undefined, fallback: number): number {
  const expiration = value === undefined ? fallback : Number(value);
  if (!(expiration >= 1 && expiration <= 604800)) {
    throw MlflowError.invalidParameter(`expiration must be between 1 and 604800 seconds (got ${expiration}).`);
  }
  return expiration;
}

/** MLflow's default for presigned uploads (CreatePresignedUploadUrl without expiration). */
export const PRESIGNED_UPLOAD_TTL_SECONDS = 900;
/** MLflow's MLFLOW_PRESIGNED_DOWNLOAD_URL_TTL_SECONDS default. */
export const PRESIGNED_DOWNLOAD_TTL_SECONDS = 300;

const PROXIED_SCHEMES = ["http", "https", "mlflow-artifacts"];
const schemeOf = (uri: string) => /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(uri)?.[1]?.toLowerCase() ?? "";

/**
 * The root of a run's or logged model's artifacts for presigned transfers, which MLflow offers
 * only where clients reach storage directly (`s3://` roots, as under SERVE_ARTIFACTS=false), not
 * for roots behind the artifact proxy. We can sign only for our own bucket.
 */
async function directRoot(
  db: Db,
  config: Config,
  target: { runId: string } | { modelId: string },
  e: Enforcement,
  refusal: (scheme: string) => string,
): Promise<ArtifactRoot> {
  let uri: string;
  let experimentId: number;
  if ("runId" in target) {
    const run = await findRunArtifactUri(db, target.runId);
    if (!run) throw MlflowError.notFound(`Run with id=${target.runId} not found`);
    uri = run.artifactUri ?? "";
    experimentId = run.experimentId;
  } else {
    const model = await findLoggedModelArtifactLocation(db, target.modelId);
    if (model === undefined) throw MlflowError.notFound(`Logged model with ID '${target.modelId}' not found.`);
    uri = model.location;
    experimentId = model.experimentId;
  }
  const scheme = schemeOf(uri);
  if (PROXIED_SCHEMES.includes(scheme)) throw MlflowError.invalidParameter(refusal(scheme));
  return resolveRoot(uri, experimentId, config, e);
}

/** CreatePresignedUploadUrl: a URL to PUT one artifact of a run or logged model into the bucket. */
export async function createPresignedUpload(
  db: Db,
  config: Config,
  m: { run_id?: string; model_id?: string; path: string; expiration?: Int64 },
  e: Enforcement,
): Promise<{ presigned_url: string; headers: Record<string, string> }> {
  const path = requireFilePath(canonicalArtifactPath(m.path));
  const expiration = presignExpiration(m.expiration, PRESIGNED_UPLOAD_TTL_SECONDS);
  const root = await directRoot(
    db,
    config,
    m.run_id ? { runId: m.run_id } : { modelId: m.model_id ?? "" },
    e,
    (scheme) =>
      `Presigned upload is not supported for proxied artifact storage (artifact URI scheme: ${scheme}). This endpoint requires a direct cloud storage artifact URI.`,
  );
  return storeFor(config.artifacts).presignedUpload(joinArtifactPath(root.storePath, path), expiration);
}

/** CreatePresignedDownloadUrl: a URL to GET one artifact of a run straight from the bucket. */
export async function createPresignedDownload(
  db: Db,
  config: Config,
  m: { run_id: string; path: string; expiration?: Int64 },
  e: Enforcement,
): Promise<{ presigned_url: string; headers?: Record<string, string>; file_size: number }> {
  const path = requireFilePath(canonicalArtifactPath(m.path));
  const expiration = presignExpiration(m.expiration, PRESIGNED_DOWNLOAD_TTL_SECONDS);
  const root = await directRoot(
    db,
    config,
    { runId: m.run_id },
    e,
    (scheme) =>
      `Presigned download is not supported for runs with proxied artifact storage (artifact URI scheme: ${scheme}). This endpoint requires a run with a direct cloud storage artifact URI.`,
  );
  // A directory is no object to sign for: MLflow's S3 repository answers 404, and so do we.
  const { url, headers, file_size } = await storeFor(config.artifacts).presignedDownload(joinArtifactPath(root.storePath, path), expiration, {
    directoryIsMissing: true,
  });
  // A protobuf response: an empty headers map is left out of its JSON, as MLflow's is.
  return Object.keys(headers).length > 0 ? { presigned_url: url, headers, file_size } : { presigned_url: url, file_size };
}
