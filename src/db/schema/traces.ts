/**
 * Tracing tables: trace_info and its tags/metadata/metrics, spans, span metrics, assessments, and the
 * SQL trace analytics daily rollups. The two covering indexes on spans that use INCLUDE (...) WHERE ...
 * (idx_spans_cost_exp_time_cover, idx_spans_cost_trace_time_cover) cannot be expressed in Drizzle;
 * they are created by the custom migration drizzle/0001_mlflow_3_18_extras.sql.
 *
 * Column for column as MLflow 3.18.0's SQLAlchemy store creates them on Postgres (alembic head
 * f4a9b2c7d1e6), with the same constraint and index names. Do not change types here: additive
 * changes go in ./additions.ts.
 */
import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  date,
  doublePrecision,
  foreignKey,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  varchar,
} from "drizzle-orm/pg-core";
import { experiments } from "./tracking";

export const traceInfo = pgTable(
  "trace_info",
  {
    requestId: varchar("request_id", { length: 50 }).notNull(),
    experimentId: integer("experiment_id").notNull(),
    timestampMs: bigint("timestamp_ms", { mode: "number" }).notNull(),
    executionTimeMs: bigint("execution_time_ms", { mode: "number" }),
    status: varchar("status", { length: 50 }).notNull(),
    clientRequestId: varchar("client_request_id", { length: 50 }),
    requestPreview: varchar("request_preview", { length: 1000 }),
    responsePreview: varchar("response_preview", { length: 1000 }),
    dbPayloadGeneration: integer("db_payload_generation").default(0).notNull(),
    traceName: varchar("trace_name", { length: 4096 }),
    sessionId: varchar("session_id", { length: 250 }),
    inputTokens: bigint("input_tokens", { mode: "number" }),
    outputTokens: bigint("output_tokens", { mode: "number" }),
    totalTokens: bigint("total_tokens", { mode: "number" }),
    cacheReadInputTokens: bigint("cache_read_input_tokens", { mode: "number" }),
    cacheCreationInputTokens: bigint("cache_creation_input_tokens", { mode: "number" }),
    cacheCreationInputTokensAbove1hr: bigint("cache_creation_input_tokens_above_1hr", { mode: "number" }),
    inputCost: doublePrecision("input_cost"),
    outputCost: doublePrecision("output_cost"),
    totalCost: doublePrecision("total_cost"),
  },
  (t) => [
    primaryKey({ name: "trace_info_pk", columns: [t.requestId] }),
    index("index_trace_info_experiment_id_session_id").on(t.experimentId, t.sessionId),
    index("index_trace_info_experiment_id_timestamp_ms").on(t.experimentId, t.timestampMs),
    index("index_trace_info_timestamp_ms_request_id").on(t.timestampMs, t.requestId),
    foreignKey({ name: "fk_trace_info_experiment_id", columns: [t.experimentId], foreignColumns: [experiments.experimentId] }).onDelete("cascade"),
  ],
);

export const traceTags = pgTable(
  "trace_tags",
  {
    key: varchar("key", { length: 250 }).notNull(),
    value: varchar("value", { length: 8000 }),
    requestId: varchar("request_id", { length: 50 }).notNull(),
  },
  (t) => [
    primaryKey({ name: "trace_tag_pk", columns: [t.key, t.requestId] }),
    index("index_trace_tags_request_id").on(t.requestId),
    foreignKey({ name: "fk_trace_tags_request_id", columns: [t.requestId], foreignColumns: [traceInfo.requestId] }).onDelete("cascade"),
  ],
);

export const traceRequestMetadata = pgTable(
  "trace_request_metadata",
  {
    key: varchar("key", { length: 250 }).notNull(),
    value: varchar("value", { length: 8000 }),
    requestId: varchar("request_id", { length: 50 }).notNull(),
  },
  (t) => [
    primaryKey({ name: "trace_request_metadata_pk", columns: [t.key, t.requestId] }),
    index("index_trace_request_metadata_request_id").on(t.requestId),
    foreignKey({ name: "fk_trace_request_metadata_request_id", columns: [t.requestId], foreignColumns: [traceInfo.requestId] }).onDelete("cascade"),
  ],
);

export const traceMetrics = pgTable(
  "trace_metrics",
  {
    requestId: varchar("request_id", { length: 50 }).notNull(),
    key: varchar("key", { length: 250 }).notNull(),
    value: doublePrecision("value"),
  },
  (t) => [
    primaryKey({ name: "trace_metrics_pk", columns: [t.requestId, t.key] }),
    index("index_trace_metrics_request_id").on(t.requestId),
    foreignKey({ name: "fk_trace_metrics_request_id", columns: [t.requestId], foreignColumns: [traceInfo.requestId] }).onDelete("cascade"),
  ],
);

export const spans = pgTable(
  "spans",
  {
    traceId: varchar("trace_id", { length: 50 }).notNull(),
    experimentId: integer("experiment_id").notNull(),
    spanId: varchar("span_id", { length: 50 }).notNull(),
    parentSpanId: varchar("parent_span_id", { length: 50 }),
    name: text("name"),
    type: varchar("type", { length: 500 }),
    status: varchar("status", { length: 50 }).notNull(),
    startTimeUnixNano: bigint("start_time_unix_nano", { mode: "number" }).notNull(),
    endTimeUnixNano: bigint("end_time_unix_nano", { mode: "number" }),
    durationNs: bigint("duration_ns", { mode: "number" }).generatedAlwaysAs(sql`end_time_unix_nano - start_time_unix_nano`),
    content: text("content").notNull(),
    inputCost: doublePrecision("input_cost"),
    outputCost: doublePrecision("output_cost"),
    totalCost: doublePrecision("total_cost"),
    modelName: varchar("model_name", { length: 500 }),
    modelProvider: varchar("model_provider", { length: 500 }),
  },
  (t) => [
    primaryKey({ name: "spans_pk", columns: [t.traceId, t.spanId] }),
    // idx_spans_cost_exp_time_cover: INCLUDE/WHERE index, created in drizzle/0001 (custom SQL)
    // idx_spans_cost_trace_time_cover: INCLUDE/WHERE index, created in drizzle/0001 (custom SQL)
    index("index_spans_experiment_id_duration").on(t.experimentId, t.durationNs),
    index("index_spans_experiment_id_start_time").on(t.experimentId, t.startTimeUnixNano),
    index("index_spans_experiment_id_status_type").on(t.experimentId, t.status, t.type),
    index("index_spans_experiment_id_type_status").on(t.experimentId, t.type, t.status),
    foreignKey({ name: "fk_spans_experiment_id", columns: [t.experimentId], foreignColumns: [experiments.experimentId] }),
    foreignKey({ name: "fk_spans_trace_id", columns: [t.traceId], foreignColumns: [traceInfo.requestId] }).onDelete("cascade"),
  ],
);

export const spanMetrics = pgTable(
  "span_metrics",
  {
    traceId: varchar("trace_id", { length: 50 }).notNull(),
    spanId: varchar("span_id", { length: 50 }).notNull(),
    key: varchar("key", { length: 250 }).notNull(),
    value: doublePrecision("value"),
  },
  (t) => [
    primaryKey({ name: "span_metrics_pk", columns: [t.traceId, t.spanId, t.key] }),
    index("index_span_metrics_trace_id_span_id").on(t.traceId, t.spanId),
    foreignKey({ name: "fk_span_metrics_span", columns: [t.traceId, t.spanId], foreignColumns: [spans.traceId, spans.spanId] }).onDelete("cascade"),
  ],
);

export const assessments = pgTable(
  "assessments",
  {
    assessmentId: varchar("assessment_id", { length: 50 }).notNull(),
    traceId: varchar("trace_id", { length: 50 }).notNull(),
    name: varchar("name", { length: 250 }).notNull(),
    assessmentType: varchar("assessment_type", { length: 20 }).notNull(),
    value: text("value").notNull(),
    error: text("error"),
    createdTimestamp: bigint("created_timestamp", { mode: "number" }).notNull(),
    lastUpdatedTimestamp: bigint("last_updated_timestamp", { mode: "number" }).notNull(),
    sourceType: varchar("source_type", { length: 50 }).notNull(),
    sourceId: varchar("source_id", { length: 250 }),
    runId: varchar("run_id", { length: 32 }),
    spanId: varchar("span_id", { length: 50 }),
    rationale: text("rationale"),
    overrides: varchar("overrides", { length: 50 }),
    valid: boolean("valid").notNull(),
    assessmentMetadata: text("assessment_metadata"),
    experimentId: integer("experiment_id"),
    traceTimestampMs: bigint("trace_timestamp_ms", { mode: "number" }),
    aggregateValue: doublePrecision("aggregate_value"),
    isNumericValue: boolean("is_numeric_value").default(false).notNull(),
  },
  (t) => [
    primaryKey({ name: "assessments_pk", columns: [t.assessmentId] }),
    index("idx_assessments_exp_name_valid").on(t.experimentId, t.name, t.valid),
    index("idx_assessments_exp_trace_ts").on(t.experimentId, t.traceTimestampMs),
    index("idx_assessments_exp_trace_ts_name").on(t.experimentId, t.traceTimestampMs, t.name),
    index("index_assessments_assessment_type").on(t.assessmentType),
    index("index_assessments_last_updated_timestamp").on(t.lastUpdatedTimestamp),
    index("index_assessments_run_id_created_timestamp").on(t.runId, t.createdTimestamp),
    index("index_assessments_trace_id_created_timestamp").on(t.traceId, t.createdTimestamp),
    foreignKey({ name: "fk_assessments_trace_id", columns: [t.traceId], foreignColumns: [traceInfo.requestId] }).onDelete("cascade"),
  ],
);

export const sqlTraceMetricDailyRollups = pgTable(
  "sql_trace_metric_daily_rollups",
  {
    id: bigint("id", { mode: "number" }).generatedByDefaultAsIdentity({ name: "sql_trace_metric_daily_rollups_id_seq", startWith: 1, increment: 1, cache: 1 }),
    experimentId: integer("experiment_id").notNull(),
    rollupDay: date("rollup_day", { mode: "string" }).notNull(),
    metricName: varchar("metric_name", { length: 250 }).notNull(),
    groupingSet: varchar("grouping_set", { length: 50 }).notNull(),
    traceStatus: varchar("trace_status", { length: 50 }),
    sampleCount: bigint("sample_count", { mode: "number" }).notNull(),
    sumValue: doublePrecision("sum_value"),
    minValue: doublePrecision("min_value"),
    maxValue: doublePrecision("max_value"),
    p50Value: doublePrecision("p50_value"),
    p90Value: doublePrecision("p90_value"),
    p99Value: doublePrecision("p99_value"),
  },
  (t) => [
    primaryKey({ name: "sql_trace_metric_daily_rollups_pk", columns: [t.id] }),
    index("idx_trace_rollups_lookup").on(t.experimentId, t.rollupDay, t.metricName, t.groupingSet, t.traceStatus),
  ],
);

export const sqlSpanCostDailyRollups = pgTable(
  "sql_span_cost_daily_rollups",
  {
    id: bigint("id", { mode: "number" }).generatedByDefaultAsIdentity({ name: "sql_span_cost_daily_rollups_id_seq", startWith: 1, increment: 1, cache: 1 }),
    experimentId: integer("experiment_id").notNull(),
    rollupDay: date("rollup_day", { mode: "string" }).notNull(),
    metricName: varchar("metric_name", { length: 250 }).notNull(),
    groupingSet: varchar("grouping_set", { length: 50 }).notNull(),
    modelName: varchar("model_name", { length: 500 }),
    modelProvider: varchar("model_provider", { length: 500 }),
    sampleCount: bigint("sample_count", { mode: "number" }).notNull(),
    sumValue: doublePrecision("sum_value"),
    minValue: doublePrecision("min_value"),
    maxValue: doublePrecision("max_value"),
  },
  (t) => [
    primaryKey({ name: "sql_span_cost_daily_rollups_pk", columns: [t.id] }),
    index("idx_span_cost_rollups_lookup").on(t.experimentId, t.rollupDay, t.metricName, t.groupingSet, t.modelName, t.modelProvider),
  ],
);

export const sqlAssessmentDailyRollups = pgTable(
  "sql_assessment_daily_rollups",
  {
    id: bigint("id", { mode: "number" }).generatedByDefaultAsIdentity({ name: "sql_assessment_daily_rollups_id_seq", startWith: 1, increment: 1, cache: 1 }),
    experimentId: integer("experiment_id").notNull(),
    rollupDay: date("rollup_day", { mode: "string" }).notNull(),
    metricName: varchar("metric_name", { length: 250 }).notNull(),
    groupingSet: varchar("grouping_set", { length: 50 }).notNull(),
    sampleCount: bigint("sample_count", { mode: "number" }).notNull(),
    sumValue: doublePrecision("sum_value"),
    minValue: doublePrecision("min_value"),
    maxValue: doublePrecision("max_value"),
  },
  (t) => [
    primaryKey({ name: "sql_assessment_daily_rollups_pk", columns: [t.id] }),
    index("idx_assessment_rollups_lookup").on(t.experimentId, t.rollupDay, t.metricName, t.groupingSet),
  ],
);

export const sqlTraceRollupRebuildQueue = pgTable(
  "sql_trace_rollup_rebuild_queue",
  {
    experimentId: integer("experiment_id").notNull(),
    rollupDay: date("rollup_day", { mode: "string" }).notNull(),
    rollupFamily: varchar("rollup_family", { length: 50 }).notNull(),
  },
  (t) => [
    primaryKey({ name: "sql_trace_rollup_rebuild_queue_pk", columns: [t.experimentId, t.rollupDay, t.rollupFamily] }),
  ],
);
