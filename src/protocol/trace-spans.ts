/**
 * Stored spans on the wire: GetTrace and batchGet return each span as an OpenTelemetry `Span`
 * message in proto JSON with snake_case names (MLflow's `Span.to_otel_proto`): base64 ids,
 * nanosecond times as JSON numbers (exact past 2^53), attribute values decoded from their stored
 * JSON into AnyValues, and the span kind and status code by enum name.
 */
import { pyLoads, tryPyLoads, type PyDict, type PyValue } from "../lib/python-json";
import { translateLoadedSpanType } from "../services/span-translation";
import type { Json } from "./proto-json";

const raw = (digits: string) => (JSON as unknown as { rawJSON(t: string): unknown }).rawJSON(digits);
const int64 = (v: bigint) => (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : raw(v.toString()));

function wireDouble(v: number): unknown {
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "Infinity" : "-Infinity";
  return v;
}

/** `_set_otel_proto_anyvalue` in proto JSON; None is an empty AnyValue. */
export function anyValueJson(v: PyValue | undefined): Json {
  if (v === null || v === undefined) return {};
  if (typeof v === "boolean") return { bool_value: v };
  if (typeof v === "string") return { string_value: v };
  if (typeof v === "bigint") return { int_value: int64(v) };
  if (typeof v === "number") return { double_value: wireDouble(v) };
  if (Array.isArray(v)) return { array_value: v.length > 0 ? { values: v.map(anyValueJson) } : {} };
  return { kvlist_value: v.size > 0 ? { values: keyValuesJson(v) } : {} };
}

const keyValuesJson = (d: PyDict) => [...d].map(([key, value]) => ({ key, value: anyValueJson(value) }));

function hexToBase64(hex: string): string {
  const clean = hex.replace(/^tr-/, "");
  return btoa(String.fromCharCode(...(clean.match(/../g) ?? []).map((b) => parseInt(b, 16))));
}

const big = (v: PyValue | undefined): bigint => (typeof v === "bigint" ? v : typeof v === "number" ? BigInt(Math.trunc(v)) : 0n);

/** A span's stored attributes as readers see them: each value JSON-decoded (an empty one is None). */
function decodedAttributes(attributes: PyDict): PyDict {
  const out: PyDict = new Map();
  for (const [k, v] of attributes) {
    if (typeof v !== "string") out.set(k, v);
    else if (v === "") out.set(k, null);
    else {
      const decoded = tryPyLoads(v);
      out.set(k, decoded === undefined ? v : decoded);
    }
  }
  return out;
}

/** One stored span (`spans.content`) as OTLP Span JSON. */
export function spanJson(content: string): Json {
  const span = pyLoads(content) as PyDict;
  const attributes = translateLoadedSpanType((span.get("attributes") as PyDict | undefined) ?? new Map());
  const out: Json = { trace_id: span.get("trace_id"), span_id: span.get("span_id") };
  const parent = span.get("parent_span_id");
  if (parent) out.parent_span_id = parent;
  const name = span.get("name");
  if (name) out.name = name;
  const kind = span.get("kind");
  out.kind = typeof kind === "string" && kind !== "" ? kind : "SPAN_KIND_INTERNAL";
  out.start_time_unix_nano = int64(big(span.get("start_time_unix_nano")));
  const end = big(span.get("end_time_unix_nano"));
  if (end !== 0n) out.end_time_unix_nano = int64(end);
  const attrs = keyValuesJson(decodedAttributes(attributes));
  if (attrs.length > 0) out.attributes = attrs;
  const events = ((span.get("events") as PyValue[] | undefined) ?? []).map((e) => {
    const event = e as PyDict;
    const ev: Json = {};
    const t = big(event.get("time_unix_nano"));
    if (t !== 0n) ev.time_unix_nano = int64(t);
    if (event.get("name")) ev.name = event.get("name");
    const ea = event.get("attributes");
    if (ea instanceof Map && ea.size > 0) ev.attributes = keyValuesJson(ea);
    return ev;
  });
  if (events.length > 0) out.events = events;
  const links = ((span.get("links") as PyValue[] | undefined) ?? []).map((l) => {
    const link = l as PyDict;
    const lj: Json = { trace_id: hexToBase64(String(link.get("trace_id") ?? "")), span_id: hexToBase64(String(link.get("span_id") ?? "")) };
    const la = link.get("attributes");
    if (la instanceof Map && la.size > 0) lj.attributes = keyValuesJson(la);
    return lj;
  });
  if (links.length > 0) out.links = links;
  const status = (span.get("status") as PyDict | undefined) ?? new Map();
  const code = String(status.get("code") ?? "STATUS_CODE_UNSET");
  const st: Json = {};
  if (code !== "STATUS_CODE_UNSET" && code !== "UNSET") st.code = code.startsWith("STATUS_CODE_") ? code : `STATUS_CODE_${code}`;
  if (status.get("message")) st.message = status.get("message");
  out.status = st;
  return out;
}
