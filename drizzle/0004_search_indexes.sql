-- Search indexes: additive to MLflow's schema, documented in src/db/schema/additions.ts.
CREATE INDEX IF NOT EXISTS edge_runs_experiment_start_time ON public.runs USING btree (experiment_id, start_time DESC, run_uuid);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS edge_latest_metrics_key_value ON public.latest_metrics USING btree (key, value) INCLUDE (run_uuid, is_nan);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS edge_params_key_value ON public.params USING btree (key, value) INCLUDE (run_uuid);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS edge_tags_key_value ON public.tags USING btree (key, value) INCLUDE (run_uuid);
