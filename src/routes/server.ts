/** Server-level routes: health, version and server-info. */
import { publicAccess, signedIn } from "../auth/access";
import type { ArtifactConfig } from "../artifacts/config";
import type { Config } from "../env";
import { route, rpc } from "./route";

/** The MLflow version whose REST contract we implement; clients gate features on it. */
export const MLFLOW_COMPAT_VERSION = "3.18.0";

const plain = (text: string) => new Response(text, { headers: { "content-type": "text/plain; charset=utf-8" } });
const nothing = async () => ({});

export const serverRoutes = [
  // Liveness only, answered without credentials (src/auth/middleware.ts PUBLIC_PATHS).
  route({ method: "GET", paths: ["/health"], request: nothing, access: publicAccess, handle: () => plain("OK") }),
  route({ method: "GET", paths: ["/version"], request: nothing, access: signedIn(), handle: () => plain(MLFLOW_COMPAT_VERSION) }),
  rpc({ method: "GET", path: "/server-info", version: 3, request: nothing, access: signedIn(), handle: (_m, r) => serverInfo(r.config) }),
];

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
    // As in MLflow, these say the request contracts are served (artifacts/presigned-upload-url
    // for runs and logged models, model-versions/get-artifact?presigned=true) whenever there is a
    // store to sign for; each request still needs a root the URL can point into.
    presigned_upload_run_id_supported: artifacts.s3 !== null,
    presigned_upload_model_id_supported: artifacts.s3 !== null,
    model_artifact_presigned_downloads_supported: artifacts.s3 !== null,
    features_enabled: { gateway: false, scheduled_issue_detection: false },
    tracking_auth: "",
    artifacts_presigned_only: false,
  };
}
