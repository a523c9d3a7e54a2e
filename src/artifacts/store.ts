/**
 * The artifact store: MLflow's artifact-repository operations on canonical artifact paths (see
 * paths.ts), backed by one S3 bucket under an optional key prefix, with S3 failures translated
 * into MLflow errors. Every loop over storage pages is bounded: each page is a subrequest, and a
 * Worker request may make only 50 (Free) or 1,000+ (Paid) of them.
 */
import { MlflowError } from "../errors";
import type { S3Config } from "./config";
import { uploadAtomically, type Background } from "./atomic-upload";
import { downloadHeaders, guessMimeType, presignedDisposition, pythonMimeType } from "./content";
import { baseName, joinArtifactPath } from "./paths";
import { S3Client, S3Error, S3_PAGE_SIZE } from "./s3";

/** Listing pages per request: 20 × 1000 direct children is far beyond any real artifact directory. */
const MAX_LIST_PAGES = 20;
/** Recursive delete rounds (one list + one bulk delete each): 20,000 objects, 40 subrequests. */
const MAX_DELETE_ROUNDS = 20;
/** S3 allows 10,000 parts per multipart upload. */
export const MAX_MULTIPART_PARTS = 10_000;
/** S3's and R2's limit for a single PutObject. */
const MAX_SINGLE_PUT_BYTES = 5 * 1024 ** 3;
/** Part URLs are minted all at once when the upload starts; an hour covers a large upload on a slow link. */
const PART_URL_TTL_SECONDS = 3600;
/** MLflow's MLFLOW_PRESIGNED_DOWNLOAD_URL_TTL_SECONDS default; the client re-asks on retries. */
const DOWNLOAD_URL_TTL_SECONDS = 300;

/**
 * Upload IDs are opaque tokens from the store (URL-safe base64-like on S3 and R2). They end up in
 * storage URLs, so anything else, `..` included, is refused before it gets there.
 */
function checkUploadId(uploadId: string): string {
  if (!/^[A-Za-z0-9_.~+=\/-]{1,1024}$/.test(uploadId) || uploadId.includes("..")) {
    throw MlflowError.invalidParameter("Invalid upload_id.");
  }
  return uploadId;
}

export interface FileInfo {
  path: string;
  is_dir: boolean;
  file_size?: number;
}

export interface MultipartCredential {
  url: string;
  part_number: number;
  headers: Record<string, string>;
}

/** Turns a storage failure into the MLflow error a client can act on; `path` names the artifact. */
export function storageError(err: unknown, path: string): MlflowError {
  if (err instanceof MlflowError) return err;
  if (!(err instanceof S3Error)) {
    console.error("artifact storage unreachable:", err instanceof Error ? err.message : err);
    return new MlflowError("TEMPORARILY_UNAVAILABLE", "Artifact storage is unreachable; try again.");
  }
  if (err.code === "NoSuchKey" || (err.status === 404 && err.code === "HTTP404")) return MlflowError.notFound(`No such artifact: '${path}'`);
  if (err.code === "NoSuchUpload") return MlflowError.notFound(`No such multipart upload for artifact '${path}'.`);
  if (err.status === 429 || err.code === "SlowDown") {
    return new MlflowError("REQUEST_LIMIT_EXCEEDED", `Artifact storage is throttling writes to '${path}'; retry shortly.`, { "retry-after": "1" });
  }
  if (err.status === 400) return MlflowError.invalidParameter(`Artifact storage rejected the request for '${path}': ${err.code}: ${err.message}`);
  console.error(`artifact storage error ${err.status} ${err.code}: ${err.message}`);
  if (err.status === 403 || err.status === 401) return new MlflowError("INTERNAL_ERROR", "Artifact storage denied the server's credentials; check the S3_* settings.");
  if (err.status >= 500) return new MlflowError("TEMPORARILY_UNAVAILABLE", `Artifact storage failed (${err.code}); try again.`);
  return new MlflowError("INTERNAL_ERROR", `Artifact storage error ${err.code}.`);
}

/**
 * Whether a body of unknown length turns out to be empty. Reads at most until the first non-empty
 * chunk, then gives up on the body (it is refused anyway), so nothing is buffered.
 */
async function isEmptyStream(body: ReadableStream | null): Promise<boolean> {
  if (body === null) return true;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return true;
    if (value && (value as Uint8Array).byteLength > 0) {
      await reader.cancel().catch(() => undefined);
      return false;
    }
  }
}

async function guarded<T>(path: string, op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    throw storageError(err, path);
  }
}

export class ArtifactStore {
  private readonly s3: S3Client;

  constructor(private readonly cfg: S3Config) {
    this.s3 = new S3Client(cfg);
  }

  /** The bucket key of an artifact path: `<S3_PREFIX>/<path>`. */
  key(path: string): string {
    return joinArtifactPath(this.cfg.prefix, path);
  }

  /** The key prefix that lists the children of directory `path`. */
  private dirPrefix(path: string): string {
    const key = this.key(path);
    return key === "" ? "" : `${key}/`;
  }

  /**
   * Streams a request body into the artifact at `path`; the artifact appears only once every
   * announced byte arrived (atomic-upload.ts). `background` is the request's waitUntil.
   */
  async upload(path: string, body: ReadableStream | null, contentLength: string | undefined, background?: Background): Promise<void> {
    if (contentLength === undefined && (await isEmptyStream(body))) {
      // Python's requests sends an empty file chunked, without a length: store it as empty.
      await guarded(path, () => this.s3.put(this.key(path), null, 0, guessMimeType(path)));
      return;
    }
    if (contentLength === undefined || !/^\d+$/.test(contentLength.trim())) {
      // A chunked body would reach S3 without a length, which PutObject rejects after the bytes
      // were sent; refuse up front, and point at multipart for bodies too large to send whole.
      throw MlflowError.invalidParameter(
        "Artifact uploads need a Content-Length header. For large files use multipart upload " +
          "(MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD=true).",
      );
    }
    const length = Number(contentLength);
    if (length > MAX_SINGLE_PUT_BYTES) {
      throw MlflowError.invalidParameter("Artifact is larger than 5 GiB; upload it with multipart upload (MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD=true).");
    }
    await guarded(path, () => uploadAtomically(this.s3, this.key(path), body, length, guessMimeType(path), background));
  }

  /** The artifact's bytes as a streamed response, honouring a client's Range header. */
  async download(path: string, range: string | undefined): Promise<Response> {
    if (path === "") throw MlflowError.invalidParameter("Artifact path refers to a directory, not a file: ''");
    let res: Response;
    try {
      res = await this.s3.get(this.key(path), range);
    } catch (err) {
      if (err instanceof S3Error && err.status === 416) {
        return new Response(null, { status: 416, headers: { "content-range": "bytes */*", "x-content-type-options": "nosniff" } });
      }
      if (err instanceof S3Error && err.status === 404 && (await this.isDirectory(path))) {
        throw MlflowError.invalidParameter(`Artifact path refers to a directory, not a file: '${path}'`);
      }
      throw storageError(err, path);
    }
    const headers = new Headers(downloadHeaders(path));
    headers.set("accept-ranges", "bytes");
    for (const name of ["content-length", "content-range", "etag", "last-modified"]) {
      const value = res.headers.get(name);
      if (value) headers.set(name, value);
    }
    return new Response(res.body, { status: res.status, headers });
  }

  private async isDirectory(path: string): Promise<boolean> {
    const page = await guarded(path, () => this.s3.list(this.dirPrefix(path), { maxKeys: 1 }));
    return page.objects.length > 0;
  }

  /** Direct children of directory `path` ("" = the root), names relative to it, sorted. */
  async list(path: string): Promise<FileInfo[]> {
    const prefix = this.dirPrefix(path);
    const files: FileInfo[] = [];
    let token: string | undefined;
    for (let page = 0; page < MAX_LIST_PAGES; page++) {
      const result = await guarded(path, () => this.s3.list(prefix, { delimiter: "/", continuationToken: token }));
      for (const dir of result.commonPrefixes) {
        const name = dir.slice(prefix.length).replace(/\/$/, "");
        if (name !== "") files.push({ path: name, is_dir: true });
      }
      for (const object of result.objects) {
        const name = object.key.slice(prefix.length);
        // MLflow's listings are protobuf messages, whose JSON leaves out a zero file_size.
        if (name !== "") files.push(object.size > 0 ? { path: name, is_dir: false, file_size: object.size } : { path: name, is_dir: false });
      }
      token = result.nextContinuationToken;
      if (!token) break;
    }
    return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /** Deletes the artifact at `path` and, if it is a directory, everything under it. */
  async delete(path: string): Promise<void> {
    if (path === "") throw MlflowError.invalidParameter("Refusing to delete the artifact root.");
    await guarded(path, () => this.s3.deleteObject(this.key(path)));
    const prefix = this.dirPrefix(path);
    for (let round = 0; round < MAX_DELETE_ROUNDS; round++) {
      // Listing from the start each round: what was deleted no longer appears.
      const page = await guarded(path, () => this.s3.list(prefix, { maxKeys: S3_PAGE_SIZE }));
      if (page.objects.length === 0) return;
      await guarded(path, () => this.s3.deleteKeys(page.objects.map((o) => o.key)));
      if (!page.nextContinuationToken) return;
    }
    throw new MlflowError(
      "TEMPORARILY_UNAVAILABLE",
      `Deleted ${MAX_DELETE_ROUNDS * S3_PAGE_SIZE} objects under '${path}' and more remain; repeat the request to continue.`,
    );
  }

  /** Starts a multipart upload of `<dir>/<fileName>` and presigns one URL per part. */
  async createMultipart(dir: string, fileName: string, numParts: number): Promise<{ upload_id: string; credentials: MultipartCredential[] }> {
    if (!Number.isInteger(numParts) || numParts < 0 || numParts > MAX_MULTIPART_PARTS) {
      throw MlflowError.invalidParameter(`num_parts must be between 1 and ${MAX_MULTIPART_PARTS}, got ${numParts}.`);
    }
    const path = joinArtifactPath(dir, fileName);
    const key = this.key(path);
    const uploadId = await guarded(path, () => this.s3.createMultipart(key, guessMimeType(path)));
    const credentials: MultipartCredential[] = [];
    for (let part = 1; part <= numParts; part++) {
      credentials.push({ url: await this.s3.presignPart(key, uploadId, part, PART_URL_TTL_SECONDS), part_number: part, headers: {} });
    }
    return { upload_id: uploadId, credentials };
  }

  async completeMultipart(dir: string, fileName: string, uploadId: string, parts: { partNumber: number; etag: string }[]): Promise<void> {
    const path = joinArtifactPath(dir, fileName);
    checkUploadId(uploadId);
    if (parts.length === 0 || parts.length > MAX_MULTIPART_PARTS) throw MlflowError.invalidParameter("parts must list the uploaded parts.");
    await guarded(path, () => this.s3.completeMultipart(this.key(path), uploadId, parts));
  }

  async abortMultipart(dir: string, fileName: string, uploadId: string): Promise<void> {
    const path = joinArtifactPath(dir, fileName);
    checkUploadId(uploadId);
    try {
      await this.s3.abortMultipart(this.key(path), uploadId);
    } catch (err) {
      // Aborting is cleanup after a failed upload: an upload that is already gone is done, and a
      // store without AbortMultipartUpload leaves the parts to its lifecycle rules.
      if (err instanceof S3Error && (err.code === "NoSuchUpload" || err.status === 405 || err.status === 501)) {
        if (err.code !== "NoSuchUpload") console.warn(`AbortMultipartUpload unsupported by the store (${err.code}); parts of '${path}' remain until lifecycle cleanup`);
        return;
      }
      throw storageError(err, path);
    }
  }

  /** A short-lived URL the client can fetch byte ranges of the artifact from, with its size. */
  async presignedDownload(
    path: string,
    expiresInSeconds = DOWNLOAD_URL_TTL_SECONDS,
    { directoryIsMissing = false } = {},
  ): Promise<{ url: string; headers: Record<string, string>; file_size: number }> {
    const head = await guarded(path, () => this.s3.head(this.key(path)));
    if (!head) {
      if (!directoryIsMissing && (await this.isDirectory(path))) throw MlflowError.invalidParameter(`Artifact path refers to a directory, not a file: '${path}'`);
      throw MlflowError.notFound(`No such artifact: '${path}'`);
    }
    const url = await this.s3.presignGet(this.key(path), expiresInSeconds, presignedDisposition(baseName(path)));
    return { url, headers: {}, file_size: head.size };
  }

  /**
   * A URL that lets its holder PUT the artifact at `path` straight into the bucket, and the
   * headers the PUT must carry (the Content-Type is part of the signature, as in MLflow).
   */
  async presignedUpload(path: string, expiresInSeconds: number): Promise<{ presigned_url: string; headers: Record<string, string> }> {
    const contentType = pythonMimeType(path);
    const url = await this.s3.presignPut(this.key(path), expiresInSeconds, contentType);
    return { presigned_url: url, headers: { "Content-Type": contentType } };
  }
}
