/**
 * GenAI tables: evaluation datasets, scorers and online scoring configs, issues, label schemas and
 * review queues.
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
  json,
  pgTable,
  primaryKey,
  text,
  unique,
  uniqueIndex,
  varchar,
} from "drizzle-orm/pg-core";
import { experiments, runs } from "./tracking";

export const evaluationDatasets = pgTable(
  "evaluation_datasets",
  {
    datasetId: varchar("dataset_id", { length: 36 }).notNull(),
    name: varchar("name", { length: 255 }).notNull(),
    schema: text("schema"),
    profile: text("profile"),
    digest: varchar("digest", { length: 64 }),
    createdTime: bigint("created_time", { mode: "number" }),
    lastUpdateTime: bigint("last_update_time", { mode: "number" }),
    createdBy: varchar("created_by", { length: 255 }),
    lastUpdatedBy: varchar("last_updated_by", { length: 255 }),
    workspace: varchar("workspace", { length: 63 }).default("default").notNull(),
  },
  (t) => [
    primaryKey({ name: "evaluation_datasets_pk", columns: [t.datasetId] }),
    index("idx_evaluation_datasets_workspace").on(t.workspace),
    index("index_evaluation_datasets_created_time").on(t.createdTime),
    index("index_evaluation_datasets_name").on(t.name),
  ],
);

export const evaluationDatasetTags = pgTable(
  "evaluation_dataset_tags",
  {
    datasetId: varchar("dataset_id", { length: 36 }).notNull(),
    key: varchar("key", { length: 255 }).notNull(),
    value: varchar("value", { length: 5000 }),
  },
  (t) => [
    primaryKey({ name: "evaluation_dataset_tags_pk", columns: [t.datasetId, t.key] }),
    index("index_evaluation_dataset_tags_dataset_id").on(t.datasetId),
    foreignKey({ name: "fk_evaluation_dataset_tags_dataset_id", columns: [t.datasetId], foreignColumns: [evaluationDatasets.datasetId] }).onDelete("cascade"),
  ],
);

export const evaluationDatasetRecords = pgTable(
  "evaluation_dataset_records",
  {
    datasetRecordId: varchar("dataset_record_id", { length: 36 }).notNull(),
    datasetId: varchar("dataset_id", { length: 36 }).notNull(),
    inputs: json("inputs").notNull(),
    expectations: json("expectations"),
    tags: json("tags"),
    source: json("source"),
    sourceId: varchar("source_id", { length: 36 }),
    sourceType: varchar("source_type", { length: 255 }),
    createdTime: bigint("created_time", { mode: "number" }),
    lastUpdateTime: bigint("last_update_time", { mode: "number" }),
    createdBy: varchar("created_by", { length: 255 }),
    lastUpdatedBy: varchar("last_updated_by", { length: 255 }),
    inputHash: varchar("input_hash", { length: 64 }).notNull(),
    outputs: json("outputs"),
  },
  (t) => [
    primaryKey({ name: "evaluation_dataset_records_pk", columns: [t.datasetRecordId] }),
    unique("unique_dataset_input").on(t.datasetId, t.inputHash),
    index("index_evaluation_dataset_records_dataset_id").on(t.datasetId),
    foreignKey({ name: "fk_evaluation_dataset_records_dataset_id", columns: [t.datasetId], foreignColumns: [evaluationDatasets.datasetId] }).onDelete("cascade"),
  ],
);

export const scorers = pgTable(
  "scorers",
  {
    experimentId: integer("experiment_id").notNull(),
    scorerName: varchar("scorer_name", { length: 256 }).notNull(),
    scorerId: varchar("scorer_id", { length: 36 }).notNull(),
  },
  (t) => [
    primaryKey({ name: "scorer_pk", columns: [t.scorerId] }),
    uniqueIndex("index_scorers_experiment_id_scorer_name").on(t.experimentId, t.scorerName),
    foreignKey({ name: "fk_scorers_experiment_id", columns: [t.experimentId], foreignColumns: [experiments.experimentId] }).onDelete("cascade"),
  ],
);

export const scorerVersions = pgTable(
  "scorer_versions",
  {
    scorerId: varchar("scorer_id", { length: 36 }).notNull(),
    scorerVersion: integer("scorer_version").notNull(),
    serializedScorer: text("serialized_scorer").notNull(),
    creationTime: bigint("creation_time", { mode: "number" }),
  },
  (t) => [
    primaryKey({ name: "scorer_version_pk", columns: [t.scorerId, t.scorerVersion] }),
    index("index_scorer_versions_scorer_id").on(t.scorerId),
    foreignKey({ name: "fk_scorer_versions_scorer_id", columns: [t.scorerId], foreignColumns: [scorers.scorerId] }).onDelete("cascade"),
  ],
);

export const onlineScoringConfigs = pgTable(
  "online_scoring_configs",
  {
    onlineScoringConfigId: varchar("online_scoring_config_id", { length: 36 }).notNull(),
    scorerId: varchar("scorer_id", { length: 36 }).notNull(),
    sampleRate: doublePrecision("sample_rate").notNull(),
    experimentId: integer("experiment_id").notNull(),
    filterString: text("filter_string"),
  },
  (t) => [
    primaryKey({ name: "online_scoring_config_pk", columns: [t.onlineScoringConfigId] }),
    foreignKey({ name: "fk_online_scoring_configs_experiment_id", columns: [t.experimentId], foreignColumns: [experiments.experimentId] }),
    foreignKey({ name: "fk_online_scoring_configs_scorer_id", columns: [t.scorerId], foreignColumns: [scorers.scorerId] }).onDelete("cascade"),
  ],
);

export const issues = pgTable(
  "issues",
  {
    issueId: varchar("issue_id", { length: 36 }).notNull(),
    experimentId: integer("experiment_id").notNull(),
    name: varchar("name", { length: 250 }).notNull(),
    description: text("description").notNull(),
    status: varchar("status", { length: 50 }).notNull(),
    severity: varchar("severity", { length: 50 }),
    rootCauses: text("root_causes"),
    sourceRunId: varchar("source_run_id", { length: 32 }),
    categories: text("categories"),
    createdTimestamp: bigint("created_timestamp", { mode: "number" }).notNull(),
    lastUpdatedTimestamp: bigint("last_updated_timestamp", { mode: "number" }).notNull(),
    createdBy: varchar("created_by", { length: 255 }),
    lastSeenTimestamp: bigint("last_seen_timestamp", { mode: "number" }),
    lastUpdatedBy: varchar("last_updated_by", { length: 255 }),
    metadata: text("metadata"),
  },
  (t) => [
    primaryKey({ name: "issues_pk", columns: [t.issueId] }),
    index("index_issues_experiment_id").on(t.experimentId),
    index("index_issues_experiment_last_seen").on(t.experimentId, t.lastSeenTimestamp),
    index("index_issues_experiment_updated").on(t.experimentId, t.lastUpdatedTimestamp),
    index("index_issues_source_run_id").on(t.sourceRunId),
    index("index_issues_status").on(t.status),
    foreignKey({ name: "fk_issues_experiment_id", columns: [t.experimentId], foreignColumns: [experiments.experimentId] }).onDelete("cascade"),
    foreignKey({ name: "fk_issues_source_run_id", columns: [t.sourceRunId], foreignColumns: [runs.runUuid] }).onDelete("set null"),
  ],
);

export const issueCategories = pgTable(
  "issue_categories",
  {
    issueId: varchar("issue_id", { length: 36 }).notNull(),
    categoryHash: varchar("category_hash", { length: 64 }).notNull(),
    category: text("category").notNull(),
  },
  (t) => [
    primaryKey({ name: "issue_categories_pk", columns: [t.issueId, t.categoryHash] }),
    index("index_issue_categories_hash").on(t.categoryHash),
    foreignKey({ name: "fk_issue_categories_issue_id", columns: [t.issueId], foreignColumns: [issues.issueId] }).onDelete("cascade"),
  ],
);

export const labelSchemas = pgTable(
  "label_schemas",
  {
    schemaId: varchar("schema_id", { length: 36 }).notNull(),
    experimentId: integer("experiment_id").notNull(),
    name: varchar("name", { length: 250 }).notNull(),
    type: varchar("type", { length: 16 }).notNull(),
    instruction: text("instruction"),
    enableComment: boolean("enable_comment").default(false).notNull(),
    inputType: varchar("input_type", { length: 32 }).notNull(),
    inputConfig: text("input_config").notNull(),
    createdBy: varchar("created_by", { length: 255 }),
    createdTime: bigint("created_time", { mode: "number" }).notNull(),
    lastUpdateTime: bigint("last_update_time", { mode: "number" }).notNull(),
    isDefault: boolean("is_default").default(false).notNull(),
  },
  (t) => [
    primaryKey({ name: "label_schemas_pk", columns: [t.schemaId] }),
    unique("uq_label_schemas_exp_name").on(t.experimentId, t.name),
    index("index_label_schemas_experiment_id").on(t.experimentId),
    foreignKey({ name: "fk_label_schemas_experiment_id", columns: [t.experimentId], foreignColumns: [experiments.experimentId] }).onDelete("cascade"),
  ],
);

export const reviewQueues = pgTable(
  "review_queues",
  {
    queueId: varchar("queue_id", { length: 36 }).notNull(),
    experimentId: integer("experiment_id").notNull(),
    name: varchar("name", { length: 250 }).notNull(),
    queueType: varchar("queue_type", { length: 16 }).notNull(),
    createdBy: varchar("created_by", { length: 255 }),
    creationTimeMs: bigint("creation_time_ms", { mode: "number" }).notNull(),
    lastUpdateTimeMs: bigint("last_update_time_ms", { mode: "number" }).notNull(),
    nameKey: varchar("name_key", { length: 250 }).notNull(),
  },
  (t) => [
    primaryKey({ name: "review_queues_pk", columns: [t.queueId] }),
    unique("uq_review_queues_experiment_name_key").on(t.experimentId, t.nameKey),
    index("index_review_queues_experiment_id").on(t.experimentId),
    foreignKey({ name: "fk_review_queues_experiment_id", columns: [t.experimentId], foreignColumns: [experiments.experimentId] }).onDelete("cascade"),
  ],
);

export const reviewQueueItems = pgTable(
  "review_queue_items",
  {
    queueId: varchar("queue_id", { length: 36 }).notNull(),
    itemType: varchar("item_type", { length: 16 }).notNull(),
    itemId: varchar("item_id", { length: 50 }).notNull(),
    status: varchar("status", { length: 16 }).notNull(),
    completedBy: varchar("completed_by", { length: 250 }),
    completedTimeMs: bigint("completed_time_ms", { mode: "number" }),
    creationTimeMs: bigint("creation_time_ms", { mode: "number" }).notNull(),
    lastUpdateTimeMs: bigint("last_update_time_ms", { mode: "number" }).notNull(),
  },
  (t) => [
    primaryKey({ name: "review_queue_items_pk", columns: [t.queueId, t.itemId] }),
    index("index_review_queue_items_item_id").on(t.itemId),
    index("index_review_queue_items_queue_id_status").on(t.queueId, t.status),
    foreignKey({ name: "fk_review_queue_items_queue_id", columns: [t.queueId], foreignColumns: [reviewQueues.queueId] }).onDelete("cascade"),
  ],
);

export const reviewQueueLabelSchemas = pgTable(
  "review_queue_label_schemas",
  {
    queueId: varchar("queue_id", { length: 36 }).notNull(),
    schemaId: varchar("schema_id", { length: 36 }).notNull(),
  },
  (t) => [
    primaryKey({ name: "review_queue_label_schemas_pk", columns: [t.queueId, t.schemaId] }),
    index("index_review_queue_label_schemas_schema_id").on(t.schemaId),
    foreignKey({ name: "fk_review_queue_label_schemas_queue_id", columns: [t.queueId], foreignColumns: [reviewQueues.queueId] }).onDelete("cascade"),
  ],
);

export const reviewQueueUsers = pgTable(
  "review_queue_users",
  {
    queueId: varchar("queue_id", { length: 36 }).notNull(),
    userId: varchar("user_id", { length: 250 }).notNull(),
  },
  (t) => [
    primaryKey({ name: "review_queue_users_pk", columns: [t.queueId, t.userId] }),
    index("index_review_queue_users_user_id").on(t.userId),
    foreignKey({ name: "fk_review_queue_users_queue_id", columns: [t.queueId], foreignColumns: [reviewQueues.queueId] }).onDelete("cascade"),
  ],
);
