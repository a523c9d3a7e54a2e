/**
 * The whole database schema: MLflow 3.18.0's tables (exactly as its SQLAlchemy store creates them on
 * Postgres) plus our additive objects. drizzle-kit reads this file (see drizzle.config.ts).
 *
 * Not modelled as Drizzle tables: `alembic_version` (created and stamped by the custom migration
 * drizzle/0002_alembic_stamp.sql), the secrets trigger and the two INCLUDE indexes on spans (custom
 * migration drizzle/0001_mlflow_3_18_extras.sql).
 */
export * from "./tracking";
export * from "./registry";
export * from "./logged-models";
export * from "./traces";
export * from "./genai";
export * from "./gateway";
export * from "./platform";
export * from "./additions";
export * from "./auth";
export * from "./meta";
