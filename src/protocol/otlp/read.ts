/**
 * Reading an OTLP/HTTP trace export (`POST /v1/traces`) the way MLflow 3.18's FastAPI endpoint
 * (mlflow/server/otel_api.py) reads it: the experiment from `x-mlflow-experiment-id`, a protobuf
 * or JSON `ExportTraceServiceRequest`, optionally gzip/deflate compressed. Its failures are
 * FastAPI's shape, `{"detail": …}`, with MLflow's statuses and texts, not MLflow's error JSON.
 *
 * Decoding uses the OTLP schema compiled by protoc-gen-es (./gen, `npm run gen:otlp`). Bodies are
 * decompressed as a stream and cut off at MAX_DECODED_BYTES: a Worker isolate has 128 MB, and a
 * few kilobytes of gzip can expand to gigabytes.
 */
import { fromBinary, fromJson, type JsonValue } from "@bufbuild/protobuf";
import type { AppContext } from "../../app-env";
import { ExportTraceServiceRequestSchema, type ExportTraceServiceRequest } from "./gen/opentelemetry/proto/collector/trace/v1/trace_service_pb";

/** Compressed or not, what a request body may hold: the limit of a Worker on workers.dev. */
export const MAX_BODY_BYTES = 100 * 1000 * 1000;
/** Decoded protobuf/JSON bytes of one export; spans of one client batch are far smaller. */
export const MAX_DECODED_BYTES = 32 * 1024 * 1024;

export const EXPERIMENT_HEADER = "x-mlflow-experiment-id";
export const RUN_HEADER = "x-mlflow-run-id";

export type OtlpEncoding = "json" | "protobuf";

export type OtlpExport =
  | { ok: true; experimentId: string; runId: string | null; encoding: OtlpEncoding; request: ExportTraceServiceRequest }
  /** Refused while reading; `experimentId` when the header named one (access is checked on it first). */
  | { ok: false; experimentId: string | null; response: Response };

/** FastAPI's error body. */
export function detailResponse(status: number, detail: unknown): Response {
  return new Response(JSON.stringify({ detail }), { status, headers: { "content-type": "application/json" } });
}

class Refusal extends Error {
  constructor(readonly response: Response) {
    super("refused");
  }
}
const refuse = (status: number, detail: string): never => {
  throw new Refusal(detailResponse(status, detail));
};

async function readCapped(stream: ReadableStream<Uint8Array>, cap: number, tooLarge: () => never): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > cap) {
      await reader.cancel().catch(() => undefined);
      tooLarge();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

function decompress(body: Uint8Array, format: CompressionFormat, cap: number): Promise<Uint8Array> {
  const stream = new Blob([body as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream(format));
  return readCapped(stream, cap, () => refuse(413, `Decompressed OTLP payload exceeds ${cap} bytes`));
}

/** MLflow's decompress_otlp_body: gzip, or deflate (zlib, then raw deflate). */
async function decoded(body: Uint8Array, encoding: string): Promise<Uint8Array> {
  const attempt = async (format: CompressionFormat): Promise<Uint8Array | null> => {
    try {
      return await decompress(body, format, MAX_DECODED_BYTES);
    } catch (e) {
      if (e instanceof Refusal) throw e;
      return null;
    }
  };
  if (encoding === "gzip") return (await attempt("gzip")) ?? refuse(400, "Failed to decompress gzip payload");
  if (encoding === "deflate") {
    return (await attempt("deflate")) ?? (await attempt("deflate-raw")) ?? refuse(400, "Failed to decompress deflate payload");
  }
  return refuse(400, `Unsupported Content-Encoding: ${encoding}`);
}

/** OTLP JSON carries ids as hex; protobuf's JSON mapping wants base64 (as MLflow converts them). */
function hexIdsToBase64(json: unknown): void {
  const spans = (json as { resourceSpans?: { scopeSpans?: { spans?: Record<string, unknown>[] }[] }[] }).resourceSpans;
  for (const rs of Array.isArray(spans) ? spans : []) {
    for (const ss of Array.isArray(rs?.scopeSpans) ? rs.scopeSpans : []) {
      for (const span of Array.isArray(ss?.spans) ? ss.spans : []) {
        const links = Array.isArray(span?.links) ? (span.links as Record<string, unknown>[]) : [];
        for (const item of [span, ...links]) {
          for (const field of ["traceId", "spanId", "parentSpanId"]) {
            const hex = item?.[field];
            if (!hex) continue;
            if (typeof hex !== "string" || !/^(?:[0-9a-fA-F]{2})*$/.test(hex.replace(/\s/g, ""))) throw new Error("bad hex id");
            const bytes = hex.replace(/\s/g, "").match(/../g) ?? [];
            item[field] = btoa(String.fromCharCode(...bytes.map((b) => parseInt(b, 16))));
          }
        }
      }
    }
  }
}

/** JSON.parse keeping 64-bit integers exact: unsafe integer literals become decimal strings. */
function parseJsonNumbersExact(text: string): unknown {
  return JSON.parse(text, (_k: string, v: unknown, ctx?: { source?: string }) =>
    typeof v === "number" && !Number.isSafeInteger(v) && ctx?.source && /^-?\d+$/.test(ctx.source) ? ctx.source : v,
  );
}

function decode(bytes: Uint8Array, encoding: OtlpEncoding): ExportTraceServiceRequest {
  try {
    if (encoding === "protobuf") return fromBinary(ExportTraceServiceRequestSchema, bytes, { readUnknownFields: false });
    const json = parseJsonNumbersExact(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
    hexIdsToBase64(json);
    return fromJson(ExportTraceServiceRequestSchema, json as JsonValue, { ignoreUnknownFields: true });
  } catch {
    return refuse(400, "Invalid OpenTelemetry format");
  }
}

/** Reads `POST /v1/traces`; never throws for what the client sent. */
export async function readOtlpExport(c: AppContext): Promise<OtlpExport> {
  const experimentId = c.req.header(EXPERIMENT_HEADER) ?? null;
  try {
    if (experimentId === null) {
      // With auth on, MLflow's auth layer refuses first, with its own error; without it FastAPI's
      // header validation answers 422.
      if (c.var.auth) {
        const err = { error_code: "BAD_REQUEST", message: "Missing required header: X-Mlflow-Experiment-Id" };
        throw new Refusal(new Response(JSON.stringify(err), { status: 400, headers: { "content-type": "application/json" } }));
      }
      throw new Refusal(detailResponse(422, [{ type: "missing", loc: ["header", EXPERIMENT_HEADER], msg: "Field required", input: null }]));
    }
    const contentType = c.req.header("content-type");
    const media = contentType?.split(";")[0]!.trim();
    if (media !== "application/x-protobuf" && media !== "application/json") {
      refuse(400, `Invalid Content-Type: ${contentType ?? "None"}. Expected: application/x-protobuf or application/json`);
    }
    const tooLarge = () => refuse(413, `Request body exceeds ${MAX_BODY_BYTES} bytes, the limit of a Worker request`);
    if (Number(c.req.header("content-length") ?? 0) > MAX_BODY_BYTES) tooLarge();
    let body = c.req.raw.body ? await readCapped(c.req.raw.body, MAX_BODY_BYTES, tooLarge) : new Uint8Array();
    const contentEncoding = c.req.header("content-encoding");
    if (contentEncoding) body = await decoded(body, contentEncoding.toLowerCase());
    else if (body.byteLength > MAX_DECODED_BYTES) refuse(413, `OTLP payload exceeds ${MAX_DECODED_BYTES} bytes`);
    const encoding: OtlpEncoding = media === "application/json" ? "json" : "protobuf";
    const request = decode(body, encoding);
    if (request.resourceSpans.length === 0) refuse(400, "Invalid OpenTelemetry format - no spans found");
    return { ok: true, experimentId, runId: c.req.header(RUN_HEADER) || null, encoding, request };
  } catch (e) {
    if (e instanceof Refusal) return { ok: false, experimentId, response: e.response };
    throw e;
  }
}

/** The empty ExportTraceServiceResponse, in the request's encoding (as the OTLP spec asks). */
export function exportResponse(encoding: OtlpEncoding): Response {
  if (encoding === "json") return new Response("{}", { headers: { "content-type": "application/json" } });
  return new Response(new Uint8Array(), { headers: { "content-type": "application/x-protobuf" } });
}
