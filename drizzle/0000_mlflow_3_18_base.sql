CREATE TABLE "datasets" (
	"dataset_uuid" varchar(36) NOT NULL,
	"experiment_id" integer NOT NULL,
	"name" varchar(500) NOT NULL,
	"digest" varchar(36) NOT NULL,
	"dataset_source_type" varchar(36) NOT NULL,
	"dataset_source" text NOT NULL,
	"dataset_schema" text,
	"dataset_profile" text,
	CONSTRAINT "dataset_pk" PRIMARY KEY("experiment_id","name","digest")
);
--> statement-breakpoint
CREATE TABLE "experiment_tags" (
	"key" varchar(250) NOT NULL,
	"value" text,
	"experiment_id" integer NOT NULL,
	CONSTRAINT "experiment_tag_pk" PRIMARY KEY("key","experiment_id")
);
--> statement-breakpoint
CREATE TABLE "experiments" (
	"experiment_id" serial NOT NULL,
	"name" varchar(256) NOT NULL,
	"artifact_location" varchar(256),
	"lifecycle_stage" varchar(32),
	"creation_time" bigint,
	"last_update_time" bigint,
	"workspace" varchar(63) DEFAULT 'default' NOT NULL,
	CONSTRAINT "experiment_pk" PRIMARY KEY("experiment_id"),
	CONSTRAINT "uq_experiments_workspace_name" UNIQUE("workspace","name"),
	CONSTRAINT "experiments_lifecycle_stage" CHECK ("experiments"."lifecycle_stage" IN ('active', 'deleted'))
);
--> statement-breakpoint
CREATE TABLE "input_tags" (
	"input_uuid" varchar(36) NOT NULL,
	"name" varchar(255) NOT NULL,
	"value" varchar(500) NOT NULL,
	CONSTRAINT "input_tags_pk" PRIMARY KEY("input_uuid","name")
);
--> statement-breakpoint
CREATE TABLE "inputs" (
	"input_uuid" varchar(36) NOT NULL,
	"source_type" varchar(36) NOT NULL,
	"source_id" varchar(36) NOT NULL,
	"destination_type" varchar(36) NOT NULL,
	"destination_id" varchar(36) NOT NULL,
	"step" bigint DEFAULT '0'::bigint NOT NULL,
	CONSTRAINT "inputs_pk" PRIMARY KEY("source_type","source_id","destination_type","destination_id")
);
--> statement-breakpoint
CREATE TABLE "latest_metrics" (
	"key" varchar(250) NOT NULL,
	"value" double precision NOT NULL,
	"timestamp" bigint,
	"step" bigint NOT NULL,
	"is_nan" boolean NOT NULL,
	"run_uuid" varchar(32) NOT NULL,
	CONSTRAINT "latest_metric_pk" PRIMARY KEY("key","run_uuid")
);
--> statement-breakpoint
CREATE TABLE "metrics" (
	"key" varchar(250) NOT NULL,
	"value" double precision NOT NULL,
	"timestamp" bigint NOT NULL,
	"run_uuid" varchar(32) NOT NULL,
	"step" bigint DEFAULT '0'::bigint NOT NULL,
	"is_nan" boolean DEFAULT false NOT NULL,
	CONSTRAINT "metric_pk" PRIMARY KEY("key","timestamp","step","run_uuid","value","is_nan")
);
--> statement-breakpoint
CREATE TABLE "params" (
	"key" varchar(250) NOT NULL,
	"value" varchar(8000) NOT NULL,
	"run_uuid" varchar(32) NOT NULL,
	CONSTRAINT "param_pk" PRIMARY KEY("key","run_uuid")
);
--> statement-breakpoint
CREATE TABLE "runs" (
	"run_uuid" varchar(32) NOT NULL,
	"name" varchar(250),
	"source_type" varchar(20),
	"source_name" varchar(500),
	"entry_point_name" varchar(50),
	"user_id" varchar(256),
	"status" varchar(9),
	"start_time" bigint,
	"end_time" bigint,
	"source_version" varchar(50),
	"lifecycle_stage" varchar(20),
	"artifact_uri" varchar(200),
	"experiment_id" integer,
	"deleted_time" bigint,
	CONSTRAINT "run_pk" PRIMARY KEY("run_uuid"),
	CONSTRAINT "runs_lifecycle_stage" CHECK ("runs"."lifecycle_stage" IN ('active', 'deleted')),
	CONSTRAINT "runs_status_check" CHECK ("runs"."status" IN ('SCHEDULED', 'FAILED', 'FINISHED', 'RUNNING', 'KILLED')),
	CONSTRAINT "source_type" CHECK ("runs"."source_type" IN ('NOTEBOOK', 'JOB', 'LOCAL', 'UNKNOWN', 'PROJECT'))
);
--> statement-breakpoint
CREATE TABLE "tags" (
	"key" varchar(250) NOT NULL,
	"value" varchar(8000),
	"run_uuid" varchar(32) NOT NULL,
	CONSTRAINT "tag_pk" PRIMARY KEY("key","run_uuid")
);
--> statement-breakpoint
CREATE TABLE "model_version_tags" (
	"key" varchar(250) NOT NULL,
	"value" text,
	"name" varchar(256) NOT NULL,
	"version" integer NOT NULL,
	"workspace" varchar(63) DEFAULT 'default' NOT NULL,
	CONSTRAINT "model_version_tag_pk" PRIMARY KEY("workspace","key","name","version")
);
--> statement-breakpoint
CREATE TABLE "model_versions" (
	"name" varchar(256) NOT NULL,
	"version" integer NOT NULL,
	"creation_time" bigint,
	"last_updated_time" bigint,
	"description" varchar(5000),
	"user_id" varchar(256),
	"current_stage" varchar(20),
	"source" varchar(500),
	"run_id" varchar(32),
	"status" varchar(20),
	"status_message" varchar(500),
	"run_link" varchar(500),
	"storage_location" varchar(500),
	"workspace" varchar(63) DEFAULT 'default' NOT NULL,
	CONSTRAINT "model_version_pk" PRIMARY KEY("workspace","name","version")
);
--> statement-breakpoint
CREATE TABLE "registered_model_aliases" (
	"alias" varchar(256) NOT NULL,
	"version" integer NOT NULL,
	"name" varchar(256) NOT NULL,
	"workspace" varchar(63) DEFAULT 'default' NOT NULL,
	CONSTRAINT "registered_model_alias_pk" PRIMARY KEY("workspace","name","alias")
);
--> statement-breakpoint
CREATE TABLE "registered_model_tags" (
	"key" varchar(250) NOT NULL,
	"value" varchar(5000),
	"name" varchar(256) NOT NULL,
	"workspace" varchar(63) DEFAULT 'default' NOT NULL,
	CONSTRAINT "registered_model_tag_pk" PRIMARY KEY("workspace","key","name")
);
--> statement-breakpoint
CREATE TABLE "registered_models" (
	"name" varchar(256) NOT NULL,
	"creation_time" bigint,
	"last_updated_time" bigint,
	"description" varchar(5000),
	"workspace" varchar(63) DEFAULT 'default' NOT NULL,
	CONSTRAINT "registered_model_pk" PRIMARY KEY("workspace","name")
);
--> statement-breakpoint
CREATE TABLE "logged_model_metrics" (
	"model_id" varchar(36) NOT NULL,
	"metric_name" varchar(500) NOT NULL,
	"metric_timestamp_ms" bigint NOT NULL,
	"metric_step" bigint NOT NULL,
	"metric_value" double precision,
	"experiment_id" integer NOT NULL,
	"run_id" varchar(32) NOT NULL,
	"dataset_uuid" varchar(36),
	"dataset_name" varchar(500),
	"dataset_digest" varchar(36),
	CONSTRAINT "logged_model_metrics_pk" PRIMARY KEY("model_id","metric_name","metric_timestamp_ms","metric_step","run_id")
);
--> statement-breakpoint
CREATE TABLE "logged_model_params" (
	"model_id" varchar(36) NOT NULL,
	"experiment_id" integer NOT NULL,
	"param_key" varchar(255) NOT NULL,
	"param_value" text NOT NULL,
	CONSTRAINT "logged_model_params_pk" PRIMARY KEY("model_id","param_key")
);
--> statement-breakpoint
CREATE TABLE "logged_model_tags" (
	"model_id" varchar(36) NOT NULL,
	"experiment_id" integer NOT NULL,
	"tag_key" varchar(255) NOT NULL,
	"tag_value" text NOT NULL,
	CONSTRAINT "logged_model_tags_pk" PRIMARY KEY("model_id","tag_key")
);
--> statement-breakpoint
CREATE TABLE "logged_models" (
	"model_id" varchar(36) NOT NULL,
	"experiment_id" integer NOT NULL,
	"name" varchar(500) NOT NULL,
	"artifact_location" varchar(1000) NOT NULL,
	"creation_timestamp_ms" bigint NOT NULL,
	"last_updated_timestamp_ms" bigint NOT NULL,
	"status" integer NOT NULL,
	"lifecycle_stage" varchar(32),
	"model_type" varchar(500),
	"source_run_id" varchar(32),
	"status_message" varchar(1000),
	CONSTRAINT "logged_models_pk" PRIMARY KEY("model_id"),
	CONSTRAINT "logged_models_lifecycle_stage_check" CHECK ("logged_models"."lifecycle_stage" IN ('active', 'deleted'))
);
--> statement-breakpoint
CREATE TABLE "assessments" (
	"assessment_id" varchar(50) NOT NULL,
	"trace_id" varchar(50) NOT NULL,
	"name" varchar(250) NOT NULL,
	"assessment_type" varchar(20) NOT NULL,
	"value" text NOT NULL,
	"error" text,
	"created_timestamp" bigint NOT NULL,
	"last_updated_timestamp" bigint NOT NULL,
	"source_type" varchar(50) NOT NULL,
	"source_id" varchar(250),
	"run_id" varchar(32),
	"span_id" varchar(50),
	"rationale" text,
	"overrides" varchar(50),
	"valid" boolean NOT NULL,
	"assessment_metadata" text,
	"experiment_id" integer,
	"trace_timestamp_ms" bigint,
	"aggregate_value" double precision,
	"is_numeric_value" boolean DEFAULT false NOT NULL,
	CONSTRAINT "assessments_pk" PRIMARY KEY("assessment_id")
);
--> statement-breakpoint
CREATE TABLE "span_metrics" (
	"trace_id" varchar(50) NOT NULL,
	"span_id" varchar(50) NOT NULL,
	"key" varchar(250) NOT NULL,
	"value" double precision,
	CONSTRAINT "span_metrics_pk" PRIMARY KEY("trace_id","span_id","key")
);
--> statement-breakpoint
CREATE TABLE "spans" (
	"trace_id" varchar(50) NOT NULL,
	"experiment_id" integer NOT NULL,
	"span_id" varchar(50) NOT NULL,
	"parent_span_id" varchar(50),
	"name" text,
	"type" varchar(500),
	"status" varchar(50) NOT NULL,
	"start_time_unix_nano" bigint NOT NULL,
	"end_time_unix_nano" bigint,
	"duration_ns" bigint GENERATED ALWAYS AS (end_time_unix_nano - start_time_unix_nano) STORED,
	"content" text NOT NULL,
	"input_cost" double precision,
	"output_cost" double precision,
	"total_cost" double precision,
	"model_name" varchar(500),
	"model_provider" varchar(500),
	CONSTRAINT "spans_pk" PRIMARY KEY("trace_id","span_id")
);
--> statement-breakpoint
CREATE TABLE "sql_assessment_daily_rollups" (
	"id" bigint GENERATED BY DEFAULT AS IDENTITY (sequence name "sql_assessment_daily_rollups_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"experiment_id" integer NOT NULL,
	"rollup_day" date NOT NULL,
	"metric_name" varchar(250) NOT NULL,
	"grouping_set" varchar(50) NOT NULL,
	"sample_count" bigint NOT NULL,
	"sum_value" double precision,
	"min_value" double precision,
	"max_value" double precision,
	CONSTRAINT "sql_assessment_daily_rollups_pk" PRIMARY KEY("id")
);
--> statement-breakpoint
CREATE TABLE "sql_span_cost_daily_rollups" (
	"id" bigint GENERATED BY DEFAULT AS IDENTITY (sequence name "sql_span_cost_daily_rollups_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"experiment_id" integer NOT NULL,
	"rollup_day" date NOT NULL,
	"metric_name" varchar(250) NOT NULL,
	"grouping_set" varchar(50) NOT NULL,
	"model_name" varchar(500),
	"model_provider" varchar(500),
	"sample_count" bigint NOT NULL,
	"sum_value" double precision,
	"min_value" double precision,
	"max_value" double precision,
	CONSTRAINT "sql_span_cost_daily_rollups_pk" PRIMARY KEY("id")
);
--> statement-breakpoint
CREATE TABLE "sql_trace_metric_daily_rollups" (
	"id" bigint GENERATED BY DEFAULT AS IDENTITY (sequence name "sql_trace_metric_daily_rollups_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"experiment_id" integer NOT NULL,
	"rollup_day" date NOT NULL,
	"metric_name" varchar(250) NOT NULL,
	"grouping_set" varchar(50) NOT NULL,
	"trace_status" varchar(50),
	"sample_count" bigint NOT NULL,
	"sum_value" double precision,
	"min_value" double precision,
	"max_value" double precision,
	"p50_value" double precision,
	"p90_value" double precision,
	"p99_value" double precision,
	CONSTRAINT "sql_trace_metric_daily_rollups_pk" PRIMARY KEY("id")
);
--> statement-breakpoint
CREATE TABLE "sql_trace_rollup_rebuild_queue" (
	"experiment_id" integer NOT NULL,
	"rollup_day" date NOT NULL,
	"rollup_family" varchar(50) NOT NULL,
	CONSTRAINT "sql_trace_rollup_rebuild_queue_pk" PRIMARY KEY("experiment_id","rollup_day","rollup_family")
);
--> statement-breakpoint
CREATE TABLE "trace_info" (
	"request_id" varchar(50) NOT NULL,
	"experiment_id" integer NOT NULL,
	"timestamp_ms" bigint NOT NULL,
	"execution_time_ms" bigint,
	"status" varchar(50) NOT NULL,
	"client_request_id" varchar(50),
	"request_preview" varchar(1000),
	"response_preview" varchar(1000),
	"db_payload_generation" integer DEFAULT 0 NOT NULL,
	"trace_name" varchar(4096),
	"session_id" varchar(250),
	"input_tokens" bigint,
	"output_tokens" bigint,
	"total_tokens" bigint,
	"cache_read_input_tokens" bigint,
	"cache_creation_input_tokens" bigint,
	"cache_creation_input_tokens_above_1hr" bigint,
	"input_cost" double precision,
	"output_cost" double precision,
	"total_cost" double precision,
	CONSTRAINT "trace_info_pk" PRIMARY KEY("request_id")
);
--> statement-breakpoint
CREATE TABLE "trace_metrics" (
	"request_id" varchar(50) NOT NULL,
	"key" varchar(250) NOT NULL,
	"value" double precision,
	CONSTRAINT "trace_metrics_pk" PRIMARY KEY("request_id","key")
);
--> statement-breakpoint
CREATE TABLE "trace_request_metadata" (
	"key" varchar(250) NOT NULL,
	"value" varchar(8000),
	"request_id" varchar(50) NOT NULL,
	CONSTRAINT "trace_request_metadata_pk" PRIMARY KEY("key","request_id")
);
--> statement-breakpoint
CREATE TABLE "trace_tags" (
	"key" varchar(250) NOT NULL,
	"value" varchar(8000),
	"request_id" varchar(50) NOT NULL,
	CONSTRAINT "trace_tag_pk" PRIMARY KEY("key","request_id")
);
--> statement-breakpoint
CREATE TABLE "evaluation_dataset_records" (
	"dataset_record_id" varchar(36) NOT NULL,
	"dataset_id" varchar(36) NOT NULL,
	"inputs" json NOT NULL,
	"expectations" json,
	"tags" json,
	"source" json,
	"source_id" varchar(36),
	"source_type" varchar(255),
	"created_time" bigint,
	"last_update_time" bigint,
	"created_by" varchar(255),
	"last_updated_by" varchar(255),
	"input_hash" varchar(64) NOT NULL,
	"outputs" json,
	CONSTRAINT "evaluation_dataset_records_pk" PRIMARY KEY("dataset_record_id"),
	CONSTRAINT "unique_dataset_input" UNIQUE("dataset_id","input_hash")
);
--> statement-breakpoint
CREATE TABLE "evaluation_dataset_tags" (
	"dataset_id" varchar(36) NOT NULL,
	"key" varchar(255) NOT NULL,
	"value" varchar(5000),
	CONSTRAINT "evaluation_dataset_tags_pk" PRIMARY KEY("dataset_id","key")
);
--> statement-breakpoint
CREATE TABLE "evaluation_datasets" (
	"dataset_id" varchar(36) NOT NULL,
	"name" varchar(255) NOT NULL,
	"schema" text,
	"profile" text,
	"digest" varchar(64),
	"created_time" bigint,
	"last_update_time" bigint,
	"created_by" varchar(255),
	"last_updated_by" varchar(255),
	"workspace" varchar(63) DEFAULT 'default' NOT NULL,
	CONSTRAINT "evaluation_datasets_pk" PRIMARY KEY("dataset_id")
);
--> statement-breakpoint
CREATE TABLE "issue_categories" (
	"issue_id" varchar(36) NOT NULL,
	"category_hash" varchar(64) NOT NULL,
	"category" text NOT NULL,
	CONSTRAINT "issue_categories_pk" PRIMARY KEY("issue_id","category_hash")
);
--> statement-breakpoint
CREATE TABLE "issues" (
	"issue_id" varchar(36) NOT NULL,
	"experiment_id" integer NOT NULL,
	"name" varchar(250) NOT NULL,
	"description" text NOT NULL,
	"status" varchar(50) NOT NULL,
	"severity" varchar(50),
	"root_causes" text,
	"source_run_id" varchar(32),
	"categories" text,
	"created_timestamp" bigint NOT NULL,
	"last_updated_timestamp" bigint NOT NULL,
	"created_by" varchar(255),
	"last_seen_timestamp" bigint,
	"last_updated_by" varchar(255),
	"metadata" text,
	CONSTRAINT "issues_pk" PRIMARY KEY("issue_id")
);
--> statement-breakpoint
CREATE TABLE "label_schemas" (
	"schema_id" varchar(36) NOT NULL,
	"experiment_id" integer NOT NULL,
	"name" varchar(250) NOT NULL,
	"type" varchar(16) NOT NULL,
	"instruction" text,
	"enable_comment" boolean DEFAULT false NOT NULL,
	"input_type" varchar(32) NOT NULL,
	"input_config" text NOT NULL,
	"created_by" varchar(255),
	"created_time" bigint NOT NULL,
	"last_update_time" bigint NOT NULL,
	"is_default" boolean DEFAULT false NOT NULL,
	CONSTRAINT "label_schemas_pk" PRIMARY KEY("schema_id"),
	CONSTRAINT "uq_label_schemas_exp_name" UNIQUE("experiment_id","name")
);
--> statement-breakpoint
CREATE TABLE "online_scoring_configs" (
	"online_scoring_config_id" varchar(36) NOT NULL,
	"scorer_id" varchar(36) NOT NULL,
	"sample_rate" double precision NOT NULL,
	"experiment_id" integer NOT NULL,
	"filter_string" text,
	CONSTRAINT "online_scoring_config_pk" PRIMARY KEY("online_scoring_config_id")
);
--> statement-breakpoint
CREATE TABLE "review_queue_items" (
	"queue_id" varchar(36) NOT NULL,
	"item_type" varchar(16) NOT NULL,
	"item_id" varchar(50) NOT NULL,
	"status" varchar(16) NOT NULL,
	"completed_by" varchar(250),
	"completed_time_ms" bigint,
	"creation_time_ms" bigint NOT NULL,
	"last_update_time_ms" bigint NOT NULL,
	CONSTRAINT "review_queue_items_pk" PRIMARY KEY("queue_id","item_id")
);
--> statement-breakpoint
CREATE TABLE "review_queue_label_schemas" (
	"queue_id" varchar(36) NOT NULL,
	"schema_id" varchar(36) NOT NULL,
	CONSTRAINT "review_queue_label_schemas_pk" PRIMARY KEY("queue_id","schema_id")
);
--> statement-breakpoint
CREATE TABLE "review_queue_users" (
	"queue_id" varchar(36) NOT NULL,
	"user_id" varchar(250) NOT NULL,
	CONSTRAINT "review_queue_users_pk" PRIMARY KEY("queue_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "review_queues" (
	"queue_id" varchar(36) NOT NULL,
	"experiment_id" integer NOT NULL,
	"name" varchar(250) NOT NULL,
	"queue_type" varchar(16) NOT NULL,
	"created_by" varchar(255),
	"creation_time_ms" bigint NOT NULL,
	"last_update_time_ms" bigint NOT NULL,
	"name_key" varchar(250) NOT NULL,
	CONSTRAINT "review_queues_pk" PRIMARY KEY("queue_id"),
	CONSTRAINT "uq_review_queues_experiment_name_key" UNIQUE("experiment_id","name_key")
);
--> statement-breakpoint
CREATE TABLE "scorer_versions" (
	"scorer_id" varchar(36) NOT NULL,
	"scorer_version" integer NOT NULL,
	"serialized_scorer" text NOT NULL,
	"creation_time" bigint,
	CONSTRAINT "scorer_version_pk" PRIMARY KEY("scorer_id","scorer_version")
);
--> statement-breakpoint
CREATE TABLE "scorers" (
	"experiment_id" integer NOT NULL,
	"scorer_name" varchar(256) NOT NULL,
	"scorer_id" varchar(36) NOT NULL,
	CONSTRAINT "scorer_pk" PRIMARY KEY("scorer_id")
);
--> statement-breakpoint
CREATE TABLE "budget_policies" (
	"budget_policy_id" varchar(36) NOT NULL,
	"budget_unit" varchar(32) NOT NULL,
	"budget_amount" double precision NOT NULL,
	"duration_unit" varchar(32) NOT NULL,
	"duration_value" integer NOT NULL,
	"target_scope" varchar(32) NOT NULL,
	"budget_action" varchar(32) NOT NULL,
	"created_by" varchar(255),
	"created_at" bigint NOT NULL,
	"last_updated_by" varchar(255),
	"last_updated_at" bigint NOT NULL,
	"workspace" varchar(63) DEFAULT 'default' NOT NULL,
	"target_value" varchar(255),
	CONSTRAINT "budget_policies_pk" PRIMARY KEY("budget_policy_id")
);
--> statement-breakpoint
CREATE TABLE "endpoint_bindings" (
	"endpoint_id" varchar(36) NOT NULL,
	"resource_type" varchar(50) NOT NULL,
	"resource_id" varchar(255) NOT NULL,
	"created_at" bigint NOT NULL,
	"created_by" varchar(255),
	"last_updated_at" bigint NOT NULL,
	"last_updated_by" varchar(255),
	"display_name" varchar(255),
	CONSTRAINT "endpoint_bindings_pk" PRIMARY KEY("endpoint_id","resource_type","resource_id")
);
--> statement-breakpoint
CREATE TABLE "endpoint_model_mappings" (
	"mapping_id" varchar(36) NOT NULL,
	"endpoint_id" varchar(36) NOT NULL,
	"model_definition_id" varchar(36) NOT NULL,
	"weight" double precision NOT NULL,
	"created_by" varchar(255),
	"created_at" bigint NOT NULL,
	"linkage_type" varchar(64) DEFAULT 'PRIMARY' NOT NULL,
	"fallback_order" integer,
	CONSTRAINT "endpoint_model_mappings_pk" PRIMARY KEY("mapping_id")
);
--> statement-breakpoint
CREATE TABLE "endpoint_tags" (
	"key" varchar(250) NOT NULL,
	"value" varchar(5000),
	"endpoint_id" varchar(36) NOT NULL,
	CONSTRAINT "endpoint_tag_pk" PRIMARY KEY("key","endpoint_id")
);
--> statement-breakpoint
CREATE TABLE "endpoints" (
	"endpoint_id" varchar(36) NOT NULL,
	"name" varchar(255),
	"created_by" varchar(255),
	"created_at" bigint NOT NULL,
	"last_updated_by" varchar(255),
	"last_updated_at" bigint NOT NULL,
	"routing_strategy" varchar(64),
	"fallback_config_json" text,
	"experiment_id" integer,
	"usage_tracking" boolean DEFAULT false NOT NULL,
	"workspace" varchar(63) DEFAULT 'default' NOT NULL,
	CONSTRAINT "endpoints_pk" PRIMARY KEY("endpoint_id"),
	CONSTRAINT "uq_endpoints_workspace_name" UNIQUE("workspace","name")
);
--> statement-breakpoint
CREATE TABLE "guardrail_configs" (
	"endpoint_id" varchar(36) NOT NULL,
	"guardrail_id" varchar(36) NOT NULL,
	"execution_order" integer,
	"created_by" varchar(255),
	"created_at" bigint NOT NULL,
	"workspace" varchar(63) DEFAULT 'default' NOT NULL,
	CONSTRAINT "guardrail_configs_pk" PRIMARY KEY("endpoint_id","guardrail_id")
);
--> statement-breakpoint
CREATE TABLE "guardrails" (
	"guardrail_id" varchar(36) NOT NULL,
	"name" varchar(255) NOT NULL,
	"scorer_id" varchar(36) NOT NULL,
	"scorer_version" integer NOT NULL,
	"stage" varchar(32) NOT NULL,
	"action" varchar(32) NOT NULL,
	"action_endpoint_id" varchar(36),
	"created_by" varchar(255),
	"created_at" bigint NOT NULL,
	"last_updated_by" varchar(255),
	"last_updated_at" bigint NOT NULL,
	"workspace" varchar(63) DEFAULT 'default' NOT NULL,
	CONSTRAINT "guardrails_pk" PRIMARY KEY("guardrail_id")
);
--> statement-breakpoint
CREATE TABLE "model_definitions" (
	"model_definition_id" varchar(36) NOT NULL,
	"name" varchar(255) NOT NULL,
	"secret_id" varchar(36),
	"provider" varchar(64) NOT NULL,
	"model_name" varchar(256) NOT NULL,
	"created_by" varchar(255),
	"created_at" bigint NOT NULL,
	"last_updated_by" varchar(255),
	"last_updated_at" bigint NOT NULL,
	"workspace" varchar(63) DEFAULT 'default' NOT NULL,
	CONSTRAINT "model_definitions_pk" PRIMARY KEY("model_definition_id"),
	CONSTRAINT "uq_model_definitions_workspace_name" UNIQUE("workspace","name")
);
--> statement-breakpoint
CREATE TABLE "secrets" (
	"secret_id" varchar(36) NOT NULL,
	"secret_name" varchar(255) NOT NULL,
	"encrypted_value" "bytea" NOT NULL,
	"wrapped_dek" "bytea" NOT NULL,
	"kek_version" integer NOT NULL,
	"masked_value" varchar(500) NOT NULL,
	"provider" varchar(64),
	"auth_config" text,
	"description" text,
	"created_by" varchar(255),
	"created_at" bigint NOT NULL,
	"last_updated_by" varchar(255),
	"last_updated_at" bigint NOT NULL,
	"workspace" varchar(63) DEFAULT 'default' NOT NULL,
	CONSTRAINT "secrets_pk" PRIMARY KEY("secret_id"),
	CONSTRAINT "uq_secrets_workspace_secret_name" UNIQUE("workspace","secret_name")
);
--> statement-breakpoint
CREATE TABLE "entity_associations" (
	"association_id" varchar(36) NOT NULL,
	"source_type" varchar(36) NOT NULL,
	"source_id" varchar(36) NOT NULL,
	"destination_type" varchar(36) NOT NULL,
	"destination_id" varchar(36) NOT NULL,
	"created_time" bigint,
	CONSTRAINT "entity_associations_pk" PRIMARY KEY("source_type","source_id","destination_type","destination_id")
);
--> statement-breakpoint
CREATE TABLE "job_locks" (
	"lock_key" varchar(255) NOT NULL,
	"job_id" varchar(36) NOT NULL,
	"acquired_at" bigint NOT NULL,
	CONSTRAINT "job_locks_pk" PRIMARY KEY("lock_key")
);
--> statement-breakpoint
CREATE TABLE "jobs" (
	"id" varchar(36) NOT NULL,
	"creation_time" bigint NOT NULL,
	"job_name" varchar(500) NOT NULL,
	"params" text NOT NULL,
	"timeout" double precision,
	"status" integer NOT NULL,
	"result" text,
	"retry_count" integer NOT NULL,
	"last_update_time" bigint NOT NULL,
	"workspace" varchar(63) DEFAULT 'default' NOT NULL,
	"status_details" json,
	"creator" varchar(255),
	"executor_backend" varchar(255),
	"lease_expires_at" bigint,
	"status_message" text,
	"progress" json,
	"progress_updated_at" bigint,
	"token_hash" varchar(64),
	"scoped_permissions" json,
	"next_attempt_at" bigint,
	CONSTRAINT "jobs_pk" PRIMARY KEY("id")
);
--> statement-breakpoint
CREATE TABLE "mcp_access_endpoints" (
	"id" varchar(36) NOT NULL,
	"workspace" varchar(63) DEFAULT 'default' NOT NULL,
	"server_name" varchar(256) NOT NULL,
	"server_version" varchar(128),
	"server_alias" varchar(256),
	"url" varchar(2048) NOT NULL,
	"transport_type" varchar(32) DEFAULT 'streamable-http' NOT NULL,
	"created_by" varchar(256),
	"last_updated_by" varchar(256),
	"created_at" bigint NOT NULL,
	"last_updated_at" bigint NOT NULL,
	CONSTRAINT "mcp_access_endpoints_pk" PRIMARY KEY("id")
);
--> statement-breakpoint
CREATE TABLE "mcp_server_aliases" (
	"workspace" varchar(63) DEFAULT 'default' NOT NULL,
	"name" varchar(256) NOT NULL,
	"alias" varchar(256) NOT NULL,
	"version" varchar(128) NOT NULL,
	CONSTRAINT "mcp_server_aliases_pk" PRIMARY KEY("workspace","name","alias")
);
--> statement-breakpoint
CREATE TABLE "mcp_server_tags" (
	"workspace" varchar(63) DEFAULT 'default' NOT NULL,
	"name" varchar(256) NOT NULL,
	"key" varchar(250) NOT NULL,
	"value" varchar(5000),
	CONSTRAINT "mcp_server_tags_pk" PRIMARY KEY("workspace","name","key")
);
--> statement-breakpoint
CREATE TABLE "mcp_server_version_tags" (
	"workspace" varchar(63) DEFAULT 'default' NOT NULL,
	"name" varchar(256) NOT NULL,
	"version" varchar(128) NOT NULL,
	"key" varchar(250) NOT NULL,
	"value" varchar(5000),
	CONSTRAINT "mcp_server_version_tags_pk" PRIMARY KEY("workspace","name","version","key")
);
--> statement-breakpoint
CREATE TABLE "mcp_server_versions" (
	"workspace" varchar(63) DEFAULT 'default' NOT NULL,
	"name" varchar(256) NOT NULL,
	"version" varchar(128) NOT NULL,
	"version_major" integer NOT NULL,
	"version_minor" integer NOT NULL,
	"version_patch" integer NOT NULL,
	"version_prerelease_sort_key" varchar(512) NOT NULL,
	"server_json" json NOT NULL,
	"status" varchar(20) DEFAULT 'draft' NOT NULL,
	"tools" json,
	"source" varchar(512),
	"connect_options" json,
	"created_by" varchar(256),
	"last_updated_by" varchar(256),
	"created_at" bigint NOT NULL,
	"last_updated_at" bigint NOT NULL,
	CONSTRAINT "mcp_server_versions_pk" PRIMARY KEY("workspace","name","version")
);
--> statement-breakpoint
CREATE TABLE "mcp_servers" (
	"workspace" varchar(63) DEFAULT 'default' NOT NULL,
	"name" varchar(256) NOT NULL,
	"display_name" varchar(256),
	"description" text,
	"icons" json,
	"created_by" varchar(256),
	"last_updated_by" varchar(256),
	"created_at" bigint NOT NULL,
	"last_updated_at" bigint NOT NULL,
	CONSTRAINT "mcp_servers_pk" PRIMARY KEY("workspace","name")
);
--> statement-breakpoint
CREATE TABLE "scheduler_leases" (
	"lease_key" varchar(255) NOT NULL,
	"acquired_at" bigint NOT NULL,
	"ttl_seconds" integer NOT NULL,
	CONSTRAINT "scheduler_leases_pk" PRIMARY KEY("lease_key")
);
--> statement-breakpoint
CREATE TABLE "skill_aliases" (
	"workspace" varchar(63) DEFAULT 'default' NOT NULL,
	"organization" varchar(64) DEFAULT '' NOT NULL,
	"name" varchar(128) NOT NULL,
	"alias" varchar(256) NOT NULL,
	"version" integer NOT NULL,
	CONSTRAINT "skill_aliases_pk" PRIMARY KEY("workspace","organization","name","alias")
);
--> statement-breakpoint
CREATE TABLE "skill_tags" (
	"workspace" varchar(63) DEFAULT 'default' NOT NULL,
	"organization" varchar(64) DEFAULT '' NOT NULL,
	"name" varchar(128) NOT NULL,
	"key" varchar(250) NOT NULL,
	"value" text,
	CONSTRAINT "skill_tags_pk" PRIMARY KEY("workspace","organization","name","key")
);
--> statement-breakpoint
CREATE TABLE "skill_version_tags" (
	"workspace" varchar(63) DEFAULT 'default' NOT NULL,
	"organization" varchar(64) DEFAULT '' NOT NULL,
	"name" varchar(128) NOT NULL,
	"version" integer NOT NULL,
	"key" varchar(250) NOT NULL,
	"value" text,
	CONSTRAINT "skill_version_tags_pk" PRIMARY KEY("workspace","organization","name","version","key")
);
--> statement-breakpoint
CREATE TABLE "skill_versions" (
	"workspace" varchar(63) DEFAULT 'default' NOT NULL,
	"organization" varchar(64) DEFAULT '' NOT NULL,
	"name" varchar(128) NOT NULL,
	"version" integer NOT NULL,
	"source_type" varchar(20),
	"source" varchar(2048),
	"ref" varchar(2048),
	"subpath" varchar(2048),
	"digest" varchar(64),
	"status" varchar(20) DEFAULT 'active' NOT NULL,
	"created_by" varchar(256),
	"last_updated_by" varchar(256),
	"created_at" bigint NOT NULL,
	"last_updated_at" bigint NOT NULL,
	CONSTRAINT "skill_versions_pk" PRIMARY KEY("workspace","organization","name","version")
);
--> statement-breakpoint
CREATE TABLE "skills" (
	"workspace" varchar(63) DEFAULT 'default' NOT NULL,
	"organization" varchar(64) DEFAULT '' NOT NULL,
	"name" varchar(128) NOT NULL,
	"description" text,
	"icons" json,
	"search_text" text,
	"created_by" varchar(256),
	"last_updated_by" varchar(256),
	"created_at" bigint NOT NULL,
	"last_updated_at" bigint NOT NULL,
	CONSTRAINT "skills_pk" PRIMARY KEY("workspace","organization","name")
);
--> statement-breakpoint
CREATE TABLE "webhook_events" (
	"webhook_id" varchar(256) NOT NULL,
	"entity" varchar(50) NOT NULL,
	"action" varchar(50) NOT NULL,
	CONSTRAINT "webhook_event_pk" PRIMARY KEY("webhook_id","entity","action")
);
--> statement-breakpoint
CREATE TABLE "webhooks" (
	"webhook_id" varchar(256) NOT NULL,
	"name" varchar(256) NOT NULL,
	"description" varchar(1000),
	"url" varchar(500) NOT NULL,
	"status" varchar(20) DEFAULT 'ACTIVE' NOT NULL,
	"secret" varchar(1000),
	"creation_timestamp" bigint,
	"last_updated_timestamp" bigint,
	"deleted_timestamp" bigint,
	"workspace" varchar(63) DEFAULT 'default' NOT NULL,
	CONSTRAINT "webhook_pk" PRIMARY KEY("webhook_id")
);
--> statement-breakpoint
CREATE TABLE "workspaces" (
	"name" varchar(63) NOT NULL,
	"description" text,
	"default_artifact_root" text,
	"trace_archival_location" text,
	"trace_archival_retention" varchar(32),
	CONSTRAINT "workspaces_pk" PRIMARY KEY("name")
);
--> statement-breakpoint
ALTER TABLE "datasets" ADD CONSTRAINT "fk_datasets_experiment_id_experiments" FOREIGN KEY ("experiment_id") REFERENCES "public"."experiments"("experiment_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "experiment_tags" ADD CONSTRAINT "experiment_tags_experiment_id_fkey" FOREIGN KEY ("experiment_id") REFERENCES "public"."experiments"("experiment_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "latest_metrics" ADD CONSTRAINT "latest_metrics_run_uuid_fkey" FOREIGN KEY ("run_uuid") REFERENCES "public"."runs"("run_uuid") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "metrics" ADD CONSTRAINT "metrics_run_uuid_fkey" FOREIGN KEY ("run_uuid") REFERENCES "public"."runs"("run_uuid") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "params" ADD CONSTRAINT "params_run_uuid_fkey" FOREIGN KEY ("run_uuid") REFERENCES "public"."runs"("run_uuid") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_experiment_id_fkey" FOREIGN KEY ("experiment_id") REFERENCES "public"."experiments"("experiment_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tags" ADD CONSTRAINT "tags_run_uuid_fkey" FOREIGN KEY ("run_uuid") REFERENCES "public"."runs"("run_uuid") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_version_tags" ADD CONSTRAINT "fk_model_version_tags_model_versions" FOREIGN KEY ("workspace","name","version") REFERENCES "public"."model_versions"("workspace","name","version") ON DELETE no action ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "model_versions" ADD CONSTRAINT "fk_model_versions_registered_models" FOREIGN KEY ("workspace","name") REFERENCES "public"."registered_models"("workspace","name") ON DELETE no action ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "registered_model_aliases" ADD CONSTRAINT "fk_registered_model_aliases_registered_models" FOREIGN KEY ("workspace","name") REFERENCES "public"."registered_models"("workspace","name") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "registered_model_tags" ADD CONSTRAINT "fk_registered_model_tags_registered_models" FOREIGN KEY ("workspace","name") REFERENCES "public"."registered_models"("workspace","name") ON DELETE no action ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "logged_model_metrics" ADD CONSTRAINT "fk_logged_model_metrics_experiment_id" FOREIGN KEY ("experiment_id") REFERENCES "public"."experiments"("experiment_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "logged_model_metrics" ADD CONSTRAINT "fk_logged_model_metrics_model_id" FOREIGN KEY ("model_id") REFERENCES "public"."logged_models"("model_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "logged_model_metrics" ADD CONSTRAINT "fk_logged_model_metrics_run_id" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("run_uuid") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "logged_model_params" ADD CONSTRAINT "fk_logged_model_params_experiment_id" FOREIGN KEY ("experiment_id") REFERENCES "public"."experiments"("experiment_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "logged_model_params" ADD CONSTRAINT "fk_logged_model_params_model_id" FOREIGN KEY ("model_id") REFERENCES "public"."logged_models"("model_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "logged_model_tags" ADD CONSTRAINT "fk_logged_model_tags_experiment_id" FOREIGN KEY ("experiment_id") REFERENCES "public"."experiments"("experiment_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "logged_model_tags" ADD CONSTRAINT "fk_logged_model_tags_model_id" FOREIGN KEY ("model_id") REFERENCES "public"."logged_models"("model_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "logged_models" ADD CONSTRAINT "fk_logged_models_experiment_id" FOREIGN KEY ("experiment_id") REFERENCES "public"."experiments"("experiment_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assessments" ADD CONSTRAINT "fk_assessments_trace_id" FOREIGN KEY ("trace_id") REFERENCES "public"."trace_info"("request_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "span_metrics" ADD CONSTRAINT "fk_span_metrics_span" FOREIGN KEY ("trace_id","span_id") REFERENCES "public"."spans"("trace_id","span_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "spans" ADD CONSTRAINT "fk_spans_experiment_id" FOREIGN KEY ("experiment_id") REFERENCES "public"."experiments"("experiment_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "spans" ADD CONSTRAINT "fk_spans_trace_id" FOREIGN KEY ("trace_id") REFERENCES "public"."trace_info"("request_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trace_info" ADD CONSTRAINT "fk_trace_info_experiment_id" FOREIGN KEY ("experiment_id") REFERENCES "public"."experiments"("experiment_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trace_metrics" ADD CONSTRAINT "fk_trace_metrics_request_id" FOREIGN KEY ("request_id") REFERENCES "public"."trace_info"("request_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trace_request_metadata" ADD CONSTRAINT "fk_trace_request_metadata_request_id" FOREIGN KEY ("request_id") REFERENCES "public"."trace_info"("request_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trace_tags" ADD CONSTRAINT "fk_trace_tags_request_id" FOREIGN KEY ("request_id") REFERENCES "public"."trace_info"("request_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluation_dataset_records" ADD CONSTRAINT "fk_evaluation_dataset_records_dataset_id" FOREIGN KEY ("dataset_id") REFERENCES "public"."evaluation_datasets"("dataset_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluation_dataset_tags" ADD CONSTRAINT "fk_evaluation_dataset_tags_dataset_id" FOREIGN KEY ("dataset_id") REFERENCES "public"."evaluation_datasets"("dataset_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "issue_categories" ADD CONSTRAINT "fk_issue_categories_issue_id" FOREIGN KEY ("issue_id") REFERENCES "public"."issues"("issue_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "issues" ADD CONSTRAINT "fk_issues_experiment_id" FOREIGN KEY ("experiment_id") REFERENCES "public"."experiments"("experiment_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "issues" ADD CONSTRAINT "fk_issues_source_run_id" FOREIGN KEY ("source_run_id") REFERENCES "public"."runs"("run_uuid") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "label_schemas" ADD CONSTRAINT "fk_label_schemas_experiment_id" FOREIGN KEY ("experiment_id") REFERENCES "public"."experiments"("experiment_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "online_scoring_configs" ADD CONSTRAINT "fk_online_scoring_configs_experiment_id" FOREIGN KEY ("experiment_id") REFERENCES "public"."experiments"("experiment_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "online_scoring_configs" ADD CONSTRAINT "fk_online_scoring_configs_scorer_id" FOREIGN KEY ("scorer_id") REFERENCES "public"."scorers"("scorer_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_queue_items" ADD CONSTRAINT "fk_review_queue_items_queue_id" FOREIGN KEY ("queue_id") REFERENCES "public"."review_queues"("queue_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_queue_label_schemas" ADD CONSTRAINT "fk_review_queue_label_schemas_queue_id" FOREIGN KEY ("queue_id") REFERENCES "public"."review_queues"("queue_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_queue_users" ADD CONSTRAINT "fk_review_queue_users_queue_id" FOREIGN KEY ("queue_id") REFERENCES "public"."review_queues"("queue_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_queues" ADD CONSTRAINT "fk_review_queues_experiment_id" FOREIGN KEY ("experiment_id") REFERENCES "public"."experiments"("experiment_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scorer_versions" ADD CONSTRAINT "fk_scorer_versions_scorer_id" FOREIGN KEY ("scorer_id") REFERENCES "public"."scorers"("scorer_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scorers" ADD CONSTRAINT "fk_scorers_experiment_id" FOREIGN KEY ("experiment_id") REFERENCES "public"."experiments"("experiment_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "endpoint_bindings" ADD CONSTRAINT "fk_endpoint_bindings_endpoint_id" FOREIGN KEY ("endpoint_id") REFERENCES "public"."endpoints"("endpoint_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "endpoint_model_mappings" ADD CONSTRAINT "fk_endpoint_model_mappings_endpoint_id" FOREIGN KEY ("endpoint_id") REFERENCES "public"."endpoints"("endpoint_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "endpoint_model_mappings" ADD CONSTRAINT "fk_endpoint_model_mappings_model_definition_id" FOREIGN KEY ("model_definition_id") REFERENCES "public"."model_definitions"("model_definition_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "endpoint_tags" ADD CONSTRAINT "fk_endpoint_tags_endpoint_id" FOREIGN KEY ("endpoint_id") REFERENCES "public"."endpoints"("endpoint_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "endpoints" ADD CONSTRAINT "fk_endpoints_experiment_id" FOREIGN KEY ("experiment_id") REFERENCES "public"."experiments"("experiment_id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "guardrail_configs" ADD CONSTRAINT "fk_guardrail_configs_endpoint_id" FOREIGN KEY ("endpoint_id") REFERENCES "public"."endpoints"("endpoint_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "guardrail_configs" ADD CONSTRAINT "fk_guardrail_configs_guardrail_id" FOREIGN KEY ("guardrail_id") REFERENCES "public"."guardrails"("guardrail_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "guardrails" ADD CONSTRAINT "fk_guardrails_action_endpoint_id" FOREIGN KEY ("action_endpoint_id") REFERENCES "public"."endpoints"("endpoint_id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "guardrails" ADD CONSTRAINT "fk_guardrails_scorer_version" FOREIGN KEY ("scorer_id","scorer_version") REFERENCES "public"."scorer_versions"("scorer_id","scorer_version") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_definitions" ADD CONSTRAINT "fk_model_definitions_secret_id" FOREIGN KEY ("secret_id") REFERENCES "public"."secrets"("secret_id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_locks" ADD CONSTRAINT "fk_job_locks_job_id" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mcp_access_endpoints" ADD CONSTRAINT "mcp_access_endpoints_server_fkey" FOREIGN KEY ("workspace","server_name") REFERENCES "public"."mcp_servers"("workspace","name") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "mcp_server_aliases" ADD CONSTRAINT "mcp_server_aliases_server_fkey" FOREIGN KEY ("workspace","name") REFERENCES "public"."mcp_servers"("workspace","name") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "mcp_server_tags" ADD CONSTRAINT "mcp_server_tags_server_fkey" FOREIGN KEY ("workspace","name") REFERENCES "public"."mcp_servers"("workspace","name") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "mcp_server_version_tags" ADD CONSTRAINT "mcp_server_version_tags_version_fkey" FOREIGN KEY ("workspace","name","version") REFERENCES "public"."mcp_server_versions"("workspace","name","version") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "mcp_server_versions" ADD CONSTRAINT "mcp_server_versions_server_fkey" FOREIGN KEY ("workspace","name") REFERENCES "public"."mcp_servers"("workspace","name") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "skill_aliases" ADD CONSTRAINT "skill_aliases_skill_fkey" FOREIGN KEY ("workspace","organization","name") REFERENCES "public"."skills"("workspace","organization","name") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "skill_tags" ADD CONSTRAINT "skill_tags_skill_fkey" FOREIGN KEY ("workspace","organization","name") REFERENCES "public"."skills"("workspace","organization","name") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "skill_version_tags" ADD CONSTRAINT "skill_version_tags_version_fkey" FOREIGN KEY ("workspace","organization","name","version") REFERENCES "public"."skill_versions"("workspace","organization","name","version") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "skill_versions" ADD CONSTRAINT "skill_versions_skill_fkey" FOREIGN KEY ("workspace","organization","name") REFERENCES "public"."skills"("workspace","organization","name") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "webhook_events" ADD CONSTRAINT "webhook_events_webhook_id_fkey" FOREIGN KEY ("webhook_id") REFERENCES "public"."webhooks"("webhook_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "index_datasets_dataset_uuid" ON "datasets" USING btree ("dataset_uuid");--> statement-breakpoint
CREATE INDEX "index_datasets_experiment_id_dataset_source_type" ON "datasets" USING btree ("experiment_id","dataset_source_type");--> statement-breakpoint
CREATE INDEX "idx_experiments_workspace" ON "experiments" USING btree ("workspace");--> statement-breakpoint
CREATE INDEX "idx_experiments_workspace_creation_time" ON "experiments" USING btree ("workspace","creation_time");--> statement-breakpoint
CREATE INDEX "index_inputs_destination_type_destination_id_source_type" ON "inputs" USING btree ("destination_type","destination_id","source_type");--> statement-breakpoint
CREATE INDEX "index_inputs_input_uuid" ON "inputs" USING btree ("input_uuid");--> statement-breakpoint
CREATE INDEX "index_latest_metrics_run_uuid" ON "latest_metrics" USING btree ("run_uuid");--> statement-breakpoint
CREATE INDEX "index_metrics_run_uuid" ON "metrics" USING btree ("run_uuid");--> statement-breakpoint
CREATE INDEX "index_metrics_run_uuid_key_step" ON "metrics" USING btree ("run_uuid","key","step");--> statement-breakpoint
CREATE INDEX "index_params_run_uuid" ON "params" USING btree ("run_uuid");--> statement-breakpoint
CREATE INDEX "index_tags_run_uuid" ON "tags" USING btree ("run_uuid");--> statement-breakpoint
CREATE INDEX "idx_model_version_tags_workspace_name_version" ON "model_version_tags" USING btree ("workspace","name","version");--> statement-breakpoint
CREATE INDEX "idx_registered_model_tags_workspace_name" ON "registered_model_tags" USING btree ("workspace","name");--> statement-breakpoint
CREATE INDEX "idx_registered_models_workspace" ON "registered_models" USING btree ("workspace");--> statement-breakpoint
CREATE INDEX "index_logged_model_metrics_model_id" ON "logged_model_metrics" USING btree ("model_id");--> statement-breakpoint
CREATE INDEX "idx_assessments_exp_name_valid" ON "assessments" USING btree ("experiment_id","name","valid");--> statement-breakpoint
CREATE INDEX "idx_assessments_exp_trace_ts" ON "assessments" USING btree ("experiment_id","trace_timestamp_ms");--> statement-breakpoint
CREATE INDEX "idx_assessments_exp_trace_ts_name" ON "assessments" USING btree ("experiment_id","trace_timestamp_ms","name");--> statement-breakpoint
CREATE INDEX "index_assessments_assessment_type" ON "assessments" USING btree ("assessment_type");--> statement-breakpoint
CREATE INDEX "index_assessments_last_updated_timestamp" ON "assessments" USING btree ("last_updated_timestamp");--> statement-breakpoint
CREATE INDEX "index_assessments_run_id_created_timestamp" ON "assessments" USING btree ("run_id","created_timestamp");--> statement-breakpoint
CREATE INDEX "index_assessments_trace_id_created_timestamp" ON "assessments" USING btree ("trace_id","created_timestamp");--> statement-breakpoint
CREATE INDEX "index_span_metrics_trace_id_span_id" ON "span_metrics" USING btree ("trace_id","span_id");--> statement-breakpoint
CREATE INDEX "index_spans_experiment_id_duration" ON "spans" USING btree ("experiment_id","duration_ns");--> statement-breakpoint
CREATE INDEX "index_spans_experiment_id_start_time" ON "spans" USING btree ("experiment_id","start_time_unix_nano");--> statement-breakpoint
CREATE INDEX "index_spans_experiment_id_status_type" ON "spans" USING btree ("experiment_id","status","type");--> statement-breakpoint
CREATE INDEX "index_spans_experiment_id_type_status" ON "spans" USING btree ("experiment_id","type","status");--> statement-breakpoint
CREATE INDEX "idx_assessment_rollups_lookup" ON "sql_assessment_daily_rollups" USING btree ("experiment_id","rollup_day","metric_name","grouping_set");--> statement-breakpoint
CREATE INDEX "idx_span_cost_rollups_lookup" ON "sql_span_cost_daily_rollups" USING btree ("experiment_id","rollup_day","metric_name","grouping_set","model_name","model_provider");--> statement-breakpoint
CREATE INDEX "idx_trace_rollups_lookup" ON "sql_trace_metric_daily_rollups" USING btree ("experiment_id","rollup_day","metric_name","grouping_set","trace_status");--> statement-breakpoint
CREATE INDEX "index_trace_info_experiment_id_session_id" ON "trace_info" USING btree ("experiment_id","session_id");--> statement-breakpoint
CREATE INDEX "index_trace_info_experiment_id_timestamp_ms" ON "trace_info" USING btree ("experiment_id","timestamp_ms");--> statement-breakpoint
CREATE INDEX "index_trace_info_timestamp_ms_request_id" ON "trace_info" USING btree ("timestamp_ms","request_id");--> statement-breakpoint
CREATE INDEX "index_trace_metrics_request_id" ON "trace_metrics" USING btree ("request_id");--> statement-breakpoint
CREATE INDEX "index_trace_request_metadata_request_id" ON "trace_request_metadata" USING btree ("request_id");--> statement-breakpoint
CREATE INDEX "index_trace_tags_request_id" ON "trace_tags" USING btree ("request_id");--> statement-breakpoint
CREATE INDEX "index_evaluation_dataset_records_dataset_id" ON "evaluation_dataset_records" USING btree ("dataset_id");--> statement-breakpoint
CREATE INDEX "index_evaluation_dataset_tags_dataset_id" ON "evaluation_dataset_tags" USING btree ("dataset_id");--> statement-breakpoint
CREATE INDEX "idx_evaluation_datasets_workspace" ON "evaluation_datasets" USING btree ("workspace");--> statement-breakpoint
CREATE INDEX "index_evaluation_datasets_created_time" ON "evaluation_datasets" USING btree ("created_time");--> statement-breakpoint
CREATE INDEX "index_evaluation_datasets_name" ON "evaluation_datasets" USING btree ("name");--> statement-breakpoint
CREATE INDEX "index_issue_categories_hash" ON "issue_categories" USING btree ("category_hash");--> statement-breakpoint
CREATE INDEX "index_issues_experiment_id" ON "issues" USING btree ("experiment_id");--> statement-breakpoint
CREATE INDEX "index_issues_experiment_last_seen" ON "issues" USING btree ("experiment_id","last_seen_timestamp");--> statement-breakpoint
CREATE INDEX "index_issues_experiment_updated" ON "issues" USING btree ("experiment_id","last_updated_timestamp");--> statement-breakpoint
CREATE INDEX "index_issues_source_run_id" ON "issues" USING btree ("source_run_id");--> statement-breakpoint
CREATE INDEX "index_issues_status" ON "issues" USING btree ("status");--> statement-breakpoint
CREATE INDEX "index_label_schemas_experiment_id" ON "label_schemas" USING btree ("experiment_id");--> statement-breakpoint
CREATE INDEX "index_review_queue_items_item_id" ON "review_queue_items" USING btree ("item_id");--> statement-breakpoint
CREATE INDEX "index_review_queue_items_queue_id_status" ON "review_queue_items" USING btree ("queue_id","status");--> statement-breakpoint
CREATE INDEX "index_review_queue_label_schemas_schema_id" ON "review_queue_label_schemas" USING btree ("schema_id");--> statement-breakpoint
CREATE INDEX "index_review_queue_users_user_id" ON "review_queue_users" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "index_review_queues_experiment_id" ON "review_queues" USING btree ("experiment_id");--> statement-breakpoint
CREATE INDEX "index_scorer_versions_scorer_id" ON "scorer_versions" USING btree ("scorer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "index_scorers_experiment_id_scorer_name" ON "scorers" USING btree ("experiment_id","scorer_name");--> statement-breakpoint
CREATE INDEX "idx_budget_policies_target_value" ON "budget_policies" USING btree ("target_value");--> statement-breakpoint
CREATE INDEX "idx_budget_policies_workspace" ON "budget_policies" USING btree ("workspace");--> statement-breakpoint
CREATE INDEX "index_endpoint_model_mappings_endpoint_id" ON "endpoint_model_mappings" USING btree ("endpoint_id");--> statement-breakpoint
CREATE INDEX "index_endpoint_model_mappings_model_definition_id" ON "endpoint_model_mappings" USING btree ("model_definition_id");--> statement-breakpoint
CREATE UNIQUE INDEX "unique_endpoint_model_linkage_mapping" ON "endpoint_model_mappings" USING btree ("endpoint_id","model_definition_id","linkage_type");--> statement-breakpoint
CREATE INDEX "index_endpoint_tags_endpoint_id" ON "endpoint_tags" USING btree ("endpoint_id");--> statement-breakpoint
CREATE INDEX "idx_endpoints_workspace" ON "endpoints" USING btree ("workspace");--> statement-breakpoint
CREATE INDEX "idx_guardrail_configs_endpoint_id" ON "guardrail_configs" USING btree ("endpoint_id");--> statement-breakpoint
CREATE INDEX "idx_guardrail_configs_guardrail_id" ON "guardrail_configs" USING btree ("guardrail_id");--> statement-breakpoint
CREATE INDEX "idx_guardrails_scorer" ON "guardrails" USING btree ("scorer_id","scorer_version");--> statement-breakpoint
CREATE INDEX "idx_guardrails_workspace" ON "guardrails" USING btree ("workspace");--> statement-breakpoint
CREATE INDEX "idx_model_definitions_workspace" ON "model_definitions" USING btree ("workspace");--> statement-breakpoint
CREATE INDEX "index_model_definitions_provider" ON "model_definitions" USING btree ("provider");--> statement-breakpoint
CREATE INDEX "index_model_definitions_secret_id" ON "model_definitions" USING btree ("secret_id");--> statement-breakpoint
CREATE INDEX "idx_secrets_workspace" ON "secrets" USING btree ("workspace");--> statement-breakpoint
CREATE INDEX "index_entity_associations_association_id" ON "entity_associations" USING btree ("association_id");--> statement-breakpoint
CREATE INDEX "index_entity_associations_reverse_lookup" ON "entity_associations" USING btree ("destination_type","destination_id","source_type","source_id");--> statement-breakpoint
CREATE INDEX "index_job_locks_job_id" ON "job_locks" USING btree ("job_id");--> statement-breakpoint
CREATE INDEX "index_jobs_name_status_creation_time" ON "jobs" USING btree ("job_name","workspace","status","creation_time");--> statement-breakpoint
CREATE INDEX "index_jobs_status_lease_expires_at" ON "jobs" USING btree ("status","lease_expires_at");--> statement-breakpoint
CREATE INDEX "ix_mcp_access_endpoints_alias" ON "mcp_access_endpoints" USING btree ("workspace","server_name","server_alias");--> statement-breakpoint
CREATE INDEX "ix_mcp_access_endpoints_server_name" ON "mcp_access_endpoints" USING btree ("workspace","server_name");--> statement-breakpoint
CREATE INDEX "ix_mcp_access_endpoints_version" ON "mcp_access_endpoints" USING btree ("workspace","server_name","server_version");--> statement-breakpoint
CREATE INDEX "idx_mcp_server_versions_latest" ON "mcp_server_versions" USING btree ("workspace","name","status","version_major" DESC NULLS FIRST,"version_minor" DESC NULLS FIRST,"version_patch" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "ix_skill_versions_digest" ON "skill_versions" USING btree ("workspace","organization","name","digest");--> statement-breakpoint
CREATE INDEX "ix_skill_versions_latest_lookup" ON "skill_versions" USING btree ("workspace","organization","name","status","version");--> statement-breakpoint
CREATE INDEX "idx_webhook_events_action" ON "webhook_events" USING btree ("action");--> statement-breakpoint
CREATE INDEX "idx_webhook_events_entity" ON "webhook_events" USING btree ("entity");--> statement-breakpoint
CREATE INDEX "idx_webhook_events_entity_action" ON "webhook_events" USING btree ("entity","action");--> statement-breakpoint
CREATE INDEX "idx_webhooks_name" ON "webhooks" USING btree ("name");--> statement-breakpoint
CREATE INDEX "idx_webhooks_status" ON "webhooks" USING btree ("status");--> statement-breakpoint
CREATE INDEX "idx_webhooks_workspace" ON "webhooks" USING btree ("workspace");