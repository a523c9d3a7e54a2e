/**
 * Renders a parsed filter back into filter syntax that parses to the same AST. Used for logging
 * and by the round-trip property tests; values MLflow's syntax cannot express (a string holding
 * both quote characters, since MLflow never unescapes) make it throw.
 */
import type { Filter, FilterClause, FilterValue, OrderByClause } from "./ast";
import { pyRepr } from "../lib/python-repr";

const PREFIX: Record<FilterClause["type"], string> = {
  metric: "metrics",
  parameter: "params",
  tag: "tags",
  attribute: "attributes",
  dataset: "datasets",
};

/** Wraps `s` in `q`; refuses text whose trailing backslash would escape the closing quote. */
function quoteWith(s: string, q: string): string | null {
  if (s.includes(q) || s.endsWith("\\")) return null;
  return q + s + q;
}

/** Words the lexer reads as keywords even right after a period (`metrics.in` is not a key). */
const RESERVED_AFTER_DOT = new Set(["IN", "CASE", "VALUES", "USING", "FROM", "AS"]);

export function printKey(key: string): string {
  if (/^[A-Za-z][A-Za-z0-9_]*$/.test(key) && !RESERVED_AFTER_DOT.has(key.toUpperCase())) return key;
  const quoted = quoteWith(key, "`") ?? (key.startsWith("`") && key.endsWith("`") ? null : (quoteWith(key, '"') ?? quoteWith(key, "'")));
  if (quoted === null) throw new Error(`key ${JSON.stringify(key)} cannot be written in MLflow filter syntax`);
  return quoted;
}

function printValue(v: FilterValue): string {
  switch (v.kind) {
    case "number":
      return v.raw;
    case "string": {
      const quoted = quoteWith(v.value, "'") ?? quoteWith(v.value, '"');
      if (quoted === null) throw new Error(`value ${JSON.stringify(v.value)} cannot be written in MLflow filter syntax`);
      return quoted;
    }
    case "list":
      return `(${v.values.map(pyRepr).join(", ")}${v.values.length === 1 ? "," : ""})`;
    case "null":
      return "";
  }
}

export function printClause(c: FilterClause): string {
  const lhs = `${PREFIX[c.type]}.${printKey(c.key)}`;
  if (c.value.kind === "null") return `${lhs} ${c.comparator}`;
  return `${lhs} ${c.comparator} ${printValue(c.value)}`;
}

/** Canonical text of a filter: clauses joined by AND. */
export function printFilter(filter: Filter): string {
  return filter.map(printClause).join(" AND ");
}

export function printOrderBy(o: OrderByClause): string {
  return `${PREFIX[o.type]}.${printKey(o.key)} ${o.ascending ? "ASC" : "DESC"}`;
}
