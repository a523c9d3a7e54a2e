/**
 * Our own, additive schema objects on top of MLflow's tables.
 *
 * MLflow 3.18.0 owns every table in the other schema files; the reference `mlflow server` must keep
 * working on the same database. So anything we add must be purely additive:
 *   - extra indexes on MLflow tables (CREATE INDEX ... IF NOT EXISTS), or
 *   - tables of our own (the `edge_auth_*` tables of ./auth.ts).
 * Never add, drop or alter columns, defaults or constraints of MLflow's tables.
 *
 * How to add an index:
 *   1. Append an entry to `additionalIndexes` below (name prefixed `edge_`; createSql idempotent).
 *   2. `npx drizzle-kit generate --custom --name add_<what>` and paste the createSql into the new
 *      file under drizzle/ (one statement per `--> statement-breakpoint`).
 *   3. `npm exec -- node --test test/node/` — the parity test ignores objects listed here, and
 *      fails on anything else that differs from MLflow's own schema.
 *
 * This module must stay free of runtime imports: the Node parity test imports it directly (Node 22
 * strips the type annotations).
 */

export interface AdditionalIndex {
  /** Index name, unique in the schema. Prefix with `edge_` so it cannot clash with MLflow's. */
  name: string;
  /** The MLflow (or own) table it is on. */
  table: string;
  /** Idempotent DDL, e.g. `CREATE INDEX IF NOT EXISTS edge_x ON public.t USING btree (a, b)`. */
  createSql: string;
  /** Which query it speeds up, and why MLflow's own indexes are not enough. */
  reason: string;
}

/** Additive indexes we create on MLflow's tables. Empty for now. */
export const additionalIndexes: AdditionalIndex[] = [];

/**
 * Names of every schema object (tables, indexes, constraints, sequences, functions, triggers) we
 * add on top of MLflow's schema. The parity test ignores dump statements that mention them.
 */
export const additionalObjectNames: string[] = [...additionalIndexes.map((i) => i.name), ...authObjectNames()];

/**
 * Our auth tables (defined in ./auth.ts) and every object Postgres creates with them. Listed by
 * name because this module must not import the Drizzle definitions (see above).
 */
function authObjectNames(): string[] {
  const tables = ["edge_auth_users", "edge_auth_tokens", "edge_auth_experiment_permissions", "edge_auth_registered_model_permissions"];
  return [
    ...tables,
    ...tables.map((t) => `${t}_id_seq`),
    ...tables.map((t) => `${t}_pk`),
    "edge_auth_users_username_uq",
    "edge_auth_tokens_hash_uq",
    "edge_auth_tokens_user_fk",
    "edge_auth_tokens_user_idx",
    "edge_auth_experiment_permissions_uq",
    "edge_auth_experiment_permissions_user_fk",
    "edge_auth_experiment_permissions_ck",
    "edge_auth_registered_model_permissions_uq",
    "edge_auth_registered_model_permissions_user_fk",
    "edge_auth_registered_model_permissions_ck",
  ];
}
