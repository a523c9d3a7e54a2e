// The authorization matrix: for every route of src/routes/index.ts, what a caller needs (MLflow's
// permission model, written down here independently of the routes' own declarations), checked by
// calling the route through the real Worker against Postgres as users holding NO_PERMISSIONS,
// READ, USE, EDIT and MANAGE on the target (the default is NO_PERMISSIONS), and as an admin.
// A route missing from POLICY fails the first test, so a new route cannot go unchecked.
import { beforeAll, describe, expect, it } from "vitest";
import { ROUTES } from "../../src/routes";
import { ADMIN, authEnv, basic, client, ok, unique, type Client, type Res } from "./auth-helpers";

const ENV = authEnv({ AUTH_DEFAULT_PERMISSION: "NO_PERMISSIONS" });
const admin = client(ENV, basic(ADMIN.username, ADMIN.password));
const ROLES = ["NO_PERMISSIONS", "READ", "USE", "EDIT", "MANAGE"] as const;
type Role = (typeof ROLES)[number] | "admin";
type Need = "read" | "use" | "update" | "delete" | "manage";
const CAN: Record<(typeof ROLES)[number], Need[]> = {
  NO_PERMISSIONS: [],
  READ: ["read"],
  USE: ["read", "use"],
  EDIT: ["read", "use", "update"],
  MANAGE: ["read", "use", "update", "delete", "manage"],
};

/** Fixtures on which every role user holds its role. `fresh*` make new ones, for calls that destroy. */
interface Fx {
  exp: string;
  run: string;
  model: string;
  loggedModel: string;
  /** A run in an experiment whose artifacts live at an s3:// root (presigned transfers), holding file.txt. */
  directRun: string;
  /** The user the call acts on, for the management API (not the caller). */
  other: string;
  freshExperiment(): Promise<string>;
  freshRun(): Promise<string>;
  freshModel(): Promise<string>;
  freshLoggedModel(): Promise<string>;
}

type Call = (api: Client, fx: Fx) => Promise<Res>;
/** `need` on the fixture experiment or model; "any" signed-in caller; "admin" only. */
type Policy = { need: Need | "any" | "admin"; call: Call };

const A = "/api/2.0/mlflow-artifacts";
const octet = (body: string) => ({ body, headers: { "content-type": "application/octet-stream", "content-length": String(body.length) } });
const file = (fx: Fx, name = "file.txt") => `${fx.exp}/${fx.run}/artifacts/${name}`;
const lm = (fx: Fx, rest = "") => `/api/2.0/mlflow/logged-models/${fx.loggedModel}${rest}`;

/** A trace in the fixture experiment, created by the admin (its spans too, so reads find them). */
async function newTrace(fx: Fx): Promise<string> {
  const hex = crypto.randomUUID().replace(/-/g, "");
  const location = { type: "MLFLOW_EXPERIMENT", mlflow_experiment: { experiment_id: fx.exp } };
  ok(await admin.raw("POST", "/api/3.0/mlflow/traces", { body: { trace: { trace_info: { trace_id: `tr-${hex}`, trace_location: location, request_time: "2024-01-01T00:00:00Z", state: "OK" } } } }));
  ok(await admin.raw("POST", "/v1/traces", { headers: { "content-type": "application/json", "x-mlflow-experiment-id": fx.exp }, body: otlpJson(hex) }));
  return `tr-${hex}`;
}
/** A feedback on a fresh trace of the fixture experiment, logged by the admin: [trace id, assessment id]. */
async function newAssessment(fx: Fx): Promise<[string, string]> {
  const t = await newTrace(fx);
  const res = ok(await admin.raw("POST", `/api/3.0/mlflow/traces/${t}/assessments`, { body: { assessment: { assessment_name: "q", feedback: { value: 1 } } } }));
  return [t, (res.body as { assessment: { assessment_id: string } }).assessment.assessment_id];
}
const otlpJson = (hex: string) => JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: hex, spanId: "00000000000000a1", name: "root", startTimeUnixNano: "1", endTimeUnixNano: "2" }] }] }] });
const T = "/api/3.0/mlflow/traces";
// GenAI fixtures, made by the admin on the fixture experiment (shared ones made once).
const SC = "/api/3.0/mlflow/scorers";
const DS = "/api/3.0/mlflow/datasets";
const SCORER = JSON.stringify({ name: "matrix", builtin_scorer_pydantic_data: { name: "matrix", model: "openai:/gpt-4" } });
const HOOK = { name: "matrix", url: `${(ENV as { WEBHOOK_TEST_RECEIVER: string }).WEBHOOK_TEST_RECEIVER}/matrix`, events: [{ entity: "MODEL_VERSION", action: "CREATED" }] };

const POLICY: Record<string, Policy> = {
  // traces: access follows the trace's experiment
  "POST /v1/traces": { need: "update", call: (api, fx) => api.raw("POST", "/v1/traces", { headers: { "content-type": "application/json", "x-mlflow-experiment-id": fx.exp }, body: otlpJson(crypto.randomUUID().replace(/-/g, "")) }) },
  "POST /traces": {
    need: "update",
    call: (api, fx) => api.raw("POST", T, { body: { trace: { trace_info: { trace_id: `tr-${crypto.randomUUID().replace(/-/g, "")}`, trace_location: { mlflow_experiment: { experiment_id: fx.exp } }, request_time: "2024-01-01T00:00:00Z", state: "OK" } } } }),
  },
  // assessments: reads need READ on the trace's experiment, writes (delete included) EDIT
  "POST /traces/:trace_id/assessments": {
    need: "update",
    call: async (api, fx) => api.raw("POST", `${T}/${await newTrace(fx)}/assessments`, { body: { assessment: { assessment_name: "q", feedback: { value: 1 } } } }),
  },
  "GET /traces/:trace_id/assessments/:assessment_id": { need: "read", call: async (api, fx) => { const [t, a] = await newAssessment(fx); return api.raw("GET", `${T}/${t}/assessments/${a}`); } },
  "PATCH /traces/:trace_id/assessments/:assessment_id": {
    need: "update",
    call: async (api, fx) => { const [t, a] = await newAssessment(fx); return api.raw("PATCH", `${T}/${t}/assessments/${a}`, { body: { assessment: { rationale: "r" }, update_mask: "rationale" } }); },
  },
  "DELETE /traces/:trace_id/assessments/:assessment_id": { need: "update", call: async (api, fx) => { const [t, a] = await newAssessment(fx); return api.raw("DELETE", `${T}/${t}/assessments/${a}`); } },
  "GET /traces/get": { need: "read", call: async (api, fx) => api.raw("GET", `${T}/get`, { query: { trace_id: await newTrace(fx) } }) },
  "GET /traces/batchGet": { need: "read", call: async (api, fx) => api.raw("GET", `${T}/batchGet`, { query: { trace_ids: [await newTrace(fx)] } }) },
  "POST /traces/batchGetInfos": { need: "read", call: async (api, fx) => api.raw("POST", `${T}/batchGetInfos`, { body: { trace_ids: [await newTrace(fx)] } }) },
  "POST /traces/search": { need: "any", call: (api, fx) => api.raw("POST", `${T}/search`, { body: { locations: [{ mlflow_experiment: { experiment_id: fx.exp } }] } }) },
  // Trace analytics read over experiment_ids like search: narrowed to what the caller may read.
  "POST /traces/metrics": {
    need: "any",
    call: (api, fx) => api.raw("POST", `${T}/metrics`, { body: { experiment_ids: [fx.exp], view_type: "TRACES", metric_name: "trace_count", aggregations: [{ aggregation_type: "COUNT" }] } }),
  },
  "POST /traces/calculate-filter-correlation": {
    need: "any",
    call: (api, fx) => api.raw("POST", `${T}/calculate-filter-correlation`, { body: { experiment_ids: [fx.exp], filter_string1: "status = 'OK'", filter_string2: "status = 'ERROR'" } }),
  },
  "GET /traces/:trace_id": { need: "read", call: async (api, fx) => api.raw("GET", `${T}/${await newTrace(fx)}`) },
  "PATCH /api/2.0/mlflow/traces/:trace_id/tags": { need: "update", call: async (api, fx) => api.patch(`/traces/${await newTrace(fx)}/tags`, { key: "k", value: "v" }) },
  "DELETE /api/2.0/mlflow/traces/:trace_id/tags": {
    need: "update",
    call: async (api, fx) => {
      const id = await newTrace(fx);
      ok(await admin.patch(`/traces/${id}/tags`, { key: "k", value: "v" }));
      return api.delete(`/traces/${id}/tags`, { key: "k" });
    },
  },
  "POST /api/2.0/mlflow/traces/delete-traces": { need: "delete", call: async (api, fx) => api.post("/traces/delete-traces", { experiment_id: fx.exp, request_ids: [await newTrace(fx)] }) },
  "POST /traces/link-to-run": { need: "update", call: async (api, fx) => api.post("/traces/link-to-run", { trace_ids: [await newTrace(fx)], run_id: fx.run }) },
  "POST /traces/link-prompts": { need: "update", call: async (api, fx) => api.post("/traces/link-prompts", { trace_id: await newTrace(fx), prompt_versions: [{ name: "p", version: "1" }] }) },
  "POST /api/2.0/mlflow/traces": { need: "update", call: (api, fx) => api.post("/traces", { experiment_id: fx.exp, timestamp_ms: 1 }) },
  "GET /api/2.0/mlflow/traces": { need: "any", call: (api, fx) => api.get("/traces", { experiment_ids: [fx.exp] }) },
  "PATCH /api/2.0/mlflow/traces/:request_id": {
    need: "update",
    call: async (api, fx) => {
      const id = ok(await admin.post("/traces", { experiment_id: fx.exp, timestamp_ms: 1 })).body.trace_info.request_id;
      return api.patch(`/traces/${id}`, { timestamp_ms: 2, status: "OK" });
    },
  },
  "GET /api/2.0/mlflow/traces/:request_id/info": { need: "read", call: async (api, fx) => api.get(`/traces/${await newTrace(fx)}/info`) },
  "GET /ajax-api/2.0/mlflow/get-trace-artifact": { need: "read", call: async (api, fx) => api.raw("GET", "/ajax-api/2.0/mlflow/get-trace-artifact", { query: { request_id: await newTrace(fx) } }) },
  "GET /health": { need: "any", call: (api) => api.raw("GET", "/health") },
  "GET /version": { need: "any", call: (api) => api.raw("GET", "/version") },
  "GET /server-info": { need: "any", call: (api) => api.raw("GET", "/api/3.0/mlflow/server-info") },
  // artifacts proxy
  [`GET ${A}/artifacts`]: { need: "read", call: (api, fx) => api.raw("GET", `${A}/artifacts`, { query: { path: `${fx.exp}/${fx.run}/artifacts` } }) },
  [`PUT ${A}/artifacts/*`]: { need: "update", call: (api, fx) => api.raw("PUT", `${A}/artifacts/${file(fx, "up.txt")}`, octet("up")) },
  [`GET ${A}/artifacts/*`]: { need: "read", call: (api, fx) => api.raw("GET", `${A}/artifacts/${file(fx)}`) },
  [`DELETE ${A}/artifacts/*`]: { need: "delete", call: (api, fx) => api.raw("DELETE", `${A}/artifacts/${file(fx, "gone.txt")}`) },
  [`POST ${A}/mpu/create/*`]: { need: "update", call: (api, fx) => api.raw("POST", `${A}/mpu/create/${fx.exp}/${fx.run}/artifacts`, { body: { path: "big.bin", num_parts: 1 } }) },
  [`POST ${A}/mpu/complete/*`]: {
    need: "update",
    call: async (api, fx) => {
      const upload = ok(await admin.raw("POST", `${A}/mpu/create/${fx.exp}/${fx.run}/artifacts`, { body: { path: "c.bin", num_parts: 1 } })).body;
      const part = await fetch(upload.credentials[0].url, { method: "PUT", body: "part" });
      const parts = [{ part_number: 1, etag: part.headers.get("etag") }];
      return api.raw("POST", `${A}/mpu/complete/${fx.exp}/${fx.run}/artifacts`, { body: { path: "c.bin", upload_id: upload.upload_id, parts } });
    },
  },
  [`POST ${A}/mpu/abort/*`]: {
    need: "update",
    call: async (api, fx) => {
      const upload = ok(await admin.raw("POST", `${A}/mpu/create/${fx.exp}/${fx.run}/artifacts`, { body: { path: "a.bin", num_parts: 1 } })).body;
      return api.raw("POST", `${A}/mpu/abort/${fx.exp}/${fx.run}/artifacts`, { body: { path: "a.bin", upload_id: upload.upload_id } });
    },
  },
  [`GET ${A}/presigned/*`]: { need: "read", call: (api, fx) => api.raw("GET", `${A}/presigned/${file(fx)}`) },
  // run-relative artifacts
  "GET /artifacts/list": { need: "read", call: (api, fx) => api.get("/artifacts/list", { run_id: fx.run }) },
  "GET /get-artifact": { need: "read", call: (api, fx) => api.raw("GET", "/get-artifact", { query: { run_id: fx.run, path: "file.txt" } }) },
  "GET /model-versions/get-artifact": { need: "read", call: (api, fx) => api.raw("GET", "/model-versions/get-artifact", { query: { name: fx.model, version: "1", path: "MLmodel" } }) },
  "GET /logged-models/:model_id/artifacts/directories": { need: "read", call: (api, fx) => api.raw("GET", lm(fx, "/artifacts/directories")) },
  "GET /logged-models/:model_id/artifacts/files": {
    need: "read",
    call: (api, fx) => api.raw("GET", `/ajax-api/2.0/mlflow/logged-models/${fx.loggedModel}/artifacts/files`, { query: { artifact_file_path: "MLmodel" } }),
  },
  // presigned transfers for roots clients reach directly (s3://, as under SERVE_ARTIFACTS=false)
  "POST /artifacts/presigned-upload-url": { need: "update", call: (api, fx) => api.post("/artifacts/presigned-upload-url", { run_id: fx.directRun, path: "up.bin" }) },
  "POST /artifacts/presigned-download-url": { need: "read", call: (api, fx) => api.post("/artifacts/presigned-download-url", { run_id: fx.directRun, path: "file.txt" }) },
  "POST /upload-artifact": { need: "update", call: (api, fx) => api.raw("POST", "/ajax-api/2.0/mlflow/upload-artifact", { query: { run_id: fx.run, path: "ui.txt" }, ...octet("ui") }) },
  // the management API: admins, or MANAGE on the resource, or the caller acting on themselves
  "POST /users/create": { need: "admin", call: (api) => api.post("/users/create", { username: unique("nu"), password: "matrix-password" }) },
  "GET /users/get": { need: "admin", call: (api, fx) => api.get("/users/get", { username: fx.other }) },
  "GET /users/current": { need: "any", call: (api) => api.get("/users/current") },
  "GET /users/list": { need: "admin", call: (api) => api.get("/users/list") },
  "PATCH /users/update-password": { need: "admin", call: (api, fx) => api.patch("/users/update-password", { username: fx.other, password: "another-password" }) },
  "PATCH /users/update-admin": { need: "admin", call: (api, fx) => api.patch("/users/update-admin", { username: fx.other, is_admin: false }) },
  "DELETE /users/delete": {
    need: "admin",
    call: async (api) => {
      const username = unique("del");
      ok(await admin.post("/users/create", { username, password: "matrix-password" }));
      return api.delete("/users/delete", { username });
    },
  },
  "POST /experiments/permissions/create": { need: "manage", call: async (api, fx) => api.post("/experiments/permissions/create", { experiment_id: fx.exp, username: await newUser(), permission: "READ" }) },
  "GET /experiments/permissions/get": { need: "manage", call: async (api, fx) => api.get("/experiments/permissions/get", { experiment_id: fx.exp, username: await newUser(fx.exp) }) },
  "PATCH /experiments/permissions/update": { need: "manage", call: async (api, fx) => api.patch("/experiments/permissions/update", { experiment_id: fx.exp, username: await newUser(fx.exp), permission: "EDIT" }) },
  "DELETE /experiments/permissions/delete": { need: "manage", call: async (api, fx) => api.delete("/experiments/permissions/delete", { experiment_id: fx.exp, username: await newUser(fx.exp) }) },
  "POST /registered-models/permissions/create": { need: "manage", call: async (api, fx) => api.post("/registered-models/permissions/create", { name: fx.model, username: await newUser(), permission: "READ" }) },
  "GET /registered-models/permissions/get": { need: "manage", call: async (api, fx) => api.get("/registered-models/permissions/get", { name: fx.model, username: await newUser(undefined, fx.model) }) },
  "PATCH /registered-models/permissions/update": {
    need: "manage",
    call: async (api, fx) => api.patch("/registered-models/permissions/update", { name: fx.model, username: await newUser(undefined, fx.model), permission: "EDIT" }),
  },
  "DELETE /registered-models/permissions/delete": { need: "manage", call: async (api, fx) => api.delete("/registered-models/permissions/delete", { name: fx.model, username: await newUser(undefined, fx.model) }) },
  "POST /users/permissions/grant": {
    need: "manage",
    call: async (api, fx) => api.raw("POST", "/api/3.0/mlflow/users/permissions/grant", { body: { username: await newUser(), resource_type: "experiment", resource_id: fx.exp, permission: "READ" } }),
  },
  "POST /users/permissions/revoke": {
    need: "manage",
    call: async (api, fx) => api.raw("POST", "/api/3.0/mlflow/users/permissions/revoke", { body: { username: await newUser(fx.exp), resource_type: "experiment", resource_id: fx.exp } }),
  },
  "GET /users/permissions/get": {
    need: "manage",
    call: async (api, fx) => api.raw("GET", "/api/3.0/mlflow/users/permissions/get", { query: { username: await newUser(), resource_type: "experiment", resource_id: fx.exp } }),
  },
  "POST /users/tokens/create": { need: "admin", call: (api, fx) => api.post("/users/tokens/create", { username: fx.other, name: "t" }) },
  "GET /users/tokens/list": { need: "admin", call: (api, fx) => api.get("/users/tokens/list", { username: fx.other }) },
  "POST /users/tokens/revoke": {
    need: "admin",
    call: async (api, fx) => {
      const token = ok(await admin.post("/users/tokens/create", { username: fx.other, name: "victim" })).body.token;
      const res = await api.post("/users/tokens/revoke", { id: token.id });
      // Someone else's token looks exactly like a missing one (404), never "Permission denied".
      return res.status === 404 ? { ...res, status: 403, text: "Permission denied" } : res;
    },
  },
  // experiments
  "POST /experiments/create": { need: "any", call: (api) => api.post("/experiments/create", { name: unique("mx") }) },
  "GET /experiments/get": { need: "read", call: (api, fx) => api.get("/experiments/get", { experiment_id: fx.exp }) },
  "GET /experiments/get-by-name": {
    need: "read",
    call: async (api, fx) => api.get("/experiments/get-by-name", { experiment_name: ok(await admin.get("/experiments/get", { experiment_id: fx.exp })).body.experiment.name }),
  },
  "POST /experiments/delete": { need: "delete", call: async (api, fx) => api.post("/experiments/delete", { experiment_id: await fx.freshExperiment() }) },
  "POST /experiments/restore": {
    need: "delete",
    call: async (api, fx) => {
      const id = await fx.freshExperiment();
      ok(await admin.post("/experiments/delete", { experiment_id: id }));
      return api.post("/experiments/restore", { experiment_id: id });
    },
  },
  "POST /experiments/update": { need: "update", call: async (api, fx) => api.post("/experiments/update", { experiment_id: await fx.freshExperiment(), new_name: unique("renamed") }) },
  "POST /experiments/set-experiment-tag": { need: "update", call: (api, fx) => api.post("/experiments/set-experiment-tag", { experiment_id: fx.exp, key: "k", value: "v" }) },
  "POST /experiments/delete-experiment-tag": {
    need: "update",
    call: async (api, fx) => {
      ok(await admin.post("/experiments/set-experiment-tag", { experiment_id: fx.exp, key: "d", value: "v" }));
      return api.post("/experiments/delete-experiment-tag", { experiment_id: fx.exp, key: "d" });
    },
  },
  "POST|GET /experiments/search": { need: "any", call: (api) => api.post("/experiments/search", { max_results: 5 }) },
  "POST /experiments/search-datasets": { need: "read", call: (api, fx) => api.raw("POST", "/ajax-api/2.0/mlflow/experiments/search-datasets", { body: { experiment_ids: [fx.exp] } }) },
  // runs
  "POST /runs/create": { need: "update", call: (api, fx) => api.post("/runs/create", { experiment_id: fx.exp, start_time: 1 }) },
  "GET /runs/get": { need: "read", call: (api, fx) => api.get("/runs/get", { run_id: fx.run }) },
  "POST /runs/update": { need: "update", call: (api, fx) => api.post("/runs/update", { run_id: fx.run, status: "RUNNING" }) },
  "POST /runs/delete": { need: "delete", call: async (api, fx) => api.post("/runs/delete", { run_id: await fx.freshRun() }) },
  "POST /runs/restore": {
    need: "delete",
    call: async (api, fx) => {
      const id = await fx.freshRun();
      ok(await admin.post("/runs/delete", { run_id: id }));
      return api.post("/runs/restore", { run_id: id });
    },
  },
  "POST /runs/log-metric": { need: "update", call: (api, fx) => api.post("/runs/log-metric", { run_id: fx.run, key: "m", value: 1, timestamp: 1, step: 0 }) },
  "POST /runs/log-parameter": { need: "update", call: async (api, fx) => api.post("/runs/log-parameter", { run_id: await fx.freshRun(), key: "p", value: "v" }) },
  "POST /runs/set-tag": { need: "update", call: (api, fx) => api.post("/runs/set-tag", { run_id: fx.run, key: "t", value: "v" }) },
  "POST /runs/delete-tag": {
    need: "update",
    call: async (api, fx) => {
      ok(await admin.post("/runs/set-tag", { run_id: fx.run, key: "dt", value: "v" }));
      return api.post("/runs/delete-tag", { run_id: fx.run, key: "dt" });
    },
  },
  "POST /runs/log-batch": { need: "update", call: (api, fx) => api.post("/runs/log-batch", { run_id: fx.run, metrics: [{ key: "b", value: 1, timestamp: 1 }] }) },
  "POST /runs/log-inputs": {
    need: "update",
    call: (api, fx) => api.post("/runs/log-inputs", { run_id: fx.run, datasets: [{ dataset: { name: "d", digest: "x", source_type: "local", source: "s" } }] }),
  },
  "POST /runs/outputs": { need: "update", call: (api, fx) => api.post("/runs/outputs", { run_id: fx.run, models: [{ model_id: fx.loggedModel, step: 0 }] }) },
  "POST|GET /runs/search": { need: "any", call: (api, fx) => api.post("/runs/search", { experiment_ids: [fx.exp] }) },
  // metrics
  "GET /metrics/get-history-bulk": { need: "read", call: (api, fx) => api.raw("GET", "/ajax-api/2.0/mlflow/metrics/get-history-bulk", { query: { run_id: fx.run, metric_key: "m" } }) },
  "GET /metrics/get-history-chart": {
    need: "read",
    call: (api, fx) => api.raw("GET", "/ajax-api/2.0/mlflow/metrics/get-history-chart", { query: { run_ids: fx.run, metric_keys: "m" } }),
  },
  "GET /metrics/get-history": { need: "read", call: (api, fx) => api.get("/metrics/get-history", { run_id: fx.run, metric_key: "m" }) },
  "GET /metrics/get-history-bulk-interval": { need: "read", call: (api, fx) => api.get("/metrics/get-history-bulk-interval", { run_ids: [fx.run], metric_key: "m" }) },
  // logged models
  "POST /logged-models": { need: "update", call: (api, fx) => api.post("/logged-models", { experiment_id: fx.exp }) },
  "POST /logged-models/search": { need: "any", call: (api, fx) => api.post("/logged-models/search", { experiment_ids: [fx.exp] }) },
  "GET /logged-models/:model_id": { need: "read", call: (api, fx) => api.raw("GET", lm(fx)) },
  "PATCH /logged-models/:model_id": { need: "update", call: async (api, fx) => api.raw("PATCH", `/api/2.0/mlflow/logged-models/${await fx.freshLoggedModel()}`, { body: { model_id: "x", status: "LOGGED_MODEL_READY" } }) },
  "DELETE /logged-models/:model_id": { need: "delete", call: async (api, fx) => api.raw("DELETE", `/api/2.0/mlflow/logged-models/${await fx.freshLoggedModel()}`) },
  "PATCH /logged-models/:model_id/tags": { need: "update", call: (api, fx) => api.raw("PATCH", lm(fx, "/tags"), { body: { tags: [{ key: "k", value: "v" }] } }) },
  "DELETE /logged-models/:model_id/tags/:tag_key": {
    need: "update",
    call: async (api, fx) => {
      ok(await admin.raw("PATCH", lm(fx, "/tags"), { body: { tags: [{ key: "gone", value: "v" }] } }));
      return api.raw("DELETE", lm(fx, "/tags/gone"));
    },
  },
  "POST /logged-models/:model_id/params": { need: "update", call: async (api, fx) => api.raw("POST", `/api/2.0/mlflow/logged-models/${await fx.freshLoggedModel()}/params`, { body: { model_id: "x", params: [{ key: "p", value: "v" }] } }) },
  // registered models
  "POST /registered-models/create": { need: "any", call: (api) => api.post("/registered-models/create", { name: unique("mxm") }) },
  "GET /registered-models/get": { need: "read", call: (api, fx) => api.get("/registered-models/get", { name: fx.model }) },
  "PATCH /registered-models/update": { need: "update", call: (api, fx) => api.patch("/registered-models/update", { name: fx.model, description: "d" }) },
  "POST /registered-models/rename": { need: "update", call: async (api, fx) => api.post("/registered-models/rename", { name: await fx.freshModel(), new_name: unique("mxr") }) },
  "DELETE /registered-models/delete": { need: "delete", call: async (api, fx) => api.delete("/registered-models/delete", { name: await fx.freshModel() }) },
  "GET /registered-models/search": { need: "any", call: (api) => api.get("/registered-models/search", { max_results: "5" }) },
  "POST|GET /registered-models/get-latest-versions": { need: "read", call: (api, fx) => api.post("/registered-models/get-latest-versions", { name: fx.model }) },
  "POST /registered-models/set-tag": { need: "update", call: (api, fx) => api.post("/registered-models/set-tag", { name: fx.model, key: "k", value: "v" }) },
  "DELETE /registered-models/delete-tag": {
    need: "delete",
    call: async (api, fx) => {
      ok(await admin.post("/registered-models/set-tag", { name: fx.model, key: "d", value: "v" }));
      return api.delete("/registered-models/delete-tag", { name: fx.model, key: "d" });
    },
  },
  "POST /registered-models/alias": { need: "update", call: (api, fx) => api.post("/registered-models/alias", { name: fx.model, alias: "champ", version: "1" }) },
  "DELETE /registered-models/alias": {
    need: "delete",
    call: async (api, fx) => {
      ok(await admin.post("/registered-models/alias", { name: fx.model, alias: "old", version: "1" }));
      return api.delete("/registered-models/alias", { name: fx.model, alias: "old" });
    },
  },
  "GET /registered-models/alias": {
    need: "read",
    call: async (api, fx) => {
      ok(await admin.post("/registered-models/alias", { name: fx.model, alias: "champ", version: "1" }));
      return api.get("/registered-models/alias", { name: fx.model, alias: "champ" });
    },
  },
  // model versions
  "POST /model-versions/create": { need: "update", call: (api, fx) => api.post("/model-versions/create", { name: fx.model, source: `runs:/${fx.run}/model`, run_id: fx.run }) },
  "GET /model-versions/get": { need: "read", call: (api, fx) => api.get("/model-versions/get", { name: fx.model, version: "1" }) },
  "PATCH /model-versions/update": { need: "update", call: (api, fx) => api.patch("/model-versions/update", { name: fx.model, version: "1", description: "d" }) },
  "POST /model-versions/transition-stage": { need: "update", call: (api, fx) => api.post("/model-versions/transition-stage", { name: fx.model, version: "1", stage: "Staging" }) },
  "DELETE /model-versions/delete": { need: "delete", call: async (api, fx) => api.delete("/model-versions/delete", { name: await fx.freshModel(), version: "1" }) },
  "GET /model-versions/get-download-uri": { need: "read", call: (api, fx) => api.get("/model-versions/get-download-uri", { name: fx.model, version: "1" }) },
  "GET /model-versions/search": { need: "any", call: (api) => api.get("/model-versions/search", { max_results: "5" }) },
  "POST /model-versions/set-tag": { need: "update", call: (api, fx) => api.post("/model-versions/set-tag", { name: fx.model, version: "1", key: "k", value: "v" }) },
  "DELETE /model-versions/delete-tag": {
    need: "delete",
    call: async (api, fx) => {
      ok(await admin.post("/model-versions/set-tag", { name: fx.model, version: "1", key: "d", value: "v" }));
      return api.delete("/model-versions/delete-tag", { name: fx.model, version: "1", key: "d" });
    },
  },
  // GenAI: scorers (experiment permissions, as MLflow's scorer grants fall back to them)
  "POST /scorers/register": { need: "update", call: (api, fx) => api.raw("POST", `${SC}/register`, { body: { experiment_id: fx.exp, name: unique("sc"), serialized_scorer: SCORER } }) },
  "GET /scorers/list": { need: "read", call: async (api, fx) => api.raw("GET", `${SC}/list`, { query: { experiment_id: fx.exp } }) },
  "GET /scorers/versions": { need: "read", call: async (api, fx) => api.raw("GET", `${SC}/versions`, { query: { experiment_id: fx.exp, name: await fxScorer(fx) } }) },
  "GET /scorers/get": { need: "read", call: async (api, fx) => api.raw("GET", `${SC}/get`, { query: { experiment_id: fx.exp, name: await fxScorer(fx) } }) },
  "DELETE /scorers/delete": { need: "delete", call: async (api, fx) => api.raw("DELETE", `${SC}/delete`, { body: { experiment_id: fx.exp, name: await fxScorer(fx, unique("gone")) } }) },
  [`GET ${SC}/online-configs`]: {
    need: "read",
    call: async (api, fx) => {
      const name = await fxScorer(fx, unique("online"));
      const config = ok(await admin.raw("PUT", `${SC}/online-config`, { body: { experiment_id: fx.exp, name, sample_rate: 0 } })).body.config;
      return api.raw("GET", `${SC}/online-configs`, { query: { scorer_ids: [config.scorer_id] } });
    },
  },
  [`PUT ${SC}/online-config`]: { need: "update", call: async (api, fx) => api.raw("PUT", `${SC}/online-config`, { body: { experiment_id: fx.exp, name: await fxScorer(fx), sample_rate: 0 } }) },
  // GenAI evaluation datasets: through the experiments they are linked to
  "POST /datasets/create": { need: "update", call: (api, fx) => api.raw("POST", `${DS}/create`, { body: { name: unique("ds"), experiment_ids: [fx.exp] } }) },
  "POST|GET /datasets/search": { need: "read", call: (api, fx) => api.raw("POST", `${DS}/search`, { body: { experiment_ids: [fx.exp] } }) },
  "GET /datasets/:dataset_id": { need: "read", call: async (api, fx) => api.raw("GET", `${DS}/${await fxDataset(fx)}`) },
  "DELETE /datasets/:dataset_id": { need: "delete", call: async (api, fx) => api.raw("DELETE", `${DS}/${await fxDataset(fx, true)}`) },
  "PATCH /datasets/:dataset_id/tags": { need: "update", call: async (api, fx) => api.raw("PATCH", `${DS}/${await fxDataset(fx)}/tags`, { body: { tags: JSON.stringify({ k: "v" }) } }) },
  "DELETE /datasets/:dataset_id/tags/:key": { need: "update", call: async (api, fx) => api.raw("DELETE", `${DS}/${await fxDataset(fx)}/tags/k`) },
  "POST /datasets/:dataset_id/records": { need: "update", call: async (api, fx) => api.raw("POST", `${DS}/${await fxDataset(fx)}/records`, { body: { records: JSON.stringify([{ inputs: { q: unique("q") } }]) } }) },
  "GET /datasets/:dataset_id/records": { need: "read", call: async (api, fx) => api.raw("GET", `${DS}/${await fxDataset(fx)}/records`) },
  "DELETE /datasets/:dataset_id/records": { need: "update", call: async (api, fx) => api.raw("DELETE", `${DS}/${await fxDataset(fx)}/records`, { body: { dataset_record_ids: ["dr-none"] } }) },
  "GET /datasets/:dataset_id/experiment-ids": { need: "read", call: async (api, fx) => api.raw("GET", `${DS}/${await fxDataset(fx)}/experiment-ids`) },
  "POST /datasets/:dataset_id/add-experiments": { need: "update", call: async (api, fx) => api.raw("POST", `${DS}/${await fxDataset(fx)}/add-experiments`, { body: { experiment_ids: [fx.exp] } }) },
  "POST /datasets/:dataset_id/remove-experiments": { need: "update", call: async (api, fx) => api.raw("POST", `${DS}/${await fxDataset(fx)}/remove-experiments`, { body: { experiment_ids: ["987654"] } }) },
  // Webhooks: admins only (they make the server send requests)
  "POST /webhooks": { need: "admin", call: (api) => api.post("/webhooks", HOOK) },
  "GET /webhooks": { need: "admin", call: (api) => api.get("/webhooks") },
  "GET /webhooks/:webhook_id": { need: "admin", call: async (api) => api.get(`/webhooks/${await fxWebhook()}`) },
  "PATCH /webhooks/:webhook_id": { need: "admin", call: async (api) => api.patch(`/webhooks/${await fxWebhook()}`, { description: "d" }) },
  "DELETE /webhooks/:webhook_id": { need: "admin", call: async (api) => api.delete(`/webhooks/${await fxWebhook(true)}`) },
  "POST /webhooks/:webhook_id/test": { need: "admin", call: async (api) => api.post(`/webhooks/${await fxWebhook()}/test`, {}) },
};

// GenAI fixtures (constants above POLICY, which names some of its routes with them).
const shared = new Map<string, Promise<string>>();
const once = (key: string, make: () => Promise<string>) => {
  if (!shared.has(key)) shared.set(key, make());
  return shared.get(key)!;
};
async function fxScorer(fx: Fx, name = "matrix"): Promise<string> {
  return once(`scorer:${name}`, async () => {
    ok(await admin.raw("POST", `${SC}/register`, { body: { experiment_id: fx.exp, name, serialized_scorer: SCORER } }));
    return name;
  });
}
async function fxDataset(fx: Fx, fresh = false): Promise<string> {
  const make = async () => ok(await admin.raw("POST", `${DS}/create`, { body: { name: unique("mxd"), experiment_ids: [fx.exp] } })).body.dataset.dataset_id as string;
  return fresh ? make() : once("dataset", make);
}
async function fxWebhook(fresh = false): Promise<string> {
  const make = async () => ok(await admin.post("/webhooks", HOOK)).body.webhook.webhook_id as string;
  return fresh ? make() : once("webhook", make);
}

const users: Record<string, { name: string; api: Client }> = {};
let fx: Fx;

async function newUser(grantOnExperiment?: string, grantOnModel?: string): Promise<string> {
  const username = unique("target");
  ok(await admin.post("/users/create", { username, password: "matrix-password" }));
  if (grantOnExperiment) ok(await admin.post("/experiments/permissions/create", { experiment_id: grantOnExperiment, username, permission: "READ" }));
  if (grantOnModel) ok(await admin.post("/registered-models/permissions/create", { name: grantOnModel, username, permission: "READ" }));
  return username;
}

async function grantRoles(kind: "experiment" | "model", id: string): Promise<void> {
  for (const role of ROLES) {
    const username = users[role]!.name;
    const body = kind === "experiment" ? { experiment_id: id, username, permission: role } : { name: id, username, permission: role };
    ok(await admin.post(`/${kind === "experiment" ? "experiments" : "registered-models"}/permissions/create`, body), `grant ${role}`);
  }
}

async function newExperimentFx(): Promise<string> {
  const id = ok(await admin.post("/experiments/create", { name: unique("mx") })).body.experiment_id;
  await grantRoles("experiment", id);
  return id;
}

async function newModelFx(run: string): Promise<string> {
  const name = unique("mxm");
  ok(await admin.post("/registered-models/create", { name }));
  ok(await admin.post("/model-versions/create", { name, source: `runs:/${run}/model`, run_id: run }));
  await grantRoles("model", name);
  return name;
}

beforeAll(async () => {
  for (const role of [...ROLES, "admin"]) {
    const name = unique(role.toLowerCase());
    ok(await admin.post("/users/create", { username: name, password: "matrix-password" }));
    if (role === "admin") ok(await admin.patch("/users/update-admin", { username: name, is_admin: true }));
    users[role] = { name, api: client(ENV, basic(name, "matrix-password")) };
  }
  const exp = await newExperimentFx();
  const run = ok(await admin.post("/runs/create", { experiment_id: exp, start_time: 1 })).body.run.info.run_id;
  ok(await admin.post("/runs/log-metric", { run_id: run, key: "m", value: 1, timestamp: 1 }));
  for (const name of ["file.txt", "gone.txt", "model/MLmodel"]) ok(await admin.raw("PUT", `${A}/artifacts/${exp}/${run}/artifacts/${name}`, octet("x")));
  const newLoggedModel = async () => {
    const model = ok(await admin.post("/logged-models", { experiment_id: exp })).body.model.info;
    const root = (model.artifact_uri as string).replace(/^mlflow-artifacts:\/+/, "");
    ok(await admin.raw("PUT", `${A}/artifacts/${root}/MLmodel`, octet("flavors: {}")));
    return model.model_id as string;
  };
  // An experiment created while not serving artifacts gets an s3:// root in the bucket.
  const noServe = client(authEnv({ AUTH_DEFAULT_PERMISSION: "NO_PERMISSIONS", SERVE_ARTIFACTS: "false", DEFAULT_ARTIFACT_ROOT: "" }), basic(ADMIN.username, ADMIN.password));
  const directExp = ok(await noServe.post("/experiments/create", { name: unique("mxd") })).body.experiment_id;
  await grantRoles("experiment", directExp);
  const directRunInfo = ok(await admin.post("/runs/create", { experiment_id: directExp, start_time: 1 })).body.run.info;
  expect(directRunInfo.artifact_uri).toMatch(/^s3:\/\//);
  ok(await admin.raw("PUT", `${A}/artifacts/${directExp}/${directRunInfo.run_id}/artifacts/file.txt`, octet("x")));
  fx = {
    exp,
    run,
    directRun: directRunInfo.run_id,
    model: await newModelFx(run),
    loggedModel: await newLoggedModel(),
    other: await newUser(),
    freshExperiment: newExperimentFx,
    freshRun: async () => ok(await admin.post("/runs/create", { experiment_id: exp, start_time: 1 })).body.run.info.run_id,
    freshModel: () => newModelFx(run),
    freshLoggedModel: newLoggedModel,
  };
});

const expected = (policy: Policy, role: Role): boolean =>
  role === "admin" || policy.need === "any" || (policy.need !== "admin" && CAN[role as (typeof ROLES)[number]].includes(policy.need));

describe("authorization matrix", () => {
  it("has a policy for every declared route, and no policy for a route that does not exist", () => {
    const names = ROUTES.map((r) => r.name);
    expect(names.filter((n) => !(n in POLICY))).toEqual([]);
    expect(Object.keys(POLICY).filter((n) => !names.includes(n))).toEqual([]);
  });

  for (const [name, policy] of Object.entries(POLICY)) {
    it(name, async () => {
      const outcome: Record<string, string> = {};
      const want: Record<string, string> = {};
      for (const role of [...ROLES, "admin"] as Role[]) {
        const res = await policy.call(users[role]!.api, fx);
        expect(res.status, `${role}: ${res.text}`).not.toBe(401);
        const denied = res.status === 403 && res.text === "Permission denied";
        outcome[role] = denied ? "deny" : res.status < 300 ? "allow" : `allow (${res.status})`;
        want[role] = expected(policy, role) ? "allow" : "deny";
      }
      // Allowed calls must succeed, so an allow is never a validation error in disguise.
      expect(outcome).toEqual(want);
    });
  }
});
