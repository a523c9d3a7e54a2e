/**
 * Reads the fields that name a request's resource, the way the handlers will read them: a GET with a
 * query string uses the query, anything else its JSON body (lenient: a body the handler will reject
 * yields no fields, and the request is then denied or fails validation, never authorized by accident).
 */
import type { Context } from "hono";

export interface RequestFields {
  get(name: string): string | undefined;
  getAll(name: string): string[];
  /** The value as sent (JSON booleans stay booleans). */
  raw(name: string): unknown;
}

function fromQuery(params: URLSearchParams): RequestFields {
  return { get: (n) => params.get(n) ?? undefined, getAll: (n) => params.getAll(n), raw: (n) => params.get(n) ?? undefined };
}

function scalar(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "bigint") return String(v);
  return undefined;
}

function fromObject(body: Record<string, unknown>): RequestFields {
  return {
    get: (n) => scalar(body[n]),
    getAll: (n) => {
      const v = body[n];
      return (Array.isArray(v) ? v : [v]).map(scalar).filter((x): x is string => x !== undefined);
    },
    raw: (n) => body[n],
  };
}

export async function requestFields(c: Context, queryOnly = false): Promise<RequestFields> {
  const url = new URL(c.req.url);
  if (queryOnly || c.req.method === "GET" || c.req.method === "HEAD") {
    if (url.search.length > 1 || queryOnly) return fromQuery(url.searchParams);
  }
  // c.req.text() is cached by Hono, so the handler can still read the body.
  const text = await c.req.text();
  let body: unknown = null;
  try {
    body = text.trim() ? JSON.parse(text) : {};
    if (typeof body === "string") body = JSON.parse(body);
  } catch {
    body = {};
  }
  return body && typeof body === "object" && !Array.isArray(body) ? fromObject(body as Record<string, unknown>) : fromObject({});
}
