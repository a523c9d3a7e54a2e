/**
 * Authentication settings, read from Worker bindings. Auth is OFF unless configured, so the local
 * stack and tests stay zero-config.
 *
 *   AUTH_MODE                "on" | "off". Default: "on" when ACCESS_TEAM_DOMAIN is set, else "off".
 *   ACCESS_TEAM_DOMAIN       https://<team>.cloudflareaccess.com — the Access JWT issuer.
 *   ACCESS_AUD               the Access application's AUD tag (comma-separated for several apps).
 *   ACCESS_JWKS_URL          override of <team>/cdn-cgi/access/certs (tests point it at a local server).
 *   AUTH_BASIC               "false" disables HTTP Basic (MLFLOW_TRACKING_USERNAME/PASSWORD). Default on.
 *   AUTH_DEFAULT_PERMISSION  READ (default) | USE | EDIT | MANAGE | NO_PERMISSIONS — for resources without a grant.
 *   AUTH_ADMINS              comma-separated identities (Access emails, service-token client ids,
 *                            usernames) that are admins regardless of the users table. Bootstraps the
 *                            first admin without a default password (MLflow's admin/password1234 is a CVE).
 *   AUTH_ADMIN_USERNAME / AUTH_ADMIN_PASSWORD
 *                            optional bootstrap basic-auth admin (set the password as a secret); the
 *                            user row is created on first sign-in. No default.
 *   ALLOWED_HOSTS            comma-separated Host header allowlist (`*.example.com`, `host:port`); unset = any.
 *   CORS_ORIGINS             comma-separated extra origins allowed to call the API cross-origin ("*" = any,
 *                            without credentials). Localhost origins are always allowed, as in MLflow 3.5+.
 */
import type { Env } from "../env";
import { MlflowError } from "../errors";
import { isPermissionName, type PermissionName } from "./permissions";

export interface AccessConfig {
  teamDomain: string;
  audiences: string[];
  jwksUrl: string;
}

export interface AuthConfig {
  enabled: boolean;
  access: AccessConfig | null;
  basic: boolean;
  defaultPermission: PermissionName;
  admins: Set<string>;
  bootstrapAdmin: { username: string; password: string } | null;
  allowedHosts: string[] | null;
  corsOrigins: string[];
}

export interface AuthEnv {
  AUTH_MODE?: string;
  ACCESS_TEAM_DOMAIN?: string;
  ACCESS_AUD?: string;
  ACCESS_JWKS_URL?: string;
  AUTH_BASIC?: string;
  AUTH_DEFAULT_PERMISSION?: string;
  AUTH_ADMINS?: string;
  AUTH_ADMIN_USERNAME?: string;
  AUTH_ADMIN_PASSWORD?: string;
  ALLOWED_HOSTS?: string;
  CORS_ORIGINS?: string;
}

const list = (v: string | undefined) => (v ?? "").split(",").map((s) => s.trim()).filter(Boolean);

function misconfigured(what: string): MlflowError {
  return new MlflowError("TEMPORARILY_UNAVAILABLE", `Server authentication is misconfigured: ${what}.`);
}

let cached: { key: string; config: AuthConfig } | null = null;

/** Parsed once per isolate (bindings do not change while it lives). */
export function loadAuthConfig(bindings: Env): AuthConfig {
  // The auth bindings are optional strings that src/env.ts does not need to know about.
  const env = bindings as Env & AuthEnv;
  const key = JSON.stringify([
    env.AUTH_MODE, env.ACCESS_TEAM_DOMAIN, env.ACCESS_AUD, env.ACCESS_JWKS_URL, env.AUTH_BASIC, env.AUTH_DEFAULT_PERMISSION,
    env.AUTH_ADMINS, env.AUTH_ADMIN_USERNAME, env.AUTH_ADMIN_PASSWORD, env.ALLOWED_HOSTS, env.CORS_ORIGINS,
  ]);
  if (cached?.key === key) return cached.config;
  const config = parse(env);
  cached = { key, config };
  return config;
}

function parse(env: AuthEnv): AuthConfig {
  const team = env.ACCESS_TEAM_DOMAIN?.trim().replace(/\/+$/, "") || "";
  const mode = (env.AUTH_MODE ?? "").trim().toLowerCase() || (team ? "on" : "off");
  if (mode !== "on" && mode !== "off") throw misconfigured(`AUTH_MODE must be "on" or "off"`);
  let access: AccessConfig | null = null;
  if (team) {
    const teamDomain = team.startsWith("https://") || team.startsWith("http://") ? team : `https://${team}`;
    const audiences = list(env.ACCESS_AUD);
    // Without an audience check any Access application of the team could mint tokens for us.
    if (audiences.length === 0) throw misconfigured("ACCESS_TEAM_DOMAIN is set but ACCESS_AUD is empty");
    access = { teamDomain, audiences, jwksUrl: env.ACCESS_JWKS_URL?.trim() || `${teamDomain}/cdn-cgi/access/certs` };
  }
  const defaultPermission = (env.AUTH_DEFAULT_PERMISSION ?? "READ").trim().toUpperCase();
  if (!isPermissionName(defaultPermission)) throw misconfigured(`AUTH_DEFAULT_PERMISSION "${defaultPermission}" is not a permission`);
  const adminUser = env.AUTH_ADMIN_USERNAME?.trim();
  const adminPassword = env.AUTH_ADMIN_PASSWORD ?? "";
  if (adminUser && adminPassword.length < 12) throw misconfigured("AUTH_ADMIN_PASSWORD must have at least 12 characters");
  const hosts = list(env.ALLOWED_HOSTS);
  return {
    enabled: mode === "on",
    access,
    basic: (env.AUTH_BASIC ?? "true").trim().toLowerCase() !== "false",
    defaultPermission,
    admins: new Set(list(env.AUTH_ADMINS)),
    bootstrapAdmin: adminUser ? { username: adminUser, password: adminPassword } : null,
    allowedHosts: hosts.length > 0 && !hosts.includes("*") ? hosts : null,
    corsOrigins: list(env.CORS_ORIGINS),
  };
}
