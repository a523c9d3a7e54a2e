// The permission matrix: each role × each endpoint group on one experiment (read, update, delete,
// manage, artifacts incl. MLflow's CVE cases), registered models, creators getting MANAGE, the
// default permission, and search results filtered to what the caller may read.
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN, authEnv, basic, client, ok, unique, type Client, type Res } from "./auth-helpers";

const ENV = authEnv();
const admin = client(ENV, basic(ADMIN.username, ADMIN.password));

async function newUser(env = ENV): Promise<{ username: string; api: Client }> {
  const username = unique("u");
  ok(await admin.post("/users/create", { username, password: "matrix-password" }), "users/create");
  return { username, api: client(env, basic(username, "matrix-password")) };
}

async function newExperiment(api: Client = admin): Promise<string> {
  return ok(await api.post("/experiments/create", { name: unique("exp") }), "experiments/create").body.experiment_id;
}

async function newRun(experimentId: string): Promise<string> {
  return ok(await admin.post("/runs/create", { experiment_id: experimentId, start_time: Date.now() }), "runs/create").body.run.info.run_id;
}

function allowed(res: Res): boolean {
  if (res.status === 403) {
    expect(res.text).toBe("Permission denied");
    return false;
  }
  if (res.status === 401) throw new Error(`unexpected 401: ${res.text}`);
  return true;
}

type Op = (api: Client, ctx: { exp: string; run: string; freshRun: () => Promise<string>; other: string }) => Promise<Res>;

const artifact = (exp: string, run: string) => `/api/2.0/mlflow-artifacts/artifacts/${exp}/${run}/artifacts/file.txt`;

/** Endpoint groups and who may call them (MLflow's READ < USE < EDIT < MANAGE). */
const GROUPS: Record<string, { who: string[]; ops: Record<string, Op> }> = {
  read: {
    who: ["READ", "USE", "EDIT", "MANAGE", "admin"],
    ops: {
      "experiments/get": (api, x) => api.get("/experiments/get", { experiment_id: x.exp }),
      "runs/get": (api, x) => api.get("/runs/get", { run_id: x.run }),
      "metrics/get-history": (api, x) => api.get("/metrics/get-history", { run_id: x.run, metric_key: "m" }),
      "artifacts/list": (api, x) => api.get("/artifacts/list", { run_id: x.run }),
      "mlflow-artifacts download": (api, x) => api.raw("GET", artifact(x.exp, x.run)),
      "mlflow-artifacts list": (api, x) => api.raw("GET", "/api/2.0/mlflow-artifacts/artifacts", { query: { path: `${x.exp}/${x.run}` } }),
      "get-artifact": (api, x) => api.raw("GET", "/get-artifact", { query: { run_id: x.run, path: "file.txt" } }),
    },
  },
  update: {
    who: ["EDIT", "MANAGE", "admin"],
    ops: {
      "runs/create": (api, x) => api.post("/runs/create", { experiment_id: x.exp, start_time: Date.now() }),
      "runs/log-metric": (api, x) => api.post("/runs/log-metric", { run_id: x.run, key: "m", value: 1, timestamp: 1, step: 0 }),
      "experiments/set-experiment-tag": (api, x) => api.post("/experiments/set-experiment-tag", { experiment_id: x.exp, key: "k", value: "v" }),
      "mlflow-artifacts upload": (api, x) => api.raw("PUT", artifact(x.exp, x.run), { body: "hello", headers: { "content-type": "text/plain" } }),
      // CVE-2026-2651: multipart uploads into someone else's run
      "mpu/create": (api, x) => api.raw("POST", `/api/2.0/mlflow-artifacts/mpu/create/${x.exp}/${x.run}/artifacts`, { body: { path: "big.bin", num_parts: 1 } }),
    },
  },
  delete: {
    who: ["MANAGE", "admin"],
    ops: {
      "runs/delete": async (api, x) => api.post("/runs/delete", { run_id: await x.freshRun() }),
      // CVE-2024-4263: EDIT users could delete artifacts
      "mlflow-artifacts delete": (api, x) => api.raw("DELETE", artifact(x.exp, x.run)),
    },
  },
  manage: {
    who: ["MANAGE", "admin"],
    ops: {
      "experiments/permissions/create": (api, x) => api.post("/experiments/permissions/create", { experiment_id: x.exp, username: x.other, permission: "READ" }),
    },
  },
};

const ROLES = ["NO_PERMISSIONS", "READ", "USE", "EDIT", "MANAGE", "admin"];

describe("permission matrix on an experiment", () => {
  let exp = "";
  let run = "";
  const users: Record<string, Client> = {};

  beforeAll(async () => {
    exp = await newExperiment();
    run = await newRun(exp);
    for (const role of ROLES) {
      const u = await newUser();
      users[role] = u.api;
      if (role === "admin") ok(await admin.patch("/users/update-admin", { username: u.username, is_admin: true }));
      else ok(await admin.post("/experiments/permissions/create", { experiment_id: exp, username: u.username, permission: role }), "grant");
    }
  });

  for (const [group, { who, ops }] of Object.entries(GROUPS)) {
    for (const role of ROLES) {
      it(`${role} ${who.includes(role) ? "may" : "may not"} ${group}`, async () => {
        for (const [name, op] of Object.entries(ops)) {
          const other = (await newUser()).username;
          const res = await op(users[role]!, { exp, run, other, freshRun: () => newRun(exp) });
          expect([name, allowed(res)]).toEqual([name, who.includes(role)]);
        }
      });
    }
  }

  it("rejects artifact paths that do not start with a plain experiment id (non-admins)", async () => {
    const manager = users.MANAGE!;
    // Refused one way or another, never read: 400 (traversal refused when decoded), 403 (no
    // experiment owns the path) or 404 (the URL standard resolved `%2e%2e` to a path no route has).
    for (const path of [`%2e%2e/${exp}/x`, `${exp}%2F..%2F999/x`, `x${exp}/y`, `%25${exp}/y`]) {
      const res = await manager.raw("GET", `/api/2.0/mlflow-artifacts/artifacts/${path}`);
      expect([400, 403, 404], `${path}: ${res.status}`).toContain(res.status);
    }
    // A first segment that is not an experiment id belongs to no namespace: only admins.
    expect((await manager.raw("GET", `/api/2.0/mlflow-artifacts/artifacts/x${exp}/y`)).status).toBe(403);
    expect((await manager.raw("GET", "/api/2.0/mlflow-artifacts/artifacts", { query: { path: "" } })).status).toBe(403);
  });
});

describe("registered models", () => {
  it("checks per-model grants and gives the creator MANAGE", async () => {
    const owner = await newUser();
    const reader = await newUser();
    const name = unique("model");
    ok(await owner.api.post("/registered-models/create", { name }), "registered-models/create");
    ok(await owner.api.post("/registered-models/permissions/create", { name, username: reader.username, permission: "READ" }), "grant");
    expect((await reader.api.get("/registered-models/get", { name })).status).toBe(200);
    expect(allowed(await reader.api.post("/registered-models/set-tag", { name, key: "k", value: "v" }))).toBe(false);
    expect(allowed(await reader.api.delete("/registered-models/delete", { name }))).toBe(false);
    expect(allowed(await reader.api.patch("/registered-models/permissions/update", { name, username: reader.username, permission: "MANAGE" }))).toBe(false);
    ok(await owner.api.patch("/registered-models/permissions/update", { name, username: reader.username, permission: "EDIT" }), "update grant");
    expect((await reader.api.post("/registered-models/set-tag", { name, key: "k", value: "v" })).status).toBe(200);
    expect(allowed(await reader.api.delete("/registered-models/delete", { name }))).toBe(false);
    const got = ok(await owner.api.get("/registered-models/permissions/get", { name, username: reader.username })).body;
    expect(got.registered_model_permission).toMatchObject({ name, permission: "EDIT" });
    expect((await owner.api.delete("/registered-models/delete", { name })).status).toBe(200);
  });
});

describe("creators, the default permission and search filtering", () => {
  const closed = authEnv({ AUTH_DEFAULT_PERMISSION: "NO_PERMISSIONS" });

  it("gives creators MANAGE and others only the default", async () => {
    const alice = await newUser(closed);
    const bob = await newUser(closed);
    const exp = await newExperiment(alice.api);
    expect((await alice.api.get("/experiments/get", { experiment_id: exp })).status).toBe(200);
    expect(allowed(await bob.api.get("/experiments/get", { experiment_id: exp }))).toBe(false);
    // Alice manages it: she grants Bob READ through MLflow 3's grant API and checks it.
    ok(await alice.api.raw("POST", "/api/3.0/mlflow/users/permissions/grant", { body: { username: bob.username, resource_type: "experiment", resource_id: exp, permission: "READ" } }), "grant v3");
    const check = ok(await alice.api.raw("GET", "/api/3.0/mlflow/users/permissions/get", { query: { username: bob.username, resource_type: "experiment", resource_id: exp } })).body;
    expect(check).toEqual({ allowed: false, permission: "READ" }); // READ is not USE
    expect((await bob.api.get("/experiments/get", { experiment_id: exp })).status).toBe(200);
    expect(allowed(await bob.api.post("/runs/create", { experiment_id: exp }))).toBe(false);
    // Bob cannot manage it
    expect(allowed(await bob.api.raw("POST", "/api/3.0/mlflow/users/permissions/grant", { body: { username: bob.username, resource_type: "experiment", resource_id: exp, permission: "MANAGE" } }))).toBe(false);
    ok(await alice.api.raw("POST", "/api/3.0/mlflow/users/permissions/revoke", { body: { username: bob.username, resource_type: "experiment", resource_id: exp } }), "revoke v3");
    expect(allowed(await bob.api.get("/experiments/get", { experiment_id: exp }))).toBe(false);
    // the default experiment "0" is covered by the default permission too
    expect(allowed(await bob.api.post("/runs/create", {}))).toBe(false);
  });

  async function twoExperiments() {
    const alice = await newUser(closed);
    const bob = await newUser(closed);
    const mine = await newExperiment(bob.api);
    const hers = await newExperiment(alice.api);
    for (const e of [mine, hers]) ok(await client(closed, basic(ADMIN.username, ADMIN.password)).post("/runs/create", { experiment_id: e }), "run");
    return { bob, mine, hers };
  }

  it("filters runs/search to readable experiments", async () => {
    const { bob, mine, hers } = await twoExperiments();
    const runs = ok(await bob.api.post("/runs/search", { experiment_ids: [mine, hers] })).body.runs ?? [];
    expect(runs.length).toBeGreaterThan(0);
    expect(new Set(runs.map((r: any) => r.info.experiment_id))).toEqual(new Set([mine]));
    // an admin sees both
    const all = ok(await client(closed, basic(ADMIN.username, ADMIN.password)).post("/runs/search", { experiment_ids: [mine, hers] })).body.runs;
    expect(new Set(all.map((r: any) => r.info.experiment_id))).toEqual(new Set([mine, hers]));
  });

  it("filters experiments/search to readable experiments", async () => {
    const { bob, mine, hers } = await twoExperiments();
    const exps = ok(await bob.api.post("/experiments/search", { max_results: 1000 })).body.experiments ?? [];
    const ids = exps.map((e: any) => e.experiment_id);
    expect(ids).toContain(mine);
    expect(ids).not.toContain(hers);
  });

  it("filters registered-models/search to readable models", async () => {
    const alice = await newUser(closed);
    const bob = await newUser(closed);
    const hers = unique("m");
    const his = unique("m");
    ok(await alice.api.post("/registered-models/create", { name: hers }));
    ok(await bob.api.post("/registered-models/create", { name: his }));
    const names = (ok(await bob.api.get("/registered-models/search", { max_results: "1000" })).body.registered_models ?? []).map((m: any) => m.name);
    expect(names).toContain(his);
    expect(names).not.toContain(hers);
  });

  it("scopes logged-models/search and model-versions/search to what the caller may read, before paging", async () => {
    const { bob, mine, hers } = await twoExperiments();
    const adminApi = client(closed, basic(ADMIN.username, ADMIN.password));
    for (const e of [mine, hers]) ok(await adminApi.post("/logged-models", { experiment_id: e }));
    const models = ok(await bob.api.post("/logged-models/search", { experiment_ids: [mine, hers], max_results: 1 }));
    expect(models.body.models.map((m: any) => m.info.experiment_id)).toEqual([mine]);
    expect(models.body.next_page_token).toBeUndefined(); // her model is not a hidden second page
    const alice = await newUser(closed);
    const hisModel = unique("vm");
    const herModel = unique("vm");
    ok(await bob.api.post("/registered-models/create", { name: hisModel }));
    ok(await alice.api.post("/registered-models/create", { name: herModel }));
    for (const name of [hisModel, herModel]) ok(await adminApi.post("/model-versions/create", { name, source: "s3://bucket/model" }));
    const versions = ok(await bob.api.get("/model-versions/search", { filter: `name LIKE '${hisModel.slice(0, 3)}%'`, max_results: "1000" })).body.model_versions ?? [];
    const names = versions.map((v: any) => v.name);
    expect(names).toContain(hisModel);
    expect(names).not.toContain(herModel);
  });
});
