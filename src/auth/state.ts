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
