/**
 * How every route is declared and run. A declaration names the paths, how the request is read (an
 * RPC's message, or a reader of its own for paths and raw bodies), who may call it, and the
 * handler. Running a route is always: read once → authorize that reading → handle it. Neither the
 * permission check nor the handler ever goes back to the raw request.
 *
 *   export const deleteRun = rpc({
 *     method: "POST", path: "/runs/delete", request: DeleteRun,
 *     access: (m) => onRun("delete", m.run_id),
 *     handle: async (m, r) => { await runs.deleteRun(r.db, m.run_id); return {}; },
 *   });
 *
 * A route cannot be declared without `access`; routes are mounted from one list (./index.ts), which
 * the authorization tests walk.
 */
import type { Principal } from "../auth/authenticate";
import { AccessCheck, meets, requirementOf, type Access, type ReadScope } from "../auth/access";
import { permissionDenied } from "../auth/responses";
import type { App, AppContext } from "../app-env";
import type { Db } from "../db/client";
import type { Config } from "../env";
import { decode, sendJson } from "../protocol/http";
import { Message } from "../protocol/message";

export type Method = "GET" | "POST" | "PATCH" | "DELETE" | "PUT";

/** What a handler gets besides its decoded request. */
export interface RequestScope {
  readonly c: AppContext;
  /** The request's database session (opened on first use). */
  readonly db: Db;
  readonly config: Config;
  /** The signed-in caller, when auth is on. */
  readonly caller: Principal | undefined;
  /** For scoped routes: what the caller may read, as a filter for the query (null = everything). */
  readScope(resource: "experiment" | "registered_model"): Promise<ReadScope | null>;
  /** The subset of `ids` the caller may read (all of them when auth is off). */
  readable(resource: "experiment" | "registered_model", ids: string[]): Promise<string[]>;
}

export type Reply = Response | Record<string, unknown>;
export type Reader<M> = Message<M> | ((c: AppContext) => Promise<M>);

export interface RouteDef<M = unknown> {
  /** e.g. "POST /runs/delete", for tests and errors. */
  readonly name: string;
  readonly methods: readonly Method[];
  readonly paths: readonly string[];
  readonly read: (c: AppContext) => Promise<M>;
  /** The message the request is decoded with, when it is one (tests walk its fields). */
  readonly message?: Message<unknown>;
  readonly access: Access<M>;
  readonly handle: (m: M, r: RequestScope) => Promise<Reply> | Reply;
}

/** `M` is inferred from `request` (listed first); `access` and `handle` see it. */
interface Common<M> {
  method: Method | Method[];
  request: Reader<M>;
  access: Access<M>;
  handle: (m: M, r: RequestScope) => Promise<Reply> | Reply;
}

function reader<M>(request: Reader<M>): (c: AppContext) => Promise<M> {
  if (request instanceof Message) return (c) => decode(c, request);
  return request;
}

/** The message behind a reader: a Message itself, or one wrapped by withPathParams. */
const messageOf = <M>(request: Reader<M>): Message<unknown> | undefined =>
  request instanceof Message ? request : (request as { message?: Message<unknown> }).message;

const methodsOf = (m: Method | Method[]): Method[] => (Array.isArray(m) ? m : [m]);

/**
 * A message whose resource is named in the path (e.g. `/logged-models/{model_id}`): the body is
 * decoded and checked as MLflow does, then the path parameters, which MLflow's handlers act on,
 * replace any same-named body field, so everything downstream reads what will be executed.
 */
export function withPathParams<M, K extends string>(m: Message<M>, ...names: K[]): (c: AppContext) => Promise<Omit<M, K> & Record<K, string>> {
  const read = async (c: AppContext) => {
    const decoded = await decode(c, m);
    const params = Object.fromEntries(names.map((n) => [n, c.req.param(n) ?? ""])) as Record<K, string>;
    return { ...decoded, ...params };
  };
  return Object.assign(read, { message: m as Message<unknown> });
}

/** Only path parameters (no body is read). */
export function pathParams<K extends string>(...names: K[]): (c: AppContext) => Promise<Record<K, string>> {
  return async (c) => Object.fromEntries(names.map((n) => [n, c.req.param(n) ?? ""])) as Record<K, string>;
}

/** The paths MLflow serves an RPC under: `/api/X.0/mlflow<path>` and its `/ajax-api` twin. */
export function rpcPaths(path: string, version: 2 | 3 = 2, only?: "api" | "ajax-api"): string[] {
  const prefixes = only ? [only] : ["api", "ajax-api"];
  return prefixes.map((p) => `/${p}/${version}.0/mlflow${path}`);
}

/** An MLflow RPC. `only` restricts it to one prefix where MLflow serves it under one only. */
export function rpc<M>(def: Common<M> & { path: string; version?: 2 | 3; only?: "api" | "ajax-api" }): RouteDef<M> {
  const methods = methodsOf(def.method);
  return {
    name: `${methods.join("|")} ${def.path}`,
    methods,
    paths: rpcPaths(def.path, def.version, def.only),
    read: reader(def.request),
    message: messageOf(def.request),
    access: def.access,
    handle: def.handle,
  };
}

/** A route outside the RPC namespace (artifact proxy, /get-artifact, /health, …). */
export function route<M>(def: Common<M> & { paths: string[] }): RouteDef<M> {
  const methods = methodsOf(def.method);
  return {
    name: `${methods.join("|")} ${def.paths[0]}`,
    methods,
    paths: def.paths,
    read: reader(def.request),
    message: messageOf(def.request),
    access: def.access,
    handle: def.handle,
  };
}

function scopeFor(c: AppContext, check: AccessCheck | undefined): RequestScope {
  return {
    c,
    get db() {
      return c.var.database().db;
    },
    config: c.var.config,
    caller: check?.principal,
    readScope: async (resource) => (check ? check.readScope(resource) : null),
    readable: async (resource, ids) => (check ? check.readable(resource, ids) : [...new Set(ids)]),
  };
}

async function run<M>(def: RouteDef<M>, c: AppContext): Promise<Response> {
  const m = await def.read(c);
  const requirement = requirementOf(def.access, m);
  const auth = c.var.auth;
  const check = auth ? new AccessCheck(() => c.var.database().db, auth.principal, auth.config) : undefined;
  if (check && !(await meets(requirement, check, c.var.config))) return permissionDenied();
  const reply = await def.handle(m, scopeFor(c, check));
  if (reply instanceof Response) return reply;
  const after = requirement.kind === "signed_in" ? requirement.after : undefined;
  if (after && check) {
    const id = after.idOf(reply);
    if (id !== undefined && id !== null && id !== "") await check.grantCreator(after.grantCreator, String(id));
  }
  return sendJson(reply);
}

/** Mounts route declarations on the app. */
export function mount(app: App, routes: readonly RouteDef<never>[]): void {
  for (const def of routes as unknown as readonly RouteDef<unknown>[]) {
    app.on([...def.methods], [...def.paths], (c) => run(def, c));
  }
}
