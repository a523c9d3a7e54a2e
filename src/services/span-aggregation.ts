/**
 * Trace-level token usage and cost from span-level values, tree-aware as MLflow 3.18 sums them
 * (`_aggregate_from_nodes` in mlflow/tracing/utils): a span's value counts only if no ancestor
 * (within the spans given) carries one, because rollup integrations put cumulative usage on
 * parent spans. Token counts and costs then go into trace_info's analytics columns.
 */
import type { PyValue } from "../lib/python-json";
import { finiteFloat } from "./span-rows";

export interface AggregationNode {
  spanId: string;
  parentId: string | null;
  data: Map<string, PyValue> | null;
}

export const TOKEN_KEYS = ["input_tokens", "output_tokens", "total_tokens", "cache_read_input_tokens", "cache_creation_input_tokens", "cache_creation_input_tokens_above_1hr"];
export const COST_KEYS = ["input_cost", "output_cost", "total_cost"];
const TOKEN_CACHE_KEYS = TOKEN_KEYS.slice(3);

/** Python's `+` on ints and floats (an int stays exact while both sides are ints). */
function add(a: bigint | number, b: PyValue): bigint | number {
  if (typeof b === "boolean") b = b ? 1n : 0n;
  if (typeof b !== "bigint" && typeof b !== "number") throw new TypeError("unsupported operand type for +");
  if (typeof a === "bigint" && typeof b === "bigint") return a + b;
  return Number(a) + Number(b);
}

function aggregate(nodes: AggregationNode[], keys: string[], zero: bigint | number, optional: string[]): Map<string, bigint | number> | null {
  const totals = new Map<string, bigint | number>(keys.map((k) => [k, zero]));
  const ids = new Set(nodes.map((n) => n.spanId));
  const children = new Map<string, AggregationNode[]>();
  const stack: [AggregationNode, boolean][] = [];
  for (const n of nodes) {
    if (n.parentId && ids.has(n.parentId)) {
      const list = children.get(n.parentId) ?? [];
      list.push(n);
      children.set(n.parentId, list);
    } else stack.push([n, false]);
  }
  let found = false;
  while (stack.length > 0) {
    const [node, ancestorHasData] = stack.pop()!;
    if (node.data && !ancestorHasData) {
      for (const k of keys) totals.set(k, add(totals.get(k)!, node.data.get(k) ?? zero));
      for (const k of optional) if (node.data.has(k)) totals.set(k, add(totals.get(k) ?? zero, node.data.get(k)!));
      found = true;
    }
    for (const child of children.get(node.spanId) ?? []) stack.push([child, ancestorHasData || node.data !== null]);
  }
  return found ? totals : null;
}

export const aggregateUsage = (nodes: AggregationNode[]) => aggregate(nodes, TOKEN_KEYS.slice(0, 3), 0n, TOKEN_CACHE_KEYS);
export const aggregateCost = (nodes: AggregationNode[]) => aggregate(nodes, COST_KEYS, 0, []);

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** `token_count_or_none`: integral values that fit a bigint column. */
export function tokenCount(v: PyValue | undefined): bigint | null {
  if (v === undefined || v === null || typeof v === "boolean") return null;
  let n: bigint;
  if (typeof v === "bigint") n = v;
  else if (typeof v === "number") {
    if (!Number.isFinite(v) || !Number.isInteger(v)) return null;
    n = BigInt(v);
  } else if (typeof v === "string") {
    const t = v.trim();
    if (!/^[+-]?\d+(?:\.0*)?$/.test(t)) return null;
    n = BigInt(t.replace(/\.0*$/, ""));
  } else return null;
  return n >= INT64_MIN && n <= INT64_MAX ? n : null;
}

export const costValue = finiteFloat;
