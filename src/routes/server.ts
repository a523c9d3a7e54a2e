/** Server-level routes: health, version, server-info, and the UI's telemetry stub. */
import type { App } from "../app";
import { sendJson } from "../protocol/http";
import { rpcPaths } from "./rpc";

/** The MLflow version whose REST contract we implement; clients gate features on it. */
export const MLFLOW_COMPAT_VERSION = "3.18.0";

export function registerServerRoutes(app: App): void {
  app.get("/health", (c) => c.text("OK"));
  app.get("/version", (c) => c.text(MLFLOW_COMPAT_VERSION));
  app.get(rpcPaths("/server-info", 3)[0]!, (c) => sendJson(c, serverInfo()));
  app.get(rpcPaths("/server-info", 3)[1]!, (c) => sendJson(c, serverInfo()));
}

function serverInfo(): Record<string, unknown> {
  return {
    store_type: "SqlStore",
    workspaces_enabled: false,
    multipart_uploads_enabled: false,
    multipart_downloads_enabled: false,
    trace_archival_enabled: false,
  };
}
