/**
 * End-to-end agreement with MLflow's SQL store. fixtures/mlflow-store-oracle.json holds a small
 * tracking database (12 runs with NaN metrics, missing keys, mixed-case values, dataset inputs)
 * and the exact run/experiment id order MLflow 3.18.0's SqlAlchemyStore returned for ~650
 * filter/order_by combinations on Postgres. We load the same rows into PGlite and require the
 * same ids in the same order from our SQL. Node only (PGlite), skipped inside workerd.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql, type SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import ddl from "../../../drizzle/0000_mlflow_3_18_base.sql?raw";
import oracle from "./fixtures/mlflow-store-oracle.json";
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


interface Query {
  kind: "runs" | "experiments";
  filter?: string;
  order_by?: string[] | null;
  result: string[];
}

interface Db {
  query<T>(text: string, params?: unknown[]): Promise<{ rows: T[] }>;
  exec(text: string): Promise<unknown>;
  close(): Promise<void>;
}

const fixture = oracle as unknown as { tables: Record<string, { columns: string[]; rows: unknown[][] }>; queries: Query[] };
const dialect = new PgDialect();
let db: Db;

function searchSql(q: Query): SQL {
  if (q.kind === "runs") {
    const where = runFilterToSql(parseRunFilter(q.filter)) ?? sql`TRUE`;
    // MLflow was asked for experiments 1 and 2, all lifecycle stages.
    const { joins, items } = runOrderByToSql(parseRunOrderBy(q.order_by));
    return sql`SELECT runs.run_uuid AS id FROM runs ${joins} WHERE runs.experiment_id IN (1, 2) AND ${where} ORDER BY ${sql.join(items, sql`, `)}`;
  }
  const where = experimentFilterToSql(parseExperimentFilter(q.filter)) ?? sql`TRUE`;
  return sql`SELECT experiment_id::text AS id FROM experiments WHERE ${where} ORDER BY ${sql.join(experimentOrderByToSql(parseExperimentOrderBy(q.order_by)), sql`, `)}`;
}

describe("same answers as MLflow's SqlAlchemyStore on Postgres", () => {
  beforeAll(async () => {
    const { PGlite } = await import("@electric-sql/pglite");
    db = (await PGlite.create()) as unknown as Db;
    await db.exec(ddl.split("--> statement-breakpoint").join("\n"));
    for (const [table, { columns, rows }] of Object.entries(fixture.tables)) {
      for (const row of rows) {
        const placeholders = columns.map((_, i) => `$${i + 1}`).join(", ");
        await db.query(`INSERT INTO ${table} (${columns.join(", ")}) VALUES (${placeholders})`, row);
      }
    }
  }, 60_000);

  afterAll(async () => {
    await db?.close();
  });

  it("has a meaningful mix of results", () => {
    expect(fixture.queries.length).toBeGreaterThan(500);
    expect(fixture.queries.filter((q) => q.result.length >= 3).length).toBeGreaterThan(150);
  });

  it.each(fixture.queries.map((q, i) => [i, q.kind, q.filter ?? "", JSON.stringify(q.order_by ?? null), q] as const))(
    "#%i %s filter=%j order_by=%s",
    async (_i, _kind, _filter, _order, q) => {
      const { sql: text, params } = dialect.sqlToQuery(searchSql(q));
      const { rows } = await db.query<{ id: string }>(text, params);
      expect(rows.map((r) => r.id)).toEqual(q.result);
    },
  );
});
