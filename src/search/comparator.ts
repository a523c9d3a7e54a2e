/**
 * The one comparator → SQL mapping shared by every search grammar (runs, experiments, registered
 * models, model versions, logged models). Operands arrive as bound SQL fragments; for IN / NOT IN
 * the right-hand side is the comma-joined list.
 */
import { sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";

export type SqlComparator = "=" | "!=" | ">" | ">=" | "<" | "<=" | "LIKE" | "ILIKE" | "RLIKE" | "IN" | "NOT IN";

export function compareSql(lhs: SQL | AnyPgColumn, op: string, rhs: SQL): SQL {
  switch (op.toUpperCase() as SqlComparator) {
    case "=":
      return sql`${lhs} = ${rhs}`;
    case "!=":
      return sql`${lhs} != ${rhs}`;
    case ">":
      return sql`${lhs} > ${rhs}`;
    case ">=":
      return sql`${lhs} >= ${rhs}`;
    case "<":
      return sql`${lhs} < ${rhs}`;
    case "<=":
      return sql`${lhs} <= ${rhs}`;
    case "LIKE":
      return sql`${lhs} LIKE ${rhs}`;
    case "ILIKE":
      return sql`${lhs} ILIKE ${rhs}`;
    case "RLIKE":
      // MLflow's RLIKE is a regular-expression match: Postgres' POSIX operator.
      return sql`${lhs} ~ ${rhs}`;
    case "IN":
      return sql`${lhs} IN (${rhs})`;
    case "NOT IN":
      return sql`NOT (${lhs} IN (${rhs}))`;
    default:
      // The grammars reject every other comparator before SQL is built.
      throw new Error(`unexpected comparator ${op}`);
  }
}
