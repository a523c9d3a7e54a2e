/**
 * Artifacts named through the tracking side: a run's (or logged model's, or model version's)
 * artifact root resolved to a path in our store with one statement, then store operations on
 * canonical paths under it. With permissions enforced, a root must lie in the namespace of the
 * experiment the caller was authorized on (see src/artifacts/locations.ts), so a location that
 * points elsewhere cannot widen a grant.
 */
import type { ArtifactConfig } from "../artifacts/config";
import { namespaceRoot, requireInNamespace, storePathOfLocation } from "../artifacts/locations";
import { joinArtifactPath } from "../artifacts/paths";
import { ArtifactStore, type FileInfo } from "../artifacts/store";
import { findLoggedModelArtifactLocation, findModelVersionArtifactUri, findRunArtifactUri } from "../db/artifacts";
import type { Db } from "../db/client";
import type { Config } from "../env";
import { MlflowError, missingParameter } from "../errors";

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
