/**
 * Our own authentication and authorization tables (additive; see ./additions.ts). MLflow's basic-auth
 * app keeps the equivalent tables (users, experiment_permissions, registered_model_permissions) in a
 * separate database; ours live next to the tracking tables, so every name is prefixed `edge_auth_`
 * and can never clash with an MLflow table, and the reference `mlflow server` ignores them.
 */
import { sql } from "drizzle-orm";
import { bigint, boolean, check, foreignKey, index, integer, pgTable, primaryKey, serial, unique, varchar } from "drizzle-orm/pg-core";

/** Who can call the server: basic-auth users, Access identities (email / service token id), token owners. */
export const edgeAuthUsers = pgTable(
  "edge_auth_users",
  {
    id: serial("id").notNull(),
    username: varchar("username", { length: 255 }).notNull(),
    /** PBKDF2 hash (src/auth/passwords.ts); NULL for identities that only sign in through Access or tokens. */
    passwordHash: varchar("password_hash", { length: 255 }),
    isAdmin: boolean("is_admin").default(false).notNull(),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ name: "edge_auth_users_pk", columns: [t.id] }), unique("edge_auth_users_username_uq").on(t.username)],
);

/** Bearer tokens (MLFLOW_TRACKING_TOKEN). Only the SHA-256 of the secret is stored. */
export const edgeAuthTokens = pgTable(
  "edge_auth_tokens",
  {
    id: serial("id").notNull(),
    userId: integer("user_id").notNull(),
    name: varchar("name", { length: 255 }).notNull(),
    /** Hex SHA-256 of the whole token string. */
    tokenHash: varchar("token_hash", { length: 64 }).notNull(),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
    expiresAt: bigint("expires_at", { mode: "number" }),
    revokedAt: bigint("revoked_at", { mode: "number" }),
  },
  (t) => [
    primaryKey({ name: "edge_auth_tokens_pk", columns: [t.id] }),
    unique("edge_auth_tokens_hash_uq").on(t.tokenHash),
    foreignKey({ name: "edge_auth_tokens_user_fk", columns: [t.userId], foreignColumns: [edgeAuthUsers.id] }).onDelete("cascade"),
    index("edge_auth_tokens_user_idx").on(t.userId),
  ],
);

const PERMISSIONS = sql`('READ', 'USE', 'EDIT', 'MANAGE', 'NO_PERMISSIONS')`;

export const edgeAuthExperimentPermissions = pgTable(
  "edge_auth_experiment_permissions",
  {
    id: serial("id").notNull(),
    /** Text like MLflow's auth store: a grant may name an experiment that does not exist (yet). */
    experimentId: varchar("experiment_id", { length: 255 }).notNull(),
    userId: integer("user_id").notNull(),
    permission: varchar("permission", { length: 255 }).notNull(),
  },
  (t) => [
    primaryKey({ name: "edge_auth_experiment_permissions_pk", columns: [t.id] }),
    unique("edge_auth_experiment_permissions_uq").on(t.experimentId, t.userId),
    foreignKey({ name: "edge_auth_experiment_permissions_user_fk", columns: [t.userId], foreignColumns: [edgeAuthUsers.id] }).onDelete("cascade"),
    check("edge_auth_experiment_permissions_ck", sql`${t.permission} IN ${PERMISSIONS}`),
  ],
);

export const edgeAuthRegisteredModelPermissions = pgTable(
  "edge_auth_registered_model_permissions",
  {
    id: serial("id").notNull(),
    name: varchar("name", { length: 255 }).notNull(),
    userId: integer("user_id").notNull(),
    permission: varchar("permission", { length: 255 }).notNull(),
  },
  (t) => [
    primaryKey({ name: "edge_auth_registered_model_permissions_pk", columns: [t.id] }),
    unique("edge_auth_registered_model_permissions_uq").on(t.name, t.userId),
    foreignKey({ name: "edge_auth_registered_model_permissions_user_fk", columns: [t.userId], foreignColumns: [edgeAuthUsers.id] }).onDelete("cascade"),
    check("edge_auth_registered_model_permissions_ck", sql`${t.permission} IN ${PERMISSIONS}`),
  ],
);
