/**
 * Logged models (MLflow 3 "LoggedModel" entities) with their metrics, params and tags.
 *
 * Column for column as MLflow 3.18.0's SQLAlchemy store creates them on Postgres (alembic head
 * f4a9b2c7d1e6), with the same constraint and index names. Do not change types here: additive
 * changes go in ./additions.ts.
 */
import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  doublePrecision,
  foreignKey,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  varchar,
} from "drizzle-orm/pg-core";
import { experiments, runs } from "./tracking";

export const loggedModels = pgTable(
  "logged_models",
  {
    modelId: varchar("model_id", { length: 36 }).notNull(),
    experimentId: integer("experiment_id").notNull(),
    name: varchar("name", { length: 500 }).notNull(),
    artifactLocation: varchar("artifact_location", { length: 1000 }).notNull(),
    creationTimestampMs: bigint("creation_timestamp_ms", { mode: "number" }).notNull(),
    lastUpdatedTimestampMs: bigint("last_updated_timestamp_ms", { mode: "number" }).notNull(),
    status: integer("status").notNull(),
    lifecycleStage: varchar("lifecycle_stage", { length: 32 }),
    modelType: varchar("model_type", { length: 500 }),
    sourceRunId: varchar("source_run_id", { length: 32 }),
    statusMessage: varchar("status_message", { length: 1000 }),
  },
  (t) => [
    primaryKey({ name: "logged_models_pk", columns: [t.modelId] }),
    foreignKey({ name: "fk_logged_models_experiment_id", columns: [t.experimentId], foreignColumns: [experiments.experimentId] }).onDelete("cascade"),
    check("logged_models_lifecycle_stage_check", sql`${t.lifecycleStage} IN ('active', 'deleted')`),
  ],
);

export const loggedModelMetrics = pgTable(
  "logged_model_metrics",
  {
    modelId: varchar("model_id", { length: 36 }).notNull(),
    metricName: varchar("metric_name", { length: 500 }).notNull(),
    metricTimestampMs: bigint("metric_timestamp_ms", { mode: "number" }).notNull(),
    metricStep: bigint("metric_step", { mode: "number" }).notNull(),
    metricValue: doublePrecision("metric_value"),
    experimentId: integer("experiment_id").notNull(),
    runId: varchar("run_id", { length: 32 }).notNull(),
    datasetUuid: varchar("dataset_uuid", { length: 36 }),
    datasetName: varchar("dataset_name", { length: 500 }),
    datasetDigest: varchar("dataset_digest", { length: 36 }),
  },
  (t) => [
    primaryKey({ name: "logged_model_metrics_pk", columns: [t.modelId, t.metricName, t.metricTimestampMs, t.metricStep, t.runId] }),
    index("index_logged_model_metrics_model_id").on(t.modelId),
    foreignKey({ name: "fk_logged_model_metrics_experiment_id", columns: [t.experimentId], foreignColumns: [experiments.experimentId] }),
    foreignKey({ name: "fk_logged_model_metrics_model_id", columns: [t.modelId], foreignColumns: [loggedModels.modelId] }).onDelete("cascade"),
    foreignKey({ name: "fk_logged_model_metrics_run_id", columns: [t.runId], foreignColumns: [runs.runUuid] }).onDelete("cascade"),
  ],
);

export const loggedModelParams = pgTable(
  "logged_model_params",
  {
    modelId: varchar("model_id", { length: 36 }).notNull(),
    experimentId: integer("experiment_id").notNull(),
    paramKey: varchar("param_key", { length: 255 }).notNull(),
    paramValue: text("param_value").notNull(),
  },
  (t) => [
    primaryKey({ name: "logged_model_params_pk", columns: [t.modelId, t.paramKey] }),
    foreignKey({ name: "fk_logged_model_params_experiment_id", columns: [t.experimentId], foreignColumns: [experiments.experimentId] }),
    foreignKey({ name: "fk_logged_model_params_model_id", columns: [t.modelId], foreignColumns: [loggedModels.modelId] }).onDelete("cascade"),
  ],
);

export const loggedModelTags = pgTable(
  "logged_model_tags",
  {
    modelId: varchar("model_id", { length: 36 }).notNull(),
    experimentId: integer("experiment_id").notNull(),
    tagKey: varchar("tag_key", { length: 255 }).notNull(),
    tagValue: text("tag_value").notNull(),
  },
  (t) => [
    primaryKey({ name: "logged_model_tags_pk", columns: [t.modelId, t.tagKey] }),
    foreignKey({ name: "fk_logged_model_tags_experiment_id", columns: [t.experimentId], foreignColumns: [experiments.experimentId] }),
    foreignKey({ name: "fk_logged_model_tags_model_id", columns: [t.modelId], foreignColumns: [loggedModels.modelId] }).onDelete("cascade"),
  ],
);
