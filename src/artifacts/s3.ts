/**
 * A minimal S3 client over aws4fetch for any S3-compatible store (Cloudflare R2, AWS S3, MinIO).
 *
 * - Bodies are never buffered: uploads pipe the caller's stream, downloads return the store's
 *   response body as is. A Worker has 128 MB for all its concurrent requests.
 * - `retries: 0`: aws4fetch retries 5xx/429 by re-sending the same init, which a consumed stream
 *   cannot be. Clients (MLflow's retry policy) retry whole requests instead.
 * - Path-style URLs (`<endpoint>/<bucket>/<key>`) with each key segment RFC 3986-encoded
 *   (`encodeURIComponent` plus `!'()*`): aws4fetch decodes and re-encodes the path that way to
 *   build the canonical request, so the path we send must match it byte for byte.
 * - Every call has a deadline (`S3_TIMEOUT_MS`) for the store's answer: a store that accepts the
 *   connection and then says nothing ends in DeadlineExceeded (a 503), not a request that hangs.
 *   While an upload streams, only the store's own silence counts (upload-watch.ts).
 *   Once a download's headers have arrived its body streams on without a deadline.
 */
import { AwsClient } from "aws4fetch";
import { DeadlineExceeded } from "../lib/deadline";
import type { S3Config } from "./config";
import { watchedUpload, type BodyOutcome } from "./upload-watch";
import { completeMultipartXml, deleteObjectsXml, parseCopyResult, parseError, parseListPage, parseListParts, tagValue, type ListPage, type ListedPart } from "./s3-xml";

/** S3 allows at most 1000 keys per DeleteObjects and per ListObjectsV2 page. */
export const S3_PAGE_SIZE = 1000;

/** A failed storage call: the store's HTTP status and S3 error code (e.g. 404 NoSuchKey). */
export class S3Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "S3Error";
  }
}

export function encodeKey(key: string): string {
  return key
    .split("/")
    .map((segment) => encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join("/");
}

async function failure(res: Response, what: string): Promise<S3Error> {
  // Error bodies are a few hundred bytes of XML; HEAD responses have none.
  const text = res.body ? await res.text().catch(() => "") : "";
  const parsed = parseError(text);
  return new S3Error(res.status, parsed?.code ?? `HTTP${res.status}`, parsed?.message || `${what} failed with HTTP ${res.status}`);
}

/** A body to stream upstream, of known length; `observe` learns what became of it. */
interface Upload {
  body: ReadableStream<Uint8Array>;
  length: number;
  observe?: (outcome: Promise<BodyOutcome>) => void;
}

export interface ObjectHead {
  size: number;
  etag: string | null;
}

export class S3Client {
  private readonly aws: AwsClient;

  constructor(private readonly cfg: S3Config) {
    this.aws = new AwsClient({
      accessKeyId: cfg.accessKeyId,
      secretAccessKey: cfg.secretAccessKey,
      service: "s3",
      region: cfg.region,
      retries: 0,
    });
  }

  objectUrl(key: string, query?: Record<string, string>): string {
    const url = `${this.cfg.endpoint}/${encodeURIComponent(this.cfg.bucket)}/${encodeKey(key)}`;
    return query ? `${url}?${new URLSearchParams(query)}` : url;
  }

  private bucketUrl(query: Record<string, string>): string {
    return `${this.cfg.endpoint}/${encodeURIComponent(this.cfg.bucket)}?${new URLSearchParams(query)}`;
  }

  /** Sends one request; rejects with DeadlineExceeded if the store keeps us waiting longer than allowed. */
  private async send(url: string, init: RequestInit, upload?: Upload): Promise<Response> {
    const ms = this.cfg.timeoutMs;
    const abort = new AbortController();
    let stopWatching: () => void;
    let body = init.body;
    if (upload) {
      const watched = watchedUpload(upload.body, upload.length, ms, () => abort.abort());
      upload.observe?.(watched.outcome);
      body = watched.body;
      stopWatching = watched.answered;
    } else {
      const timer = setTimeout(() => abort.abort(), ms);
      stopWatching = () => clearTimeout(timer);
    }
    try {
      return await this.aws.fetch(url, { ...init, body, signal: abort.signal });
    } catch (err) {
      if (abort.signal.aborted) throw new DeadlineExceeded("artifact storage", ms);
      throw err;
    } finally {
      stopWatching();
    }
  }

  /** Streams `body` (exactly `length` bytes) into `key`. S3 rejects bodies of unknown length. */
  async put(key: string, body: ReadableStream | null, length: number, contentType?: string): Promise<void> {
    const headers: Record<string, string> = { "content-length": String(length) };
    if (contentType) headers["content-type"] = contentType;
    const res = length === 0 || body === null
      ? await this.send(this.objectUrl(key), { method: "PUT", headers, body: null })
      : await this.send(this.objectUrl(key), { method: "PUT", headers }, { body, length });
    if (!res.ok) throw await failure(res, "PutObject");
    await res.body?.cancel();
  }

  /** GetObject; `range` is a client's Range header, passed through. Returns 200/206 responses only. */
  async get(key: string, range?: string): Promise<Response> {
    const headers: Record<string, string> = {};
    if (range) headers.range = range;
    const res = await this.send(this.objectUrl(key), { method: "GET", headers });
    if (res.status !== 200 && res.status !== 206) throw await failure(res, "GetObject");
    return res;
  }

  async head(key: string): Promise<ObjectHead | null> {
    const res = await this.send(this.objectUrl(key), { method: "HEAD" });
    if (res.status === 404) return null;
    if (!res.ok) throw await failure(res, "HeadObject");
    return { size: Number(res.headers.get("content-length") ?? 0), etag: res.headers.get("etag") };
  }

  /** One ListObjectsV2 page of keys under `prefix`; with a delimiter, sub-"directories" are grouped. */
  async list(prefix: string, opts: { delimiter?: string; continuationToken?: string; maxKeys?: number } = {}): Promise<ListPage> {
    const query: Record<string, string> = { "list-type": "2", prefix, "max-keys": String(opts.maxKeys ?? S3_PAGE_SIZE) };
    if (opts.delimiter) query.delimiter = opts.delimiter;
    if (opts.continuationToken) query["continuation-token"] = opts.continuationToken;
    const res = await this.send(this.bucketUrl(query), { method: "GET" });
    if (!res.ok) throw await failure(res, "ListObjectsV2");
    return parseListPage(await res.text());
  }

  async deleteObject(key: string): Promise<void> {
    const res = await this.send(this.objectUrl(key), { method: "DELETE" });
    // Deleting a missing key is not an error in S3 (204); some stores answer 404.
    if (!res.ok && res.status !== 404) throw await failure(res, "DeleteObject");
    await res.body?.cancel();
  }

  /** DeleteObjects for up to 1000 keys in one call. AWS requires Content-MD5 on it. */
  async deleteKeys(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    const xml = deleteObjectsXml(keys);
    const bytes = new TextEncoder().encode(xml);
    const md5 = await crypto.subtle.digest("MD5", bytes);
    const contentMd5 = btoa(String.fromCharCode(...new Uint8Array(md5)));
    const res = await this.send(this.bucketUrl({ delete: "" }), {
      method: "POST",
      headers: { "content-type": "application/xml", "content-md5": contentMd5 },
      body: bytes,
    });
    if (!res.ok) throw await failure(res, "DeleteObjects");
    const error = parseError(await res.text());
    if (error) throw new S3Error(500, error.code, `DeleteObjects: ${error.message}`);
  }

  /** CreateMultipartUpload: returns the UploadId. */
  async createMultipart(key: string, contentType?: string): Promise<string> {
    const headers: Record<string, string> = {};
    if (contentType) headers["content-type"] = contentType;
    const res = await this.send(this.objectUrl(key, { uploads: "" }), { method: "POST", headers });
    if (!res.ok) throw await failure(res, "CreateMultipartUpload");
    const uploadId = tagValue(await res.text(), "UploadId");
    if (!uploadId) throw new S3Error(502, "MalformedResponse", "CreateMultipartUpload returned no UploadId");
    return uploadId;
  }

  async completeMultipart(key: string, uploadId: string, parts: { partNumber: number; etag: string }[]): Promise<void> {
    const res = await this.send(this.objectUrl(key, { uploadId }), {
      method: "POST",
      headers: { "content-type": "application/xml" },
      body: completeMultipartXml(parts),
    });
    if (!res.ok) throw await failure(res, "CompleteMultipartUpload");
    // S3 may answer 200 and report the failure in the body.
    const error = parseError(await res.text());
    if (error) throw new S3Error(400, error.code, error.message);
  }

  async abortMultipart(key: string, uploadId: string): Promise<void> {
    const res = await this.send(this.objectUrl(key, { uploadId }), { method: "DELETE" });
    if (!res.ok) throw await failure(res, "AbortMultipartUpload");
    await res.body?.cancel();
  }

  /** A URL that lets its holder PUT one part of one multipart upload, and nothing else. */
  presignPart(key: string, uploadId: string, partNumber: number, expiresInSeconds: number): Promise<string> {
    return this.presign("PUT", this.objectUrl(key, { partNumber: String(partNumber), uploadId, "X-Amz-Expires": String(expiresInSeconds) }));
  }

  /** A URL that lets its holder GET (with Range) one object, served as an attachment. */
  presignGet(key: string, expiresInSeconds: number, contentDisposition: string): Promise<string> {
    return this.presign(
      "GET",
      this.objectUrl(key, { "response-content-disposition": contentDisposition, "X-Amz-Expires": String(expiresInSeconds) }),
    );
  }

  /** An unchecked request on one object: the store's raw answer (conditional reads, 304/412). */
  objectRequest(method: string, key: string, init: { query?: Record<string, string>; headers?: Record<string, string>; body?: BodyInit | null } = {}): Promise<Response> {
    return this.send(this.objectUrl(key, init.query), { method, headers: init.headers ?? {}, body: init.body ?? null });
  }

  /** CopyObject within the bucket; `headers` may add x-amz-copy-source-if-* conditions. */
  async copy(sourceKey: string, destKey: string, headers: Record<string, string> = {}): Promise<{ etag: string }> {
    const source = `/${encodeURIComponent(this.cfg.bucket)}/${encodeKey(sourceKey)}`;
    const res = await this.send(this.objectUrl(destKey), { method: "PUT", headers: { ...headers, "x-amz-copy-source": source } });
    if (!res.ok) throw await failure(res, "CopyObject");
    // Like CompleteMultipartUpload, a copy can fail after its 200 status line.
    const result = parseCopyResult(await res.text());
    if ("code" in result) throw new S3Error(500, result.code, `CopyObject: ${result.message}`);
    return result;
  }

  /** UploadPart with the server's own credentials: streams exactly `length` bytes, returns the part's ETag. */
  /** UploadPart; `observe` is handed what became of `body` (read whole, short, failed: see upload-watch.ts). */
  async uploadPart(key: string, uploadId: string, partNumber: number, body: ReadableStream | null, length: number, observe?: (outcome: Promise<BodyOutcome>) => void): Promise<string> {
    const url = this.objectUrl(key, { partNumber: String(partNumber), uploadId });
    const headers = { "content-length": String(length) };
    // A part streams as long as its client sends: only the store's silence counts (see send()).
    const res = length === 0 || body === null
      ? await this.send(url, { method: "PUT", headers, body: null })
      : await this.send(url, { method: "PUT", headers }, { body, length, observe });
    if (!res.ok) throw await failure(res, "UploadPart");
    await res.body?.cancel();
    const etag = res.headers.get("etag");
    if (!etag) throw new S3Error(502, "MalformedResponse", "UploadPart returned no ETag");
    return etag;
  }

  /** ListParts: every uploaded part of a multipart upload, in part order (pages of 1000 followed). */
  async listParts(key: string, uploadId: string): Promise<ListedPart[]> {
    const parts: ListedPart[] = [];
    let marker: string | undefined;
    for (let page = 0; page < 10; page++) {
      const query: Record<string, string> = { uploadId };
      if (marker) query["part-number-marker"] = marker;
      const res = await this.send(this.objectUrl(key, query), { method: "GET" });
      if (!res.ok) throw await failure(res, "ListParts");
      const result = parseListParts(await res.text());
      parts.push(...result.parts);
      marker = result.nextPartNumberMarker;
      if (!marker) break;
    }
    return parts;
  }

  /** A URL that lets its holder PUT one object; the holder must send `contentType` as signed. */
  presignPut(key: string, expiresInSeconds: number, contentType: string): Promise<string> {
    return this.aws
      .sign(this.objectUrl(key, { "X-Amz-Expires": String(expiresInSeconds) }), {
        method: "PUT",
        headers: { "content-type": contentType },
        aws: { signQuery: true, allHeaders: true },
      })
      .then((signed) => signed.url);
  }

  private async presign(method: string, url: string): Promise<string> {
    const signed = await this.aws.sign(url, { method, aws: { signQuery: true } });
    return signed.url;
  }
}
