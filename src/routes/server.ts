/** Server-level routes: health, version, server-info, and the UI's telemetry stub. */
import type { App } from "../app";
import type { ArtifactConfig } from "../artifacts/config";
import type { Config } from "../env";
import { sendJson } from "../protocol/http";
import { rpcPaths } from "./rpc";

/** The MLflow version whose REST contract we implement; clients gate features on it. */
export const MLFLOW_COMPAT_VERSION = "3.18.0";

export function registerServerRoutes(app: App): void {
  app.get("/health", (c) => c.text("OK"));
  app.get("/version", (c) => c.text(MLFLOW_COMPAT_VERSION));
  app.get(rpcPaths("/server-info", 3)[0]!, (c) => sendJson(c, serverInfo(c.var.config)));
  app.get(rpcPaths("/server-info", 3)[1]!, (c) => sendJson(c, serverInfo(c.var.config)));
}

/**
 * The fields MLflow 3.18's server-info reports (`build_server_info_payload` in
 * mlflow/server/handlers.py). Clients act on them: with `multipart_uploads_enabled` a 3.18 client
 * sends files at or above MLFLOW_MULTIPART_UPLOAD_MINIMUM_FILE_SIZE straight to storage through
 * presigned part URLs, and with `multipart_downloads_enabled` it fetches every file through a
 * presigned URL and does NOT fall back to the proxy on failure, so both are advertised only when
 * the S3 store that signs those URLs is configured and served.
 */
function serverInfo(config: Config): Record<string, unknown> {
  const artifacts: ArtifactConfig = config.artifacts;
  const presigned = artifacts.serveArtifacts && artifacts.s3 !== null;
  return {
    store_type: artifacts.artifactsOnly ? null : "SqlStore",
    workspaces_enabled: false,
    trace_archival_enabled: false,
    multipart_uploads_enabled: presigned,
    multipart_downloads_enabled: presigned,
    artifact_serving_enabled: artifacts.serveArtifacts,
    // MLflow's limits for skill uploads (25 MiB decompressed, 10,000 files); reported for parity.
    skill_content_max_size: 25 * 1024 * 1024,
    skill_content_max_files: 10_000,
    // Presigned-upload/-download endpoints for runs with direct (non-proxied) storage, and the
    // registry's presigned model downloads, are not implemented.
    presigned_upload_run_id_supported: false,
    presigned_upload_model_id_supported: false,
    model_artifact_presigned_downloads_supported: false,
    features_enabled: { gateway: false, scheduled_issue_detection: false },
    tracking_auth: "",
    artifacts_presigned_only: false,
  };
}
