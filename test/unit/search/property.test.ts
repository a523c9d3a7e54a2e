/**
 * Property-based checks:
 *  - every filter/order_by we can print parses back to the same AST;
 *  - arbitrary input only ever fails with MlflowError INVALID_PARAMETER_VALUE;
 *  - user keys and values never reach the SQL text, only its parameters.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { PgDialect } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import {
  experimentFilterToSql,
  experimentOrderByToSql,
  parseExperimentFilter,
  parseExperimentOrderBy,
  parseRunFilter,
  parseRunOrderBy,
  printFilter,
  printOrderBy,
  runFilterToSql,
  runOrderByToSql,
  type FilterClause,
  type FilterValue,
  type OrderByClause,
} from "../../../src/search";
import { printKey } from "../../../src/search/print";
import { MlflowError } from "../../../src/errors";

const dialect = new PgDialect();
const RUNS = 400;

// ---- generators -------------------------------------------------------------------------------

const printable = (k: string) => {
  try {
    printKey(k);
    return true;
  } catch {
    return false;
  }
};

const keyArb = fc
  .oneof(
    fc.constantFrom("loss", "acc", "mlflow.runName", "a b", "x-y/z:1", "é", "select", "and", "in", "AS", "from", "1a", "_k"),
    fc.string({ minLength: 1, maxLength: 12 }),
    fc.string({ unit: "grapheme", minLength: 1, maxLength: 6 }),
  )
  .filter(printable);

const stringValueArb = fc
  .oneof(fc.string({ maxLength: 12 }), fc.constantFrom("", "%", "a_b", "it's", 'say "hi"', "é🙂", "AND", "OR x", ") OR (1=1"), fc.string({ unit: "grapheme", maxLength: 6 }))
  .filter((s) => !(s.includes("'") && s.includes('"')) && !s.endsWith("\\"));

const listItemArb = fc.string({ maxLength: 8 }).filter((s) => !/['"\\]/.test(s));

const numberRawArb = fc
  .tuple(
    fc.boolean(),
    fc.oneof(
      fc.tuple(fc.stringMatching(/^\d{1,5}$/), fc.option(fc.stringMatching(/^\d{1,3}$/)), fc.option(fc.tuple(fc.constantFrom("e", "E", "e-", "E-"), fc.stringMatching(/^\d{1,2}$/)))).map(
        ([i, f, e]) => `${i}${f === null ? "" : `.${f}`}${e === null ? "" : `${e[0]}${e[1]}`}`,
      ),
      fc.stringMatching(/^\.\d{1,3}$/),
      fc.stringMatching(/^\d{1,3}\.$/),
    ),
  )
  .map(([neg, body]) => (neg ? `-${body}` : body));

const num = (raw: string): FilterValue => ({ kind: "number", value: Number(raw), integer: /^-?\d+$/.test(raw), raw });
const str = (value: string): FilterValue => ({ kind: "string", value });
const list = (values: string[]): FilterValue => ({ kind: "list", values });
const NULL: FilterValue = { kind: "null" };

const metricClause = fc.tuple(keyArb, fc.constantFrom("=", "!=", ">", ">=", "<", "<="), numberRawArb).map(
  ([key, comparator, raw]): FilterClause => ({ type: "metric", key, comparator, value: num(raw) }),
);

const keyedStringClause = (type: "parameter" | "tag") =>
  fc.oneof(
    fc.tuple(keyArb, fc.constantFrom("=", "!=", "LIKE", "ILIKE"), stringValueArb).map(([key, comparator, v]): FilterClause => ({ type, key, comparator, value: str(v) })),
    fc.tuple(keyArb, fc.constantFrom("IS NULL", "IS NOT NULL")).map(([key, comparator]): FilterClause => ({ type, key, comparator, value: NULL })),
  );

const attributeClause = fc.oneof(
  fc
    .tuple(fc.constantFrom("status", "user_id", "artifact_uri", "run_name", "run_id", "run name", "Run Name"), fc.constantFrom("=", "!=", "LIKE", "ILIKE"), stringValueArb)
    .map(([key, comparator, v]): FilterClause => ({ type: "attribute", key, comparator, value: str(v) })),
  fc
    .tuple(fc.constantFrom("IN", "NOT IN"), fc.array(listItemArb, { minLength: 1, maxLength: 4 }))
    .map(([comparator, vs]): FilterClause => ({ type: "attribute", key: "run_id", comparator, value: list(vs) })),
  fc
    .tuple(fc.constantFrom("start_time", "end_time", "created", "Created"), fc.constantFrom("=", "!=", ">", ">=", "<", "<="), numberRawArb)
    .map(([key, comparator, raw]): FilterClause => ({ type: "attribute", key, comparator, value: num(raw) })),
);

const datasetClause = fc.oneof(
  fc.tuple(fc.constantFrom("name", "digest", "context"), fc.constantFrom("=", "!=", "LIKE", "ILIKE"), stringValueArb).map(([key, comparator, v]): FilterClause => ({ type: "dataset", key, comparator, value: str(v) })),
  fc
    .tuple(fc.constantFrom("name", "digest", "context"), fc.constantFrom("IN", "NOT IN"), fc.array(listItemArb, { minLength: 1, maxLength: 4 }))
    .map(([key, comparator, vs]): FilterClause => ({ type: "dataset", key, comparator, value: list(vs) })),
);

const runClauseArb = fc.oneof(metricClause, keyedStringClause("parameter"), keyedStringClause("tag"), attributeClause, datasetClause);
const runFilterArb = fc.array(runClauseArb, { minLength: 1, maxLength: 4 });

const experimentClauseArb = fc.oneof(
  fc.tuple(fc.constantFrom("=", "!=", "LIKE", "ILIKE"), stringValueArb).map(([comparator, v]): FilterClause => ({ type: "attribute", key: "name", comparator, value: str(v) })),
  fc
    .tuple(fc.constantFrom("creation_time", "last_update_time"), fc.constantFrom("=", "!=", ">", ">=", "<", "<="), fc.stringMatching(/^-?[1-9]\d{0,12}$/))
    .map(([key, comparator, raw]): FilterClause => ({ type: "attribute", key, comparator, value: num(raw) })),
  fc
    .tuple(fc.constantFrom("IN", "NOT IN"), fc.array(fc.nat({ max: 1_000_000 }).map(String), { minLength: 1, maxLength: 4 }))
    .map(([comparator, ids]): FilterClause => ({ type: "attribute", key: "experiment_id", comparator, value: list(ids) })),
  keyedStringClause("tag"),
);

// ---- properties -------------------------------------------------------------------------------

describe("print/parse round trip", () => {
  it("run filters", () => {
    fc.assert(
      fc.property(runFilterArb, (filter) => {
        expect(parseRunFilter(printFilter(filter))).toEqual(filter);
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it("experiment filters", () => {
    fc.assert(
      fc.property(fc.array(experimentClauseArb, { minLength: 1, maxLength: 3 }), (filter) => {
        expect(parseExperimentFilter(printFilter(filter))).toEqual(filter);
      }),
      { numRuns: RUNS },
    );
  });

  it("run order_by", () => {
    const orderKey = keyArb.filter((k) => !/["'\\`]/.test(k) && k.trim() === k);
    const clause = fc.oneof(
      fc.record({ type: fc.constantFrom<OrderByClause["type"]>("metric", "parameter", "tag"), key: orderKey, ascending: fc.boolean() }),
      fc.record({ type: fc.constant<OrderByClause["type"]>("attribute"), key: fc.constantFrom("status", "user_id", "run_id", "run_name", "end_time", "artifact_uri"), ascending: fc.boolean() }),
    );
    fc.assert(
      fc.property(fc.uniqueArray(clause, { selector: (o) => `${o.type}:${o.key}`, maxLength: 3 }), (orderBy) => {
        expect(parseRunOrderBy(orderBy.map(printOrderBy))).toEqual(orderBy);
      }),
      { numRuns: RUNS },
    );
  });
});

/** Only ever succeed or throw INVALID_PARAMETER_VALUE; accepted input must also translate to SQL. */
function total(fn: () => void): boolean {
  try {
    fn();
    return true;
  } catch (e) {
    if (e instanceof MlflowError && e.code === "INVALID_PARAMETER_VALUE") return true;
    throw e;
  }
}

const tokenSoup = fc
  .array(
    fc.oneof(
      fc.constantFrom("metrics.", "params.", "tags.", "attributes.", "datasets.", "run_id", "status", "start_time", "name", "experiment_id", "creation_time", "tags.k"),
      fc.constantFrom("=", "!=", "==", "<", ">=", "LIKE", "ILIKE", "RLIKE", "NOT", "IN", "IS", "NULL", "NOT NULL", "AND", "and", "OR", "ASC", "DESC", "BETWEEN"),
      fc.constantFrom("(", ")", ",", ".", ";", "`", "'", '"', "--", "/*", "*/", "$$", "::", "[", "]", "\\", "%s", "?", ":x", "#"),
      fc.constantFrom("1", "-1", "1.5", ".5", "1e3", "0x1F", "'x'", '"x"', "('a','b')", "()", "(1)", "'it''s'", "`k`", "[k]", "é"),
      fc.string({ maxLength: 4 }),
    ),
    { maxLength: 10 },
  )
  .chain((parts) => fc.array(fc.constantFrom(" ", "", "\n", "  "), { minLength: parts.length, maxLength: parts.length }).map((ws) => parts.map((p, i) => p + ws[i]).join("")));

describe("garbage in, INVALID_PARAMETER_VALUE out", () => {
  const inputs = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: "binary", maxLength: 20 }), tokenSoup);

  it("run filters", () => {
    fc.assert(fc.property(inputs, (s) => total(() => void dialect.sqlToQuery(runFilterToSql(parseRunFilter(s)) ?? sql`TRUE`))), { numRuns: RUNS * 5 });
  });

  it("experiment filters", () => {
    fc.assert(fc.property(inputs, (s) => total(() => void dialect.sqlToQuery(experimentFilterToSql(parseExperimentFilter(s)) ?? sql`TRUE`))), { numRuns: RUNS * 5 });
  });

  it("order_by", () => {
    fc.assert(
      fc.property(fc.array(inputs, { maxLength: 3 }), (entries) =>
        total(() => {
          const { joins, items } = runOrderByToSql(parseRunOrderBy(entries));
          dialect.sqlToQuery(sql`${joins} ORDER BY ${sql.join(items, sql`, `)}`);
        }) &&
        total(() => {
          dialect.sqlToQuery(sql.join(experimentOrderByToSql(parseExperimentOrderBy(entries)), sql`, `));
        }),
      ),
      { numRuns: RUNS * 3 },
    );
  });
});

describe("user text only travels as parameters", () => {
  // A sentinel that cannot occur in our fixed SQL makes "inline" detectable.
  const MARK = "\u00a7";
  const marked = <T extends FilterClause>(c: T): T => ({
    ...c,
    key: c.type === "attribute" || c.type === "dataset" ? c.key : MARK + c.key,
    value: c.value.kind === "string" ? str(MARK + c.value.value) : c.value.kind === "list" ? list(c.value.values.map((v) => MARK + v)) : c.value,
  });

  it("run filters", () => {
    fc.assert(
      fc.property(runFilterArb, (filter) => {
        const f = filter.map(marked);
        const q = dialect.sqlToQuery(runFilterToSql(parseRunFilter(printFilter(f)))!);
        expect(q.sql).not.toContain(MARK);
        const params = q.params.map(String);
        for (const c of f) {
          if (c.key.startsWith(MARK)) expect(params).toContain(c.key);
          if (c.value.kind === "string") expect(params).toContain(c.value.value);
          if (c.value.kind === "list") for (const v of c.value.values) expect(params).toContain(v);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("experiment filters", () => {
    fc.assert(
      fc.property(fc.array(experimentClauseArb, { minLength: 1, maxLength: 3 }), (filter) => {
        const f = filter.map((c) => (c.type === "tag" || c.key === "name" ? marked(c) : c));
        const q = dialect.sqlToQuery(experimentFilterToSql(parseExperimentFilter(printFilter(f)))!);
        expect(q.sql).not.toContain(MARK);
      }),
      { numRuns: RUNS },
    );
  });

  it("order_by keys", () => {
    fc.assert(
      fc.property(fc.constantFrom("metrics", "params", "tags"), keyArb.filter((k) => !/["'\\`]/.test(k)), fc.boolean(), (prefix, key, asc) => {
        const { joins, items } = runOrderByToSql(parseRunOrderBy([`${prefix}.\`${MARK}${key}\` ${asc ? "ASC" : "DESC"}`]));
        const q = dialect.sqlToQuery(sql`${joins} ORDER BY ${sql.join(items, sql`, `)}`);
        expect(q.sql).not.toContain(MARK);
        // MLflow strips surrounding whitespace from order_by keys, so compare trimmed.
        expect(q.params.map((p) => String(p).trim())).toContain((MARK + key).trim());
      }),
      { numRuns: RUNS },
    );
  });
});
