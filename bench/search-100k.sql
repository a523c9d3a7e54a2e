-- 100,000 runs for checking the search indexes with EXPLAIN ANALYZE (not a benchmark of servers).
-- Load into a database migrated by our migrations (or `mlflow db upgrade`):
--   psql -v ON_ERROR_STOP=1 -f bench/search-100k.sql <database-url>
-- 5 experiments (experiment 1 holds 60,000 runs), 5% deleted runs; per run 5 latest metrics
-- (1% NaN), 5 params, 5 tags (incl. mlflow.runName), one dataset input for 10% of runs.
BEGIN;
INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
SELECT i, 'search-100k-' || i, 'mlflow-artifacts:/' || i, 'active', 1700000000000 + i, 1700000000000 + i
FROM generate_series(1, 5) i
ON CONFLICT DO NOTHING;

INSERT INTO runs (run_uuid, name, source_type, user_id, status, start_time, end_time, lifecycle_stage, artifact_uri, experiment_id)
SELECT md5('run' || i), 'run-' || (i % 997), 'UNKNOWN', 'user' || (i % 13),
       (ARRAY['FINISHED', 'FAILED', 'RUNNING'])[1 + i % 3], 1700000000000 + i * 1000,
       CASE WHEN i % 3 = 2 THEN NULL ELSE 1700000000000 + i * 1000 + 500 END,
       CASE WHEN i % 20 = 0 THEN 'deleted' ELSE 'active' END, 'mlflow-artifacts:/x/' || md5('run' || i),
       CASE WHEN i % 10 < 6 THEN 1 ELSE 2 + i % 4 END
FROM generate_series(1, 100000) i;

INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid)
SELECT 'm' || k, CASE WHEN (i + k) % 100 = 0 THEN 0 ELSE ((i * 7919 + k * 104729) % 100000) / 100000.0 END,
       1700000000000 + i, 10, (i + k) % 100 = 0, md5('run' || i)
FROM generate_series(1, 100000) i, generate_series(1, 5) k;

INSERT INTO params (key, value, run_uuid)
SELECT 'p' || k, (ARRAY['xgb', 'lgbm', 'rf', 'linear', 'mlp'])[1 + (i * k) % 5] || '-' || (i % (10 * k)), md5('run' || i)
FROM generate_series(1, 100000) i, generate_series(1, 5) k;

INSERT INTO tags (key, value, run_uuid)
SELECT CASE WHEN k = 1 THEN 'mlflow.runName' ELSE 't' || k END,
       CASE WHEN k = 1 THEN 'run-' || (i % 997) ELSE 'team-' || (i % (7 * k)) END, md5('run' || i)
FROM generate_series(1, 100000) i, generate_series(1, 5) k;

INSERT INTO datasets (dataset_uuid, experiment_id, name, digest, dataset_source_type, dataset_source)
SELECT md5('ds' || d), 1, 'ds-' || d, substr(md5('digest' || d), 1, 8), 'local', '{}'
FROM generate_series(1, 20) d;

INSERT INTO inputs (input_uuid, source_type, source_id, destination_type, destination_id)
SELECT md5('in' || i), 'DATASET', md5('ds' || (i % 20 + 1)), 'RUN', md5('run' || i)
FROM generate_series(1, 100000, 10) i;
COMMIT;
ANALYZE;
