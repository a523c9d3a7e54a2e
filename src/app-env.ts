/**
 * The Hono environment shared by every layer that sees a request: bindings, and the per-request
 * variables set by the middleware in src/app.ts and src/auth/middleware.ts. Its own module so that
 * routes and middleware depend on it, not on the app that mounts them.
 */
import type { Context, Hono } from "hono";
import type { AuthState } from "./auth/state";
import type { DbSession } from "./db/client";
import type { Config, Env } from "./env";

export interface AppVariables {
  config: Config;
  /** Opened lazily: routes that never touch Postgres (health, artifacts) pay nothing. */
  database: () => DbSession;
  /** The signed-in caller; absent when auth is off. */
  auth?: AuthState;
}

export type AppEnv = { Bindings: Env; Variables: AppVariables };
export type App = Hono<AppEnv>;
export type AppContext = Context<AppEnv>;
