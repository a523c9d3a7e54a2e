/**
 * Bounds on what one search may ask of the database. MLflow has none; without them a filter of
 * thousands of AND-ed clauses or order_by keys ran for minutes (and failed with SQLSTATE 54001 /
 * 54011 past Postgres's own limits). Every grammar checks its input against these before any SQL
 * is built, with MLflow's INVALID_PARAMETER_VALUE.
 */
import { MlflowError } from "../errors";

/** Comparisons AND-ed in one filter string. Real filters have a handful. */
export const MAX_FILTER_CLAUSES = 100;
/** Keys in one order_by list. */
export const MAX_ORDER_BY_KEYS = 20;

export function checkClauseCount(count: number): void {
  if (count > MAX_FILTER_CLAUSES) {
    throw MlflowError.invalidParameter(
      `Invalid filter: ${count} clauses given, at most ${MAX_FILTER_CLAUSES} AND-ed clauses are supported per search.`,
    );
  }
}

export function checkOrderByCount(count: number): void {
  if (count > MAX_ORDER_BY_KEYS) {
    throw MlflowError.invalidParameter(`Invalid order_by: ${count} keys given, at most ${MAX_ORDER_BY_KEYS} are supported per search.`);
  }
}
