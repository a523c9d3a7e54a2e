-- Metric history index: additive to MLflow's schema, documented in src/db/schema/additions.ts.
CREATE INDEX IF NOT EXISTS edge_metrics_run_key_step ON public.metrics USING btree (run_uuid, key, step, "timestamp") INCLUDE (value, is_nan);
