/** Worker bindings and the configuration derived from them, validated once per isolate. */
import { defaultArtifactRootFor, loadArtifactConfig, type ArtifactConfig, type ArtifactEnv } from "./artifacts/config";
import { MlflowError } from "./errors";

export interface Env extends ArtifactEnv {
  /** postgres:// URL of the backend store (Neon in production; a secret). */
  DATABASE_URL?: string;
  /** host:port of a local WebSocket-to-TCP proxy; set only for local Postgres/PGlite. */
  DB_WS_PROXY?: string;
  /** Root for new experiments' artifact locations, MLflow's --default-artifact-root. */
  DEFAULT_ARTIFACT_ROOT?: string;
  // Artifact storage (S3_*, SERVE_ARTIFACTS, ARTIFACTS_ONLY) comes from ArtifactEnv: src/artifacts/config.ts.
  ASSETS?: Fetcher;
}

export interface Config {
  databaseUrl: string;
  dbWsProxy: string | null;
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
    databaseUrl: env.DATABASE_URL ?? "",
    dbWsProxy: env.DB_WS_PROXY ? env.DB_WS_PROXY : null,
    defaultArtifactRoot: env.DEFAULT_ARTIFACT_ROOT || defaultArtifactRootFor(artifacts),
    artifacts,
  };
}
