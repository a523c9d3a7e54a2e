/** The authenticated caller of a request, set by the auth middleware (absent when auth is off). */
import type { Context } from "hono";
import type { Principal } from "./authenticate";
import type { AuthConfig } from "./config";

export interface AuthState {
  principal: Principal;
  config: AuthConfig;
}

declare module "hono" {
  interface ContextVariableMap {
    auth?: AuthState;
  }
}

export function authState(c: Context): AuthState | undefined {
  return c.get("auth");
}

/**
 * The signed-in identity (email, service-token client id or username), for auditing: e.g. the run's
 * user_id when the client sends none. Undefined when auth is off.
 */
export function authenticatedUsername(c: Context): string | undefined {
  return c.get("auth")?.principal.username;
}
