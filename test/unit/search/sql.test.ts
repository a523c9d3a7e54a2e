/**
 * Shape of the generated SQL: every user value is a bind parameter, and the fragments carry
 * MLflow's semantics (key must exist, NaN handling, NULL placement, tie-breakers).
 */
import { describe, expect, it } from "vitest";
import { PgDialect } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
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

const dialect = new PgDialect();
const where = (f: string) => dialect.sqlToQuery(runFilterToSql(parseRunFilter(f))!);
const expWhere = (f: string) => dialect.sqlToQuery(experimentFilterToSql(parseExperimentFilter(f))!);
/** The ordering as it lands in a query: `<joins> ORDER BY <items>`. */
const order = (o: string[]) => {
  const { joins, items } = runOrderByToSql(parseRunOrderBy(o));
  const q = dialect.sqlToQuery(sql`${joins} ORDER BY ${sql.join(items, sql`, `)}`);
  return { ...q, sql: q.sql.trim() };
};
const expOrder = (o: string[] | undefined) => dialect.sqlToQuery(sql.join(experimentOrderByToSql(parseExperimentOrderBy(o)), sql`, `));

describe("runFilterToSql", () => {
  it("no filter, no condition", () => {
    expect(runFilterToSql([])).toBeUndefined();
    expect(experimentFilterToSql([])).toBeUndefined();
  });

  it("metrics go through latest_metrics with NaN excluded", () => {
    const q = where("metrics.rmse < 0.5");
    expect(q.sql).toBe(
      'EXISTS (SELECT 1 FROM "latest_metrics" WHERE "latest_metrics"."run_uuid" = "runs"."run_uuid" AND "latest_metrics"."key" = $1 AND ("latest_metrics"."value" < $2::double precision AND "latest_metrics"."is_nan" = false))',
    );
    expect(q.params).toEqual(["rmse", 0.5]);
  });

  it("NaN metrics satisfy !=", () => {
    expect(where("metrics.m != 1").sql).toContain('("latest_metrics"."value" != $2::double precision OR "latest_metrics"."is_nan" = true)');
    expect(where("metrics.m != 1").params).toEqual(["m", 1]);
  });

  it.each([
    ["=", "="],
    ["!=", "!="],
    ["LIKE", "LIKE"],
    ["ILIKE", "ILIKE"],
  ])("params %s", (op, sqlOp) => {
    const q = where(`params.p ${op} 'v'`);
    expect(q.sql).toBe(`EXISTS (SELECT 1 FROM "params" WHERE "params"."run_uuid" = "runs"."run_uuid" AND "params"."key" = $1 AND ("params"."value" ${sqlOp} $2))`);
    expect(q.params).toEqual(["p", "v"]);
  });

  it("tags IS NULL / IS NOT NULL test existence of the key", () => {
    expect(where("tags.t IS NULL").sql).toBe('NOT EXISTS (SELECT 1 FROM "tags" WHERE "tags"."run_uuid" = "runs"."run_uuid" AND "tags"."key" = $1)');
    expect(where("tags.t IS NOT NULL").sql).toBe('EXISTS (SELECT 1 FROM "tags" WHERE "tags"."run_uuid" = "runs"."run_uuid" AND "tags"."key" = $1)');
  });

  it("attributes compare run columns", () => {
    expect(where("status = 'FINISHED'").sql).toBe('("runs"."status" = $1)');
    expect(where("attributes.user_id LIKE 'a%'").sql).toBe('("runs"."user_id" LIKE $1)');
    expect(where("artifact_uri ILIKE '%x'").sql).toBe('("runs"."artifact_uri" ILIKE $1)');
    expect(where("start_time >= 10").sql).toBe('("runs"."start_time" >= $1::bigint)');
    expect(where("created > 1.5").sql).toBe('("runs"."start_time" > $1::double precision)');
    expect(where("end_time < 99999999999999999999").sql).toBe('("runs"."end_time" < $1::numeric)');
  });

  it("run_id lists", () => {
    const q = where("run_id IN ('a', 'b')");
    expect(q.sql).toBe('("runs"."run_uuid" IN ($1, $2))');
    expect(q.params).toEqual(["a", "b"]);
    expect(where("run_id NOT IN ('a')").sql).toBe('(NOT ("runs"."run_uuid" IN ($1)))');
  });

  it("run_name (and its aliases) filters on the mlflow.runName tag", () => {
    for (const f of ["run_name = 'x'", "attributes.`Run Name` = 'x'", "attributes.`run name` = 'x'"]) {
      const q = where(f);
      expect(q.sql).toBe('EXISTS (SELECT 1 FROM "tags" WHERE "tags"."run_uuid" = "runs"."run_uuid" AND "tags"."key" = $1 AND ("tags"."value" = $2))');
      expect(q.params).toEqual(["mlflow.runName", "x"]);
    }
  });

  it("datasets join inputs (and input_tags for context)", () => {
    const q = where("datasets.digest = 'abc'");
    expect(q.sql).toContain('FROM "datasets" JOIN "inputs" ON "inputs"."source_id" = "datasets"."dataset_uuid" WHERE "inputs"."destination_id" = "runs"."run_uuid" AND ("datasets"."digest" = $1)');
    const c = where("datasets.context IN ('train', 'eval')");
    expect(c.sql).toContain('JOIN "input_tags" ON "input_tags"."input_uuid" = "inputs"."input_uuid" AND "input_tags"."name" = $1 AND ("input_tags"."value" IN ($2, $3))');
    expect(c.params).toEqual(["mlflow.data.context", "train", "eval"]);
  });

  it("clauses are ANDed", () => {
    const q = where("metrics.a > 1 AND params.b = 'x' AND status != 'FAILED'");
    expect(q.sql.split(" AND (").length).toBeGreaterThan(2);
    expect(q.sql.endsWith('("runs"."status" != $5)')).toBe(true);
    expect(q.params).toEqual(["a", 1, "b", "x", "FAILED"]);
  });

  it("RLIKE maps to ~ when a caller builds it directly", () => {
    const q = dialect.sqlToQuery(runFilterToSql([{ type: "tag", key: "k", comparator: "RLIKE", value: { kind: "string", value: "^a.*" } }])!);
    expect(q.sql).toContain('("tags"."value" ~ $2)');
  });
});

describe("runOrderByToSql", () => {
  it("default: start_time DESC then run_uuid", () => {
    expect(order([]).sql).toBe('ORDER BY "runs"."start_time" DESC, "runs"."run_uuid" ASC');
  });

  it("attributes sort NULLs last both ways", () => {
    expect(order(["status"]).sql).toBe('ORDER BY "runs"."status" ASC NULLS LAST, "runs"."start_time" DESC, "runs"."run_uuid" ASC');
    expect(order(["run_name DESC"]).sql).toBe('ORDER BY "runs"."name" DESC NULLS LAST, "runs"."start_time" DESC, "runs"."run_uuid" ASC');
  });

  it("ordering on start_time (or created) drops the start_time tie-breaker", () => {
    expect(order(["start_time ASC"]).sql).toBe('ORDER BY "runs"."start_time" ASC NULLS LAST, "runs"."run_uuid" ASC');
    expect(order(["created"]).sql).toBe('ORDER BY "runs"."start_time" ASC NULLS LAST, "runs"."run_uuid" ASC');
  });

  it("metrics: numbers, then NaN, then missing", () => {
    const q = order(["metrics.m DESC"]);
    expect(q.sql).toBe(
      'LEFT JOIN "latest_metrics" ob0 ON ob0."run_uuid" = "runs"."run_uuid" AND ob0."key" = $1 ORDER BY CASE WHEN ob0."is_nan" THEN 1 WHEN ob0."value" IS NULL THEN 2 ELSE 0 END ASC, ob0."value" DESC, "runs"."start_time" DESC, "runs"."run_uuid" ASC',
    );
    expect(q.params).toEqual(["m"]);
  });

  it("params and tags", () => {
    expect(order(["params.p DESC"]).sql).toBe(
      'LEFT JOIN "params" ob0 ON ob0."run_uuid" = "runs"."run_uuid" AND ob0."key" = $1 ORDER BY ob0."value" DESC NULLS LAST, "runs"."start_time" DESC, "runs"."run_uuid" ASC',
    );
    // one join per key ordered on
    expect(order(["params.p", "tags.t DESC", "metrics.m"]).sql.match(/LEFT JOIN/g)).toHaveLength(3);
    expect(order(["tags.t"]).params).toEqual(["t"]);
  });
});

describe("experiments", () => {
  it("attributes", () => {
    expect(expWhere("name LIKE 'a%'").sql).toBe('("experiments"."name" LIKE $1)');
    expect(expWhere("creation_time > 5").sql).toBe('("experiments"."creation_time" > $1::bigint)');
    const ids = expWhere("experiment_id IN ('1', '2')");
    expect(ids.sql).toBe('("experiments"."experiment_id" IN ($1::bigint, $2::bigint))');
    expect(ids.params).toEqual(["1", "2"]);
    expect(expWhere("experiment_id = ' 7 '").params).toEqual(["7"]);
  });

  it("tags", () => {
    expect(expWhere("tags.t = 'x'").sql).toBe(
      'EXISTS (SELECT 1 FROM "experiment_tags" WHERE "experiment_tags"."experiment_id" = "experiments"."experiment_id" AND "experiment_tags"."key" = $1 AND ("experiment_tags"."value" = $2))',
    );
    expect(expWhere("tags.t IS NULL").sql).toMatch(/^NOT EXISTS/);
  });

  it("order by: default, and the experiment_id tie-breaker", () => {
    expect(expOrder(undefined).sql).toBe('"experiments"."creation_time" DESC, "experiments"."experiment_id" ASC');
    expect(expOrder(["name"]).sql).toBe('"experiments"."name" ASC, "experiments"."experiment_id" DESC');
    expect(expOrder(["experiment_id DESC"]).sql).toBe('"experiments"."experiment_id" DESC');
  });
});

describe("no user text in SQL", () => {
  const nasty = "'); DROP TABLE runs; --";
  it.each([
    `params.\`${nasty}\` = 'x'`,
    `tags.k = "${nasty}"`,
    `datasets.name = "${nasty}"`,
    `run_id IN ("${nasty}")`,
  ])("%s", (f) => {
    const q = where(f);
    expect(q.sql).not.toContain("DROP");
    expect(q.params).toContain(nasty);
  });

  it("order_by keys too", () => {
    const q = order([`tags.\`${nasty}\` DESC`]);
    expect(q.sql).not.toContain("DROP");
    expect(q.params).toContain(nasty);
  });
});
