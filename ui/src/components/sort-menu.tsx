/**
 * "Sort by" menu: every sortable column (attributes, metrics, params, tags) in a searchable list,
 * usable from the keyboard (type to narrow, arrows to move, Enter to pick, Escape to close).
 */
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { ATTRIBUTE_COLUMNS } from "../runs-model";
import { splitOrder } from "./runs-grid";

interface Option {
  key: string;
  label: string;
  group: string;
}

function options(keys: { metric: string[]; param: string[]; tag: string[] }): Option[] {
  const q = (k: string) => "`" + k.replace(/`/g, "") + "`";
  return [
    { key: "attributes.run_name", label: "Run name", group: "Attributes" },
    ...ATTRIBUTE_COLUMNS.filter((c) => c.sortKey).map((c) => ({ key: c.sortKey!, label: c.label, group: "Attributes" })),
    ...keys.metric.map((k) => ({ key: `metrics.${q(k)}`, label: k, group: "Metrics" })),
    ...keys.param.map((k) => ({ key: `params.${q(k)}`, label: k, group: "Params" })),
    ...keys.tag.map((k) => ({ key: `tags.${q(k)}`, label: k, group: "Tags" })),
  ];
}

export function SortMenu({ order, keys, onSort }: { order: string; keys: { metric: string[]; param: string[]; tag: string[] }; onSort: (order: string) => void }) {
  const [open, setOpen] = useState(false);
  const [search, setSearch] = useState("");
  const [active, setActive] = useState(0);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const [key, dir] = splitOrder(order);
  const all = options(keys);
  const current = all.find((o) => o.key === key);
  const shown = all.filter((o) => o.label.toLowerCase().includes(search.toLowerCase())).slice(0, 200);
  useEffect(() => setActive(0), [search]);
  // Opening the menu puts the caret in its search box (autofocus only applies at page load), before
  // the browser paints: keys typed right after Enter would otherwise go to the button and be lost.
  useLayoutEffect(() => {
    if (open) searchRef.current?.focus();
  }, [open]);
  const close = () => {
    setOpen(false);
    setSearch("");
    buttonRef.current?.focus();
  };
  const pick = (o: Option) => {
    onSort(`${o.key} ${o.key === key ? dir : "DESC"}`);
    close();
  };
  return (
    <div class="popover-anchor">
      <button ref={buttonRef} type="button" aria-haspopup="listbox" aria-expanded={open} onClick={() => setOpen(!open)}>
        Sort: {current?.label ?? key} {dir === "ASC" ? "↑" : "↓"}
      </button>
      {open && (
        <div class="popover sort-menu" role="dialog" aria-label="Sort runs">
          <div class="row">
            <input
              ref={searchRef}
              type="search"
              class="grow"
              aria-label="Find a sort key"
              placeholder="Find a column"
              value={search}
              autoFocus
              role="combobox"
              list={undefined}
              aria-expanded="true"
              aria-controls="sort-options"
              aria-activedescendant={shown[active] ? `sort-option-${active}` : undefined}
              onInput={(e) => setSearch(e.currentTarget.value)}
              onKeyDown={(e) => {
                if (e.key === "ArrowDown") (e.preventDefault(), setActive(Math.min(active + 1, shown.length - 1)));
                else if (e.key === "ArrowUp") (e.preventDefault(), setActive(Math.max(active - 1, 0)));
                else if (e.key === "Enter" && shown[active]) (e.preventDefault(), pick(shown[active]!));
                else if (e.key === "Escape") (e.preventDefault(), close());
              }}
            />
            <div class="segmented" role="group" aria-label="Direction">
              <button type="button" class={dir === "ASC" ? "on" : ""} aria-pressed={dir === "ASC"} onClick={() => onSort(`${key} ASC`)}>
                ↑ Asc
              </button>
              <button type="button" class={dir === "DESC" ? "on" : ""} aria-pressed={dir === "DESC"} onClick={() => onSort(`${key} DESC`)}>
                ↓ Desc
              </button>
            </div>
          </div>
          <ul class="sort-options" id="sort-options" role="listbox" aria-label="Sort keys">
            {shown.map((o, i) => (
              <li
                key={o.key}
                id={`sort-option-${i}`}
                role="option"
                aria-selected={o.key === key}
                class={`${i === active ? "active" : ""}${o.key === key ? " current" : ""}`}
                onMouseDown={(e) => (e.preventDefault(), pick(o))}
              >
                <span class="muted small-text">{o.group}</span> <span class="mono">{o.label}</span>
              </li>
            ))}
            {shown.length === 0 && <li class="muted">No matching column.</li>}
          </ul>
        </div>
      )}
    </div>
  );
}
