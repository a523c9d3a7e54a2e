/**
 * Offset paging as MLflow's SQL store does it: fetch one row more than the page, and when it came
 * back, answer a token for the next offset. One page shape for every search and history RPC.
 */
import { MlflowError } from "../errors";
import { decodePageToken, encodePageToken } from "../search";

export interface Page<T> {
  items: T[];
  nextPageToken?: string;
}

import { SEARCH_MAX_RESULTS_THRESHOLD } from "../lib/mlflow-limits";

export { SEARCH_MAX_RESULTS_DEFAULT, SEARCH_MAX_RESULTS_THRESHOLD } from "../lib/mlflow-limits";

/** The offset a page token names ("" and absent: the first page). */
export const readPageToken = decodePageToken;

/**
 * Cuts the rows fetched with `limit = pageSize + 1` into a page. `encode` makes the token of the
 * next page from its offset (MLflow's `{"offset": N}` by default; logged models carry more).
 */
export function paginate<T>(rows: T[], offset: number, pageSize: number, encode: (offset: number) => string = encodePageToken): Page<T> {
  if (rows.length > pageSize) return { items: rows.slice(0, pageSize), nextPageToken: encode(offset + pageSize) };
  return { items: rows };
}

/** search_runs / search_experiments' max_results rule; returns the validated page size. */
export function validateMaxResults(maxResults: number | undefined): number {
  if (maxResults === undefined || maxResults < 1) {
    throw MlflowError.invalidParameter(`Invalid value ${maxResults ?? 0} for parameter 'max_results' supplied. It must be a positive integer`);
  }
  if (maxResults > SEARCH_MAX_RESULTS_THRESHOLD) {
    throw MlflowError.invalidParameter(
      `Invalid value ${maxResults} for parameter 'max_results' supplied. It must be at most ${SEARCH_MAX_RESULTS_THRESHOLD}`,
    );
  }
  return maxResults;
}

export type ViewType = "ACTIVE_ONLY" | "DELETED_ONLY" | "ALL";

/** Lifecycle stages a view type covers; an unset view type means active only (checked against MLflow). */
export function stagesFor(view: ViewType | undefined = "ACTIVE_ONLY"): string[] {
  const stages: string[] = [];
  if (view === "ACTIVE_ONLY" || view === "ALL") stages.push("active");
  if (view === "DELETED_ONLY" || view === "ALL") stages.push("deleted");
  return stages;
}
