/**
 * WHERE / ORDER BY fragments for search_registered_models and search_model_versions, with the SQL
 * store's semantics: tag clauses on the same key must hold for one tag row; a model lacking the
 * tag never matches; prompts (tagged mlflow.prompt.is_prompt = 'true') are hidden unless the
 * filter asks for them, and then the is_prompt clauses are dropped - so `!= 'true'` also matches
 * models that have no such tag at all.
 */
import { sql, type SQL } from "drizzle-orm";
import type { RegistryClause, RegistryOrder } from "./registry-filter";
import { DEFAULT_WORKSPACE as WORKSPACE } from "../db/schema/meta";
import { arrayParam } from "../lib/sql";
import { compareSql } from "./comparator";

import { IS_PROMPT_TAG } from "../db/schema/meta";

export { IS_PROMPT_TAG };

/** A caller's read scope over registered model names (src/auth/access.ts): names to keep, or to leave out. */
export type RegistryScope = { include: string[] } | { exclude: string[] } | null;

/** The scope as a condition on `<alias>.name`. */
export function scopeWhere(scope: RegistryScope | undefined, alias: string): SQL {
  const t = sql.raw(alias);
  if (!scope) return sql`true`;
  if ("include" in scope) return scope.include.length > 0 ? sql`${t}.name = any(${arrayParam(scope.include, "varchar")})` : sql`false`;
  return scope.exclude.length > 0 ? sql`not (${t}.name = any(${arrayParam(scope.exclude, "varchar")}))` : sql`true`;
}

function compare(column: SQL, c: RegistryClause): SQL {
  const v = c.value;
  const rhs =
    v.kind === "list" ? sql.join(v.values.map((x) => sql`${x}`), sql`, `) : v.kind === "number" ? sql`${v.value}::integer` : sql`${v.value}`;
  return compareSql(column, c.comparator, rhs);
}

/** MLflow's `_is_querying_prompt`: only the first is_prompt clause decides. */
function queriesPrompts(clauses: RegistryClause[]): boolean {
  const c = clauses.find((x) => x.type === "tag" && x.key === IS_PROMPT_TAG);
  if (!c || c.value.kind !== "string") return false;
  const v = c.value.value.toLowerCase();
  return (c.comparator === "=" && v === "true") || (c.comparator === "!=" && v === "false");
}

interface Target {
  /** Alias of the searched table in the surrounding query. */
  alias: string;
  tagTable: "registered_model_tags" | "model_version_tags";
  /** Join condition between the tag table (aliased `tg`) and the searched row. */
  tagJoin: SQL;
  /** Prompt rows are recognised by name: any tag row of that name marks all its rows. */
  promptJoin: SQL;
  attribute: (key: string) => SQL;
}

function where(target: Target, clauses: RegistryClause[]): SQL {
  const t = sql.raw(target.alias);
  const parts: SQL[] = [sql`${t}.workspace = ${WORKSPACE}`];
  const prompts = queriesPrompts(clauses);
  const byKey = new Map<string, SQL[]>();
  for (const c of clauses) {
    if (c.type === "attribute") {
      parts.push(sql`(${compare(target.attribute(c.key), c)})`);
      continue;
    }
    if (!prompts && c.key === IS_PROMPT_TAG) continue;
    const list = byKey.get(c.key) ?? [];
    list.push(compare(sql`tg.value`, c));
    byKey.set(c.key, list);
  }
  const tagTable = sql.raw(target.tagTable);
  for (const [key, conds] of byKey) {
    parts.push(sql`exists (select 1 from ${tagTable} tg where ${target.tagJoin} and tg.key = ${key} and ${sql.join(conds, sql` and `)})`);
  }
  if (!prompts) {
    parts.push(sql`not exists (select 1 from ${tagTable} tg where ${target.promptJoin} and tg.key = ${IS_PROMPT_TAG} and tg.value = 'true')`);
  }
  return sql.join(parts, sql` and `);
}

export function registeredModelWhere(clauses: RegistryClause[], alias = "rm"): SQL {
  const t = sql.raw(alias);
  return where(
    {
      alias,
      tagTable: "registered_model_tags",
      tagJoin: sql`tg.workspace = ${t}.workspace and tg.name = ${t}.name`,
      promptJoin: sql`tg.workspace = ${t}.workspace and tg.name = ${t}.name`,
      attribute: () => sql`${t}.name`,
    },
    clauses,
  );
}

const VERSION_COLUMNS: Record<string, string> = {
  name: "name",
  version_number: "version",
  run_id: "run_id",
  source_path: "source",
};

export function modelVersionWhere(clauses: RegistryClause[], alias = "mv"): SQL {
  const t = sql.raw(alias);
  return where(
    {
      alias,
      tagTable: "model_version_tags",
      tagJoin: sql`tg.workspace = ${t}.workspace and tg.name = ${t}.name and tg.version = ${t}.version`,
      promptJoin: sql`tg.workspace = ${t}.workspace and tg.name = ${t}.name`,
      attribute: (key) => sql`${t}.${sql.raw(VERSION_COLUMNS[key]!)}`,
    },
    clauses,
  );
}

/** ORDER BY list; the keys are fixed column names chosen by the parser, never user text. */
export function registryOrderBy(order: RegistryOrder[], alias: string): SQL {
  const t = sql.raw(alias);
  return sql.join(
    order.map((o) => sql`${t}.${sql.raw(o.key)} ${sql.raw(o.ascending ? "asc" : "desc")}`),
    sql`, `,
  );
}
