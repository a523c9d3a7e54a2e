// The authorization bypasses of the security review (issue 11), reproduced as they were reported:
// alice owns experiments A and C with runs RA and RC; bob has READ on A and nothing on C (the
// default is NO_PERMISSIONS); bob owns experiment B with run RB. Each test failed before the fix.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { PREFIX, bucket } from "./artifacts-helpers";
import { ADMIN, authEnv, basic, client, ok, send, unique, type Client, type Res } from "./auth-helpers";

const ENV = authEnv({ AUTH_DEFAULT_PERMISSION: "NO_PERMISSIONS" });
const OPEN = { ...env } as Record<string, unknown>; // auth off
const admin = client(ENV, basic(ADMIN.username, ADMIN.password));

interface World {
  alice: Client;
  bob: Client;
  bobName: string;
  A: string;
  B: string;
  C: string;
  RA: string;
  RB: string;
  RC: string;
}

async function user(): Promise<{ name: string; api: Client }> {
  const name = unique("u");
  ok(await admin.post("/users/create", { username: name, password: "findings-password" }), "users/create");
  return { name, api: client(ENV, basic(name, "findings-password")) };
}

async function experiment(api: Client): Promise<string> {
  return ok(await api.post("/experiments/create", { name: unique("exp") }), "experiments/create").body.experiment_id;
}

async function run(api: Client, experimentId: string): Promise<string> {
  return ok(await api.post("/runs/create", { experiment_id: experimentId, start_time: 1 }), "runs/create").body.run.info.run_id;
}

async function world(): Promise<World> {
  const alice = await user();
  const bob = await user();
  const A = await experiment(alice.api);
  const C = await experiment(alice.api);
  const B = await experiment(bob.api);
  ok(await alice.api.post("/experiments/permissions/create", { experiment_id: A, username: bob.name, permission: "READ" }), "grant READ on A");
  return { alice: alice.api, bob: bob.api, bobName: bob.name, A, B, C, RA: await run(alice.api, A), RB: await run(bob.api, B), RC: await run(alice.api, C) };
}

const denied = (res: Res) => res.status === 403 || res.status === 400;

async function runOf(w: World, runId: string): Promise<any> {
  return ok(await w.alice.get("/runs/get", { run_id: runId }), "runs/get").body.run;
}

describe("1. one request reader: aliases cannot split the permission check from the handler", () => {
  let w: World;
  beforeAll(async () => {
    w = await world();
  });

  it("writes through runs/delete, update, set-tag and log-parameter act on what was authorized", async () => {
    const attempts: [string, unknown][] = [
      ["/runs/delete", { run_uuid: w.RB, runId: w.RC }],
      ["/runs/update", { run_uuid: w.RB, runId: w.RC, status: "KILLED" }],
      ["/runs/set-tag", { run_uuid: w.RB, runId: w.RA, key: "pwned", value: "1" }],
      ["/runs/log-parameter", { run_uuid: w.RB, runId: w.RC, key: "pwned", value: "1" }],
      ["/runs/log-metric", { run_uuid: w.RB, runId: w.RC, key: "pwned", value: 1, timestamp: 1 }],
      ["/runs/log-batch", { runId: w.RC, params: [{ key: "pwned", value: "1" }] }],
    ];
    for (const [rpc, body] of attempts) expect([rpc, denied(await w.bob.post(rpc, body))]).toEqual([rpc, true]);
    for (const target of [w.RC, w.RA]) {
      const r = await runOf(w, target);
      expect(r.info.lifecycle_stage).toBe("active");
      expect(r.info.status).toBe("RUNNING");
      expect(r.data.params ?? []).toEqual([]);
      expect((r.data.tags ?? []).map((t: any) => t.key)).not.toContain("pwned");
      expect(r.data.metrics ?? []).toEqual([]);
    }
  });

  it("reads are authorized on the run they return, whatever the spelling", async () => {
    // A query string carries snake_case names only (MLflow ignores `runId` there): RB is read.
    const got = ok(await w.bob.raw("GET", "/api/2.0/mlflow/runs/get", { query: { run_uuid: w.RB, runId: w.RC } }));
    expect(got.body.run.info.run_id).toBe(w.RB);
    // A body (POST here; GET bodies, which fetch cannot send, are covered in test/python/test_auth.py)
    // is read with MLflow's aliases, and the permission check sees the same run the handler reads.
    for (const rpc of ["/runs/get", "/artifacts/list", "/metrics/get-history"]) {
      const res = await w.bob.raw("POST", `/api/2.0/mlflow${rpc}`, { body: { run_uuid: w.RB, runId: w.RC, metric_key: "m" } });
      expect([rpc, res.status]).toEqual([rpc, 405]);
    }
    const bulk = await w.bob.raw("GET", "/api/2.0/mlflow/metrics/get-history-bulk-interval", { query: { run_ids: [w.RC, w.RB], metric_key: "m" } });
    expect(bulk.status).toBe(403);
  });

  it("runs/create with experimentId is checked against that experiment", async () => {
    expect((await w.bob.post("/runs/create", { experimentId: w.C })).status).toBe(403);
    expect((await w.bob.post("/runs/create", { experimentId: w.A })).status).toBe(403); // READ only
    const runs = ok(await w.alice.post("/runs/search", { experiment_ids: [w.C, w.A] })).body.runs;
    expect(runs.map((r: any) => r.info.run_id).sort()).toEqual([w.RA, w.RC].sort());
    // camelCase alone is MLflow's alias: it works where the caller has the right
    const own = ok(await w.bob.post("/runs/create", { experimentId: w.B }));
    expect(own.body.run.info.experiment_id).toBe(w.B);
  });

  it("refuses a field spelled two ways, as MLflow 3.18 does", async () => {
    const res = await w.bob.post("/runs/delete", { run_id: w.RB, runId: w.RC });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error_code: "INVALID_PARAMETER_VALUE", message: "Request specifies both 'run_id' and 'runId'; provide only one of them." });
    const nested = await w.bob.post("/runs/log-batch", { run_id: w.RB, metrics: [{ key: "a", value: 1, timestamp: 1, model_id: "x", modelId: "y" }] });
    expect(nested.status).toBe(400);
    expect((await runOf(w, w.RC)).info.lifecycle_stage).toBe("active");
  });
});

describe("2. artifact locations cannot point into another experiment", () => {
  it("refuses query, fragment and in-store locations when permissions are enforced", async () => {
    const w = await world();
    for (const location of [
      `mlflow-artifacts:/${w.C}?`,
      `mlflow-artifacts:/${w.C}#`,
      `mlflow-artifacts:/${w.C}`,
      `mlflow-artifacts:/${w.B}/../${w.C}`,
      `mlflow-artifacts:/x/%2e%2e/${w.C}`,
      `http://x/api/2.0/mlflow-artifacts/artifacts/${w.C}?`,
      `http://x/api/2.0/mlflow-artifacts/artifacts/${w.C}`,
    ]) {
      const res = await w.bob.post("/experiments/create", { name: unique("loc"), artifact_location: location });
      expect([location, res.status, res.body?.error_code]).toEqual([location, 400, "INVALID_PARAMETER_VALUE"]);
    }
    // A location outside our store is the client's business (it writes there itself).
    ok(await w.bob.post("/experiments/create", { name: unique("s3"), artifact_location: "s3://team-bucket/experiments" }));
  });

  it("does not serve or overwrite another experiment's files through a run whose root points there", async () => {
    const w = await world();
    const secret = `${w.C}/${w.RC}/artifacts/secret.txt`;
    const body = "alice's secret";
    ok(await w.alice.raw("PUT", `/api/2.0/mlflow-artifacts/artifacts/${secret}`, { body, headers: { "content-type": "application/octet-stream", "content-length": String(body.length) } }), "alice uploads");
    // An experiment written before this rule (or while auth was off) with a location inside C.
    const legacy = await send(OPEN, "POST", "/api/2.0/mlflow/experiments/create", { body: { name: unique("legacy"), artifact_location: `mlflow-artifacts:/${w.C}` } });
    expect(legacy.status).toBe(200);
    const X = legacy.body.experiment_id;
    ok(await admin.post("/experiments/permissions/create", { experiment_id: X, username: w.bobName, permission: "MANAGE" }));
    const RX = await run(w.bob, X);
    const read = await w.bob.raw("GET", "/get-artifact", { query: { run_id: RX, path: `${w.RC}/artifacts/secret.txt` } });
    expect(read.status).toBe(400);
    expect(read.text).not.toContain("alice's secret");
    const write = await w.bob.raw("POST", "/ajax-api/2.0/mlflow/upload-artifact", {
      query: { run_id: RX, path: `../${w.RC}/artifacts/secret.txt` },
      body: "poisoned",
      headers: { "content-type": "application/octet-stream", "content-length": "8" },
    });
    expect(write.status).toBe(400);
    const listed = await w.bob.get("/artifacts/list", { run_id: RX });
    expect(listed.status).toBe(400);
    const still = await w.alice.raw("GET", `/api/2.0/mlflow-artifacts/artifacts/${secret}`);
    expect(still.text).toBe("alice's secret");
  });
});

describe("3. model versions need read access to their source", () => {
  it("refuses runs:/, artifact and models:/ sources the caller cannot read", async () => {
    const w = await world();
    const name = unique("bobs-model");
    ok(await w.bob.post("/registered-models/create", { name }));
    const alices = unique("alices-model");
    ok(await w.alice.post("/registered-models/create", { name: alices }));
    for (const body of [
      { name, source: `runs:/${w.RC}/model`, run_id: w.RC },
      { name, source: `mlflow-artifacts:/${w.C}/${w.RC}/artifacts/model`, run_id: w.RC },
      { name, source: `mlflow-artifacts:/${w.C}/${w.RC}/artifacts/model`, run_id: w.RB },
      { name, source: `models:/${alices}/1` },
    ]) {
      const res = await w.bob.post("/model-versions/create", body);
      expect([body.source, res.status]).toEqual([body.source, 403]);
    }
    expect(ok(await w.bob.get("/model-versions/search", { filter: `name = '${name}'` })).body.model_versions ?? []).toEqual([]);
    // His own run is fine.
    ok(await w.bob.post("/model-versions/create", { name, source: `runs:/${w.RB}/model`, run_id: w.RB }));
  });
});

describe("4. registered-model grants follow the model", () => {
  it("are removed on delete, so the next model of that name is not inherited", async () => {
    const w = await world();
    const name = unique("squat-model");
    ok(await w.bob.post("/registered-models/create", { name }));
    ok(await w.bob.delete("/registered-models/delete", { name }));
    ok(await w.alice.post("/registered-models/create", { name }));
    expect((await w.bob.delete("/registered-models/delete", { name })).status).toBe(403);
    expect((await w.alice.get("/registered-models/get", { name })).status).toBe(200);
  });

  it("move on rename, and a grant left on the new name is not kept", async () => {
    const w = await world();
    const squatted = unique("squatted");
    // A grant left behind on a name nobody holds (e.g. written before grants were cleaned up).
    ok(await admin.post("/registered-models/permissions/create", { name: squatted, username: w.bobName, permission: "MANAGE" }));
    const mine = unique("alices");
    ok(await w.alice.post("/registered-models/create", { name: mine }));
    ok(await w.alice.post("/registered-models/rename", { name: mine, new_name: squatted }));
    expect((await w.alice.post("/registered-models/set-tag", { name: squatted, key: "k", value: "v" })).status).toBe(200);
    expect((await w.alice.delete("/registered-models/delete-tag", { name: squatted, key: "k" })).status).toBe(200);
    expect((await w.bob.delete("/registered-models/delete", { name: squatted })).status).toBe(403);
    // A stale grant is also cleared when a model is created under its name.
    const ghost = unique("ghost");
    ok(await admin.post("/registered-models/permissions/create", { name: ghost, username: w.bobName, permission: "MANAGE" }));
    ok(await w.alice.post("/registered-models/create", { name: ghost }));
    expect((await w.bob.get("/registered-models/get", { name: ghost })).status).toBe(403);
  });
});

describe("5. explicit denials hold for every spelling of an experiment id", () => {
  it("canonicalises ids before the grant lookup", async () => {
    const readable = authEnv({ AUTH_DEFAULT_PERMISSION: "READ" });
    const alice = await user();
    const bob = await user();
    const C = await experiment(alice.api);
    ok(await alice.api.post("/experiments/permissions/create", { experiment_id: C, username: bob.name, permission: "NO_PERMISSIONS" }));
    const bobReads = client(readable, basic(bob.name, "findings-password"));
    for (const spelling of [C, `0${C}`, `+${C}`, ` ${C}`, `${C} `, `00${C}`, `${C.slice(0, -1)}_${C.slice(-1)}`.replace(/^_/, "")]) {
      const res = await bobReads.get("/experiments/get", { experiment_id: spelling });
      expect([spelling, res.status]).toEqual([spelling, 403]);
    }
    // and a grant written with a non-canonical id names the same experiment
    const D = await experiment(alice.api);
    ok(await alice.api.post("/experiments/permissions/create", { experiment_id: `00${D}`, username: bob.name, permission: "NO_PERMISSIONS" }));
    expect((await bobReads.get("/experiments/get", { experiment_id: D })).status).toBe(403);
  });
});

describe("6. search filters have bounded cost", () => {
  it("refuses more clauses and order_by keys than the limits with MLflow-style 400s", async () => {
    const w = await world();
    const many = Array.from({ length: 101 }, (_, i) => `params.p${i} = 'x'`).join(" and ");
    const res = await w.bob.post("/runs/search", { experiment_ids: [w.B], filter: many });
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe("INVALID_PARAMETER_VALUE");
    const order = await w.bob.post("/runs/search", { experiment_ids: [w.B], order_by: Array.from({ length: 21 }, (_, i) => `params.p${i}`) });
    expect(order.status).toBe(400);
    const exps = await w.bob.post("/experiments/search", { filter: Array.from({ length: 101 }, (_, i) => `tags.t${i} = 'x'`).join(" and ") });
    expect(exps.status).toBe(400);
    // 100 AND-ed clauses are answered (one statement, linear in the clauses)
    const hundred = Array.from({ length: 100 }, (_, i) => `params.p${i} = 'x'`).join(" and ");
    expect(ok(await w.bob.post("/runs/search", { experiment_ids: [w.B], filter: hundred })).body).toEqual({});
  });
});

describe("7. CORS_ORIGINS=* allows reads without credentials, never cross-site writes", () => {
  const wildcard = authEnv({ AUTH_DEFAULT_PERMISSION: "NO_PERMISSIONS", CORS_ORIGINS: "*" });
  const adminHeaders = basic(ADMIN.username, ADMIN.password);

  it("blocks a text/plain form POST from a foreign origin", async () => {
    const username = unique("csrf");
    const res = await send(wildcard, "POST", "/api/2.0/mlflow/users/create", {
      headers: { ...adminHeaders, origin: "https://evil.example", "content-type": "text/plain" },
      body: JSON.stringify({ username, password: "csrf-password-1" }),
    });
    expect(res.status).toBe(403);
    const preflight = await send(wildcard, "OPTIONS", "/api/2.0/mlflow/users/create", {
      headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
    });
    expect(preflight.status).toBe(403);
    expect((await send(wildcard, "GET", "/api/2.0/mlflow/users/get", { headers: adminHeaders, query: { username } })).status).toBe(404);
  });

  it("requires JSON on the management API and refuses form uploads of artifacts, even same-origin", async () => {
    const res = await send(wildcard, "POST", "/api/2.0/mlflow/users/create", {
      headers: { ...adminHeaders, "content-type": "text/plain" },
      body: JSON.stringify({ username: unique("ct"), password: "content-type-pw" }),
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe("Bad Request. Content-Type must be one of ['application/json'].");
  });

  it("answers foreign reads with a wildcard origin and no credentials", async () => {
    const res = await send(wildcard, "GET", "/api/2.0/mlflow/experiments/search", { headers: { ...adminHeaders, origin: "https://dash.example" }, query: { max_results: "1" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-allow-credentials")).toBeNull();
  });
});

describe("8. leaks and errors", () => {
  it("answers runs/search on an unreadable experiment exactly like one with no runs (no yes/no oracle)", async () => {
    const w = await world();
    ok(await w.alice.post("/runs/log-parameter", { run_id: w.RC, key: "secret", value: "guess" }));
    for (const filter of ["params.secret = 'guess'", "params.secret = 'wrong'"]) {
      for (const max_results of [1, 1000]) {
        const hidden = ok(await w.bob.post("/runs/search", { experiment_ids: [w.C], filter, max_results }));
        expect([filter, max_results, hidden.body]).toEqual([filter, max_results, {}]);
      }
    }
  });

  it("answers 400, not 500, for a negative max_results and deeply nested JSON", async () => {
    const w = await world();
    const neg = await w.bob.get("/registered-models/search", { max_results: "-1" });
    expect([neg.status, neg.body.error_code]).toEqual([400, "INVALID_PARAMETER_VALUE"]);
    const deep = "[".repeat(5000) + "]".repeat(5000);
    for (const [rpc, body] of [
      ["/runs/log-batch", `{"run_id":"${w.RB}","params":${deep}}`],
      ["/runs/set-tag", `{"run_id":"${w.RB}","key":"k","value":${"{\"a\":".repeat(5000)}1${"}".repeat(5000)}}`],
    ]) {
      const res = await w.bob.raw("POST", `/api/2.0/mlflow${rpc}`, { body, headers: { "content-type": "application/json" } });
      expect([rpc, res.status, res.body?.error_code]).toEqual([rpc, 400, "INVALID_PARAMETER_VALUE"]);
    }
  });

  it("answers 400 for /get-artifact of the root", async () => {
    const w = await world();
    for (const path of [".", "", "./"]) {
      const res = await w.bob.raw("GET", "/get-artifact", { query: { run_id: w.RB, path } });
      expect([path, res.status]).toEqual([path, 400]);
    }
  });
});

describe("9. encoded traversal in artifact URLs is refused", () => {
  it("never writes outside the run's folder", async () => {
    const w = await world();
    const base = `/api/2.0/mlflow-artifacts/artifacts/${w.B}/${w.RB}/artifacts`;
    const put = (tail: string) =>
      w.bob.raw("PUT", `${base}/${tail}`, { body: "x", headers: { "content-type": "application/octet-stream", "content-length": "1" } });
    // Refused: what these resolve to leaves the run's artifact folder, or they name nothing.
    for (const tail of ["%2e%2e/%2e%2e/x", "a/%2e%2e/%2e%2e/x", "%2E%2E/%2E%2E/x", "%2e%2e/x", "/etc/passwd", "a//b", "a%2F..%2F..%2Fx", "a%2F%2Fb"]) {
      expect([tail, (await put(tail)).status]).toEqual([tail, 400]);
    }
    // The URL standard resolves these before the Worker sees them, to a file inside the folder.
    for (const tail of ["a/./b", "a/%2e/c", "d/e/%2e%2e/f"]) expect([tail, (await put(tail)).status]).toEqual([tail, 200]);
    // Nothing landed outside the run's artifact folder (a flat listing of the bucket under B).
    const keys = (await bucket.list(`${PREFIX}/${w.B}/`)).objects.map((o: { key: string }) => o.key.slice(`${PREFIX}/`.length)).sort();
    expect(keys).toEqual([`${w.B}/${w.RB}/artifacts/a/b`, `${w.B}/${w.RB}/artifacts/a/c`, `${w.B}/${w.RB}/artifacts/d/f`]);
    const files = ok(await w.bob.get("/artifacts/list", { run_id: w.RB })).body.files.map((f: any) => f.path);
    expect(files).toEqual(["a", "d"]);
  });
});
