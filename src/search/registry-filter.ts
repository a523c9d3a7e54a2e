/**
 * Filter and order_by parsing for search_registered_models and search_model_versions, validated
 * like MLflow 3.18's SearchModelUtils / SearchModelVersionUtils followed by the SQL store's own
 * checks (parse everything first, then check comparators, so the first error matches MLflow's).
 *
 * Reuses the generic tokenizer and grouper of the runs parser: MLflow runs all its filters through
 * the same SQL lexer, so the same constructs are accepted.
 */
import { MlflowError } from "../errors";
import { groupTokens, type Node } from "./group";
import { tokenize } from "./lexer";
import { shlexSplit } from "./order-by";
import { pyList, pyRepr, pySet } from "../lib/python-repr";
import { andedComparisons, fail, stringListValues, trimBackticks } from "./parser";

export type RegistryValue = { kind: "string"; value: string } | { kind: "list"; values: string[] } | { kind: "number"; value: number; integer: boolean };

export interface RegistryClause {
  type: "attribute" | "tag";
  key: string;
  comparator: string;
  value: RegistryValue;
}

interface Flavour {
  what: "registered model" | "model version";
  searchAttributes: string[];
  numericAttributes: string[];
  listKeys: string[];
}

const MODELS: Flavour = { what: "registered model", searchAttributes: ["name"], numericAttributes: [], listKeys: ["name"] };
const VERSIONS: Flavour = {
  what: "model version",
  searchAttributes: ["name", "version_number", "run_id", "source_path"],
  numericAttributes: ["version_number", "creation_timestamp", "last_updated_timestamp"],
  listKeys: ["name", "run_id"],
};

const isQuoted = (s: string, q: string) => s.length >= 2 && s.startsWith(q) && s.endsWith(q);

function stripQuotes(value: string, expectQuoted: boolean): string {
  if (isQuoted(value, "'") || isQuoted(value, '"')) return value.slice(1, -1);
  if (expectQuoted) {
    fail(`Parameter value is either not quoted or unidentified quote types used for string value ${value}. Use either single or double quotes.`);
  }
  return value;
}

const isStringish = (n: Node) => n.kind === "ident" || (n.kind === "tok" && n.tok.kind === "string");
const isNumber = (n: Node) => n.kind === "tok" && (n.tok.kind === "integer" || n.tok.kind === "float");

function listValue(n: Node): RegistryValue {
  return { kind: "list", values: stringListValues(n) };
}

/**
 * `entity.key` or a bare attribute key. `entities` are the prefixes MLflow accepts (its filter and
 * order_by parsers differ); attribute keys are checked against `valid`, before or after unquoting
 * as each of MLflow's parsers does.
 */
function splitIdentifier(
  text: string,
  entities: readonly string[],
  valid: readonly string[],
  checkUnquoted: boolean,
): { type: "attribute" | "tag"; key: string } {
  const dot = text.indexOf(".");
  let type: "attribute" | "tag" = "attribute";
  let key = text;
  if (dot >= 0) {
    const entity = text.slice(0, dot);
    key = text.slice(dot + 1);
    if (!entities.includes(entity)) fail(`Invalid entity type '${entity}'. Valid entity types are (${entities.map((e) => `'${e}'`).join(", ")})`);
    type = entity.startsWith("tag") ? "tag" : "attribute";
  }
  const unquoted = trimBackticks(stripQuotes(key, false));
  const checked = checkUnquoted ? unquoted : key;
  if (type === "attribute" && !valid.includes(checked)) fail(`Invalid attribute key '${checked}' specified. Valid keys are '${pySet(valid)}'`);
  return { type, key: unquoted };
}

function identifier(f: Flavour, text: string): { type: "attribute" | "tag"; key: string } {
  return splitIdentifier(text, ["attribute", "tag", "tags"], f.searchAttributes, false);
}

function clauseValue(f: Flavour, type: "attribute" | "tag", key: string, n: Node): RegistryValue {
  if (isStringish(n)) return { kind: "string", value: stripQuotes(n.text, true) };
  if (type === "tag") fail(`Expected a quoted string value for tag (e.g. 'my-value'). Got value ${n.text}`);
  if (n.kind === "paren") {
    if (!f.listKeys.includes(key)) fail(`Only ${pyList([...f.listKeys].sort())} attributes support comparison with a list of quoted string values.`);
    return listValue(n);
  }
  if (f === VERSIONS && isNumber(n)) {
    if (!f.numericAttributes.includes(key)) fail(`Only the '${pySet(f.numericAttributes)}' attributes support comparison with numeric values.`);
    const integer = n.kind === "tok" && n.tok.kind === "integer";
    return { kind: "number", value: Number(n.text), integer };
  }
  return fail(`Expected a quoted string value or a list of quoted string values for attributes. Got value ${n.text}`);
}

function parseClauses(f: Flavour, filter: string | undefined): RegistryClause[] {
  if (!filter) return [];
  return andedComparisons(filter, false).flatMap((n) => {
    if (n.lhs.kind !== "ident") fail(`Invalid comparison clause. Expected 'Identifier' found '${n.lhs.text}'`);
    if (n.rhs === null) fail(`IS NULL / IS NOT NULL is not supported for ${f.what} search.`);
    const { type, key } = identifier(f, n.lhs.text);
    return [{ type, key, comparator: n.op.toUpperCase(), value: clauseValue(f, type, key, n.rhs!) }];
  });
}

/** A list value needs IN / NOT IN and vice versa; anything else would fail inside the database. */
function requireShape(c: RegistryClause): void {
  const wantsList = c.comparator === "IN" || c.comparator === "NOT IN";
  if (wantsList !== (c.value.kind === "list")) {
    fail(`Invalid comparator '${c.comparator}' for value ${c.value.kind === "list" ? "list" : "of a single value"} of ${c.type} '${c.key}'`);
  }
}

const TAG_COMPARATORS = ["=", "!=", "LIKE", "ILIKE"];
const STRING_ATTRIBUTE_COMPARATORS = ["=", "!=", "LIKE", "ILIKE", "IN", "NOT IN"];
const NUMERIC_COMPARATORS = [">", ">=", "!=", "=", "<", "<="];

/** search_registered_models filter: attribute `name` and tags. */
export function parseRegisteredModelFilter(filter: string | undefined): RegistryClause[] {
  const clauses = parseClauses(MODELS, filter);
  for (const c of clauses) {
    if (c.type === "attribute" && !STRING_ATTRIBUTE_COMPARATORS.includes(c.comparator)) fail(`Invalid comparator for attribute: ${c.comparator}`);
    if (c.type === "tag" && !TAG_COMPARATORS.includes(c.comparator)) fail(`Invalid comparator for tag: ${c.comparator}`);
    requireShape(c);
  }
  return clauses;
}

/** search_model_versions filter: name, version_number, run_id, source_path and tags. */
export function parseModelVersionFilter(filter: string | undefined): RegistryClause[] {
  const clauses = parseClauses(VERSIONS, filter);
  return clauses.map((c) => {
    if (c.type === "tag") {
      if (!TAG_COMPARATORS.includes(c.comparator)) fail(`Invalid comparator for tag: ${c.comparator}`);
      requireShape(c);
      return c;
    }
    if (VERSIONS.numericAttributes.includes(c.key)) {
      if (!NUMERIC_COMPARATORS.includes(c.comparator)) fail(`Invalid comparator for attribute ${c.key}: ${c.comparator}`);
      const v = c.value;
      if (v.kind === "number" && !v.integer) fail(`Invalid value for numeric attribute '${c.key}': ${v.value}`);
      if (v.kind === "list") fail(`Invalid value for numeric attribute '${c.key}': (${v.values.map(pyRepr).join(", ")})`);
      const n = v.kind === "number" ? v.value : /^\s*[-+]?\d+\s*$/.test(v.value) ? Number(v.value) : fail(`Invalid value for numeric attribute '${c.key}': ${pyRepr(v.value)}`);
      if (!Number.isSafeInteger(n) || Math.abs(n) > 2147483647) fail(`Invalid value for numeric attribute '${c.key}': ${n}`);
      return { ...c, value: { kind: "number", value: n, integer: true } };
    }
    if (!STRING_ATTRIBUTE_COMPARATORS.includes(c.comparator) || ((c.comparator === "IN" || c.comparator === "NOT IN") && !["run_id", "name"].includes(c.key))) {
      fail(`Invalid comparator for attribute: ${c.comparator}`);
    }
    requireShape(c);
    return c;
  });
}

// ---- order_by ----------------------------------------------------------------------------------

export interface RegistryOrder {
  key: string;
  ascending: boolean;
}

/** MLflow's `_parse_order_by_string`: one identifier, optionally followed by ASC/DESC. */
function splitOrderBy(orderBy: string): RegistryOrder {
  const cannotParse = () => fail(`Invalid order_by clause '${orderBy}'. Could not be parsed.`);
  const nodes = groupTokens(orderBy, tokenize(orderBy)).filter((n) => !(n.kind === "tok" && n.tok.kind === "ws"));
  if (nodes.length !== 1 || nodes[0]!.kind !== "ident") cannotParse();
  const parts = shlexSplit(orderBy.replace(/`/g, '"'));
  if (parts === null || parts.length === 0 || parts.length > 2) return cannotParse();
  if (parts.length === 1) return { key: orderBy.trim(), ascending: true };
  const dir = parts[1]!.toLowerCase();
  if (dir !== "asc" && dir !== "desc") fail(`Invalid ordering key in order_by clause '${orderBy}'.`);
  return { key: parts[0]!.trim(), ascending: dir === "asc" };
}

function duplicate(orderBy: readonly string[]): never {
  // MLflow raises this without an error code (a 500); it is the client's mistake, so we say 400.
  throw MlflowError.invalidParameter(`\`order_by\` contains duplicate fields: ${pyList(orderBy)}`);
}

/** Registered models sort by name and last-updated time (`timestamp` is an alias); name breaks ties. */
export function parseRegisteredModelOrderBy(orderBy: readonly string[] | undefined): RegistryOrder[] {
  const out: RegistryOrder[] = [];
  for (const entry of orderBy ?? []) {
    const { key, ascending } = splitOrderBy(entry);
    if (!["timestamp", "last_updated_timestamp", "name"].includes(key)) {
      fail(`Invalid order by key '${key}' specified. Valid keys are '${pySet(["name", "timestamp"])}'`);
    }
    const column = key === "name" ? "name" : "last_updated_time";
    if (out.some((o) => o.key === column)) duplicate(orderBy!);
    out.push({ key: column, ascending });
  }
  if (!out.some((o) => o.key === "name")) out.push({ key: "name", ascending: true });
  return out;
}

const VERSION_ORDER_COLUMNS: Record<string, string> = {
  name: "name",
  version_number: "version",
  creation_timestamp: "creation_time",
  last_updated_timestamp: "last_updated_time",
};

export const DEFAULT_MODEL_VERSION_ORDER_BY = ["last_updated_timestamp DESC", "name ASC", "version_number DESC"];

/** Model versions sort by name, version, creation and update time; ties by name, then version DESC. */
export function parseModelVersionOrderBy(orderBy: readonly string[] | undefined): RegistryOrder[] {
  const entries = orderBy && orderBy.length > 0 ? orderBy : DEFAULT_MODEL_VERSION_ORDER_BY;
  const valid = Object.keys(VERSION_ORDER_COLUMNS);
  const out: RegistryOrder[] = [];
  for (const entry of entries) {
    const { key: raw, ascending } = splitOrderBy(entry);
    const { type, key } = orderIdentifier(raw, valid);
    if (type !== "attribute" && !valid.includes(key)) fail(`Invalid order by key '${key}' specified. Valid keys are ${pySet(valid)}`);
    const column = VERSION_ORDER_COLUMNS[key]!;
    if (out.some((o) => o.key === column)) duplicate(entries);
    out.push({ key: column, ascending });
  }
  if (!out.some((o) => o.key === "name")) out.push({ key: "name", ascending: true });
  if (!out.some((o) => o.key === "version")) out.push({ key: "version", ascending: false });
  return out;
}

/** SearchExperimentsUtils._get_identifier, which MLflow reuses for model-version order_by. */
function orderIdentifier(text: string, valid: string[]): { type: "attribute" | "tag"; key: string } {
  return splitIdentifier(text, ["attribute", "attributes", "tag", "tags"], valid, true);
}
