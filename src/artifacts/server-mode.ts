/**
 * MLflow's server modes as one middleware (see config.ts for the settings):
 * - SERVE_ARTIFACTS=false: every mlflow-artifacts route answers 503 with a plain-text body, as
 *   `mlflow server --no-serve-artifacts` does;
 * - ARTIFACTS_ONLY=true: every tracking route (the MLflow RPCs, the UI's artifact routes, GraphQL,
 *   OTLP) answers 503 plain text, as `mlflow server --artifacts-only` does. /health, /version and
 *   server-info stay up: clients read server-info to learn what the server offers.
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env";

const PROXY = /^\/(api|ajax-api)\/2\.0\/mlflow-artifacts(\/|$)/;
const TRACKING = /^\/(api|ajax-api)\/\d+\.0\/mlflow(\/|$)|^\/(get-artifact|model-versions\/get-artifact|graphql|v1\/traces)$/;
const SERVER_INFO = /^\/(api|ajax-api)\/3\.0\/mlflow\/server-info$/;

function disabled(path: string, why: string): Response {
  return new Response(`Endpoint ${path} is disabled: ${why}`, { status: 503, headers: { "content-type": "text/plain; charset=utf-8" } });
}

export const serverModeGuard: MiddlewareHandler<AppEnv> = async (c, next) => {
  const { serveArtifacts, artifactsOnly } = c.var.config.artifacts;
  const path = new URL(c.req.url).pathname;
  if (!serveArtifacts && PROXY.test(path)) {
    return disabled(path, "this server does not serve artifacts (SERVE_ARTIFACTS=false); clients write to artifact storage directly.");
  }
  if (artifactsOnly && TRACKING.test(path) && !SERVER_INFO.test(path)) {
    return disabled(path, "this server only serves artifacts (ARTIFACTS_ONLY=true).");
  }
  await next();
};
