/**
 * The virtualised runs grid: only the rows in view (plus overscan) are in the DOM, so 10,000+
 * runs scroll smoothly. Header and the name column stay sticky; sortable headers set order_by.
 */
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { useVirtualRows } from "../hooks/virtual-rows";
import { runColor } from "../colors";
import { formatValue } from "../format";
import { href } from "../router";
import { runName, type Column, type Group, type TreeRow } from "../runs-model";

const ROW_HEIGHT = 34;

/** A group header row (Group by): its runs follow it when expanded. */
export interface GroupRow {
  group: Group;
  label: string;
  expanded: boolean;
}

export type GridRow = TreeRow | GroupRow;

const isGroup = (r: GridRow): r is GroupRow => "group" in r;

export interface GridProps {
  rows: GridRow[];
  columns: Column[];
  experimentId: string;
  order: string;
  onSort: (order: string) => void;
  selected: Set<string>;
  onSelect: (ids: Set<string>) => void;
  expanded: Set<string>;
  onToggle: (runId: string) => void;
  onToggleGroup?: (value: string) => void;
  /** Called when the last rows come into view (load the next page). */
  onNearEnd?: () => void;
  /** Changes when paging state changes (token, loading), so a user already at the end triggers the next load. */
  pagingKey?: string;
}

export function RunsGrid(props: GridProps) {
  const { rows, columns, selected } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualRows(rows.length, scrollRef, { rowHeight: ROW_HEIGHT, overscan: 12 });
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
  const runRows = rows.filter((r): r is TreeRow => !isGroup(r));
  const allSelected = runRows.length > 0 && runRows.every((r) => selected.has(r.run.info.run_id));
  const toggleAll = () => props.onSelect(allSelected ? new Set() : new Set(runRows.map((r) => r.run.info.run_id)));
  const toggleOne = (id: string) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    props.onSelect(next);
  };
  const sortMark = (c: Column) => (c.sortKey && c.sortKey === orderKey ? (orderDir === "ASC" ? " ▲" : " ▼") : "");
  const ariaSort = (key: string | undefined) => (key && key === orderKey ? (orderDir === "ASC" ? "ascending" : "descending") : undefined);
  /** Headers are buttons for the keyboard: Enter or Space sorts, as a click does. */
  const sortKeys = (fn: () => void) => (e: KeyboardEvent) => {
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      fn();
    }
  };
  const sortByName = () => props.onSort(`attributes.run_name ${orderKey === "attributes.run_name" && orderDir === "DESC" ? "ASC" : "DESC"}`);

  return (
    <div class="grid-scroll" ref={scrollRef} role="grid" aria-rowcount={rows.length}>
      <div class="grid-row grid-head" style={{ gridTemplateColumns: template }} role="row">
        <div class="cell sticky-0" role="columnheader">
          <input type="checkbox" aria-label="Select all runs" checked={allSelected} onChange={toggleAll} />
        </div>
        <div
          class="cell sticky-1 sortable"
          role="columnheader"
          tabIndex={0}
          aria-sort={ariaSort("attributes.run_name")}
          data-column="a:name"
          onClick={sortByName}
          onKeyDown={sortKeys(sortByName)}
        >
          <span class="head-label">Run name{orderKey === "attributes.run_name" ? (orderDir === "ASC" ? " ▲" : " ▼") : ""}</span>
        </div>
        {columns.map((c) => (
          <div
            key={c.id}
            class={`cell kind-${c.kind}${c.sortKey ? " sortable" : ""}`}
            role="columnheader"
            tabIndex={c.sortKey ? 0 : undefined}
            aria-sort={ariaSort(c.sortKey)}
            title={c.sortKey ? `${c.label} (sort)` : c.label}
            onClick={() => sortBy(c)}
            onKeyDown={sortKeys(() => sortBy(c))}
            data-column={c.id}
          >
            {c.kind !== "attr" && <span class="kind-tag">{c.kind === "metric" ? "M" : c.kind === "param" ? "P" : "T"}</span>}
            <span class="head-label">{c.label}</span>
            {sortMark(c) && <span class="sort-mark">{sortMark(c)}</span>}
          </div>
        ))}
      </div>
      <div style={{ height: `${virtualizer.getTotalSize()}px`, position: "relative", minWidth: "100%" }}>
        {items.map((item) => {
          const any = rows[item.index]!;
          if (isGroup(any)) {
            const g = any.group;
            return (
              <div
                key={`group:${g.value}`}
                class="grid-row group-row"
                role="row"
                data-group={g.value}
                style={{ gridTemplateColumns: template, transform: `translateY(${item.start}px)`, height: `${ROW_HEIGHT}px` }}
              >
                <div class="cell sticky-0" role="gridcell" />
                <div class="cell sticky-1 name-cell" role="gridcell">
                  <button class="expander" aria-expanded={any.expanded} aria-label={`${any.expanded ? "Collapse" : "Expand"} group ${any.label}`} onClick={() => props.onToggleGroup?.(g.value)}>
                    {any.expanded ? "▾" : "▸"}
                  </button>
                  <strong class="group-label">{any.label}</strong>
                  <span class="muted small-text"> ({g.runs.length})</span>
                </div>
                {columns.map((c) => (
                  <div key={c.id} class={`cell kind-${c.kind}`} role="gridcell">
                    {c.kind === "metric" && g.metrics.has(c.key) ? formatValue(g.metrics.get(c.key)!) : ""}
                  </div>
                ))}
              </div>
            );
          }
          const row = any;
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
              <div class="cell sticky-0" role="gridcell">
                <input type="checkbox" aria-label={`Select ${runName(row.run)}`} checked={isSelected} onChange={() => toggleOne(info.run_id)} />
              </div>
              <div class="cell sticky-1 name-cell" role="gridcell" style={{ paddingLeft: `${8 + row.depth * 18}px` }}>
                {row.childCount > 0 ? (
                  <button class="expander" aria-label={props.expanded.has(info.run_id) ? "Collapse" : "Expand"} onClick={() => props.onToggle(info.run_id)}>
                    {props.expanded.has(info.run_id) ? "▾" : "▸"}
                  </button>
                ) : (
                  <span class="expander-space" />
                )}
                <span class="swatch run-swatch" style={{ background: runColor(row.run) }} title={`Status: ${(info.status ?? "").toLowerCase()}`} />
                <a href={href(`/experiments/${info.experiment_id}/runs/${info.run_id}`)}>{runName(row.run)}</a>
                {row.childCount > 0 && <span class="muted small-text"> ({row.childCount})</span>}
              </div>
              {columns.map((c) => (
                <div key={c.id} class={`cell kind-${c.kind}`} role="gridcell" title={c.title?.(row.run)}>
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
