/**
 * The runs filter: MLflow's search syntax with autocomplete of metric, param, tag and attribute
 * keys for the word under the caret, a syntax help popover, and `/` to focus it from anywhere.
 */
import { useRef, useState } from "preact/hooks";
import { useShortcut } from "../hooks";

interface Keys {
  metric: string[];
  param: string[];
  tag: string[];
}

const ATTRIBUTES = ["run_name", "status", "start_time", "end_time", "user_id", "run_id", "artifact_uri"];
const PREFIXES = ["metrics.", "params.", "tags.", "attributes.", "datasets.name", "datasets.digest"];

/** A key that needs quoting in MLflow's grammar (anything beyond letters, digits, _ . / -) gets backticks. */
function quoteKey(k: string): string {
  return /^[\w./-]+$/.test(k) && !/^\d/.test(k) ? k : "`" + k.replace(/`/g, "") + "`";
}

export interface Suggestion {
  label: string;
  insert: string;
  kind: string;
}

/** Suggestions for the token ending at `caret`: prefixes at a clause start, keys after a prefix. */
export function suggest(text: string, caret: number, keys: Keys): { from: number; items: Suggestion[] } {
  const before = text.slice(0, caret);
  const m = /([A-Za-z_]+)\.(`?)([^\s`=<>!]*)$/.exec(before);
  if (m) {
    const prefix = m[1]!.toLowerCase();
    const partial = m[3]!.toLowerCase();
    const from = caret - m[0].length;
    const pool: [string, string[]][] =
      prefix.startsWith("metric") ? [["metric", keys.metric]] : prefix.startsWith("param") ? [["param", keys.param]] : prefix.startsWith("tag") ? [["tag", keys.tag]] : prefix.startsWith("attr") ? [["attribute", ATTRIBUTES]] : [];
    const canonical = prefix.startsWith("metric") ? "metrics" : prefix.startsWith("param") ? "params" : prefix.startsWith("tag") ? "tags" : "attributes";
    const items = pool.flatMap(([kind, list]) =>
      list.filter((k) => k.toLowerCase().includes(partial)).slice(0, 50).map((k) => ({ label: k, insert: `${canonical}.${quoteKey(k)}`, kind })),
    );
    return { from, items };
  }
  const w = /(^|\s|\()([A-Za-z_]*)$/.exec(before);
  const word = w?.[2] ?? "";
  // At the start of a clause (empty, or after AND), offer the prefixes.
  const clauseStart = /(^|\band\s+)[A-Za-z_]*$/i.test(before);
  if (!clauseStart || /^and$/i.test(word)) return { from: caret, items: [] };
  const items = PREFIXES.filter((p) => p.startsWith(word.toLowerCase())).map((p) => ({ label: p, insert: p, kind: "prefix" }));
  return { from: caret - word.length, items };
}

export function FilterBox({ value, keys, onSubmit }: { value: string; keys: Keys; onSubmit: (filter: string) => void }) {
  const [draft, setDraft] = useState(value);
  const [lastValue, setLastValue] = useState(value);
  const [open, setOpen] = useState<{ from: number; items: Suggestion[] } | null>(null);
  const [active, setActive] = useState(0);
  const [help, setHelp] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  if (value !== lastValue) {
    setLastValue(value);
    setDraft(value);
  }
  useShortcut("/", (e) => {
    e.preventDefault();
    inputRef.current?.focus();
  });

  const refresh = (text: string, caret: number) => {
    const s = suggest(text, caret, keys);
    setOpen(s.items.length ? s : null);
    setActive(0);
  };
  const accept = (item: Suggestion) => {
    const el = inputRef.current;
    if (!el || !open) return;
    const caret = el.selectionStart ?? draft.length;
    const next = draft.slice(0, open.from) + item.insert + (item.kind === "prefix" ? "" : " ") + draft.slice(caret);
    setDraft(next);
    setOpen(null);
    const pos = open.from + item.insert.length + (item.kind === "prefix" ? 0 : 1);
    requestAnimationFrame(() => {
      el.focus();
      el.setSelectionRange(pos, pos);
      if (item.kind === "prefix") refresh(next, pos);
    });
  };

  return (
    <form
      class="toolbar filter-bar"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        setOpen(null);
        // The field's own value: a fast typist's last keys may not have re-rendered `draft` yet.
        onSubmit((inputRef.current?.value ?? draft).trim());
      }}
    >
      <div class="popover-anchor grow">
        <input
          ref={inputRef}
          type="search"
          class="mono filter-input"
          aria-label="Filter runs"
          role="combobox"
              list={undefined}
          aria-expanded={open !== null}
          aria-controls="filter-suggestions"
          aria-autocomplete="list"
          aria-activedescendant={open ? `filter-suggestion-${active}` : undefined}
          placeholder="metrics.rmse < 1 and params.model = 'tree'   (press / to focus)"
          value={draft}
          autoComplete="off"
          onInput={(e) => {
            setDraft(e.currentTarget.value);
            refresh(e.currentTarget.value, e.currentTarget.selectionStart ?? e.currentTarget.value.length);
          }}
          onFocus={(e) => refresh(e.currentTarget.value, e.currentTarget.selectionStart ?? e.currentTarget.value.length)}
          onBlur={() => setTimeout(() => setOpen(null), 150)}
          onKeyDown={(e) => {
            if (!open) return;
            if (e.key === "ArrowDown") (e.preventDefault(), setActive((active + 1) % open.items.length));
            else if (e.key === "ArrowUp") (e.preventDefault(), setActive((active - 1 + open.items.length) % open.items.length));
            else if (e.key === "Tab" || (e.key === "Enter" && open.items[active])) {
              e.preventDefault();
              accept(open.items[active]!);
            } else if (e.key === "Escape") setOpen(null);
          }}
        />
        {open && (
          <ul class="popover suggestions" id="filter-suggestions" role="listbox" aria-label="Filter suggestions">
            {open.items.map((item, i) => (
              <li
                key={item.insert}
                id={`filter-suggestion-${i}`}
                role="option"
                aria-selected={i === active}
                class={i === active ? "active" : ""}
                onMouseDown={(e) => {
                  e.preventDefault();
                  accept(item);
                }}
              >
                <span class="mono">{item.label}</span> <span class="muted small-text">{item.kind}</span>
              </li>
            ))}
          </ul>
        )}
      </div>
      <button type="submit" class="primary">
        Search
      </button>
      {value && (
        <button type="button" onClick={() => onSubmit("")}>
          Clear
        </button>
      )}
      <div class="popover-anchor">
        <button type="button" aria-expanded={help} aria-label="Filter syntax help" onClick={() => setHelp(!help)}>
          ?
        </button>
        {help && (
          <div class="popover help-popover" role="dialog" aria-label="Filter syntax">
            <p>
              Clauses joined by <code>and</code> (there is no <code>or</code>):
            </p>
            <ul>
              <li>
                <code>metrics.accuracy &gt; 0.9</code> — numbers with <code>= != &lt; &lt;= &gt; &gt;=</code>
              </li>
              <li>
                <code>params.optimizer = 'adam'</code>, <code>params.lr IN ('0.1', '0.01')</code>
              </li>
              <li>
                <code>tags.team LIKE 'vision%'</code>, <code>ILIKE</code> ignores case
              </li>
              <li>
                <code>attributes.status = 'FINISHED'</code>, <code>attributes.run_name LIKE '%sweep%'</code>
              </li>
              <li>
                <code>datasets.name = 'iris'</code>
              </li>
              <li>
                Keys with spaces or symbols in backticks: <code>metrics.`val loss` &lt; 1</code>
              </li>
            </ul>
            <p class="muted small-text">Type a prefix (metrics., params., tags.) for key suggestions; Tab or Enter accepts.</p>
          </div>
        )}
      </div>
    </form>
  );
}
