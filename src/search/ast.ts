/**
 * Typed result of parsing MLflow search filters and order_by clauses.
 *
 * The shape mirrors what MLflow's `SearchUtils.parse_search_filter` returns ({type, key, comparator,
 * value}) so the parser can be checked clause-for-clause against MLflow itself; the only
 * normalisation is that comparators are upper-cased (MLflow upper-cases them later, in the store).
 */

/** Entity kinds, spelled as MLflow spells them after resolving prefix aliases. */
export type EntityType = "metric" | "parameter" | "tag" | "attribute" | "dataset";

export type Comparator =
  | "="
  | "!="
  | ">"
  | ">="
  | "<"
  | "<="
  | "LIKE"
  | "ILIKE"
  | "RLIKE"
  | "IN"
  | "NOT IN"
  | "IS NULL"
  | "IS NOT NULL";

/**
 * A comparison's right-hand side.
 *  - number: metrics and numeric attributes. `integer` remembers whether MLflow saw an integer
 *    literal (it binds `int(...)` then, `float(...)` otherwise) and `raw` keeps the source text.
 *  - string: params, tags, string attributes, datasets. Quotes removed, nothing unescaped
 *    (MLflow keeps `''` and `\'` inside values verbatim).
 *  - list: IN / NOT IN, parsed like Python's `ast.literal_eval` would.
 *  - null: IS NULL / IS NOT NULL.
 */
export type FilterValue =
  | { kind: "number"; value: number; integer: boolean; raw: string }
  | { kind: "string"; value: string }
  | { kind: "list"; values: string[] }
  | { kind: "null" };

export interface FilterClause {
  type: EntityType;
  /** Key as written (quotes/backticks removed); aliases like `created` are resolved only in SQL. */
  key: string;
  comparator: Comparator;
  value: FilterValue;
}

/** A filter is an AND-chain of clauses; MLflow has no OR and no parentheses. */
export type Filter = FilterClause[];

export interface OrderByClause {
  type: EntityType;
  key: string;
  ascending: boolean;
}

/** `created`/`Created` and `run name` spellings that MLflow maps onto real run attributes. */
export function translateRunAttributeAlias(key: string): string {
  if (key === "created" || key === "Created") return "start_time";
  if (key === "run name" || key === "Run name" || key === "Run Name") return "run_name";
  return key;
}
