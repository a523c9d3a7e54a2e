/**
 * Translates parsed filters and order_by clauses into drizzle `sql` fragments for Postgres.
 *
 * Every user-supplied key and value goes through a bind parameter; only fixed SQL text is inlined.
 * Semantics follow MLflow's SQLAlchemy store:
 *  - params/tags/metrics/datasets match when *some* row with that key satisfies the comparison
 *    (MLflow inner-joins a filtered subquery; we use EXISTS so callers need no DISTINCT). Hence a
 *    run without the key never matches, not even `!=`.
 *  - metrics compare against latest_metrics; NaN is stored as 0 with is_nan, so a NaN metric
 *    satisfies only `!=`.
 *  - `attributes.run_name` filters on the `mlflow.runName` tag (runs logged by old clients have no
 *    runs.name), but sorting uses the runs.name column, exactly as MLflow does.
 *  - LIKE is case-sensitive, ILIKE is not, RLIKE maps to the POSIX regex operator `~`.
 *
 * The fragments reference the unaliased `runs` / `experiments` tables, so the surrounding query
 * must select FROM those tables under their own names.
 */
import { sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import {
  datasets,
  experimentTags,
  experiments,
  inputTags,
  inputs,
  latestMetrics,
  params,
  runs,
  tags,
} from "../db/schema/tracking";
import type { Filter, FilterClause, FilterValue, OrderByClause } from "./ast";
import { translateRunAttributeAlias } from "./ast";
import { compareSql } from "./comparator";
import { pyIntString } from "../lib/python-repr";

const RUN_NAME_TAG = "mlflow.runName";
const DATASET_CONTEXT_TAG = "mlflow.data.context";
const INT8_MAX = 9223372036854775807n;

type Operand = SQL | AnyPgColumn;

/** Binds a number the way MLflow would compare it: ints stay exact, everything else is float8. */
function numberParam(v: FilterValue): SQL {
  if (v.kind !== "number") throw new Error(`expected a number, got ${v.kind}`);
  if (v.integer) {
    const digits = pyIntString(v.raw) ?? String(Math.trunc(v.value));
    const big = BigInt(digits);
    // Out-of-range integers still compare correctly as numeric instead of failing the cast.
    return big <= INT8_MAX && big >= -INT8_MAX - 1n ? sql`${digits}::bigint` : sql`${digits}::numeric`;
  }
  return sql`${v.value}::double precision`;
}

function stringParam(v: FilterValue): SQL {
  if (v.kind !== "string") throw new Error(`expected a string, got ${v.kind}`);
  return sql`${v.value}`;
}

function listParam(v: FilterValue, cast?: SQL): SQL {
  if (v.kind !== "list") throw new Error(`expected a list, got ${v.kind}`);
  return sql.join(
    v.values.map((x) => (cast ? sql`${x}${cast}` : sql`${x}`)),
    sql`, `,
  );
}


/** Binds a string clause's value (single or list) for `column`. */
function compareString(column: Operand, c: FilterClause): SQL {
  const rhs = c.value.kind === "list" ? listParam(c.value) : stringParam(c.value);
  return compareSql(column, c.comparator, rhs);
}

const and = (parts: SQL[]) => sql.join(parts, sql` AND `);

// ---- runs -------------------------------------------------------------------------------------

/** Run attribute → column; `run_name` here is the column (used for sorting). */
function runColumn(key: string): AnyPgColumn {
  switch (translateRunAttributeAlias(key)) {
    case "run_id":
      return runs.runUuid;
    case "run_name":
      return runs.name;
    case "status":
      return runs.status;
    case "user_id":
      return runs.userId;
    case "artifact_uri":
      return runs.artifactUri;
    case "start_time":
      return runs.startTime;
    case "end_time":
      return runs.endTime;
    default:
      throw new Error(`unknown run attribute ${key}`);
  }
}

function keyedExists(table: typeof params | typeof tags | typeof latestMetrics, key: string, condition?: SQL): SQL {
  const where = [sql`${table.runUuid} = ${runs.runUuid}`, sql`${table.key} = ${key}`];
  if (condition) where.push(condition);
  return sql`EXISTS (SELECT 1 FROM ${table} WHERE ${and(where)})`;
}

function runClauseToSql(c: FilterClause): SQL {
  switch (c.type) {
    case "attribute": {
      const key = translateRunAttributeAlias(c.key);
      if (key === "run_name") return keyedExists(tags, RUN_NAME_TAG, sql`(${compareString(tags.value, c)})`);
      if (key === "start_time" || key === "end_time") return sql`(${compareSql(runColumn(key), c.comparator, numberParam(c.value))})`;
      return sql`(${compareString(runColumn(key), c)})`;
    }
    case "metric": {
      // MLflow compares metrics with float(value), integers included.
      if (c.value.kind !== "number") throw new Error(`expected a number, got ${c.value.kind}`);
      const cmp = compareSql(latestMetrics.value, c.comparator, sql`${c.value.value}::double precision`);
      const nanAware =
        c.comparator === "!=" ? sql`(${cmp} OR ${latestMetrics.isNan} = true)` : sql`(${cmp} AND ${latestMetrics.isNan} = false)`;
      return keyedExists(latestMetrics, c.key, nanAware);
    }
    case "parameter":
    case "tag": {
      const table = c.type === "tag" ? tags : params;
      if (c.comparator === "IS NULL") return sql`NOT ${keyedExists(table, c.key)}`;
      if (c.comparator === "IS NOT NULL") return keyedExists(table, c.key);
      return keyedExists(table, c.key, sql`(${compareString(table.value, c)})`);
    }
    case "dataset": {
      // Like MLflow, any input row pointing at the run counts; source/destination types are not checked.
      const joined = sql`${datasets} JOIN ${inputs} ON ${inputs.sourceId} = ${datasets.datasetUuid}`;
      if (c.key === "context") {
        return sql`EXISTS (SELECT 1 FROM ${joined} JOIN ${inputTags} ON ${inputTags.inputUuid} = ${inputs.inputUuid} AND ${inputTags.name} = ${DATASET_CONTEXT_TAG} AND (${compareString(inputTags.value, c)}) WHERE ${inputs.destinationId} = ${runs.runUuid})`;
      }
      const column = c.key === "name" ? datasets.name : datasets.digest;
      return sql`EXISTS (SELECT 1 FROM ${joined} WHERE ${inputs.destinationId} = ${runs.runUuid} AND (${compareString(column, c)}))`;
    }
  }
}

/**
 * Beyond this many keyed clauses (params, tags, metrics, run names), each table's clauses are
 * checked in one aggregate subquery instead of one EXISTS each. EXISTS lets the planner start from
 * a selective key, which wins for the usual one or two clauses; but every EXISTS becomes a
 * semi-join the planner must order, and past its collapse limits (8) planning time grows steeply
 * (100 AND-ed param clauses took seconds). The aggregate form costs one index probe per run and
 * table, linear in the clauses.
 */
export const GROUP_KEYED_CLAUSES_ABOVE = 8;

type KeyedTable = typeof params | typeof tags | typeof latestMetrics;

/** A clause that is "some row of `table` with `key` satisfies `condition`" (or, negated, "none does"). */
interface KeyedCheck {
  table: KeyedTable;
  key: string;
  condition?: SQL;
  negate: boolean;
}

function keyedCheck(c: FilterClause): KeyedCheck | null {
  switch (c.type) {
    case "attribute":
      return translateRunAttributeAlias(c.key) === "run_name" ? { table: tags, key: RUN_NAME_TAG, condition: sql`(${compareString(tags.value, c)})`, negate: false } : null;
    case "metric": {
      if (c.value.kind !== "number") throw new Error(`expected a number, got ${c.value.kind}`);
      const cmp = compareSql(latestMetrics.value, c.comparator, sql`${c.value.value}::double precision`);
      const condition = c.comparator === "!=" ? sql`(${cmp} OR ${latestMetrics.isNan} = true)` : sql`(${cmp} AND ${latestMetrics.isNan} = false)`;
      return { table: latestMetrics, key: c.key, condition, negate: false };
    }
    case "parameter":
    case "tag": {
      const table = c.type === "tag" ? tags : params;
      if (c.comparator === "IS NULL") return { table, key: c.key, negate: true };
      if (c.comparator === "IS NOT NULL") return { table, key: c.key, negate: false };
      return { table, key: c.key, condition: sql`(${compareString(table.value, c)})`, negate: false };
    }
    case "dataset":
      return null;
  }
}

/** All keyed checks on one table as one aggregate over the run's rows of those keys. */
function groupedChecks(table: KeyedTable, checks: KeyedCheck[]): SQL {
  const tests = checks.map((k) => {
    const filter = k.condition ? sql`${table.key} = ${k.key} AND ${k.condition}` : sql`${table.key} = ${k.key}`;
    return k.negate ? sql`count(*) FILTER (WHERE ${filter}) = 0` : sql`count(*) FILTER (WHERE ${filter}) > 0`;
  });
  const keys = sql.join([...new Set(checks.map((k) => k.key))].map((k) => sql`${k}`), sql`, `);
  return sql`(SELECT ${and(tests)} FROM ${table} WHERE ${table.runUuid} = ${runs.runUuid} AND ${table.key} IN (${keys}))`;
}

/**
 * WHERE condition for search_runs over `runs`, or undefined for an empty filter (drizzle's `and()`
 * skips undefined). Experiment ids, lifecycle stage and paging are the caller's business.
 */
export function runFilterToSql(filter: Filter, groupAbove = GROUP_KEYED_CLAUSES_ABOVE): SQL | undefined {
  if (filter.length === 0) return undefined;
  const keyed = filter.map(keyedCheck);
  if (keyed.filter((k) => k !== null).length <= groupAbove) return and(filter.map(runClauseToSql));
  const parts: SQL[] = filter.filter((_, i) => keyed[i] === null).map(runClauseToSql);
  for (const table of [params, tags, latestMetrics]) {
    const checks = keyed.filter((k): k is KeyedCheck => k !== null && k.table === table);
    if (checks.length > 0) parts.push(groupedChecks(table, checks));
  }
  return and(parts);
}

function direction(ascending: boolean): SQL {
  return ascending ? sql`ASC` : sql`DESC`;
}

/**
 * ORDER BY items for search_runs: missing values sort last in both directions and, for metrics,
 * NaN sorts after every number but before missing. Ends with MLflow's tie-breakers
 * (start_time DESC unless start_time was ordered on, then run_uuid).
 */
/** What a search_runs ORDER BY needs: LEFT JOINs to add after `FROM runs`, and the sort items. */
export interface RunOrdering {
  joins: SQL;
  items: SQL[];
}

/**
 * Each metric, param or tag key ordered on is joined once (LEFT JOIN on its table's primary key
 * (key, run_uuid), so a run gets at most one row and runs without the key stay): the sort reads a
 * joined column instead of running subqueries per candidate run, so its cost follows the join,
 * not a probe per row and sort key.
 */
export function runOrderByToSql(orderBy: readonly OrderByClause[]): RunOrdering {
  const items: SQL[] = [];
  const joins: SQL[] = [];
  let sawStartTime = false;
  orderBy.forEach((o, i) => {
    const dir = direction(o.ascending);
    const alias = sql.raw(`ob${i}`);
    if (o.type === "attribute") {
      const col = runColumn(o.key);
      if (col === runs.startTime) sawStartTime = true;
      items.push(sql`${col} ${dir} NULLS LAST`);
    } else if (o.type === "metric") {
      joins.push(sql`LEFT JOIN "latest_metrics" ${alias} ON ${alias}."run_uuid" = "runs"."run_uuid" AND ${alias}."key" = ${o.key}`);
      // MLflow: numbers first (in the requested direction), then NaN, then runs without the metric.
      items.push(sql`CASE WHEN ${alias}."is_nan" THEN 1 WHEN ${alias}."value" IS NULL THEN 2 ELSE 0 END ASC`);
      items.push(sql`${alias}."value" ${dir}`);
    } else if (o.type === "parameter" || o.type === "tag") {
      const table = sql.raw(o.type === "tag" ? `"tags"` : `"params"`);
      joins.push(sql`LEFT JOIN ${table} ${alias} ON ${alias}."run_uuid" = "runs"."run_uuid" AND ${alias}."key" = ${o.key}`);
      items.push(sql`${alias}."value" ${dir} NULLS LAST`);
    } else {
      throw new Error(`cannot order runs by ${o.type}`);
    }
  });
  if (!sawStartTime) items.push(sql`${runs.startTime} DESC`);
  items.push(sql`${runs.runUuid} ASC`);
  return { joins: sql.join(joins, sql` `), items };
}

// ---- experiments ------------------------------------------------------------------------------

function experimentColumn(key: string): AnyPgColumn {
  switch (key) {
    case "name":
      return experiments.name;
    case "experiment_id":
      return experiments.experimentId;
    case "creation_time":
      return experiments.creationTime;
    case "last_update_time":
      return experiments.lastUpdateTime;
    default:
      throw new Error(`unknown experiment attribute ${key}`);
  }
}

function experimentClauseToSql(c: FilterClause): SQL {
  if (c.type === "tag") {
    const where = [sql`${experimentTags.experimentId} = ${experiments.experimentId}`, sql`${experimentTags.key} = ${c.key}`];
    if (c.comparator !== "IS NULL" && c.comparator !== "IS NOT NULL") where.push(sql`(${compareString(experimentTags.value, c)})`);
    const exists = sql`EXISTS (SELECT 1 FROM ${experimentTags} WHERE ${and(where)})`;
    return c.comparator === "IS NULL" ? sql`NOT ${exists}` : exists;
  }
  const col = experimentColumn(c.key);
  if (c.key === "experiment_id") {
    // Ids arrive as canonical integer strings; bigint keeps huge ids from overflowing the cast.
    const rhs = c.value.kind === "list" ? listParam(c.value, sql`::bigint`) : sql`${stringParam(c.value)}::bigint`;
    return sql`(${compareSql(col, c.comparator, rhs)})`;
  }
  if (c.key === "creation_time" || c.key === "last_update_time") return sql`(${compareSql(col, c.comparator, numberParam(c.value))})`;
  return sql`(${compareString(col, c)})`;
}

/** An experiment tag clause as an aggregate test over the experiment's tags (see GROUP_KEYED_CLAUSES_ABOVE). */
function experimentTagTest(c: FilterClause): SQL {
  const filter =
    c.comparator === "IS NULL" || c.comparator === "IS NOT NULL"
      ? sql`${experimentTags.key} = ${c.key}`
      : sql`${experimentTags.key} = ${c.key} AND (${compareString(experimentTags.value, c)})`;
  return c.comparator === "IS NULL" ? sql`count(*) FILTER (WHERE ${filter}) = 0` : sql`count(*) FILTER (WHERE ${filter}) > 0`;
}

/** WHERE condition for search_experiments over `experiments`, or undefined for an empty filter. */
export function experimentFilterToSql(filter: Filter, groupAbove = GROUP_KEYED_CLAUSES_ABOVE): SQL | undefined {
  if (filter.length === 0) return undefined;
  const tagClauses = filter.filter((c) => c.type === "tag");
  if (tagClauses.length <= groupAbove) return and(filter.map(experimentClauseToSql));
  const keys = sql.join([...new Set(tagClauses.map((c) => c.key))].map((k) => sql`${k}`), sql`, `);
  const grouped = sql`(SELECT ${and(tagClauses.map(experimentTagTest))} FROM ${experimentTags}
    WHERE ${experimentTags.experimentId} = ${experiments.experimentId} AND ${experimentTags.key} IN (${keys}))`;
  return and([...filter.filter((c) => c.type !== "tag").map(experimentClauseToSql), grouped]);
}

/**
 * ORDER BY items for search_experiments. Postgres' default NULL placement is kept (MLflow adds no
 * NULLS clause here) and experiment_id DESC breaks ties unless experiment_id was ordered on.
 */
export function experimentOrderByToSql(orderBy: readonly OrderByClause[]): SQL[] {
  const out = orderBy.map((o) => sql`${experimentColumn(o.key)} ${direction(o.ascending)}`);
  if (!orderBy.some((o) => o.key === "experiment_id")) out.push(sql`${experiments.experimentId} DESC`);
  return out;
}
