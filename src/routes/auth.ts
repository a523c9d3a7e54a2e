/**
 * The auth management API, matching MLflow's basic-auth app so `mlflow.server.get_app_client(
 * "basic-auth", uri)` works, plus our bearer-token endpoints (users/tokens/*). Answers an empty 404
 * when auth is off, like a stock server without the auth app.
 */
import type { Context } from "hono";
import type { App, AppEnv } from "../app";
import * as admin from "../auth/admin";
import { permissionDenied } from "../auth/middleware";
import { requestFields, type RequestFields } from "../auth/request-fields";
import { authState } from "../auth/state";
import { sendJson } from "../protocol/http";
import { rpc, type Method } from "./rpc";

type Body = (caller: admin.Caller, f: RequestFields) => Promise<Record<string, unknown>> | Record<string, unknown>;

function route(handler: Body) {
  return async (c: Context<AppEnv>) => {
    const state = authState(c);
    if (!state) return new Response(null, { status: 404 });
    try {
      const out = await handler({ db: c.var.database().db, principal: state.principal, config: state.config }, await requestFields(c));
      return sendJson(c, out);
    } catch (e) {
      if (e instanceof admin.PermissionDenied) return permissionDenied();
      throw e;
    }
  };
}

const GRANT_METHODS: Record<admin.GrantOp, Method> = { create: "POST", get: "GET", update: "PATCH", delete: "DELETE" };

export function registerAuthRoutes(app: App): void {
  rpc(app, "POST", "/users/create", route((c, f) => admin.createUser(c, f.get("username"), f.get("password"))));
  rpc(app, "GET", "/users/get", route((c, f) => admin.getUser(c, f.get("username"))));
  rpc(app, "GET", "/users/current", route((c) => admin.currentUser(c)));
  rpc(app, "GET", "/users/list", route((c) => admin.listUsers(c)));
  rpc(app, "PATCH", "/users/update-password", route((c, f) => admin.updatePassword(c, f.get("username"), f.get("password"), f.get("current_password"))));
  rpc(app, "PATCH", "/users/update-admin", route((c, f) => admin.updateAdmin(c, f.get("username"), f.raw("is_admin"))));
  rpc(app, "DELETE", "/users/delete", route((c, f) => admin.deleteUser(c, f.get("username"))));

  for (const [op, method] of Object.entries(GRANT_METHODS) as [admin.GrantOp, Method][]) {
    rpc(app, method, `/experiments/permissions/${op}`, route((c, f) =>
      admin.manageGrant(c, "experiment", op, { id: f.get("experiment_id"), username: f.get("username"), permission: f.get("permission") }),
    ));
    rpc(app, method, `/registered-models/permissions/${op}`, route((c, f) =>
      admin.manageGrant(c, "registered_model", op, { id: f.get("name"), username: f.get("username"), permission: f.get("permission") }),
    ));
  }

  const v3 = (f: RequestFields) => ({ username: f.get("username"), resourceType: f.get("resource_type"), resourceId: f.get("resource_id"), permission: f.get("permission") });
  rpc(app, "POST", "/users/permissions/grant", route((c, f) => admin.grantV3(c, v3(f))), 3);
  rpc(app, "POST", "/users/permissions/revoke", route((c, f) => admin.revokeV3(c, v3(f))), 3);
  rpc(app, "GET", "/users/permissions/get", route((c, f) => admin.checkV3(c, v3(f))), 3);

  rpc(app, "POST", "/users/tokens/create", route((c, f) => admin.createToken(c, { username: f.get("username"), name: f.get("name"), expiresInDays: f.get("expires_in_days") })));
  rpc(app, "GET", "/users/tokens/list", route((c, f) => admin.listTokens(c, f.get("username"))));
  rpc(app, "POST", "/users/tokens/revoke", route((c, f) => admin.revokeToken(c, f.get("id"))));
}
