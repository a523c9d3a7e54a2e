/**
 * search_traces (v3 `traces/search` and the v2 `GET traces`) with MLflow 3.18's rules: the filter
 * and order_by are validated first (src/search/trace-*.ts), then one statement reads the page;
 * offset page tokens with one row of look-ahead, as MLflow's SQL store pages.
 */
import type { Db } from "../db/client";
import { searchTraceInfos, type TraceInfoRow } from "../db/traces";
import { MlflowError } from "../errors";
import { encodePageToken } from "../search";
import { parseTraceFilter } from "../search/trace-filter";
import { parseTraceOrderBy, traceOrderByToSql } from "../search/trace-order-by";
import { traceFilterToSql } from "../search/trace-sql";
import { paginate, readPageToken, validateMaxResults, type Page } from "./paging";
import { parseExperimentId } from "./validation";

export interface TraceSearchInput {
  /** Experiments to search (already narrowed to what the caller may read). */
  experimentIds: string[];
  filter?: string;
  maxResults: number;
  orderBy: string[];
  pageToken?: string;
}

export async function searchTraces(db: Db, q: TraceSearchInput): Promise<Page<TraceInfoRow>> {
  const dotted = q.experimentIds.filter((id) => id.includes("."));
  if (dotted.length > 0) {
    const shown = dotted.join(", ");
    throw MlflowError.invalidParameter(`Locations must be a list of experiment IDs. Found invalid experiment IDs: ${shown.length > 20 ? `${shown.slice(0, 20)}...` : shown}.`);
  }
  const pageSize = validateMaxResults(q.maxResults);
  const order = traceOrderByToSql(parseTraceOrderBy(q.orderBy));
  const clauses = parseTraceFilter(q.filter);
  const offset = readPageToken(q.pageToken);
  if (q.experimentIds.length === 0) return { items: [] };
  const experimentIds = [...new Set(q.experimentIds.map((id) => parseExperimentId(id)))];
  const rows = await searchTraceInfos(db, traceFilterToSql(clauses, { experimentIds }), order, offset, pageSize + 1);
  return paginate(rows, offset, pageSize, encodePageToken);
}
