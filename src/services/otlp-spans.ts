/**
 * OTLP spans as MLflow 3.18's server turns them into MLflow spans before storing them
 * (`Span.from_otel_proto` and the OTLP endpoint in mlflow/server/otel_api.py):
 *  - the trace id becomes `tr-<32 hex>`, and attribute `mlflow.traceRequestId` is always set to
 *    it (a client-supplied value is ignored);
 *  - every attribute value is JSON-encoded (Python's json.dumps, non-ASCII kept), then the one
 *    layer of encoding MLflow's own clients already applied is peeled off again: a string value
 *    that is itself a JSON string, object or array is stored as that JSON text;
 *  - on root spans, system `mlflow.traceTag.*` attributes are dropped, and the resource's
 *    `service.name` is copied onto the span for a few known agent CLIs;
 *  - a status message survives only on ERROR spans (OpenTelemetry's Status drops it otherwise).
 */
import { pyDumpString, pyDumps, pyLoads, type PyDict, type PyValue } from "../lib/python-json";
import type { AnyValue, KeyValue } from "../protocol/otlp/gen/opentelemetry/proto/common/v1/common_pb";
import type { ExportTraceServiceRequest } from "../protocol/otlp/gen/opentelemetry/proto/collector/trace/v1/trace_service_pb";
import type { Span as OtlpSpan } from "../protocol/otlp/gen/opentelemetry/proto/trace/v1/trace_pb";

export const REQUEST_ID_ATTRIBUTE = "mlflow.traceRequestId";
export const TRACE_TAG_ATTRIBUTE_PREFIX = "mlflow.traceTag.";
/** Tags only the server may set; clients' attempts are dropped (`_HANDLER_BLOCKED_TRACE_TAGS`). */
export const SYSTEM_TRACE_TAGS = ["mlflow.artifactLocation", "mlflow.trace.spansLocation", "mlflow.trace.archiveLocation", "mlflow.trace.archivalFailure"];
const KNOWN_SERVICE_NAMES = new Set(["claude-code", "codex_cli_rs", "codex_vscode", "gemini-cli", "qwen-code"]);
const SPAN_KINDS = ["SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL", "SPAN_KIND_SERVER", "SPAN_KIND_CLIENT", "SPAN_KIND_PRODUCER", "SPAN_KIND_CONSUMER"];

export type SpanStatusCode = "UNSET" | "OK" | "ERROR";

/** One span as MLflow holds it after OTLP decoding: attribute values are JSON text. */
export interface MlflowSpan {
  /** `tr-<hex>`. */
  traceId: string;
  /** The OTel ids as integers, for the base64 forms of the stored content. */
  otelTraceId: bigint;
  otelSpanId: bigint;
  otelParentId: bigint | null;
  spanId: string;
  parentId: string | null;
  name: string;
  kindName: string;
  startNs: bigint;
  /** 0 when the exporter left it unset, as MLflow keeps it. */
  endNs: bigint;
  statusCode: SpanStatusCode;
  statusMessage: string;
  attributes: Map<string, string>;
  events: { name: string; timeNs: bigint; attributes: PyDict }[];
  links: { traceId: string; spanId: string; attributes: PyDict | null }[];
  /** Decoded resource attributes of the ResourceSpans the span came in. */
  resource: PyDict;
}

/** Python's repr of bytes, which is what json.dumps(bytes) falls back to in MLflow's encoder. */
export function pyBytesRepr(bytes: Uint8Array): string {
  const hasSingle = bytes.includes(0x27);
  const quote = hasSingle && !bytes.includes(0x22) ? '"' : "'";
  let out = "";
  for (const b of bytes) {
    if (b === 0x5c) out += "\\\\";
    else if (b === quote.charCodeAt(0)) out += `\\${quote}`;
    else if (b === 0x09) out += "\\t";
    else if (b === 0x0a) out += "\\n";
    else if (b === 0x0d) out += "\\r";
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\x${b.toString(16).padStart(2, "0")}`;
  }
  return `b${quote}${out}${quote}`;
}

/** `_decode_otel_proto_anyvalue`; bytes become what MLflow's JSON encoder writes for them. */
export function decodeAnyValue(v: AnyValue | undefined, bytes: (b: Uint8Array) => PyValue = pyBytesRepr): PyValue {
  const value = v?.value;
  switch (value?.case) {
    case "stringValue":
    case "boolValue":
    case "intValue":
    case "doubleValue":
      return value.value;
    case "bytesValue":
      return bytes(value.value);
    case "arrayValue":
      return value.value.values.map((x) => decodeAnyValue(x, bytes));
    case "kvlistValue":
      return decodeKeyValues(value.value.values, bytes);
    default:
      return null;
  }
}

export function decodeKeyValues(kvs: KeyValue[], bytes?: (b: Uint8Array) => PyValue): PyDict {
  const out: PyDict = new Map();
  for (const kv of kvs) out.set(kv.key, decodeAnyValue(kv.value, bytes));
  return out;
}

const HEX_BYTE = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** The id bytes as one unsigned integer (through hex: one BigInt, not one per byte). */
function idOf(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  let text = "0x";
  for (const b of bytes) text += HEX_BYTE[b];
  return BigInt(text);
}

const hex = (n: bigint, width: number) => n.toString(16).padStart(width, "0");

/** Python's json.loads accepting the same inputs; the fast native parser first. */
function isJsonContainerOrString(text: string): boolean {
  const first = /^[ \t\n\r]*(.)/.exec(text)?.[1];
  if (first !== "{" && first !== "[" && first !== '"') return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    try {
      const v = pyLoads(text);
      return typeof v === "string" || Array.isArray(v) || v instanceof Map;
    } catch {
      return false;
    }
  }
}

/** dump_span_attribute_value, then strip_otlp_double_encoding for the same attribute. */
function serializedAttribute(value: PyValue): string {
  if (typeof value === "string" && isJsonContainerOrString(value)) return value;
  return pyDumps(value, { ensureAscii: false });
}

function statusOf(span: OtlpSpan): { code: SpanStatusCode; message: string } {
  const code = span.status?.code;
  if (code === 2) return { code: "ERROR", message: span.status?.message ?? "" };
  return { code: code === 1 ? "OK" : "UNSET", message: "" };
}

function kindName(kind: number): string {
  return kind >= 1 && kind <= 5 ? SPAN_KINDS[kind]! : "SPAN_KIND_INTERNAL";
}

/** A span MLflow cannot take (no trace or span id): the endpoint answers 422. */
export class SpanConversionError extends Error {}
const cannotConvert = () => new SpanConversionError("Cannot convert OpenTelemetry span to MLflow span");

function convert(span: OtlpSpan, resource: PyDict, serviceName: string | null): MlflowSpan {
  if (span.traceId.length === 0 || span.spanId.length === 0) throw cannotConvert();
  const otelTraceId = idOf(span.traceId);
  const otelSpanId = idOf(span.spanId);
  const otelParentId = span.parentSpanId.length > 0 ? idOf(span.parentSpanId) : null;
  const traceId = `tr-${hex(otelTraceId, 32)}`;
  const attributes = new Map<string, string>();
  for (const kv of span.attributes) attributes.set(kv.key, serializedAttribute(decodeAnyValue(kv.value)));
  attributes.set(REQUEST_ID_ATTRIBUTE, pyDumpString(traceId, { ensureAscii: false }));
  if (otelParentId === null) {
    if (serviceName) attributes.set("service.name", pyDumpString(serviceName, { ensureAscii: false }));
    for (const tag of SYSTEM_TRACE_TAGS) attributes.delete(TRACE_TAG_ATTRIBUTE_PREFIX + tag);
  }
  const status = statusOf(span);
  return {
    traceId,
    otelTraceId,
    otelSpanId,
    otelParentId,
    spanId: hex(otelSpanId, 16),
    parentId: otelParentId === null ? null : hex(otelParentId, 16),
    name: span.name,
    kindName: kindName(span.kind),
    startNs: span.startTimeUnixNano,
    endNs: span.endTimeUnixNano,
    statusCode: status.code,
    statusMessage: status.message,
    attributes,
    events: span.events.map((e) => ({ name: e.name, timeNs: e.timeUnixNano, attributes: decodeKeyValues(e.attributes) })),
    links: span.links.map((l) => {
      const attrs = decodeKeyValues(l.attributes, (b) => btoa(String.fromCharCode(...b)));
      return { traceId: `tr-${hex(idOf(l.traceId), 32)}`, spanId: hex(idOf(l.spanId), 16), attributes: attrs.size > 0 ? attrs : null };
    }),
    resource,
  };
}

/** Every span of an export, in the order it holds them. */
export function mlflowSpansOf(request: ExportTraceServiceRequest): MlflowSpan[] {
  const spans: MlflowSpan[] = [];
  for (const rs of request.resourceSpans) {
    const resourceAttributes = rs.resource?.attributes ?? [];
    const resource = decodeKeyValues(resourceAttributes);
    const serviceAttr = resourceAttributes.find((a) => a.key === "service.name");
    const service = serviceAttr ? decodeAnyValue(serviceAttr.value) : null;
    const serviceName = service !== null && KNOWN_SERVICE_NAMES.has(pyStr(service)) ? pyStr(service) : null;
    for (const ss of rs.scopeSpans) for (const span of ss.spans) spans.push(convert(span, resource, serviceName));
  }
  return spans;
}

/** Python's str() of a decoded attribute value. */
export function pyStr(v: PyValue): string {
  if (typeof v === "string") return v;
  if (v === true) return "True";
  if (v === false) return "False";
  if (v === null) return "None";
  return pyDumps(v, { ensureAscii: false });
}
