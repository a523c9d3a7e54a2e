/** Small SQL building helpers shared by the database modules. */
import { sql, type SQL } from "drizzle-orm";

/**
 * Binds a whole JS array as ONE parameter (Postgres array), e.g. for `unnest(...)` or `= any(...)`.
 * Drizzle's template would otherwise expand an array into a comma-separated list of parameters.
 */
export function arrayParam(values: readonly unknown[], pgType: string): SQL {
  return sql`${sql.param(values)}::${sql.raw(pgType)}[]`;
}

/**
 * A text[] sent as ONE JSON parameter (`["…", …]`), for long strings such as span contents: the
 * driver writes an array parameter as a Postgres array literal, escaping every element with two
 * regular expressions, which was a tenth of an OTLP request's JavaScript; JSON.stringify is native.
 * Order is kept (WITH ORDINALITY). Strings must not hold NUL, as for any text value.
 */
export function textArrayFromJson(values: readonly string[]): SQL {
  return sql`array(select e.v from json_array_elements_text(${JSON.stringify(values)}::json) with ordinality as e(v, i) order by e.i)`;
}
