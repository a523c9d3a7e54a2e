-- Trace search indexes: additive to MLflow's schema, documented in src/db/schema/additions.ts.
CREATE INDEX IF NOT EXISTS edge_trace_info_experiment_execution_time ON public.trace_info USING btree (experiment_id, execution_time_ms DESC NULLS LAST, timestamp_ms DESC, request_id);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS edge_trace_request_metadata_source_run ON public.trace_request_metadata USING hash (value) WHERE key = 'mlflow.sourceRun';
