/**
 * An experiment's runs (or several experiments' runs, compared in one table): the header with
 * tabs, the filter, the toolbar, then the virtualised table or the chart view. All view state
 * (filter, sort, columns, lifecycle, time window, group by, view, charts) lives in the URL.
 */
import { useMemo, useState } from "preact/hooks";
import { api, ApiError, isNotFound } from "../../api";
import { ColumnChooser } from "../../components/column-chooser";
import { ConfirmDialog, ErrorBox, lazy, NotFound, Spinner } from "../../components/common";
import { FilterBox } from "../../components/filter-box";
import { RunsGrid, type GridRow } from "../../components/runs-grid";
import { SortMenu } from "../../components/sort-menu";
import { href, navigate, route, setQuery } from "../../router";
import {
  columnFromId,
  decodeColumns,
  defaultColumnIds,
  encodeColumns,
  flattenTree,
  groupRuns,
  runsToCsv,
  type Aggregate,
  type Column,
} from "../../runs-model";
import { DEFAULT_ORDER, runsQueryFrom, TIME_WINDOWS } from "../../runs-search";
import { ExperimentHeader, useExperiments } from "./header";
import { useColumnKeys, useLoggedModelNames, useRuns } from "./use-runs";

const ChartView = lazy(() => import("../../components/chart-view"));

export default function RunsPage({ experimentIds }: { experimentIds: string[] }) {
  const q = route.value.query;
  const runsQuery = runsQueryFrom(q, experimentIds);
  const { filter, order, deleted, since } = runsQuery;
  const mode = q.get("mode") === "chart" ? "chart" : "table";
  const groupBy = q.get("group") ?? "";
  const agg = (["min", "max"].includes(q.get("agg") ?? "") ? q.get("agg") : "avg") as Aggregate;

  const experiments = useExperiments(experimentIds);
  const runsState = useRuns(runsQuery);
  const { runs, token, loading, error } = runsState;
  const keys = useColumnKeys(runs, experimentIds.join(","));
  const modelNames = useLoggedModelNames(experimentIds);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  const [collapsedGroups, setCollapsedGroups] = useState<Set<string>>(new Set());
  const [confirmDelete, setConfirmDelete] = useState(false);

  const chosen = decodeColumns(q.get("cols")) ?? defaultColumnIds(keys, experimentIds.length > 1);
  const columns = chosen.map(columnFromId).filter((c): c is Column => c !== undefined);
  const rows: GridRow[] = useMemo(() => {
    if (!groupBy) return flattenTree(runs, expanded);
    return groupRuns(runs, groupBy, agg).flatMap((group) => {
      const open = !collapsedGroups.has(group.value);
      const head: GridRow = { group, label: group.value, expanded: open };
      return open ? [head, ...group.runs.map((run) => ({ run, depth: 1, childCount: 0 }))] : [head];
    });
  }, [runs, expanded, groupBy, agg, collapsedGroups, modelNames]);

  // A missing experiment is a not-found page: no empty table, no live toolbar.
  const missing = experiments.error && isNotFound(experiments.error);
  if (missing) return <NotFound what="Experiment" error={experiments.error} back={{ href: "#/experiments", label: "Back to experiments" }} />;

  const toggleIn = (set: Set<string>, id: string) => {
    const next = new Set(set);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return next;
  };
  const isFilterError = error instanceof ApiError && error.status === 400;
  const single = experimentIds.length === 1 ? experimentIds[0]! : undefined;

  return (
    <div class="page runs-page">
      <ExperimentHeader experimentIds={experimentIds} state={experiments} tab="runs" />
      <FilterBox value={filter} keys={keys} onSubmit={(f) => (setSelected(new Set()), setQuery({ filter: f || undefined }))} />
      {isFilterError ? <ErrorBox error={error} title="Invalid filter." /> : <ErrorBox error={error} title="Could not load runs." />}
      <div class="toolbar">
        <div class="segmented" role="group" aria-label="View">
          <button type="button" class={mode === "table" ? "on" : ""} aria-pressed={mode === "table"} onClick={() => setQuery({ mode: undefined })}>
            Table
          </button>
          <button type="button" class={mode === "chart" ? "on" : ""} aria-pressed={mode === "chart"} onClick={() => setQuery({ mode: "chart" })}>
            Chart
          </button>
        </div>
        <div class="segmented" role="group" aria-label="Lifecycle">
          <button type="button" class={!deleted ? "on" : ""} aria-pressed={!deleted} onClick={() => (setSelected(new Set()), setQuery({ view: undefined }))}>
            Active
          </button>
          <button type="button" class={deleted ? "on" : ""} aria-pressed={deleted} onClick={() => (setSelected(new Set()), setQuery({ view: "deleted" }))}>
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
        <SortMenu order={order} keys={keys} onSort={(o) => setQuery({ order: o === DEFAULT_ORDER ? undefined : o })} />
        {mode === "table" && <ColumnChooser keys={keys} chosen={chosen} onChange={(ids) => setQuery({ cols: encodeColumns(ids) })} />}
        <GroupBy keys={keys} groupBy={groupBy} agg={agg} />
        <button type="button" onClick={runsState.reload} title="Reload runs">
          Refresh
        </button>
        <button type="button" disabled={runs.length === 0} onClick={() => downloadCsv(`runs-${experimentIds.join("-")}.csv`, runsToCsv(runs, columns))}>
          Download CSV
        </button>
        <span class="grow" />
        <span class="muted" aria-live="polite">
          {selected.size > 0 ? `${selected.size} selected · ` : ""}
          {runs.length} run{runs.length === 1 ? "" : "s"}
          {token ? "+" : ""}
        </span>
        <button
          type="button"
          disabled={selected.size < 1}
          onClick={() => navigate("/compare-runs", { runs: [...selected].join(","), experiments: experimentIds.join(",") })}
        >
          Compare
        </button>
        {deleted ? (
          <button
            type="button"
            disabled={selected.size < 1}
            onClick={async () => {
              await Promise.allSettled([...selected].map((run_id) => api.post("/runs/restore", { run_id })));
              setSelected(new Set());
              runsState.reload();
            }}
          >
            Restore
          </button>
        ) : (
          <button type="button" class="danger" disabled={selected.size < 1} onClick={() => setConfirmDelete(true)}>
            Delete
          </button>
        )}
      </div>
      {confirmDelete && (
        <ConfirmDialog
          title={`Delete ${selected.size} run${selected.size === 1 ? "" : "s"}?`}
          confirm="Delete"
          onClose={() => setConfirmDelete(false)}
          onDone={() => {
            setSelected(new Set());
            runsState.reload();
          }}
          onConfirm={async () => {
            const results = await Promise.allSettled([...selected].map((run_id) => api.post("/runs/delete", { run_id })));
            const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
            if (failed) throw failed.reason;
          }}
        >
          The selected runs move to the Deleted view, where they can be restored until the server purges them.
        </ConfirmDialog>
      )}
      {order !== DEFAULT_ORDER && (
        <div class="muted small-text sort-note">
          Sorted by <code>{order}</code> · <a href={href(route.value.segments.map((s) => `/${s}`).join(""), { ...Object.fromEntries(q), order: undefined })}>reset</a>
        </div>
      )}
      {mode === "chart" ? (
        <ChartView runs={runs} metricKeys={keys.metric} experimentKey={experimentIds.join(",")} loading={loading} />
      ) : (
        <RunsGrid
          rows={rows}
          columns={columns}
          experimentId={single ?? ""}
          order={order}
          onSort={(o) => setQuery({ order: o === DEFAULT_ORDER ? undefined : o })}
          selected={selected}
          onSelect={setSelected}
          expanded={expanded}
          onToggle={(id) => setExpanded(toggleIn(expanded, id))}
          onToggleGroup={(v) => setCollapsedGroups(toggleIn(collapsedGroups, v))}
          onNearEnd={runsState.loadMore}
          pagingKey={`${token ?? ""}|${loading}`}
        />
      )}
      {loading && <Spinner label="Loading runs…" />}
      {!loading && !error && runs.length === 0 && <p class="empty">No runs{filter ? " match this filter" : deleted ? " deleted" : " in this experiment yet"}.</p>}
    </div>
  );
}

function GroupBy({ keys, groupBy, agg }: { keys: { param: string[]; tag: string[] }; groupBy: string; agg: Aggregate }) {
  return (
    <>
      <select aria-label="Group by" value={groupBy} onChange={(e) => setQuery({ group: e.currentTarget.value || undefined })}>
        <option value="">Group: none</option>
        <option value="d:">Group: dataset</option>
        {keys.param.map((k) => (
          <option key={`p:${k}`} value={`p:${k}`}>
            Group: param {k}
          </option>
        ))}
        {keys.tag.map((k) => (
          <option key={`t:${k}`} value={`t:${k}`}>
            Group: tag {k}
          </option>
        ))}
      </select>
      {groupBy && (
        <select aria-label="Aggregate" value={agg} onChange={(e) => setQuery({ agg: e.currentTarget.value === "avg" ? undefined : e.currentTarget.value })}>
          <option value="min">min</option>
          <option value="avg">average</option>
          <option value="max">max</option>
        </select>
      )}
    </>
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
