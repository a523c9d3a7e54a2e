/**
 * The filter language of `traces/metrics` (MLflow 3.18's `SearchTraceMetricsUtils`): each filter
 * string is ONE comparison `<view>.<entity>[.<key>] = '<value>'`, where view is `trace` (status,
 * tag.<k>, metadata.<k>), `span` (name, status, type) or `assessment` (name, type). Only `=` and
 * quoted values; several filters are AND-ed by the caller. Messages are MLflow's.
 */
import { tokenize } from "./lexer";
import { groupTokens, joinKeywordComparisons, type Node } from "./group";
import { fail, trimBackticks } from "./parser";
import { pyList, pyRepr } from "../lib/python-repr";

export type MetricsFilterView = "trace" | "span" | "assessment";

export interface MetricsFilter {
  view: MetricsFilterView;
  entity: string;
  key: string | null;
  value: string;
}

/** Entity → whether it needs a key, per view (MLflow's `entity_to_key_requirement`, in its order). */
const ENTITIES: Record<MetricsFilterView, [string, boolean][]> = {
  trace: [["status", false], ["tag", true], ["metadata", true]],
  span: [["name", false], ["status", false], ["type", false]],
  assessment: [["name", false], ["type", false]],
};
const VIEWS = Object.keys(ENTITIES) as MetricsFilterView[];

const isQuoted = (s: string, q: string) => s.length >= 2 && s.startsWith(q) && s.endsWith(q);
const stripQuotes = (s: string) => (isQuoted(s, "'") || isQuoted(s, '"') ? s.slice(1, -1) : s);

function identifier(text: string): { view: MetricsFilterView; entity: string; key: string | null } {
  // Python's `split(".", 2)`: at most three parts, the last keeps its dots.
  const parts: string[] = [];
  let rest = text;
  while (parts.length < 2) {
    const dot = rest.indexOf(".");
    if (dot < 0) break;
    parts.push(rest.slice(0, dot));
    rest = rest.slice(dot + 1);
  }
  parts.push(rest);
  if (parts.length < 2) {
    fail(`Invalid identifier ${pyRepr(text)}. Columns should be specified as 'trace.<key>', 'span.<key>', 'assessment.<key>'.`);
  }
  const view = trimBackticks(parts[0]!);
  const entity = parts[1]!;
  const rawKey = parts.length === 3 ? parts[2]! : null;
  if (!VIEWS.includes(view as MetricsFilterView)) fail(`Invalid view type '${view}'. Valid values are dict_keys(${pyList(VIEWS)})`);
  const entities = ENTITIES[view as MetricsFilterView];
  const found = entities.find(([name]) => name === entity);
  if (!found) fail(`Invalid entity '${entity}' specified for view type '${view}'. Valid entities are ${pyList(entities.map(([n]) => n))}`);
  if (found[1] && rawKey === null) fail(`Filtering by ${entity} requires a key, e.g. '${view}.${entity}.<key> = <value>'`);
  if (!found[1] && rawKey !== null) fail(`Filtering by ${entity} does not require a key, use '${view}.${entity}' instead`);
  // An empty key ("trace.tag.") is falsy in Python and stays None.
  return { view: view as MetricsFilterView, entity, key: rawKey ? trimBackticks(stripQuotes(rawKey)) : null };
}

function valueOf(entity: string, rhs: Node): string {
  const text = rhs.text;
  const stringy = rhs.kind === "ident" || (rhs.kind === "tok" && (rhs.tok.kind === "string" || rhs.tok.kind === "symbol"));
  if (!stringy) fail(`Expected a quoted string value for ${entity} value (e.g. 'my-value'). Got value ${text}`);
  if (isQuoted(text, "'") || isQuoted(text, '"')) return text.slice(1, -1);
  return fail(`Parameter value is either not quoted or unidentified quote types used for string value ${text}. Use either single or double quotes.`);
}

/** `IS NULL` → IS, NULL; `IS NOT NULL` → IS, NOT NULL (one keyword to the SQL lexer), as written. */
function nullTest(text: string): string[] {
  const words = text.trim().split(/\s+/);
  return words.length === 3 ? [words[0]!, `${words[1]} ${words[2]}`] : words;
}

/** One `filters[]` entry of QueryTraceMetrics. */
export function parseMetricsFilter(filter: string): MetricsFilter {
  const tokens = tokenize(filter);
  const semi = tokens.findIndex((t) => t.kind === "punct" && t.text === ";");
  if (semi >= 0 && tokens.slice(semi + 1).some((t) => t.kind !== "ws")) {
    fail(`Search filter contained multiple expression ${pyRepr(filter)}. Provide AND-ed expression list.`);
  }
  // Blank but not empty: the SQL parser finds no statement in it.
  if (filter !== "" && filter.trim() === "") fail(`Invalid filter '${filter}'. Could not be parsed.`);
  const nodes = filter ? joinKeywordComparisons(groupTokens(filter, tokens), true) : [];
  // `x IS [NOT] NULL` and `x [NOT] IN (…)` are no comparisons to this grammar's SQL parser: their
  // tokens are each refused, as MLflow lists them.
  const invalid = nodes.flatMap((n) => {
    if (n.kind === "cmp" && n.rhs === null) return [n.lhs.text, ...nullTest(n.text.slice(n.lhs.text.length))];
    if (n.kind === "cmp" && (n.op === "IN" || n.op === "NOT IN")) return [n.lhs.text, ...(n.opText ?? n.op).split(/\s+/), n.rhs!.text];
    if (n.kind === "cmp") return [];
    return n.kind === "tok" && n.tok.kind === "ws" ? [] : [n.text];
  });
  if (invalid.length > 0) fail(`Invalid clause(s) in filter string: ${invalid.join(", ")}`);
  const comparisons = nodes.filter((n): n is Extract<Node, { kind: "cmp" }> => n.kind === "cmp");
  if (comparisons.length !== 1) fail(`Invalid filter: '${filter}'. Expected one filter clause.`);
  const c = comparisons[0]!;
  if (c.lhs.kind !== "ident") fail(`Invalid comparison clause. Expected 'Identifier' found '${c.lhs.text}'`);
  const id = identifier(c.lhs.text);
  const comparator = c.opText ?? c.op;
  if (comparator !== "=" || !c.rhs) fail(`Invalid comparator: '${comparator}', only '=' operator is supported`);
  return { ...id, value: valueOf(id.entity, c.rhs) };
}
