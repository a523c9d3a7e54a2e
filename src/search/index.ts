/**
 * MLflow search language for search_runs and search_experiments: filters, order_by and page
 * tokens, validated like MLflow 3.18 (same accept/reject decisions, INVALID_PARAMETER_VALUE
 * messages close to MLflow's) and translated into parameterised Postgres SQL via drizzle.
 *
 *   parseRunFilter(filter: string | null | undefined): Filter
 *   parseExperimentFilter(filter: string | null | undefined): Filter
 *   parseRunOrderBy(orderBy: readonly string[] | null | undefined): OrderByClause[]
 *   parseExperimentOrderBy(orderBy: readonly string[] | null | undefined): OrderByClause[]  // [] -> MLflow's default
 *   runFilterToSql(filter: Filter): SQL | undefined          // WHERE over unaliased `runs`
 *   runOrderByToSql(orderBy: readonly OrderByClause[]): { joins, items } // LEFT JOINs + items incl. tie-breakers
 *   experimentFilterToSql(filter: Filter): SQL | undefined    // WHERE over unaliased `experiments`
 *   experimentOrderByToSql(orderBy: readonly OrderByClause[]): SQL[]
 *   encodePageToken(offset: number): string                  // base64 of `{"offset": N}`, as MLflow
 *   decodePageToken(token: string | null | undefined): number // "" / null -> 0
 *
 * Typical use:
 *   const where = and(eq(runs.experimentId, id), runFilterToSql(parseRunFilter(req.filter)));
 *   const order = runOrderByToSql(parseRunOrderBy(req.order_by)); // FROM runs ${order.joins} ... ORDER BY ${order.items}
 *   const offset = decodePageToken(req.page_token);
 *   // SELECT ... FROM runs WHERE ... ORDER BY ...order OFFSET offset LIMIT max + 1
 *   // next_page_token = encodePageToken(offset + max) when max + 1 rows came back
 *
 * Parse/decode functions throw MlflowError INVALID_PARAMETER_VALUE on bad input; the SQL
 * functions only throw on ASTs the parsers never produce. The SQL uses correlated EXISTS /
 * scalar subqueries, so the outer query needs no joins and no DISTINCT.
 */
export type { Comparator, EntityType, Filter, FilterClause, FilterValue, OrderByClause } from "./ast";
export { translateRunAttributeAlias } from "./ast";
export { parseRunFilter, parseExperimentFilter } from "./parser";
export { parseRunOrderBy, parseExperimentOrderBy, DEFAULT_EXPERIMENT_ORDER_BY } from "./order-by";
export { runFilterToSql, runOrderByToSql, experimentFilterToSql, experimentOrderByToSql } from "./sql";
export { encodePageToken, decodePageToken } from "./page-token";
export { printFilter, printClause, printOrderBy } from "./print";
