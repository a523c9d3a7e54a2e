/** Worker bindings and the configuration derived from them, validated once per isolate. */
import { defaultArtifactRootFor, loadArtifactConfig, type ArtifactConfig, type ArtifactEnv } from "./artifacts/config";
import { loadDatabaseConfig, type DatabaseConfig, type DatabaseEnv } from "./db/config";
import { MlflowError } from "./errors";

export interface Env extends ArtifactEnv, DatabaseEnv {
  /** Root for new experiments' artifact locations, MLflow's --default-artifact-root. */
  DEFAULT_ARTIFACT_ROOT?: string;
  // Artifact storage (S3_*, SERVE_ARTIFACTS, ARTIFACTS_ONLY) comes from ArtifactEnv: src/artifacts/config.ts.
  ASSETS?: Fetcher;
}

export interface Config {
  /** Transport, endpoints and deadlines of the backend store: src/db/config.ts. */
  database: DatabaseConfig;
  defaultArtifactRoot: string;
  artifacts: ArtifactConfig;
}

export function loadConfig(env: Env): Config {
  const artifacts = loadArtifactConfig(env);
  const missing: string[] = [];
  // An artifacts-only server never opens the database.
  if (!env.DATABASE_URL && !artifacts.artifactsOnly) missing.push("DATABASE_URL (postgres://user:password@host/db; set it with `wrangler secret put DATABASE_URL`)");
  if (missing.length > 0) {
    throw new MlflowError("TEMPORARILY_UNAVAILABLE", `Server is not configured: missing ${missing.join(", ")}.`);
  }
  return {
    database: loadDatabaseConfig(env),
    defaultArtifactRoot: env.DEFAULT_ARTIFACT_ROOT || defaultArtifactRootFor(artifacts),
    artifacts,
  };
}
