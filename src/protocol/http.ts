/** Reading MLflow requests from, and writing MLflow responses to, Hono contexts. */
import type { Context } from "hono";
import { MlflowError } from "../errors";
import { applySchema, assertProtoParsed, decodeMessage, queryToJson, type Check, type Decoded, type MessageSpec } from "./message";

const JSON_CONTENT_TYPES = ["application/json"];

async function requestJson(c: Context): Promise<Record<string, unknown>> {
  const method = c.req.method;
  if (method === "POST" || method === "PUT") {
    const contentType = c.req.header("content-type");
    if (contentType === undefined) {
      throw MlflowError.invalidParameter("Bad Request. Content-Type header is missing.");
    }
    if (!JSON_CONTENT_TYPES.includes(contentType.split(";")[0]!.trim().toLowerCase())) {
      throw MlflowError.invalidParameter(`Bad Request. Content-Type must be one of ['application/json'].`);
    }
  }
  const text = await c.req.text();
  if (text.trim() === "") return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    // MLflow reads bodies with get_json(silent=True): unparseable JSON counts as an empty request,
    // so the handler's required-field checks report what is missing.
    return {};
  }
  // Older clients posted their JSON double-encoded as a string.
  if (typeof body === "string") {
    try {
      body = JSON.parse(body);
    } catch {
      return {};
    }
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) return {};
  return body as Record<string, unknown>;
}

/**
 * Decodes an RPC request: the query string for a GET that has one, the JSON body otherwise; then
 * the handler's schema (required fields and, when proto parsing failed, type checks).
 */
export async function readMessage<T = Decoded>(c: Context, spec: MessageSpec, schema: Record<string, Check[]> = {}): Promise<T> {
  const url = new URL(c.req.url);
  const data = c.req.method === "GET" && url.search.length > 1 ? queryToJson(url.searchParams, spec) : await requestJson(c);
  const { message, raw } = decodeMessage(data, spec);
  applySchema(raw, schema);
  assertProtoParsed(raw, spec);
  return message as T;
}

/** Sends a proto-JSON response (snake_case keys; unset fields already omitted by the caller). */
export function sendJson(c: Context, body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}

/** Encodes a double the way MLflow's proto JSON does: NaN and infinities become strings. */
export function wireDouble(v: number): number | string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "Infinity";
  if (v === -Infinity) return "-Infinity";
  return v;
}
