/** search_runs and search_experiments: MLflow's semantics, one SQL statement per page. */
import type { Db } from "../db/client";
import { searchExperimentsPage, searchRunsPage } from "../db/search";
import type { ExperimentRow } from "../db/experiments";
import { MlflowError } from "../errors";
import type { RunDetails } from "../protocol/wire";
import {
  decodePageToken,
  encodePageToken,
  experimentFilterToSql,
  experimentOrderByToSql,
  parseExperimentFilter,
  parseExperimentOrderBy,
  parseRunFilter,
  parseRunOrderBy,
  runFilterToSql,
  runOrderByToSql,
} from "../search";
import { parseExperimentId } from "./validation";

export const SEARCH_MAX_RESULTS_DEFAULT = 1000;
export const SEARCH_MAX_RESULTS_THRESHOLD = 50000;

export type ViewType = "ACTIVE_ONLY" | "DELETED_ONLY" | "ALL";
export const VIEW_TYPES: readonly ViewType[] = ["ACTIVE_ONLY", "DELETED_ONLY", "ALL"];

/** Lifecycle stages a view type covers; an unset view type means active only (checked against MLflow). */
export function stagesFor(view: ViewType | undefined = "ACTIVE_ONLY"): string[] {
  const stages: string[] = [];
  if (view === "ACTIVE_ONLY" || view === "ALL") stages.push("active");
  if (view === "DELETED_ONLY" || view === "ALL") stages.push("deleted");
  return stages;
}

function validateMaxResults(maxResults: number | undefined): void {
  if (maxResults === undefined || maxResults < 1) {
    throw MlflowError.invalidParameter(`Invalid value ${maxResults ?? 0} for parameter 'max_results' supplied. It must be a positive integer`);
  }
  if (maxResults > SEARCH_MAX_RESULTS_THRESHOLD) {
    throw MlflowError.invalidParameter(
      `Invalid value ${maxResults} for parameter 'max_results' supplied. It must be at most ${SEARCH_MAX_RESULTS_THRESHOLD}`,
    );
  }
}

export interface Page<T> {
  items: T[];
  nextPageToken?: string;
}

function paginate<T>(rows: T[], offset: number, maxResults: number): Page<T> {
  if (rows.length === maxResults + 1) return { items: rows.slice(0, maxResults), nextPageToken: encodePageToken(offset + maxResults) };
  return { items: rows };
}

export interface SearchRunsRequest {
  experimentIds: string[];
  filter?: string;
  viewType: ViewType;
  maxResults: number;
  orderBy: string[];
  pageToken?: string;
}

export async function searchRuns(db: Db, r: SearchRunsRequest): Promise<Page<RunDetails>> {
  validateMaxResults(r.maxResults);
  const where = runFilterToSql(parseRunFilter(r.filter));
  const orderBy = runOrderByToSql(parseRunOrderBy(r.orderBy));
  const offset = decodePageToken(r.pageToken);
  const experimentIds = r.experimentIds.map(parseExperimentId);
  if (experimentIds.length === 0) return { items: [] };
  const rows = await searchRunsPage(db, experimentIds, {
    where,
    orderBy,
    offset,
    limit: r.maxResults + 1,
    stages: stagesFor(r.viewType),
  });
  return paginate(rows, offset, r.maxResults);
}

export interface SearchExperimentsRequest {
  filter?: string;
  viewType?: ViewType;
  maxResults?: number;
  orderBy: string[];
  pageToken?: string;
}

export async function searchExperiments(db: Db, r: SearchExperimentsRequest): Promise<Page<ExperimentRow>> {
  validateMaxResults(r.maxResults);
  const maxResults = r.maxResults!;
  const where = experimentFilterToSql(parseExperimentFilter(r.filter));
  const orderBy = experimentOrderByToSql(parseExperimentOrderBy(r.orderBy));
  const offset = decodePageToken(r.pageToken);
  const stages = stagesFor(r.viewType);
  if (stages.length === 0) return { items: [] };
  const rows = await searchExperimentsPage(db, { where, orderBy, offset, limit: maxResults + 1, stages });
  return paginate(rows, offset, maxResults);
}
