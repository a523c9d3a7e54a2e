// Coverage by construction: every route the app registers — found by walking app.routes, so a route
// added tomorrow is checked too — rejects an anonymous request when auth is on, except the public
// allowlist; and every registered handler comes from a route declaration, which cannot exist
// without its access rule (src/routes/route.ts).
import { describe, expect, it } from "vitest";
import { PUBLIC_PATHS } from "../../src/auth/middleware";
import { ROUTES } from "../../src/routes";
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

  it("has no handler outside the declared routes, and only /health is public", () => {
    const declared = new Set(ROUTES.flatMap((r) => r.methods.flatMap((m) => r.paths.map((p) => `${m} ${p}`))));
    for (const r of app.routes) {
      if (r.method === "ALL") continue; // middleware
      expect(declared.has(`${r.method} ${r.path}`), `${r.method} ${r.path}`).toBe(true);
    }
    const publicRoutes = ROUTES.filter((r) => typeof r.access !== "function" && r.access.kind === "public").flatMap((r) => r.paths);
    expect(publicRoutes).toEqual([...PUBLIC_PATHS]);
  });

  it("judges a percent-encoded route name by the rule of the handler it reaches; unknown routes execute nothing", async () => {
    const username = unique("plain");
    ok(await client(ENV, basic(ADMIN.username, ADMIN.password)).post("/users/create", { username, password: "plain-password" }));
    const generous = authEnv({ AUTH_DEFAULT_PERMISSION: "MANAGE" });
    const reader = authEnv({ AUTH_DEFAULT_PERMISSION: "READ" });
    const exp = ok(await client(ENV, basic(ADMIN.username, ADMIN.password)).post("/experiments/create", { name: unique("enc") })).body.experiment_id;
    const encoded = await send(reader, "POST", "/api/2.0/mlflow/experiments/%64elete", { headers: basic(username, "plain-password"), body: { experiment_id: exp } });
    expect(encoded.status).toBe(403);
    const allowedEncoded = await send(generous, "POST", "/api/2.0/mlflow/experiments/%64elete", { headers: basic(username, "plain-password"), body: { experiment_id: exp } });
    expect(allowedEncoded.status).toBe(200); // judged by experiments/delete's rule
    // An unknown route reaches no handler: MLflow's empty 404, after authentication.
    const unknown = await send(generous, "POST", "/api/2.0/mlflow/jobs/sample", { headers: basic(username, "plain-password"), body: {} });
    expect([unknown.status, unknown.text]).toEqual([404, ""]);
  });
});
