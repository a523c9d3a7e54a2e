/**
 * Drives the app with auth turned on. Auth settings are Worker bindings, and the shared test
 * bindings keep auth off (so the other suites run unauthenticated); these tests therefore call
 * createApp().fetch with the shared bindings plus their own auth settings.
 */
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { createApp } from "../../src/app";

export const app = createApp();
export const JWKS_BASE = (env as unknown as { AUTH_TEST_JWKS_BASE: string }).AUTH_TEST_JWKS_BASE;

let counter = 0;
export function unique(prefix: string): string {
  counter++;
  return `${prefix}-${Date.now().toString(36)}-${counter}-${Math.random().toString(36).slice(2, 7)}`;
}

/** A bootstrap admin per test file (users are global in the shared database). */
export const ADMIN = { username: unique("admin"), password: "bootstrap-admin-password" };

export function authEnv(overrides: Record<string, string> = {}): Record<string, unknown> {
  return {
    ...env,
    AUTH_MODE: "on",
    AUTH_ADMIN_USERNAME: ADMIN.username,
    AUTH_ADMIN_PASSWORD: ADMIN.password,
    ...overrides,
  };
}

export interface Res {
  status: number;
  text: string;
  body: any;
  headers: Headers;
}

export interface CallOptions {
  headers?: Record<string, string>;
  body?: unknown;
  query?: Record<string, string | string[]>;
}

export async function send(bindings: Record<string, unknown>, method: string, path: string, opts: CallOptions = {}): Promise<Res> {
  let url = `http://localhost${path}`;
  if (opts.query) {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(opts.query)) for (const item of Array.isArray(v) ? v : [v]) qs.append(k, item);
    url += `?${qs}`;
  }
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  let body: BodyInit | undefined;
  if (opts.body !== undefined) {
    body = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
    headers["content-type"] ??= "application/json";
  }
  const ctx = createExecutionContext();
  const res = await app.fetch(new Request(url, { method, headers, body }), bindings, ctx);
  const text = await res.text();
  await waitOnExecutionContext(ctx);
  let parsed: any;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, text, body: parsed, headers: res.headers };
}

export const basic = (username: string, password: string) => ({ authorization: `Basic ${btoa(`${username}:${password}`)}` });
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A client bound to one set of credentials. */
export function client(bindings: Record<string, unknown>, headers: Record<string, string>) {
  return {
    get: (rpc: string, query?: Record<string, string | string[]>) => send(bindings, "GET", `/api/2.0/mlflow${rpc}`, { headers, query }),
    post: (rpc: string, body: unknown = {}) => send(bindings, "POST", `/api/2.0/mlflow${rpc}`, { headers, body }),
    patch: (rpc: string, body: unknown = {}) => send(bindings, "PATCH", `/api/2.0/mlflow${rpc}`, { headers, body }),
    delete: (rpc: string, body: unknown = {}) => send(bindings, "DELETE", `/api/2.0/mlflow${rpc}`, { headers, body }),
    raw: (method: string, path: string, opts: CallOptions = {}) => send(bindings, method, path, { ...opts, headers: { ...headers, ...(opts.headers ?? {}) } }),
  };
}
export type Client = ReturnType<typeof client>;

export function ok(res: Res, what = ""): Res {
  if (res.status !== 200) throw new Error(`${what} failed: ${res.status} ${res.text}`);
  return res;
}
