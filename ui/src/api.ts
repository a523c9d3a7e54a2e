/**
 * The REST client: MLflow's /ajax-api endpoints, int64-safe JSON, and errors that pages can show.
 *
 * Transient failures (503 TEMPORARILY_UNAVAILABLE, 429, a dropped connection) are retried with
 * backoff for requests that only read, honouring Retry-After; while any request waits for its next
 * try, `retrying` is above zero and the shell shows a quiet "retrying" note instead of an error.
 * Writes are not retried: the server may have applied them.
 */
import { signal } from "@preact/signals";
import { parseJson } from "./json";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

type Query = Record<string, string | number | boolean | undefined | null | (string | number)[]>;

const PREFIX = "/ajax-api/2.0/mlflow";
/** Delays between tries when the server gives no Retry-After; the last one is repeated. */
const BACKOFF_MS = [500, 1000, 2000, 4000, 8000];
const MAX_TRIES = 6;

/** How many requests are waiting to be tried again right now. */
export const retrying = signal(0);

/** A longer Retry-After is capped: the user is watching a page, not a batch job. */
const MAX_WAIT_MS = 15_000;

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

/** POSTs that only read (MLflow uses POST for some searches). */
const READ_ONLY_POST = /\/(search|search-datasets|get-latest-versions)$/;

function isTransient(e: unknown): e is ApiError {
  return e instanceof ApiError && (e.status === 0 || e.status === 503 || e.status === 429 || e.code === "TEMPORARILY_UNAVAILABLE");
}

function retryAfter(res: Response): number | undefined {
  const h = res.headers.get("retry-after");
  if (!h) return undefined;
  const seconds = Number(h);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(h);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

async function once<T>(method: string, url: string, path: string, body: unknown, plainJson = false): Promise<T> {
  let res: Response;
  try {
    const init: RequestInit = { method };
    if (body !== undefined) {
      init.headers = { "content-type": "application/json" };
      init.body = JSON.stringify(body);
    }
    res = await fetch(url, init);
  } catch (e) {
    throw new ApiError(0, "NETWORK_ERROR", `Could not reach the server: ${(e as Error).message}`);
  }
  const text = await res.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = plainJson ? JSON.parse(text) : parseJson(text);
    } catch {
      if (res.ok) throw new ApiError(res.status, "BAD_RESPONSE", `The server sent invalid JSON for ${path}.`);
    }
  }
  if (!res.ok) {
    const err = (data ?? {}) as { error_code?: string; message?: string };
    if (res.status === 404 && !err.error_code) {
      throw new ApiError(404, "ENDPOINT_NOT_FOUND", `This server does not provide ${path} (HTTP 404).`);
    }
    throw new ApiError(res.status, err.error_code ?? `HTTP_${res.status}`, err.message ?? (text.slice(0, 300) || res.statusText), retryAfter(res));
  }
  return (data ?? {}) as T;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type RequestOptions = { query?: Query | undefined; body?: unknown; prefix?: string; plainJson?: boolean };

/**
 * Reads asked for ahead of the code that will ask for them (a page load's first reads, started
 * by the entry bundle while the page's own code is still loading), each handed to the first
 * identical request within EARLY_TTL_MS, once. Only reads: a write is never sent before a page
 * decides to send it.
 */
const early = new Map<string, { answer: Promise<unknown>; at: number }>();
const EARLY_TTL_MS = 10_000;

const onlyReads = (method: string, path: string) => method === "GET" || (method === "POST" && READ_ONLY_POST.test(path));
const requestKey = (method: string, url: string, init: RequestOptions) =>
  `${method} ${url}${init.plainJson ? " plain" : ""}${init.body === undefined ? "" : ` ${JSON.stringify(init.body)}`}`;

const urlOf = (path: string, init: RequestOptions) => (init.prefix ?? PREFIX) + path + queryString(init.query);

/** Starts a read now; the first identical request made within 10 s gets its answer. */
export function prefetch(method: "GET" | "POST", path: string, init: RequestOptions = {}): void {
  if (!onlyReads(method, path)) throw new Error(`${method} ${path} is not a read`);
  const key = requestKey(method, urlOf(path, init), init);
  for (const [k, e] of early) if (Date.now() - e.at >= EARLY_TTL_MS) early.delete(k);
  if (early.has(key)) return;
  const answer = request(method, path, init);
  answer.catch(() => undefined); // the page that takes it reports a failure
  early.set(key, { answer, at: Date.now() });
}

async function request<T>(method: string, path: string, init: RequestOptions): Promise<T> {
  const url = urlOf(path, init);
  if (early.size > 0) {
    const key = requestKey(method, url, init);
    const ahead = early.get(key);
    if (ahead) {
      early.delete(key);
      if (Date.now() - ahead.at < EARLY_TTL_MS) return ahead.answer as Promise<T>;
    }
  }
  const canRetry = onlyReads(method, path);
  for (let attempt = 1; ; attempt++) {
    try {
      return await once<T>(method, url, path, init.body, init.plainJson);
    } catch (e) {
      if (!canRetry || !isTransient(e) || attempt >= MAX_TRIES) throw e;
      const wait = Math.min(e.retryAfterMs ?? BACKOFF_MS[Math.min(attempt - 1, BACKOFF_MS.length - 1)]!, MAX_WAIT_MS);
      retrying.value++;
      try {
        await sleep(wait);
      } finally {
        retrying.value--;
      }
    }
  }
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>("GET", path, { query }),
  /**
   * A GET whose answer has no int64 that could exceed 2^53 where exactness matters (chart data):
   * plain JSON.parse, without the long-integer pass over megabytes of text.
   */
  getPlain: <T>(path: string, query?: Query) => request<T>("GET", path, { query, plainJson: true }),
  post: <T>(path: string, body: unknown = {}) => request<T>("POST", path, { body }),
  patch: <T>(path: string, body: unknown = {}) => request<T>("PATCH", path, { body }),
  del: <T>(path: string, body: unknown = {}) => request<T>("DELETE", path, { body }),
};

/** MLflow 3's RPCs (traces, assessments, GenAI datasets) live under /ajax-api/3.0. */
const PREFIX_V3 = "/ajax-api/3.0/mlflow";
export const api3 = {
  get: <T>(path: string, query?: Query) => request<T>("GET", path, { query, prefix: PREFIX_V3 }),
  prefetch: (method: "GET" | "POST", path: string, init: Omit<RequestOptions, "prefix"> = {}) => prefetch(method, path, { ...init, prefix: PREFIX_V3 }),
  post: <T>(path: string, body: unknown = {}) => request<T>("POST", path, { body, prefix: PREFIX_V3 }),
  patch: <T>(path: string, body: unknown = {}) => request<T>("PATCH", path, { body, prefix: PREFIX_V3 }),
  del: <T>(path: string, body: unknown = {}) => request<T>("DELETE", path, { body, prefix: PREFIX_V3 }),
};

/** URL of an artifact's bytes; served by the Worker outside /ajax-api, as MLflow does. */
export function artifactUrl(runId: string, path: string): string {
  return `/get-artifact?${new URLSearchParams({ path, run_uuid: runId })}`;
}

/** Where a file's bytes come from: a run's artifacts, a logged model's, or a model version's. */
export type ArtifactSource = { kind: "run"; runId: string } | { kind: "logged-model"; modelId: string } | { kind: "model-version"; name: string; version: string };

export function sourceFileUrl(source: ArtifactSource, path: string): string {
  if (source.kind === "run") return artifactUrl(source.runId, path);
  if (source.kind === "logged-model") return `${PREFIX}/logged-models/${encodeURIComponent(source.modelId)}/artifacts/files?${new URLSearchParams({ artifact_file_path: path })}`;
  return `/model-versions/get-artifact?${new URLSearchParams({ path, name: source.name, version: source.version })}`;
}

export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return `${e.code}: ${e.message}`;
  return e instanceof Error ? e.message : String(e);
}

export function isNotFound(e: unknown): boolean {
  return e instanceof ApiError && (e.code === "RESOURCE_DOES_NOT_EXIST" || (e.status === 404 && e.code !== "ENDPOINT_NOT_FOUND"));
}
