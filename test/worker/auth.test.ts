// Bearer tokens, HTTP Basic, the management API, Host/CORS guards and the public allowlist, with
// auth turned on (see auth-helpers.ts). Auth off is covered by every other suite.
import { describe, expect, it } from "vitest";
import { ADMIN, authEnv, basic, bearer, client, ok, send, unique } from "./auth-helpers";

const ENV = authEnv();
const admin = client(ENV, basic(ADMIN.username, ADMIN.password));

async function newUser(password = "user-password-1") {
  const username = unique("user");
  ok(await admin.post("/users/create", { username, password }), "users/create");
  return { username, password, api: client(ENV, basic(username, password)) };
}

describe("authentication", () => {
  it("rejects anonymous calls like MLflow's auth app: 401 with a Basic challenge", async () => {
    const res = await send(ENV, "GET", "/api/2.0/mlflow/experiments/get", { query: { experiment_id: "0" } });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Basic realm="mlflow"');
    const ajax = await send(ENV, "POST", "/ajax-api/2.0/mlflow/runs/search", { body: {} });
    expect(ajax.status).toBe(401);
  });

  it("challenges with Bearer when Basic is disabled", async () => {
    const res = await send(authEnv({ AUTH_BASIC: "false" }), "GET", "/version");
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="mlflow"');
  });

  it("leaves only /health public", async () => {
    expect((await send(ENV, "GET", "/health")).status).toBe(200);
    expect((await send(ENV, "GET", "/version")).status).toBe(401);
    expect((await send(ENV, "GET", "/api/3.0/mlflow/server-info")).status).toBe(401);
    expect((await send(ENV, "GET", "/no/such/path")).status).toBe(401);
  });

  it("accepts Basic credentials and rejects wrong or empty passwords", async () => {
    const u = await newUser();
    expect((await u.api.get("/users/current")).body.user).toMatchObject({ username: u.username, is_admin: false });
    expect((await client(ENV, basic(u.username, "wrong-password")).get("/users/current")).status).toBe(401);
    expect((await client(ENV, basic(u.username, "")).get("/users/current")).status).toBe(401);
    expect((await client(ENV, basic("nobody-" + u.username, u.password)).get("/users/current")).status).toBe(401);
    expect((await client(authEnv({ AUTH_BASIC: "false" }), basic(u.username, u.password)).get("/users/current")).status).toBe(401);
  });

  it("issues bearer tokens once, stores them hashed, and stops accepting revoked or expired ones", async () => {
    const u = await newUser();
    const created = ok(await u.api.post("/users/tokens/create", { name: "ci" }), "tokens/create").body;
    expect(created.secret).toMatch(/^mlft_[A-Za-z0-9_-]{43}$/);
    expect(created.token).toMatchObject({ name: "ci", username: u.username });
    const viaToken = client(ENV, bearer(created.secret));
    expect((await viaToken.get("/users/current")).body.user.username).toBe(u.username);

    // listing never shows the secret
    const listed = ok(await u.api.get("/users/tokens/list"), "tokens/list");
    expect(listed.text).not.toContain(created.secret);
    expect(listed.body.tokens.map((t: any) => t.id)).toContain(created.token.id);

    // another user can neither see nor revoke it
    const other = await newUser();
    expect((await other.api.post("/users/tokens/revoke", { id: created.token.id })).status).toBe(404);
    expect((await other.api.get("/users/tokens/list", { username: u.username })).status).toBe(403);

    ok(await u.api.post("/users/tokens/revoke", { id: created.token.id }), "revoke");
    expect((await viaToken.get("/users/current")).status).toBe(401);
    // a token with one character changed, and a token-shaped string never issued
    const tampered = created.secret.slice(0, -1) + (created.secret.endsWith("A") ? "B" : "A");
    expect((await client(ENV, bearer(tampered)).get("/users/current")).status).toBe(401);
    expect((await client(ENV, bearer("not-a-token")).get("/users/current")).status).toBe(401);
  });

  it("lets admins issue tokens for other users; users only for themselves", async () => {
    const u = await newUser();
    const other = await newUser();
    expect((await u.api.post("/users/tokens/create", { name: "x", username: other.username })).status).toBe(403);
    const t = ok(await admin.post("/users/tokens/create", { name: "job", username: u.username, expires_in_days: 1 }), "admin token").body;
    expect(t.token.expires_at).toBeGreaterThan(Date.now());
    expect((await client(ENV, bearer(t.secret)).get("/users/current")).body.user.username).toBe(u.username);
    expect((await admin.post("/users/tokens/create", { name: "bad", expires_in_days: 0 })).status).toBe(400);
  });
});

describe("user management (MLflow's basic-auth API)", () => {
  it("creates, reads, promotes and deletes users; only admins may", async () => {
    const u = await newUser();
    expect((await u.api.post("/users/create", { username: unique("x"), password: "password-123" })).status).toBe(403);
    expect((await u.api.get("/users/list")).status).toBe(403);
    const dup = await admin.post("/users/create", { username: u.username, password: "password-123" });
    expect([dup.status, dup.body.error_code]).toEqual([400, "RESOURCE_ALREADY_EXISTS"]);
    expect((await admin.post("/users/create", { username: unique("x"), password: "short" })).status).toBe(400);
    expect((await admin.get("/users/get", { username: "missing-" + u.username })).status).toBe(404);

    const got = ok(await admin.get("/users/get", { username: u.username })).body.user;
    expect(got).toMatchObject({ username: u.username, is_admin: false, experiment_permissions: [], registered_model_permissions: [] });
    expect(JSON.stringify(got)).not.toContain("pbkdf2");
    // users may read themselves, not others
    expect((await u.api.get("/users/get", { username: u.username })).status).toBe(200);
    expect((await u.api.get("/users/get", { username: ADMIN.username })).status).toBe(403);

    ok(await admin.patch("/users/update-admin", { username: u.username, is_admin: true }));
    expect((await u.api.get("/users/list")).status).toBe(200);
    ok(await admin.patch("/users/update-admin", { username: u.username, is_admin: false }));
    expect((await u.api.get("/users/list")).status).toBe(403);

    expect((await admin.delete("/users/delete", { username: ADMIN.username })).status).toBe(400);
    ok(await admin.delete("/users/delete", { username: u.username }));
    expect((await u.api.get("/users/current")).status).toBe(401);
  });

  it("changes passwords: self needs the current one, admins do not", async () => {
    const u = await newUser("first-password");
    expect((await u.api.patch("/users/update-password", { username: u.username, password: "second-password" })).status).toBe(400);
    const wrong = await u.api.patch("/users/update-password", { username: u.username, password: "second-password", current_password: "nope-nope" });
    expect(wrong.status).toBe(400);
    ok(await u.api.patch("/users/update-password", { username: u.username, password: "second-password", current_password: "first-password" }));
    expect((await u.api.get("/users/current")).status).toBe(401);
    expect((await client(ENV, basic(u.username, "second-password")).get("/users/current")).status).toBe(200);
    ok(await admin.patch("/users/update-password", { username: u.username, password: "third-password" }));
    expect((await client(ENV, basic(u.username, "third-password")).get("/users/current")).status).toBe(200);
    const other = await newUser();
    expect((await other.api.patch("/users/update-password", { username: u.username, password: "hijacked-pw" })).status).toBe(403);
  });
});

describe("Host and CORS guards", () => {
  it("rejects foreign Host headers when ALLOWED_HOSTS is set, but not /health", async () => {
    const guarded = authEnv({ ALLOWED_HOSTS: "mlflow.example.com,*.corp.example" });
    const creds = basic(ADMIN.username, ADMIN.password);
    const evil = await send(guarded, "GET", "/version", { headers: { ...creds, host: "attacker.example" } });
    expect([evil.status, evil.text]).toEqual([403, "Invalid Host header"]);
    expect((await send(guarded, "GET", "/version", { headers: { ...creds, host: "mlflow.example.com" } })).status).toBe(200);
    expect((await send(guarded, "GET", "/version", { headers: { ...creds, host: "a.corp.example:8443" } })).status).toBe(200);
    expect((await send(guarded, "GET", "/health", { headers: { host: "attacker.example" } })).status).toBe(200);
  });

  it("blocks state-changing API calls from foreign origins, /ajax-api included; allows listed ones", async () => {
    const e = authEnv({ CORS_ORIGINS: "https://ui.example.com" });
    const creds = basic(ADMIN.username, ADMIN.password);
    for (const path of ["/api/2.0/mlflow/experiments/create", "/ajax-api/2.0/mlflow/experiments/create"]) {
      const res = await send(e, "POST", path, { headers: { ...creds, origin: "https://evil.example" }, body: { name: unique("e") } });
      expect(res.status).toBe(403);
    }
    const allowed = await send(e, "POST", "/api/2.0/mlflow/experiments/create", { headers: { ...creds, origin: "https://ui.example.com" }, body: { name: unique("e") } });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://ui.example.com");
    const local = await send(e, "POST", "/api/2.0/mlflow/experiments/create", { headers: { ...creds, origin: "http://localhost:3000" }, body: { name: unique("e") } });
    expect(local.status).toBe(200);

    const preflight = await send(e, "OPTIONS", "/api/2.0/mlflow/runs/create", { headers: { origin: "https://ui.example.com", "access-control-request-method": "POST" } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-credentials")).toBe("true");
    const badPreflight = await send(e, "OPTIONS", "/api/2.0/mlflow/runs/create", { headers: { origin: "https://evil.example", "access-control-request-method": "POST" } });
    expect(badPreflight.status).toBe(403);
  });

  it("sets security headers on Worker responses", async () => {
    const res = await send(ENV, "GET", "/health");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
  });
});
