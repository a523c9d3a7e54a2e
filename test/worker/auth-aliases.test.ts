// Every alias spelling of every locator field, sent to every route that decodes a message: the
// permission decision and the executed entity must agree. Walks src/routes/index.ts, so a route
// added tomorrow is covered too. bob may do anything to his own experiment B, run RB, model MB and
// logged model LB; nothing to alice's C, RC, MA and LC (default NO_PERMISSIONS).
//
// For each locator field F of a route's message (run_id, experiment_id, model_id, …):
//   - F spelled camelCase naming alice's resource: 403, never executed on it; or, where the
//     handler's schema requires F (MLflow reads required fields by their snake_case name only),
//     400 "Missing value", whoever's resource it names;
//   - the same spelling naming bob's resource: not 403 (the spelling itself is accepted);
//   - F spelled both ways: 400, MLflow's "Request specifies both …";
//   - where the message also has the legacy `run_uuid`: run_uuid = RB with runId = RC is 403.
// GET requests carry query strings, whose parameters MLflow reads by snake_case name only; GET
// bodies (which fetch cannot send) are covered in test/python/test_auth.py.
import { beforeAll, describe, expect, it } from "vitest";
import { CreatePresignedUploadUrl } from "../../src/protocol/artifacts";
import { required, type Field, type Message } from "../../src/protocol/message";
import { ROUTES } from "../../src/routes";
import { ADMIN, authEnv, basic, client, ok, unique, type Client } from "./auth-helpers";

const ENV = authEnv({ AUTH_DEFAULT_PERMISSION: "NO_PERMISSIONS" });
const admin = client(ENV, basic(ADMIN.username, ADMIN.password));
const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());

interface Sides {
  experiment_id: string;
  run_id: string;
  name: string;
  model_id: string;
}

let bob: Client;
let own: Sides;
let theirs: Sides;

async function sideOf(api: Client): Promise<Sides> {
  const experiment_id = ok(await api.post("/experiments/create", { name: unique("alias") })).body.experiment_id;
  const run_id = ok(await api.post("/runs/create", { experiment_id, start_time: 1 })).body.run.info.run_id;
  const name = unique("alias-model");
  ok(await api.post("/registered-models/create", { name }));
  const model_id = ok(await api.post("/logged-models", { experiment_id })).body.model.info.model_id;
  return { experiment_id, run_id, name, model_id };
}

/** The value naming `side`'s resource for a locator field, or undefined if F is not a locator. */
function locatorValue(field: string, side: Sides): unknown {
  switch (field) {
    case "run_id":
    case "run_uuid":
      return side.run_id;
    case "run_ids":
      return [side.run_id];
    case "experiment_id":
      return side.experiment_id;
    case "experiment_ids":
      return [side.experiment_id];
    case "name":
      return side.name;
    case "model_id":
      return side.model_id;
    default:
      return undefined;
  }
}

/** A plausible value for a non-locator field (so validation passes and authorization decides). */
function filler(field: string, f: Field<unknown, boolean>): unknown {
  if (f.repeated) return [];
  switch (f.kind) {
    case "string":
      return field === "version" ? "1" : field === "metric_key" ? "m" : field === "source" ? "dummy-source" : "k";
    case "int64":
    case "int32":
    case "double":
      return field === "max_results" ? 10 : 1;
    case "bool":
      return false;
    case "enum":
      return f.enumValues![0];
    default:
      return {};
  }
}

/** Messages that take exactly one of several locators (MLflow refuses both, 400): the others are left out. */
const EXCLUSIVE = new Map<Message<unknown>, string[]>([[CreatePresignedUploadUrl as Message<unknown>, ["run_id", "model_id"]]]);

function bodyFor(m: Message<unknown>, locator: string, value: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const excluded = EXCLUSIVE.get(m) ?? [];
  for (const [name, f] of Object.entries(m.fields)) {
    if (name === locator || name === "run_uuid") continue;
    if (excluded.includes(name)) continue;
    const loc = locatorValue(name, own);
    body[name] = loc !== undefined ? loc : filler(name, f);
  }
  return { ...body, [camel(locator)]: value, ...extra };
}

const LOCATORS = ["run_id", "run_ids", "experiment_id", "experiment_ids", "name", "model_id"];

const cases = ROUTES.flatMap((r) => {
  const m = r.message;
  const method = r.methods.find((x) => x !== "GET");
  if (!m || !method) return [];
  const path = r.paths[0]!;
  if (path.includes(":") || path.includes("*")) return []; // path locators are decoded by the router
  return Object.keys(m.fields)
    .filter((f) => LOCATORS.includes(f) && camel(f) !== f)
    .map((field) => ({ route: r.name, method, path, m, field }));
});

beforeAll(async () => {
  const alice = unique("alice");
  const bobName = unique("bob");
  for (const u of [alice, bobName]) ok(await admin.post("/users/create", { username: u, password: "alias-password" }));
  bob = client(ENV, basic(bobName, "alias-password"));
  own = await sideOf(bob);
  theirs = await sideOf(client(ENV, basic(alice, "alias-password")));
});

describe("alias spellings of locator fields", () => {
  it("finds the locator fields of the routes", () => {
    const names = new Set(cases.map((c) => `${c.method} ${c.path} ${c.field}`));
    for (const expected of [
      "POST /api/2.0/mlflow/runs/delete run_id",
      "POST /api/2.0/mlflow/runs/create experiment_id",
      "POST /api/2.0/mlflow/runs/log-metric model_id",
      "POST /api/2.0/mlflow/model-versions/create model_id",
    ]) {
      expect(names).toContain(expected);
    }
    expect(cases.length).toBeGreaterThan(20);
  });

  // Searches scope rather than deny: they are checked for what they return in auth-findings.test.ts.
  const SCOPED = new Set(["experiment_ids"]);

  it.each(cases.filter((c) => !SCOPED.has(c.field) || !/search/.test(c.path)).map((c) => [c.route, c.field, c] as const))(
    "%s: %s",
    async (_route, _field, c) => {
      const send = (body: unknown) => bob.raw(c.method, c.path, { body });
      const forbidden = await send(bodyFor(c.m, c.field, locatorValue(c.field, theirs)));
      const allowed = await send(bodyFor(c.m, c.field, locatorValue(c.field, own)));
      if (c.m.fields[c.field]!.checks.includes(required)) {
        const missing = `Missing value for required parameter '${c.field}'. See the API docs for more information about request parameters.`;
        for (const res of [forbidden, allowed]) expect([c.field, res.status, res.body?.message]).toEqual([c.field, 400, missing]);
      } else {
        expect([c.field, "camelCase naming alice's", forbidden.status, forbidden.text]).toEqual([c.field, "camelCase naming alice's", 403, "Permission denied"]);
        expect([c.field, "camelCase naming bob's", allowed.status === 403]).toEqual([c.field, "camelCase naming bob's", false]);
      }
      const both = await send(bodyFor(c.m, c.field, locatorValue(c.field, theirs), { [c.field]: locatorValue(c.field, own) }));
      expect([both.status, both.body?.message]).toEqual([400, `Request specifies both '${c.field}' and '${camel(c.field)}'; provide only one of them.`]);
      if ("run_uuid" in c.m.fields && c.field === "run_id") {
        const legacy = await send(bodyFor(c.m, c.field, theirs.run_id, { run_uuid: own.run_id }));
        expect([c.route, "run_uuid + runId", legacy.status]).toEqual([c.route, "run_uuid + runId", 403]);
      }
    },
  );

  it("checks logged models named inside lists (metrics, inputs, outputs)", async () => {
    const bodies: [string, unknown][] = [
      ["/runs/log-batch", { run_id: own.run_id, metrics: [{ key: "m", value: 1, timestamp: 1, modelId: theirs.model_id }] }],
      ["/runs/log-inputs", { run_id: own.run_id, models: [{ modelId: theirs.model_id }] }],
      ["/runs/outputs", { run_id: own.run_id, models: [{ modelId: theirs.model_id, step: 0 }] }],
      ["/logged-models", { experiment_id: own.experiment_id, sourceRunId: theirs.run_id }],
    ];
    for (const [rpc, body] of bodies) expect([rpc, (await bob.post(rpc, body)).status]).toEqual([rpc, 403]);
    const mine: [string, unknown][] = [
      ["/runs/log-batch", { run_id: own.run_id, metrics: [{ key: "m", value: 1, timestamp: 1, modelId: own.model_id }] }],
      ["/runs/log-inputs", { run_id: own.run_id, models: [{ modelId: own.model_id }] }],
      ["/runs/outputs", { run_id: own.run_id, models: [{ modelId: own.model_id, step: 0 }] }],
    ];
    for (const [rpc, body] of mine) expect([rpc, (await bob.post(rpc, body)).status]).toEqual([rpc, 200]);
  });

  it("left alice's resources untouched", async () => {
    const aliceView = client(ENV, basic(ADMIN.username, ADMIN.password));
    const run = ok(await aliceView.get("/runs/get", { run_id: theirs.run_id })).body.run;
    expect(run.info.lifecycle_stage).toBe("active");
    expect(run.info.status).toBe("RUNNING");
    expect(run.data.params ?? []).toEqual([]);
    expect(run.data.metrics ?? []).toEqual([]);
    expect((run.data.tags ?? []).map((t: { key: string }) => t.key)).toEqual(["mlflow.runName"]);
    expect(ok(await aliceView.get("/experiments/get", { experiment_id: theirs.experiment_id })).body.experiment.lifecycle_stage).toBe("active");
    const model = ok(await aliceView.get("/registered-models/get", { name: theirs.name })).body.registered_model;
    expect(model.tags ?? []).toEqual([]);
    const lm = ok(await aliceView.raw("GET", `/api/2.0/mlflow/logged-models/${theirs.model_id}`)).body.model;
    expect(lm.info.tags ?? []).toEqual([]);
    expect(lm.data.metrics ?? []).toEqual([]);
  });
});
