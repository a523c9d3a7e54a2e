/** MLflow's numeric limits that several layers state (request checks, services): one definition each. */

/** search_runs / search_experiments page sizes. */
export const SEARCH_MAX_RESULTS_DEFAULT = 1000;
export const SEARCH_MAX_RESULTS_THRESHOLD = 50000;

/** get-history-bulk-interval: points per run, and runs per request. */
export const MAX_RESULTS_PER_RUN = 2500;
export const MAX_RUNS_PER_BULK_REQUEST = 100;
