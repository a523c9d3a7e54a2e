/**
 * The traces of an experiment (or of one run): request and response previews, state, latency,
 * time, tokens, run, tags and assessment verdicts. Filtering is MLflow's trace filter language,
 * passed to `traces/search` as typed (the server's 400 is shown as it is); ordering and paging are
 * the server's too (page tokens, kept on a stack so Previous works). Filter and order live in the URL.
 * Selected traces can be deleted (`traces/delete-traces`, the call `mlflow.delete_traces` makes).
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../../api";
import { ConfirmDialog, ErrorBox, Spinner } from "../common";
import { useAsync } from "../../hooks";
import { href, route, setQuery } from "../../router";
import { formatAssessmentValue, isCurrent, valueOf, verdictOf } from "../../traces/assessments";
import { searchTraces } from "../../traces/trace-api";
import { durationMs, formatLatency, previewText, requestTimeMs, sourceRunId, stateLabel, tokenUsage, traceName, userTags } from "../../traces/trace-info";
import { traceHref } from "../../traces/trace-href";
import type { TraceInfo } from "../../traces/trace-types";
import { formatRelative, formatTime } from "../../format";

/** Sort choices → MLflow order_by clauses. */
export const TRACE_ORDERS: Record<string, { label: string; clause: string }> = {
  newest: { label: "Newest first", clause: "timestamp_ms DESC" },
  oldest: { label: "Oldest first", clause: "timestamp_ms ASC" },
  slowest: { label: "Slowest first", clause: "execution_time_ms DESC" },
  fastest: { label: "Fastest first", clause: "execution_time_ms ASC" },
};
const PAGE_SIZES = [25, 50, 100];

const quote = (s: string) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

interface Props {
  experimentId: string;
  /** Only this run's traces (its own and those linked to it). */
  runId?: string;
  /** Bumped to read the list again (the page's Refresh, also for what sits beside the list). */
  refreshTick?: number;
  onRefresh?: () => void;
}

/** With auto-refresh on, the list is read again this often while the page is in view. */
const AUTO_REFRESH_MS = 10_000;

export function TraceList({ experimentId, runId, refreshTick, onRefresh }: Props) {
  const q = route.value.query;
  const live = q.get("live") === "1";
  const [ownTick, setOwnTick] = useState(0);
  const refresh = onRefresh ?? (() => setOwnTick((t) => t + 1));
  const refreshRef = useRef(refresh);
  refreshRef.current = refresh;
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => {
      if (document.visibilityState === "visible") refreshRef.current();
    }, AUTO_REFRESH_MS);
    return () => clearInterval(timer);
  }, [live]);
  const filter = q.get("filter") ?? "";
  const orderKey = TRACE_ORDERS[q.get("order") ?? ""] ? q.get("order")! : "newest";
  const pageSize = PAGE_SIZES.includes(Number(q.get("size"))) ? Number(q.get("size")) : 25;
  const [draft, setDraft] = useState(filter);
  const fullFilter = [runId ? `run_id = ${quote(runId)}` : "", filter.trim()].filter(Boolean).join(" AND ");
  // Page tokens followed so far (the current page's is the last); they belong to one query, so a
  // new filter or order (typed, or reached with Back) starts again from the first page.
  const queryKey = [experimentId, fullFilter, orderKey, pageSize].join("\n");
  const [paging, setPaging] = useState<{ key: string; tokens: string[] }>({ key: queryKey, tokens: [] });
  const tokens = paging.key === queryKey ? paging.tokens : [];
  const setTokens = (next: string[]) => setPaging({ key: queryKey, tokens: next });
  const token = tokens[tokens.length - 1];
  const res = useAsync(
    () => searchTraces({ experimentIds: [experimentId], filter: fullFilter, orderBy: [TRACE_ORDERS[orderKey]!.clause], pageToken: token, maxResults: pageSize }),
    [experimentId, fullFilter, orderKey, pageSize, token, refreshTick, ownTick],
  );
  const resetPaging = () => setTokens([]);
  const traces = res.data?.traces ?? [];
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [confirming, setConfirming] = useState(false);
  const shownSelected = traces.filter((t) => selected.has(t.trace_id)).map((t) => t.trace_id);
  const toggle = (id: string) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  };
  const allShown = traces.length > 0 && shownSelected.length === traces.length;
  const sortBy = (asc: string, desc: string) => {
    resetPaging();
    setQuery({ order: orderKey === desc ? asc : desc === "newest" ? undefined : desc });
  };
  const sortMark = (asc: string, desc: string) => (orderKey === desc ? " ▼" : orderKey === asc ? " ▲" : "");
  const ariaSort = (asc: string, desc: string) => (orderKey === desc ? "descending" : orderKey === asc ? "ascending" : undefined);
  return (
    <div class="trace-list">
      <form
        class="toolbar"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          resetPaging();
          setQuery({ filter: draft.trim() || undefined });
        }}
      >
        <input
          type="search"
          class="grow mono"
          aria-label="Filter traces"
          placeholder="trace.status = 'ERROR' AND tags.env = 'prod' AND span.type = 'LLM'"
          value={draft}
          onInput={(e) => setDraft(e.currentTarget.value)}
        />
        <button type="submit">Search</button>
        <button type="button" class="ghost" onClick={() => refresh()} aria-label="Refresh traces" title="Read the list again">
          ↻ Refresh
        </button>
        <label class="check" title={`Read the list again every ${AUTO_REFRESH_MS / 1000} s while this page is in view`}>
          <input type="checkbox" checked={live} onChange={(e) => setQuery({ live: e.currentTarget.checked ? "1" : undefined })} /> Auto-refresh
        </label>
        <FilterHelp
          onPick={(example) => {
            setDraft(example);
            resetPaging();
            setQuery({ filter: example });
          }}
        />
        <select
          aria-label="Sort traces"
          value={orderKey}
          onChange={(e) => {
            resetPaging();
            setQuery({ order: e.currentTarget.value === "newest" ? undefined : e.currentTarget.value });
          }}
        >
          {Object.entries(TRACE_ORDERS).map(([k, o]) => (
            <option key={k} value={k}>
              {o.label}
            </option>
          ))}
        </select>
        <select
          aria-label="Traces per page"
          value={String(pageSize)}
          onChange={(e) => {
            resetPaging();
            setQuery({ size: e.currentTarget.value === "25" ? undefined : e.currentTarget.value });
          }}
        >
          {PAGE_SIZES.map((n) => (
            <option key={n} value={String(n)}>
              {n} per page
            </option>
          ))}
        </select>
      </form>
      {shownSelected.length > 0 && (
        <div class="toolbar selection-bar">
          <span>{shownSelected.length} selected</span>
          <button type="button" class="danger" onClick={() => setConfirming(true)}>
            Delete {shownSelected.length === 1 ? "trace" : `${shownSelected.length} traces`}
          </button>
          <button type="button" class="ghost" onClick={() => setSelected(new Set())}>
            Clear selection
          </button>
        </div>
      )}
      {confirming && (
        <ConfirmDialog
          title={`Delete ${shownSelected.length === 1 ? "this trace" : `${shownSelected.length} traces`}?`}
          confirm="Delete"
          onConfirm={() => api.post("/traces/delete-traces", { experiment_id: experimentId, request_ids: shownSelected })}
          onClose={() => setConfirming(false)}
          onDone={() => {
            setSelected(new Set());
            res.reload();
          }}
        >
          The traces, their spans and assessments are removed from the server. This cannot be undone.
        </ConfirmDialog>
      )}
      <ErrorBox error={res.error} title="Could not search traces." />
      {res.loading && !res.data && <Spinner label="Loading traces…" />}
      {res.data && traces.length === 0 && !res.error && (
        <div class="empty" data-testid="traces-empty">
          {filter ? (
            <p>No traces match this filter.</p>
          ) : (
            <>
              <p>No traces {runId ? "in this run" : "in this experiment"} yet.</p>
              <p class="small-text">
                Decorate a function with <code>@mlflow.trace</code>, or turn on autologging (<code>mlflow.openai.autolog()</code>), with this experiment set: each call shows up here.
              </p>
            </>
          )}
        </div>
      )}
      {traces.length > 0 && (
        <div class="table-scroll">
          <table class="table traces-table" aria-busy={res.loading}>
            <thead>
              <tr>
                <th class="check-col">
                  <input type="checkbox" aria-label="Select all traces on this page" checked={allShown} onChange={() => setSelected(allShown ? new Set() : new Set(traces.map((t) => t.trace_id)))} />
                </th>
                <th>Trace</th>
                <th>Request</th>
                <th>Response</th>
                <th>State</th>
                <th aria-sort={ariaSort("fastest", "slowest")}>
                  <button type="button" class="link sort-head" onClick={() => sortBy("fastest", "slowest")}>
                    Latency{sortMark("fastest", "slowest")}
                  </button>
                </th>
                <th aria-sort={ariaSort("oldest", "newest")}>
                  <button type="button" class="link sort-head" onClick={() => sortBy("oldest", "newest")}>
                    Time{sortMark("oldest", "newest")}
                  </button>
                </th>
                <th class="num">Tokens</th>
                {!runId && <th>Run</th>}
                <th>Tags</th>
                <th>Assessments</th>
              </tr>
            </thead>
            <tbody>
              {traces.map((t) => (
                <TraceRow key={t.trace_id} info={t} experimentId={experimentId} runId={runId} selected={selected.has(t.trace_id)} onToggle={toggle} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {(tokens.length > 0 || res.data?.nextPageToken) && (
        <div class="pager">
          <button type="button" disabled={tokens.length === 0 || res.loading} onClick={() => setTokens(tokens.slice(0, -1))}>
            ← Previous
          </button>
          <span class="muted small-text">Page {tokens.length + 1}</span>
          <button type="button" disabled={!res.data?.nextPageToken || res.loading} onClick={() => setTokens([...tokens, res.data!.nextPageToken!])}>
            Next →
          </button>
        </div>
      )}
    </div>
  );
}

function TraceRow({ info, experimentId, runId, selected, onToggle }: { info: TraceInfo; experimentId: string; runId?: string; selected: boolean; onToggle: (id: string) => void }) {
  const link = traceHref(experimentId, info.trace_id, runId ? { runId } : undefined);
  const time = requestTimeMs(info);
  const usage = tokenUsage(info);
  const run = sourceRunId(info);
  const current = (info.assessments ?? []).filter(isCurrent);
  return (
    <tr data-trace-id={info.trace_id}>
      <td class="check-col">
        <input type="checkbox" aria-label={`Select trace ${info.trace_id}`} checked={selected} onChange={() => onToggle(info.trace_id)} />
      </td>
      <td>
        <a href={link} class="trace-link">
          {traceName(info) || <span class="mono">{info.trace_id.slice(0, 14)}</span>}
        </a>
        {traceName(info) && <div class="mono muted small-text">{info.trace_id.slice(0, 14)}</div>}
      </td>
      <td class="preview-cell" title={info.request_preview}>
        {previewText(info.request_preview)}
      </td>
      <td class="preview-cell" title={info.response_preview}>
        {previewText(info.response_preview)}
      </td>
      <td>
        <span class={`badge status-${(info.state ?? "").toLowerCase()}`}>{stateLabel(info.state)}</span>
      </td>
      <td class="num mono">{formatLatency(durationMs(info))}</td>
      <td class="time-cell" title={formatTime(time)}>
        {formatRelative(time)}
      </td>
      <td class="num mono">{usage?.total ?? ""}</td>
      {!runId && <td>{run ? <a class="mono" href={href(`/experiments/${experimentId}/runs/${run}`)}>{run.slice(0, 8)}</a> : ""}</td>}
      <td class="chips-cell">
        {userTags(info).map(([k, v]) => (
          <span key={k} class="chip small-text">
            {k}
            {v ? `: ${v}` : ""}
          </span>
        ))}
      </td>
      <td class="chips-cell">
        {current.map((a) => {
          const v = valueOf(a);
          const failed = !!a.feedback?.error && (v === null || v === undefined);
          return (
            <span key={a.assessment_id} class={`chip small-text verdict-${failed ? "fail" : verdictOf(v)}`} title={failed ? a.feedback?.error?.error_message : a.rationale}>
              {a.assessment_name}: {failed ? "error" : formatAssessmentValue(v)}
            </span>
          );
        })}
      </td>
    </tr>
  );
}

/** Examples of MLflow's trace filter language; picking one runs it. */
const FILTER_EXAMPLES: [string, string][] = [
  ["trace.status = 'ERROR'", "failed traces"],
  ["trace.execution_time_ms > 1000", "slower than a second"],
  ["tags.env = 'prod'", "a tag's value (LIKE and ILIKE work too)"],
  ["metadata.`mlflow.user` = 'alice'", "request metadata"],
  ["span.type = 'LLM' AND span.status = 'ERROR'", "some span matches every span clause"],
  ["span.name LIKE '%retriev%'", "a span's name"],
  ["trace.text ILIKE '%refund%'", "any text in the spans"],
  ["feedback.correctness = 'yes'", "an assessment's value (numbers: feedback.score >= 0.5)"],
  ["trace.timestamp_ms > 1767225600000", "started after a time (ms since the epoch)"],
];

function FilterHelp({ onPick }: { onPick: (example: string) => void }) {
  const [open, setOpen] = useState(false);
  return (
    <div class="popover-anchor">
      <button type="button" aria-expanded={open} aria-label="Filter syntax help" onClick={() => setOpen(!open)}>
        ?
      </button>
      {open && (
        <div class="popover help-popover" role="dialog" aria-label="Trace filter syntax">
          <p>
            Clauses joined by <code>AND</code> (there is no <code>OR</code>); strings in single quotes. Pick an example:
          </p>
          <ul class="filter-examples">
            {FILTER_EXAMPLES.map(([example, note]) => (
              <li key={example}>
                <button
                  type="button"
                  class="link mono"
                  onClick={() => {
                    setOpen(false);
                    onPick(example);
                  }}
                >
                  {example}
                </button>{" "}
                <span class="muted small-text">{note}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
