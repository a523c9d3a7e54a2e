/**
 * search_traces filters, decided like MLflow 3.18: first its parser (`SearchTraceUtils`, every
 * clause), then its SQL store's clause building (`_get_filter_clauses_for_search_traces`, clause by
 * clause), each stage rejecting with its own messages. The result is typed clauses for
 * ./trace-sql.ts.
 *
 * Identifiers are `[prefix.]key`: attributes (`trace.`/`attributes.` or none: status, times, ids),
 * `tags.`, `metadata.`, `span.` (name, type, status, content, `attributes.<k>`), `feedback.` /
 * `expectation.`, `issue.id`. Some keys stand for others: `name` is the tag `mlflow.traceName`,
 * `prompt` the linked prompts, `run_id` the metadata `mlflow.sourceRun`, `text` the span content,
 * `timestamp`/`execution_time`/`end_time` their `_ms` forms.
 */
import type { FilterValue } from "./ast";
import type { Node } from "./group";
import { andedComparisons, fail, stringListValues, trimBackticks } from "./parser";
import { pySet } from "../lib/python-repr";

export type TraceClauseType = "attribute" | "tag" | "request_metadata" | "span" | "feedback" | "expectation" | "issue";

export interface TraceClause {
  type: TraceClauseType;
  key: string;
  /** Upper-cased. */
  comparator: string;
  value: FilterValue;
}

const SEARCH_ATTRIBUTES = ["request_id", "timestamp", "timestamp_ms", "execution_time", "execution_time_ms", "end_time", "end_time_ms", "status", "client_request_id", "name", "run_id", "prompt", "text"];
export const ORDER_BY_ATTRIBUTES = ["experiment_id", "timestamp", "timestamp_ms", "execution_time", "execution_time_ms", "end_time", "end_time_ms", "status", "request_id", "name", "run_id"];
const NUMERIC_ATTRIBUTES = ["timestamp_ms", "timestamp", "execution_time_ms", "execution_time", "end_time_ms", "end_time"];
const LIST_ATTRIBUTES = ["name", "status", "request_id", "run_id", "client_request_id"];
const IDENTIFIERS = ["tag", "request_metadata", "attribute", "span", "feedback", "expectation", "issue", "tags", "attributes", "trace", "metadata"];
const ALIASES: Record<string, TraceClauseType> = { tags: "tag", attributes: "attribute", trace: "attribute", metadata: "request_metadata" };

export const TAG_COMPARATORS = ["!=", "=", "LIKE", "ILIKE", "RLIKE", "IS NULL", "IS NOT NULL"];
const STRING_ATTRIBUTE_COMPARATORS = ["!=", "=", "IN", "NOT IN", "LIKE", "ILIKE", "RLIKE"];
const NUMERIC_COMPARATORS = [">", ">=", "!=", "=", "<", "<="];
const SPAN_COMPARATORS = STRING_ATTRIBUTE_COMPARATORS;
const SPAN_CONTENT_COMPARATORS = ["LIKE", "ILIKE"];
const NUMERIC_ASSESSMENT_COMPARATORS = [">", ">=", "<", "<="];
const ASSESSMENT_COMPARATORS = ["!=", "=", ...NUMERIC_ASSESSMENT_COMPARATORS, "LIKE", "ILIKE", "RLIKE", "IS NULL", "IS NOT NULL"];
const SPAN_COLUMNS = ["name", "type", "status"];
const ANALYTICS_METADATA = ["mlflow.trace.tokenUsage", "mlflow.trace.cost"];

/** MLflow prints Python sets here; we print them in a fixed order. */
const set = (xs: string[]) => pySet(xs);

const isQuoted = (s: string, q: string) => s.length >= 2 && s.startsWith(q) && s.endsWith(q);
const stripQuotes = (s: string) => (isQuoted(s, "'") || isQuoted(s, '"') ? s.slice(1, -1) : s);

/** `_get_identifier` with the trace identifiers. */
export function traceIdentifier(identifier: string, validAttributes: string[]): { type: TraceClauseType; key: string } {
  const dot = identifier.indexOf(".");
  let type: TraceClauseType = "attribute";
  let rawKey = identifier;
  if (dot >= 0) {
    const entity = trimBackticks(identifier.slice(0, dot));
    rawKey = identifier.slice(dot + 1);
    if (!IDENTIFIERS.includes(entity)) fail(`Invalid entity type '${entity}'. Valid values are ${set(IDENTIFIERS)}`);
    type = ALIASES[entity] ?? (entity as TraceClauseType);
  }
  const key = trimBackticks(stripQuotes(rawKey));
  if (type === "attribute" && !validAttributes.includes(key)) fail(`Invalid attribute key '${key}' specified. Valid keys are '${set(validAttributes)}'`);
  return { type, key };
}

/** `_replace_key_to_tag_or_metadata`: keys that stand for tags, metadata, span content or `_ms` attributes. */
export function mapTraceKey<T extends { type: TraceClauseType; key: string }>(c: T): T {
  if (c.type === "span") return c;
  const lower = c.key.toLowerCase();
  if (lower === "name") return { ...c, type: "tag", key: "mlflow.traceName" };
  if (lower === "prompt") return { ...c, type: "tag", key: "mlflow.linkedPrompts" };
  if (lower === "run_id") return { ...c, type: "request_metadata", key: "mlflow.sourceRun" };
  if (lower === "text") return { ...c, type: "span", key: "content" };
  const ms: Record<string, string> = { timestamp: "timestamp_ms", execution_time: "execution_time_ms", end_time: "end_time_ms" };
  return lower in ms ? { ...c, key: ms[lower]! } : c;
}

/** `SearchTraceUtils.is_span` (raises on an unsupported key or comparator). */
function checkSpan(key: string, comparator: string): void {
  if (key.startsWith("attributes.")) {
    if (key.length === "attributes.".length) fail("Span attribute name cannot be empty after 'attributes.'");
    if (!SPAN_COMPARATORS.includes(comparator)) fail(`span.${key} comparator '${comparator}' not one of '${set(SPAN_COMPARATORS)}'`);
  } else if (SPAN_COLUMNS.includes(key)) {
    if (!SPAN_COMPARATORS.includes(comparator)) fail(`span.${key} comparator '${comparator}' not one of '${set(SPAN_COMPARATORS)}'`);
  } else if (key === "content") {
    if (!SPAN_CONTENT_COMPARATORS.includes(comparator)) fail(`span.${key} comparator '${comparator}' not one of '${set(SPAN_CONTENT_COMPARATORS)}'`);
  } else {
    fail(`Invalid span attribute '${key}'. Supported attributes: name, status, type, attributes.<attribute_name>.`);
  }
}

const isNumber = (n: Node) => n.kind === "tok" && (n.tok.kind === "integer" || n.tok.kind === "float");
const isStringish = (n: Node) => n.kind === "ident" || (n.kind === "tok" && n.tok.kind === "string");

function quoted(n: Node): FilterValue {
  if (isQuoted(n.text, "'") || isQuoted(n.text, '"')) return { kind: "string", value: n.text.slice(1, -1) };
  return fail(`Parameter value is either not quoted or unidentified quote types used for string value ${n.text}. Use either single or double quotes.`);
}

const numberOf = (n: Node): FilterValue => ({ kind: "number", value: Number(n.text), integer: n.kind === "tok" && n.tok.kind === "integer", raw: n.text });

/** `SearchTraceUtils._get_value`. */
function valueOf(type: TraceClauseType, key: string, n: Node): FilterValue {
  const expected = (what: string) => fail(`Expected a quoted string value for ${what} (e.g. 'my-value'). Got value ${n.text}`);
  switch (type) {
    case "tag":
    case "span":
      if (isStringish(n)) return quoted(n);
      if (n.kind === "paren") return { kind: "list", values: stringListValues(n) };
      return expected(type);
    case "attribute":
      if (isStringish(n)) return quoted(n);
      if (n.kind === "paren") {
        if (!LIST_ATTRIBUTES.includes(key)) fail(`Only attributes in ${set(LIST_ATTRIBUTES)} supports comparison with a list of quoted string values.`);
        return { kind: "list", values: stringListValues(n) };
      }
      if (isNumber(n)) {
        if (!NUMERIC_ATTRIBUTES.includes(key)) fail(`Only the '${set(NUMERIC_ATTRIBUTES)}' attributes support comparison with numeric values.`);
        return numberOf(n);
      }
      return fail(`Expected a quoted string value or a list of quoted string values for attributes. Got value ${n.text}`);
    case "request_metadata":
    case "issue":
      return isStringish(n) ? quoted(n) : expected(type);
    case "feedback":
    case "expectation":
      if (isStringish(n)) return quoted(n);
      if (isNumber(n)) return numberOf(n);
      return fail(`Expected a quoted string value or numeric value for ${type} (e.g. 'my-value' or 0.8). Got value ${n.text}`);
  }
}

/** `_validate_assessment_comparison_value`: numbers with <, <=, >, >=, strings otherwise. */
function checkAssessmentValue(type: TraceClauseType, comparator: string, n: Node): void {
  if (type !== "feedback" && type !== "expectation") return;
  const numeric = NUMERIC_ASSESSMENT_COMPARATORS.includes(comparator);
  const message = numeric
    ? `Expected a numeric value for ${type} when using comparator '${comparator}'. Got value ${n.text}`
    : `Expected a quoted string value for ${type} (e.g. 'my-value'). Got value ${n.text}`;
  if (isStringish(n) ? numeric : isNumber(n) ? !numeric : true) fail(message);
}

function parseComparison(c: Extract<Node, { kind: "cmp" }>): TraceClause {
  if (c.lhs.kind !== "ident") fail(`Invalid comparison clause. Expected 'Identifier' found '${c.lhs.text}'`);
  const id = traceIdentifier(c.lhs.text, SEARCH_ATTRIBUTES);
  if (c.rhs === null) return { ...id, comparator: c.op, value: { kind: "null" } };
  const raw = c.opText ?? c.op;
  checkAssessmentValue(id.type, raw, c.rhs);
  const value = valueOf(id.type, id.key, c.rhs);
  if (id.type === "span") checkSpan(id.key, raw);
  return { ...id, comparator: raw, value };
}

/** The store's checks, in its order; returns the clause with its comparator upper-cased. */
function checkClause(parsed: TraceClause): TraceClause {
  const c = { ...parsed, comparator: parsed.comparator.toUpperCase() };
  const { type, key, comparator } = c;
  if (type === "issue") {
    if (key !== "id") fail(`Invalid issue attribute '${key}'. Supported attributes: id`);
    if (comparator !== "=") fail(`issue.${key} comparator '${comparator}' not one of '{'='}'`);
    return c;
  }
  if (type === "attribute") {
    const numeric = NUMERIC_ATTRIBUTES.includes(key);
    // MLflow lists the string comparators in the numeric message too.
    if (!(numeric ? NUMERIC_COMPARATORS : STRING_ATTRIBUTE_COMPARATORS).includes(comparator)) {
      fail(`Invalid comparator '${comparator}' not one of '${set(STRING_ATTRIBUTE_COMPARATORS)}${numeric ? "" : "'"}`);
    }
    return c;
  }
  if (type === "tag" && !TAG_COMPARATORS.includes(comparator)) fail(`Invalid comparator '${comparator}' not one of '${set(TAG_COMPARATORS)}`);
  if (type === "request_metadata" && !TAG_COMPARATORS.includes(comparator)) fail(`Invalid comparator '${comparator}' not one of '${set(TAG_COMPARATORS)}'`);
  if (type === "request_metadata" && ANALYTICS_METADATA.includes(key) && !["=", "!=", "IS NULL", "IS NOT NULL"].includes(comparator)) {
    fail(`Comparator '${comparator}' is not supported for reserved metadata '${key}'. Only '=', '!=', 'IS NULL', and 'IS NOT NULL' are supported.`);
  }
  if (type === "tag" && key === "mlflow.linkedPrompts") {
    if (comparator !== "=") fail(`Invalid comparator '${comparator}' for prompts filter. Only '=' is supported with format: prompt = "name/version"`);
    const v = c.value.kind === "string" ? c.value.value : "";
    if (v.split("/").length !== 2) fail(`Invalid prompts filter value '${v}'. Expected format: prompt = "name/version"`);
  }
  if (type === "span") checkSpan(key, comparator);
  if (type === "feedback" || type === "expectation") {
    if (!key) fail("Assessment field name cannot be empty");
    if (!ASSESSMENT_COMPARATORS.includes(comparator)) fail(`assessment.${key} comparator '${comparator}' not one of '${set(ASSESSMENT_COMPARATORS)}'`);
  }
  return c;
}

/**
 * A list must come with IN / NOT IN and the reverse. MLflow builds such clauses anyway and its
 * query then fails in the database (a 500); we refuse them, except a one-element list, which
 * Python reads as the plain string.
 */
function listShape(c: TraceClause): TraceClause {
  const wantsList = c.comparator === "IN" || c.comparator === "NOT IN";
  if (c.value.kind === "list" && !wantsList && c.value.values.length !== 1) fail(`Invalid comparator '${c.comparator}' for a list of values of ${c.type} '${c.key}'; use IN or NOT IN`);
  if (c.value.kind === "list" && !wantsList) return { ...c, value: { kind: "string", value: c.value.values[0]! } };
  if (wantsList && c.value.kind !== "list") fail(`Invalid comparator '${c.comparator}' for a single value of ${c.type} '${c.key}'; use a parenthesised list`);
  return c;
}

/**
 * Parses a search_traces filter. An empty string means no filter.
 * @throws MlflowError INVALID_PARAMETER_VALUE where MLflow rejects the filter.
 */
export function parseTraceFilter(filter: string | null | undefined): TraceClause[] {
  if (!filter) return [];
  const parsed = andedComparisons(filter, true, true).map(parseComparison).map(mapTraceKey);
  // MLflow's own checks run over every clause first, so they report the same first error.
  return parsed.map(checkClause).map(listShape);
}
