/**
 * A span as a row of MLflow 3.18's `spans` table (`SqlAlchemyStore.log_spans`): the searchable
 * columns, and `content`, the span's `to_dict()` after store-time translation, serialized with
 * Python's json.dumps (default separators, non-ASCII kept as MLflow does on Postgres). Readers
 * (MLflow's and ours) parse `content`, and the `span.attributes.*` / `trace.text` filters match
 * its text, so it has to be the same bytes.
 */
import { pyDumps, tryPyLoads, type PyDict, type PyValue } from "../lib/python-json";
import type { MlflowSpan } from "./otlp-spans";
import { ATTR, loadsOrSelf, translateForStorage } from "./span-translation";

const MODEL_DIMENSION_MAX = 500;

export interface SpanRow {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  type: string | null;
  status: string;
  startNs: bigint;
  endNs: bigint;
  content: string;
  inputCost: number | null;
  outputCost: number | null;
  totalCost: number | null;
  modelName: string | null;
  modelProvider: string | null;
}

/** A span row plus the translated attributes the trace-level aggregates read. */
export interface StoredSpan {
  row: SpanRow;
  attributes: Map<string, string>;
}

/** Thrown for a span MLflow's store fails on (ids wider than OpenTelemetry's); the batch answers 422. */
export class SpanStorageError extends Error {}

function base64Id(id: bigint, bytes: number): string {
  const hex = id.toString(16).padStart(bytes * 2, "0");
  if (hex.length > bytes * 2) throw new SpanStorageError(`id wider than ${bytes} bytes`);
  let bin = "";
  for (let i = 0; i < hex.length; i += 2) bin += String.fromCharCode(parseInt(hex.slice(i, i + 2), 16));
  return btoa(bin);
}

/** `_try_parse_json_string`: the JSON string's value, else the text itself. */
export function jsonStringOrSelf(text: string): string {
  const v = tryPyLoads(text);
  return typeof v === "string" ? v : text;
}

/** `finite_float_or_none`. */
export function finiteFloat(v: PyValue | undefined): number | null {
  if (v === undefined || v === null || typeof v === "boolean") return null;
  let n: number;
  if (typeof v === "number") n = v;
  else if (typeof v === "bigint") n = Number(v);
  else if (typeof v === "string") {
    const t = v.trim().replace(/_/g, "");
    if (!/^[+-]?(?:\d+\.?\d*(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?|inf(?:inity)?|nan)$/i.test(t)) return null;
    n = /inf/i.test(t) ? (t.startsWith("-") ? -Infinity : Infinity) : /nan/i.test(t) ? NaN : Number(t);
  } else return null;
  return Number.isFinite(n) ? n : null;
}

/** Python's `str[:n]` (code points). */
export function pySlice(s: string, n: number): string {
  if (s.length <= n) return s;
  const cps = Array.from(s);
  return cps.length <= n ? s : cps.slice(0, n).join("");
}

function bounded(attr: string | undefined): string | null {
  if (attr === undefined) return null;
  const v = jsonStringOrSelf(attr);
  return pySlice(v, MODEL_DIMENSION_MAX);
}

/** `span.span_type`: the type attribute as the client sent it, decoded (before translation). */
function spanTypeColumn(attr: string | undefined): string | null {
  if (!attr) return null;
  const v = loadsOrSelf(attr);
  if (typeof v === "string") return v;
  if (v === null) return null;
  // Postgres takes numbers and booleans for a varchar as their text; containers have no text.
  return typeof v === "object" ? null : pyDumps(v, { ensureAscii: false });
}

function contentOf(span: MlflowSpan, attributes: Map<string, string>): string {
  const dict: PyDict = new Map<string, PyValue>([
    ["trace_id", base64Id(span.otelTraceId, 16)],
    ["span_id", base64Id(span.otelSpanId, 8)],
    ["parent_span_id", span.otelParentId === null ? null : base64Id(span.otelParentId, 8)],
    ["name", span.name],
    ["kind", span.kindName],
    ["start_time_unix_nano", span.startNs],
    ["end_time_unix_nano", span.endNs],
    ["events", span.events.map((e) => new Map<string, PyValue>([["name", e.name], ["time_unix_nano", e.timeNs], ["attributes", e.attributes]]))],
    ["status", new Map<string, PyValue>([["code", `STATUS_CODE_${span.statusCode}`], ["message", span.statusMessage]])],
    ["attributes", new Map<string, PyValue>(attributes)],
    ["links", span.links.map((l) => new Map<string, PyValue>([["trace_id", l.traceId], ["span_id", l.spanId], ["attributes", l.attributes]]))],
  ]);
  return pyDumps(dict, { ensureAscii: false });
}

export function storedSpan(span: MlflowSpan): StoredSpan {
  const attributes = translateForStorage(span.attributes);
  let cost: PyValue | undefined;
  const costAttr = attributes.get(ATTR.cost);
  if (costAttr) cost = tryPyLoads(costAttr);
  const costOf = (key: string) => (cost instanceof Map ? finiteFloat(cost.get(key)) : null);
  return {
    attributes,
    row: {
      traceId: span.traceId,
      spanId: span.spanId,
      parentSpanId: span.parentId,
      name: span.name,
      type: spanTypeColumn(span.attributes.get(ATTR.spanType)),
      status: span.statusCode,
      startNs: span.startNs,
      endNs: span.endNs,
      content: contentOf(span, attributes),
      inputCost: costOf("input_cost"),
      outputCost: costOf("output_cost"),
      totalCost: costOf("total_cost"),
      modelName: bounded(attributes.get(ATTR.model)),
      modelProvider: bounded(attributes.get(ATTR.provider)),
    },
  };
}
