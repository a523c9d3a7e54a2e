/**
 * The one auth layer, applied in front of every route (src/app.ts). Order: Host allowlist, CORS
 * preflight and cross-origin blocking (always on, as in MLflow 3.5+), then — when auth is on —
 * authentication and an audit line per write. Authorization is not decided here: each route
 * declares it and src/routes/route.ts applies it to the request as the route decoded it. Only
 * PUBLIC_PATHS skip authentication; static UI files never reach the Worker (wrangler.toml
 * [assets]) and are protected by Access at the edge.
 */
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env";
import { authenticate, NotAuthenticated } from "./authenticate";
import { loadAuthConfig, type AuthConfig } from "./config";
import { blocksCrossOrigin, corsHeaders, hostAllowed, originAllowed, preflightHeaders, SECURITY_HEADERS } from "./http-guards";
import { forbidden, unauthenticated } from "./responses";

/** Paths answered without credentials: liveness only. Keep this list short. */
export const PUBLIC_PATHS: ReadonlySet<string> = new Set(["/health"]);

const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

function decorate(c: Context, origin: string | undefined, url: URL, config: AuthConfig): void {
  const extra: Record<string, string> = { ...SECURITY_HEADERS };
  if (origin && originAllowed(origin, url, config, c.req.method)) Object.assign(extra, corsHeaders(origin, config));
  // Responses from fetch() (e.g. the assets binding) have immutable headers.
  const res = new Response(c.res.body, c.res);
  for (const [k, v] of Object.entries(extra)) res.headers.set(k, v);
  c.res = res;
}

export function authMiddleware(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const config = loadAuthConfig(c.env);
    const url = new URL(c.req.url);
    const method = c.req.method;
    const origin = c.req.header("origin");

    if (!PUBLIC_PATHS.has(url.pathname) && !hostAllowed(c.req.header("host") ?? url.host, config)) {
      return forbidden("Invalid Host header");
    }
    if (method === "OPTIONS" && origin && c.req.header("access-control-request-method")) {
      const requested = c.req.header("access-control-request-method")!.toUpperCase();
      if (!originAllowed(origin, url, config, requested)) return forbidden("Cross-origin request blocked");
      return new Response(null, { status: 204, headers: preflightHeaders(origin, c.req.header("access-control-request-headers"), config) });
    }
    if (blocksCrossOrigin(method, origin, url, config)) return forbidden("Cross-origin request blocked");

    if (!config.enabled || PUBLIC_PATHS.has(url.pathname)) {
      await next();
      decorate(c, origin, url, config);
      return;
    }

    let principal;
    try {
      principal = await authenticate(c.req.raw, config, () => c.var.database().db);
    } catch (e) {
      if (e instanceof NotAuthenticated) return unauthenticated(config);
      throw e;
    }
    // Authorization happens per route, on the request as the route decodes it (src/routes/route.ts).
    c.set("auth", { principal, config });
    await next();
    if (WRITE_METHODS.has(method)) {
      // One structured line per write: who did what. Paths carry no secrets; bodies are not logged.
      console.log(JSON.stringify({ event: "audit", identity: principal.username, via: principal.via, method, path: url.pathname, status: c.res.status }));
    }
    decorate(c, origin, url, config);
  };
}
