/** The REST client: MLflow's /ajax-api endpoints, int64-safe JSON, and errors that pages can show. */
import { parseJson } from "./json";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Query = Record<string, string | number | boolean | undefined | null | (string | number)[]>;

const PREFIX = "/ajax-api/2.0/mlflow";

function queryString(query: Query | undefined): string {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) v.forEach((item) => params.append(k, String(item)));
    else params.append(k, String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : "";
}

async function request<T>(method: string, path: string, init: { query?: Query; body?: unknown }): Promise<T> {
  let res: Response;
  try {
    res = await fetch(PREFIX + path + queryString(init.query), {
      method,
      headers: init.body === undefined ? undefined : { "content-type": "application/json" },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  } catch (e) {
    throw new ApiError(0, "NETWORK_ERROR", `Could not reach the server: ${(e as Error).message}`);
  }
  const text = await res.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = parseJson(text);
    } catch {
      if (res.ok) throw new ApiError(res.status, "BAD_RESPONSE", `The server sent invalid JSON for ${path}.`);
    }
  }
  if (!res.ok) {
    const body = (data ?? {}) as { error_code?: string; message?: string };
    if (res.status === 404 && !body.error_code) {
      throw new ApiError(404, "ENDPOINT_NOT_FOUND", `This server does not provide ${path} (HTTP 404).`);
    }
    throw new ApiError(res.status, body.error_code ?? `HTTP_${res.status}`, body.message ?? (text.slice(0, 300) || res.statusText));
  }
  return (data ?? {}) as T;
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>("GET", path, { query }),
  post: <T>(path: string, body: unknown = {}) => request<T>("POST", path, { body }),
  patch: <T>(path: string, body: unknown = {}) => request<T>("PATCH", path, { body }),
  del: <T>(path: string, body: unknown = {}) => request<T>("DELETE", path, { body }),
};

/** URL of an artifact's bytes; served by the Worker outside /ajax-api, as MLflow does. */
export function artifactUrl(runId: string, path: string): string {
  return `/get-artifact?${new URLSearchParams({ path, run_uuid: runId })}`;
}

export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return `${e.code}: ${e.message}`;
  return e instanceof Error ? e.message : String(e);
}
