/**
 * Who may call a route, declared on the route itself (src/routes/route.ts) and decided on the
 * request as the route decoded it: the permission check and the handler read the same object, so
 * an alias, a duplicate field or a non-canonical id cannot make them disagree.
 *
 *   access: onRun("update", (m) => m.run_id)       // EDIT on the run's experiment
 *   access: onModel("read", (m) => m.name)          // READ on the registered model
 *   access: allOf(onModel("update", …), onSource(…)) // several requirements
 *
 * Resolution is MLflow's basic-auth model: admins pass everything; otherwise the caller's grant on
 * the resource, else the configured default permission (src/auth/permissions.ts).
 */
import type { Db } from "../db/client";
import { experimentGrant, grantsFor, listGrantsOfUser, loggedModelExperimentGrants, runExperimentGrants, writeGrant, type ExperimentRef } from "../db/auth";
import { datasetExperimentIds, onlineConfigExperimentIds } from "../db/genai-access";
import type { Config } from "../env";
import type { Principal } from "./authenticate";
import type { AuthConfig } from "./config";
import { allows, isPermissionName, type Capability, type PermissionName } from "./permissions";

/** What a request names, resolved to an experiment or a registered model by the permission check. */
export type Target =
  | ExperimentRef
  | { runIds: string[] }
  | { loggedModelIds: string[] }
  | { experimentIds: string[] }
  | { registeredModel: string }
  /** A GenAI dataset: every experiment it is linked to (none linked: admins only). */
  | { datasetId: string }
  /** The experiments of these scorers' online scoring configs (none: nothing to check). */
  | { onlineConfigsOfScorers: string[] };

export type AfterSuccess = { grantCreator: "experiment" | "registered_model"; idOf: (body: Record<string, unknown>) => unknown };

/** What one decoded request requires of its caller. */
export type Requirement =
  /** No credentials at all (liveness). */
  | { kind: "public" }
  /** Any signed-in caller; `scoped` routes narrow what they return to what the caller may read. */
  | { kind: "signed_in"; scoped?: "experiment" | "registered_model"; after?: AfterSuccess }
  | { kind: "admin" }
  /** Management handlers (users, grants, tokens) check admin / self / MANAGE themselves. */
  | { kind: "self_checked" }
  | { kind: "resource"; need: Capability; target: Target | null }
  | { kind: "all"; of: Requirement[] }
  /** A requirement that needs a lookup of its own (e.g. a model version's source). */
  | { kind: "custom"; describe: string; allowed: (check: AccessCheck, config: Config) => Promise<boolean> };

/** A route's access: fixed, or computed from its decoded request. */
export type Access<M> = Requirement | ((m: M) => Requirement);

export const publicAccess: Requirement = { kind: "public" };
export const signedIn = (after?: AfterSuccess): Requirement => ({ kind: "signed_in", after });
export const scoped = (resource: "experiment" | "registered_model"): Requirement => ({ kind: "signed_in", scoped: resource });
export const adminOnly: Requirement = { kind: "admin" };
export const selfChecked: Requirement = { kind: "self_checked" };

const named = (s: string | undefined | null): s is string => typeof s === "string" && s !== "";
const resource = (need: Capability, target: Target | null): Requirement => ({ kind: "resource", need, target });

export const onExperiment = (need: Capability, id: string | undefined) => resource(need, named(id) ? { experimentId: id } : null);
export const onExperimentName = (need: Capability, name: string | undefined) => resource(need, named(name) ? { experimentName: name } : null);
export const onExperiments = (need: Capability, ids: string[]) => resource(need, ids.length > 0 ? { experimentIds: ids } : null);
export const onRun = (need: Capability, id: string | undefined) => resource(need, named(id) ? { runId: id } : null);
export const onRuns = (need: Capability, ids: string[]) => resource(need, ids.length > 0 ? { runIds: ids } : null);
export const onLoggedModel = (need: Capability, id: string | undefined) => resource(need, named(id) ? { loggedModelId: id } : null);
/** Logged models a request links to (metrics, inputs, outputs); none named asks for nothing more. */
export const onLoggedModels = (need: Capability, ids: (string | undefined)[]): Requirement => {
  const named_ = [...new Set(ids.filter(named))];
  return named_.length > 0 ? resource(need, { loggedModelIds: named_ }) : { kind: "signed_in" };
};
export const onTrace = (need: Capability, id: string | undefined) => resource(need, named(id) ? { traceId: id } : null);
export const onModel = (need: Capability, name: string | undefined) => resource(need, named(name) ? { registeredModel: name } : null);
export const onDataset = (need: Capability, id: string | undefined) => resource(need, named(id) ? { datasetId: id } : null);
export const onOnlineConfigsOf = (need: Capability, scorerIds: string[]): Requirement =>
  scorerIds.length > 0 ? resource(need, { onlineConfigsOfScorers: scorerIds }) : { kind: "signed_in" };
export const allOf = (...of: Requirement[]): Requirement => ({ kind: "all", of });
export const custom = (describe: string, allowed: (check: AccessCheck, config: Config) => Promise<boolean>): Requirement => ({ kind: "custom", describe, allowed });

export function effective(grant: string | null | undefined, config: AuthConfig): PermissionName {
  return isPermissionName(grant) ? grant : config.defaultPermission;
}

/** Permission lookups for one signed-in, non-admin caller. */
export class AccessCheck {
  constructor(
    private readonly db: () => Db,
    readonly principal: Principal,
    readonly config: AuthConfig,
  ) {}

  /** Whether the caller has `need` on what `target` names. An unnamed target is denied. */
  async can(need: Capability, target: Target | null): Promise<boolean> {
    if (this.principal.isAdmin) return true;
    if (!target) return false;
    const userId = this.principal.userId;
    if ("registeredModel" in target) {
      const grants = await grantsFor(this.db(), "registered_model", userId, [target.registeredModel]);
      return allows(effective(grants.get(target.registeredModel), this.config), need);
    }
    if ("datasetId" in target) {
      const ids = await datasetExperimentIds(this.db(), target.datasetId);
      return ids.length > 0 && this.can(need, { experimentIds: ids });
    }
    if ("onlineConfigsOfScorers" in target) {
      return this.can(need, { experimentIds: await onlineConfigExperimentIds(this.db(), target.onlineConfigsOfScorers) });
    }
    if ("experimentIds" in target) {
      const grants = await grantsFor(this.db(), "experiment", userId, target.experimentIds);
      return target.experimentIds.every((id) => allows(effective(grants.get(id), this.config), need));
    }
    if ("runIds" in target) {
      const grants = await runExperimentGrants(this.db(), userId, target.runIds);
      return grants.every((g) => allows(effective(g.permission, this.config), need));
    }
    if ("loggedModelIds" in target) {
      const grants = await loggedModelExperimentGrants(this.db(), userId, target.loggedModelIds);
      return grants.every((g) => allows(effective(g.permission, this.config), need));
    }
    const { permission } = await experimentGrant(this.db(), userId, target);
    return allows(effective(permission, this.config), need);
  }

  /** MANAGE on what the caller just created, as in MLflow (admins too, so it survives a demotion). */
  async grantCreator(resource: "experiment" | "registered_model", id: string): Promise<void> {
    await writeGrant(this.db(), resource, { resourceId: id, userId: this.principal.userId, permission: "MANAGE" }, "upsert");
  }

  /** The subset of these ids the caller may read (order kept, duplicates dropped). */
  async readable(resource: "experiment" | "registered_model", ids: string[]): Promise<string[]> {
    const unique = [...new Set(ids)];
    if (this.principal.isAdmin) return unique;
    const grants = await grantsFor(this.db(), resource, this.principal.userId, unique);
    return unique.filter((id) => allows(effective(grants.get(id), this.config), "read"));
  }

  /**
   * What a search may return, as a filter its SQL applies: null when everything is readable,
   * else the ids to keep (default NO_PERMISSIONS) or the ids to leave out (a readable default with
   * explicit denials). Pushed into the query so that pages, counts and tokens reveal nothing.
   */
  async readScope(resource: "experiment" | "registered_model"): Promise<ReadScope | null> {
    if (this.principal.isAdmin) return null;
    const grants = await listGrantsOfUser(this.db(), this.principal.userId, resource);
    if (allows(this.config.defaultPermission, "read")) {
      const denied = grants.filter((g) => !allows(effective(g.permission, this.config), "read")).map((g) => g.resourceId);
      return denied.length > 0 ? { exclude: denied } : null;
    }
    return { include: grants.filter((g) => allows(effective(g.permission, this.config), "read")).map((g) => g.resourceId) };
  }
}

export type ReadScope = { include: string[] } | { exclude: string[] };

/** The requirement a route's access declaration makes of this decoded request. */
export function requirementOf<M>(access: Access<M>, m: M): Requirement {
  return typeof access === "function" ? access(m) : access;
}

/** Whether the caller meets a requirement. */
export async function meets(req: Requirement, check: AccessCheck, config: Config): Promise<boolean> {
  if (check.principal.isAdmin) return true;
  switch (req.kind) {
    case "public":
    case "signed_in":
    case "self_checked":
      return true;
    case "admin":
      return false;
    case "resource":
      return check.can(req.need, req.target);
    case "all":
      for (const part of req.of) if (!(await meets(part, check, config))) return false;
      return true;
    case "custom":
      return req.allowed(check, config);
  }
}
