/**
 * SQL for the edge_auth_* tables (src/db/schema/auth.ts). One statement per function. Secrets never
 * reach this module: callers pass SHA-256 hashes of tokens and PBKDF2 hashes of passwords.
 */
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "./client";
import { arrayParam } from "../lib/sql";

export interface UserRow {
  id: number;
  username: string;
  passwordHash: string | null;
  isAdmin: boolean;
}

export interface TokenRow {
  id: number;
  name: string;
  username: string;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
}

export type PermissionResource = "experiment" | "registered_model";

/** Where the experiment of a request lives: named directly, or through a run/logged model/trace. */
export type ExperimentRef =
  | { experimentId: string }
  | { experimentName: string }
  | { runId: string }
  | { loggedModelId: string }
  | { traceId: string };

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function toUser(r: Record<string, unknown>): UserRow {
  return { id: Number(r.id), username: String(r.username), passwordHash: (r.password_hash as string | null) ?? null, isAdmin: Boolean(r.is_admin) };
}

function toToken(r: Record<string, unknown>): TokenRow {
  return {
    id: Number(r.id),
    name: String(r.name),
    username: String(r.username),
    createdAt: Number(r.created_at),
    expiresAt: num(r.expires_at),
    revokedAt: num(r.revoked_at),
  };
}

export async function findUser(db: Db, username: string): Promise<UserRow | undefined> {
  const r = await db.execute(sql`select id, username, password_hash, is_admin from edge_auth_users where username = ${username}`);
  return r.rows[0] ? toUser(r.rows[0]) : undefined;
}

/** The user with this username, created (no password, not admin) if missing. Writes only the first time. */
export async function findOrCreateUser(db: Db, username: string, now: number): Promise<UserRow> {
  const r = await db.execute(sql`
    with found as (select id, username, password_hash, is_admin from edge_auth_users where username = ${username}),
    created as (
      insert into edge_auth_users (username, password_hash, is_admin, created_at)
      select ${username}, null, false, ${now} where not exists (select 1 from found)
      on conflict (username) do nothing
      returning id, username, password_hash, is_admin)
    select * from found union all select * from created`);
  if (r.rows[0]) return toUser(r.rows[0]);
  // Lost a race with a concurrent first request of the same identity: the row exists now.
  const again = await findUser(db, username);
  if (!again) throw new Error(`could not provision user ${username}`);
  return again;
}

/** The owner of a live (unrevoked, unexpired) token with this hash. */
export async function findUserByTokenHash(db: Db, tokenHash: string, now: number): Promise<(UserRow & { tokenHash: string }) | undefined> {
  const r = await db.execute(sql`
    select u.id, u.username, u.password_hash, u.is_admin, t.token_hash
    from edge_auth_tokens t join edge_auth_users u on u.id = t.user_id
    where t.token_hash = ${tokenHash} and t.revoked_at is null and (t.expires_at is null or t.expires_at > ${now})`);
  const row = r.rows[0];
  return row ? { ...toUser(row), tokenHash: String(row.token_hash) } : undefined;
}

export async function insertUser(db: Db, u: { username: string; passwordHash: string | null; isAdmin: boolean; now: number }): Promise<UserRow | undefined> {
  const r = await db.execute(sql`
    insert into edge_auth_users (username, password_hash, is_admin, created_at)
    values (${u.username}, ${u.passwordHash}, ${u.isAdmin}, ${u.now})
    on conflict (username) do nothing
    returning id, username, password_hash, is_admin`);
  return r.rows[0] ? toUser(r.rows[0]) : undefined;
}

export async function listUsers(db: Db): Promise<UserRow[]> {
  const r = await db.execute(sql`select id, username, password_hash, is_admin from edge_auth_users order by id`);
  return r.rows.map(toUser);
}

/** Returns whether the user existed. */
export async function updateUser(db: Db, username: string, change: { passwordHash?: string; isAdmin?: boolean }): Promise<boolean> {
  const sets: SQL[] = [];
  if (change.passwordHash !== undefined) sets.push(sql`password_hash = ${change.passwordHash}`);
  if (change.isAdmin !== undefined) sets.push(sql`is_admin = ${change.isAdmin}`);
  if (sets.length === 0) return (await findUser(db, username)) !== undefined;
  const r = await db.execute(sql`update edge_auth_users set ${sql.join(sets, sql`, `)} where username = ${username} returning id`);
  return r.rows.length > 0;
}

/** Deletes the user with their tokens and grants (ON DELETE CASCADE). Returns whether it existed. */
export async function deleteUser(db: Db, username: string): Promise<boolean> {
  const r = await db.execute(sql`delete from edge_auth_users where username = ${username} returning id`);
  return r.rows.length > 0;
}

// ---- grants ----

export interface GrantRow {
  resourceId: string;
  userId: number;
  permission: string;
}

function grantTable(resource: PermissionResource): { table: SQL; key: SQL } {
  return resource === "experiment"
    ? { table: sql.raw("edge_auth_experiment_permissions"), key: sql.raw("experiment_id") }
    : { table: sql.raw("edge_auth_registered_model_permissions"), key: sql.raw("name") };
}

export async function listGrantsOfUser(db: Db, userId: number, resource: PermissionResource): Promise<GrantRow[]> {
  const { table, key } = grantTable(resource);
  const r = await db.execute(sql`select ${key} as resource_id, user_id, permission from ${table} where user_id = ${userId} order by id`);
  return r.rows.map((row) => ({ resourceId: String(row.resource_id), userId: Number(row.user_id), permission: String(row.permission) }));
}

export async function findGrant(db: Db, resource: PermissionResource, resourceId: string, userId: number): Promise<GrantRow | undefined> {
  const { table, key } = grantTable(resource);
  const r = await db.execute(sql`select ${key} as resource_id, user_id, permission from ${table} where ${key} = ${resourceId} and user_id = ${userId}`);
  const row = r.rows[0];
  return row ? { resourceId: String(row.resource_id), userId: Number(row.user_id), permission: String(row.permission) } : undefined;
}

/** Inserts a grant; `mode` decides what an existing one means (error for create, overwrite for update/grant). */
export async function writeGrant(
  db: Db,
  resource: PermissionResource,
  g: { resourceId: string; userId: number; permission: string },
  mode: "insert" | "upsert" | "update",
): Promise<boolean> {
  const { table, key } = grantTable(resource);
  if (mode === "update") {
    const r = await db.execute(sql`update ${table} set permission = ${g.permission} where ${key} = ${g.resourceId} and user_id = ${g.userId} returning id`);
    return r.rows.length > 0;
  }
  const onConflict = mode === "upsert" ? sql`do update set permission = excluded.permission` : sql`do nothing`;
  const r = await db.execute(sql`
    insert into ${table} (${key}, user_id, permission) values (${g.resourceId}, ${g.userId}, ${g.permission})
    on conflict (${key}, user_id) ${onConflict} returning id`);
  return r.rows.length > 0;
}

export async function deleteGrant(db: Db, resource: PermissionResource, resourceId: string, userId: number): Promise<boolean> {
  const { table, key } = grantTable(resource);
  const r = await db.execute(sql`delete from ${table} where ${key} = ${resourceId} and user_id = ${userId} returning id`);
  return r.rows.length > 0;
}

function experimentIdOf(ref: ExperimentRef): SQL {
  if ("experimentId" in ref) return sql`${ref.experimentId}::text`;
  if ("experimentName" in ref) {
    return sql`(select experiment_id::text from experiments where workspace = 'default' and name = ${ref.experimentName})`;
  }
  if ("runId" in ref) return sql`(select experiment_id::text from runs where run_uuid = ${ref.runId})`;
  if ("loggedModelId" in ref) return sql`(select experiment_id::text from logged_models where model_id = ${ref.loggedModelId})`;
  return sql`(select experiment_id::text from trace_info where request_id = ${ref.traceId})`;
}

/**
 * The caller's grant on the experiment a request touches, resolved in the same statement.
 * `experimentId` is null when the reference names nothing (the handler then reports 404 itself).
 */
export async function experimentGrant(db: Db, userId: number, ref: ExperimentRef): Promise<{ experimentId: string | null; permission: string | null }> {
  const r = await db.execute(sql`
    with target as (select ${experimentIdOf(ref)} as experiment_id)
    select target.experiment_id,
      (select p.permission from edge_auth_experiment_permissions p
        where p.experiment_id = target.experiment_id and p.user_id = ${userId}) as permission
    from target`);
  const row = r.rows[0] ?? {};
  return { experimentId: (row.experiment_id as string | null) ?? null, permission: (row.permission as string | null) ?? null };
}

/** The caller's grants on many resources at once (search filtering). Missing ids have no grant. */
export async function grantsFor(db: Db, resource: PermissionResource, userId: number, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const { table, key } = grantTable(resource);
  const r = await db.execute(sql`
    select ${key} as resource_id, permission from ${table} where user_id = ${userId} and ${key} = any(${arrayParam(ids, "varchar")})`);
  return new Map(r.rows.map((row) => [String(row.resource_id), String(row.permission)]));
}

// ---- tokens ----

export async function insertToken(db: Db, t: { userId: number; name: string; tokenHash: string; now: number; expiresAt: number | null }): Promise<TokenRow> {
  const r = await db.execute(sql`
    with t as (
      insert into edge_auth_tokens (user_id, name, token_hash, created_at, expires_at)
      values (${t.userId}, ${t.name}, ${t.tokenHash}, ${t.now}, ${t.expiresAt})
      returning id, user_id, name, created_at, expires_at, revoked_at)
    select t.*, u.username from t join edge_auth_users u on u.id = t.user_id`);
  return toToken(r.rows[0]!);
}

export async function listTokens(db: Db, userId: number | null): Promise<TokenRow[]> {
  const r = await db.execute(sql`
    select t.id, t.name, t.created_at, t.expires_at, t.revoked_at, u.username
    from edge_auth_tokens t join edge_auth_users u on u.id = t.user_id
    where ${userId === null ? sql`true` : sql`t.user_id = ${userId}`} order by t.id`);
  return r.rows.map(toToken);
}

export async function findToken(db: Db, id: number): Promise<(TokenRow & { userId: number }) | undefined> {
  const r = await db.execute(sql`
    select t.id, t.name, t.created_at, t.expires_at, t.revoked_at, t.user_id, u.username
    from edge_auth_tokens t join edge_auth_users u on u.id = t.user_id where t.id = ${id}`);
  const row = r.rows[0];
  return row ? { ...toToken(row), userId: Number(row.user_id) } : undefined;
}

/** Marks a token revoked (idempotent; the first revocation time is kept). */
export async function revokeToken(db: Db, id: number, now: number): Promise<boolean> {
  const r = await db.execute(sql`update edge_auth_tokens set revoked_at = coalesce(revoked_at, ${now}) where id = ${id} returning id`);
  return r.rows.length > 0;
}

/** The caller's grants on the experiments of several logged models (unknown models are skipped). */
export async function loggedModelExperimentGrants(db: Db, userId: number, modelIds: string[]): Promise<{ experimentId: string; permission: string | null }[]> {
  const r = await db.execute(sql`
    select distinct m.experiment_id::text as experiment_id, p.permission
    from logged_models m left join edge_auth_experiment_permissions p on p.experiment_id = m.experiment_id::text and p.user_id = ${userId}
    where m.model_id = any(${arrayParam(modelIds, "varchar")})`);
  return r.rows.map((row) => ({ experimentId: String(row.experiment_id), permission: (row.permission as string | null) ?? null }));
}

/** The caller's grants on the experiments of several runs (unknown runs are skipped; the handler reports them). */
export async function runExperimentGrants(db: Db, userId: number, runIds: string[]): Promise<{ experimentId: string; permission: string | null }[]> {
  const r = await db.execute(sql`
    select distinct r.experiment_id::text as experiment_id, p.permission
    from runs r left join edge_auth_experiment_permissions p on p.experiment_id = r.experiment_id::text and p.user_id = ${userId}
    where r.run_uuid = any(${arrayParam(runIds, "varchar")})`);
  return r.rows.map((row) => ({ experimentId: String(row.experiment_id), permission: (row.permission as string | null) ?? null }));
}
