/** Registers an MLflow RPC under both of MLflow's prefixes: /api/X.0/mlflow and /ajax-api/X.0/mlflow. */
import type { Context } from "hono";
import type { App, AppEnv } from "../app";

export type Method = "GET" | "POST" | "PATCH" | "DELETE" | "PUT";
export type Handler = (c: Context<AppEnv>) => Promise<Response> | Response;

export function rpcPaths(path: string, version: 2 | 3 = 2): string[] {
  return [`/api/${version}.0/mlflow${path}`, `/ajax-api/${version}.0/mlflow${path}`];
}

export function rpc(app: App, method: Method | Method[], path: string, handler: Handler, version: 2 | 3 = 2): void {
  const methods = Array.isArray(method) ? method : [method];
  app.on(methods, rpcPaths(path, version), handler);
}
