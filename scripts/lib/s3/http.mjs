// The HTTP side of the local S3 store (server.mjs): reading query strings, small bodies and
// ranges, S3's conditional-request rules, the headers an object is stored and served with, and
// the checksums a client may send with a body.
import crypto from "node:crypto";
import zlib from "node:zlib";
import { S3Fault, faults } from "./errors.mjs";
import { MiB } from "./storage.mjs";

/** Object headers S3 stores from PutObject/CreateMultipartUpload and returns on GET/HEAD. */
const STORED_HEADERS = ["cache-control", "content-disposition", "content-encoding", "content-language", "expires"];
/** GetObject query parameters that override response headers. */
export const RESPONSE_OVERRIDES = {
  "response-content-type": "content-type",
  "response-content-language": "content-language",
  "response-expires": "expires",
  "response-cache-control": "cache-control",
  "response-content-disposition": "content-disposition",
  "response-content-encoding": "content-encoding",
};
/** Subresources S3 has and this store does not: answered 501 rather than misread as plain requests. */
export const BUCKET_SUBRESOURCES = ["acl", "analytics", "accelerate", "cors", "encryption", "intelligent-tiering", "inventory", "lifecycle", "logging", "metrics", "notification", "object-lock", "ownershipControls", "policy", "policyStatus", "publicAccessBlock", "replication", "requestPayment", "tagging", "versioning", "versions", "website"];
export const OBJECT_SUBRESOURCES = ["acl", "attributes", "legal-hold", "restore", "retention", "select", "tagging", "torrent"];
const MAX_XML_BODY = 4 * MiB;

const httpDate = (ms) => new Date(ms).toUTCString();
export const isoDate = (ms) => new Date(ms).toISOString();
export const quoted = (etag) => `"${etag}"`;
const unquote = (etag) => etag.trim().replace(/^W\//, "").replace(/^"|"$/g, "");

/** `a=1&b&c=%20` → [["a","1"],["b",""],["c"," "]]; `+` is a space, as S3 reads it. */
export function parseQuery(raw) {
  if (!raw) return [];
  return raw
    .split("&")
    .filter((p) => p !== "")
    .map((p) => {
      const i = p.indexOf("=");
      const decode = (s) => decodeURIComponent(s.replace(/\+/g, " "));
      return i < 0 ? [decode(p), ""] : [decode(p.slice(0, i)), decode(p.slice(i + 1))];
    });
}

export async function readSmallBody(req, limit = MAX_XML_BODY) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) throw new S3Fault(400, "MaxMessageLengthExceeded", "Your request was too big.");
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export function parseRange(header, size) {
  const m = /^bytes=(\d*)-(\d*)$/.exec((header ?? "").trim());
  if (!m || (m[1] === "" && m[2] === "")) return null; // absent, multiple or malformed: the whole object
  if (m[1] === "") {
    const suffix = Number(m[2]);
    if (suffix === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (m[2] !== "" && Number(m[2]) < start) return null;
  if (start >= size) return "unsatisfiable";
  return { start, end };
}

/** RFC 7232 §6 order, with S3's documented outcomes for the combinations. */
export function checkConditions(h, meta) {
  const etag = meta.etag;
  const modified = Math.floor(meta.lastModified / 1000) * 1000;
  const matches = (list) => list.split(",").some((t) => t.trim() === "*" || unquote(t) === etag);
  const date = (v) => (v === undefined ? NaN : Date.parse(v));
  if (h["if-match"] !== undefined) {
    if (!matches(h["if-match"])) return 412;
  } else if (!Number.isNaN(date(h["if-unmodified-since"])) && modified > date(h["if-unmodified-since"])) {
    return 412;
  }
  if (h["if-none-match"] !== undefined) {
    if (matches(h["if-none-match"])) return 304;
  } else if (!Number.isNaN(date(h["if-modified-since"])) && modified <= date(h["if-modified-since"])) {
    return 304;
  }
  return 200;
}

/** Same checks for CopyObject's x-amz-copy-source-if-* headers; any failure is 412. */
export function checkCopyConditions(h, meta) {
  const result = checkConditions(
    {
      "if-match": h["x-amz-copy-source-if-match"],
      "if-none-match": h["x-amz-copy-source-if-none-match"],
      "if-modified-since": h["x-amz-copy-source-if-modified-since"],
      "if-unmodified-since": h["x-amz-copy-source-if-unmodified-since"],
    },
    meta,
  );
  if (result !== 200) throw faults.preconditionFailed();
}

export function objectHeaders(meta) {
  const headers = {
    "content-type": meta.contentType,
    etag: quoted(meta.etag),
    "last-modified": httpDate(meta.lastModified),
    "accept-ranges": "bytes",
  };
  for (const [name, value] of Object.entries(meta.headers ?? {})) headers[name] = value;
  for (const [name, value] of Object.entries(meta.userMeta ?? {})) headers[`x-amz-meta-${name}`] = value;
  if (meta.blobs.length > 1) headers["x-amz-mp-parts-count"] = String(meta.blobs.length);
  return headers;
}

/** Content type, stored system headers and x-amz-meta-* of a PutObject or CreateMultipartUpload. */
export function metadataFrom(h) {
  const headers = {};
  for (const name of STORED_HEADERS) if (h[name] !== undefined) headers[name] = h[name];
  const userMeta = {};
  for (const [name, value] of Object.entries(h)) if (name.startsWith("x-amz-meta-")) userMeta[name.slice(11)] = value;
  return { contentType: h["content-type"] ?? "application/octet-stream", headers, userMeta };
}

/** The checksums a client may send with a body, and how to compute them. */
export const CHECKSUMS = {
  "x-amz-checksum-crc32": () => {
    let crc = 0;
    return { update: (c) => (crc = zlib.crc32(c, crc)), digest: () => Buffer.from([crc >>> 24, (crc >>> 16) & 255, (crc >>> 8) & 255, crc & 255]).toString("base64") };
  },
  "x-amz-checksum-sha1": () => {
    const h = crypto.createHash("sha1");
    return { update: (c) => h.update(c), digest: () => h.digest("base64") };
  },
  "x-amz-checksum-sha256": () => {
    const h = crypto.createHash("sha256");
    return { update: (c) => h.update(c), digest: () => h.digest("base64") };
  },
};

export function decodeURIComponentSafe(s) {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
