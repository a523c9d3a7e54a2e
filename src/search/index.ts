/**
 * MLflow search language: filters, order_by and page tokens for search_runs and
 * search_experiments, validated like MLflow 3.18 and translated into parameterised Postgres SQL.
 *
 * Typical use:
 *   const where = runFilterToSql(parseRunFilter(req.filter));          // SQL | undefined
 *   const order = runOrderByToSql(parseRunOrderBy(req.order_by));      // SQL[]
 *   const offset = decodePageToken(req.page_token);
 *   ... next_page_token = encodePageToken(offset + maxResults)
 * All parse/decode functions throw MlflowError INVALID_PARAMETER_VALUE on bad input.
 */
export type { Comparator, EntityType, Filter, FilterClause, FilterValue, OrderByClause } from "./ast";
export { translateRunAttributeAlias } from "./ast";
export { parseRunFilter, parseExperimentFilter } from "./parser";
export { parseRunOrderBy, parseExperimentOrderBy, DEFAULT_EXPERIMENT_ORDER_BY } from "./order-by";
export { runFilterToSql, runOrderByToSql, experimentFilterToSql, experimentOrderByToSql } from "./sql";
export { encodePageToken, decodePageToken } from "./page-token";
export { printFilter, printClause, printOrderBy } from "./print";
