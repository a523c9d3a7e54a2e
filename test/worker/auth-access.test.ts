// Cloudflare Access JWT verification against locally generated RSA keys served by a local JWKS host
// (auth-jwks-server.mjs): only a well-formed, correctly signed, current token for our audience and
// team passes. jose is used as-is, on both sides.
import { base64url, exportJWK, generateKeyPair, SignJWT, type JWK } from "jose";
import { describe, expect, it } from "vitest";
import { verifyAccessJwt } from "../../src/auth/access-jwt";
import { ADMIN, authEnv, basic, client, JWKS_BASE, send, unique } from "./auth-helpers";

const TEAM = "https://edge-test.cloudflareaccess.com";
const AUD = "aud-" + "0123456789abcdef".repeat(4);

interface Signer {
  kid: string;
  privateKey: CryptoKey;
  jwk: JWK;
}

async function newSigner(kid = unique("kid")): Promise<Signer> {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" } };
}

async function publish(name: string, signers: Signer[]): Promise<string> {
  const res = await fetch(`${JWKS_BASE}/jwks/${name}`, { method: "PUT", body: JSON.stringify({ keys: signers.map((s) => s.jwk) }) });
  expect(res.status).toBe(204);
  return `${JWKS_BASE}/jwks/${name}`;
}

async function hits(name: string): Promise<number> {
  return ((await (await fetch(`${JWKS_BASE}/hits/${name}`)).json()) as { hits: number }).hits;
}

interface Claims {
  email?: string;
  common_name?: string;
  aud?: string;
  iss?: string;
  exp?: number;
  nbf?: number;
  iat?: number;
}

async function sign(signer: Signer, claims: Claims = {}, kid = signer.kid): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const { aud = AUD, iss = TEAM, exp = now + 300, iat = now, nbf, ...rest } = claims;
  const jwt = new SignJWT({ email: "ada@example.com", ...rest }).setProtectedHeader({ alg: "RS256", kid }).setAudience(aud).setIssuer(iss).setIssuedAt(iat).setExpirationTime(exp);
  if (nbf !== undefined) jwt.setNotBefore(nbf);
  return jwt.sign(signer.privateKey);
}

async function setup() {
  const name = unique("team");
  const signer = await newSigner();
  const jwksUrl = await publish(name, [signer]);
  const env = authEnv({ ACCESS_TEAM_DOMAIN: TEAM, ACCESS_AUD: AUD, ACCESS_JWKS_URL: jwksUrl });
  const whoami = (headers: Record<string, string>) => send(env, "GET", "/api/2.0/mlflow/users/current", { headers });
  return { name, signer, jwksUrl, env, whoami };
}

const b64json = (v: unknown) => base64url.encode(JSON.stringify(v));

describe("Cloudflare Access JWT", () => {
  it("accepts a valid token from the header or the CF_Authorization cookie, identified by email", async () => {
    const { signer, whoami } = await setup();
    const token = await sign(signer, { email: "Ada@Example.com" });
    const viaHeader = await whoami({ "cf-access-jwt-assertion": token });
    expect(viaHeader.status).toBe(200);
    expect(viaHeader.body.user).toMatchObject({ username: "ada@example.com", is_admin: false });
    const viaCookie = await whoami({ cookie: `theme=dark; CF_Authorization=${token}` });
    expect(viaCookie.body.user.username).toBe("ada@example.com");
  });

  it("identifies a service token by its client id and honours AUTH_ADMINS", async () => {
    const { signer, env, jwksUrl } = await setup();
    const clientId = unique("svc") + ".access";
    const token = await sign(signer, { email: undefined, common_name: clientId });
    const res = await send(authEnv({ ACCESS_TEAM_DOMAIN: TEAM, ACCESS_AUD: AUD, ACCESS_JWKS_URL: jwksUrl, AUTH_ADMINS: clientId }), "GET", "/api/2.0/mlflow/users/current", {
      headers: { "cf-access-jwt-assertion": token },
    });
    expect(res.body.user).toMatchObject({ username: clientId, is_admin: true });
    const notAdmin = await send(env, "GET", "/api/2.0/mlflow/users/list", { headers: { "cf-access-jwt-assertion": token } });
    expect(notAdmin.status).toBe(403);
  });

  it("rejects expired, not-yet-valid, wrong audience, wrong issuer and wrongly signed tokens", async () => {
    const { signer, whoami } = await setup();
    const now = Math.floor(Date.now() / 1000);
    const impostor = await newSigner(signer.kid); // same kid, different key
    const bad = {
      expired: await sign(signer, { exp: now - 60, iat: now - 600 }),
      notYetValid: await sign(signer, { nbf: now + 600 }),
      wrongAudience: await sign(signer, { aud: "some-other-application" }),
      wrongIssuer: await sign(signer, { iss: "https://other-team.cloudflareaccess.com" }),
      wrongKey: await sign(impostor),
      noIdentity: await sign(signer, { email: "" }),
    };
    for (const [what, token] of Object.entries(bad)) {
      const res = await whoami({ "cf-access-jwt-assertion": token });
      expect([what, res.status]).toEqual([what, 401]);
    }
    expect((await whoami({ "cf-access-jwt-assertion": await sign(signer) })).status).toBe(200);
  });

  it("rejects alg none, HS256 keyed with the public key, and malformed tokens", async () => {
    const { signer, whoami } = await setup();
    const now = Math.floor(Date.now() / 1000);
    const claims = { email: "mallory@example.com", aud: AUD, iss: TEAM, iat: now, exp: now + 300 };
    const none = `${b64json({ alg: "none", kid: signer.kid })}.${b64json(claims)}.`;
    const publicKeyBytes = new TextEncoder().encode(JSON.stringify(signer.jwk));
    const hs256 = await new SignJWT(claims).setProtectedHeader({ alg: "HS256", kid: signer.kid }).sign(publicKeyBytes);
    const valid = await sign(signer);
    const [h, p, s] = valid.split(".");
    const tamperedPayload = `${h}.${b64json({ ...claims, email: "root@example.com" })}.${s}`;
    for (const token of [none, hs256, tamperedPayload, "not-a-jwt", `${h}.${p}`, `${h}..${s}`, "a.b.c", ""]) {
      const res = await whoami({ "cf-access-jwt-assertion": token || " ", cookie: `CF_Authorization=${token}` });
      expect([token.slice(0, 20), res.status]).toEqual([token.slice(0, 20), 401]);
    }
  });

  it("rejects a token whose kid is unknown, even after refetching the key set", async () => {
    const { signer, name, whoami } = await setup();
    const stranger = await newSigner();
    expect((await whoami({ "cf-access-jwt-assertion": await sign(signer) })).status).toBe(200);
    expect((await whoami({ "cf-access-jwt-assertion": await sign(stranger) })).status).toBe(401);
    expect(await hits(name)).toBeGreaterThanOrEqual(1);
  });

  it("caches the key set per isolate and refetches it when a rotated key appears", async () => {
    const name = unique("rotation");
    const first = await newSigner();
    const config = { teamDomain: TEAM, audiences: [AUD], jwksUrl: await publish(name, [first]) };
    const opts = { cooldownMs: 0 };
    expect((await verifyAccessJwt(await sign(first), config, opts)).identity).toBe("ada@example.com");
    await verifyAccessJwt(await sign(first), config, opts);
    expect(await hits(name)).toBe(1); // cached

    // Access rotates: the new key is published next to the old one, and new tokens use it.
    const second = await newSigner();
    await publish(name, [first, second]);
    expect((await verifyAccessJwt(await sign(second, { email: "bob@example.com" }), config, opts)).identity).toBe("bob@example.com");
    expect(await hits(name)).toBe(2); // refetched once for the unknown kid
    // the old key stays valid while it is published, and is refused once it is gone
    await verifyAccessJwt(await sign(first), config, opts);
    await publish(name, [second]);
    const stale = await newSigner(); // forces another refetch, which drops `first` from the set
    await expect(verifyAccessJwt(await sign(stale), config, opts)).rejects.toThrow();
    await expect(verifyAccessJwt(await sign(first), config, opts)).rejects.toThrow();
  });

  it("a bearer or Basic credential names the caller behind a valid Access token; an invalid Access token fails the request", async () => {
    const { signer, env } = await setup();
    const token = await sign(signer);
    const asAdmin = await send(env, "GET", "/api/2.0/mlflow/users/current", { headers: { "cf-access-jwt-assertion": token, ...basic(ADMIN.username, ADMIN.password) } });
    expect(asAdmin.body.user).toMatchObject({ username: ADMIN.username, is_admin: true });
    const forged = await send(env, "GET", "/api/2.0/mlflow/users/current", { headers: { "cf-access-jwt-assertion": token + "x", ...basic(ADMIN.username, ADMIN.password) } });
    expect(forged.status).toBe(401);
  });

  it("refuses to start half-configured: a team domain without an audience", async () => {
    const res = await client(authEnv({ ACCESS_TEAM_DOMAIN: TEAM }), {}).get("/users/current");
    expect(res.status).toBe(503);
    expect(res.body.message).toMatch(/ACCESS_AUD/);
  });
});
