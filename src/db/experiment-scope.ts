/** A caller's read scope over experiments (src/auth/access.ts) as a condition on an experiment id column. */
import { sql, type SQL } from "drizzle-orm";
import { arrayParam } from "../lib/sql";

/** Same shape as auth's ReadScope: ids to keep, or ids to leave out (db does not import auth). */
export type ExperimentScope = { include: string[] } | { exclude: string[] };

export function experimentScopeSql(scope: ExperimentScope | null, column: SQL): SQL {
  if (!scope) return sql`true`;
  const ids = ("include" in scope ? scope.include : scope.exclude).filter((id) => /^-?[0-9]+$/.test(id)).map(Number);
  if ("include" in scope) return ids.length > 0 ? sql`${column} = any(${arrayParam(ids, "integer")})` : sql`false`;
  return ids.length > 0 ? sql`not (${column} = any(${arrayParam(ids, "integer")}))` : sql`true`;
}
