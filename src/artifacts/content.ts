/**
 * Content types and download headers for artifacts, following MLflow's `_guess_mime_type`
 * (mlflow/utils/mime_type_utils.py: text-like extensions and MLmodel/MLproject are text/plain,
 * else Python's mimetypes table, else application/octet-stream) and its attachment headers.
 *
 * Artifacts are user content served from our own origin, so every download also carries headers
 * that keep HTML, SVG or JavaScript from running as our origin: `attachment`, `nosniff`, and a
 * sandboxing Content-Security-Policy for browsers that render anyway.
 */
import { baseName } from "./paths";

const TEXT_EXTENSIONS = new Set([
  "txt", "log", "err", "cfg", "conf", "cnf", "cf", "ini", "properties", "prop", "hocon", "toml", "yaml", "yml", "xml",
  "json", "js", "py", "py3", "csv", "tsv", "md", "rst", "ipynb", "MLmodel", "MLproject",
]);

// The subset of Python's mimetypes table that ML artifacts actually use.
const MIME_BY_EXTENSION: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  bmp: "image/bmp",
  webp: "image/webp",
  avif: "image/avif",
  tif: "image/tiff",
  tiff: "image/tiff",
  ico: "image/vnd.microsoft.icon",
  svg: "image/svg+xml",
  html: "text/html",
  htm: "text/html",
  xhtml: "application/xhtml+xml",
  css: "text/css",
  mjs: "text/javascript",
  pdf: "application/pdf",
  zip: "application/zip",
  tar: "application/x-tar",
  tgz: "application/x-tar",
  bin: "application/octet-stream",
  h5: "application/x-hdf5",
  mp4: "video/mp4",
  mov: "video/quicktime",
  webm: "video/webm",
  wav: "audio/x-wav",
  mp3: "audio/mpeg",
  ogg: "audio/ogg",
  sh: "text/x-sh",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};

export function guessMimeType(path: string): string {
  const name = baseName(path);
  const dot = name.lastIndexOf(".");
  const extension = dot <= 0 ? name : name.slice(dot + 1);
  if (TEXT_EXTENSIONS.has(extension)) return "text/plain";
  return MIME_BY_EXTENSION[extension.toLowerCase()] ?? "application/octet-stream";
}

/** Percent-encodes UTF-8 bytes outside RFC 5987's attr-char set (Python's quote with MLflow's safe set). */
function encodeAttrChars(s: string): string {
  let out = "";
  for (const byte of new TextEncoder().encode(s)) {
    const ch = String.fromCharCode(byte);
    out += /[A-Za-z0-9!#$&+\-.^_`|~]/.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** RFC 6266 `attachment` with an RFC 5987 `filename*` for non-ASCII names, as MLflow builds it. */
export function attachmentDisposition(fileName: string): string {
  const quoted = (s: string) => (/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(s) ? s : `"${s.replace(/[\\"]/g, "\\$&")}"`);
  if (/^[\x20-\x7e]*$/.test(fileName)) return `attachment; filename=${quoted(fileName)}`;
  const ascii = fileName.normalize("NFKD").replace(/[^\x20-\x7e]/g, "") || "download";
  return `attachment; filename=${quoted(ascii)}; filename*=UTF-8''${encodeAttrChars(fileName)}`;
}

/**
 * The disposition a presigned download URL asks the store to send. It travels in the signed query
 * string, where stores disagree on how to canonicalise `!'()*` (the local test server and some
 * S3-compatible stores deviate from RFC 3986), so it is kept to a plain ASCII file name.
 */
export function presignedDisposition(fileName: string): string {
  const ascii = fileName.normalize("NFKD").replace(/[^\x20-\x7e]/g, "").replace(/[!'()*"\\;]/g, "_") || "download";
  return `attachment; filename="${ascii}"`;
}

/** Headers for any artifact bytes we serve. */
export function downloadHeaders(path: string): Record<string, string> {
  return {
    "content-type": guessMimeType(path),
    "content-disposition": attachmentDisposition(baseName(path)),
    "x-content-type-options": "nosniff",
    // Even if a browser renders the file (e.g. opened from the UI), it runs in an opaque origin
    // with no script, so an uploaded HTML or SVG file cannot act as this server.
    "content-security-policy": "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'",
    // no-transform: proxies (Cloudflare's edge, wrangler dev) must not gzip artifacts. A browser
    // that cached a compressed whole file answered later Range reads from it with wrong lengths.
    "cache-control": "no-cache, no-transform",
  };
}

/**
 * The subset of Python's `mimetypes.guess_type` (its built-in table) that MLflow's S3 repository
 * puts in a presigned upload's signed Content-Type; anything else is application/octet-stream.
 * Compression suffixes are encodings, not types: `x.tar.gz` is application/x-tar.
 */
const PYTHON_MIME_TYPES: Record<string, string> = {
  json: "application/json",
  txt: "text/plain",
  csv: "text/csv",
  md: "text/markdown",
  html: "text/html",
  htm: "text/html",
  py: "text/x-python",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  svg: "image/svg+xml",
  pdf: "application/pdf",
  zip: "application/zip",
  tar: "application/x-tar",
  bin: "application/octet-stream",
  h5: "application/x-hdf5",
  wav: "audio/x-wav",
  mp3: "audio/mpeg",
  mp4: "video/mp4",
};

export function pythonMimeType(path: string): string {
  let name = baseName(path).toLowerCase();
  name = name.replace(/\.(gz|bz2|xz|br|z)$/, (suffix) => (name.length > suffix.length ? "" : suffix));
  const dot = name.lastIndexOf(".");
  return (dot >= 0 && PYTHON_MIME_TYPES[name.slice(dot + 1)]) || "application/octet-stream";
}
