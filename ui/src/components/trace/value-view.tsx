/** A span input, output or attribute value: text as text, anything else as indented JSON, long ones cut. */
import { useState } from "preact/hooks";

const SHOWN_CHARS = 20_000;

export function valueText(v: unknown): string {
  if (v === undefined) return "";
  if (typeof v === "string") return v;
  try {
    return JSON.stringify(v, null, 2) ?? String(v);
  } catch {
    return String(v);
  }
}

export function ValueView({ value, label }: { value: unknown; label: string }) {
  const [all, setAll] = useState(false);
  const text = valueText(value);
  const cut = !all && text.length > SHOWN_CHARS;
  return (
    <div class="value-view">
      <pre class="preview-text value-text" aria-label={label}>
        {cut ? text.slice(0, SHOWN_CHARS) : text}
      </pre>
      {cut && (
        <button type="button" class="small" onClick={() => setAll(true)}>
          Show all {text.length.toLocaleString("en-US")} characters
        </button>
      )}
    </div>
  );
}
