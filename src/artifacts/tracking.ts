/**
 * Tracking-side artifact access: the UI's and tracking API's routes name a run (or a model
 * version) and a path relative to its artifact root; these functions resolve that to a path in
 * our artifact store with one database statement, after the path checks.
 */
import type { Db } from "../db/client";
import { findLoggedModelArtifactLocation, findModelVersionArtifactUri, findRunArtifactUri } from "../db/artifacts";
import { MlflowError, missingParameter } from "../errors";
import type { ArtifactConfig } from "./config";
import { storePathOfLocation } from "./locations";
import { joinArtifactPath } from "./paths";
import { ArtifactStore, type FileInfo } from "./store";

export function storeFor(config: ArtifactConfig): ArtifactStore {
  if (!config.s3) {
    throw new MlflowError(
      "TEMPORARILY_UNAVAILABLE",
      "Artifact storage is not configured: set S3_ENDPOINT, S3_BUCKET, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY.",
    );
  }
  return new ArtifactStore(config.s3);
}

export interface RunArtifactRoot {
  /** The run's artifact_uri as stored (ListArtifacts' root_uri). */
  uri: string;
  /** Where it lives in our store. */
  storePath: string;
}

export async function runArtifactRoot(db: Db, config: ArtifactConfig, runId: string | undefined): Promise<RunArtifactRoot> {
  if (!runId) throw missingParameter("run_id");
  const run = await findRunArtifactUri(db, runId);
  if (!run) throw MlflowError.notFound(`Run with id=${runId} not found`);
  const uri = run.artifactUri ?? "";
  return { uri, storePath: storePathOfLocation(uri, config) };
}

export async function loggedModelArtifactRoot(db: Db, config: ArtifactConfig, modelId: string): Promise<RunArtifactRoot> {
  const uri = await findLoggedModelArtifactLocation(db, modelId);
  if (uri === undefined) throw MlflowError.notFound(`Logged model with ID '${modelId}' not found.`);
  return { uri, storePath: storePathOfLocation(uri, config) };
}

/** ListArtifacts for a run (or a logged model): direct children of `path`, with paths relative to the run's root. */
export async function listRunArtifacts(store: ArtifactStore, root: RunArtifactRoot, path: string): Promise<FileInfo[]> {
  const files = await store.list(joinArtifactPath(root.storePath, path));
  return files.map((f) => ({ ...f, path: joinArtifactPath(path, f.path) }));
}

/** The store path of a file under a registered model version's artifacts. */
export async function modelVersionArtifactPath(
  db: Db,
  config: ArtifactConfig,
  name: string | undefined,
  version: string | undefined,
  path: string,
): Promise<string> {
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
