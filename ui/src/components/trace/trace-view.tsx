/**
 * The trace view: the trace's summary (state, latency, run, tags, request and response) and its
 * assessments, then the span tree with its timeline beside the selected span's details. The
 * selected span is in the URL (`spanId`, as MLflow's links carry it), so a view can be shared.
 */
import { useMemo, useState } from "preact/hooks";
import { api3, isNotFound } from "../../api";
import { ErrorBox, Spinner, TagEditor } from "../common";
import { useAsync } from "../../hooks";
import { href, route, setQuery } from "../../router";
import { isCurrent, splitBySpan } from "../../traces/assessments";
import { ancestorsOf, buildSpanTree, spanIdHex, visibleRows, type SpanTree } from "../../traces/span-tree";
import { getTrace } from "../../traces/trace-api";
import { durationMs, formatLatency, requestTimeMs, sourceRunId, stateLabel, tokenUsage, traceName } from "../../traces/trace-info";
import type { Assessment } from "../../traces/trace-types";
import { formatTime } from "../../format";
import { AssessmentsPanel } from "./assessments-panel";
import { SpanDetail } from "./span-detail";
import { SpanList } from "./span-list";
import { ValueView } from "./value-view";

interface Props {
  traceId: string;
  experimentId: string;
  backHref: string;
  backLabel: string;
}

export function TraceView({ traceId, experimentId, backHref, backLabel }: Props) {
  const trace = useAsync(() => getTrace(traceId).finally(() => performance.mark("trace:fetched")), [traceId]);
  const tree = useMemo(() => {
    if (!trace.data) return undefined;
    const built = buildSpanTree(trace.data.spans);
    // Marks for the benchmark (bench/lib/ui-bench.mjs): fetch done, then tree built.
    performance.mark("trace:tree-built");
    return built;
  }, [trace.data]);
  const info = trace.data?.info;

  if (!trace.data) {
    return (
      <div class="trace-view" data-testid="trace-view">
        <a href={backHref}>← {backLabel}</a>
        {trace.error ? <ErrorBox error={trace.error} title={isNotFound(trace.error) ? `Trace ${traceId} was not found.` : "Could not load the trace."} /> : <Spinner label="Loading trace…" />}
      </div>
    );
  }
  const assessments = info?.assessments ?? [];
  const { trace: traceLevel, bySpan } = splitBySpan(assessments, (id) => spanIdHex(id));
  const runId = info ? sourceRunId(info) : undefined;
  const usage = info ? tokenUsage(info) : undefined;
  const tags = Object.entries(info?.tags ?? {})
    .filter(([k]) => !k.startsWith("mlflow."))
    .map(([key, value]) => ({ key, value }));
  return (
    <div class="trace-view" data-testid="trace-view" data-trace-id={traceId}>
      <a href={backHref}>← {backLabel}</a>
      <div class="page-head trace-head">
        <h1>{(info && traceName(info)) || "Trace"}</h1>
        <span class={`badge status-${(info?.state ?? "").toLowerCase()}`} data-testid="trace-state">
          {stateLabel(info?.state)}
        </span>
        <span class="mono muted small-text">{traceId}</span>
      </div>
      <div class="trace-facts muted small-text">
        <span>Latency {formatLatency(info ? durationMs(info) : undefined)}</span>
        <span>Started {formatTime(info ? requestTimeMs(info) : undefined)}</span>
        <span>{tree?.order.length ?? 0} spans</span>
        {usage?.total !== undefined && (
          <span>
            Tokens {usage.total} ({usage.input ?? "?"} in, {usage.output ?? "?"} out)
          </span>
        )}
        {runId && (
          <span>
            Run <a href={href(`/experiments/${experimentId}/runs/${runId}`)}>{runId.slice(0, 8)}</a>
          </span>
        )}
      </div>
      <ErrorBox error={trace.error} title="Refresh failed." />
      {tree && tree.order.length > 0 ? (
        <SpansPane tree={tree} traceId={traceId} bySpan={bySpan} onAssessmentsChanged={trace.reload} />
      ) : (
        <p class="empty">This trace has no spans{info?.state === "IN_PROGRESS" ? " yet: it is still in progress" : ""}.</p>
      )}
      <div class="two-col trace-extras">
        <AssessmentsPanel traceId={traceId} assessments={traceLevel} onChanged={trace.reload} title="Trace assessments" />
        <TagEditor
          tags={tags}
          testId="trace-tags"
          onSet={(key, value) => api3.patch(`/traces/${encodeURIComponent(traceId)}/tags`, { key, value })}
          onDelete={(key) => api3.del(`/traces/${encodeURIComponent(traceId)}/tags?${new URLSearchParams({ key })}`, { key })}
          onChanged={trace.reload}
        />
      </div>
      {info && (
        <div class="two-col">
          <section class="card">
            <h2>Request</h2>
            <ValueView value={info.request_preview ?? ""} label="Request preview" />
          </section>
          <section class="card">
            <h2>Response</h2>
            <ValueView value={info.response_preview ?? ""} label="Response preview" />
          </section>
        </div>
      )}
    </div>
  );
}

function SpansPane({ tree, traceId, bySpan, onAssessmentsChanged }: { tree: SpanTree; traceId: string; bySpan: Map<string, Assessment[]>; onAssessmentsChanged: () => void }) {
  const linked = route.value.query.get("spanId");
  const linkedHex = linked ? spanIdHex(linked) : null;
  const selectedId = linkedHex && tree.positionOf.has(linkedHex) ? linkedHex : tree.order[0]!.id;
  // A span named by the link starts revealed: its ancestors are never collapsed initially.
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(() => new Set());
  const rows = useMemo(() => visibleRows(tree, collapsed), [tree, collapsed]);
  const assessed = useMemo(() => new Set([...bySpan.entries()].filter(([, list]) => list.some(isCurrent)).map(([id]) => id)), [bySpan]);

  const select = (id: string) => {
    const hidden = ancestorsOf(tree, id).filter((a) => collapsed.has(a));
    if (hidden.length) {
      const next = new Set(collapsed);
      hidden.forEach((a) => next.delete(a));
      setCollapsed(next);
    }
    setQuery({ spanId: id });
  };
  const toggle = (id: string) => {
    const next = new Set(collapsed);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setCollapsed(next);
  };
  const failures = useMemo(() => tree.order.filter((s) => s.failed), [tree]);
  const nextFailure = () => {
    if (failures.length === 0) return;
    const at = tree.positionOf.get(selectedId) ?? -1;
    const next = failures.find((s) => (tree.positionOf.get(s.id) ?? 0) > at) ?? failures[0]!;
    select(next.id);
  };
  const selected = tree.order[tree.positionOf.get(selectedId)!]!;
  return (
    <div class="spans-pane">
      <div class="toolbar">
        <SpanFinder tree={tree} onPick={select} />
        <button type="button" onClick={() => setCollapsed(new Set())}>
          Expand all
        </button>
        <button type="button" onClick={() => setCollapsed(new Set(tree.order.filter((s) => s.depth === 0 && s.childCount > 0).map((s) => s.id)))}>
          Collapse all
        </button>
        {failures.length > 0 && (
          <button type="button" class="danger" onClick={nextFailure}>
            Next error ({failures.length})
          </button>
        )}
        <span class="muted small-text">
          {rows.length.toLocaleString("en-US")} of {tree.order.length.toLocaleString("en-US")} spans shown
        </span>
      </div>
      <div class="spans-split">
        <SpanList tree={tree} rows={rows} collapsed={collapsed} selectedId={selectedId} onSelect={select} onToggle={toggle} assessed={assessed} />
        <SpanDetail span={selected} tree={tree} traceId={traceId} assessments={bySpan.get(selected.id) ?? []} onAssessmentsChanged={onAssessmentsChanged} />
      </div>
    </div>
  );
}

const MAX_MATCHES = 50;

/** Finds spans by name, type or id, over the whole tree (collapsed parts included). */
function SpanFinder({ tree, onPick }: { tree: SpanTree; onPick: (id: string) => void }) {
  const [text, setText] = useState("");
  const [open, setOpen] = useState(false);
  const needle = text.trim().toLowerCase();
  const matches = useMemo(() => {
    if (!needle) return [];
    const out = [];
    for (const s of tree.order) {
      if (s.name.toLowerCase().includes(needle) || s.type.toLowerCase() === needle || s.id === needle) out.push(s);
      if (out.length >= MAX_MATCHES) break;
    }
    return out;
  }, [tree, needle]);
  const pick = (id: string) => {
    onPick(id);
    setOpen(false);
  };
  return (
    <div class="popover-anchor span-finder">
      <input
        type="search"
        aria-label="Find span"
        placeholder="Find span by name, type or id"
        value={text}
        onInput={(e) => {
          setText(e.currentTarget.value);
          setOpen(true);
        }}
        onKeyDown={(e) => {
          if (e.key === "Enter" && matches[0]) pick(matches[0].id);
          if (e.key === "Escape") setOpen(false);
        }}
      />
      {open && needle && (
        <ul class="popover suggestions" role="listbox" aria-label="Matching spans">
          {matches.length === 0 && <li class="muted small-text">No span matches.</li>}
          {matches.map((s) => (
            <li key={s.id} role="option" aria-selected={false}>
              <button type="button" class="link span-match" onClick={() => pick(s.id)}>
                <span class={`span-type type-${s.type.toLowerCase()}`}>{s.type}</span> {s.name} <span class="muted small-text">depth {s.depth}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
