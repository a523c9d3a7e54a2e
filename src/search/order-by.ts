/**
 * order_by clause parsing for search_runs and search_experiments.
 *
 * MLflow accepts an order_by entry only if the whole string is one SQL identifier (optionally
 * followed by ASC/DESC), then re-splits it shell-style with backticks turned into double quotes.
 * That second step is why `metrics.`my metric` DESC` works and why quotes anywhere in the key are
 * simply dropped. We reproduce both steps.
 */
import type { OrderByClause } from "./ast";
import { translateRunAttributeAlias } from "./ast";
import { tokenize } from "./lexer";
import { groupTokens } from "./group";
import { checkOrderByCount } from "./limits";
import { EXPERIMENT_ATTRIBUTES, RUN_ORDER_BY_ATTRIBUTES, fail, resolveIdentifier } from "./parser";
import { pyList } from "../lib/python-repr";

/** POSIX `shlex.split` (no comments); null when a quote or escape is left open. */
export function shlexSplit(s: string): string[] | null {
  const out: string[] = [];
  let cur = "";
  let inWord = false;
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) {
      if (inWord) out.push(cur);
      cur = "";
      inWord = false;
      i++;
    } else if (c === "\\") {
      if (i + 1 >= s.length) return null;
      cur += s[i + 1];
      inWord = true;
      i += 2;
    } else if (c === "'") {
      const end = s.indexOf("'", i + 1);
      if (end < 0) return null;
      cur += s.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      i++;
      for (;;) {
        if (i >= s.length) return null;
        const d = s[i]!;
        if (d === '"') break;
        if (d === "\\" && (s[i + 1] === '"' || s[i + 1] === "\\")) {
          cur += s[i + 1];
          i += 2;
        } else {
          cur += d;
          i++;
        }
      }
      inWord = true;
      i++;
    } else {
      cur += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) out.push(cur);
  return out;
}

export function splitOrderBy(orderBy: string): { identifier: string; ascending: boolean } {
  const cannotParse = () => fail(`Invalid order_by clause '${orderBy}'. Could not be parsed.`);
  const nodes = groupTokens(orderBy, tokenize(orderBy));
  if (nodes.length !== 1 || nodes[0]!.kind !== "ident") cannotParse();
  const parts = shlexSplit(orderBy.replace(/`/g, '"'));
  if (parts === null || parts.length > 2 || parts.length === 0) return cannotParse();
  // Only a two-word entry is re-assembled from the shell-split words; a lone identifier is used
  // as written, so its quotes are handled by the identifier rules instead.
  if (parts.length === 1) return { identifier: orderBy.trim(), ascending: true };
  let ascending = true;
  if (parts.length === 2) {
    const dir = parts[1]!.toLowerCase();
    if (dir !== "asc" && dir !== "desc") fail(`Invalid ordering key in order_by clause '${orderBy}'.`);
    ascending = dir === "asc";
  }
  return { identifier: parts[0]!.trim(), ascending };
}

/**
 * Parses search_runs order_by entries ("<identifier> [ASC|DESC]"). Rejects datasets (MLflow cannot
 * sort by them) and the same field twice, counting `created` as `start_time`.
 */
export function parseRunOrderBy(orderBy: readonly string[] | null | undefined): OrderByClause[] {
  checkOrderByCount(orderBy?.length ?? 0);
  const seen = new Set<string>();
  return (orderBy ?? []).map((entry) => {
    const { identifier, ascending } = splitOrderBy(entry);
    const { type, key } = resolveIdentifier(identifier, RUN_ORDER_BY_ATTRIBUTES, false);
    if (type === "dataset") fail(`Invalid identifier type '${type}'`);
    const field = `${type}\u0000${type === "attribute" ? translateRunAttributeAlias(key) : key}`;
    if (seen.has(field)) fail(`\`order_by\` contains duplicate fields: ${pyList(orderBy!)}`);
    seen.add(field);
    return { type, key, ascending };
  });
}

/** MLflow's default when search_experiments gets no order_by. */
export const DEFAULT_EXPERIMENT_ORDER_BY: readonly string[] = ["creation_time DESC", "experiment_id ASC"];

/**
 * Parses search_experiments order_by entries; only attributes can be sorted on. An empty list
 * yields MLflow's default ordering. Duplicates are allowed, as in MLflow.
 */
export function parseExperimentOrderBy(orderBy: readonly string[] | null | undefined): OrderByClause[] {
  checkOrderByCount(orderBy?.length ?? 0);
  const entries = orderBy && orderBy.length > 0 ? orderBy : DEFAULT_EXPERIMENT_ORDER_BY;
  return entries.map((entry) => {
    const { identifier, ascending } = splitOrderBy(entry);
    const { type, key } = resolveIdentifier(identifier, EXPERIMENT_ATTRIBUTES, true);
    if (type !== "attribute") fail(`Invalid order_by entity: ${type}`);
    return { type, key, ascending };
  });
}
