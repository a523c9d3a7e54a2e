/**
 * The `traces.json` form of a trace's spans, `{"spans":[…]}`, built from the stored span JSON as
 * MLflow 3.18 builds it (`TraceData.to_json_bytes`): each stored span verbatim, unless reading it
 * gives it a span type it lacked, in which case it is written again compactly.
 */
import { pyDumps, pyLoads, type PyDict } from "../lib/python-json";
import { mayTranslateLoaded, translateLoadedSpanType } from "./span-translation";

export function traceSpansFile(contents: string[]): string {
  const parts = contents.map((content) => {
    // Most spans cannot change on reading: they go out as stored, unread (a 5,000-span trace's
    // file is then a concatenation, not 5,000 JSON readings).
    if (!mayTranslateLoaded(content)) return content;
    const span = pyLoads(content) as PyDict;
    const attributes = (span.get("attributes") as PyDict | undefined) ?? new Map();
    const translated = translateLoadedSpanType(attributes);
    if (translated === attributes) return content;
    span.set("attributes", translated);
    return compact(pyDumps(span));
  });
  return `{"spans":[${parts.join(",")}]}`;
}

/** json.dumps(..., separators=(",", ":")) from the default form (separators never occur inside strings here unescaped). */
function compact(text: string): string {
  let out = "";
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inString) {
      out += ch;
      if (ch === "\\") out += text[++i] ?? "";
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    if (ch === " " && (text[i - 1] === "," || text[i - 1] === ":")) continue;
    out += ch;
  }
  return out;
}
