// The local S3-compatible store: a small HTTP server that answers the S3 API the way S3 and R2 do,
// for `npm run dev`, the tests and the benchmark. Path-style requests (`/<bucket>/<key>`), SigV4
// on every S3 request (Authorization header or presigned query), and the operations the Worker
// and MLflow's clients use: ListBuckets, Create/Head/DeleteBucket, ListObjects (V1 and V2: prefix,
// delimiter, max-keys, continuation tokens, start-after, encoding-type=url), Get/Head/Put/Delete
// Object (ranges, conditional requests, response-* overrides, Content-MD5 and x-amz-checksum-*
// and payload-hash checks), CopyObject, DeleteObjects, and multipart uploads (create, UploadPart,
// UploadPartCopy, ListParts, complete, abort, ListMultipartUploads). Where R2 is stricter than S3
// (multipart parts of one size) it follows R2, which is what production runs on.
//
// Bodies become visible only when whole (see storage.mjs): a client that disconnects mid-upload,
// or sends fewer bytes than its Content-Length, leaves nothing behind. For tests of code that must
// survive careless stores, a bucket can be told to keep such cut-off bodies instead:
//   PUT /_local/buckets/<bucket>  {"keepTruncatedUploads": true}
// (plain HTTP on loopback, not S3; it also creates the bucket).
import crypto from "node:crypto";
import fsp from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { S3Fault, errorXml, faults, requestId } from "./errors.mjs";
import {
  BUCKET_SUBRESOURCES,
  CHECKSUMS,
  OBJECT_SUBRESOURCES,
  RESPONSE_OVERRIDES,
  checkConditions,
  checkCopyConditions,
  decodeURIComponentSafe,
  isoDate,
  metadataFrom,
  objectHeaders,
  parseQuery,
  parseRange,
  quoted,
  readSmallBody,
} from "./http.mjs";
import { verifySignature, uriEncode } from "./sigv4.mjs";
import { Bucket, MAX_PARTS, MAX_PUT_BYTES, compareKeys } from "./storage.mjs";
import { child, childrenNamed, document, parseXml, tag } from "./xml.mjs";

export class S3Server {
  /**
   * `credentials`: { accessKeyId: secretAccessKey }; `region`: the region clients sign for (R2's
   * aliases `auto`, `us-east-1` and "" are always accepted); `buckets`: names created at start;
   * `r2Rules`: enforce R2's multipart part-size rule (default true).
   */
  constructor({ dir, credentials, region = "auto", buckets = [], r2Rules = true, log = () => {} }) {
    this.dir = dir;
    this.credentials = new Map(Object.entries(credentials));
    this.regions = [...new Set([region, "auto", "us-east-1", ""])];
    this.initialBuckets = buckets;
    this.r2Rules = r2Rules;
    this.log = log;
    this.buckets = new Map();
    this.server = http.createServer({ requestTimeout: 0, headersTimeout: 60_000, keepAliveTimeout: 5_000 }, (req, res) => {
      this.#handle(req, res).catch((err) => this.#fail(req, res, err));
    });
  }

  async listen(port, host = "127.0.0.1") {
    await fsp.mkdir(this.dir, { recursive: true });
    const existing = (await fsp.readdir(this.dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
    for (const name of new Set([...existing, ...this.initialBuckets])) await this.#createBucket(name);
    await new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, resolve);
    });
    const address = this.server.address();
    this.endpoint = `http://${host}:${address.port}`;
    return this.endpoint;
  }

  close() {
    this.server.closeAllConnections?.();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  async #createBucket(name) {
    let bucket = this.buckets.get(name);
    if (!bucket) {
      bucket = await new Bucket(this.dir, name).open();
      this.buckets.set(name, bucket);
    }
    return bucket;
  }

  #bucket(name) {
    const bucket = this.buckets.get(name);
    if (!bucket) throw faults.noSuchBucket(name);
    return bucket;
  }

  #fail(req, res, err) {
    const fault =
      err instanceof S3Fault
        ? err
        : err?.code === "ERR_STREAM_PREMATURE_CLOSE" || err?.code === "ECONNRESET" || err?.message === "aborted"
          ? faults.incompleteBody()
          : new S3Fault(500, "InternalError", "We encountered an internal error. Please try again.");
    if (!(err instanceof S3Fault) && fault.code === "InternalError") this.log(`local S3 store: ${req.method} ${req.url}: ${err?.stack ?? err}`);
    if (res.headersSent || res.destroyed || req.socket.destroyed) {
      res.destroy();
      return;
    }
    const id = requestId();
    const headers = { "x-amz-request-id": id };
    // A refused body is not read: close the connection rather than drain it.
    if (!req.complete) headers.connection = "close";
    const resource = req.url.split("?")[0];
    if (req.method === "HEAD") {
      res.writeHead(fault.status, headers).end();
    } else {
      const body = errorXml(fault, decodeURIComponentSafe(resource), id);
      res.writeHead(fault.status, { ...headers, "content-type": "application/xml", "content-length": Buffer.byteLength(body) }).end(body);
    }
    if (!req.complete) req.socket.end();
  }

  async #handle(req, res) {
    const [rawPath, rawQuery = ""] = req.url.split(/\?(.*)/s);
    if (rawPath.startsWith("/_local/")) return this.#control(req, res, rawPath);
    let params;
    try {
      params = parseQuery(rawQuery);
    } catch {
      throw faults.invalidArgument("The query string is not valid URL encoding.");
    }
    const q = new Map(params);
    const segments = rawPath.split("/").slice(1);
    let bucketName, key;
    try {
      bucketName = decodeURIComponent(segments[0] ?? "");
      key = segments.length > 1 ? decodeURIComponent(segments.slice(1).join("/")) : "";
    } catch {
      throw faults.invalidArgument("The path is not valid URL encoding.");
    }
    verifySignature(
      { method: req.method, path: rawPath, params, headers: req.headers, headersDistinct: req.headersDistinct },
      { credentials: this.credentials, regions: this.regions },
    );
    const ctx = { req, res, q, params, bucketName, key, h: req.headers };
    if (bucketName === "") {
      if (req.method === "GET") return this.#listBuckets(ctx);
      throw new S3Fault(405, "MethodNotAllowed", "The specified method is not allowed against this resource.");
    }
    if (segments.length === 1 || (segments.length === 2 && segments[1] === "")) return this.#bucketOperation(ctx);
    if (key === "") throw faults.invalidArgument("An object key must not be empty.");
    return this.#objectOperation(ctx);
  }

  // ---- control (not S3) ----------------------------------------------------------------------

  async #control(req, res, rawPath) {
    const m = /^\/_local\/buckets\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])$/.exec(rawPath);
    if (!m) throw new S3Fault(404, "NotFound", "No such control endpoint.");
    let bucket;
    if (req.method === "PUT") {
      let body;
      try {
        body = JSON.parse((await readSmallBody(req, 4096)).toString("utf8") || "{}");
      } catch {
        throw new S3Fault(400, "MalformedJSON", 'Send {"keepTruncatedUploads": true|false}.');
      }
      bucket = await this.#createBucket(m[1]);
      if (typeof body.keepTruncatedUploads === "boolean") bucket.keepTruncatedUploads = body.keepTruncatedUploads;
    } else {
      bucket = this.#bucket(m[1]);
    }
    const body = JSON.stringify({ bucket: bucket.name, keepTruncatedUploads: bucket.keepTruncatedUploads });
    res.writeHead(200, { "content-type": "application/json" }).end(body);
  }

  // ---- buckets -------------------------------------------------------------------------------

  #listBuckets({ res }) {
    const buckets = [...this.buckets.values()]
      .sort((a, b) => compareKeys(a.name, b.name))
      .map((b) => `<Bucket>${tag("Name", b.name)}${tag("CreationDate", isoDate(b.created))}</Bucket>`)
      .join("");
    this.#xml(res, 200, document("ListAllMyBucketsResult", `<Owner><ID>local</ID><DisplayName>local</DisplayName></Owner><Buckets>${buckets}</Buckets>`));
  }

  async #bucketOperation(ctx) {
    const { req, res, q, bucketName } = ctx;
    const sub = BUCKET_SUBRESOURCES.find((s) => q.has(s));
    if (req.method === "PUT") {
      if (sub) throw faults.notImplemented(`PUT ?${sub}`);
      if (this.buckets.has(bucketName)) {
        throw new S3Fault(409, "BucketAlreadyOwnedByYou", "Your previous request to create the named bucket succeeded and you already own it.", { BucketName: bucketName });
      }
      if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucketName)) throw new S3Fault(400, "InvalidBucketName", "The specified bucket is not valid.", { BucketName: bucketName });
      await readSmallBody(req);
      await this.#createBucket(bucketName);
      res.writeHead(200, { location: `/${bucketName}`, "content-length": 0 }).end();
      return;
    }
    const bucket = this.#bucket(bucketName);
    if (req.method === "HEAD") {
      res.writeHead(200, { "x-amz-bucket-region": this.regions[0] }).end();
      return;
    }
    if (req.method === "DELETE") {
      if (sub) throw faults.notImplemented(`DELETE ?${sub}`);
      if (bucket.list({ maxKeys: 1 }).entries.length > 0) throw new S3Fault(409, "BucketNotEmpty", "The bucket you tried to delete is not empty", { BucketName: bucketName });
      this.buckets.delete(bucketName);
      await fsp.rm(bucket.dir, { recursive: true, force: true });
      res.writeHead(204).end();
      return;
    }
    if (req.method === "POST") {
      if (q.has("delete")) return this.#deleteObjects(ctx, bucket);
      throw faults.notImplemented("POST on a bucket (browser form uploads)");
    }
    if (req.method === "GET") {
      if (q.has("uploads")) return this.#listUploads(ctx, bucket);
      if (q.has("location")) {
        this.#xml(res, 200, document("LocationConstraint", this.regions[0] === "us-east-1" ? "" : this.regions[0]));
        return;
      }
      if (sub) throw faults.notImplemented(`GET ?${sub}`);
      return this.#listObjects(ctx, bucket, q.get("list-type") === "2");
    }
    throw new S3Fault(405, "MethodNotAllowed", "The specified method is not allowed against this resource.");
  }

  #listObjects({ res, q }, bucket, v2) {
    if (q.has("list-type") && !v2) throw faults.invalidArgument("Invalid list-type.", "list-type", q.get("list-type"));
    const prefix = q.get("prefix") ?? "";
    const delimiter = q.get("delimiter") ?? "";
    const encodingType = q.get("encoding-type");
    if (encodingType !== undefined && encodingType !== "url") throw faults.invalidArgument("Invalid Encoding Method specified in Request", "encoding-type", encodingType);
    const enc = (s) => (encodingType === "url" ? uriEncode(s, true) : s);
    const maxKeysRaw = q.get("max-keys") ?? "1000";
    if (!/^\d+$/.test(maxKeysRaw)) throw faults.invalidArgument("Provided max-keys not an integer or within integer range", "max-keys", maxKeysRaw);
    const maxKeys = Math.min(1000, Number(maxKeysRaw));
    let after = "";
    let afterPrefix = false;
    let body = "";
    if (v2) {
      const token = q.get("continuation-token");
      if (token !== undefined) {
        try {
          const parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
          if (typeof parsed.a !== "string" || typeof parsed.p !== "boolean" || parsed.b !== bucket.name) throw new Error();
          after = parsed.a;
          afterPrefix = parsed.p;
        } catch {
          throw faults.invalidArgument("The continuation token provided is incorrect", "continuation-token", token);
        }
      } else if (q.get("start-after")) {
        after = q.get("start-after");
      }
    } else {
      after = q.get("marker") ?? "";
      afterPrefix = delimiter !== "" && after.endsWith(delimiter) && after.startsWith(prefix) && after.indexOf(delimiter, prefix.length) === after.length - delimiter.length;
    }
    const page = bucket.list({ prefix, delimiter, after, afterPrefix, maxKeys });
    const owner = v2 && q.get("fetch-owner") === "true" ? "<Owner><ID>local</ID><DisplayName>local</DisplayName></Owner>" : !v2 ? "<Owner><ID>local</ID><DisplayName>local</DisplayName></Owner>" : "";
    const contents = page.entries
      .filter((e) => e.key !== undefined)
      .map((e) => `<Contents>${tag("Key", enc(e.key))}${tag("LastModified", isoDate(e.meta.lastModified))}${tag("ETag", quoted(e.meta.etag))}${tag("Size", e.meta.size)}${owner}<StorageClass>STANDARD</StorageClass></Contents>`)
      .join("");
    const prefixes = page.entries
      .filter((e) => e.prefix !== undefined)
      .map((e) => `<CommonPrefixes>${tag("Prefix", enc(e.prefix))}</CommonPrefixes>`)
      .join("");
    const last = page.entries.at(-1);
    body += tag("Name", bucket.name) + tag("Prefix", enc(prefix));
    if (v2) {
      if (q.has("continuation-token")) body += tag("ContinuationToken", q.get("continuation-token"));
      if (q.has("start-after")) body += tag("StartAfter", enc(q.get("start-after")));
      body += tag("KeyCount", page.entries.length);
    } else {
      body += tag("Marker", enc(q.get("marker") ?? ""));
    }
    body += tag("MaxKeys", maxKeys);
    if (delimiter !== "") body += tag("Delimiter", enc(delimiter));
    if (encodingType) body += tag("EncodingType", encodingType);
    body += tag("IsTruncated", page.truncated ? "true" : "false");
    if (page.truncated && last) {
      const afterValue = last.key ?? last.prefix;
      if (v2) {
        body += tag("NextContinuationToken", Buffer.from(JSON.stringify({ b: bucket.name, a: afterValue, p: last.key === undefined })).toString("base64url"));
      } else if (delimiter !== "") {
        body += tag("NextMarker", enc(afterValue));
      }
    }
    this.#xml(res, 200, document("ListBucketResult", body + contents + prefixes));
  }

  async #deleteObjects({ req, res, h }, bucket) {
    const body = await readSmallBody(req);
    if (h["content-md5"] === undefined && !Object.keys(h).some((n) => n.startsWith("x-amz-checksum-") || n === "x-amz-sdk-checksum-algorithm")) {
      throw new S3Fault(400, "InvalidRequest", "Missing required header for this request: Content-MD5");
    }
    if (h["content-md5"] !== undefined) this.#checkMd5(h["content-md5"], crypto.createHash("md5").update(body).digest("base64"));
    let root;
    try {
      root = parseXml(body.toString("utf8"));
    } catch {
      throw faults.malformedXml();
    }
    const objects = root.name === "Delete" ? childrenNamed(root, "Object") : [];
    if (objects.length === 0 || objects.length > 1000) throw faults.malformedXml();
    const quiet = (child(root, "Quiet")?.text ?? "").trim() === "true";
    let out = "";
    for (const o of objects) {
      const key = child(o, "Key")?.text;
      if (key === undefined || key === "") throw faults.malformedXml();
      await bucket.remove(key);
      if (!quiet) out += `<Deleted>${tag("Key", key)}</Deleted>`;
    }
    this.#xml(res, 200, document("DeleteResult", out));
  }

  #listUploads({ res, q }, bucket) {
    const prefix = q.get("prefix") ?? "";
    const keyMarker = q.get("key-marker") ?? "";
    const idMarker = q.get("upload-id-marker") ?? "";
    const max = Math.min(1000, Number(q.get("max-uploads") ?? 1000));
    const all = bucket
      .uploads()
      .filter((u) => u.key.startsWith(prefix))
      .sort((a, b) => compareKeys(a.key, b.key) || a.initiated - b.initiated || (a.id < b.id ? -1 : 1))
      .filter((u) => keyMarker === "" || compareKeys(u.key, keyMarker) > 0 || (u.key === keyMarker && idMarker !== "" && u.id > idMarker));
    const page = all.slice(0, max);
    const truncated = all.length > max;
    const items = page
      .map((u) => `<Upload>${tag("Key", u.key)}${tag("UploadId", u.id)}<Initiator><ID>local</ID></Initiator><Owner><ID>local</ID></Owner><StorageClass>STANDARD</StorageClass>${tag("Initiated", isoDate(u.initiated))}</Upload>`)
      .join("");
    const last = page.at(-1);
    const body =
      tag("Bucket", bucket.name) + tag("KeyMarker", keyMarker) + tag("UploadIdMarker", idMarker) +
      (truncated && last ? tag("NextKeyMarker", last.key) + tag("NextUploadIdMarker", last.id) : "") +
      tag("Prefix", prefix) + tag("MaxUploads", max) + tag("IsTruncated", truncated ? "true" : "false") + items;
    this.#xml(res, 200, document("ListMultipartUploadsResult", body));
  }

  // ---- objects -------------------------------------------------------------------------------

  async #objectOperation(ctx) {
    const { req, q, h } = ctx;
    const bucket = this.#bucket(ctx.bucketName);
    const sub = OBJECT_SUBRESOURCES.find((s) => q.has(s));
    switch (req.method) {
      case "GET":
        if (q.has("uploadId")) return this.#listParts(ctx, bucket);
        if (sub) throw faults.notImplemented(`GET ?${sub}`);
        if (q.has("partNumber")) throw faults.notImplemented("GetObject with partNumber");
        return this.#getObject(ctx, bucket, false);
      case "HEAD":
        if (q.has("partNumber")) throw faults.notImplemented("HeadObject with partNumber");
        return this.#getObject(ctx, bucket, true);
      case "PUT":
        if (sub) throw faults.notImplemented(`PUT ?${sub}`);
        if (q.has("uploadId") || q.has("partNumber")) return this.#uploadPart(ctx, bucket);
        if (h["x-amz-copy-source"] !== undefined) return this.#copyObject(ctx, bucket);
        return this.#putObject(ctx, bucket);
      case "POST":
        if (q.has("uploads")) return this.#createUpload(ctx, bucket);
        if (q.has("uploadId")) return this.#completeUpload(ctx, bucket);
        throw faults.notImplemented(`POST on an object${sub ? ` (?${sub})` : ""}`);
      case "DELETE":
        if (q.has("uploadId")) {
          await bucket.abort(bucket.upload(q.get("uploadId"), ctx.key));
          ctx.res.writeHead(204).end();
          return;
        }
        if (sub) throw faults.notImplemented(`DELETE ?${sub}`);
        await bucket.remove(ctx.key);
        ctx.res.writeHead(204).end();
        return;
      default:
        throw new S3Fault(405, "MethodNotAllowed", "The specified method is not allowed against this resource.");
    }
  }

  async #getObject({ req, res, q, key, h }, bucket, headOnly) {
    const meta = bucket.head(key);
    if (!meta) throw faults.noSuchKey(key);
    const condition = checkConditions(h, meta);
    if (condition === 412) throw faults.preconditionFailed();
    const headers = objectHeaders(meta);
    if (condition === 304) {
      res.writeHead(304, { etag: headers.etag, "last-modified": headers["last-modified"] }).end();
      return;
    }
    for (const [param, header] of Object.entries(RESPONSE_OVERRIDES)) if (q.has(param)) headers[header] = q.get(param);
    // R2 ignores Range on HEAD; a GET honours one range, and serves the whole object otherwise.
    const range = headOnly ? null : parseRange(h.range, meta.size);
    if (range === "unsatisfiable") {
      throw new S3Fault(416, "InvalidRange", "The requested range is not satisfiable", { RangeRequested: h.range, ActualObjectSize: meta.size });
    }
    let status = 200;
    let start = 0;
    let end = meta.size - 1;
    if (range) {
      status = 206;
      ({ start, end } = range);
      headers["content-range"] = `bytes ${start}-${end}/${meta.size}`;
    }
    headers["content-length"] = String(end - start + 1);
    if (headOnly || meta.size === 0) {
      res.writeHead(status, headers).end();
      return;
    }
    const body = await bucket.read(meta, start, end);
    res.writeHead(status, headers);
    body.on("error", () => res.destroy());
    req.on("close", () => body.destroy());
    body.pipe(res);
  }

  /** Length, payload hash and digests a body must match, checked before anything is read. */
  #bodyExpectations(h) {
    const payload = h["x-amz-content-sha256"];
    if (payload?.startsWith("STREAMING-")) throw faults.notImplemented(`Payload signing mode ${payload} (aws-chunked)`);
    const length = h["content-length"];
    if (length === undefined) throw new S3Fault(411, "MissingContentLength", "You must provide the Content-Length HTTP header.");
    if (!/^\d+$/.test(length)) throw faults.invalidArgument("Content-Length is not a number.");
    const size = Number(length);
    if (size > MAX_PUT_BYTES) {
      throw new S3Fault(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", { ProposedSize: size, MaxSizeAllowed: MAX_PUT_BYTES });
    }
    if (h["content-md5"] !== undefined && !/^[A-Za-z0-9+/]{22}==$/.test(h["content-md5"])) {
      throw new S3Fault(400, "InvalidDigest", "The Content-MD5 you specified was invalid.");
    }
    const sha256 = payload !== undefined && /^[0-9a-f]{64}$/.test(payload) ? payload : null;
    const checksums = Object.keys(CHECKSUMS).filter((name) => h[name] !== undefined);
    return { size, sha256, checksums };
  }

  /** Receives a body into a blob and verifies every digest the client declared. */
  async #receive(body, h, bucket, expect, onCut) {
    const extra = expect.checksums.map((name) => [name, CHECKSUMS[name]()]);
    const observe = extra.length === 0 ? undefined : (chunk) => extra.forEach(([, c]) => c.update(chunk));
    const blob = await bucket.receive(body, expect.size, { sha256: expect.sha256 !== null, onCut, observe });
    try {
      if (h["content-md5"] !== undefined) this.#checkMd5(h["content-md5"], Buffer.from(blob.md5, "hex").toString("base64"));
      if (expect.sha256 !== null && blob.sha256 !== expect.sha256) {
        throw new S3Fault(400, "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.");
      }
      for (const [name, c] of extra) {
        if (c.digest() !== h[name]) throw new S3Fault(400, "BadDigest", `The ${name.slice(15).toUpperCase()} you specified did not match the calculated checksum.`);
      }
    } catch (err) {
      await blob.discard();
      throw err;
    }
    await blob.keep();
    return blob;
  }

  #checkMd5(given, actual) {
    if (given !== actual) throw new S3Fault(400, "BadDigest", "The Content-MD5 you specified did not match what we received.");
  }

  async #putObject(ctx, bucket) {
    const { req, res, key, h } = ctx;
    const expect = this.#bodyExpectations(h);
    const metadata = metadataFrom(h);
    const publish = (blob) => bucket.commit(key, { key, ...metadata, size: blob.size, etag: blob.md5, lastModified: Date.now(), blobs: [{ id: blob.id, size: blob.size }] });
    const blob = await this.#receive(req, h, bucket, expect, publish);
    await publish(blob);
    res.writeHead(200, { etag: quoted(blob.md5), "content-length": 0 }).end();
  }

  /** `/bucket/key` or `bucket/key` (URL-encoded, optionally `?versionId=`) → the source object. */
  #copySource(h) {
    let source = h["x-amz-copy-source"];
    const q = source.indexOf("?");
    if (q >= 0) source = source.slice(0, q);
    try {
      source = decodeURIComponent(source);
    } catch {
      throw faults.invalidArgument("Invalid copy source encoding", "x-amz-copy-source", h["x-amz-copy-source"]);
    }
    source = source.replace(/^\//, "");
    const slash = source.indexOf("/");
    if (slash <= 0 || slash === source.length - 1) throw faults.invalidArgument("Invalid copy source object key", "x-amz-copy-source", h["x-amz-copy-source"]);
    const bucket = this.#bucket(source.slice(0, slash));
    const key = source.slice(slash + 1);
    const meta = bucket.head(key);
    if (!meta) throw faults.noSuchKey(key);
    return { bucket, key, meta };
  }

  async #copyObject({ req, res, key, h, bucketName }, bucket) {
    await readSmallBody(req, 0);
    const source = this.#copySource(h);
    checkCopyConditions(h, source.meta);
    const directive = (h["x-amz-metadata-directive"] ?? "COPY").toUpperCase();
    if (directive !== "COPY" && directive !== "REPLACE") throw faults.invalidArgument("Unknown metadata directive.", "x-amz-metadata-directive", directive);
    if (source.bucket.name === bucketName && source.key === key && directive === "COPY") {
      throw new S3Fault(400, "InvalidRequest", "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.");
    }
    if (source.meta.size > MAX_PUT_BYTES) {
      throw new S3Fault(400, "InvalidRequest", `The specified copy source is larger than the maximum allowable size for a copy source: ${MAX_PUT_BYTES}`);
    }
    const metadata = directive === "REPLACE" ? metadataFrom(h) : { contentType: source.meta.contentType, headers: source.meta.headers, userMeta: source.meta.userMeta };
    const blobs = source.bucket === bucket ? await bucket.cloneBlobs(source.meta) : await this.#copyAcross(source, bucket);
    const meta = { key, ...metadata, size: source.meta.size, etag: source.meta.etag, lastModified: Date.now(), blobs };
    await bucket.commit(key, meta);
    this.#xml(res, 200, document("CopyObjectResult", tag("LastModified", isoDate(meta.lastModified)) + tag("ETag", quoted(meta.etag))));
  }

  async #copyAcross(source, bucket) {
    const stream = await source.bucket.read(source.meta, 0, source.meta.size - 1);
    const blob = await bucket.receive(stream, source.meta.size);
    await blob.keep();
    return [{ id: blob.id, size: blob.size }];
  }

  // ---- multipart -----------------------------------------------------------------------------

  async #createUpload({ req, res, key, h }, bucket) {
    await readSmallBody(req);
    const upload = await bucket.createUpload(key, metadataFrom(h));
    this.#xml(res, 200, document("InitiateMultipartUploadResult", tag("Bucket", bucket.name) + tag("Key", key) + tag("UploadId", upload.id)));
  }

  async #uploadPart(ctx, bucket) {
    const { req, res, q, key, h } = ctx;
    const raw = q.get("partNumber");
    if (!q.has("uploadId")) throw faults.invalidArgument("partNumber needs an uploadId.");
    if (raw === undefined || !/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_PARTS) {
      throw faults.invalidArgument("Part number must be an integer between 1 and 10000, inclusive", "partNumber", raw ?? "");
    }
    const partNumber = Number(raw);
    const upload = bucket.upload(q.get("uploadId"), key);
    if (h["x-amz-copy-source"] !== undefined) {
      await readSmallBody(req, 0);
      const source = this.#copySource(h);
      checkCopyConditions(h, source.meta);
      let start = 0;
      let end = source.meta.size - 1;
      if (h["x-amz-copy-source-range"] !== undefined) {
        const m = /^bytes=(\d+)-(\d+)$/.exec(h["x-amz-copy-source-range"]);
        if (!m || Number(m[2]) < Number(m[1]) || Number(m[2]) >= source.meta.size) {
          throw faults.invalidArgument("The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy", "x-amz-copy-source-range", h["x-amz-copy-source-range"]);
        }
        start = Number(m[1]);
        end = Number(m[2]);
      }
      const stream = await source.bucket.read(source.meta, start, end);
      const blob = await bucket.receive(stream, end - start + 1);
      await blob.keep();
      await bucket.putPart(upload, partNumber, blob);
      this.#xml(res, 200, document("CopyPartResult", tag("LastModified", isoDate(Date.now())) + tag("ETag", quoted(blob.md5))));
      return;
    }
    const expect = this.#bodyExpectations(h);
    const blob = await this.#receive(req, h, bucket, expect, (cut) => bucket.putPart(upload, partNumber, cut));
    await bucket.putPart(upload, partNumber, blob);
    res.writeHead(200, { etag: quoted(blob.md5), "content-length": 0 }).end();
  }

  #listParts({ res, q, key }, bucket) {
    const upload = bucket.upload(q.get("uploadId"), key);
    const maxRaw = q.get("max-parts") ?? "1000";
    const markerRaw = q.get("part-number-marker") ?? "0";
    if (!/^\d+$/.test(maxRaw)) throw faults.invalidArgument("Provided max-parts not an integer or within integer range", "max-parts", maxRaw);
    if (!/^\d+$/.test(markerRaw)) throw faults.invalidArgument("Provided part-number-marker not an integer or within integer range", "part-number-marker", markerRaw);
    const max = Math.min(1000, Number(maxRaw));
    const all = [...upload.parts.values()].filter((p) => p.partNumber > Number(markerRaw)).sort((a, b) => a.partNumber - b.partNumber);
    const page = all.slice(0, max);
    const truncated = all.length > max;
    const parts = page
      .map((p) => `<Part>${tag("PartNumber", p.partNumber)}${tag("LastModified", isoDate(p.lastModified))}${tag("ETag", quoted(p.etag))}${tag("Size", p.size)}</Part>`)
      .join("");
    const body =
      tag("Bucket", bucket.name) + tag("Key", key) + tag("UploadId", upload.id) +
      "<Initiator><ID>local</ID></Initiator><Owner><ID>local</ID></Owner><StorageClass>STANDARD</StorageClass>" +
      tag("PartNumberMarker", Number(markerRaw)) + tag("NextPartNumberMarker", page.at(-1)?.partNumber ?? 0) +
      tag("MaxParts", max) + tag("IsTruncated", truncated ? "true" : "false") + parts;
    this.#xml(res, 200, document("ListPartsResult", body));
  }

  async #completeUpload({ req, res, q, key }, bucket) {
    const upload = bucket.upload(q.get("uploadId"), key);
    const body = await readSmallBody(req);
    let root;
    try {
      root = parseXml(body.toString("utf8"));
    } catch {
      throw faults.malformedXml();
    }
    const listed = root.name === "CompleteMultipartUpload" ? childrenNamed(root, "Part") : [];
    if (listed.length === 0 || listed.length > MAX_PARTS) throw faults.malformedXml();
    const parts = listed.map((p) => {
      const n = (child(p, "PartNumber")?.text ?? "").trim();
      const etag = child(p, "ETag")?.text;
      if (!/^\d+$/.test(n) || etag === undefined) throw faults.malformedXml();
      return { partNumber: Number(n), etag: etag.trim() };
    });
    const meta = await bucket.complete(upload, parts, { r2Rules: this.r2Rules });
    const location = `${this.endpoint}/${uriEncode(bucket.name)}/${uriEncode(key, true)}`;
    this.#xml(res, 200, document("CompleteMultipartUploadResult", tag("Location", location) + tag("Bucket", bucket.name) + tag("Key", key) + tag("ETag", quoted(meta.etag))));
  }

  #xml(res, status, body) {
    res.writeHead(status, { "content-type": "application/xml", "content-length": Buffer.byteLength(body), "x-amz-request-id": requestId() }).end(body);
  }
}

/** Starts a store on `port` (0 = any free one) serving `dir`; resolves to { endpoint, server, stop }. */
export async function startS3Server({ port = 0, host = "127.0.0.1", dir, credentials, region, buckets, r2Rules, log }) {
  const server = new S3Server({ dir: path.resolve(dir), credentials, region, buckets, r2Rules, log });
  const endpoint = await server.listen(port, host);
  return { endpoint, server, stop: () => server.close() };
}
