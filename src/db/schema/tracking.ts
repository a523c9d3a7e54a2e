/**
 * Core tracking tables, column for column as MLflow 3.18.0's SQLAlchemy store creates them on
 * Postgres (alembic head). Names of constraints and indexes match too, so the reference server and
 * ours can share one database. Do not "improve" types here: additive changes go in ./additions.ts.
 */
import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  doublePrecision,
  foreignKey,
  index,
  integer,
  pgTable,
  primaryKey,
  serial,
  text,
  unique,
  varchar,
} from "drizzle-orm/pg-core";

export const experiments = pgTable(
  "experiments",
  {
    experimentId: serial("experiment_id").notNull(),
    name: varchar("name", { length: 256 }).notNull(),
    artifactLocation: varchar("artifact_location", { length: 256 }),
    lifecycleStage: varchar("lifecycle_stage", { length: 32 }),
    creationTime: bigint("creation_time", { mode: "number" }),
    lastUpdateTime: bigint("last_update_time", { mode: "number" }),
    workspace: varchar("workspace", { length: 63 }).default("default").notNull(),
  },
  (t) => [
    primaryKey({ name: "experiment_pk", columns: [t.experimentId] }),
    unique("uq_experiments_workspace_name").on(t.workspace, t.name),
    index("idx_experiments_workspace").on(t.workspace),
    index("idx_experiments_workspace_creation_time").on(t.workspace, t.creationTime),
    check("experiments_lifecycle_stage", sql`${t.lifecycleStage} IN ('active', 'deleted')`),
  ],
);

export const experimentTags = pgTable(
  "experiment_tags",
  {
    key: varchar("key", { length: 250 }).notNull(),
    value: text("value"),
    experimentId: integer("experiment_id").notNull(),
  },
  (t) => [
    primaryKey({ name: "experiment_tag_pk", columns: [t.key, t.experimentId] }),
    foreignKey({ name: "experiment_tags_experiment_id_fkey", columns: [t.experimentId], foreignColumns: [experiments.experimentId] }),
  ],
);

export const runs = pgTable(
  "runs",
  {
    runUuid: varchar("run_uuid", { length: 32 }).notNull(),
    name: varchar("name", { length: 250 }),
    sourceType: varchar("source_type", { length: 20 }),
    sourceName: varchar("source_name", { length: 500 }),
    entryPointName: varchar("entry_point_name", { length: 50 }),
    userId: varchar("user_id", { length: 256 }),
    status: varchar("status", { length: 9 }),
    startTime: bigint("start_time", { mode: "number" }),
    endTime: bigint("end_time", { mode: "number" }),
    sourceVersion: varchar("source_version", { length: 50 }),
    lifecycleStage: varchar("lifecycle_stage", { length: 20 }),
    artifactUri: varchar("artifact_uri", { length: 200 }),
    experimentId: integer("experiment_id"),
    deletedTime: bigint("deleted_time", { mode: "number" }),
  },
  (t) => [
    primaryKey({ name: "run_pk", columns: [t.runUuid] }),
    foreignKey({ name: "runs_experiment_id_fkey", columns: [t.experimentId], foreignColumns: [experiments.experimentId] }),
    check("runs_lifecycle_stage", sql`${t.lifecycleStage} IN ('active', 'deleted')`),
    check("runs_status_check", sql`${t.status} IN ('SCHEDULED', 'FAILED', 'FINISHED', 'RUNNING', 'KILLED')`),
    check("source_type", sql`${t.sourceType} IN ('NOTEBOOK', 'JOB', 'LOCAL', 'UNKNOWN', 'PROJECT')`),
  ],
);

export const params = pgTable(
  "params",
  {
    key: varchar("key", { length: 250 }).notNull(),
    value: varchar("value", { length: 8000 }).notNull(),
    runUuid: varchar("run_uuid", { length: 32 }).notNull(),
  },
  (t) => [
    primaryKey({ name: "param_pk", columns: [t.key, t.runUuid] }),
    index("index_params_run_uuid").on(t.runUuid),
    foreignKey({ name: "params_run_uuid_fkey", columns: [t.runUuid], foreignColumns: [runs.runUuid] }),
  ],
);

export const tags = pgTable(
  "tags",
  {
    key: varchar("key", { length: 250 }).notNull(),
    value: varchar("value", { length: 8000 }),
    runUuid: varchar("run_uuid", { length: 32 }).notNull(),
  },
  (t) => [
    primaryKey({ name: "tag_pk", columns: [t.key, t.runUuid] }),
    index("index_tags_run_uuid").on(t.runUuid),
    foreignKey({ name: "tags_run_uuid_fkey", columns: [t.runUuid], foreignColumns: [runs.runUuid] }),
  ],
);

export const metrics = pgTable(
  "metrics",
  {
    key: varchar("key", { length: 250 }).notNull(),
    value: doublePrecision("value").notNull(),
    timestamp: bigint("timestamp", { mode: "number" }).notNull(),
    runUuid: varchar("run_uuid", { length: 32 }).notNull(),
    step: bigint("step", { mode: "number" }).default(sql`'0'::bigint`).notNull(),
    isNan: boolean("is_nan").default(false).notNull(),
  },
  (t) => [
    primaryKey({ name: "metric_pk", columns: [t.key, t.timestamp, t.step, t.runUuid, t.value, t.isNan] }),
    index("index_metrics_run_uuid").on(t.runUuid),
    index("index_metrics_run_uuid_key_step").on(t.runUuid, t.key, t.step),
    foreignKey({ name: "metrics_run_uuid_fkey", columns: [t.runUuid], foreignColumns: [runs.runUuid] }),
  ],
);

export const latestMetrics = pgTable(
  "latest_metrics",
  {
    key: varchar("key", { length: 250 }).notNull(),
    value: doublePrecision("value").notNull(),
    timestamp: bigint("timestamp", { mode: "number" }),
    step: bigint("step", { mode: "number" }).notNull(),
    isNan: boolean("is_nan").notNull(),
    runUuid: varchar("run_uuid", { length: 32 }).notNull(),
  },
  (t) => [
    primaryKey({ name: "latest_metric_pk", columns: [t.key, t.runUuid] }),
    index("index_latest_metrics_run_uuid").on(t.runUuid),
    foreignKey({ name: "latest_metrics_run_uuid_fkey", columns: [t.runUuid], foreignColumns: [runs.runUuid] }),
  ],
);

export const datasets = pgTable(
  "datasets",
  {
    datasetUuid: varchar("dataset_uuid", { length: 36 }).notNull(),
    experimentId: integer("experiment_id").notNull(),
    name: varchar("name", { length: 500 }).notNull(),
    digest: varchar("digest", { length: 36 }).notNull(),
    datasetSourceType: varchar("dataset_source_type", { length: 36 }).notNull(),
    datasetSource: text("dataset_source").notNull(),
    datasetSchema: text("dataset_schema"),
    datasetProfile: text("dataset_profile"),
  },
  (t) => [
    primaryKey({ name: "dataset_pk", columns: [t.experimentId, t.name, t.digest] }),
    index("index_datasets_dataset_uuid").on(t.datasetUuid),
    index("index_datasets_experiment_id_dataset_source_type").on(t.experimentId, t.datasetSourceType),
    foreignKey({ name: "fk_datasets_experiment_id_experiments", columns: [t.experimentId], foreignColumns: [experiments.experimentId] }).onDelete("cascade"),
  ],
);

export const inputs = pgTable(
  "inputs",
  {
    inputUuid: varchar("input_uuid", { length: 36 }).notNull(),
    sourceType: varchar("source_type", { length: 36 }).notNull(),
    sourceId: varchar("source_id", { length: 36 }).notNull(),
    destinationType: varchar("destination_type", { length: 36 }).notNull(),
    destinationId: varchar("destination_id", { length: 36 }).notNull(),
    step: bigint("step", { mode: "number" }).default(sql`'0'::bigint`).notNull(),
  },
  (t) => [
    primaryKey({ name: "inputs_pk", columns: [t.sourceType, t.sourceId, t.destinationType, t.destinationId] }),
    index("index_inputs_destination_type_destination_id_source_type").on(t.destinationType, t.destinationId, t.sourceType),
    index("index_inputs_input_uuid").on(t.inputUuid),
  ],
);

export const inputTags = pgTable(
  "input_tags",
  {
    inputUuid: varchar("input_uuid", { length: 36 }).notNull(),
    name: varchar("name", { length: 255 }).notNull(),
    value: varchar("value", { length: 500 }).notNull(),
  },
  (t) => [primaryKey({ name: "input_tags_pk", columns: [t.inputUuid, t.name] })],
);
