/**
 * What the runs page asks `runs/search` for, derived from its URL in one place: the page's own
 * reads (pages/runs/use-runs.ts) and the entry bundle's early start of a page load's first reads
 * (prefetchRunsPage) must send the same request, or the early answer would go unused.
 *
 * Kept small and free of other imports than the API client: the entry bundle includes it.
 */
import { prefetch } from "./api";

/** A small first page paints rows sooner; later pages are larger to cut round trips while scrolling. */
export const FIRST_PAGE = 200;
export const NEXT_PAGE = 1000;
export const DEFAULT_ORDER = "attributes.start_time DESC";

/** "Created within" choices: appended to the filter as attributes.start_time >= <ms>. */
export const TIME_WINDOWS: Record<string, number> = { "1h": 3_600_000, "24h": 86_400_000, "7d": 7 * 86_400_000, "30d": 30 * 86_400_000, "1y": 365 * 86_400_000 };

export function withTimeWindow(filter: string, since: string | null, now = Date.now()): string {
  const ms = since ? TIME_WINDOWS[since] : undefined;
  if (!ms) return filter;
  const clause = `attributes.start_time >= ${now - ms}`;
  return filter ? `${filter} AND ${clause}` : clause;
}

export interface RunsQuery {
  experimentIds: string[];
  filter: string;
  order: string;
  deleted: boolean;
  since: string | null;
}

/** The runs page's query, from its URL's query string. */
export function runsQueryFrom(query: URLSearchParams, experimentIds: string[]): RunsQuery {
  return {
    experimentIds,
    filter: query.get("filter") ?? "",
    order: query.get("order") ?? DEFAULT_ORDER,
    deleted: query.get("view") === "deleted",
    since: query.get("since"),
  };
}

/** The body of a `runs/search` for one page of the runs page (the first without a token). */
export function searchRunsBody(q: RunsQuery, pageToken?: string, now = Date.now()) {
  return {
    experiment_ids: q.experimentIds,
    filter: withTimeWindow(q.filter, q.since, now) || undefined,
    run_view_type: q.deleted ? "DELETED_ONLY" : "ACTIVE_ONLY",
    max_results: pageToken ? NEXT_PAGE : FIRST_PAGE,
    order_by: [q.order],
    page_token: pageToken,
  };
}

/** The logged-models search behind the runs table's Models column. */
export const loggedModelsSearchBody = (experimentIds: string[]) => ({ experiment_ids: experimentIds, max_results: 1000 });

/**
 * A page load that opens a runs page starts its first reads now, beside the page's code (the
 * experiments, the first page of runs, the logged models), so that a chart view can ask for its
 * histories as soon as its code arrives. A time window makes the filter depend on the clock, so
 * that page's first search is left to the page.
 */
export function prefetchRunsPage(experimentIds: string[], query: URLSearchParams): void {
  if (experimentIds.length === 0) return;
  const q = runsQueryFrom(query, experimentIds);
  for (const experiment_id of experimentIds) prefetch("GET", "/experiments/get", { query: { experiment_id } });
  if (!q.since) prefetch("POST", "/runs/search", { body: searchRunsBody(q) });
  prefetch("POST", "/logged-models/search", { body: loggedModelsSearchBody(experimentIds) });
}
