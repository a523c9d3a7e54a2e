/**
 * Runs the generated SQL on a real Postgres (PGlite, in-process) over MLflow's own schema, to pin
 * down semantics that string checks cannot: key-must-exist, NaN handling, NULL placement,
 * case rules of =/LIKE/ILIKE, dataset joins and tie-breakers. Node only (PGlite needs its wasm
 * files from disk), so it is skipped inside workerd.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql, type SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import ddl from "../../../drizzle/0000_mlflow_3_18_base.sql?raw";
import {
  experimentFilterToSql,
  experimentOrderByToSql,
  parseExperimentFilter,
  parseExperimentOrderBy,
  parseRunFilter,
  parseRunOrderBy,
  runFilterToSql,
  runOrderByToSql,
} from "../../../src/search";


interface Db {
  query<T>(text: string, params?: unknown[]): Promise<{ rows: T[] }>;
  exec(text: string): Promise<unknown>;
  close(): Promise<void>;
}

const dialect = new PgDialect();
let db: Db;

const SEED = `
INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time) VALUES
  (1, 'Alpha', 'a', 'active', 100, 100), (2, 'beta', 'b', 'active', 300, 300), (3, 'gamma', 'c', 'active', NULL, 50), (4, 'Alphabet', 'd', 'active', 300, 10);
INSERT INTO experiment_tags (key, value, experiment_id) VALUES ('team', 'ml', 1), ('team', 'ML', 2), ('owner', 'x', 3);
INSERT INTO runs (run_uuid, name, user_id, status, start_time, end_time, lifecycle_stage, artifact_uri, experiment_id, source_type) VALUES
  ('r1', 'one',   'ann', 'FINISHED', 10, 20,   'active', 's3://b/r1', 1, 'LOCAL'),
  ('r2', 'two',   'bob', 'FAILED',   30, NULL, 'active', 's3://b/r2', 1, 'LOCAL'),
  ('r3', NULL,    'ann', 'RUNNING',  30, NULL, 'active', 's3://b/r3', 1, 'LOCAL'),
  ('r4', 'four',  'Ann', 'FINISHED', NULL, 5,  'active', 's3://b/r4', 1, 'LOCAL'),
  ('r5', 'five',  'eve', 'KILLED',   50, 60,   'active', 's3://b/r5', 1, 'LOCAL');
INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) VALUES
  ('loss', 0.5, 1, 0, false, 'r1'), ('loss', 0.1, 1, 0, false, 'r2'), ('loss', 0, 1, 0, true, 'r3'), ('loss', -1, 1, 0, false, 'r4'),
  ('acc', 0.9, 1, 0, false, 'r1');
INSERT INTO params (key, value, run_uuid) VALUES
  ('model', 'xgb', 'r1'), ('model', 'XGB', 'r2'), ('model', 'lin', 'r3'), ('lr', '0.1', 'r1');
INSERT INTO tags (key, value, run_uuid) VALUES
  ('mlflow.runName', 'one', 'r1'), ('mlflow.runName', 'two', 'r2'), ('mlflow.runName', 'three', 'r3'), ('mlflow.runName', 'four', 'r4'),
  ('team', 'core', 'r1'), ('team', 'Core', 'r2'), ('team', NULL, 'r5');
INSERT INTO datasets (dataset_uuid, experiment_id, name, digest, dataset_source_type, dataset_source) VALUES
  ('d1', 1, 'train', 'aaa', 'local', 'x'), ('d2', 1, 'eval', 'bbb', 'local', 'y');
INSERT INTO inputs (input_uuid, source_type, source_id, destination_type, destination_id) VALUES
  ('i1', 'DATASET', 'd1', 'RUN', 'r1'), ('i2', 'DATASET', 'd2', 'RUN', 'r2'), ('i3', 'DATASET', 'd1', 'RUN', 'r2');
INSERT INTO input_tags (input_uuid, name, value) VALUES ('i1', 'mlflow.data.context', 'training'), ('i2', 'mlflow.data.context', 'eval'), ('i3', 'mlflow.data.context', 'training');
`;

async function run(q: SQL): Promise<string[]> {
  const { sql: text, params } = dialect.sqlToQuery(q);
  const res = await db.query<{ id: string }>(text, params);
  return res.rows.map((r) => r.id);
}

/**
 * The runs a filter selects, in order. Every filter is run twice: with one EXISTS per clause and
 * with the per-table aggregates used for long filters; both must select the same runs.
 */
async function runs(filter: string, orderBy: string[] = []): Promise<string[]> {
  const { joins, items } = runOrderByToSql(parseRunOrderBy(orderBy));
  const order = sql.join(items, sql`, `);
  const query = (groupAbove: number) => {
    const where = runFilterToSql(parseRunFilter(filter), groupAbove) ?? sql`TRUE`;
    return run(sql`SELECT runs.run_uuid AS id FROM runs ${joins} WHERE ${where} ORDER BY ${order}`);
  };
  const [exists, grouped] = [await query(Number.MAX_SAFE_INTEGER), await query(0)];
  expect(grouped, `grouped form of ${filter}`).toEqual(exists);
  return exists;
}

async function experiments(filter: string, orderBy?: string[]): Promise<string[]> {
  const order = sql.join(experimentOrderByToSql(parseExperimentOrderBy(orderBy)), sql`, `);
  const query = (groupAbove: number) => {
    const where = experimentFilterToSql(parseExperimentFilter(filter), groupAbove) ?? sql`TRUE`;
    return run(sql`SELECT experiment_id::text AS id FROM experiments WHERE ${where} ORDER BY ${order}`);
  };
  const [exists, grouped] = [await query(Number.MAX_SAFE_INTEGER), await query(0)];
  expect(grouped, `grouped form of ${filter}`).toEqual(exists);
  return exists;
}

const sorted = (xs: string[]) => [...xs].sort();

describe("search SQL on Postgres (PGlite)", () => {
  beforeAll(async () => {
    const { PGlite } = await import("@electric-sql/pglite");
    db = (await PGlite.create()) as unknown as Db;
    await db.exec(ddl.split("--> statement-breakpoint").join("\n"));
    await db.exec(SEED);
  }, 60_000);

  afterAll(async () => {
    await db?.close();
  });

  describe("runs filter", () => {
    it.each([
      ["", ["r1", "r2", "r3", "r4", "r5"]],
      ["metrics.loss < 0.2", ["r2", "r4"]],
      ["metrics.loss >= -1", ["r1", "r2", "r4"]],
      ["metrics.loss = 0", []], // the NaN placeholder value never matches
      ["metrics.loss != 0.5", ["r2", "r3", "r4"]], // NaN satisfies !=, missing key does not
      ["metrics.acc > 0", ["r1"]],
      ["metrics.missing < 100", []],
      ["params.model = 'xgb'", ["r1"]],
      ["params.model != 'xgb'", ["r2", "r3"]], // runs without the param never match
      ["params.model LIKE 'x%'", ["r1"]],
      ["params.model ILIKE 'x%'", ["r1", "r2"]],
      ["params.model IS NULL", ["r4", "r5"]],
      ["params.model IS NOT NULL", ["r1", "r2", "r3"]],
      ["tags.team = 'core'", ["r1"]],
      ["tags.team ILIKE 'CORE'", ["r1", "r2"]],
      ["tags.team != 'core'", ["r2"]], // r5's NULL value is not "different"
      ["tags.team IS NOT NULL", ["r1", "r2", "r5"]],
      ["attributes.status = 'FINISHED'", ["r1", "r4"]],
      ["status != 'FINISHED'", ["r2", "r3", "r5"]],
      ["user_id = 'ann'", ["r1", "r3"]],
      ["user_id ILIKE 'ann'", ["r1", "r3", "r4"]],
      ["start_time >= 30", ["r2", "r3", "r5"]],
      ["created < 30.5", ["r1", "r2", "r3"]],
      ["end_time != 20", ["r4", "r5"]],
      ["run_id IN ('r1', 'r5', 'nope')", ["r1", "r5"]],
      ["run_id NOT IN ('r1', 'r5')", ["r2", "r3", "r4"]],
      ["run_name = 'three'", ["r3"]], // from the mlflow.runName tag, not runs.name
      ["run_name LIKE 'f%'", ["r4"]], // r5 has runs.name 'five' but no tag
      ["attributes.`Run Name` = 'one'", ["r1"]],
      ["artifact_uri LIKE '%r2'", ["r2"]],
      ["datasets.name = 'train'", ["r1", "r2"]],
      ["datasets.digest IN ('bbb')", ["r2"]],
      ["datasets.name != 'train'", ["r2"]],
      ["datasets.context = 'training'", ["r1", "r2"]],
      ["datasets.context = 'eval'", ["r2"]],
      ["metrics.loss < 1 AND params.model ILIKE 'XGB' AND tags.team = 'Core'", ["r2"]],
    ])("%s", async (filter, expected) => {
      expect(sorted(await runs(filter))).toEqual(sorted(expected));
    });

    it("binds hostile text safely", async () => {
      expect(await runs(`tags.\`x'); DROP TABLE runs; --\` = "'; DROP TABLE runs; --"`)).toEqual([]);
      expect((await runs("")).length).toBe(5);
    });
  });

  describe("runs order_by", () => {
    it.each([
      [[], ["r4", "r5", "r2", "r3", "r1"]], // start_time DESC (plain DESC: NULL first, as in MLflow), then run_uuid
      [["metrics.loss"], ["r4", "r2", "r1", "r3", "r5"]], // numbers, NaN, missing
      [["metrics.loss DESC"], ["r1", "r2", "r4", "r3", "r5"]],
      [["start_time"], ["r1", "r2", "r3", "r5", "r4"]], // NULLs last
      [["start_time DESC"], ["r5", "r2", "r3", "r1", "r4"]],
      [["run_name DESC"], ["r2", "r1", "r4", "r5", "r3"]], // runs.name column, NULL last
    ])("%j", async (orderBy, expected) => {
      expect(await runs("", orderBy)).toEqual(expected);
    });

    // String order depends on the database collation, so only the NULL/missing placement is pinned.
    it("params: runs without the key come last, tie-broken by start_time DESC", async () => {
      const got = await runs("", ["params.model"]);
      expect(sorted(got.slice(0, 3))).toEqual(["r1", "r2", "r3"]);
      expect(got.slice(3)).toEqual(["r4", "r5"]);
    });

    it("tags: NULL values and missing keys share the last group, ordered by the next key", async () => {
      const got = await runs("", ["tags.team DESC", "status"]);
      expect(sorted(got.slice(0, 2))).toEqual(["r1", "r2"]);
      expect(got.slice(2)).toEqual(["r4", "r5", "r3"]);
    });
  });

  describe("experiments", () => {
    it.each([
      ["name = 'Alpha'", ["1"]],
      ["name LIKE 'Alpha%'", ["1", "4"]],
      ["name ILIKE 'a%'", ["1", "4"]],
      ["name != 'beta'", ["1", "3", "4"]],
      ["creation_time >= 300", ["2", "4"]],
      ["experiment_id IN ('1', '3')", ["1", "3"]],
      ["experiment_id != '1'", ["2", "3", "4"]],
      ["tags.team = 'ml'", ["1"]],
      ["tags.team ILIKE 'ml'", ["1", "2"]],
      ["tags.team IS NULL", ["3", "4"]],
      ["tags.owner IS NOT NULL", ["3"]],
    ])("%s", async (filter, expected) => {
      expect(sorted(await experiments(filter))).toEqual(sorted(expected));
    });

    it.each([
      [undefined, ["3", "2", "4", "1"]], // creation_time DESC puts NULL first, as Postgres does
      [["name"], ["1", "4", "2", "3"]],
      [["creation_time"], ["1", "4", "2", "3"]], // ties broken by experiment_id DESC
      [["last_update_time DESC", "experiment_id"], ["2", "1", "3", "4"]],
    ])("order %j", async (orderBy, expected) => {
      expect(await experiments("", orderBy)).toEqual(expected);
    });
  });

  it("answers long AND-ed filters the same with the grouped form (many keys, repeats, IS NULL, run names)", async () => {
    const clauses = [
      "params.model != 'lin'",
      "params.model LIKE '%g%'",
      "params.missing IS NULL",
      "tags.team ILIKE 'core'",
      "tags.team IS NOT NULL",
      "metrics.loss < 1",
      "metrics.loss != 7",
      "attributes.run_name LIKE 't%'",
      "attributes.status != 'RUNNING'",
      "datasets.name = 'eval'",
    ];
    for (let n = 1; n <= clauses.length; n++) await runs(clauses.slice(0, n).join(" and "));
    const hundred = Array.from({ length: 100 }, (_, i) => (i % 2 ? `params.model != 'p${i}'` : `tags.team != 't${i}'`)).join(" and ");
    expect(sorted(await runs(hundred))).toEqual(["r1", "r2"]);
  });
});

