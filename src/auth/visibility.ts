/**
 * What a caller may see, for search results. MLflow's auth app filters search responses after the
 * fact; so do we (./after-hooks.ts), and other modules can call these helpers to push the filter into
 * their own queries instead.
 *
 *   const readable = await readableExperimentIds(c, ["1", "2", "3"]); // Set of the readable ones
 *   if (!(await canReadExperiment(c, "7"))) ...
 *
 * Both return everything as readable when auth is off or the caller is an admin.
 */
import type { Context } from "hono";
import { grantsFor, type PermissionResource } from "../db/auth";
import { effective } from "./authorize";
import { allows } from "./permissions";
import { authState } from "./state";

async function readable(c: Context, resource: PermissionResource, ids: string[]): Promise<Set<string>> {
  const state = authState(c);
  const unique = [...new Set(ids)];
  if (!state || state.principal.isAdmin) return new Set(unique);
  const grants = await grantsFor(c.var.database().db, resource, state.principal.userId, unique);
  return new Set(unique.filter((id) => allows(effective(grants.get(id), state.config), "read")));
}

/** The subset of these experiment ids the caller may read. */
export function readableExperimentIds(c: Context, ids: string[]): Promise<Set<string>> {
  return readable(c, "experiment", ids);
}

/** The subset of these registered model names the caller may read. */
export function readableModelNames(c: Context, names: string[]): Promise<Set<string>> {
  return readable(c, "registered_model", names);
}

export async function canReadExperiment(c: Context, experimentId: string): Promise<boolean> {
  return (await readableExperimentIds(c, [experimentId])).has(experimentId);
}
