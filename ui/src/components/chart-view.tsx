/**
 * The experiment's chart view: the runs list (stable colours shared with the table, eye toggles,
 * pins, "show top N") beside one chart card per metric, grouped in sections by key prefix
 * ("train/loss" → train; `system/` → System metrics). Cards can be added, removed, reordered and
 * switched between line and bar. The layout lives in the URL, and can be saved as a named view.
 */
import { useMemo, useState } from "preact/hooks";
import { prefetchHistories, type XAxis } from "../chart-data";
import { runColor } from "../colors";
import { useStored } from "../hooks";
import { route, setQuery } from "../router";
import { discoverKeys, runName } from "../runs-model";
import type { Run } from "../types";
import { Spinner } from "./common";
import { MetricCard, type ChartSettings } from "./metric-card";

interface Props {
  runs: Run[];
  metricKeys: string[];
  experimentKey: string;
  loading: boolean;
}

interface CardSpec {
  key: string;
  kind?: "line" | "bar";
}

const SHOW_MODES = ["10", "20", "all", "custom"] as const;
type ShowMode = (typeof SHOW_MODES)[number];
/** URL parameters that make up a chart layout (what a named view stores). */
const VIEW_PARAMS = ["charts", "show", "vis", "pin", "x", "smooth", "log", "cfilter"];

const decodeList = (v: string | null) => (v ? v.split(",").filter(Boolean).map(decodeURIComponent) : []);
const encodeList = (ids: string[]) => ids.map(encodeURIComponent).join(",");

export function decodeCards(v: string | null): CardSpec[] | undefined {
  if (v === null) return undefined;
  return v
    .split(",")
    .filter(Boolean)
    .map((item) => {
      const [key, kind] = item.split("~");
      const spec: CardSpec = { key: decodeURIComponent(key ?? "") };
      if (kind === "line" || kind === "bar") spec.kind = kind;
      return spec;
    });
}

export function encodeCards(cards: CardSpec[]): string {
  return cards.map((c) => encodeURIComponent(c.key) + (c.kind ? `~${c.kind}` : "")).join(",");
}

/** About how many cards the window shows (cards are at least 460 px wide and about 300 px tall). */
function cardsPerScreen(): number {
  const columns = Math.max(1, Math.floor((window.innerWidth - 280) / 472));
  return columns * Math.ceil((window.innerHeight + 200) / 300);
}

/** "System metrics" for system/…, the prefix before the first "/" otherwise, else "Model metrics". */
export function sectionOf(key: string): string {
  if (key.startsWith("system/")) return "System metrics";
  const i = key.indexOf("/");
  return i > 0 ? key.slice(0, i) : "Model metrics";
}

export default function ChartView({ runs, metricKeys, experimentKey, loading }: Props) {
  const q = route.value.query;
  const show = (SHOW_MODES as readonly string[]).includes(q.get("show") ?? "") ? (q.get("show") as ShowMode) : "10";
  const pinned = decodeList(q.get("pin"));
  const customVisible = decodeList(q.get("vis"));
  const cards: CardSpec[] = decodeCards(q.get("charts")) ?? metricKeys.map((key) => ({ key }));
  const axis = (["step", "wall", "relative"].includes(q.get("x") ?? "") ? q.get("x") : "step") as XAxis;
  const smoothing = Math.min(Math.max(Number(q.get("smooth") ?? 0) || 0, 0), 0.99);
  const log = q.get("log") === "1";
  const cardFilter = q.get("cfilter") ?? "";
  const settings: ChartSettings = useMemo(() => ({ axis, smoothing, log }), [axis, smoothing, log]);
  const [runSearch, setRunSearch] = useState("");

  // Pinned runs first, then the rest in the table's order.
  const ordered = useMemo(() => {
    const pinnedRuns = pinned.map((id) => runs.find((r) => r.info.run_id === id)).filter((r): r is Run => r !== undefined);
    return [...pinnedRuns, ...runs.filter((r) => !pinned.includes(r.info.run_id))];
  }, [runs, q.get("pin")]);
  const visibleIds = useMemo(() => {
    if (show === "custom") return new Set([...customVisible, ...pinned]);
    if (show === "all") return new Set(ordered.map((r) => r.info.run_id));
    const n = Number(show);
    return new Set([...pinned, ...ordered.filter((r) => !pinned.includes(r.info.run_id)).slice(0, Math.max(0, n - pinned.length)).map((r) => r.info.run_id)]);
  }, [ordered, show, q.get("vis"), q.get("pin")]);
  const visibleRuns = useMemo(() => ordered.filter((r) => visibleIds.has(r.info.run_id)), [ordered, visibleIds]);

  const toggleVisible = (id: string) => {
    const next = new Set(visibleIds);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setQuery({ show: "custom", vis: encodeList([...next]) });
  };
  const togglePin = (id: string) => setQuery({ pin: encodeList(pinned.includes(id) ? pinned.filter((p) => p !== id) : [...pinned, id]) || undefined });
  const setCards = (next: CardSpec[]) => setQuery({ charts: encodeCards(next) });
  const move = (i: number, by: number) => {
    const next = [...cards];
    const j = i + by;
    if (j < 0 || j >= next.length) return;
    [next[i], next[j]] = [next[j]!, next[i]!];
    setCards(next);
  };
  const missing = metricKeys.filter((k) => !cards.some((c) => c.key === k));

  let filterRe: RegExp | null = null;
  try {
    filterRe = cardFilter ? new RegExp(cardFilter, "i") : null;
  } catch {
    filterRe = null;
  }
  const shownCards = cards.map((c, i) => ({ ...c, index: i })).filter((c) => !filterRe || filterRe.test(c.key));
  const sections = new Map<string, typeof shownCards>();
  for (const c of shownCards) sections.set(sectionOf(c.key), [...(sections.get(sectionOf(c.key)) ?? []), c]);
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  // Ask for the data of the cards that will be on screen while this first renders, not after the
  // cards are laid out and see themselves in view: the server starts a frame or more earlier.
  // The page learns the runs' metric keys in an effect after the runs arrive (a paint later); the
  // prefetch reads them from the runs at once.
  const keysNow = useMemo(() => (metricKeys.length > 0 ? metricKeys : discoverKeys(runs).metric), [metricKeys, runs]);
  const onScreen = (decodeCards(q.get("charts")) ?? keysNow.map((key) => ({ key })))
    .filter((c) => (!filterRe || filterRe.test(c.key)) && !collapsed.has(sectionOf(c.key)))
    .slice(0, cardsPerScreen());
  const visibleKey = visibleRuns.map((r) => r.info.run_id).join(",");
  useMemo(() => {
    if (visibleRuns.length === 0) return;
    const ids = visibleRuns.map((r) => r.info.run_id);
    const timeAxis = (k: string) => (k.startsWith("system/") && !q.has("x") ? true : axis !== "step");
    prefetchHistories(onScreen.filter((c) => !timeAxis(c.key)).map((c) => c.key), ids);
    prefetchHistories(onScreen.filter((c) => timeAxis(c.key)).map((c) => c.key), ids, { timestamps: true });
  }, [visibleKey, onScreen.map((c) => c.key).join("\n"), axis, q.has("x")]);
  // Live runs: cards refetch when a running run's latest metrics move.
  const version = runs
    .filter((r) => r.info.status === "RUNNING")
    .map((r) => (r.data?.metrics ?? []).map((m) => `${m.step}:${m.timestamp}`).join(","))
    .join("|");

  return (
    <div class="chart-view">
      <aside class="card chart-runs" aria-label="Runs in the charts">
        <div class="row">
          <label class="grow">
            <span class="visually-hidden">Runs shown in charts</span>
            <select aria-label="Runs shown in charts" value={show} onChange={(e) => setQuery({ show: e.currentTarget.value === "10" ? undefined : e.currentTarget.value, vis: e.currentTarget.value === "custom" ? encodeList([...visibleIds]) : undefined })}>
              <option value="10">Show top 10</option>
              <option value="20">Show top 20</option>
              <option value="all">Show all</option>
              <option value="custom">Custom selection</option>
            </select>
          </label>
          <span class="muted small-text">
            {visibleRuns.length}/{runs.length}
          </span>
        </div>
        <input type="search" class="run-search" placeholder="Find a run" aria-label="Find a run" value={runSearch} onInput={(e) => setRunSearch(e.currentTarget.value)} />
        <ul class="chart-run-list">
          {ordered
            .filter((r) => !runSearch || runName(r).toLowerCase().includes(runSearch.toLowerCase()))
            .map((r) => {
              const id = r.info.run_id;
              const on = visibleIds.has(id);
              const isPinned = pinned.includes(id);
              return (
                <li key={id} data-run-id={id} class={on ? "" : "hidden-run"}>
                  <button type="button" class="icon-btn" aria-pressed={on} aria-label={`${on ? "Hide" : "Show"} ${runName(r)} in charts`} title={on ? "Hide in charts" : "Show in charts"} onClick={() => toggleVisible(id)}>
                    {on ? "◉" : "○"}
                  </button>
                  <button type="button" class={`icon-btn${isPinned ? " pinned" : ""}`} aria-pressed={isPinned} aria-label={`${isPinned ? "Unpin" : "Pin"} ${runName(r)}`} title={isPinned ? "Unpin" : "Pin to the top"} onClick={() => togglePin(id)}>
                    {isPinned ? "★" : "☆"}
                  </button>
                  <span class="swatch" style={{ background: runColor(r) }} />
                  <a href={`#/experiments/${r.info.experiment_id}/runs/${id}`} class="run-link" title={runName(r)}>
                    {runName(r)}
                  </a>
                </li>
              );
            })}
        </ul>
        {loading && <Spinner label="Loading runs…" />}
      </aside>
      <div class="chart-main">
        <div class="toolbar chart-controls">
          <label>
            X axis{" "}
            <select value={axis} onChange={(e) => setQuery({ x: e.currentTarget.value === "step" ? undefined : e.currentTarget.value })}>
              <option value="step">Step</option>
              <option value="wall">Wall time</option>
              <option value="relative">Relative time</option>
            </select>
          </label>
          <label class="smoothing">
            Smoothing{" "}
            <input type="range" min="0" max="0.99" step="0.01" value={smoothing} onInput={(e) => setQuery({ smooth: e.currentTarget.value === "0" ? undefined : e.currentTarget.value })} />
          </label>
          <label class="check">
            <input type="checkbox" checked={log} onChange={() => setQuery({ log: log ? undefined : "1" })} /> Log scale
          </label>
          <input type="search" aria-label="Filter charts" placeholder="Filter charts (regex)" value={cardFilter} onInput={(e) => setQuery({ cfilter: e.currentTarget.value || undefined })} />
          {missing.length > 0 && (
            <select aria-label="Add chart" value="" onChange={(e) => e.currentTarget.value && setCards([...cards, { key: e.currentTarget.value }])}>
              <option value="">Add chart…</option>
              {missing.map((k) => (
                <option key={k} value={k}>
                  {k}
                </option>
              ))}
            </select>
          )}
          {q.has("charts") && (
            <button type="button" onClick={() => setQuery({ charts: undefined })}>
              Reset layout
            </button>
          )}
          <SavedViews experimentKey={experimentKey} />
        </div>
        {metricKeys.length === 0 && !loading && <p class="empty">No metrics logged in these runs.</p>}
        {[...sections.entries()].map(([name, list]) => {
          const isCollapsed = collapsed.has(name);
          return (
            <section key={name} class="chart-section" data-section={name}>
              <h2 class="section-title">
                <button
                  type="button"
                  class="link section-toggle"
                  aria-expanded={!isCollapsed}
                  onClick={() => {
                    const next = new Set(collapsed);
                    if (isCollapsed) next.delete(name);
                    else next.add(name);
                    setCollapsed(next);
                  }}
                >
                  {isCollapsed ? "▸" : "▾"} {name}
                </button>{" "}
                <span class="muted small-text">({list.length})</span>
              </h2>
              {!isCollapsed && (
                <div class="chart-grid">
                  {list.map((c) => (
                    <MetricCard
                      key={c.key}
                      keys={[c.key]}
                      runs={visibleRuns}
                      settings={c.key.startsWith("system/") && !q.has("x") ? { ...settings, axis: "relative" } : settings}
                      kind={c.kind}
                      version={version}
                      controls={
                        <span class="card-controls">
                          <button type="button" class="icon-btn" aria-label={`Move ${c.key} earlier`} disabled={c.index === 0} onClick={() => move(c.index, -1)}>
                            ←
                          </button>
                          <button type="button" class="icon-btn" aria-label={`Move ${c.key} later`} disabled={c.index === cards.length - 1} onClick={() => move(c.index, 1)}>
                            →
                          </button>
                          <select
                            aria-label={`Chart type of ${c.key}`}
                            value={c.kind ?? ""}
                            onChange={(e) => {
                              const v = e.currentTarget.value;
                              setCards(cards.map((x, i) => (i === c.index ? (v === "line" || v === "bar" ? { key: x.key, kind: v } : { key: x.key }) : x)));
                            }}
                          >
                            <option value="">auto</option>
                            <option value="line">line</option>
                            <option value="bar">bar</option>
                          </select>
                          <button type="button" class="icon-btn" aria-label={`Remove chart ${c.key}`} onClick={() => setCards(cards.filter((_, i) => i !== c.index))}>
                            ×
                          </button>
                        </span>
                      }
                    />
                  ))}
                </div>
              )}
            </section>
          );
        })}
      </div>
    </div>
  );
}

/** Named chart layouts per experiment, kept in this browser (the URL stays the shareable form). */
function SavedViews({ experimentKey }: { experimentKey: string }) {
  const [views, setViews] = useStored<Record<string, Record<string, string>>>(`ui.chartViews.${experimentKey}`, {});
  const [name, setName] = useState("");
  const [open, setOpen] = useState(false);
  const save = () => {
    const q = route.value.query;
    const state: Record<string, string> = {};
    for (const p of VIEW_PARAMS) {
      const v = q.get(p);
      if (v !== null) state[p] = v;
    }
    setViews({ ...views, [name.trim()]: state });
    setName("");
  };
  const apply = (state: Record<string, string>) => setQuery(Object.fromEntries(VIEW_PARAMS.map((p) => [p, state[p]])), true);
  return (
    <div class="popover-anchor">
      <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
        Views ({Object.keys(views).length})
      </button>
      {open && (
        <div class="popover saved-views" role="dialog" aria-label="Saved chart views">
          <form
            class="row"
            onSubmit={(e) => {
              e.preventDefault();
              if (name.trim()) save();
            }}
          >
            <input aria-label="View name" placeholder="Name this layout" value={name} onInput={(e) => setName(e.currentTarget.value)} />
            <button type="submit" disabled={!name.trim()}>
              Save view
            </button>
          </form>
          <ul>
            {Object.entries(views).map(([n, state]) => (
              <li key={n} class="row">
                <button type="button" class="link grow" onClick={() => apply(state)}>
                  {n}
                </button>
                <button
                  type="button"
                  class="icon-btn"
                  aria-label={`Delete view ${n}`}
                  onClick={() => {
                    const next = { ...views };
                    delete next[n];
                    setViews(next);
                  }}
                >
                  ×
                </button>
              </li>
            ))}
            {Object.keys(views).length === 0 && <li class="muted small-text">No saved views yet.</li>}
          </ul>
        </div>
      )}
    </div>
  );
}
