/**
 * Applies a route's rule (./rules.ts) to a signed-in caller. Resolution as in MLflow's basic-auth
 * app: admins pass everything; otherwise the caller's direct grant on the resource, else the
 * configured default permission.
 */
import type { Context } from "hono";
import type { Db } from "../db/client";
import { experimentGrant, grantsFor, runExperimentGrants, type ExperimentRef } from "../db/auth";
import type { Principal } from "./authenticate";
import type { AuthConfig } from "./config";
import { allows, isPermissionName, type Capability, type PermissionName } from "./permissions";
import { requestFields } from "./request-fields";
import type { ExperimentLocator, Rule } from "./rules";

export function effective(grant: string | null | undefined, config: AuthConfig): PermissionName {
  return isPermissionName(grant) ? grant : config.defaultPermission;
}

/** The first path segment of an artifact path, if it is an experiment id (digits only, after one decode). */
export function experimentIdOfArtifactPath(path: string): string | null {
  let first = path.replace(/^\/+/, "").split("/")[0] ?? "";
  try {
    first = decodeURIComponent(first);
  } catch {
    return null;
  }
  return /^[0-9]+$/.test(first) ? first : null;
}

const ARTIFACT_ROUTE = /^\/(?:api|ajax-api)\/2\.0\/mlflow-artifacts\/(?:artifacts|presigned|mpu\/(?:create|complete|abort))\/(.+)$/;

/** Where the request names its experiment; null if it does not (then only admins pass). */
type Located = ExperimentRef | { runIds: string[] } | { experimentIds: string[] };

async function locate(c: Context, locator: ExperimentLocator, rpcPath: string): Promise<Located | null> {
  const url = new URL(c.req.url);
  switch (locator.field) {
    case "artifact_path": {
      const id = experimentIdOfArtifactPath(ARTIFACT_ROUTE.exec(url.pathname)?.[1] ?? "");
      return id ? { experimentId: id } : null;
    }
    case "artifact_query_path": {
      const id = experimentIdOfArtifactPath(url.searchParams.get("path") ?? "");
      return id ? { experimentId: id } : null;
    }
    case "header": {
      const id = c.req.header(locator.name)?.trim();
      return id && /^[0-9]+$/.test(id) ? { experimentId: id } : null;
    }
    case "path_segment": {
      let segment = rpcPath.split("/")[locator.index + 1];
      if (!segment) return null;
      try {
        segment = decodeURIComponent(segment);
      } catch {
        return null;
      }
      return locator.kind === "model_id" ? { loggedModelId: segment } : { traceId: segment };
    }
    default:
      break;
  }
  const fields = await requestFields(c, rpcPath === "/get-artifact" || rpcPath === "/upload-artifact" || rpcPath === "/get-trace-artifact");
  switch (locator.field) {
    case "experiment_id": {
      const id = fields.get("experiment_id") || locator.fallback;
      return id ? { experimentId: id } : null;
    }
    case "experiment_name": {
      const name = fields.get("experiment_name");
      return name ? { experimentName: name } : null;
    }
    case "run_id": {
      const id = fields.get("run_id") || fields.get("run_uuid");
      return id ? { runId: id } : null;
    }
    case "run_ids": {
      const ids = [...fields.getAll("run_ids"), ...fields.getAll("run_id")];
      return ids.length > 0 ? { runIds: ids } : null;
    }
    case "experiment_ids": {
      const ids = fields.getAll("experiment_ids");
      return ids.length > 0 ? { experimentIds: ids } : null;
    }
    case "model_id": {
      const id = fields.get("model_id");
      return id ? { loggedModelId: id } : null;
    }
    case "trace_id": {
      const id = fields.get("trace_id") || fields.get("request_id");
      return id ? { traceId: id } : null;
    }
  }
}

async function experimentAllowed(c: Context, db: Db, principal: Principal, config: AuthConfig, locator: ExperimentLocator, need: Capability, rpcPath: string): Promise<boolean> {
  const ref = await locate(c, locator, rpcPath);
  if (!ref) return false;
  if ("experimentIds" in ref) {
    const grants = await grantsFor(db, "experiment", principal.userId, ref.experimentIds);
    return ref.experimentIds.every((id) => allows(effective(grants.get(id), config), need));
  }
  if ("runIds" in ref) {
    const grants = await runExperimentGrants(db, principal.userId, ref.runIds);
    return grants.every((g) => allows(effective(g.permission, config), need));
  }
  const { permission } = await experimentGrant(db, principal.userId, ref);
  return allows(effective(permission, config), need);
}

async function modelAllowed(c: Context, db: Db, principal: Principal, config: AuthConfig, need: Capability, rpcPath: string): Promise<boolean> {
  const fields = await requestFields(c, rpcPath === "/model-versions/get-artifact");
  const name = fields.get("name");
  if (!name) return false;
  const grants = await grantsFor(db, "registered_model", principal.userId, [name]);
  return allows(effective(grants.get(name), config), need);
}

/** Whether the caller may make this request. Unknown routes (rule null) are admin-only. */
export async function isAllowed(c: Context, db: () => Db, principal: Principal, config: AuthConfig, rule: Rule | null, rpcPath: string): Promise<boolean> {
  if (principal.isAdmin) return true;
  if (!rule) return false;
  switch (rule.kind) {
    case "authenticated":
    case "handler_checks":
      return true;
    case "admin":
      return false;
    case "experiment":
      return experimentAllowed(c, db(), principal, config, rule.locate, rule.need, rpcPath);
    case "registered_model":
      return modelAllowed(c, db(), principal, config, rule.need, rpcPath);
  }
}
