/**
 * The one auth layer, applied in front of every route (src/app.ts). Order: Host allowlist, CORS
 * preflight and cross-origin blocking (always on, as in MLflow 3.5+), then — when auth is on —
 * authentication, the route's authorization rule, the handler, after-hooks and an audit line per
 * write. Only PUBLIC_PATHS skip authentication; static UI files never reach the Worker
 * (wrangler.toml [assets]) and are protected by Access at the edge.
 */
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../app";
import { runAfterHook } from "./after-hooks";
import { authenticate, NotAuthenticated } from "./authenticate";
import { isAllowed } from "./authorize";
import { loadAuthConfig, type AuthConfig } from "./config";
import { blocksCrossOrigin, corsHeaders, hostAllowed, originAllowed, preflightHeaders, SECURITY_HEADERS } from "./http-guards";
import { ruleFor } from "./rules";

/** Paths answered without credentials: liveness only. Keep this list short. */
export const PUBLIC_PATHS: ReadonlySet<string> = new Set(["/health"]);

const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * The path as Hono's router sees it (decodeURI: %64elete -> delete, %2F stays encoded), so a rule is
 * looked up for the handler that will actually run. Undecodable paths keep their raw form, which
 * matches no rule and is therefore admin-only.
 */
function routingPath(pathname: string): string {
  try {
    return decodeURI(pathname);
  } catch {
    return pathname;
  }
}

function plain(status: number, text: string, headers: Record<string, string> = {}): Response {
  return new Response(text, { status, headers: { "content-type": "text/plain; charset=utf-8", ...headers } });
}

export function unauthenticated(config: AuthConfig): Response {
  // A Basic challenge makes the official client and browsers prompt for MLflow credentials.
  const challenge = config.basic ? 'Basic realm="mlflow"' : 'Bearer realm="mlflow"';
  return plain(401, "You are not authenticated. Please provide valid credentials (see the server's README).", { "www-authenticate": challenge });
}

export const permissionDenied = (): Response => plain(403, "Permission denied");

function decorate(c: Context, origin: string | undefined, url: URL, config: AuthConfig): void {
  const extra: Record<string, string> = { ...SECURITY_HEADERS };
  if (origin && originAllowed(origin, url, config)) Object.assign(extra, corsHeaders(origin, config));
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
      return plain(403, "Invalid Host header");
    }
    if (method === "OPTIONS" && origin && c.req.header("access-control-request-method")) {
      if (!originAllowed(origin, url, config)) return plain(403, "Cross-origin request blocked");
      return new Response(null, { status: 204, headers: preflightHeaders(origin, c.req.header("access-control-request-headers"), config) });
    }
    if (blocksCrossOrigin(method, origin, url, config)) return plain(403, "Cross-origin request blocked");

    if (!config.enabled || PUBLIC_PATHS.has(url.pathname)) {
      await next();
      decorate(c, origin, url, config);
      return;
    }

    const database = () => c.var.database().db;
    let principal;
    try {
      principal = await authenticate(c.req.raw, config, database);
    } catch (e) {
      if (e instanceof NotAuthenticated) return unauthenticated(config);
      throw e;
    }
    const state = { principal, config };
    c.set("auth", state);
    const matched = ruleFor(method, routingPath(url.pathname));
    if (!(await isAllowed(c, database, principal, config, matched?.rule ?? null, matched?.path ?? url.pathname))) {
      return permissionDenied();
    }
    await next();
    const after = matched?.rule.kind === "authenticated" ? matched.rule.after : undefined;
    // Creators get MANAGE even when admin (as in MLflow); filtering is moot for admins.
    if (after && (after.startsWith("grant_") || !principal.isAdmin)) await runAfterHook(c, after, state);
    if (WRITE_METHODS.has(method)) {
      // One structured line per write: who did what. Paths carry no secrets; bodies are not logged.
      console.log(JSON.stringify({ event: "audit", identity: principal.username, via: principal.via, method, path: url.pathname, status: c.res.status }));
    }
    decorate(c, origin, url, config);
  };
}
