/**
 * The authorization table: for each route, which resource it touches, how to find that resource in
 * the request, and what the caller needs on it. Mirrors the validators of MLflow's basic-auth app
 * (`BEFORE_REQUEST_HANDLERS`). A route missing from this table is admin-only when auth is on
 * (fail closed), so a newly added route can never be left open to every signed-in user.
 */
import type { Capability } from "./permissions";

/** Where a request names its experiment (directly or through a run, logged model or trace). */
export type ExperimentLocator =
  | { field: "experiment_id"; fallback?: string }
  | { field: "experiment_name" }
  | { field: "run_id" }
  | { field: "run_ids" }
  | { field: "experiment_ids" }
  | { field: "model_id" }
  | { field: "trace_id" }
  | { field: "path_segment"; index: number; kind: "model_id" | "trace_id" }
  | { field: "artifact_path" }
  | { field: "artifact_query_path" }
  | { field: "header"; name: string };

export type AfterHook = "grant_experiment_creator" | "grant_model_creator" | "filter_experiments" | "filter_runs" | "filter_models" | "filter_model_versions" | "filter_logged_models";

export type Rule =
  /** Any signed-in caller; the handler or an after-hook decides the rest. */
  | { kind: "authenticated"; after?: AfterHook }
  /** Management handlers (users, permissions, tokens) check admin/self/MANAGE themselves. */
  | { kind: "handler_checks" }
  | { kind: "admin" }
  | { kind: "experiment"; locate: ExperimentLocator; need: Capability }
  | { kind: "registered_model"; field: "name"; need: Capability };

const exp = (field: "experiment_id" | "experiment_name" | "run_id" | "run_ids" | "experiment_ids" | "model_id" | "trace_id", need: Capability): Rule => ({
  kind: "experiment",
  locate: { field } as ExperimentLocator,
  need,
});
const model = (need: Capability): Rule => ({ kind: "registered_model", field: "name", need });
const anyone = (after?: AfterHook): Rule => ({ kind: "authenticated", after });

type Methods = string | string[];
/** [methods, RPC path after /api|ajax-api/X.0/mlflow (string = exact, RegExp = full match), rule] */
type Entry = [Methods, string | RegExp, Rule];

const RPC_RULES: Entry[] = [
  // server
  ["GET", "/server-info", anyone()],
  // experiments
  ["POST", "/experiments/create", anyone("grant_experiment_creator")],
  [["GET", "POST"], "/experiments/search", anyone("filter_experiments")],
  ["GET", "/experiments/get", exp("experiment_id", "read")],
  ["GET", "/experiments/get-by-name", exp("experiment_name", "read")],
  [["POST"], "/experiments/delete", exp("experiment_id", "delete")],
  [["POST"], "/experiments/restore", exp("experiment_id", "delete")],
  [["POST"], "/experiments/update", exp("experiment_id", "update")],
  [["POST"], "/experiments/set-experiment-tag", exp("experiment_id", "update")],
  [["POST"], "/experiments/delete-experiment-tag", exp("experiment_id", "update")],
  // runs (MLflow's client omits experiment_id for the default experiment "0")
  ["POST", "/runs/create", { kind: "experiment", locate: { field: "experiment_id", fallback: "0" }, need: "update" }],
  ["GET", "/runs/get", exp("run_id", "read")],
  [["GET", "POST"], "/runs/search", anyone("filter_runs")],
  [["POST"], "/runs/update", exp("run_id", "update")],
  [["POST"], "/runs/delete", exp("run_id", "delete")],
  [["POST"], "/runs/restore", exp("run_id", "delete")],
  ...["log-metric", "log-parameter", "set-tag", "delete-tag", "log-batch", "log-model", "log-inputs", "outputs"].map(
    (rpc): Entry => ["POST", `/runs/${rpc}`, exp("run_id", "update")],
  ),
  ["GET", "/metrics/get-history", exp("run_id", "read")],
  ["GET", "/metrics/get-history-bulk", exp("run_ids", "read")],
  ["GET", "/metrics/get-history-bulk-interval", exp("run_ids", "read")],
  // run artifacts (tracking API; the multipart/presign family is under mlflow-artifacts below)
  ["POST", "/experiments/search-datasets", exp("experiment_ids", "read")],
  ["GET", "/artifacts/list", exp("run_id", "read")],
  ["POST", "/artifacts/presigned-upload-url", exp("run_id", "update")],
  ["POST", "/upload-artifact", exp("run_id", "update")],
  // logged models
  ["POST", "/logged-models", exp("experiment_id", "update")],
  ["POST", "/logged-models/search", anyone("filter_logged_models")],
  [["GET"], /\/logged-models\/[^/]+(\/artifacts\/(directories|files))?/, { kind: "experiment", locate: { field: "path_segment", index: 1, kind: "model_id" }, need: "read" }],
  [["PATCH", "POST"], /\/logged-models\/[^/]+(\/tags|\/params)?/, { kind: "experiment", locate: { field: "path_segment", index: 1, kind: "model_id" }, need: "update" }],
  [["DELETE"], /\/logged-models\/[^/]+/, { kind: "experiment", locate: { field: "path_segment", index: 1, kind: "model_id" }, need: "delete" }],
  [["DELETE"], /\/logged-models\/[^/]+\/tags\/[^/]+/, { kind: "experiment", locate: { field: "path_segment", index: 1, kind: "model_id" }, need: "update" }],
  // traces (v3 and legacy v2): by the trace's experiment
  ["GET", "/get-trace-artifact", exp("trace_id", "read")],
  ["GET", "/traces/get", exp("trace_id", "read")],
  [["GET"], /\/traces\/[^/]+(\/info)?/, { kind: "experiment", locate: { field: "path_segment", index: 1, kind: "trace_id" }, need: "read" }],
  [["PATCH", "DELETE"], /\/traces\/[^/]+\/tags/, { kind: "experiment", locate: { field: "path_segment", index: 1, kind: "trace_id" }, need: "update" }],
  [["POST"], "/traces/delete-traces", exp("experiment_id", "delete")],
  // model registry: by registered model name
  ["POST", "/registered-models/create", anyone("grant_model_creator")],
  ["GET", "/registered-models/search", anyone("filter_models")],
  ["GET", "/model-versions/search", anyone("filter_model_versions")],
  ["GET", "/registered-models/get", model("read")],
  [["GET", "POST"], "/registered-models/get-latest-versions", model("read")],
  ["POST", "/registered-models/rename", model("update")],
  ["PATCH", "/registered-models/update", model("update")],
  ["DELETE", "/registered-models/delete", model("delete")],
  ["POST", "/registered-models/set-tag", model("update")],
  ["DELETE", "/registered-models/delete-tag", model("delete")],
  ["POST", "/registered-models/alias", model("update")],
  ["DELETE", "/registered-models/alias", model("delete")],
  ["GET", "/registered-models/alias", model("read")],
  ["POST", "/model-versions/create", model("update")],
  ["GET", "/model-versions/get", model("read")],
  ["GET", "/model-versions/get-download-uri", model("read")],
  ["PATCH", "/model-versions/update", model("update")],
  ["POST", "/model-versions/transition-stage", model("update")],
  ["DELETE", "/model-versions/delete", model("delete")],
  ["POST", "/model-versions/set-tag", model("update")],
  ["DELETE", "/model-versions/delete-tag", model("delete")],
  // webhooks are admin-only in MLflow too: they make the server send requests (SSRF)
  [["GET", "POST", "PATCH", "DELETE"], /\/webhooks(\/.*)?/, { kind: "admin" }],
  // management API (src/routes/auth.ts): the handlers check admin / self / MANAGE
  [["GET", "POST", "PATCH", "DELETE"], /\/users\/.+/, { kind: "handler_checks" }],
  [["GET", "POST", "PATCH", "DELETE"], /\/(experiments|registered-models)\/permissions\/(create|get|update|delete)/, { kind: "handler_checks" }],
];

/** Non-RPC routes, by full path. Artifact proxy paths start with the experiment id. */
const PATH_RULES: Entry[] = [
  ["GET", "/version", anyone()],
  ["GET", "/get-artifact", exp("run_id", "read")],
  ["GET", "/model-versions/get-artifact", model("read")],
  ["GET", /\/(api|ajax-api)\/2\.0\/mlflow-artifacts\/artifacts/, { kind: "experiment", locate: { field: "artifact_query_path" }, need: "read" }],
  ["GET", /\/(api|ajax-api)\/2\.0\/mlflow-artifacts\/(artifacts|presigned)\/.+/, { kind: "experiment", locate: { field: "artifact_path" }, need: "read" }],
  ["PUT", /\/(api|ajax-api)\/2\.0\/mlflow-artifacts\/artifacts\/.+/, { kind: "experiment", locate: { field: "artifact_path" }, need: "update" }],
  // Deleting artifacts needs MANAGE: MLflow let EDIT users do it (CVE-2024-4263).
  ["DELETE", /\/(api|ajax-api)\/2\.0\/mlflow-artifacts\/artifacts\/.+/, { kind: "experiment", locate: { field: "artifact_path" }, need: "delete" }],
  // Multipart uploads are writes to the experiment's artifacts (CVE-2026-2651: unchecked mpu).
  ["POST", /\/(api|ajax-api)\/2\.0\/mlflow-artifacts\/mpu\/(create|complete|abort)\/.+/, { kind: "experiment", locate: { field: "artifact_path" }, need: "update" }],
  // OTLP trace export names its experiment in a header.
  ["POST", "/v1/traces", { kind: "experiment", locate: { field: "header", name: "x-mlflow-experiment-id" }, need: "update" }],
];

const RPC_PREFIX = /^\/(?:api|ajax-api)\/[23]\.0\/mlflow(\/.*)$/;

function matches(entry: Entry, method: string, path: string): boolean {
  const [methods, pattern] = entry;
  if (!(Array.isArray(methods) ? methods : [methods]).includes(method)) return false;
  return typeof pattern === "string" ? pattern === path : new RegExp(`^(?:${pattern.source})$`).test(path);
}

export interface MatchedRule {
  rule: Rule;
  /** The RPC path (e.g. "/runs/get") or the full path for non-RPC routes. */
  path: string;
}

/** The rule for a request, or null: unknown routes are admin-only. HEAD is authorized as GET. */
export function ruleFor(method: string, pathname: string): MatchedRule | null {
  const m = method === "HEAD" ? "GET" : method;
  const rpc = RPC_PREFIX.exec(pathname);
  if (rpc) {
    const path = rpc[1]!;
    const hit = RPC_RULES.find((e) => matches(e, m, path));
    if (hit) return { rule: hit[2], path };
  }
  const hit = PATH_RULES.find((e) => matches(e, m, pathname));
  return hit ? { rule: hit[2], path: pathname } : null;
}
