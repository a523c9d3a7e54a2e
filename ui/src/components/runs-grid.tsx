/**
 * The virtualised runs grid: only the rows in view (plus overscan) are in the DOM, so 10,000+
 * runs scroll smoothly. Header and the name column stay sticky; sortable headers set order_by.
 */
import { Virtualizer, elementScroll, observeElementOffset, observeElementRect, type VirtualizerOptions } from "@tanstack/virtual-core";
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { href } from "../router";
import { runName, type Column, type TreeRow } from "../runs-model";

const ROW_HEIGHT = 34;

function useVirtualRows(count: number, scrollRef: { current: HTMLDivElement | null }) {
  const [, rerender] = useState(0);
  const options: VirtualizerOptions<HTMLDivElement, Element> = {
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    scrollToFn: elementScroll,
    observeElementRect,
    observeElementOffset,
    onChange: () => rerender((n) => n + 1),
  };
  const ref = useRef<Virtualizer<HTMLDivElement, Element> | null>(null);
  ref.current ??= new Virtualizer(options);
  ref.current.setOptions(options);
  useLayoutEffect(() => ref.current!._didMount(), []);
  useLayoutEffect(() => ref.current!._willUpdate());
  return ref.current;
}

export interface GridProps {
  rows: TreeRow[];
  columns: Column[];
  experimentId: string;
  order: string;
  onSort: (order: string) => void;
  selected: Set<string>;
  onSelect: (ids: Set<string>) => void;
  expanded: Set<string>;
  onToggle: (runId: string) => void;
  /** Called when the last rows come into view (load the next page). */
  onNearEnd?: () => void;
  /** Changes when paging state changes (token, loading), so a user already at the end triggers the next load. */
  pagingKey?: string;
}

export function RunsGrid(props: GridProps) {
  const { rows, columns, selected } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualRows(rows.length, scrollRef);
  const items = virtualizer.getVirtualItems();
  const template = `36px 240px ${columns.map((c) => `${c.width}px`).join(" ")}`;
  const last = items[items.length - 1];

  useEffect(() => {
    if (last && last.index >= rows.length - 20) props.onNearEnd?.();
  }, [last?.index, rows.length, props.pagingKey]);

  const [orderKey, orderDir] = splitOrder(props.order);
  const sortBy = (c: Column) => {
    if (!c.sortKey) return;
    const dir = orderKey === c.sortKey && orderDir === "DESC" ? "ASC" : "DESC";
    props.onSort(`${c.sortKey} ${dir}`);
  };
  const allSelected = rows.length > 0 && rows.every((r) => selected.has(r.run.info.run_id));
  const toggleAll = () => props.onSelect(allSelected ? new Set() : new Set(rows.map((r) => r.run.info.run_id)));
  const toggleOne = (id: string) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    props.onSelect(next);
  };
  const sortMark = (c: Column) => (c.sortKey && c.sortKey === orderKey ? (orderDir === "ASC" ? " ▲" : " ▼") : "");

  return (
    <div class="grid-scroll" ref={scrollRef} role="grid" aria-rowcount={rows.length}>
      <div class="grid-row grid-head" style={{ gridTemplateColumns: template }} role="row">
        <div class="cell sticky-0">
          <input type="checkbox" aria-label="Select all runs" checked={allSelected} onChange={toggleAll} />
        </div>
        <div class="cell sticky-1 sortable" onClick={() => props.onSort(`attributes.run_name ${orderKey === "attributes.run_name" && orderDir === "DESC" ? "ASC" : "DESC"}`)}>
          Run name{orderKey === "attributes.run_name" ? (orderDir === "ASC" ? " ▲" : " ▼") : ""}
        </div>
        {columns.map((c) => (
          <div
            key={c.id}
            class={`cell kind-${c.kind}${c.sortKey ? " sortable" : ""}`}
            role="columnheader"
            title={c.sortKey ? `Sort by ${c.label}` : c.label}
            onClick={() => sortBy(c)}
            data-column={c.id}
          >
            {c.kind !== "attr" && <span class="kind-tag">{c.kind === "metric" ? "M" : c.kind === "param" ? "P" : "T"}</span>}
            {c.label}
            {sortMark(c)}
          </div>
        ))}
      </div>
      <div style={{ height: `${virtualizer.getTotalSize()}px`, position: "relative", minWidth: "100%" }}>
        {items.map((item) => {
          const row = rows[item.index]!;
          const info = row.run.info;
          const isSelected = selected.has(info.run_id);
          return (
            <div
              key={info.run_id}
              class={`grid-row${isSelected ? " selected" : ""}${item.index % 2 ? " odd" : ""}`}
              role="row"
              data-run-id={info.run_id}
              style={{ gridTemplateColumns: template, transform: `translateY(${item.start}px)`, height: `${ROW_HEIGHT}px` }}
            >
              <div class="cell sticky-0">
                <input type="checkbox" aria-label={`Select ${runName(row.run)}`} checked={isSelected} onChange={() => toggleOne(info.run_id)} />
              </div>
              <div class="cell sticky-1 name-cell" style={{ paddingLeft: `${8 + row.depth * 18}px` }}>
                {row.childCount > 0 ? (
                  <button class="expander" aria-label={props.expanded.has(info.run_id) ? "Collapse" : "Expand"} onClick={() => props.onToggle(info.run_id)}>
                    {props.expanded.has(info.run_id) ? "▾" : "▸"}
                  </button>
                ) : (
                  <span class="expander-space" />
                )}
                <span class={`dot status-${(info.status ?? "").toLowerCase()}`} />
                <a href={href(`/experiments/${info.experiment_id}/runs/${info.run_id}`)}>{runName(row.run)}</a>
                {row.childCount > 0 && <span class="muted small-text"> ({row.childCount})</span>}
              </div>
              {columns.map((c) => (
                <div key={c.id} class={`cell kind-${c.kind}`} title={c.title?.(row.run)}>
                  {c.text(row.run)}
                </div>
              ))}
            </div>
          );
        })}
      </div>
    </div>
  );
}

export function splitOrder(order: string): [string, "ASC" | "DESC"] {
  const m = /^(.*?)\s+(ASC|DESC)$/i.exec(order.trim());
  if (!m) return [order.trim(), "ASC"];
  return [m[1]!, m[2]!.toUpperCase() as "ASC" | "DESC"];
}
