// Coverage by construction: every route the app registers — found by walking app.routes, so a route
// added tomorrow is checked too — rejects an anonymous request when auth is on, except the public
// allowlist. Routes without an authorization rule are admin-only.
import { describe, expect, it } from "vitest";
import { PUBLIC_PATHS } from "../../src/auth/middleware";
import { ruleFor } from "../../src/auth/rules";
import { ADMIN, app, authEnv, basic, client, ok, send, unique } from "./auth-helpers";

const ENV = authEnv();

/** (method, concrete path) for every registered handler; params and wildcards get sample values. */
function registeredRoutes(): { method: string; path: string; pattern: string }[] {
  const seen = new Set<string>();
  const out: { method: string; path: string; pattern: string }[] = [];
  for (const r of app.routes) {
    if (r.method === "ALL") continue; // middleware
    const path = r.path.replace(/:[A-Za-z_]+(\{[^}]*\})?/g, "sample").replace(/\*/g, "0/sample/artifacts/f.txt");
    const key = `${r.method} ${path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ method: r.method, path, pattern: r.path });
  }
  return out;
}

describe("every registered route requires authentication", () => {
  const routes = registeredRoutes();

  it("finds the routes of every module", () => {
    const paths = routes.map((r) => r.path);
    for (const expected of ["/api/2.0/mlflow/runs/create", "/ajax-api/2.0/mlflow/experiments/get", "/api/2.0/mlflow/users/create", "/version"]) {
      expect(paths).toContain(expected);
    }
    expect(routes.length).toBeGreaterThan(60);
  });

  for (const { method, path, pattern } of routes) {
    const isPublic = PUBLIC_PATHS.has(path);
    it(`${method} ${pattern} ${isPublic ? "is public" : "answers 401 without credentials"}`, async () => {
      const res = await send(ENV, method, path, method === "GET" || method === "HEAD" ? {} : { body: {} });
      if (isPublic) expect(res.status).toBe(200);
      else {
        expect(res.status).toBe(401);
        expect(res.headers.get("www-authenticate")).toBe('Basic realm="mlflow"');
        // also with a wrong password and a bogus token
        expect((await send(ENV, method, path, { headers: basic(ADMIN.username, "wrong-password") })).status).toBe(401);
        expect((await send(ENV, method, path, { headers: { authorization: "Bearer mlft_forged" } })).status).toBe(401);
      }
    });
  }

  it("denies routes without an authorization rule to non-admins (fail closed)", async () => {
    const username = unique("plain");
    ok(await client(ENV, basic(ADMIN.username, ADMIN.password)).post("/users/create", { username, password: "plain-password" }));
    // MANAGE everywhere by default, so only the missing rule can deny
    const generous = authEnv({ AUTH_DEFAULT_PERMISSION: "MANAGE" });
    const unruled = routes.filter((r) => !PUBLIC_PATHS.has(r.path) && ruleFor(r.method, r.path) === null);
    for (const r of unruled) {
      const res = await send(generous, r.method, r.path, { headers: basic(username, "plain-password"), ...(r.method === "GET" ? {} : { body: {} }) });
      expect([r.method, r.path, res.status]).toEqual([r.method, r.path, 403]);
    }
    // a percent-encoded route name reaches the same handler, so it gets the same rule
    const reader = authEnv({ AUTH_DEFAULT_PERMISSION: "READ" });
    const exp = ok(await client(ENV, basic(ADMIN.username, ADMIN.password)).post("/experiments/create", { name: unique("enc") })).body.experiment_id;
    const encoded = await send(reader, "POST", "/api/2.0/mlflow/experiments/%64elete", { headers: basic(username, "plain-password"), body: { experiment_id: exp } });
    expect(encoded.status).toBe(403);
    const allowedEncoded = await send(generous, "POST", "/api/2.0/mlflow/experiments/%64elete", { headers: basic(username, "plain-password"), body: { experiment_id: exp } });
    expect(allowedEncoded.status).toBe(200); // judged by experiments/delete's rule, not the admin-only fallback
    // and an unknown path is denied too, rather than reaching the 404 handler
    expect((await send(generous, "POST", "/api/2.0/mlflow/jobs/sample", { headers: basic(username, "plain-password"), body: {} })).status).toBe(403);
  });
});
