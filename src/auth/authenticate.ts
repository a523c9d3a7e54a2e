/**
 * Who is calling. Three credentials, checked in this order:
 *   1. a Cloudflare Access JWT (when Access is configured) — a present but invalid one fails the request;
 *   2. `Authorization: Bearer <token>` (MLFLOW_TRACKING_TOKEN) issued by this server;
 *   3. `Authorization: Basic` (MLFLOW_TRACKING_USERNAME/PASSWORD), unless AUTH_BASIC=false.
 * An Authorization credential names the identity when present (a job behind an Access service token
 * acts as the token's user); otherwise the Access identity does. Access identities get a users row on
 * first sight so grants and creator permissions can refer to them.
 */
import type { Db } from "../db/client";
import { findOrCreateUser, findUser, findUserByTokenHash, type UserRow } from "../db/auth";
import { accessTokenOf, verifyAccessJwt } from "./access-jwt";
import type { AuthConfig } from "./config";
import { UNKNOWN_USER_HASH, verifyPassword } from "./passwords";
import { constantTimeEqual, sha256Hex, TOKEN_PREFIX } from "./secrets";

export interface Principal {
  userId: number;
  username: string;
  isAdmin: boolean;
  via: "access" | "bearer" | "basic";
}

export class NotAuthenticated extends Error {}

function principal(user: UserRow, via: Principal["via"], config: AuthConfig, forceAdmin = false): Principal {
  return { userId: user.id, username: user.username, isAdmin: forceAdmin || user.isAdmin || config.admins.has(user.username), via };
}

function parseBasic(value: string): { username: string; password: string } | null {
  let decoded: string;
  try {
    decoded = new TextDecoder().decode(Uint8Array.from(atob(value), (ch) => ch.charCodeAt(0)));
  } catch {
    return null;
  }
  const colon = decoded.indexOf(":");
  if (colon <= 0) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

async function viaBearer(token: string, db: Db, config: AuthConfig): Promise<Principal> {
  if (!token.startsWith(TOKEN_PREFIX)) throw new NotAuthenticated();
  const hash = await sha256Hex(token);
  const user = await findUserByTokenHash(db, hash, Date.now());
  // The lookup is by hash already; the comparison guards against a collation or index surprise.
  if (!user || !constantTimeEqual(user.tokenHash, hash)) throw new NotAuthenticated();
  return principal(user, "bearer", config);
}

async function viaBasic(encoded: string, db: Db, config: AuthConfig): Promise<Principal> {
  const creds = parseBasic(encoded);
  if (!creds || creds.password === "") throw new NotAuthenticated();
  const boot = config.bootstrapAdmin;
  if (boot && creds.username === boot.username) {
    if (constantTimeEqual(creds.password, boot.password)) {
      return principal(await findOrCreateUser(db, creds.username, Date.now()), "basic", config, true);
    }
  }
  const user = await findUser(db, creds.username);
  // An unknown user costs the same PBKDF2 work as a wrong password, so timing does not reveal
  // which usernames exist. (A user without a password, e.g. an Access identity, too.)
  const verified = await verifyPassword(creds.password, user?.passwordHash ?? UNKNOWN_USER_HASH);
  if (!user || !user.passwordHash || !verified) throw new NotAuthenticated();
  return principal(user, "basic", config);
}

export async function authenticate(req: Request, config: AuthConfig, db: () => Db): Promise<Principal> {
  let accessIdentity: string | null = null;
  const accessToken = config.access ? accessTokenOf(req) : null;
  if (accessToken && config.access) {
    try {
      accessIdentity = (await verifyAccessJwt(accessToken, config.access)).identity;
    } catch {
      throw new NotAuthenticated();
    }
  }
  const authorization = req.headers.get("authorization")?.trim() ?? "";
  const [scheme = "", value = ""] = authorization.split(/\s+/, 2);
  if (scheme.toLowerCase() === "bearer" && value) return viaBearer(value, db(), config);
  if (scheme.toLowerCase() === "basic" && value && config.basic) return viaBasic(value, db(), config);
  if (accessIdentity) return principal(await findOrCreateUser(db(), accessIdentity, Date.now()), "access", config);
  throw new NotAuthenticated();
}
