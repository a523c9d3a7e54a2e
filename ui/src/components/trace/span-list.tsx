/**
 * The span tree with its timeline: one row per visible span (indented by depth, collapsible), and
 * beside it a bar placed by the span's start and length relative to the whole trace. Only the rows
 * in view are in the DOM (TanStack's virtualiser, as the runs grid), so a 5,000-span trace costs
 * the same to draw as a 20-span one. Arrow keys move the selection and fold/unfold.
 */
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { useVirtualRows } from "../../hooks/virtual-rows";
import type { SpanNode, SpanTree } from "../../traces/span-tree";
import { formatLatency } from "../../traces/trace-info";

const ROW_HEIGHT = 28;
const INDENT_PX = 14;

export interface SpanListProps {
  tree: SpanTree;
  /** Positions in `tree.order` of the rows shown (collapsed subtrees left out). */
  rows: Int32Array;
  collapsed: ReadonlySet<string>;
  selectedId: string | undefined;
  onSelect: (id: string) => void;
  onToggle: (id: string) => void;
  /** Span ids that carry assessments (a marker on their row). */
  assessed: ReadonlySet<string>;
}

export function SpanList({ tree, rows, collapsed, selectedId, onSelect, onToggle, assessed }: SpanListProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualRows(rows.length, scrollRef, { rowHeight: ROW_HEIGHT, overscan: 10 });
  const total = tree.durationMs || 1;

  // Bring the selected row into view when the selection comes from elsewhere (a link, the finder).
  const selectedRow = selectedId === undefined ? -1 : rowIndexOf(tree, rows, selectedId);
  useEffect(() => {
    if (selectedRow < 0) return;
    const el = scrollRef.current;
    if (!el) return;
    const top = selectedRow * ROW_HEIGHT;
    if (top < el.scrollTop || top + ROW_HEIGHT > el.scrollTop + el.clientHeight) virtualizer.scrollToIndex(selectedRow, { align: "center" });
  }, [selectedRow, selectedId]);

  const onKeyDown = (e: KeyboardEvent) => {
    if (rows.length === 0) return;
    const current = selectedRow < 0 ? 0 : selectedRow;
    const node = tree.order[rows[current]!]!;
    const move = (i: number) => {
      e.preventDefault();
      const clamped = Math.max(0, Math.min(rows.length - 1, i));
      onSelect(tree.order[rows[clamped]!]!.id);
    };
    if (e.key === "ArrowDown") move(current + 1);
    else if (e.key === "ArrowUp") move(current - 1);
    else if (e.key === "Home") move(0);
    else if (e.key === "End") move(rows.length - 1);
    else if (e.key === "ArrowRight" && node.childCount > 0 && collapsed.has(node.id)) (e.preventDefault(), onToggle(node.id));
    else if (e.key === "ArrowLeft") {
      e.preventDefault();
      if (node.childCount > 0 && !collapsed.has(node.id)) onToggle(node.id);
      else if (node.parentId && tree.positionOf.has(node.parentId)) onSelect(node.parentId);
    }
  };

  return (
    <div class="span-list" data-testid="span-list">
      <div class="span-list-head" aria-hidden="true">
        <span>Span</span>
        <span class="timeline-scale">
          <span>0</span>
          <span>{formatLatency(total / 2)}</span>
          <span>{formatLatency(total)}</span>
        </span>
      </div>
      {/* As tall as its rows, up to the stylesheet's max-height; then it scrolls. */}
      <div class="span-scroll" ref={scrollRef} style={{ height: `${rows.length * ROW_HEIGHT + 2}px` }} role="tree" aria-label="Spans" tabIndex={0} onKeyDown={onKeyDown}>
        <div style={{ height: `${virtualizer.getTotalSize()}px`, position: "relative" }}>
          {virtualizer.getVirtualItems().map((item) => {
            const node = tree.order[rows[item.index]!]!;
            return (
              <SpanRow
                key={node.id}
                node={node}
                top={item.start}
                total={total}
                selected={node.id === selectedId}
                collapsed={collapsed.has(node.id)}
                assessed={assessed.has(node.id)}
                onSelect={onSelect}
                onToggle={onToggle}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
}

function rowIndexOf(tree: SpanTree, rows: Int32Array, id: string): number {
  const position = tree.positionOf.get(id);
  if (position === undefined) return -1;
  // Rows are ascending positions: binary search.
  let lo = 0;
  let hi = rows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = rows[mid]!;
    if (v === position) return mid;
    if (v < position) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

interface RowProps {
  node: SpanNode;
  top: number;
  total: number;
  selected: boolean;
  collapsed: boolean;
  assessed: boolean;
  onSelect: (id: string) => void;
  onToggle: (id: string) => void;
}

function SpanRow({ node, top, total, selected, collapsed, assessed, onSelect, onToggle }: RowProps) {
  const left = Math.min(100, (node.startMs / total) * 100);
  // A zero-length span still gets a visible sliver.
  const width = Math.max(0.3, Math.min(100 - left, (node.durationMs / total) * 100));
  const cls = ["span-row", selected && "selected", node.failed && "failed", node.failedBelow && !node.failed && "failed-below"].filter(Boolean).join(" ");
  return (
    <div
      class={cls}
      style={{ transform: `translateY(${top}px)` }}
      role="treeitem"
      aria-level={node.depth + 1}
      aria-selected={selected}
      aria-expanded={node.childCount > 0 ? !collapsed : undefined}
      data-span-id={node.id}
      onClick={() => onSelect(node.id)}
    >
      <span class="span-name-cell" style={{ paddingLeft: `${4 + node.depth * INDENT_PX}px` }}>
        {node.childCount > 0 ? (
          <button
            type="button"
            class="expander"
            tabIndex={-1}
            aria-label={collapsed ? `Expand ${node.name}` : `Collapse ${node.name}`}
            onClick={(e) => {
              e.stopPropagation();
              onToggle(node.id);
            }}
          >
            {collapsed ? "▸" : "▾"}
          </button>
        ) : (
          <span class="expander-space" />
        )}
        <span class={`span-type type-${node.type.toLowerCase()}`}>{node.type}</span>
        <span class="span-name" title={node.name}>
          {node.name}
        </span>
        {node.failed && (
          <span class="span-error-mark" title={node.statusMessage || "This span failed"}>
            error
          </span>
        )}
        {assessed && (
          <span class="span-assessed-mark" title="Has assessments">
            ◆
          </span>
        )}
      </span>
      <span class="span-timeline-cell" title={`${formatLatency(node.durationMs)} from ${formatLatency(node.startMs)}`}>
        <span class="span-bar" style={{ left: `${left}%`, width: `${width}%` }} />
        <span class={`span-bar-label${labelPlace(left, width) === "inside" ? " inside" : ""}`} style={labelStyle(left, width)}>
          {formatLatency(node.durationMs)}
        </span>
      </span>
    </div>
  );
}

/** The duration label goes after the bar, or before it when the bar reaches the right edge, or inside a bar that spans the row. */
function labelPlace(left: number, width: number): "after" | "before" | "inside" {
  if (left + width <= 80) return "after";
  return left >= 15 ? "before" : "inside";
}

function labelStyle(left: number, width: number): Record<string, string> {
  const place = labelPlace(left, width);
  if (place === "after") return { left: `${left + width}%` };
  if (place === "before") return { right: `${100 - left}%` };
  return { right: `${100 - left - width}%` };
}
