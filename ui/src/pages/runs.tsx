/**
 * Runs of one experiment: MLflow filter syntax, server-side sort, column chooser, virtualised
 * rows with nested runs, and bulk compare/delete/restore. All view state lives in the URL.
 */
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { ExperimentDescription } from "../components/experiment-description";
import { api, ApiError } from "../api";
import { ColumnChooser } from "../components/column-chooser";
import { ErrorBox, Spinner, useAsync } from "../components/common";
import { RunsGrid } from "../components/runs-grid";
import { href, navigate, route, setQuery } from "../router";
import {
  columnFromId,
  decodeColumns,
  defaultColumnIds,
  discoverKeys,
  encodeColumns,
  flattenTree,
  runsToCsv,
  TIME_WINDOWS,
  withTimeWindow,
  type Column,
} from "../runs-model";
import type { Experiment, Run } from "../types";

/** A small first page paints rows sooner; later pages are larger to cut round trips while scrolling. */
const FIRST_PAGE = 200;
const NEXT_PAGE = 1000;
const DEFAULT_ORDER = "attributes.start_time DESC";
const AUTO_REFRESH_MS = 30_000;

interface SearchRunsResponse {
  runs?: Run[];
  next_page_token?: string;
}

export default function RunsPage({ experimentId }: { experimentId: string }) {
  const q = route.value.query;
  const filter = q.get("filter") ?? "";
  const order = q.get("order") ?? DEFAULT_ORDER;
  const deleted = q.get("view") === "deleted";
  const since = q.get("since");
  const chosenParam = decodeColumns(q.get("cols"));

  const experiment = useAsync(() => api.get<{ experiment: Experiment }>("/experiments/get", { experiment_id: experimentId }), [experimentId]);
  const [runs, setRuns] = useState<Run[]>([]);
  const [token, setToken] = useState<string | undefined>();
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  const [draft, setDraft] = useState(filter);
  const [tick, setTick] = useState(0);
  const [actionError, setActionError] = useState<unknown>();
  const generation = useRef(0);

  const fetchPage = async (pageToken?: string) => {
    const gen = pageToken ? generation.current : ++generation.current;
    setLoading(true);
    if (!pageToken) setError(undefined);
    try {
      const res = await api.post<SearchRunsResponse>("/runs/search", {
        experiment_ids: [experimentId],
        filter: withTimeWindow(filter, since) || undefined,
        run_view_type: deleted ? "DELETED_ONLY" : "ACTIVE_ONLY",
        max_results: pageToken ? NEXT_PAGE : FIRST_PAGE,
        order_by: [order],
        page_token: pageToken,
      });
      if (gen !== generation.current) return;
      setRuns((prev) => (pageToken ? [...prev, ...(res.runs ?? [])] : res.runs ?? []));
      setToken(res.next_page_token || undefined);
    } catch (e) {
      if (gen !== generation.current) return;
      setError(e);
      if (!pageToken) setRuns([]);
      setToken(undefined);
    } finally {
      if (gen === generation.current) setLoading(false);
    }
  };

  useEffect(() => {
    setDraft(filter);
    setSelected(new Set());
    void fetchPage();
  }, [experimentId, filter, order, deleted, since, tick]);

  // Keys seen in any load of this experiment: a filter that matches nothing keeps the columns.
  const [keys, setKeys] = useState(() => discoverKeys([]));
  useEffect(() => setKeys(discoverKeys([])), [experimentId]);
  useEffect(() => {
    const found = discoverKeys(runs);
    setKeys((prev) => {
      const merge = (a: string[], b: string[]) => (b.every((k) => a.includes(k)) ? a : [...new Set([...a, ...b])].sort((x, y) => x.localeCompare(y)));
      const next = { metric: merge(prev.metric, found.metric), param: merge(prev.param, found.param), tag: merge(prev.tag, found.tag) };
      return next.metric === prev.metric && next.param === prev.param && next.tag === prev.tag ? prev : next;
    });
  }, [runs]);
  const chosen = chosenParam ?? defaultColumnIds(keys);
  const columns = chosen.map(columnFromId).filter((c): c is Column => c !== undefined);
  const rows = useMemo(() => flattenTree(runs, expanded), [runs, expanded]);

  // While runs are live, refresh the first page now and then (only when nothing beyond it is
  // loaded, so scrolling state is never thrown away).
  const hasLiveRuns = runs.some((r) => r.info.status === "RUNNING");
  useEffect(() => {
    if (!hasLiveRuns || runs.length > FIRST_PAGE) return;
    const timer = setInterval(() => document.visibilityState === "visible" && void fetchPage(), AUTO_REFRESH_MS);
    return () => clearInterval(timer);
  }, [hasLiveRuns, runs.length > FIRST_PAGE, experimentId, filter, order, deleted, since]);

  const bulk = async (endpoint: "/runs/delete" | "/runs/restore") => {
    setActionError(undefined);
    const results = await Promise.allSettled([...selected].map((run_id) => api.post(endpoint, { run_id })));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) setActionError(failed.reason);
    setTick((t) => t + 1);
  };

  const exp = experiment.data?.experiment;
  const isFilterError = error instanceof ApiError && error.status === 400;

  return (
    <div class="page runs-page">
      <div class="crumbs">
        <a href="#/experiments">Experiments</a> / <span>{exp?.name ?? experimentId}</span>
      </div>
      <div class="page-head">
        <h1>{exp?.name ?? (experiment.loading ? "…" : `Experiment ${experimentId}`)}</h1>
        <span class="muted mono">ID {experimentId}</span>
      </div>
      <ErrorBox error={experiment.error} title="Could not load the experiment." />
      {exp && <ExperimentDescription experiment={exp} onSaved={experiment.reload} />}
      <form
        class="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery({ filter: draft.trim() || undefined });
        }}
      >
        <input
          type="search"
          class="grow mono filter-input"
          aria-label="Filter runs"
          placeholder="metrics.rmse < 1 and params.model = 'tree' and tags.`team` LIKE 'ml%'"
          value={draft}
          onInput={(e) => setDraft(e.currentTarget.value)}
        />
        <button type="submit" class="primary">
          Search
        </button>
        {filter && (
          <button type="button" onClick={() => setQuery({ filter: undefined })}>
            Clear
          </button>
        )}
      </form>
      {isFilterError ? <ErrorBox error={error} title="Invalid filter." /> : <ErrorBox error={error} title="Could not load runs." />}
      <div class="toolbar">
        <div class="segmented" role="group" aria-label="Lifecycle">
          <button type="button" class={!deleted ? "on" : ""} onClick={() => setQuery({ view: undefined })}>
            Active
          </button>
          <button type="button" class={deleted ? "on" : ""} onClick={() => setQuery({ view: "deleted" })}>
            Deleted
          </button>
        </div>
        <select aria-label="Created within" value={since ?? ""} onChange={(e) => setQuery({ since: e.currentTarget.value || undefined })}>
          <option value="">Created: any time</option>
          {Object.keys(TIME_WINDOWS).map((k) => (
            <option key={k} value={k}>
              Created: last {k}
            </option>
          ))}
        </select>
        <ColumnChooser keys={keys} chosen={chosen} onChange={(ids) => setQuery({ cols: encodeColumns(ids) })} />
        <button type="button" onClick={() => setTick((t) => t + 1)} title="Reload runs">
          Refresh
        </button>
        <button type="button" disabled={runs.length === 0} onClick={() => downloadCsv(`runs-${experimentId}.csv`, runsToCsv(runs, columns))}>
          Download CSV
        </button>
        <span class="grow" />
        <span class="muted">
          {selected.size > 0 ? `${selected.size} selected · ` : ""}
          {runs.length} run{runs.length === 1 ? "" : "s"}
          {token ? "+" : ""}
        </span>
        <button
          type="button"
          disabled={selected.size < 1}
          onClick={() => navigate("/compare-runs", { runs: [...selected].join(","), experiments: experimentId })}
        >
          Compare
        </button>
        {deleted ? (
          <button type="button" disabled={selected.size < 1} onClick={() => bulk("/runs/restore")}>
            Restore
          </button>
        ) : (
          <button type="button" class="danger" disabled={selected.size < 1} onClick={() => bulk("/runs/delete")}>
            Delete
          </button>
        )}
      </div>
      <ErrorBox error={actionError} />
      {order !== DEFAULT_ORDER && (
        <div class="muted small-text sort-note">
          Sorted by <code>{order}</code> ·{" "}
          <a href={href(`/experiments/${experimentId}`, { ...Object.fromEntries(q), order: undefined })}>reset</a>
        </div>
      )}
      <RunsGrid
        rows={rows}
        columns={columns}
        experimentId={experimentId}
        order={order}
        onSort={(o) => setQuery({ order: o === DEFAULT_ORDER ? undefined : o })}
        selected={selected}
        onSelect={setSelected}
        expanded={expanded}
        onToggle={(id) => {
          const next = new Set(expanded);
          if (next.has(id)) next.delete(id);
          else next.add(id);
          setExpanded(next);
        }}
        onNearEnd={() => token && !loading && void fetchPage(token)}
        pagingKey={`${token ?? ""}|${loading}`}
      />
      {loading && <Spinner label="Loading runs…" />}
      {!loading && !error && runs.length === 0 && <p class="empty">No runs{filter ? " match this filter" : " in this experiment yet"}.</p>}
    </div>
  );
}

function downloadCsv(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
