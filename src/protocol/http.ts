/** Reading MLflow requests from, and writing MLflow responses to, Hono contexts. */
import type { Context } from "hono";
import { MlflowError } from "../errors";
import { parseJsonExact } from "../lib/int64";
import { queryToJson, type Message } from "./message";

const JSON_CONTENT_TYPES = ["application/json"];

/** Deeper JSON than any MLflow message needs is refused before it reaches a recursive reader. */
export const MAX_JSON_DEPTH = 64;

function malformed(detail: string): MlflowError {
  return MlflowError.invalidParameter(`Malformed request body: ${detail}`);
}

/** The nesting depth of JSON text, counted without parsing (brackets inside strings are skipped). */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++; // backslash: skip the escaped character
      else if (ch === 0x22) inString = false;
      continue;
    }
    if (ch === 0x22) inString = true;
    else if (ch === 0x7b || ch === 0x5b) {
      depth++;
      if (depth > max) max = depth;
    } else if (ch === 0x7d || ch === 0x5d) depth--;
  }
  return max;
}

/** MLflow's content-type rule: POST and PUT must say they carry JSON. */
export function requireJsonContentType(c: Context): void {
  const method = c.req.method;
  if (method !== "POST" && method !== "PUT") return;
  const contentType = c.req.header("content-type");
  if (contentType === undefined) throw MlflowError.invalidParameter("Bad Request. Content-Type header is missing.");
  if (!JSON_CONTENT_TYPES.includes(contentType.split(";")[0]!.trim().toLowerCase())) {
    throw MlflowError.invalidParameter(`Bad Request. Content-Type must be one of ['application/json'].`);
  }
}

/**
 * Parses a JSON request body into an object. An empty body is an empty message (as in MLflow).
 * Unlike MLflow, which reads bodies with `get_json(silent=True)` and so executes a malformed body
 * as an empty request, a body that is not a JSON object is refused: a truncated request must never
 * create anything.
 */
export function parseJsonObject(text: string): Record<string, unknown> {
  if (text.trim() === "") return {};
  if (jsonDepth(text) > MAX_JSON_DEPTH) throw malformed(`JSON nested deeper than ${MAX_JSON_DEPTH} levels.`);
  let body: unknown;
  try {
    body = parseJsonExact(text);
  } catch {
    throw malformed("not valid JSON.");
  }
  // Older clients posted their JSON double-encoded as a string.
  if (typeof body === "string") return parseJsonObject(body);
  if (body === null || typeof body !== "object" || Array.isArray(body)) throw malformed("expected a JSON object.");
  return body as Record<string, unknown>;
}

const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true });

/**
 * The body as text. Bytes that are not UTF-8 are refused (400), as MLflow refuses them, rather than
 * stored as U+FFFD replacement characters.
 */
export async function bodyText(c: Context): Promise<string> {
  const bytes = await c.req.arrayBuffer();
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    throw MlflowError.invalidParameter("Malformed request body: not valid UTF-8.");
  }
}

/** The request as JSON: the query string for a GET that has one, the JSON body otherwise (as in MLflow). */
export async function requestData(c: Context, m: Message<unknown>): Promise<Record<string, unknown>> {
  const url = new URL(c.req.url);
  if (c.req.method === "GET" && url.search.length > 1) return queryToJson(url.searchParams, m);
  requireJsonContentType(c);
  return parseJsonObject(await bodyText(c));
}

/** Decodes an RPC request with its one message declaration. */
export async function decode<T>(c: Context, m: Message<T>): Promise<T> {
  return m.decode(await requestData(c, m));
}

/** Sends a proto-JSON response (snake_case keys; unset fields already omitted by the caller). */
export function sendJson(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}
