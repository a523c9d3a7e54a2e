/** Column chooser: searchable checkbox lists of attributes, metrics, params and tags. */
import { useEffect, useRef, useState } from "preact/hooks";
import { ATTRIBUTE_COLUMNS } from "../runs-model";

interface Props {
  keys: { metric: string[]; param: string[]; tag: string[] };
  chosen: string[];
  onChange: (ids: string[]) => void;
}

export function ColumnChooser({ keys, chosen, onChange }: Props) {
  const [open, setOpen] = useState(false);
  const [search, setSearch] = useState("");
  const searchRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (open) searchRef.current?.focus();
  }, [open]);
  const chosenSet = new Set(chosen);
  const toggle = (id: string) => onChange(chosenSet.has(id) ? chosen.filter((c) => c !== id) : [...chosen, id]);
  const match = (label: string) => label.toLowerCase().includes(search.toLowerCase());
  const group = (title: string, items: { id: string; label: string }[]) => {
    const shown = items.filter((i) => match(i.label));
    if (shown.length === 0) return null;
    const all = shown.every((i) => chosenSet.has(i.id));
    return (
      <fieldset class="chooser-group">
        <legend>
          {title}{" "}
          <button
            type="button"
            class="link small-text"
            onClick={() => onChange(all ? chosen.filter((c) => !shown.some((i) => i.id === c)) : [...chosen, ...shown.map((i) => i.id).filter((id) => !chosenSet.has(id))])}
          >
            {all ? "none" : "all"}
          </button>
        </legend>
        {shown.slice(0, 300).map((i) => (
          <label key={i.id} class="check">
            <input type="checkbox" checked={chosenSet.has(i.id)} onChange={() => toggle(i.id)} />
            <span>{i.label}</span>
          </label>
        ))}
        {shown.length > 300 && <p class="muted small-text">{shown.length - 300} more; refine the search.</p>}
      </fieldset>
    );
  };
  return (
    <div class="popover-anchor">
      <button type="button" onClick={() => setOpen(!open)} aria-expanded={open}>
        Columns ({chosen.length})
      </button>
      {open && (
        <div class="popover column-chooser" role="dialog" aria-label="Choose columns">
          <div class="row">
            <input ref={searchRef} type="search" class="grow" aria-label="Find a column" placeholder="Find a column" value={search} onInput={(e) => setSearch(e.currentTarget.value)} />
            <button type="button" onClick={() => setOpen(false)}>
              Done
            </button>
          </div>
          <div class="chooser-body">
            {group("Attributes", ATTRIBUTE_COLUMNS.map((c) => ({ id: c.id, label: c.label })))}
            {group("Metrics", keys.metric.map((k) => ({ id: `m:${k}`, label: k })))}
            {group("Parameters", keys.param.map((k) => ({ id: `p:${k}`, label: k })))}
            {group("Tags", keys.tag.map((k) => ({ id: `t:${k}`, label: k })))}
          </div>
        </div>
      )}
    </div>
  );
}
