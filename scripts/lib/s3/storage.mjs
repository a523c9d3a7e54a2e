// The local store's buckets on disk, with an in-memory index of keys in S3's order (UTF-8 bytes).
//
//   <dir>/<bucket>/objects/<sha256(key)>.json   an object's metadata, naming the blobs it is made of
//   <dir>/<bucket>/blobs/<id>                   immutable bytes: a whole PUT, or one multipart part
//   <dir>/<bucket>/uploads/<uploadId>/…         a multipart upload in progress and its parts
//   <dir>/<bucket>/tmp/                         bodies being received
//
// Nothing becomes visible before it is whole: a body is written to tmp/ and only moved into
// blobs/ once every announced byte arrived (and its digests matched), and an object is published
// by atomically replacing its metadata file. A completed multipart upload takes over its parts'
// blobs, so completing is O(parts), not O(bytes). Blobs are owned by exactly one object or part
// (CopyObject hard-links), so replacing or deleting an object unlinks its old blobs; a reader that
// already opened them keeps reading the old bytes, as S3 readers do.
import crypto from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { PassThrough, Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { S3Fault, faults } from "./errors.mjs";

export const MiB = 1024 * 1024;
/** S3's and R2's limits. */
export const MAX_PUT_BYTES = 5 * 1024 * MiB;
export const MIN_PART_BYTES = 5 * MiB;
export const MAX_PARTS = 10000;

const randomId = () => crypto.randomBytes(16).toString("hex");
const keyFile = (key) => `${crypto.createHash("sha256").update(key, "utf8").digest("hex")}.json`;

/** S3 lists keys in the order of their UTF-8 bytes. */
export function compareKeys(a, b) {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

async function writeJsonAtomic(file, tmpDir, value) {
  const tmp = path.join(tmpDir, `${randomId()}.json`);
  await fsp.writeFile(tmp, JSON.stringify(value));
  await fsp.rename(tmp, file);
}

/** Serialises async work per name (commits to one key, one upload). */
class Locks {
  #tails = new Map();
  async run(name, fn) {
    const previous = this.#tails.get(name) ?? Promise.resolve();
    let release;
    const current = new Promise((r) => (release = r));
    const tail = previous.then(() => current);
    this.#tails.set(name, tail);
    await previous;
    try {
      return await fn();
    } finally {
      release();
      if (this.#tails.get(name) === tail) this.#tails.delete(name);
    }
  }
}

export class Bucket {
  /** Keys in S3 order, and their metadata. */
  #keys = [];
  #objects = new Map();
  #uploads = new Map();
  #locks = new Locks();

  constructor(root, name) {
    this.name = name;
    this.dir = path.join(root, name);
    this.objectsDir = path.join(this.dir, "objects");
    this.blobsDir = path.join(this.dir, "blobs");
    this.uploadsDir = path.join(this.dir, "uploads");
    this.tmpDir = path.join(this.dir, "tmp");
    this.created = Date.now();
    /** Fault injection for tests: keep the received part of a cut-off body, as careless stores do. */
    this.keepTruncatedUploads = false;
  }

  /** Creates the directories, or loads what a previous run left (dropping half-written files). */
  async open() {
    for (const d of [this.objectsDir, this.blobsDir, this.uploadsDir]) await fsp.mkdir(d, { recursive: true });
    await fsp.rm(this.tmpDir, { recursive: true, force: true });
    await fsp.mkdir(this.tmpDir, { recursive: true });
    const referenced = new Set();
    for (const file of await fsp.readdir(this.objectsDir)) {
      const meta = JSON.parse(await fsp.readFile(path.join(this.objectsDir, file), "utf8"));
      this.#objects.set(meta.key, meta);
      for (const b of meta.blobs) referenced.add(b.id);
    }
    this.#keys = [...this.#objects.keys()].sort(compareKeys);
    for (const id of await fsp.readdir(this.uploadsDir)) {
      try {
        const upload = JSON.parse(await fsp.readFile(path.join(this.uploadsDir, id, "upload.json"), "utf8"));
        upload.parts = new Map();
        for (const file of await fsp.readdir(path.join(this.uploadsDir, id))) {
          if (!/^part-\d+\.json$/.test(file)) continue;
          const part = JSON.parse(await fsp.readFile(path.join(this.uploadsDir, id, file), "utf8"));
          upload.parts.set(part.partNumber, part);
          referenced.add(part.blob);
        }
        upload.state = "open";
        this.#uploads.set(id, upload);
      } catch {
        await fsp.rm(path.join(this.uploadsDir, id), { recursive: true, force: true });
      }
    }
    for (const blob of await fsp.readdir(this.blobsDir)) {
      if (!referenced.has(blob)) await fsp.rm(path.join(this.blobsDir, blob), { force: true });
    }
    const settings = path.join(this.dir, "bucket.json");
    try {
      const saved = JSON.parse(await fsp.readFile(settings, "utf8"));
      this.created = saved.created;
    } catch {
      await fsp.writeFile(settings, JSON.stringify({ created: this.created }));
    }
    return this;
  }

  // ---- bodies ------------------------------------------------------------------------------

  /**
   * Receives a body into a new blob: exactly `length` bytes, with MD5 (and SHA-256 when asked)
   * computed on the way. A body that ends early or fails leaves nothing behind, unless the bucket
   * keeps truncated uploads (fault injection), which then returns what arrived.
   */
  async receive(body, length, { sha256 = false, onCut, observe } = {}) {
    const id = randomId();
    const tmp = path.join(this.tmpDir, id);
    const md5 = crypto.createHash("md5");
    const sha = sha256 ? crypto.createHash("sha256") : null;
    let size = 0;
    const meter = new PassThrough();
    meter.on("data", (chunk) => {
      size += chunk.length;
      md5.update(chunk);
      sha?.update(chunk);
      observe?.(chunk);
    });
    try {
      await pipeline(body, meter, fs.createWriteStream(tmp));
    } catch (err) {
      if (this.keepTruncatedUploads && size > 0 && size < length && onCut) {
        // A careless store: the cut-off body is published as if it were whole.
        await fsp.rename(tmp, path.join(this.blobsDir, id));
        await onCut({ id, size, md5: md5.digest("hex") });
      } else {
        await fsp.rm(tmp, { force: true });
      }
      throw err;
    }
    if (size !== length) {
      await fsp.rm(tmp, { force: true });
      throw faults.incompleteBody();
    }
    return {
      id,
      size,
      md5: md5.digest("hex"),
      sha256: sha?.digest("hex"),
      keep: () => fsp.rename(tmp, path.join(this.blobsDir, id)),
      discard: () => fsp.rm(tmp, { force: true }),
    };
  }

  async #unlinkBlobs(blobs) {
    for (const b of blobs) await fsp.rm(path.join(this.blobsDir, b.id), { force: true });
  }

  // ---- objects -----------------------------------------------------------------------------

  head(key) {
    return this.#objects.get(key);
  }

  /** Publishes `meta` as `key` (replacing any previous object). */
  async commit(key, meta) {
    await this.#locks.run(key, async () => {
      const previous = this.#objects.get(key);
      await writeJsonAtomic(path.join(this.objectsDir, keyFile(key)), this.tmpDir, meta);
      this.#objects.set(key, meta);
      if (!previous) this.#insertKey(key);
      if (previous) await this.#unlinkBlobs(previous.blobs);
    });
  }

  async remove(key) {
    await this.#locks.run(key, async () => {
      const previous = this.#objects.get(key);
      if (!previous) return;
      await fsp.rm(path.join(this.objectsDir, keyFile(key)), { force: true });
      this.#objects.delete(key);
      this.#removeKey(key);
      await this.#unlinkBlobs(previous.blobs);
    });
  }

  /** New blobs with the same bytes as `meta`'s (hard links; copies where links fail). */
  async cloneBlobs(meta) {
    const out = [];
    for (const b of meta.blobs) {
      const id = randomId();
      try {
        await fsp.link(path.join(this.blobsDir, b.id), path.join(this.blobsDir, id));
      } catch {
        await fsp.copyFile(path.join(this.blobsDir, b.id), path.join(this.blobsDir, id));
      }
      out.push({ id, size: b.size });
    }
    return out;
  }

  /**
   * The bytes [start, end] of an object as a stream. Every blob in the range is opened before this
   * returns, so a concurrent overwrite cannot pull bytes away from under the reader.
   */
  async read(meta, start, end) {
    const handles = [];
    let offset = 0;
    for (const b of meta.blobs) {
      const from = Math.max(start, offset);
      const to = Math.min(end, offset + b.size - 1);
      if (from <= to) handles.push({ fd: await fsp.open(path.join(this.blobsDir, b.id), "r"), from: from - offset, to: to - offset });
      offset += b.size;
    }
    async function* chunks() {
      try {
        for (const h of handles) {
          const stream = h.fd.createReadStream({ start: h.from, end: h.to, autoClose: false, highWaterMark: 256 * 1024 });
          for await (const chunk of stream) yield chunk;
        }
      } finally {
        for (const h of handles) await h.fd.close().catch(() => {});
      }
    }
    return Readable.from(chunks(), { objectMode: false });
  }

  #lowerBound(key) {
    let lo = 0;
    let hi = this.#keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareKeys(this.#keys[mid], key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  #insertKey(key) {
    this.#keys.splice(this.#lowerBound(key), 0, key);
  }

  #removeKey(key) {
    const i = this.#lowerBound(key);
    if (this.#keys[i] === key) this.#keys.splice(i, 1);
  }

  /**
   * One page of ListObjects: keys under `prefix` after `after` (exclusive), grouped at
   * `delimiter`; keys and common prefixes together count against `maxKeys`. When `afterPrefix`
   * is set, `after` is a common prefix returned before, and everything under it is skipped.
   */
  list({ prefix = "", delimiter = "", after = "", afterPrefix = false, maxKeys = 1000 }) {
    const entries = [];
    let i = this.#lowerBound(after !== "" && compareKeys(after, prefix) > 0 ? after : prefix);
    let lastPrefix = afterPrefix ? after : null;
    let truncated = false;
    for (; i < this.#keys.length; i++) {
      const key = this.#keys[i];
      // Keys sharing a prefix are contiguous in byte order.
      if (!key.startsWith(prefix)) break;
      if (after !== "" && compareKeys(key, after) <= 0) continue;
      if (lastPrefix !== null && key.startsWith(lastPrefix)) continue;
      let entry;
      if (delimiter !== "") {
        const at = key.indexOf(delimiter, prefix.length);
        if (at >= 0) {
          const common = key.slice(0, at + delimiter.length);
          entry = { prefix: common };
          lastPrefix = common;
        }
      }
      entry ??= { key, meta: this.#objects.get(key) };
      if (entries.length === maxKeys) {
        truncated = true;
        break;
      }
      entries.push(entry);
    }
    return { entries, truncated };
  }

  // ---- multipart ---------------------------------------------------------------------------

  async createUpload(key, meta) {
    const id = crypto.randomBytes(24).toString("base64url");
    const upload = { id, key, initiated: Date.now(), meta, state: "open" };
    await fsp.mkdir(path.join(this.uploadsDir, id));
    await writeJsonAtomic(path.join(this.uploadsDir, id, "upload.json"), this.tmpDir, { id, key, initiated: upload.initiated, meta });
    upload.parts = new Map();
    this.#uploads.set(id, upload);
    return upload;
  }

  /** The open upload `id` of `key`, or NoSuchUpload. */
  upload(id, key) {
    const upload = this.#uploads.get(id);
    if (!upload || upload.state !== "open" || upload.key !== key) throw faults.noSuchUpload(id);
    return upload;
  }

  uploads() {
    return [...this.#uploads.values()].filter((u) => u.state === "open");
  }

  async putPart(upload, partNumber, blob) {
    await this.#locks.run(`upload:${upload.id}`, async () => {
      if (upload.state !== "open") {
        await this.#unlinkBlobs([{ id: blob.id }]);
        throw faults.noSuchUpload(upload.id);
      }
      const part = { partNumber, etag: blob.md5, size: blob.size, lastModified: Date.now(), blob: blob.id };
      const previous = upload.parts.get(partNumber);
      await writeJsonAtomic(path.join(this.uploadsDir, upload.id, `part-${partNumber}.json`), this.tmpDir, part);
      upload.parts.set(partNumber, part);
      if (previous) await this.#unlinkBlobs([{ id: previous.blob }]);
    });
  }

  /**
   * Completes an upload from the listed parts. Checks, in S3's order: ascending part numbers,
   * every part uploaded with that ETag, parts but the last at least 5 MiB, and R2's rule that
   * parts but the last have one size and the last is no larger.
   */
  async complete(upload, listed, { r2Rules }) {
    return this.#locks.run(`upload:${upload.id}`, async () => {
      if (upload.state !== "open") throw faults.noSuchUpload(upload.id);
      for (let i = 1; i < listed.length; i++) {
        if (listed[i].partNumber <= listed[i - 1].partNumber) {
          throw new S3Fault(400, "InvalidPartOrder", "The list of parts was not in ascending order. Parts must be ordered by part number.", { UploadId: upload.id });
        }
      }
      const parts = listed.map(({ partNumber, etag }) => {
        const part = upload.parts.get(partNumber);
        if (!part || part.etag !== etag.replace(/^"|"$/g, "")) {
          throw new S3Fault(400, "InvalidPart", "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.", { UploadId: upload.id, PartNumber: partNumber, ETag: etag });
        }
        return part;
      });
      for (const part of parts.slice(0, -1)) {
        if (part.size < MIN_PART_BYTES) {
          throw new S3Fault(400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size", { ProposedSize: part.size, MinSizeAllowed: MIN_PART_BYTES, PartNumber: part.partNumber });
        }
      }
      if (r2Rules && parts.length > 1) {
        const size = parts[0].size;
        const uneven = parts.slice(0, -1).find((p) => p.size !== size) ?? (parts.at(-1).size > size ? parts.at(-1) : undefined);
        if (uneven) {
          throw new S3Fault(400, "InvalidPart", `All non-trailing parts must have the same length. Non Uniform Part Sizes: Expected part ${uneven.partNumber} to have size ${size}, found ${uneven.size}`);
        }
      }
      upload.state = "completing";
      const digests = Buffer.concat(parts.map((p) => Buffer.from(p.etag, "hex")));
      const meta = {
        ...upload.meta,
        key: upload.key,
        size: parts.reduce((n, p) => n + p.size, 0),
        etag: `${crypto.createHash("md5").update(digests).digest("hex")}-${parts.length}`,
        lastModified: Date.now(),
        blobs: parts.map((p) => ({ id: p.blob, size: p.size })),
      };
      const used = new Set(parts.map((p) => p.blob));
      const unused = [...upload.parts.values()].filter((p) => !used.has(p.blob)).map((p) => ({ id: p.blob }));
      this.#uploads.delete(upload.id);
      await this.commit(upload.key, meta);
      await this.#unlinkBlobs(unused);
      await fsp.rm(path.join(this.uploadsDir, upload.id), { recursive: true, force: true });
      return meta;
    });
  }

  async abort(upload) {
    await this.#locks.run(`upload:${upload.id}`, async () => {
      if (upload.state !== "open") throw faults.noSuchUpload(upload.id);
      upload.state = "aborted";
      this.#uploads.delete(upload.id);
      await this.#unlinkBlobs([...upload.parts.values()].map((p) => ({ id: p.blob })));
      await fsp.rm(path.join(this.uploadsDir, upload.id), { recursive: true, force: true });
    });
  }
}
