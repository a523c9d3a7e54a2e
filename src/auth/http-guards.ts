/**
 * Host and Origin checks as in MLflow 3.5+ (--allowed-hosts, --cors-allowed-origins): a Host
 * allowlist against DNS rebinding, and no state-changing API call from a foreign browser origin
 * (the /ajax-api prefix included, CVE-2026-2611). Localhost origins are always allowed.
 */
import type { AuthConfig } from "./config";

const LOCALHOST_ORIGIN = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:[0-9]+)?$/;
const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

function hostMatches(host: string, pattern: string): boolean {
  const h = host.toLowerCase();
  const p = pattern.toLowerCase();
  if (p.startsWith("*.")) {
    const bare = h.replace(/:[0-9]+$/, "");
    return bare.endsWith(p.slice(1));
  }
  return h === p || h.replace(/:[0-9]+$/, "") === p;
}

export function hostAllowed(host: string | undefined, config: AuthConfig): boolean {
  if (!config.allowedHosts) return true;
  return !!host && config.allowedHosts.some((p) => hostMatches(host, p));
}

/**
 * Whether a browser on `origin` may make a `method` request to us. Listed origins (and localhost,
 * as in MLflow) may do anything, with credentials; `*` opens reads to every origin, without
 * credentials (see corsHeaders), and never writes: a form POST from any site must not act with
 * the user's cookies.
 */
export function originAllowed(origin: string, requestUrl: URL, config: AuthConfig, method = "GET"): boolean {
  if (origin === requestUrl.origin) return true;
  if (LOCALHOST_ORIGIN.test(origin)) return true;
  if (config.corsOrigins.includes(origin)) return true;
  return config.corsOrigins.includes("*") && !STATE_CHANGING.has(method.toUpperCase());
}

export function isApiPath(pathname: string): boolean {
  return /^\/(api|ajax-api)\//.test(pathname) || pathname === "/graphql" || pathname === "/get-artifact" || pathname === "/model-versions/get-artifact";
}

export function blocksCrossOrigin(method: string, origin: string | undefined, requestUrl: URL, config: AuthConfig): boolean {
  if (!origin || !STATE_CHANGING.has(method) || !isApiPath(requestUrl.pathname)) return false;
  return !originAllowed(origin, requestUrl, config, method);
}

export function corsHeaders(origin: string, config: AuthConfig): Record<string, string> {
  // "*" cannot be combined with credentials (the CORS spec forbids it).
  const wildcard = config.corsOrigins.includes("*") && !LOCALHOST_ORIGIN.test(origin) && !config.corsOrigins.includes(origin);
  return {
    "access-control-allow-origin": wildcard ? "*" : origin,
    ...(wildcard ? {} : { "access-control-allow-credentials": "true" }),
    vary: "Origin",
  };
}

export function preflightHeaders(origin: string, requestedHeaders: string | undefined, config: AuthConfig): Record<string, string> {
  return {
    ...corsHeaders(origin, config),
    "access-control-allow-methods": "GET, POST, PUT, DELETE, OPTIONS, PATCH",
    "access-control-allow-headers": requestedHeaders ?? "authorization, content-type",
    "access-control-max-age": "600",
  };
}

/** Set on every Worker response (the UI's static files get theirs from public/_headers). */
export const SECURITY_HEADERS: Record<string, string> = {
  "x-content-type-options": "nosniff",
  "x-frame-options": "SAMEORIGIN",
};
