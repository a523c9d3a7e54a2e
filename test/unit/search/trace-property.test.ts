/**
 * Property-based checks of the trace search grammar:
 *  - well-formed clauses of every kind, printed with MLflow's quoting, parse back to themselves;
 *  - arbitrary input only ever fails with MlflowError INVALID_PARAMETER_VALUE;
 *  - keys and values of accepted filters never reach the SQL text, only its parameters.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { PgDialect } from "drizzle-orm/pg-core";
import { MlflowError } from "../../../src/errors";
import { parseTraceFilter, type TraceClause } from "../../../src/search/trace-filter";
import { parseTraceOrderBy, traceOrderByToSql } from "../../../src/search/trace-order-by";
import { traceFilterToSql } from "../../../src/search/trace-sql";

const dialect = new PgDialect();
const RUNS = 300;

/** Keys and values that survive MLflow's quoting: no quotes or backticks inside. */
const word = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_. :/-]{0,12}$/).filter((s) => !s.endsWith(".") && !/\s$/.test(s));
const text = fc.stringMatching(/^[^'"`\\]{0,16}$/);

type Case = { filter: string; clause: Pick<TraceClause, "type" | "key" | "comparator"> & { value: unknown } };

const tagLike = fc.record({ key: word, value: text, op: fc.constantFrom("=", "!=", "LIKE", "ILIKE") }).filter((r) => !["name", "prompt", "run_id", "text", "timestamp", "execution_time", "end_time"].includes(r.key.toLowerCase()));
const clause: fc.Arbitrary<Case> = fc.oneof(
  tagLike.map((r) => ({ filter: `tags.\`${r.key}\` ${r.op} '${r.value}'`, clause: { type: "tag" as const, key: r.key, comparator: r.op, value: r.value } })),
  tagLike.filter((r) => !r.key.startsWith("mlflow.trace.")).map((r) => ({ filter: `metadata.\`${r.key}\` ${r.op} "${r.value}"`, clause: { type: "request_metadata" as const, key: r.key, comparator: r.op, value: r.value } })),
  fc.record({ key: fc.constantFrom("timestamp_ms", "execution_time_ms", "end_time_ms"), op: fc.constantFrom("=", "!=", "<", "<=", ">", ">="), n: fc.integer({ min: 0, max: 2 ** 40 }) }).map((r) => ({
    filter: `trace.${r.key} ${r.op} ${r.n}`,
    clause: { type: "attribute" as const, key: r.key, comparator: r.op, value: r.n },
  })),
  fc.record({ key: fc.constantFrom("status", "request_id", "client_request_id"), values: fc.array(text, { minLength: 1, maxLength: 3 }), not: fc.boolean() }).map((r) => ({
    filter: `attributes.${r.key} ${r.not ? "NOT IN" : "IN"} (${r.values.map((v) => `'${v}'`).join(", ")})`,
    clause: { type: "attribute" as const, key: r.key, comparator: r.not ? "NOT IN" : "IN", value: r.values },
  })),
  fc.record({ key: fc.constantFrom("name", "type", "status"), value: text, op: fc.constantFrom("=", "!=", "LIKE", "ILIKE", "RLIKE") }).map((r) => ({
    filter: `span.${r.key} ${r.op} '${r.value}'`,
    clause: { type: "span" as const, key: r.key, comparator: r.op, value: r.value },
  })),
  // `+ 0` turns -0 into 0: the printed "0" parses back as 0, and toEqual tells the two apart.
  fc.record({ key: word, n: fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((n) => Number(n.toFixed(3)) + 0), op: fc.constantFrom("<", "<=", ">", ">=") }).map((r) => ({
    filter: `feedback.\`${r.key}\` ${r.op} ${r.n}`,
    clause: { type: "feedback" as const, key: r.key, comparator: r.op, value: r.n },
  })),
);

const plain = (c: TraceClause) => ({ type: c.type, key: c.key, comparator: c.comparator, value: c.value.kind === "list" ? c.value.values : c.value.kind === "null" ? null : c.value.value });

describe("trace filter properties", () => {
  it("parses printed clauses back to the same clauses", () => {
    fc.assert(
      fc.property(fc.array(clause, { minLength: 1, maxLength: 4 }), (cases) => {
        const parsed = parseTraceFilter(cases.map((c) => c.filter).join(" AND "));
        expect(parsed.map(plain)).toEqual(cases.map((c) => c.clause));
      }),
      { numRuns: RUNS },
    );
  });

  it("rejects arbitrary input only with INVALID_PARAMETER_VALUE", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (s) => {
        try {
          parseTraceFilter(s);
        } catch (e) {
          expect(e).toBeInstanceOf(MlflowError);
          expect((e as MlflowError).code).toBe("INVALID_PARAMETER_VALUE");
        }
        try {
          parseTraceOrderBy([s]);
        } catch (e) {
          expect(e).toBeInstanceOf(MlflowError);
        }
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it("binds every key and value as a parameter", () => {
    fc.assert(
      fc.property(fc.array(clause, { minLength: 1, maxLength: 4 }), (cases) => {
        const where = traceFilterToSql(parseTraceFilter(cases.map((c) => c.filter).join(" AND ")), { experimentIds: [1, 2] });
        const { sql: text, params } = dialect.sqlToQuery(where);
        for (const c of cases) {
          if (c.clause.type === "tag" || c.clause.type === "request_metadata" || c.clause.type === "feedback") {
            expect(params).toContain(c.clause.key);
            if (c.clause.key.length > 3) expect(text).not.toContain(c.clause.key);
          }
        }
        const order = traceOrderByToSql(parseTraceOrderBy(["tags.`x'; drop table t; --` DESC", "timestamp_ms"]));
        expect(order.map((o) => dialect.sqlToQuery(o).sql).join()).not.toContain("drop table");
      }),
      { numRuns: RUNS },
    );
  });
});
