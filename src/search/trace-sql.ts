/**
 * Trace filters and order_by as Postgres SQL over `trace_info t`, with the semantics of MLflow
 * 3.18's SQL store:
 *  - tag and metadata clauses each need a row with that key matching (keys are unique per trace);
 *  - every span clause must hold for the SAME span: they share one EXISTS over `spans`, limited to
 *    the trace's experiment and, when the filter bounds the trace's start from below, to spans
 *    starting at most 10 s before that bound;
 *  - `run_id = 'x'` also matches traces linked to run x; `prompt = 'name/version'` matches linked
 *    prompt versions;
 *  - session, token usage and cost metadata are columns: usage/cost equal only the canonical JSON
 *    MLflow rebuilds from them;
 *  - feedback/expectation clauses look at valid assessments, and a matching session-level
 *    assessment counts for every trace of that session;
 *  - NULL sort keys go last in both directions; ties by timestamp_ms DESC, request_id ASC.
 */
import { sql, type SQL } from "drizzle-orm";
import type { FilterValue } from "./ast";
import { compareSql } from "./comparator";
import type { TraceClause } from "./trace-filter";
import { arrayParam } from "../lib/sql";
import { pyDumpString, pyDumps, tryPyLoads, type PyValue } from "../lib/python-json";
import { pyIntString } from "../lib/python-repr";

const SPAN_START_TOLERANCE_MS = 10_000;
const TOKEN_COLUMNS: [string, string][] = [
  ["input_tokens", "input_tokens"], ["output_tokens", "output_tokens"], ["total_tokens", "total_tokens"],
  ["cache_read_input_tokens", "cache_read_input_tokens"], ["cache_creation_input_tokens", "cache_creation_input_tokens"],
  ["cache_creation_input_tokens_above_1hr", "cache_creation_input_tokens_above_1hr"],
];
const COST_COLUMNS: [string, string][] = [["input_cost", "input_cost"], ["output_cost", "output_cost"], ["total_cost", "total_cost"]];

const and = (parts: SQL[]) => sql.join(parts, sql` AND `);

const INT8_MAX = 2n ** 63n - 1n;

/** Integers stay exact (bigint, so indexes on int8 columns apply), floats compare as doubles. */
function numberParam(v: FilterValue): SQL {
  if (v.kind !== "number") throw new Error(`expected a number, got ${v.kind}`);
  if (!v.integer) return sql`${v.value}::double precision`;
  const digits = pyIntString(v.raw) ?? String(Math.trunc(v.value));
  const big = BigInt(digits);
  return big <= INT8_MAX && big >= -INT8_MAX - 1n ? sql`${digits}::bigint` : sql`${digits}::numeric`;
}

/** The lowest span start (ns) worth scanning for a trace-start bound in ms. */
function spanStartBound(ms: number): SQL {
  const ns = Number.isInteger(ms) ? (BigInt(ms) - BigInt(SPAN_START_TOLERANCE_MS)) * 1_000_000n : BigInt(Math.ceil((ms - SPAN_START_TOLERANCE_MS) * 1_000_000));
  return sql`${ns.toString()}::bigint`;
}

function rhs(v: FilterValue): SQL {
  if (v.kind === "list") return sql.join(v.values.map((x) => sql`${x}`), sql`, `);
  if (v.kind === "string") return sql`${v.value}`;
  return numberParam(v);
}

const cmp = (lhs: SQL, c: TraceClause) => sql`(${compareSql(lhs, c.comparator, rhs(c.value))})`;
const str = (v: FilterValue) => (v.kind === "string" ? v.value : "");

function attributeColumn(key: string): SQL {
  switch (key) {
    case "end_time_ms":
      return sql`(t.timestamp_ms + coalesce(t.execution_time_ms, 0))`;
    case "timestamp_ms":
    case "execution_time_ms":
    case "status":
    case "request_id":
    case "client_request_id":
    case "experiment_id":
      return sql.raw(`t.${key}`);
    default:
      throw new Error(`unknown trace attribute ${key}`);
  }
}

function keyed(table: "trace_tags" | "trace_request_metadata", key: string, condition?: SQL): SQL {
  const where = [sql`x.request_id = t.request_id`, sql`x.key = ${key}`];
  if (condition) where.push(condition);
  return sql`EXISTS (SELECT 1 FROM ${sql.raw(table)} x WHERE ${and(where)})`;
}

/** `get_trace_analytics_metadata_filter`: token usage / cost as the JSON MLflow rebuilds. */
export function analyticsFilter(key: string, c: TraceClause): SQL {
  const columns = key === "mlflow.trace.tokenUsage" ? TOKEN_COLUMNS : COST_COLUMNS;
  const exists = sql`(${sql.join(columns.map(([, col]) => sql`t.${sql.raw(col)} IS NOT NULL`), sql` OR `)})`;
  if (c.comparator === "IS NULL") return sql`NOT ${exists}`;
  if (c.comparator === "IS NOT NULL") return exists;
  const parsed = tryPyLoads(str(c.value));
  const normalized = new Map<string, PyValue>();
  if (parsed instanceof Map && [...parsed.keys()].every((k) => columns.some(([item]) => item === k))) {
    for (const [item] of columns) {
      const v = parsed.get(item);
      const converted = key === "mlflow.trace.tokenUsage" ? tokenValue(v) : costValue(v);
      if (converted !== null) normalized.set(item, converted);
    }
  }
  const canonical = normalized.size > 0 && str(c.value) === pyDumps(normalized);
  const matches = canonical
    ? and(columns.map(([item, col]) => (normalized.has(item) ? sql`t.${sql.raw(col)} = ${String(normalized.get(item))}::${sql.raw(key === "mlflow.trace.tokenUsage" ? "bigint" : "float8")}` : sql`t.${sql.raw(col)} IS NULL`)))
    : sql`false`;
  return c.comparator === "=" ? sql`(${matches})` : sql`(${exists} AND NOT (${matches}))`;
}

function tokenValue(v: PyValue | undefined): bigint | null {
  if (typeof v === "bigint") return v >= -(2n ** 63n) && v < 2n ** 63n ? v : null;
  if (typeof v === "number" && Number.isInteger(v)) return BigInt(v);
  return null;
}

function costValue(v: PyValue | undefined): number | null {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "bigint") return Number(v);
  return null;
}

/** Span clauses for the shared EXISTS. */
function spanCondition(c: TraceClause): SQL {
  if (c.key.startsWith("attributes.")) {
    const name = c.key.slice("attributes.".length).replace(/^`(.*)`$/s, "$1");
    const v = str(c.value);
    if (c.comparator === "RLIKE") {
      let pattern = v;
      let prefix = '"\\\\".*';
      let suffix = "";
      if (pattern.startsWith("^")) {
        pattern = pattern.slice(1);
        prefix = '"\\\\"';
      }
      if (pattern.endsWith("$")) {
        pattern = pattern.slice(0, -1);
        suffix = '\\\\"';
      }
      return sql`(s.content ~ ${`"${name}": ${prefix}${pattern}${suffix}`})`;
    }
    if (c.value.kind === "list") return cmp(sql`s.content`, c);
    return sql`(${compareSql(sql`s.content`, c.comparator, sql`${`%"${name}"${v}%`}`)})`;
  }
  return cmp(sql.raw(`s.${c.key}`), c);
}

/** Valid assessments of one name and kind, optionally with a value test. */
function assessmentFilter(c: TraceClause, valueTest?: SQL): SQL {
  const parts = [sql`a.assessment_type = ${c.type}`, sql`a.name = ${c.key}`, sql`a.valid = true`];
  if (valueTest) parts.push(valueTest);
  return and(parts);
}

function assessmentValueTest(c: TraceClause): SQL {
  if ([">", ">=", "<", "<="].includes(c.comparator)) return sql`a.is_numeric_value = true AND ${compareSql(sql`a.aggregate_value`, c.comparator, numberParam(c.value))}`;
  if (c.comparator === "=" || c.comparator === "!=") {
    const v = str(c.value);
    const eq = sql`(a.value = ${v} OR a.value = ${pyDumpString(v)})`;
    return c.comparator === "=" ? eq : sql`NOT ${eq}`;
  }
  return compareSql(sql`a.value`, c.comparator, sql`${str(c.value)}`);
}

export interface TraceScope {
  experimentIds: number[];
}

function inScope(alias: string, scope: TraceScope): SQL {
  const ids = scope.experimentIds;
  return ids.length === 1 ? sql`${sql.raw(alias)}.experiment_id = ${ids[0]}` : sql`${sql.raw(alias)}.experiment_id = any(${arrayParam(ids, "int")})`;
}

/** Traces of the scope covered by a matching session-level assessment (MLflow's session siblings). */
function sessionCovered(filter: SQL, scope: TraceScope): SQL {
  return sql`(SELECT t2.request_id FROM trace_info t2 WHERE ${inScope("t2", scope)} AND t2.session_id IN (
    SELECT t3.session_id FROM trace_info t3 JOIN assessments a ON a.trace_id = t3.request_id
    WHERE ${inScope("t3", scope)} AND t3.session_id IS NOT NULL AND ${filter}
      AND a.assessment_metadata IS NOT NULL AND a.assessment_metadata LIKE '%"mlflow.trace.session":%'))`;
}

function assessmentClause(c: TraceClause, scope: TraceScope): SQL {
  const direct = (filter: SQL) => sql`EXISTS (SELECT 1 FROM assessments a WHERE a.trace_id = t.request_id AND ${filter})`;
  if (c.comparator === "IS NULL") {
    const f = assessmentFilter(c);
    return sql`(NOT ${direct(f)} AND t.request_id NOT IN ${sessionCovered(f, scope)})`;
  }
  const f = c.comparator === "IS NOT NULL" ? assessmentFilter(c) : assessmentFilter(c, assessmentValueTest(c));
  return sql`(${direct(f)} OR t.request_id IN ${sessionCovered(f, scope)})`;
}

/** WHERE over `trace_info t`: the scope and every clause. */
export function traceFilterToSql(clauses: TraceClause[], scope: TraceScope): SQL {
  const parts: SQL[] = [inScope("t", scope)];
  const spanParts: SQL[] = [];
  let lowerBoundMs: number | null = null;
  let runId: string | null = null;
  for (const c of clauses) {
    if (c.type === "issue") {
      parts.push(sql`EXISTS (SELECT 1 FROM assessments a WHERE a.trace_id = t.request_id AND a.assessment_type = 'issue' AND a.name = ${str(c.value)})`);
    } else if (c.type === "attribute") {
      if (c.key === "timestamp_ms" && (c.comparator === ">" || c.comparator === ">=") && c.value.kind === "number") {
        lowerBoundMs = lowerBoundMs === null ? c.value.value : Math.max(lowerBoundMs, c.value.value);
      }
      parts.push(cmp(attributeColumn(c.key), c));
    } else if (c.type === "tag" && c.key === "mlflow.traceName") {
      parts.push(c.comparator === "IS NULL" ? sql`t.trace_name IS NULL` : c.comparator === "IS NOT NULL" ? sql`t.trace_name IS NOT NULL` : cmp(sql`t.trace_name`, c));
    } else if (c.type === "request_metadata" && c.key === "mlflow.trace.session") {
      parts.push(c.comparator === "IS NULL" ? sql`t.session_id IS NULL` : c.comparator === "IS NOT NULL" ? sql`t.session_id IS NOT NULL` : cmp(sql`t.session_id`, c));
    } else if (c.type === "request_metadata" && (c.key === "mlflow.trace.tokenUsage" || c.key === "mlflow.trace.cost")) {
      parts.push(analyticsFilter(c.key, c));
    } else if (c.type === "request_metadata" && c.key === "mlflow.sourceRun" && c.comparator === "=") {
      runId = str(c.value); // MLflow keeps the last such clause
    } else if (c.type === "tag" && c.key === "mlflow.linkedPrompts") {
      parts.push(sql`EXISTS (SELECT 1 FROM entity_associations e WHERE e.source_type = 'trace' AND e.source_id = t.request_id
        AND e.destination_type = 'prompt_version' AND e.destination_id = ${str(c.value)})`);
    } else if (c.type === "tag" || c.type === "request_metadata") {
      const table = c.type === "tag" ? "trace_tags" : "trace_request_metadata";
      if (c.comparator === "IS NULL") parts.push(sql`NOT ${keyed(table, c.key)}`);
      else if (c.comparator === "IS NOT NULL") parts.push(keyed(table, c.key));
      else parts.push(keyed(table, c.key, cmp(sql`x.value`, c)));
    } else if (c.type === "span") {
      spanParts.push(spanCondition(c));
    } else {
      parts.push(assessmentClause(c, scope));
    }
  }
  if (spanParts.length > 0) {
    const scopeParts = [sql`s.trace_id = t.request_id`, sql`s.experiment_id = t.experiment_id`];
    if (lowerBoundMs !== null) scopeParts.push(sql`s.start_time_unix_nano >= ${spanStartBound(lowerBoundMs)}`);
    parts.push(sql`EXISTS (SELECT 1 FROM spans s WHERE ${and([...scopeParts, ...spanParts])})`);
  }
  if (runId !== null) {
    // One set of trace ids, looked up from the run's side (entity_associations' reverse index and
    // edge_trace_request_metadata_source_run); two ORed EXISTS would test every trace of the scope.
    parts.push(sql`t.request_id IN (SELECT e.source_id FROM entity_associations e WHERE e.destination_type = 'run'
        AND e.destination_id = ${runId} AND e.source_type = 'trace'
      UNION ALL SELECT x.request_id FROM trace_request_metadata x WHERE x.key = 'mlflow.sourceRun' AND x.value = ${runId})`);
  }
  return and(parts);
}
