/**
 * AI gateway tables: secrets, model definitions, endpoints (tags, bindings, model mappings), budget
 * policies and guardrails. The BEFORE UPDATE trigger on secrets (prevent_secrets_aad_mutation) is
 * created by the custom migration drizzle/0001_mlflow_3_18_extras.sql.
 *
 * Column for column as MLflow 3.18.0's SQLAlchemy store creates them on Postgres (alembic head
 * f4a9b2c7d1e6), with the same constraint and index names. Do not change types here: additive
 * changes go in ./additions.ts.
 */
import {
  bigint,
  boolean,
  doublePrecision,
  foreignKey,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  unique,
  uniqueIndex,
  varchar,
} from "drizzle-orm/pg-core";
import { bytea } from "./types";
import { scorerVersions } from "./genai";
import { experiments } from "./tracking";

export const secrets = pgTable(
  "secrets",
  {
    secretId: varchar("secret_id", { length: 36 }).notNull(),
    secretName: varchar("secret_name", { length: 255 }).notNull(),
    encryptedValue: bytea("encrypted_value").notNull(),
    wrappedDek: bytea("wrapped_dek").notNull(),
    kekVersion: integer("kek_version").notNull(),
    maskedValue: varchar("masked_value", { length: 500 }).notNull(),
    provider: varchar("provider", { length: 64 }),
    authConfig: text("auth_config"),
    description: text("description"),
    createdBy: varchar("created_by", { length: 255 }),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
    lastUpdatedBy: varchar("last_updated_by", { length: 255 }),
    lastUpdatedAt: bigint("last_updated_at", { mode: "number" }).notNull(),
    workspace: varchar("workspace", { length: 63 }).default("default").notNull(),
  },
  (t) => [
    primaryKey({ name: "secrets_pk", columns: [t.secretId] }),
    unique("uq_secrets_workspace_secret_name").on(t.workspace, t.secretName),
    index("idx_secrets_workspace").on(t.workspace),
  ],
);

export const modelDefinitions = pgTable(
  "model_definitions",
  {
    modelDefinitionId: varchar("model_definition_id", { length: 36 }).notNull(),
    name: varchar("name", { length: 255 }).notNull(),
    secretId: varchar("secret_id", { length: 36 }),
    provider: varchar("provider", { length: 64 }).notNull(),
    modelName: varchar("model_name", { length: 256 }).notNull(),
    createdBy: varchar("created_by", { length: 255 }),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
    lastUpdatedBy: varchar("last_updated_by", { length: 255 }),
    lastUpdatedAt: bigint("last_updated_at", { mode: "number" }).notNull(),
    workspace: varchar("workspace", { length: 63 }).default("default").notNull(),
  },
  (t) => [
    primaryKey({ name: "model_definitions_pk", columns: [t.modelDefinitionId] }),
    unique("uq_model_definitions_workspace_name").on(t.workspace, t.name),
    index("idx_model_definitions_workspace").on(t.workspace),
    index("index_model_definitions_provider").on(t.provider),
    index("index_model_definitions_secret_id").on(t.secretId),
    foreignKey({ name: "fk_model_definitions_secret_id", columns: [t.secretId], foreignColumns: [secrets.secretId] }).onDelete("set null"),
  ],
);

export const endpoints = pgTable(
  "endpoints",
  {
    endpointId: varchar("endpoint_id", { length: 36 }).notNull(),
    name: varchar("name", { length: 255 }),
    createdBy: varchar("created_by", { length: 255 }),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
    lastUpdatedBy: varchar("last_updated_by", { length: 255 }),
    lastUpdatedAt: bigint("last_updated_at", { mode: "number" }).notNull(),
    routingStrategy: varchar("routing_strategy", { length: 64 }),
    fallbackConfigJson: text("fallback_config_json"),
    experimentId: integer("experiment_id"),
    usageTracking: boolean("usage_tracking").default(false).notNull(),
    workspace: varchar("workspace", { length: 63 }).default("default").notNull(),
  },
  (t) => [
    primaryKey({ name: "endpoints_pk", columns: [t.endpointId] }),
    unique("uq_endpoints_workspace_name").on(t.workspace, t.name),
    index("idx_endpoints_workspace").on(t.workspace),
    foreignKey({ name: "fk_endpoints_experiment_id", columns: [t.experimentId], foreignColumns: [experiments.experimentId] }).onDelete("set null"),
  ],
);

export const endpointTags = pgTable(
  "endpoint_tags",
  {
    key: varchar("key", { length: 250 }).notNull(),
    value: varchar("value", { length: 5000 }),
    endpointId: varchar("endpoint_id", { length: 36 }).notNull(),
  },
  (t) => [
    primaryKey({ name: "endpoint_tag_pk", columns: [t.key, t.endpointId] }),
    index("index_endpoint_tags_endpoint_id").on(t.endpointId),
    foreignKey({ name: "fk_endpoint_tags_endpoint_id", columns: [t.endpointId], foreignColumns: [endpoints.endpointId] }).onDelete("cascade"),
  ],
);

export const endpointBindings = pgTable(
  "endpoint_bindings",
  {
    endpointId: varchar("endpoint_id", { length: 36 }).notNull(),
    resourceType: varchar("resource_type", { length: 50 }).notNull(),
    resourceId: varchar("resource_id", { length: 255 }).notNull(),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
    createdBy: varchar("created_by", { length: 255 }),
    lastUpdatedAt: bigint("last_updated_at", { mode: "number" }).notNull(),
    lastUpdatedBy: varchar("last_updated_by", { length: 255 }),
    displayName: varchar("display_name", { length: 255 }),
  },
  (t) => [
    primaryKey({ name: "endpoint_bindings_pk", columns: [t.endpointId, t.resourceType, t.resourceId] }),
    foreignKey({ name: "fk_endpoint_bindings_endpoint_id", columns: [t.endpointId], foreignColumns: [endpoints.endpointId] }).onDelete("cascade"),
  ],
);

export const endpointModelMappings = pgTable(
  "endpoint_model_mappings",
  {
    mappingId: varchar("mapping_id", { length: 36 }).notNull(),
    endpointId: varchar("endpoint_id", { length: 36 }).notNull(),
    modelDefinitionId: varchar("model_definition_id", { length: 36 }).notNull(),
    weight: doublePrecision("weight").notNull(),
    createdBy: varchar("created_by", { length: 255 }),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
    linkageType: varchar("linkage_type", { length: 64 }).default("PRIMARY").notNull(),
    fallbackOrder: integer("fallback_order"),
  },
  (t) => [
    primaryKey({ name: "endpoint_model_mappings_pk", columns: [t.mappingId] }),
    index("index_endpoint_model_mappings_endpoint_id").on(t.endpointId),
    index("index_endpoint_model_mappings_model_definition_id").on(t.modelDefinitionId),
    uniqueIndex("unique_endpoint_model_linkage_mapping").on(t.endpointId, t.modelDefinitionId, t.linkageType),
    foreignKey({ name: "fk_endpoint_model_mappings_endpoint_id", columns: [t.endpointId], foreignColumns: [endpoints.endpointId] }).onDelete("cascade"),
    foreignKey({ name: "fk_endpoint_model_mappings_model_definition_id", columns: [t.modelDefinitionId], foreignColumns: [modelDefinitions.modelDefinitionId] }),
  ],
);

export const budgetPolicies = pgTable(
  "budget_policies",
  {
    budgetPolicyId: varchar("budget_policy_id", { length: 36 }).notNull(),
    budgetUnit: varchar("budget_unit", { length: 32 }).notNull(),
    budgetAmount: doublePrecision("budget_amount").notNull(),
    durationUnit: varchar("duration_unit", { length: 32 }).notNull(),
    durationValue: integer("duration_value").notNull(),
    targetScope: varchar("target_scope", { length: 32 }).notNull(),
    budgetAction: varchar("budget_action", { length: 32 }).notNull(),
    createdBy: varchar("created_by", { length: 255 }),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
    lastUpdatedBy: varchar("last_updated_by", { length: 255 }),
    lastUpdatedAt: bigint("last_updated_at", { mode: "number" }).notNull(),
    workspace: varchar("workspace", { length: 63 }).default("default").notNull(),
    targetValue: varchar("target_value", { length: 255 }),
  },
  (t) => [
    primaryKey({ name: "budget_policies_pk", columns: [t.budgetPolicyId] }),
    index("idx_budget_policies_target_value").on(t.targetValue),
    index("idx_budget_policies_workspace").on(t.workspace),
  ],
);

export const guardrails = pgTable(
  "guardrails",
  {
    guardrailId: varchar("guardrail_id", { length: 36 }).notNull(),
    name: varchar("name", { length: 255 }).notNull(),
    scorerId: varchar("scorer_id", { length: 36 }).notNull(),
    scorerVersion: integer("scorer_version").notNull(),
    stage: varchar("stage", { length: 32 }).notNull(),
    action: varchar("action", { length: 32 }).notNull(),
    actionEndpointId: varchar("action_endpoint_id", { length: 36 }),
    createdBy: varchar("created_by", { length: 255 }),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
    lastUpdatedBy: varchar("last_updated_by", { length: 255 }),
    lastUpdatedAt: bigint("last_updated_at", { mode: "number" }).notNull(),
    workspace: varchar("workspace", { length: 63 }).default("default").notNull(),
  },
  (t) => [
    primaryKey({ name: "guardrails_pk", columns: [t.guardrailId] }),
    index("idx_guardrails_scorer").on(t.scorerId, t.scorerVersion),
    index("idx_guardrails_workspace").on(t.workspace),
    foreignKey({ name: "fk_guardrails_action_endpoint_id", columns: [t.actionEndpointId], foreignColumns: [endpoints.endpointId] }).onDelete("set null"),
    foreignKey({ name: "fk_guardrails_scorer_version", columns: [t.scorerId, t.scorerVersion], foreignColumns: [scorerVersions.scorerId, scorerVersions.scorerVersion] }),
  ],
);

export const guardrailConfigs = pgTable(
  "guardrail_configs",
  {
    endpointId: varchar("endpoint_id", { length: 36 }).notNull(),
    guardrailId: varchar("guardrail_id", { length: 36 }).notNull(),
    executionOrder: integer("execution_order"),
    createdBy: varchar("created_by", { length: 255 }),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
    workspace: varchar("workspace", { length: 63 }).default("default").notNull(),
  },
  (t) => [
    primaryKey({ name: "guardrail_configs_pk", columns: [t.endpointId, t.guardrailId] }),
    index("idx_guardrail_configs_endpoint_id").on(t.endpointId),
    index("idx_guardrail_configs_guardrail_id").on(t.guardrailId),
    foreignKey({ name: "fk_guardrail_configs_endpoint_id", columns: [t.endpointId], foreignColumns: [endpoints.endpointId] }).onDelete("cascade"),
    foreignKey({ name: "fk_guardrail_configs_guardrail_id", columns: [t.guardrailId], foreignColumns: [guardrails.guardrailId] }).onDelete("cascade"),
  ],
);
