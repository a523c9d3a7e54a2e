-- Param and tag values may be as long as MLflow allows (6,000 and 8,000 characters); a btree entry
-- is limited to about 2,700 bytes, so the (key, value) btrees of 0004 made such inserts fail.
-- Hash indexes on the value serve the same equality filters with no limit on its length.
DROP INDEX IF EXISTS public.edge_params_key_value;--> statement-breakpoint
DROP INDEX IF EXISTS public.edge_tags_key_value;--> statement-breakpoint
CREATE INDEX IF NOT EXISTS edge_params_value_hash ON public.params USING hash (value);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS edge_tags_value_hash ON public.tags USING hash (value);
