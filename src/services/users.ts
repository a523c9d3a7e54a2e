/**
 * The management API behind src/routes/users.ts: users, per-resource grants and bearer tokens. Every
 * function checks the caller first (admin, self, or MANAGE on the resource, as in MLflow's auth app)
 * and throws PermissionDenied otherwise. Token secrets are returned once, by createToken, and never
 * stored or logged.
 */
import type { Db } from "../db/client";
import * as store from "../db/auth";
import { MlflowError } from "../errors";
import type { Principal } from "../auth/authenticate";
import { effective } from "../auth/access";
import type { AuthConfig } from "../auth/config";
import { hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from "../auth/passwords";
import { allows, parsePermission } from "../auth/permissions";
import { newTokenSecret, sha256Hex } from "../auth/secrets";

export class PermissionDenied extends Error {}

export interface Caller {
  db: Db;
  principal: Principal;
  config: AuthConfig;
}

type Json = Record<string, unknown>;

function requireAdmin(c: Caller): void {
  if (!c.principal.isAdmin) throw new PermissionDenied();
}

function requireText(value: string | undefined, name: string): string {
  if (value === undefined || value === "") {
    throw MlflowError.invalidParameter(`Missing value for required parameter '${name}'.`);
  }
  return value;
}

async function userOrThrow(db: Db, username: string): Promise<store.UserRow> {
  const user = await store.findUser(db, username);
  if (!user) throw MlflowError.notFound(`User with username=${username} not found`);
  return user;
}

function validatePassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw MlflowError.invalidParameter(`Password must be at least ${MIN_PASSWORD_LENGTH} characters long.`);
  }
}

const userJson = (u: store.UserRow, config: AuthConfig): Json => ({ id: u.id, username: u.username, is_admin: u.isAdmin || config.admins.has(u.username) });

async function fullUserJson(db: Db, u: store.UserRow, config: AuthConfig): Promise<Json> {
  const [exps, models] = await Promise.all([store.listGrantsOfUser(db, u.id, "experiment"), store.listGrantsOfUser(db, u.id, "registered_model")]);
  return {
    ...userJson(u, config),
    experiment_permissions: exps.map((g) => ({ experiment_id: g.resourceId, user_id: g.userId, permission: g.permission })),
    registered_model_permissions: models.map((g) => ({ name: g.resourceId, user_id: g.userId, permission: g.permission })),
  };
}

// ---- users ----

export async function createUser(c: Caller, username: string | undefined, password: string | undefined): Promise<Json> {
  requireAdmin(c);
  const name = requireText(username, "username");
  const pw = requireText(password, "password");
  validatePassword(pw);
  const user = await store.insertUser(c.db, { username: name, passwordHash: await hashPassword(pw), isAdmin: false, now: Date.now() });
  if (!user) throw MlflowError.alreadyExists(`User '${name}' already exists`);
  return { user: { ...userJson(user, c.config), experiment_permissions: [], registered_model_permissions: [] } };
}

export async function getUser(c: Caller, username: string | undefined): Promise<Json> {
  const name = requireText(username, "username");
  if (!c.principal.isAdmin && name !== c.principal.username) throw new PermissionDenied();
  return { user: await fullUserJson(c.db, await userOrThrow(c.db, name), c.config) };
}

export function currentUser(c: Caller): Json {
  return { user: { id: c.principal.userId, username: c.principal.username, is_admin: c.principal.isAdmin } };
}

export async function listUsers(c: Caller): Promise<Json> {
  requireAdmin(c);
  return { users: (await store.listUsers(c.db)).map((u) => userJson(u, c.config)) };
}

export async function updatePassword(c: Caller, username: string | undefined, password: string | undefined, currentPassword: string | undefined): Promise<Json> {
  const name = requireText(username, "username");
  const pw = requireText(password, "password");
  const self = name === c.principal.username;
  if (!self && !c.principal.isAdmin) throw new PermissionDenied();
  validatePassword(pw);
  const user = await userOrThrow(c.db, name);
  if (self) {
    // Re-asserting the current password stops a hijacked session from silently taking the account.
    if (!currentPassword) throw MlflowError.invalidParameter("Current password is required when changing your own password.");
    if (!(await verifyPassword(currentPassword, user.passwordHash))) throw MlflowError.invalidParameter("Current password does not match.");
  }
  await store.updateUser(c.db, name, { passwordHash: await hashPassword(pw) });
  return {};
}

export async function updateAdmin(c: Caller, username: string | undefined, isAdmin: unknown): Promise<Json> {
  requireAdmin(c);
  const name = requireText(username, "username");
  const flag = isAdmin === true || isAdmin === "true" || isAdmin === "True";
  if (!(isAdmin === false || isAdmin === "false" || isAdmin === "False" || flag)) {
    throw MlflowError.invalidParameter("Missing or invalid value for required parameter 'is_admin'.");
  }
  if (!(await store.updateUser(c.db, name, { isAdmin: flag }))) throw MlflowError.notFound(`User with username=${name} not found`);
  return {};
}

export async function deleteUser(c: Caller, username: string | undefined): Promise<Json> {
  requireAdmin(c);
  const name = requireText(username, "username");
  if (name === c.principal.username) {
    throw new MlflowError("BAD_REQUEST", "Users cannot delete their own account. Ask another admin to delete this user instead.");
  }
  if (!(await store.deleteUser(c.db, name))) throw MlflowError.notFound(`User with username=${name} not found`);
  return {};
}

// ---- grants ----

export type GrantOp = "create" | "get" | "update" | "delete";

async function requireManage(c: Caller, resource: store.PermissionResource, id: string): Promise<void> {
  if (c.principal.isAdmin) return;
  const grants = await store.grantsFor(c.db, resource, c.principal.userId, [id]);
  if (!allows(effective(grants.get(id), c.config), "manage")) throw new PermissionDenied();
}

function grantJson(resource: store.PermissionResource, g: { resourceId: string; userId: number; permission: string }): Json {
  return resource === "experiment"
    ? { experiment_permission: { experiment_id: g.resourceId, user_id: g.userId, permission: g.permission } }
    : { registered_model_permission: { name: g.resourceId, user_id: g.userId, permission: g.permission } };
}

/** experiments/permissions/* and registered-models/permissions/* (MLflow 2.x-compatible). */
export async function manageGrant(c: Caller, resource: store.PermissionResource, op: GrantOp, input: { id?: string; username?: string; permission?: string }): Promise<Json> {
  const id = requireText(input.id, resource === "experiment" ? "experiment_id" : "name");
  const username = requireText(input.username, "username");
  await requireManage(c, resource, id);
  const user = await userOrThrow(c.db, username);
  const what = resource === "experiment" ? `experiment_id=${id}` : `name=${id}`;
  if (op === "get") {
    const g = await store.findGrant(c.db, resource, id, user.id);
    if (!g) throw MlflowError.notFound(`Permission with ${what} and username=${username} not found`);
    return grantJson(resource, g);
  }
  if (op === "delete") {
    if (!(await store.deleteGrant(c.db, resource, id, user.id))) throw MlflowError.notFound(`Permission with ${what} and username=${username} not found`);
    return {};
  }
  const permission = parsePermission(input.permission);
  const ok = await store.writeGrant(c.db, resource, { resourceId: id, userId: user.id, permission }, op === "create" ? "insert" : "update");
  if (!ok && op === "create") throw MlflowError.alreadyExists(`Permission (${what}, username=${username}) already exists`);
  if (!ok) throw MlflowError.notFound(`Permission with ${what} and username=${username} not found`);
  return grantJson(resource, { resourceId: id, userId: user.id, permission });
}

function resourceOf(type: string | undefined): store.PermissionResource {
  if (type === "experiment" || type === "registered_model") return type;
  throw MlflowError.invalidParameter(`Unsupported resource_type '${type ?? ""}'. Supported: 'experiment', 'registered_model'.`);
}

/** MLflow 3.x users/permissions/{grant,revoke,get}, used by AuthServiceClient. */
export async function grantV3(c: Caller, input: { username?: string; resourceType?: string; resourceId?: string; permission?: string }): Promise<Json> {
  const resource = resourceOf(input.resourceType);
  const id = requireText(input.resourceId, "resource_id");
  await requireManage(c, resource, id);
  const user = await userOrThrow(c.db, requireText(input.username, "username"));
  await store.writeGrant(c.db, resource, { resourceId: id, userId: user.id, permission: parsePermission(input.permission) }, "upsert");
  return {};
}

export async function revokeV3(c: Caller, input: { username?: string; resourceType?: string; resourceId?: string }): Promise<Json> {
  const resource = resourceOf(input.resourceType);
  const id = requireText(input.resourceId, "resource_id");
  await requireManage(c, resource, id);
  const user = await userOrThrow(c.db, requireText(input.username, "username"));
  await store.deleteGrant(c.db, resource, id, user.id);
  return {};
}

export async function checkV3(c: Caller, input: { username?: string; resourceType?: string; resourceId?: string }): Promise<Json> {
  const resource = resourceOf(input.resourceType);
  const id = requireText(input.resourceId, "resource_id");
  const username = requireText(input.username, "username");
  if (username !== c.principal.username) await requireManage(c, resource, id);
  const user = await userOrThrow(c.db, username);
  const isAdmin = user.isAdmin || c.config.admins.has(user.username);
  const grant = isAdmin ? "MANAGE" : effective((await store.findGrant(c.db, resource, id, user.id))?.permission, c.config);
  return { allowed: allows(grant, "use"), permission: grant };
}

// ---- bearer tokens ----

const tokenJson = (t: store.TokenRow): Json => ({
  id: t.id,
  name: t.name,
  username: t.username,
  created_at: t.createdAt,
  ...(t.expiresAt !== null ? { expires_at: t.expiresAt } : {}),
  ...(t.revokedAt !== null ? { revoked_at: t.revokedAt } : {}),
});

/** Issues a token for the caller, or (admins) for any user. The secret is in this response only. */
export async function createToken(c: Caller, input: { username?: string; name?: string; expiresInDays?: string }): Promise<Json> {
  const username = input.username || c.principal.username;
  if (username !== c.principal.username) requireAdmin(c);
  const name = requireText(input.name, "name");
  if (name.length > 255) throw MlflowError.invalidParameter("Token name must be at most 255 characters.");
  let expiresAt: number | null = null;
  if (input.expiresInDays !== undefined && input.expiresInDays !== "") {
    const days = Number(input.expiresInDays);
    if (!Number.isInteger(days) || days < 1 || days > 3650) throw MlflowError.invalidParameter("expires_in_days must be an integer between 1 and 3650.");
    expiresAt = Date.now() + days * 86_400_000;
  }
  const user = username === c.principal.username ? { id: c.principal.userId } : await userOrThrow(c.db, username);
  const secret = newTokenSecret();
  const row = await store.insertToken(c.db, { userId: user.id, name, tokenHash: await sha256Hex(secret), now: Date.now(), expiresAt });
  return { token: tokenJson(row), secret };
}

export async function listTokens(c: Caller, username: string | undefined): Promise<Json> {
  if (username && username !== c.principal.username) requireAdmin(c);
  const userId = username ? (await userOrThrow(c.db, username)).id : c.principal.isAdmin ? null : c.principal.userId;
  return { tokens: (await store.listTokens(c.db, userId)).map(tokenJson) };
}

export async function revokeToken(c: Caller, id: string | undefined): Promise<Json> {
  const tokenId = Number(requireText(id, "id"));
  if (!Number.isSafeInteger(tokenId)) throw MlflowError.invalidParameter("Token id must be an integer.");
  const token = await store.findToken(c.db, tokenId);
  // Someone else's token looks exactly like a missing one: ids are not an oracle.
  if (!token || (token.userId !== c.principal.userId && !c.principal.isAdmin)) throw MlflowError.notFound(`Token ${tokenId} not found`);
  await store.revokeToken(c.db, tokenId, Date.now());
  return {};
}
