/**
 * Model registry tables: registered models, their versions, tags and aliases.
 *
 * Column for column as MLflow 3.18.0's SQLAlchemy store creates them on Postgres (alembic head
 * f4a9b2c7d1e6), with the same constraint and index names. Do not change types here: additive
 * changes go in ./additions.ts.
 */
import {
  bigint,
  foreignKey,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  varchar,
} from "drizzle-orm/pg-core";

export const registeredModels = pgTable(
  "registered_models",
  {
    name: varchar("name", { length: 256 }).notNull(),
    creationTime: bigint("creation_time", { mode: "number" }),
    lastUpdatedTime: bigint("last_updated_time", { mode: "number" }),
    description: varchar("description", { length: 5000 }),
    workspace: varchar("workspace", { length: 63 }).default("default").notNull(),
  },
  (t) => [
    primaryKey({ name: "registered_model_pk", columns: [t.workspace, t.name] }),
    index("idx_registered_models_workspace").on(t.workspace),
  ],
);

export const registeredModelTags = pgTable(
  "registered_model_tags",
  {
    key: varchar("key", { length: 250 }).notNull(),
    value: varchar("value", { length: 5000 }),
    name: varchar("name", { length: 256 }).notNull(),
    workspace: varchar("workspace", { length: 63 }).default("default").notNull(),
  },
  (t) => [
    primaryKey({ name: "registered_model_tag_pk", columns: [t.workspace, t.key, t.name] }),
    index("idx_registered_model_tags_workspace_name").on(t.workspace, t.name),
    foreignKey({ name: "fk_registered_model_tags_registered_models", columns: [t.workspace, t.name], foreignColumns: [registeredModels.workspace, registeredModels.name] }).onUpdate("cascade"),
  ],
);

export const modelVersions = pgTable(
  "model_versions",
  {
    name: varchar("name", { length: 256 }).notNull(),
    version: integer("version").notNull(),
    creationTime: bigint("creation_time", { mode: "number" }),
    lastUpdatedTime: bigint("last_updated_time", { mode: "number" }),
    description: varchar("description", { length: 5000 }),
    userId: varchar("user_id", { length: 256 }),
    currentStage: varchar("current_stage", { length: 20 }),
    source: varchar("source", { length: 500 }),
    runId: varchar("run_id", { length: 32 }),
    status: varchar("status", { length: 20 }),
    statusMessage: varchar("status_message", { length: 500 }),
    runLink: varchar("run_link", { length: 500 }),
    storageLocation: varchar("storage_location", { length: 500 }),
    workspace: varchar("workspace", { length: 63 }).default("default").notNull(),
  },
  (t) => [
    primaryKey({ name: "model_version_pk", columns: [t.workspace, t.name, t.version] }),
    foreignKey({ name: "fk_model_versions_registered_models", columns: [t.workspace, t.name], foreignColumns: [registeredModels.workspace, registeredModels.name] }).onUpdate("cascade"),
  ],
);

export const modelVersionTags = pgTable(
  "model_version_tags",
  {
    key: varchar("key", { length: 250 }).notNull(),
    value: text("value"),
    name: varchar("name", { length: 256 }).notNull(),
    version: integer("version").notNull(),
    workspace: varchar("workspace", { length: 63 }).default("default").notNull(),
  },
  (t) => [
    primaryKey({ name: "model_version_tag_pk", columns: [t.workspace, t.key, t.name, t.version] }),
    index("idx_model_version_tags_workspace_name_version").on(t.workspace, t.name, t.version),
    foreignKey({ name: "fk_model_version_tags_model_versions", columns: [t.workspace, t.name, t.version], foreignColumns: [modelVersions.workspace, modelVersions.name, modelVersions.version] }).onUpdate("cascade"),
  ],
);

export const registeredModelAliases = pgTable(
  "registered_model_aliases",
  {
    alias: varchar("alias", { length: 256 }).notNull(),
    version: integer("version").notNull(),
    name: varchar("name", { length: 256 }).notNull(),
    workspace: varchar("workspace", { length: 63 }).default("default").notNull(),
  },
  (t) => [
    primaryKey({ name: "registered_model_alias_pk", columns: [t.workspace, t.name, t.alias] }),
    foreignKey({ name: "fk_registered_model_aliases_registered_models", columns: [t.workspace, t.name], foreignColumns: [registeredModels.workspace, registeredModels.name] }).onDelete("cascade").onUpdate("cascade"),
  ],
);
