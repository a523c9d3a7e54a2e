/**
 * Artifact storage and server-mode settings, parsed from Worker bindings.
 *
 * Server modes (MLflow's `mlflow server` flags, see reference/mlflow-rest-api.md §11):
 * - serve artifacts (default): clients get `mlflow-artifacts:/` URIs and every byte goes through
 *   the `/api/2.0/mlflow-artifacts/*` proxy, or straight to S3 through presigned multipart URLs;
 * - `SERVE_ARTIFACTS=false` (`--no-serve-artifacts`): the proxy answers 503 and, unless
 *   DEFAULT_ARTIFACT_ROOT says otherwise, new experiments get `s3://<bucket>/<prefix>` locations so
 *   clients write to storage with their own credentials;
 * - `ARTIFACTS_ONLY=true` (`--artifacts-only`): only the proxy works; tracking routes answer 503,
 *   and no database is needed.
 */
import { MlflowError } from "../errors";

export interface S3Config {
  /** e.g. https://<account>.r2.cloudflarestorage.com; path-style requests go to <endpoint>/<bucket>/<key>. */
  endpoint: string;
  bucket: string;
  /** Key prefix for everything this server stores, without leading or trailing slashes ("" = none). */
  prefix: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** How long one storage call may keep us waiting for the store (S3_TIMEOUT_MS; see s3.ts). */
  timeoutMs: number;
}

export interface ArtifactConfig {
  /** null when no S3_* binding is set: artifact routes then explain that storage is not configured. */
  s3: S3Config | null;
  serveArtifacts: boolean;
  artifactsOnly: boolean;
}

export interface ArtifactEnv {
  S3_ENDPOINT?: string;
  S3_BUCKET?: string;
  S3_PREFIX?: string;
  S3_REGION?: string;
  S3_ACCESS_KEY_ID?: string;
  S3_SECRET_ACCESS_KEY?: string;
  SERVE_ARTIFACTS?: string;
  ARTIFACTS_ONLY?: string;
  S3_TIMEOUT_MS?: string;
}

/**
 * 30 s of silence from the store: R2 answers in milliseconds, and completing a 10,000-part upload
 * or deleting 1,000 keys takes seconds, while the official client waits 120 s for us.
 */
const DEFAULT_S3_TIMEOUT_MS = 30_000;

const S3_REQUIRED = ["S3_ENDPOINT", "S3_BUCKET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"] as const;

function flag(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value.trim() === "") return fallback;
  return !["false", "0", "no", "off"].includes(value.trim().toLowerCase());
}

export function loadArtifactConfig(env: ArtifactEnv): ArtifactConfig {
  const serveArtifacts = flag(env.SERVE_ARTIFACTS, true);
  const artifactsOnly = flag(env.ARTIFACTS_ONLY, false);
  const given = S3_REQUIRED.filter((k) => env[k]);
  let s3: S3Config | null = null;
  if (given.length > 0) {
    const missing = S3_REQUIRED.filter((k) => !env[k]);
    if (missing.length > 0) {
      // Half a storage configuration is a deployment mistake; say so on every request.
      throw new MlflowError("TEMPORARILY_UNAVAILABLE", `Server is not configured: missing ${missing.join(", ")} for artifact storage.`);
    }
    const timeoutMs = env.S3_TIMEOUT_MS ? Number(env.S3_TIMEOUT_MS) : DEFAULT_S3_TIMEOUT_MS;
    if (!Number.isInteger(timeoutMs) || timeoutMs < 100) {
      throw new MlflowError("TEMPORARILY_UNAVAILABLE", `Server is not configured: S3_TIMEOUT_MS must be a whole number of milliseconds ≥ 100, not '${env.S3_TIMEOUT_MS}'.`);
    }
    s3 = {
      endpoint: env.S3_ENDPOINT!.replace(/\/+$/, ""),
      bucket: env.S3_BUCKET!,
      prefix: (env.S3_PREFIX ?? "").split("/").filter((s) => s !== "" && s !== ".").join("/"),
      region: env.S3_REGION || "auto",
      accessKeyId: env.S3_ACCESS_KEY_ID!,
      secretAccessKey: env.S3_SECRET_ACCESS_KEY!,
      timeoutMs,
    };
  }
  if (artifactsOnly && !serveArtifacts) {
    throw new MlflowError("TEMPORARILY_UNAVAILABLE", "Server is not configured: ARTIFACTS_ONLY=true needs SERVE_ARTIFACTS left on.");
  }
  return { s3, serveArtifacts, artifactsOnly };
}

/**
 * The root for new experiments' artifact locations when DEFAULT_ARTIFACT_ROOT is unset: the proxy
 * when serving, else the bucket itself (clients then need their own S3 credentials).
 */
export function defaultArtifactRootFor(config: ArtifactConfig): string {
  if (config.serveArtifacts || !config.s3) return "mlflow-artifacts:/";
  return `s3://${config.s3.bucket}${config.s3.prefix ? `/${config.s3.prefix}` : ""}`;
}
