/**
 * The auth management API, matching MLflow's basic-auth app so `mlflow.server.get_app_client(
 * "basic-auth", uri)` works, plus our bearer-token endpoints (users/tokens/*). Answers an empty 404
 * when auth is off, like a stock server without the auth app. The handlers (src/services/users.ts)
 * check admin / self / MANAGE themselves, on the ids as decoded here (experiment ids canonical).
 */
import { selfChecked } from "../auth/access";
import { permissionDenied } from "../auth/responses";
import type { Message } from "../protocol/message";
import { CreateToken, Credentials, ExperimentGrant, GrantV3, ModelGrant, None, RevokeToken, UpdateAdmin, UpdatePassword, Username } from "../protocol/users";
import * as users from "../services/users";
import { rpc, type Method, type RequestScope } from "./route";

type Body = Record<string, unknown>;

/** Runs a management handler for the signed-in caller; 404 without auth, 403 when it refuses. */
function manage<M>(handler: (caller: users.Caller, m: M) => Promise<Body> | Body) {
  return async (m: M, r: RequestScope): Promise<Response | Body> => {
    const auth = r.c.var.auth;
    if (!auth || !r.caller) return new Response(null, { status: 404 });
    try {
      return await handler({ db: r.db, principal: r.caller, config: auth.config }, m);
    } catch (e) {
      if (e instanceof users.PermissionDenied) return permissionDenied();
      throw e;
    }
  };
}

function managementRpc<M>(method: Method, path: string, request: Message<M>, handler: (caller: users.Caller, m: M) => Promise<Body> | Body, version: 2 | 3 = 2) {
  return rpc({ method, path, version, request, access: selfChecked, handle: manage(handler) });
}

const GRANT_METHODS: Record<users.GrantOp, Method> = { create: "POST", get: "GET", update: "PATCH", delete: "DELETE" };
const text = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : String(v));

export const userRoutes = [
  managementRpc("POST", "/users/create", Credentials, (c, m) => users.createUser(c, m.username, m.password)),
  managementRpc("GET", "/users/get", Username, (c, m) => users.getUser(c, m.username)),
  managementRpc("GET", "/users/current", None, (c) => users.currentUser(c)),
  managementRpc("GET", "/users/list", None, (c) => users.listUsers(c)),
  managementRpc("PATCH", "/users/update-password", UpdatePassword, (c, m) => users.updatePassword(c, m.username, m.password, m.current_password)),
  managementRpc("PATCH", "/users/update-admin", UpdateAdmin, (c, m) => users.updateAdmin(c, m.username, m.is_admin)),
  managementRpc("DELETE", "/users/delete", Username, (c, m) => users.deleteUser(c, m.username)),

  ...Object.entries(GRANT_METHODS).flatMap(([op, method]) => [
    managementRpc(method, `/experiments/permissions/${op}`, ExperimentGrant, (c, m) =>
      users.manageGrant(c, "experiment", op as users.GrantOp, { id: m.experiment_id, username: m.username, permission: m.permission }),
    ),
    managementRpc(method, `/registered-models/permissions/${op}`, ModelGrant, (c, m) =>
      users.manageGrant(c, "registered_model", op as users.GrantOp, { id: m.name, username: m.username, permission: m.permission }),
    ),
  ]),

  managementRpc("POST", "/users/permissions/grant", GrantV3, (c, m) => users.grantV3(c, { username: m.username, resourceType: m.resource_type, resourceId: m.resource_id, permission: m.permission }), 3),
  managementRpc("POST", "/users/permissions/revoke", GrantV3, (c, m) => users.revokeV3(c, { username: m.username, resourceType: m.resource_type, resourceId: m.resource_id }), 3),
  managementRpc("GET", "/users/permissions/get", GrantV3, (c, m) => users.checkV3(c, { username: m.username, resourceType: m.resource_type, resourceId: m.resource_id }), 3),

  managementRpc("POST", "/users/tokens/create", CreateToken, (c, m) => users.createToken(c, { username: m.username, name: m.name, expiresInDays: text(m.expires_in_days) })),
  managementRpc("GET", "/users/tokens/list", Username, (c, m) => users.listTokens(c, m.username)),
  managementRpc("POST", "/users/tokens/revoke", RevokeToken, (c, m) => users.revokeToken(c, text(m.id))),
];
