/** Building OTLP exports and reading traces back, for the trace tests. */
import { create, toBinary, toJson } from "@bufbuild/protobuf";
import { exports } from "cloudflare:workers";
import { ExportTraceServiceRequestSchema } from "../../src/protocol/otlp/gen/opentelemetry/proto/collector/trace/v1/trace_service_pb";
import { call, type ApiResponse } from "./helpers";

export interface SpanSpec {
  traceHex: string;
  spanHex: string;
  parentHex?: string;
  name?: string;
  startNs?: bigint;
  endNs?: bigint;
  status?: 0 | 1 | 2;
  message?: string;
  kind?: number;
  /** Attribute values: strings, numbers (ints: bigint), booleans, arrays, objects. */
  attributes?: Record<string, unknown>;
  events?: { name: string; timeNs: bigint; attributes?: Record<string, unknown> }[];
}

const bytes = (hex: string) => Uint8Array.from((hex.match(/../g) ?? []).map((b) => parseInt(b, 16)));

function anyValue(v: unknown): object {
  if (typeof v === "string") return { value: { case: "stringValue", value: v } };
  if (typeof v === "boolean") return { value: { case: "boolValue", value: v } };
  if (typeof v === "bigint") return { value: { case: "intValue", value: v } };
  if (typeof v === "number") return { value: { case: "doubleValue", value: v } };
  if (Array.isArray(v)) return { value: { case: "arrayValue", value: { values: v.map(anyValue) } } };
  if (v && typeof v === "object") return { value: { case: "kvlistValue", value: { values: keyValues(v as Record<string, unknown>) } } };
  return {};
}

const keyValues = (attrs: Record<string, unknown> = {}) => Object.entries(attrs).map(([key, value]) => ({ key, value: anyValue(value) }));

export function exportRequest(spans: SpanSpec[], resource: Record<string, unknown> = { "service.name": "test" }) {
  return create(ExportTraceServiceRequestSchema, {
    resourceSpans: [
      {
        resource: { attributes: keyValues(resource) },
        scopeSpans: [
          {
            spans: spans.map((s) => ({
              traceId: bytes(s.traceHex),
              spanId: bytes(s.spanHex),
              parentSpanId: s.parentHex ? bytes(s.parentHex) : new Uint8Array(),
              name: s.name ?? "span",
              kind: s.kind ?? 1,
              startTimeUnixNano: s.startNs ?? 1_700_000_000_000_000_000n,
              endTimeUnixNano: s.endNs ?? 1_700_000_001_500_000_000n,
              attributes: keyValues(s.attributes),
              events: (s.events ?? []).map((e) => ({ name: e.name, timeUnixNano: e.timeNs, attributes: keyValues(e.attributes) })),
              status: { code: s.status ?? 1, message: s.message ?? "" },
            })),
          },
        ],
      },
    ],
  } as never);
}

export function protobufBody(spans: SpanSpec[], resource?: Record<string, unknown>): Uint8Array {
  return toBinary(ExportTraceServiceRequestSchema, exportRequest(spans, resource));
}

/** OTLP JSON as exporters send it: hex ids, camelCase names. */
export function jsonBody(spans: SpanSpec[], resource?: Record<string, unknown>): string {
  const json = toJson(ExportTraceServiceRequestSchema, exportRequest(spans, resource)) as { resourceSpans: { scopeSpans: { spans: Record<string, string>[] }[] }[] };
  const hex = (b64: string) => Array.from(atob(b64), (c) => c.charCodeAt(0).toString(16).padStart(2, "0")).join("");
  for (const rs of json.resourceSpans) for (const ss of rs.scopeSpans) for (const span of ss.spans) for (const k of ["traceId", "spanId", "parentSpanId"]) if (span[k]) span[k] = hex(span[k]);
  return JSON.stringify(json);
}

export interface OtlpOptions {
  experimentId?: string | null;
  contentType?: string;
  encoding?: string;
  headers?: Record<string, string>;
}

export async function postOtlp(body: BodyInit, opts: OtlpOptions = {}): Promise<ApiResponse> {
  const headers: Record<string, string> = { "content-type": opts.contentType ?? "application/x-protobuf", ...opts.headers };
  if (opts.experimentId !== null) headers["x-mlflow-experiment-id"] = opts.experimentId ?? "0";
  if (opts.encoding) headers["content-encoding"] = opts.encoding;
  const res = await (exports as any).default.fetch("http://localhost/v1/traces", { method: "POST", headers, body });
  const text = await res.text();
  let parsed: any;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  const roundTrips = Number(/dur=(\d+)/.exec(res.headers.get("server-timing") ?? "")?.[1] ?? 0);
  return { status: res.status, body: parsed, text, headers: res.headers, roundTrips };
}

export async function compress(data: Uint8Array | string, format: CompressionFormat): Promise<Uint8Array> {
  const input = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const stream = new Blob([input as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream(format));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

let seq = 0;
/** A fresh 32-hex trace id. */
export function traceHex(): string {
  seq++;
  return (Date.now().toString(16) + seq.toString(16).padStart(6, "0") + Math.random().toString(16).slice(2)).padEnd(32, "0").slice(0, 32);
}

export const v3 = {
  get: (path: string, params?: Record<string, unknown>) => call("GET", `/api/3.0/mlflow${path}`, params),
  post: (path: string, body?: unknown) => call("POST", `/api/3.0/mlflow${path}`, body ?? {}),
  patch: (path: string, body?: unknown) => call("PATCH", `/api/3.0/mlflow${path}`, body ?? {}),
  del: (path: string, body?: unknown) => call("DELETE", `/api/3.0/mlflow${path}`, body ?? {}),
};
