/**
 * The Hono application: per-request database session, the auth layer, MLflow error mapping, and
 * the routes (src/routes/index.ts). Routes are thin; services own the logic; src/db owns the SQL.
 */
import { Hono } from "hono";
import type { App, AppEnv } from "./app-env";
import { serverModeGuard } from "./artifacts/server-mode";
import { authMiddleware } from "./auth/middleware";
import { databaseFailure, openDatabase, type DbSession } from "./db/client";
import { loadConfig } from "./env";
import { MlflowError, errorForFailure, unclassifiedFailure } from "./errors";
import { ROUTES } from "./routes";
import { mount } from "./routes/route";

export type { App, AppEnv } from "./app-env";

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
    const started = Date.now();
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
        // Wall time until the answer was ready. A Worker's clock moves only across I/O, so this is
        // the database's time and the waits between, not the CPU spent after the last exchange.
        c.res.headers.append("server-timing", `app;desc="ms until the answer, I/O included";dur=${Date.now() - started}`);
        const closing = session.close();
        try {
          c.executionCtx.waitUntil(closing);
        } catch {
          await closing; // no execution context (e.g. unit tests calling app.fetch directly)
        }
      }
    }
  });

  // Authentication for every route but /health; authorization runs per route on its decoded request.
  app.use("*", authMiddleware());
  // MLflow's server modes (SERVE_ARTIFACTS / ARTIFACTS_ONLY) before any route.
  app.use("*", serverModeGuard);

  mount(app, ROUTES);

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
