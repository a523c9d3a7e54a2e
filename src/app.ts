/**
 * The Hono application: per-request database session, MLflow error mapping, and the route tree.
 * Routes are thin; services own the logic; src/db owns the SQL.
 */
import { Hono } from "hono";
import { authMiddleware } from "./auth/middleware";
import { databaseFailure, openDatabase, type DbSession } from "./db/client";
import { loadConfig, type Config, type Env } from "./env";
import { MlflowError, errorForFailure, unclassifiedFailure } from "./errors";
import { registerArtifactRoutes } from "./routes/artifacts";
import { registerAuthRoutes } from "./routes/auth";
import { registerExperimentRoutes } from "./routes/experiments";
import { registerInputRoutes } from "./routes/inputs";
import { registerLoggedModelRoutes } from "./routes/logged-models";
import { registerRegistryRoutes } from "./routes/registry";
import { registerMetricRoutes } from "./routes/metrics";
import { registerRunRoutes } from "./routes/runs";
import { registerSearchRoutes } from "./routes/search";
import { registerServerRoutes } from "./routes/server";

export interface AppVariables {
  config: Config;
  /** Opened lazily: routes that never touch Postgres (health, artifacts) pay nothing. */
  database: () => DbSession;
}

export type AppEnv = { Bindings: Env; Variables: AppVariables };
export type App = Hono<AppEnv>;

export function errorResponse(err: MlflowError): Response {
  return new Response(JSON.stringify(err.toJSON()), {
    status: err.status,
    headers: { "content-type": "application/json", ...err.headers },
  });
}

/** Methods registered for a fixed (parameter-free) path, for 405 answers. */
function methodsAllowedFor(app: App, path: string): string[] {
  const methods = app.routes.filter((r) => r.path === path && r.method !== "ALL").map((r) => r.method);
  return [...new Set(methods)];
}

export function createApp(): App {
  const app: App = new Hono<AppEnv>();

  app.use("*", async (c, next) => {
    const config = loadConfig(c.env);
    let session: DbSession | undefined;
    c.set("config", config);
    c.set("database", () => (session ??= openDatabase(config)));
    try {
      await next();
    } finally {
      if (session) {
        // Round trips are part of our performance contract; expose them for tests and benchmarks.
        c.res.headers.append("server-timing", `db;desc="round trips";dur=${session.roundTrips()}`);
        const closing = session.close();
        try {
          c.executionCtx.waitUntil(closing);
        } catch {
          await closing; // no execution context (e.g. unit tests calling app.fetch directly)
        }
      }
    }
  });

  // Authentication and authorization for every route but /health (src/auth/middleware.ts).
  app.use("*", authMiddleware());

  registerArtifactRoutes(app);
  registerServerRoutes(app);
  registerAuthRoutes(app);
  registerExperimentRoutes(app);
  registerRunRoutes(app);
  registerMetricRoutes(app);
  registerSearchRoutes(app);
  registerInputRoutes(app);
  registerLoggedModelRoutes(app);
  registerRegistryRoutes(app);

  // MLflow answers unknown routes and unimplemented RPCs with an empty 404; the client relies on it
  // (a non-JSON 404 becomes ENDPOINT_NOT_FOUND and triggers its fallbacks).
  app.notFound((c) => {
    const allowed = methodsAllowedFor(app, c.req.path);
    if (allowed.length > 0) {
      // A known route called with another method: 405, as Flask answers in the reference server.
      return new Response("Method Not Allowed", { status: 405, headers: { allow: allowed.join(", "), "content-type": "text/plain" } });
    }
    return new Response(null, { status: 404 });
  });

  app.onError((err) => {
    if (err instanceof MlflowError) return errorResponse(err);
    const failure = databaseFailure(err) ?? unclassifiedFailure(err);
    const mapped = errorForFailure(failure);
    // Only the classification's own detail is logged: error messages along the way (Drizzle's
    // above all) quote SQL parameters, i.e. user data.
    console.error(`unexpected error (${mapped.code}): ${failure.dependency}: ${failure.logDetail}`);
    return errorResponse(mapped);
  });

  return app;
}
