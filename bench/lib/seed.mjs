// Identical seed data for both databases, written with SQL straight into MLflow's schema (which ours
// shares exactly), before either server starts. Going through SQL keeps seeding to seconds even for
// 10,000 runs; run ids are md5 hashes of fixed labels, so both servers hold the very same rows.
import crypto from "node:crypto";
import pg from "pg";
import { traceIds, traceStatements } from "./trace-bench.mjs";
import { bigTraceIds, bigTraceStatements } from "./trace-view-bench.mjs";

export const runId = (label) => crypto.createHash("md5").update(label).digest("hex");

export const SIZES = {
  quick: { experiments: 50, searchRuns: 2_000, historyPoints: 5_000, bulkRuns: 100, bulkSteps: 200, writeRuns: 50, wideRuns: 1_000, chartRuns: 10, chartSteps: 10_000, viewRuns: 100, viewMetrics: 10, viewSteps: 100, traces: 5_000, bigTraceSpans: 5_000 },
  full: { experiments: 500, searchRuns: 10_000, historyPoints: 25_000, bulkRuns: 100, bulkSteps: 1_000, writeRuns: 50, wideRuns: 10_000, chartRuns: 10, chartSteps: 100_000, viewRuns: 100, viewMetrics: 10, viewSteps: 1_000, traces: 100_000, bigTraceSpans: 5_000 },
};

// A fixed clock: both databases get the same timestamps.
const T0 = 1_760_000_000_000;

const exp = (name) => `(select experiment_id from experiments where name = '${name}')`;
const runsFrom = (label, count, experiment, status) => `
    insert into runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status, start_time,
                      end_time, source_version, lifecycle_stage, artifact_uri, experiment_id)
    select md5('${label}-' || i), '${label}-' || i, 'LOCAL', '', '', 'bench', ${status}, ${T0} + i * 1000,
           case when ${status} = 'RUNNING' then null else ${T0} + i * 1000 + 500 end, '', 'active',
           'mlflow-artifacts:/' || e.experiment_id || '/' || md5('${label}-' || i) || '/artifacts', e.experiment_id
    from generate_series(1, ${count}) i, ${exp(experiment)} e(experiment_id);
    insert into tags (key, value, run_uuid)
    select t.key, t.value, md5('${label}-' || i) from generate_series(1, ${count}) i,
      lateral (values ('mlflow.runName', '${label}-' || i), ('mlflow.user', 'bench'),
                      ('team', 'team-' || (i % 7)), ('model', (array['resnet', 'bert', 'gpt'])[1 + i % 3])) t(key, value);`;
// MLflow creates the default experiment only in an empty database, so we add it here; our
// migrations have created it already, with the current time, which we pin like every other.
const defaultExperiment = `insert into experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
     values (0, 'Default', 'mlflow-artifacts:/0', 'active', ${T0}, ${T0})
     on conflict (experiment_id) do update set creation_time = ${T0}, last_update_time = ${T0}`;
// latest_metrics as MLflow maintains it: the point with the highest (step, timestamp, value).
const latestMetrics = `insert into latest_metrics (key, value, timestamp, step, is_nan, run_uuid)
     select distinct on (run_uuid, key) key, value, timestamp, step, is_nan, run_uuid from metrics
     order by run_uuid, key, step desc, timestamp desc, value desc`;
// bench-chart-view: the experiment chart view (issue 18): runs × metrics × steps.
const chartViewData = (size) => [
  runsFrom("view", size.viewRuns, "bench-chart-view", "'FINISHED'"),
  `insert into metrics (key, value, timestamp, run_uuid, step, is_nan)
     select 'metric_' || k, sin(s / 50.0 + i + k) + s::float8 / ${size.viewSteps}, ${T0} + s, md5('view-' || i), s, false
     from generate_series(1, ${size.viewRuns}) i, generate_series(0, ${size.viewMetrics - 1}) k, generate_series(0, ${size.viewSteps - 1}) s`,
];

/** Only the chart view's experiment (bench/ui-chart-view.mjs): seconds instead of the full seed. */
export function chartViewStatements(size) {
  return [
    defaultExperiment,
    `insert into experiments (name, lifecycle_stage, creation_time, last_update_time) values ('bench-chart-view', 'active', ${T0}, ${T0})`,
    `update experiments set artifact_location = 'mlflow-artifacts:/' || experiment_id where artifact_location is null`,
    ...chartViewData(size),
    latestMetrics,
  ];
}

function statements(size) {
  return [
    defaultExperiment,
    `insert into experiments (name, lifecycle_stage, creation_time, last_update_time)
     select 'bench-exp-' || lpad(i::text, 5, '0'), 'active', ${T0} + i, ${T0} + i from generate_series(1, ${size.experiments}) i`,
    `insert into experiments (name, lifecycle_stage, creation_time, last_update_time)
     values ('bench-search', 'active', ${T0}, ${T0}), ('bench-write', 'active', ${T0}, ${T0}), ('bench-history', 'active', ${T0}, ${T0}),
            ('bench-search-wide', 'active', ${T0}, ${T0}), ('bench-chart', 'active', ${T0}, ${T0}),
            ('bench-chart-view', 'active', ${T0}, ${T0})`,
    `update experiments set artifact_location = 'mlflow-artifacts:/' || experiment_id where artifact_location is null`,
    `insert into experiment_tags (key, value, experiment_id)
     select k, k || '-' || (experiment_id % 7), experiment_id from experiments, unnest(array['team', 'project']) k
     where name like 'bench-exp-%'`,
    // bench-search: runs with params, tags and one point of two metrics each, for runs/search.
    runsFrom("search", size.searchRuns, "bench-search", "(array['FINISHED', 'RUNNING', 'FAILED'])[1 + i % 3]"),
    `insert into params (key, value, run_uuid)
     select p.key, p.value, md5('search-' || i) from generate_series(1, ${size.searchRuns}) i,
       lateral (values ('lr', ((1 + i % 10) / 1000.0)::text), ('optimizer', (array['adam', 'sgd', 'rmsprop'])[1 + i % 3]),
                       ('batch_size', (2 ^ (4 + i % 5))::int::text), ('epochs', (i % 50)::text), ('seed', i::text)) p(key, value)`,
    `insert into metrics (key, value, timestamp, run_uuid, step, is_nan)
     select m.key, m.value, ${T0} + i, md5('search-' || i), 0, false from generate_series(1, ${size.searchRuns}) i,
       lateral (values ('accuracy', ((i * 7919) % 10007) / 10007.0), ('loss', 1 - ((i * 7919) % 10007) / 10007.0)) m(key, value)`,
    // bench-search-wide: issue 3's shape — runs with 20 metrics, 20 params and 10 tags each
    // (runsFrom's 4 tags plus t1…t6); values spread so that filters select a few percent to a half.
    runsFrom("wide", size.wideRuns, "bench-search-wide", "(array['FINISHED', 'RUNNING', 'FAILED', 'KILLED'])[1 + i % 4]"),
    `insert into tags (key, value, run_uuid)
     select 't' || k, 'tag-' || ((i * (k + 3)) % (5 * k)), md5('wide-' || i) from generate_series(1, ${size.wideRuns}) i, generate_series(1, 6) k`,
    `insert into params (key, value, run_uuid)
     select 'p' || k, (array['adam', 'sgd', 'rmsprop', 'adamw'])[1 + (i + k) % 4] || '-' || ((i * (k + 7)) % (k + 3)), md5('wide-' || i)
     from generate_series(1, ${size.wideRuns}) i, generate_series(0, 19) k`,
    `insert into metrics (key, value, timestamp, run_uuid, step, is_nan)
     select 'm' || k, ((i * 7919 + k * 104729) % 10007) / 10007.0, ${T0} + i, md5('wide-' || i), 0, false
     from generate_series(1, ${size.wideRuns}) i, generate_series(0, 19) k`,
    // bench-chart: a few runs with one long metric, for the UI's chart benchmark.
    runsFrom("chart", size.chartRuns, "bench-chart", "'FINISHED'"),
    `insert into metrics (key, value, timestamp, run_uuid, step, is_nan)
     select 'series', sin(s / 500.0 + i) + s::float8 / ${size.chartSteps}, ${T0} + s, md5('chart-' || i), s, false
     from generate_series(1, ${size.chartRuns}) i, generate_series(0, ${size.chartSteps - 1}) s`,
    ...chartViewData(size),
    // bench-write: one run per concurrent client for the logging scenarios.
    runsFrom("write", size.writeRuns, "bench-write", "'RUNNING'"),
    // bench-history: a run with a long history, 100 runs for the bulk interval, a run with many fields for runs/get.
    runsFrom("history", 1, "bench-history", "'FINISHED'"),
    `insert into metrics (key, value, timestamp, run_uuid, step, is_nan)
     select 'loss', 1.0 / (1 + s), ${T0} + s, md5('history-1'), s, false from generate_series(0, ${size.historyPoints - 1}) s`,
    runsFrom("bulk", size.bulkRuns, "bench-history", "'FINISHED'"),
    `insert into metrics (key, value, timestamp, run_uuid, step, is_nan)
     select 'acc', s::float8 / ${size.bulkSteps} + i / 1000.0, ${T0} + s, md5('bulk-' || i), s, false
     from generate_series(1, ${size.bulkRuns}) i, generate_series(0, ${size.bulkSteps - 1}) s`,
    runsFrom("get", 1, "bench-history", "'FINISHED'"),
    `insert into params (key, value, run_uuid) select 'param_' || j, 'value-' || j, md5('get-1') from generate_series(1, 50) j`,
    `insert into tags (key, value, run_uuid) select 'tag_' || j, 'value-' || j, md5('get-1') from generate_series(1, 20) j`,
    `insert into metrics (key, value, timestamp, run_uuid, step, is_nan)
     select 'metric_' || j, j / 7.0, ${T0} + s, md5('get-1'), s, false from generate_series(1, 50) j, generate_series(0, 9) s`,
    latestMetrics,
  ];
}

/** Seeds one database and returns the ids the scenarios need. */
export async function seed(databaseUrl, size) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("begin");
    for (const sql of [...statements(size), ...traceStatements(size), ...bigTraceStatements(size)]) await client.query(sql);
    await client.query("commit");
    // Fresh tables have no statistics and no visibility map yet; autovacuum would set both within a
    // minute or so, in the middle of the measurements, and index-only scans depend on the latter.
    // Measure the steady state every database reaches instead.
    await client.query("vacuum analyze");
    const ids = await client.query(
      "select name, experiment_id::text as id from experiments where name in ('bench-search', 'bench-write', 'bench-history', 'bench-search-wide', 'bench-chart', 'bench-chart-view')",
    );
    const experiments = Object.fromEntries(ids.rows.map((r) => [r.name, r.id]));
    return {
      searchExperimentId: experiments["bench-search"],
      writeExperimentId: experiments["bench-write"],
      historyExperimentId: experiments["bench-history"],
      wideExperimentId: experiments["bench-search-wide"],
      chartExperimentId: experiments["bench-chart"],
      chartViewExperimentId: experiments["bench-chart-view"],
      newestWideRunId: runId(`wide-${size.wideRuns}`),
      chartRunIds: Array.from({ length: size.chartRuns }, (_, i) => runId(`chart-${i + 1}`)),
      writeRunIds: Array.from({ length: size.writeRuns }, (_, i) => runId(`write-${i + 1}`)),
      bulkRunIds: Array.from({ length: size.bulkRuns }, (_, i) => runId(`bulk-${i + 1}`)),
      historyRunId: runId("history-1"),
      getRunId: runId("get-1"),
      ...(await traceIds(client, size)),
      ...(await bigTraceIds(client)),
    };
  } finally {
    await client.end();
  }
}

/** Runs `statements` in one transaction, vacuums and analyzes (see seed), and returns what `ids(client)` reads back. */
async function seedOnly(databaseUrl, statements, ids) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("begin");
    for (const sql of statements) await client.query(sql);
    await client.query("commit");
    await client.query("vacuum analyze");
    return await ids(client);
  } finally {
    await client.end();
  }
}

/** Seeds only the chart view's experiment (bench/ui-chart-view.mjs); returns its id. */
export function seedChartView(databaseUrl, size) {
  return seedOnly(databaseUrl, chartViewStatements(size), async (client) => {
    const { rows } = await client.query("select experiment_id::text as id from experiments where name = 'bench-chart-view'");
    return { chartViewExperimentId: rows[0].id };
  });
}

/** Seeds only issue 16's big trace (bench/ui-chart-view.mjs --view=trace); returns its ids. */
export function seedBigTrace(databaseUrl, size) {
  return seedOnly(databaseUrl, bigTraceStatements(size), bigTraceIds);
}
