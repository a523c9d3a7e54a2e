/**
 * Cloudflare Access JWT verification. Access signs an RS256 JWT for every request it lets through
 * (header Cf-Access-Jwt-Assertion; browsers also hold it in the CF_Authorization cookie). We verify
 * the signature against the team's JWKS, the audience (our Access application's AUD tag), the issuer
 * (the team domain) and exp/nbf, all through `jose`.
 *
 * JWKS caching: one remote key set per JWKS URL per isolate. jose refetches it when a token names an
 * unknown `kid` (Access rotates keys every 6 weeks and keeps the old one valid for 7 days) — at most
 * once per cooldown, so a flood of forged kids cannot hammer the team domain.
 */
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from "jose";
import type { AccessConfig } from "./config";

export interface AccessIdentity {
  /** The user's email, or the service token's client id (common_name). */
  identity: string;
  kind: "user" | "service_token";
}

const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

function keySet(url: string, cooldownMs: number): ReturnType<typeof createRemoteJWKSet> {
  const cacheKey = `${cooldownMs} ${url}`;
  let set = keySets.get(cacheKey);
  if (!set) {
    set = createRemoteJWKSet(new URL(url), { cooldownDuration: cooldownMs, cacheMaxAge: 60 * 60_000, timeoutDuration: 5_000 });
    keySets.set(cacheKey, set);
  }
  return set;
}

/** The Access token of a request: the header first (what Access adds), else the browser cookie. */
export function accessTokenOf(req: Request): string | null {
  const header = req.headers.get("cf-access-jwt-assertion");
  if (header) return header.trim();
  const cookie = req.headers.get("cookie");
  if (!cookie) return null;
  for (const part of cookie.split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === "CF_Authorization" && rest.length > 0) return rest.join("=");
  }
  return null;
}

/** Throws (any jose error) unless the token is a valid Access JWT for this application. */
export async function verifyAccessJwt(token: string, config: AccessConfig, options: { cooldownMs?: number } = {}): Promise<AccessIdentity> {
  const { payload } = await jwtVerify(token, keySet(config.jwksUrl, options.cooldownMs ?? 30_000), {
    issuer: config.teamDomain,
    audience: config.audiences,
    algorithms: ["RS256"],
    requiredClaims: ["exp", "iat"],
  });
  return identityOf(payload);
}

function identityOf(payload: JWTPayload): AccessIdentity {
  const email = payload.email;
  if (typeof email === "string" && email !== "") return { identity: email.toLowerCase(), kind: "user" };
  const commonName = payload.common_name;
  if (typeof commonName === "string" && commonName !== "") return { identity: commonName, kind: "service_token" };
  throw new Error("Access token names no identity");
}
