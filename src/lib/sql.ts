/** Small SQL building helpers shared by the database modules. */
import { sql, type SQL } from "drizzle-orm";

/**
 * Binds a whole JS array as ONE parameter (Postgres array), e.g. for `unnest(...)` or `= any(...)`.
 * Drizzle's template would otherwise expand an array into a comma-separated list of parameters.
 */
export function arrayParam(values: readonly unknown[], pgType: string): SQL {
  return sql`${sql.param(values)}::${sql.raw(pgType)}[]`;
}
