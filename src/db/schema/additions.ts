/**
 * Our own, additive schema objects on top of MLflow's tables.
 *
 * MLflow 3.18.0 owns every table in the other schema files; the reference `mlflow server` must keep
 * working on the same database. So anything we add must be purely additive:
 *   - extra indexes on MLflow tables (CREATE INDEX ... IF NOT EXISTS), or
 *   - tables of our own (the `edge_auth_*` tables of ./auth.ts).
 * Never add, drop or alter columns, defaults or constraints of MLflow's tables.
 *
 * How to add an index:
 *   1. Append an entry to `additionalIndexes` below (name prefixed `edge_`; createSql idempotent).
 *   2. `npx drizzle-kit generate --custom --name add_<what>` and paste the createSql into the new
 *      file under drizzle/ (one statement per `--> statement-breakpoint`).
 *   3. `npm exec -- node --test test/node/` — the parity test ignores objects listed here, and
 *      fails on anything else that differs from MLflow's own schema.
 *
 * This module must stay free of runtime imports: the Node parity test imports it directly (Node 22
 * strips the type annotations).
 */

export interface AdditionalIndex {
  /** Index name, unique in the schema. Prefix with `edge_` so it cannot clash with MLflow's. */
  name: string;
  /** The MLflow (or own) table it is on. */
  table: string;
  /** Idempotent DDL, e.g. `CREATE INDEX IF NOT EXISTS edge_x ON public.t USING btree (a, b)`. */
  createSql: string;
  /** Which query it speeds up, and why MLflow's own indexes are not enough. */
  reason: string;
}

/**
 * Additive indexes we create on MLflow's tables (migration drizzle/0004_search_indexes.sql).
 *
 * Checked with EXPLAIN ANALYZE on 100,000 runs (bench/search-100k.sql); MLflow's own indexes cover
 * lookups by run_uuid and the (key, run_uuid) primary keys, but nothing orders runs within an
 * experiment or finds runs by a metric/param/tag value.
 */
export const additionalIndexes: AdditionalIndex[] = [
  {
    name: "edge_runs_experiment_start_time",
    table: "runs",
    createSql:
      "CREATE INDEX IF NOT EXISTS edge_runs_experiment_start_time ON public.runs USING btree (experiment_id, start_time DESC, run_uuid)",
    reason:
      "runs/search of one experiment in MLflow's default order (start_time DESC, run_uuid) reads the first page " +
      "from the index instead of sorting every run of the experiment (60k runs: ~180 ms -> ~15 ms). MLflow has no " +
      "index on runs.experiment_id at all. lifecycle_stage is not a key column so the ALL and DELETED_ONLY views use it too.",
  },
  {
    name: "edge_latest_metrics_key_value",
    table: "latest_metrics",
    createSql:
      "CREATE INDEX IF NOT EXISTS edge_latest_metrics_key_value ON public.latest_metrics USING btree (key, value) INCLUDE (run_uuid, is_nan)",
    reason:
      "Filters like `metrics.acc > 0.9` become an index-only range scan over one key's values; the primary key " +
      "(key, run_uuid) would read every run's value of that key.",
  },
  // drizzle/0007_long_value_indexes.sql replaced 0004's (key, value) btrees on params and tags.
  {
    name: "edge_params_value_hash",
    table: "params",
    createSql: "CREATE INDEX IF NOT EXISTS edge_params_value_hash ON public.params USING hash (value)",
    reason:
      "Filters like `params.model = 'xgb'`: the runs holding that value, then the key checked. A hash index, because " +
      "a param value may be 6,000 characters and a btree entry is limited to about 2,700 bytes (0004's (key, value) " +
      "btree refused such inserts). IN lists and ranges use the primary key (key, run_uuid).",
  },
  {
    name: "edge_tags_value_hash",
    table: "tags",
    createSql: "CREATE INDEX IF NOT EXISTS edge_tags_value_hash ON public.tags USING hash (value)",
    reason:
      "Filters like `tags.team = 'ml'` and `attributes.run_name = '...'` (the mlflow.runName tag); hash for the same " +
      "reason as params: tag values may be 8,000 characters.",
  },
  {
    name: "edge_metrics_run_key_step",
    table: "metrics",
    createSql:
      "CREATE INDEX IF NOT EXISTS edge_metrics_run_key_step ON public.metrics USING btree (run_uuid, key, step, \"timestamp\") INCLUDE (value, is_nan)",
    reason:
      "Metric histories for charts (get-history-chart, get-history-bulk-interval) read each run's points of a key in " +
      "step order from the index, without a heap visit or a sort; MLflow's own index is on run_uuid alone and its " +
      "primary key starts with the key, so 1M points of 100 runs were sorted on disk.",
  },
  // drizzle/0006_trace_search_indexes.sql; measured on 100,000 traces × 5 spans (bench, --keep).
  {
    name: "edge_trace_info_experiment_execution_time",
    table: "trace_info",
    createSql:
      "CREATE INDEX IF NOT EXISTS edge_trace_info_experiment_execution_time ON public.trace_info USING btree " +
      "(experiment_id, execution_time_ms DESC NULLS LAST, timestamp_ms DESC, request_id)",
    reason:
      "search_traces ordered by `execution_time_ms DESC` (the UI's latency sort) reads the page in index order, " +
      "ties broken as MLflow does, instead of sorting every matching trace of the experiment (100k traces, " +
      "`name LIKE 'agent-1%'`: 33 ms -> 0.5 ms). MLflow's own index on (experiment_id, timestamp_ms) serves the default order only.",
  },
  {
    name: "edge_trace_request_metadata_source_run",
    table: "trace_request_metadata",
    createSql:
      "CREATE INDEX IF NOT EXISTS edge_trace_request_metadata_source_run ON public.trace_request_metadata USING hash (value) " +
      "WHERE key = 'mlflow.sourceRun'",
    reason:
      "search_traces `run_id = '…'` finds the traces logged inside a run from the run id (91 ms -> 0.7 ms on 100k traces); " +
      "the primary key (key, request_id) would read every mlflow.sourceRun row. A hash index, because metadata values " +
      "may be up to 8,000 characters and a btree entry is limited to about 2,700 bytes: no value can make an insert fail.",
  },
];

/**
 * Names of every schema object (tables, indexes, constraints, sequences, functions, triggers) we
 * add on top of MLflow's schema. The parity test ignores dump statements that mention them.
 */
export const additionalObjectNames: string[] = [...additionalIndexes.map((i) => i.name), ...authObjectNames()];

/**
 * Our auth tables (defined in ./auth.ts) and every object Postgres creates with them. Listed by
 * name because this module must not import the Drizzle definitions (see above).
 */
function authObjectNames(): string[] {
  const tables = ["edge_auth_users", "edge_auth_tokens", "edge_auth_experiment_permissions", "edge_auth_registered_model_permissions"];
  return [
    ...tables,
    ...tables.map((t) => `${t}_id_seq`),
    ...tables.map((t) => `${t}_pk`),
    "edge_auth_users_username_uq",
    "edge_auth_tokens_hash_uq",
    "edge_auth_tokens_user_fk",
    "edge_auth_tokens_user_idx",
    "edge_auth_experiment_permissions_uq",
    "edge_auth_experiment_permissions_user_fk",
    "edge_auth_experiment_permissions_ck",
    "edge_auth_registered_model_permissions_uq",
    "edge_auth_registered_model_permissions_user_fk",
    "edge_auth_registered_model_permissions_ck",
  ];
}
