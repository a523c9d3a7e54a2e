/**
 * search_evaluation_datasets filters and order_by, as MLflow 3.18 reads them
 * (SearchEvaluationDatasetsUtils in utils/search_utils.py, then the SQL store's
 * `_get_search_datasets_filter_clauses` / `_get_search_datasets_order_by_clauses`): AND-ed
 * comparisons on the attributes name, created_time, last_update_time, created_by, last_updated_by
 * and on `tags.<key>`; order by name, created_time or last_update_time. Pure: clauses → SQL is in
 * dataset-sql.ts.
 */
import { checkClauseCount, checkOrderByCount } from "./limits";
import { andedComparisons, fail, stringListValues } from "./parser";
import { splitOrderBy } from "./order-by";
import type { Node } from "./group";
import { pyFloatStr, pySet } from "../lib/python-repr";

export const DATASET_SEARCH_ATTRIBUTES = ["name", "created_time", "last_update_time", "created_by", "last_updated_by"];
export const DATASET_ORDER_BY_ATTRIBUTES = ["name", "created_time", "last_update_time"];
const NUMERIC = new Set(["created_time", "last_update_time"]);
const NUMERIC_COMPARATORS = [">", ">=", "!=", "=", "<", "<="];
const TEXT_COMPARATORS = ["=", "!=", "LIKE", "ILIKE"];
/** Comparators MLflow treats as string comparisons; others (e.g. `>`) reach SQL as they are. */
const STRING_ATTRIBUTE_COMPARATORS = ["!=", "=", "LIKE", "ILIKE", "IN", "NOT IN"];

export type DatasetValue = { kind: "string"; value: string } | { kind: "int"; value: number } | { kind: "list"; values: string[] };

export interface DatasetClause {
  type: "attribute" | "tag";
  key: string;
  comparator: string;
  value: DatasetValue;
}

export interface DatasetOrder {
  key: string;
  ascending: boolean;
}

function identifier(text: string, valid: string[]): { type: "attribute" | "tag"; key: string } {
  const dot = text.indexOf(".");
  if (dot < 0) {
    if (!valid.includes(text)) fail(`Invalid attribute key '${text}' specified. Valid keys are: ${pySet(valid)}`);
    return { type: "attribute", key: text };
  }
  const head = text.slice(0, dot);
  if (head !== "tags") fail(`Invalid identifier token '${head}' specified`);
  return { type: "tag", key: text.slice(dot + 1) };
}

const isQuoted = (s: string) => s.length >= 2 && ((s.startsWith("'") && s.endsWith("'")) || (s.startsWith('"') && s.endsWith('"')));

function stringValue(n: Node): string {
  if (isQuoted(n.text)) return n.text.slice(1, -1);
  return fail(`Parameter value is either not quoted or unidentified quote types used for string value ${n.text}. Use either single or double quotes.`);
}

function value(type: "attribute" | "tag", key: string, n: Node): DatasetValue | { kind: "float"; value: number } {
  const isNumber = n.kind === "tok" && (n.tok.kind === "integer" || n.tok.kind === "float");
  const isStringish = n.kind === "ident" || (n.kind === "tok" && n.tok.kind === "string");
  if (type === "tag") {
    if (isStringish) return { kind: "string", value: stringValue(n) };
    return fail(`Expected a quoted string value for tag (e.g. 'my-value'). Got value ${n.text}`);
  }
  if (NUMERIC.has(key)) {
    if (!isNumber) fail(`Expected numeric value type for numeric attribute: ${key}. Found ${n.text}`);
    return n.kind === "tok" && n.tok.kind === "integer" ? { kind: "int", value: Number(n.text) } : { kind: "float", value: Number(n.text) };
  }
  if (isStringish) return { kind: "string", value: stringValue(n) };
  if (n.kind === "paren") {
    if (key !== "name") fail("Only ['name'] attributes support comparison with a list of quoted string values.");
    return { kind: "list", values: stringListValues(n) };
  }
  return fail(`Expected a quoted string value for attributes. Got value ${n.text}`);
}

export function parseDatasetFilter(filter: string | null | undefined): DatasetClause[] {
  if (!filter) return [];
  const comparisons = andedComparisons(filter, false);
  checkClauseCount(comparisons.length);
  const parsed = comparisons.map((c) => {
    if (c.lhs.kind !== "ident") fail(`Invalid comparison clause. Expected 'Identifier' found '${c.lhs.text}'`);
    const id = identifier(c.lhs.text, DATASET_SEARCH_ATTRIBUTES);
    if (c.rhs === null) fail(`IS NULL / IS NOT NULL is only supported for tags and params, not for '${id.type}' '${id.key}'`);
    const v = value(id.type, id.key, c.rhs!);
    if (v.kind === "list" && c.op !== "IN") fail(`List values for '${id.key}' are only supported with the IN comparator.`);
    return { ...id, comparator: c.op, value: v };
  });
  // The store's checks run after every clause parsed, as in MLflow.
  return parsed.map((c) => {
    if (c.type === "tag") {
      if (!TEXT_COMPARATORS.includes(c.comparator)) fail(`Invalid comparator for tag: ${c.comparator}`);
      return c as DatasetClause;
    }
    if (NUMERIC.has(c.key)) {
      if (!NUMERIC_COMPARATORS.includes(c.comparator)) fail(`Invalid comparator for numeric attribute: ${c.comparator}`);
      if (c.value.kind === "float") fail(`Invalid value for numeric attribute '${c.key}': '${pyFloatStr(c.value.value)}'`);
      return c as DatasetClause;
    }
    const upper = c.comparator.toUpperCase();
    const stringComparison = STRING_ATTRIBUTE_COMPARATORS.includes(c.comparator);
    if (stringComparison && !TEXT_COMPARATORS.includes(c.comparator) && !(c.key === "name" && c.comparator === "IN")) {
      fail(`Invalid comparator for string attribute: ${c.comparator}`);
    }
    // What MLflow passes on to SQL besides these it cannot compare either; refuse it here.
    if (!stringComparison && !["<", "<=", ">", ">="].includes(upper)) fail(`Invalid comparator for string attribute: ${c.comparator}`);
    return c as DatasetClause;
  });
}

export function parseDatasetOrderBy(orderBy: readonly string[] | null | undefined): DatasetOrder[] {
  checkOrderByCount(orderBy?.length ?? 0);
  const entries = orderBy && orderBy.length > 0 ? orderBy : ["created_time DESC"];
  return entries.map((entry) => {
    const { identifier: id, ascending } = splitOrderBy(entry);
    const { type, key } = identifier(id.trim(), DATASET_ORDER_BY_ATTRIBUTES);
    if (type !== "attribute") fail(`Invalid order_by entity: ${type}`);
    return { key, ascending };
  });
}
