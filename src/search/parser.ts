/**
 * Filter parsing and validation for search_runs and search_experiments.
 *
 * MLflow validates in two stages - the search-utils parser first, then the SQL store when it
 * builds clauses - and the first error wins. We run the same two stages in the same order
 * (every clause is parsed before any comparator is checked), so that a filter with several
 * problems reports the same one MLflow does. Messages follow MLflow's wording; where MLflow
 * prints a Python set we print a fixed order instead of Python's hash order.
 */
import { MlflowError } from "../errors";
import type { Comparator, EntityType, Filter, FilterClause, FilterValue } from "./ast";
import { translateRunAttributeAlias } from "./ast";
import { checkClauseCount } from "./limits";
import { tokenize } from "./lexer";
import { groupTokens, joinKeywordComparisons, type Node } from "./group";
import { pyFloatStr, pyIntString, pyList, pyRepr, pySet } from "../lib/python-repr";
import { parsePyTuple } from "./py-literal";


export function fail(message: string): never {
  throw MlflowError.invalidParameter(message);
}


// ---- vocabulary -------------------------------------------------------------------------------

const METRIC_COMPARATORS = [">", ">=", "!=", "=", "<", "<="];
const PARAM_COMPARATORS = ["!=", "=", "LIKE", "ILIKE", "IS NULL", "IS NOT NULL"];
const TAG_COMPARATORS = PARAM_COMPARATORS;
const STRING_ATTRIBUTE_COMPARATORS = ["!=", "=", "LIKE", "ILIKE", "IN", "NOT IN"];
const NUMERIC_ATTRIBUTE_COMPARATORS = METRIC_COMPARATORS;
const DATASET_COMPARATORS = STRING_ATTRIBUTE_COMPARATORS;

const ENTITY_ALIASES: Record<string, EntityType> = {
  metric: "metric",
  metrics: "metric",
  parameter: "parameter",
  parameters: "parameter",
  param: "parameter",
  params: "parameter",
  tag: "tag",
  tags: "tag",
  attribute: "attribute",
  attributes: "attribute",
  attr: "attribute",
  run: "attribute",
  dataset: "dataset",
  datasets: "dataset",
};
const CANONICAL_ENTITIES = ["metric", "parameter", "tag", "attribute", "dataset"];

export const RUN_SEARCH_ATTRIBUTES = ["run_id", "run_name", "status", "user_id", "artifact_uri", "start_time", "end_time", "created", "Created", "run name", "Run name", "Run Name"];
export const RUN_ORDER_BY_ATTRIBUTES = ["run_id", "run_name", "status", "user_id", "artifact_uri", "start_time", "end_time", "created", "Created"];
const RUN_NUMERIC_ATTRIBUTES = new Set(["start_time", "end_time", "created", "Created"]);
const DATASET_KEYS = ["name", "digest", "context"];

export const EXPERIMENT_ATTRIBUTES = ["name", "experiment_id", "creation_time", "last_update_time"];
const EXPERIMENT_NUMERIC_ATTRIBUTES = new Set(["creation_time", "last_update_time"]);
const EXPERIMENT_ENTITY_TYPES = ["attribute", "attributes", "tag", "tags"];

/** What differs between the runs and experiments flavours of MLflow's parser. */
interface Dialect {
  experiments: boolean;
  numericAttributes: Set<string>;
  listKeys: string[];
  searchAttributes: string[];
}

const RUNS: Dialect = { experiments: false, numericAttributes: RUN_NUMERIC_ATTRIBUTES, listKeys: ["run_id"], searchAttributes: RUN_SEARCH_ATTRIBUTES };
const EXPERIMENTS: Dialect = { experiments: true, numericAttributes: EXPERIMENT_NUMERIC_ATTRIBUTES, listKeys: ["experiment_id"], searchAttributes: EXPERIMENT_ATTRIBUTES };

// ---- identifiers ------------------------------------------------------------------------------

const isQuoted = (s: string, q: string) => s.length >= 2 && s.startsWith(q) && s.endsWith(q);
export const trimBackticks = (s: string) => (isQuoted(s, "`") ? s.slice(1, -1) : s);

/** Strips one level of '…' or "…"; MLflow does no unescaping. */
function stripQuotes(value: string, expectQuoted: boolean): string {
  if (isQuoted(value, "'") || isQuoted(value, '"')) return value.slice(1, -1);
  if (expectQuoted) {
    fail(`Parameter value is either not quoted or unidentified quote types used for string value ${value}. Use either single or double quotes.`);
  }
  return value;
}

/** Resolves `prefix.key` (or a bare attribute) into an entity type and an unquoted key. */
export function resolveIdentifier(identifier: string, validAttributes: string[], experiments: boolean): { type: EntityType; key: string } {
  const dot = identifier.indexOf(".");
  let type: EntityType;
  let rawKey: string;
  if (dot < 0) {
    type = "attribute";
    rawKey = identifier;
  } else {
    const entity = identifier.slice(0, dot);
    rawKey = identifier.slice(dot + 1);
    if (experiments && !EXPERIMENT_ENTITY_TYPES.includes(entity)) {
      fail(`Invalid entity type '${entity}'. Valid entity types are (${EXPERIMENT_ENTITY_TYPES.map(pyRepr).join(", ")})`);
    }
    const trimmed = trimBackticks(entity);
    const resolved = Object.hasOwn(ENTITY_ALIASES, trimmed) ? ENTITY_ALIASES[trimmed] : undefined;
    if (!resolved) fail(`Invalid entity type '${trimmed}'. Valid values are ${pyList(CANONICAL_ENTITIES)}`);
    type = resolved!;
  }
  const key = trimBackticks(stripQuotes(rawKey, false));
  if (type === "attribute" && !validAttributes.includes(key)) {
    fail(`Invalid attribute key '${key}' specified. Valid keys are '${pySet(validAttributes)}'`);
  }
  if (type === "dataset" && !DATASET_KEYS.includes(key)) {
    fail(`Invalid dataset key '${key}' specified. Valid keys are '${pySet(DATASET_KEYS)}'`);
  }
  return { type, key };
}

// ---- values -----------------------------------------------------------------------------------

const isNumberTok = (n: Node) => n.kind === "tok" && (n.tok.kind === "integer" || n.tok.kind === "float");
const isStringish = (n: Node) => n.kind === "ident" || (n.kind === "tok" && n.tok.kind === "string");

function numberValue(n: Node): FilterValue {
  const raw = n.text;
  return { kind: "number", value: Number(raw), integer: n.kind === "tok" && n.tok.kind === "integer", raw };
}

function listValue(n: Node): FilterValue {
  return { kind: "list", values: stringListValues(n) };
}

/** The strings of an `IN (...)` list, validated the way MLflow does (shared with the registry grammar). */
export function stringListValues(n: Node): string[] {
  const parsed = parsePyTuple(n.text);
  if (!parsed.ok) fail("While parsing a list in the query, expected a non-empty list of string values, but got ill-formed list.");
  const items = (parsed as Extract<typeof parsed, { ok: true }>).items;
  if (items.length === 0) fail("While parsing a list in the query, expected a non-empty list of string values, but got empty list");
  if (!items.every((i) => i.kind === "str")) {
    const shown = items.map((i) => (i.kind === "str" ? pyRepr(i.value) : i.text));
    fail(`While parsing a list in the query, expected string value, punctuation, or whitespace, but got different type in list: (${shown.join(", ")}${shown.length === 1 ? "," : ""})`);
  }
  return items.map((i) => (i as { value: string }).value);
}

function stringValue(n: Node): FilterValue {
  return { kind: "string", value: stripQuotes(n.text, true) };
}

function clauseValue(d: Dialect, type: EntityType, key: string, n: Node): FilterValue {
  switch (type) {
    case "metric":
      if (!isNumberTok(n)) fail(`Expected numeric value type for metric. Found ${n.text}`);
      return numberValue(n);
    case "parameter":
    case "tag":
      if (isStringish(n)) return stringValue(n);
      return fail(`Expected a quoted string value for ${type} (e.g. 'my-value'). Got value ${n.text}`);
    case "attribute":
      if (d.numericAttributes.has(key)) {
        if (!isNumberTok(n)) fail(`Expected numeric value type for numeric attribute: ${key}. Found ${n.text}`);
        return numberValue(n);
      }
      if (isStringish(n)) return stringValue(n);
      if (n.kind === "paren") {
        if (!d.listKeys.includes(key)) fail(`Only ${pyList(d.listKeys)} attributes support comparison with a list of quoted string values.`);
        return listValue(n);
      }
      return fail(`Expected a quoted string value for attributes. Got value ${n.text}`);
    case "dataset":
      if (isStringish(n)) return stringValue(n);
      if (n.kind === "paren") return listValue(n);
      return fail(`Expected a quoted string value for dataset attributes. Got value ${n.text}`);
  }
}

// ---- clauses ----------------------------------------------------------------------------------

/** A clause as parsed, before store-level checks; the comparator may still be anything (`==`). */
interface RawClause {
  type: EntityType;
  key: string;
  comparator: string;
  value: FilterValue;
}

function parseComparison(d: Dialect, c: Extract<Node, { kind: "cmp" }>): RawClause {
  if (c.lhs.kind !== "ident") fail(`Invalid comparison clause. Expected 'Identifier' found '${c.lhs.text}'`);
  const { type, key } = resolveIdentifier(c.lhs.text, d.searchAttributes, d.experiments);
  if (c.rhs === null) {
    if (d.experiments && type !== "tag") fail(`IS NULL / IS NOT NULL is only supported for tags, not for attribute '${key}'`);
    if (!d.experiments && type !== "tag" && type !== "parameter") {
      fail(`IS NULL / IS NOT NULL is only supported for tags and params, not for '${type}' '${key}'`);
    }
    return { type, key, comparator: c.op, value: { kind: "null" } };
  }
  return { type, key, comparator: c.op, value: clauseValue(d, type, key, c.rhs) };
}

/**
 * MLflow's first stage, shared by the runs, experiments and registry grammars: a filter string to
 * its AND-ed comparisons (one statement only; anything but comparisons and AND refused; at most
 * MAX_FILTER_CLAUSES). `quoteInvalid` renders refused pieces as the grammar's MLflow message does.
 */
export function andedComparisons(filter: string, quoteInvalid: boolean, traces = false): Extract<Node, { kind: "cmp" }>[] {
  const tokens = tokenize(filter);
  const semi = tokens.findIndex((t) => t.kind === "punct" && t.text === ";");
  if (semi >= 0 && tokens.slice(semi + 1).some((t) => t.kind !== "ws")) {
    fail(`Search filter contained multiple expression ${pyRepr(filter)}. Provide AND-ed expression list.`);
  }
  const nodes = joinKeywordComparisons(groupTokens(filter, tokens), traces);
  const invalid = nodes.filter((n) => n.kind !== "cmp" && !(n.kind === "tok" && n.tok.kind === "keyword" && n.tok.norm === "AND"));
  if (invalid.length > 0) {
    fail(`Invalid clause(s) in filter string: ${invalid.map((n) => (quoteInvalid ? `'${n.text}'` : n.text)).join(", ")}`);
  }
  const comparisons = nodes.filter((n): n is Extract<Node, { kind: "cmp" }> => n.kind === "cmp");
  checkClauseCount(comparisons.length);
  return comparisons;
}

/** MLflow's first stage: tokens to clauses. */
function parseClauses(d: Dialect, filter: string): RawClause[] {
  if (!filter) return [];
  return andedComparisons(filter, !d.experiments).map((n) => parseComparison(d, n));
}

function requireComparator(c: string, allowed: string[], closingQuote: boolean): void {
  if (!allowed.includes(c)) fail(`Invalid comparator '${c}' not one of '${pySet(allowed)}${closingQuote ? "'" : ""}`);
}

/**
 * Value shape must agree with the comparator. MLflow itself lets `name = ('a')` through to the
 * database, where a one-element tuple is rendered as `('a')` and behaves like the plain string;
 * longer tuples make the query fail. We keep the working case and reject the failing one.
 */
function requireValueShape<C extends RawClause>(c: C): C {
  const wantsList = c.comparator === "IN" || c.comparator === "NOT IN";
  if (c.value.kind === "list" && !wantsList) {
    if (c.value.values.length === 1) return { ...c, value: { kind: "string", value: c.value.values[0]! } };
    fail(`Invalid comparator '${c.comparator}' for a list of values of ${c.type} '${c.key}'; use IN or NOT IN`);
  }
  return c;
}

/** MLflow's second stage for runs (`_get_sqlalchemy_filter_clauses`). */
function checkRunClause(c: RawClause): FilterClause {
  const comparator = c.comparator.toUpperCase();
  switch (c.type) {
    case "attribute": {
      const key = translateRunAttributeAlias(c.key);
      if (RUN_NUMERIC_ATTRIBUTES.has(key)) {
        // MLflow's message lists the string comparators here; kept for fidelity.
        if (!NUMERIC_ATTRIBUTE_COMPARATORS.includes(comparator)) fail(`Invalid comparator '${comparator}' not one of '${pySet(STRING_ATTRIBUTE_COMPARATORS)}`);
      } else requireComparator(comparator, STRING_ATTRIBUTE_COMPARATORS, true);
      break;
    }
    case "metric":
      requireComparator(comparator, METRIC_COMPARATORS, false);
      break;
    case "parameter":
      requireComparator(comparator, PARAM_COMPARATORS, true);
      break;
    case "tag":
      requireComparator(comparator, TAG_COMPARATORS, false);
      break;
    case "dataset":
      requireComparator(comparator, DATASET_COMPARATORS, false);
      break;
  }
  return requireValueShape({ ...c, comparator: comparator as Comparator });
}

/** MLflow's second stage for experiments (`_get_search_experiments_filter_clauses`). */
function checkExperimentClause(c: RawClause): FilterClause {
  const comparator = c.comparator.toUpperCase();
  if (c.type === "attribute") {
    if (c.key === "experiment_id") {
      if (!["=", "!=", "IN", "NOT IN"].includes(comparator)) fail(`Invalid comparator for experiment_id: ${comparator}`);
      const ids = c.value.kind === "list" ? c.value.values : c.value.kind === "string" ? [c.value.value] : [];
      const parsed = ids.map((id) => pyIntString(id) ?? fail(`Invalid experiment ID '${id}'. Experiment ID must be a valid integer.`));
      const value: FilterValue = c.value.kind === "list" ? { kind: "list", values: parsed } : { kind: "string", value: parsed[0]! };
      return requireValueShape({ ...c, comparator: comparator as Comparator, value });
    }
    if (EXPERIMENT_NUMERIC_ATTRIBUTES.has(c.key)) {
      requireComparator(comparator, NUMERIC_ATTRIBUTE_COMPARATORS, false);
      if (c.value.kind === "number" && !c.value.integer) fail(`Invalid value for numeric attribute '${c.key}': '${pyFloatStr(c.value.value)}'`);
    } else {
      requireComparator(comparator, STRING_ATTRIBUTE_COMPARATORS, true);
      if (!["=", "!=", "LIKE", "ILIKE"].includes(comparator)) fail(`Invalid comparator for string attribute: ${comparator}`);
    }
  } else if (c.type === "tag") {
    if (comparator !== "IS NULL" && comparator !== "IS NOT NULL" && !["=", "!=", "LIKE", "ILIKE"].includes(comparator)) {
      fail(`Invalid comparator for tag: ${comparator}`);
    }
  } else {
    fail(`Invalid token type: ${c.type}`);
  }
  return requireValueShape({ ...c, comparator: comparator as Comparator });
}

/**
 * Parses a search_runs `filter` string. An empty string means "no filter".
 * @throws MlflowError INVALID_PARAMETER_VALUE for anything MLflow rejects.
 */
export function parseRunFilter(filter: string | null | undefined): Filter {
  return parseClauses(RUNS, filter ?? "").map(checkRunClause);
}

/**
 * Parses a search_experiments `filter` string (attributes name, experiment_id, creation_time,
 * last_update_time and tags). Experiment ids are normalised to canonical integer strings.
 */
export function parseExperimentFilter(filter: string | null | undefined): Filter {
  return parseClauses(EXPERIMENTS, filter ?? "").map(checkExperimentClause);
}
