// Conformance of the S3-compatible store the Worker writes artifacts to, exercised through our own
// client (src/artifacts/s3.ts) and artifact store (src/artifacts/store.ts): every operation the
// Worker uses, with the semantics of S3 and, where R2 is stricter, of R2 (production). A store that
// drifts from them fails here instead of failing users. The local store (scripts/lib/s3-server.mjs)
// must pass all of it; other stores can be checked the same way (TEST_S3_ENDPOINT, see
// test/worker/test-s3.mjs). With S3_CONFORMANCE_PROFILE=aws the R2-only rules flip to AWS's.
import { connect } from "cloudflare:sockets";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ArtifactStore } from "../../src/artifacts/store";
import { S3Client, S3Error } from "../../src/artifacts/s3";
import type { Env } from "../../src/env";

const bindings = env as unknown as Env & { S3_CONFORMANCE_PROFILE?: string };
const R2_RULES = bindings.S3_CONFORMANCE_PROFILE !== "aws";
const config = {
  endpoint: bindings.S3_ENDPOINT!,
  bucket: bindings.S3_BUCKET!,
  prefix: "",
  region: bindings.S3_REGION!,
  accessKeyId: bindings.S3_ACCESS_KEY_ID!,
  secretAccessKey: bindings.S3_SECRET_ACCESS_KEY!,
  timeoutMs: 30_000,
};
const s3 = new S3Client(config);
const MiB = 1024 * 1024;

/** A fresh key prefix per test: nothing another test wrote can show up in a listing. */
const fresh = () => `conformance/${crypto.randomUUID()}`;

const bytes = (s: string) => new TextEncoder().encode(s);

function randomBytes(n: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(new ArrayBuffer(n));
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(out.subarray(i, Math.min(n, i + 65536)));
  return out;
}

async function md5(data: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("MD5", data));
}
const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
const base64 = (b: Uint8Array) => btoa(String.fromCharCode(...b));

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(new ArrayBuffer(parts.reduce((n, p) => n + p.length, 0)));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

async function put(key: string, body: string | Uint8Array<ArrayBuffer>, contentType?: string): Promise<void> {
  const data = typeof body === "string" ? bytes(body) : body;
  await s3.put(key, new Blob([data]).stream(), data.length, contentType);
}

async function getBytes(key: string, range?: string): Promise<Uint8Array> {
  return new Uint8Array(await (await s3.get(key, range)).arrayBuffer());
}

/** Every key and common prefix under `prefix`, following continuation tokens; page sizes recorded. */
async function listAll(prefix: string, opts: { delimiter?: string; maxKeys?: number } = {}) {
  const keys: string[] = [];
  const prefixes: string[] = [];
  const pageSizes: number[] = [];
  let token: string | undefined;
  for (let page = 0; page < 100; page++) {
    const result = await s3.list(prefix, { ...opts, continuationToken: token });
    keys.push(...result.objects.map((o) => o.key));
    prefixes.push(...result.commonPrefixes);
    pageSizes.push(result.objects.length + result.commonPrefixes.length);
    token = result.nextContinuationToken;
    if (!token) break;
  }
  return { keys, prefixes, pageSizes };
}

/** Runs `fn` over `items`, `width` at a time. */
async function inParallel<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

async function s3Failure(p: Promise<unknown>): Promise<S3Error> {
  try {
    await p;
  } catch (err) {
    if (err instanceof S3Error) return err;
    throw err;
  }
  throw new Error("expected the store to refuse the request");
}

/** UTF-8 byte order, which S3 and R2 list keys in. */
function utf8Order(a: string, b: string): number {
  const x = bytes(a);
  const y = bytes(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/**
 * Sends a request over a raw TCP connection and hangs up after `sent` bytes of a body whose
 * Content-Length announces `announced` bytes: a client that disconnects mid-upload.
 */
async function truncatedPut(url: string, headers: Record<string, string>, body: Uint8Array, announced: number): Promise<void> {
  const target = new URL(url);
  const socket = connect({ hostname: target.hostname, port: Number(target.port) });
  const writer = socket.writable.getWriter();
  const head = [`PUT ${target.pathname}${target.search} HTTP/1.1`, `Host: ${target.host}`, `Content-Length: ${announced}`];
  for (const [name, value] of Object.entries(headers)) head.push(`${name}: ${value}`);
  await writer.write(bytes(`${head.join("\r\n")}\r\n\r\n`));
  await writer.write(body);
  // Let the store read what was sent before the connection goes away.
  await new Promise((r) => setTimeout(r, 100));
  await socket.close();
  // The store finishes handling the disconnect on its own schedule; give it that time before
  // asking whether anything became visible.
  await new Promise((r) => setTimeout(r, 300));
}

describe("objects", () => {
  it("round-trips bytes and content type; the ETag is the quoted MD5; HEAD reports size and ETag", async () => {
    const key = `${fresh()}/model.bin`;
    const data = randomBytes(MiB + 17);
    await put(key, data, "application/x-test");
    const got = await s3.get(key);
    expect(got.status).toBe(200);
    expect(got.headers.get("content-type")).toBe("application/x-test");
    expect(got.headers.get("content-length")).toBe(String(data.length));
    expect(got.headers.get("last-modified")).toMatch(/GMT$/);
    const etag = `"${hex(await md5(data))}"`;
    expect(got.headers.get("etag")).toBe(etag);
    expect(hex(await md5(new Uint8Array(await got.arrayBuffer())))).toBe(hex(await md5(data)));
    expect(await s3.head(key)).toEqual({ size: data.length, etag });
  });

  it("stores empty objects", async () => {
    const key = `${fresh()}/empty.txt`;
    await put(key, "");
    expect(await s3.head(key)).toEqual({ size: 0, etag: '"d41d8cd98f00b204e9800998ecf8427e"' });
    expect((await getBytes(key)).length).toBe(0);
    expect((await s3.list(key)).objects).toEqual([{ key, size: 0 }]);
  });

  it("keeps keys with spaces, unicode, XML and URL metacharacters exact in every operation", async () => {
    const dir = fresh();
    const names = ["a b.txt", "é ñ/ü.txt", "x+y=z&w.txt", "quote'(1)!*.txt", "lt<gt>\"q\".txt", "per%20cent.txt", "t~_-.txt", "日本語.txt", "semi;colon,#hash.txt", "@$:.txt"];
    for (const [i, name] of names.entries()) await put(`${dir}/${name}`, `v${i}`);
    for (const [i, name] of names.entries()) {
      expect(new TextDecoder().decode(await getBytes(`${dir}/${name}`))).toBe(`v${i}`);
      expect((await s3.head(`${dir}/${name}`))?.size).toBe(String(`v${i}`).length);
    }
    const listed = await listAll(`${dir}/`);
    expect(listed.keys).toEqual(names.map((n) => `${dir}/${n}`).sort(utf8Order));
  });

  it("answers NoSuchKey for a missing key, and HEAD 404", async () => {
    const key = `${fresh()}/missing.txt`;
    const err = await s3Failure(s3.get(key));
    expect([err.status, err.code]).toEqual([404, "NoSuchKey"]);
    expect(await s3.head(key)).toBeNull();
  });

  it("replaces an object on overwrite", async () => {
    const key = `${fresh()}/o.txt`;
    await put(key, "first version");
    await put(key, "second");
    expect(new TextDecoder().decode(await getBytes(key))).toBe("second");
    expect((await s3.head(key))?.size).toBe(6);
  });

  it("refuses a body whose Content-MD5 does not match, and stores nothing", async () => {
    const key = `${fresh()}/digest.txt`;
    const res = await s3.objectRequest("PUT", key, {
      headers: { "content-md5": base64(await md5(bytes("other"))), "content-length": "5" },
      body: bytes("hello"),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("<Code>BadDigest</Code>");
    expect(await s3.head(key)).toBeNull();
    const ok = await s3.objectRequest("PUT", key, { headers: { "content-md5": base64(await md5(bytes("hello"))), "content-length": "5" }, body: bytes("hello") });
    expect(ok.status).toBe(200);
  });
});

describe("ranges", () => {
  const key = `${fresh()}/range.txt`;

  it("serves byte ranges with 206 and Content-Range, clips past the end, 416 beyond it", async () => {
    await put(key, "hello world");
    const cases: [string, string, string][] = [
      ["bytes=2-4", "llo", "bytes 2-4/11"],
      ["bytes=6-", "world", "bytes 6-10/11"],
      ["bytes=-3", "rld", "bytes 8-10/11"],
      ["bytes=5-100", " world", "bytes 5-10/11"],
      ["bytes=0-0", "h", "bytes 0-0/11"],
    ];
    for (const [range, body, contentRange] of cases) {
      const res = await s3.get(key, range);
      expect([range, res.status]).toEqual([range, 206]);
      expect(res.headers.get("content-range")).toBe(contentRange);
      expect(res.headers.get("content-length")).toBe(String(body.length));
      expect(await res.text()).toBe(body);
    }
    const err = await s3Failure(s3.get(key, "bytes=11-20"));
    expect([err.status, err.code]).toEqual([416, "InvalidRange"]);
  });
});

describe("conditional requests", () => {
  it("GET and HEAD honour If-Match, If-None-Match, If-Modified-Since and If-Unmodified-Since", async () => {
    const key = `${fresh()}/cond.txt`;
    await put(key, "conditional");
    const head = await s3.objectRequest("HEAD", key);
    const etag = head.headers.get("etag")!;
    const modified = new Date(head.headers.get("last-modified")!).getTime();
    const hourBefore = new Date(modified - 3600_000).toUTCString();
    const hourAfter = new Date(modified + 3600_000).toUTCString();
    const cases: [Record<string, string>, number][] = [
      [{ "if-none-match": etag }, 304],
      [{ "if-none-match": '"0123456789abcdef0123456789abcdef"' }, 200],
      [{ "if-match": etag }, 200],
      [{ "if-match": '"0123456789abcdef0123456789abcdef"' }, 412],
      [{ "if-modified-since": hourAfter }, 304],
      [{ "if-modified-since": hourBefore }, 200],
      [{ "if-unmodified-since": hourBefore }, 412],
      [{ "if-unmodified-since": hourAfter }, 200],
      // If-Match wins over a failing If-Unmodified-Since, If-None-Match over If-Modified-Since (RFC 7232).
      [{ "if-match": etag, "if-unmodified-since": hourBefore }, 200],
      [{ "if-none-match": '"0123456789abcdef0123456789abcdef"', "if-modified-since": hourAfter }, 200],
    ];
    for (const method of ["GET", "HEAD"]) {
      for (const [headers, status] of cases) {
        const res = await s3.objectRequest(method, key, { headers });
        expect([method, headers, res.status]).toEqual([method, headers, status]);
        if (status === 200 && method === "GET") expect(await res.text()).toBe("conditional");
        else await res.body?.cancel();
      }
    }
  });
});

describe("ListObjectsV2", () => {
  it("groups a folder holding only deeper keys into a common prefix", async () => {
    const dir = fresh();
    for (const k of ["a.txt", "nested/path/a.txt", "sub/b.txt", "sub2/deep/er/c.txt", "z.txt"]) await put(`${dir}/${k}`, k);
    const page = await s3.list(`${dir}/`, { delimiter: "/" });
    expect(page.objects.map((o) => o.key)).toEqual([`${dir}/a.txt`, `${dir}/z.txt`]);
    expect(page.commonPrefixes).toEqual([`${dir}/nested/`, `${dir}/sub/`, `${dir}/sub2/`]);
    expect(page.nextContinuationToken).toBeUndefined();
    // A prefix that ends mid-name groups at the next delimiter.
    expect((await s3.list(`${dir}/su`, { delimiter: "/" })).commonPrefixes).toEqual([`${dir}/sub/`, `${dir}/sub2/`]);
    expect((await s3.list(`${dir}/nested/`, { delimiter: "/" })).commonPrefixes).toEqual([`${dir}/nested/path/`]);
    // Without a delimiter, every key under the prefix.
    expect((await listAll(`${dir}/`)).keys.length).toBe(5);
  });

  it("lists keys in UTF-8 byte order", async () => {
    const dir = fresh();
    const names = ["b", "a", "B", "é", "z", "ä/x", "a b", "a/", "a-", "a.", "~", "日"];
    for (const n of names) await put(`${dir}/${n}`, "x");
    expect((await listAll(`${dir}/`)).keys).toEqual(names.map((n) => `${dir}/${n}`).sort(utf8Order));
  });

  it(
    "pages past 1,000 keys with continuation tokens, with and without a delimiter",
    async () => {
      const dir = fresh();
      const files = Array.from({ length: 2200 }, (_, i) => `${dir}/f${String(i).padStart(5, "0")}.txt`);
      // 300 folders, each holding one deeper file, interleaved with the files in key order.
      const folders = Array.from({ length: 300 }, (_, i) => `${dir}/f${String(i * 7).padStart(5, "0")}/inner/x.txt`);
      await inParallel([...files, ...folders], 24, (k) => put(k, ""));

      const flat = await listAll(`${dir}/`);
      expect(flat.pageSizes).toEqual([1000, 1000, 500]);
      expect(flat.keys).toEqual([...files, ...folders].sort(utf8Order));

      const grouped = await listAll(`${dir}/`, { delimiter: "/" });
      // Common prefixes count against max-keys like keys do.
      expect(grouped.pageSizes).toEqual([1000, 1000, 500]);
      expect(grouped.keys).toEqual(files);
      expect(grouped.prefixes).toEqual(folders.map((k) => k.replace(/inner\/x\.txt$/, "")).sort(utf8Order));

      // Small pages resume exactly where the previous one stopped.
      const seen: string[] = [];
      let token: string | undefined;
      for (let i = 0; i < 3; i++) {
        const page = await s3.list(`${dir}/`, { delimiter: "/", maxKeys: 7, continuationToken: token });
        seen.push(...page.objects.map((o) => o.key), ...page.commonPrefixes);
        token = page.nextContinuationToken;
        expect(token).toBeTruthy();
      }
      expect(seen.sort(utf8Order)).toEqual([...files, ...grouped.prefixes].sort(utf8Order).slice(0, 21));
    },
    180_000,
  );

  it("answers an empty page for a prefix with nothing under it", async () => {
    const page = await s3.list(`${fresh()}/`, { delimiter: "/" });
    expect(page).toEqual({ objects: [], commonPrefixes: [], nextContinuationToken: undefined });
  });
});

describe("CopyObject", () => {
  it("copies bytes and content type, with keys that need encoding", async () => {
    const dir = fresh();
    const data = randomBytes(300_000);
    await put(`${dir}/src é (1)!.bin`, data, "application/x-src");
    const { etag } = await s3.copy(`${dir}/src é (1)!.bin`, `${dir}/copy+of it.bin`);
    expect(etag).toBe(`"${hex(await md5(data))}"`);
    const got = await s3.get(`${dir}/copy+of it.bin`);
    expect(got.headers.get("content-type")).toBe("application/x-src");
    expect(hex(await md5(new Uint8Array(await got.arrayBuffer())))).toBe(hex(await md5(data)));
    expect(await s3.head(`${dir}/src é (1)!.bin`)).not.toBeNull();
  });

  it("fails for a missing source and on a failed copy condition, leaving the target alone", async () => {
    const dir = fresh();
    const missing = await s3Failure(s3.copy(`${dir}/none`, `${dir}/target`));
    expect([missing.status, missing.code]).toEqual([404, "NoSuchKey"]);
    await put(`${dir}/src`, "s");
    const refused = await s3Failure(s3.copy(`${dir}/src`, `${dir}/target`, { "x-amz-copy-source-if-match": '"0123456789abcdef0123456789abcdef"' }));
    expect([refused.status, refused.code]).toEqual([412, "PreconditionFailed"]);
    expect(await s3.head(`${dir}/target`)).toBeNull();
  });
});

describe("DeleteObject and DeleteObjects", () => {
  it("deletes one key (a missing key is no error) and up to 1,000 keys at once", async () => {
    const dir = fresh();
    await put(`${dir}/one`, "1");
    await s3.deleteObject(`${dir}/one`);
    expect(await s3.head(`${dir}/one`)).toBeNull();
    await s3.deleteObject(`${dir}/one`);

    const keys = Array.from({ length: 1000 }, (_, i) => `${dir}/bulk/k${i} é&<'>.txt`);
    await inParallel(keys, 24, (k) => put(k, "x"));
    await put(`${dir}/bulk/keep.txt`, "keep");
    await s3.deleteKeys([...keys.slice(0, 999), `${dir}/bulk/never-existed`]);
    expect((await listAll(`${dir}/bulk/`)).keys).toEqual([keys[999]!, `${dir}/bulk/keep.txt`].sort(utf8Order));
  }, 120_000);
});

describe("multipart uploads", () => {
  async function partThroughPresignedUrl(key: string, uploadId: string, n: number, body: Uint8Array<ArrayBuffer>): Promise<string> {
    const url = await s3.presignPart(key, uploadId, n, 600);
    const res = await fetch(url, { method: "PUT", body });
    expect(res.status).toBe(200);
    await res.body?.cancel();
    return res.headers.get("etag")!;
  }

  it("creates, uploads parts through presigned URLs, lists parts, completes with S3's multipart ETag", async () => {
    const key = `${fresh()}/big.bin`;
    const parts = [randomBytes(5 * MiB), randomBytes(5 * MiB), randomBytes(1024)];
    const uploadId = await s3.createMultipart(key, "application/x-big");
    const etags: string[] = [];
    for (const [i, body] of parts.entries()) etags.push(await partThroughPresignedUrl(key, uploadId, i + 1, body));
    for (const [i, body] of parts.entries()) expect(etags[i]).toBe(`"${hex(await md5(body))}"`);

    expect(await s3.listParts(key, uploadId)).toEqual(parts.map((p, i) => ({ partNumber: i + 1, etag: etags[i], size: p.length })));
    // Nothing is visible before completion.
    expect(await s3.head(key)).toBeNull();
    expect((await s3.list(key)).objects).toEqual([]);

    await s3.completeMultipart(key, uploadId, etags.map((etag, i) => ({ partNumber: i + 1, etag })));
    const whole = concat(...parts);
    const got = await s3.get(key);
    expect(got.headers.get("content-type")).toBe("application/x-big");
    expect(hex(await md5(new Uint8Array(await got.arrayBuffer())))).toBe(hex(await md5(whole)));
    const partDigests = concat(...(await Promise.all(parts.map((p) => md5(p)))));
    expect((await s3.head(key))?.etag).toBe(`"${hex(await md5(partDigests))}-3"`);
    // A completed upload is gone.
    const gone = await s3Failure(s3.listParts(key, uploadId));
    expect([gone.status, gone.code]).toEqual([404, "NoSuchUpload"]);
  }, 60_000);

  it("keeps the last upload of a part number; the server's own UploadPart works too", async () => {
    const key = `${fresh()}/re.bin`;
    const uploadId = await s3.createMultipart(key);
    await s3.uploadPart(key, uploadId, 1, new Blob([bytes("first")]).stream(), 5);
    const etag = await s3.uploadPart(key, uploadId, 1, new Blob([bytes("again!")]).stream(), 6);
    expect(await s3.listParts(key, uploadId)).toEqual([{ partNumber: 1, etag, size: 6 }]);
    await s3.completeMultipart(key, uploadId, [{ partNumber: 1, etag }]);
    expect(new TextDecoder().decode(await getBytes(key))).toBe("again!");
  });

  it("refuses parts under 5 MiB except the last, and unknown part ETags", async () => {
    const key = `${fresh()}/small.bin`;
    const uploadId = await s3.createMultipart(key);
    const e1 = await s3.uploadPart(key, uploadId, 1, new Blob([bytes("a")]).stream(), 1);
    const e2 = await s3.uploadPart(key, uploadId, 2, new Blob([bytes("b")]).stream(), 1);
    const tooSmall = await s3Failure(s3.completeMultipart(key, uploadId, [{ partNumber: 1, etag: e1 }, { partNumber: 2, etag: e2 }]));
    expect([tooSmall.status, tooSmall.code]).toEqual([400, "EntityTooSmall"]);
    const wrong = await s3Failure(s3.completeMultipart(key, uploadId, [{ partNumber: 1, etag: '"0123456789abcdef0123456789abcdef"' }]));
    expect([wrong.status, wrong.code]).toEqual([400, "InvalidPart"]);
    const missingPart = await s3Failure(s3.completeMultipart(key, uploadId, [{ partNumber: 3, etag: e1 }]));
    expect([missingPart.status, missingPart.code]).toEqual([400, "InvalidPart"]);
    expect(await s3.head(key)).toBeNull();
    // The upload survives failed completions.
    await s3.completeMultipart(key, uploadId, [{ partNumber: 1, etag: e1 }]);
    expect(new TextDecoder().decode(await getBytes(key))).toBe("a");
  });

  it(`${R2_RULES ? "refuses" : "accepts"} non-trailing parts of unequal size (R2's rule; AWS accepts them)`, async () => {
    const key = `${fresh()}/unequal.bin`;
    const uploadId = await s3.createMultipart(key);
    const sizes = [5 * MiB, 5 * MiB + 1, 10];
    const etags: string[] = [];
    for (const [i, n] of sizes.entries()) etags.push(await s3.uploadPart(key, uploadId, i + 1, new Blob([randomBytes(n)]).stream(), n));
    const complete = s3.completeMultipart(key, uploadId, etags.map((etag, i) => ({ partNumber: i + 1, etag })));
    if (R2_RULES) {
      const err = await s3Failure(complete);
      expect([err.status, err.code]).toEqual([400, "InvalidPart"]);
      expect(err.message).toContain("All non-trailing parts must have the same length");
      expect(await s3.head(key)).toBeNull();
    } else {
      await complete;
      expect((await s3.head(key))?.size).toBe(10 * MiB + 11);
    }
  }, 60_000);

  it("aborts: the upload and its parts are gone, and nothing is published", async () => {
    const key = `${fresh()}/aborted.bin`;
    const uploadId = await s3.createMultipart(key);
    const etag = await s3.uploadPart(key, uploadId, 1, new Blob([bytes("abc")]).stream(), 3);
    await s3.abortMultipart(key, uploadId);
    for (const op of [s3.listParts(key, uploadId), s3.completeMultipart(key, uploadId, [{ partNumber: 1, etag }])]) {
      const err = await s3Failure(op);
      expect([err.status, err.code]).toEqual([404, "NoSuchUpload"]);
    }
    const unknown = await s3Failure(s3.completeMultipart(key, "bm90LWFuLXVwbG9hZA", [{ partNumber: 1, etag }]));
    expect([unknown.status, unknown.code]).toEqual([404, "NoSuchUpload"]);
    expect(await s3.head(key)).toBeNull();
  });

  it("binds a presigned part URL to its key, upload and part number", async () => {
    const key = `${fresh()}/bound.bin`;
    const uploadId = await s3.createMultipart(key);
    const url = await s3.presignPart(key, uploadId, 1, 600);
    for (const tampered of [url.replace("partNumber=1", "partNumber=2"), url.replace("/bound.bin?", "/other.bin?")]) {
      const res = await fetch(tampered, { method: "PUT", body: "x" });
      expect(res.status).toBe(403);
      expect(await res.text()).toContain("<Code>SignatureDoesNotMatch</Code>");
    }
    expect(await s3.listParts(key, uploadId)).toEqual([]);
  });
});

describe("SigV4", () => {
  const other = (patch: Partial<typeof config>) => new S3Client({ ...config, ...patch });

  it("refuses a wrong secret, an unknown key id and unsigned requests, and writes nothing", async () => {
    const key = `${fresh()}/auth.txt`;
    const wrongSecret = await s3Failure(other({ secretAccessKey: `${config.secretAccessKey}x` }).put(key, new Blob(["x"]).stream(), 1));
    expect([wrongSecret.status, wrongSecret.code]).toEqual([403, "SignatureDoesNotMatch"]);
    const unknownKey = await s3Failure(other({ accessKeyId: "NOT-A-KEY" }).put(key, new Blob(["x"]).stream(), 1));
    // S3 answers 403 InvalidAccessKeyId; wrangler's R2 emulation answers 401 Unauthorized.
    expect([[403, "InvalidAccessKeyId"], [401, "Unauthorized"]]).toContainEqual([unknownKey.status, unknownKey.code]);
    const unsigned = await fetch(s3.objectUrl(key), { method: "PUT", body: "x" });
    // S3 answers 403 AccessDenied, R2 400 InvalidArgument (Authorization).
    expect([400, 403]).toContain(unsigned.status);
    expect(await s3.head(key)).toBeNull();
  });

  it("refuses a request signed for another key, and one signed too long ago", async () => {
    const key = `${fresh()}/signed.txt`;
    await put(key, "s");
    const aws = (await import("aws4fetch")).AwsClient;
    const signer = new aws({ ...config, service: "s3", retries: 0 });
    const signed = await signer.sign(s3.objectUrl(key), { method: "GET" });
    const moved = await fetch(s3.objectUrl(`${key}2`), { headers: signed.headers });
    expect(moved.status).toBe(403);
    await moved.body?.cancel();
    const stale = new Date(Date.now() - 3600_000).toISOString().replace(/[:-]|\.\d{3}/g, "");
    const old = await signer.sign(s3.objectUrl(key), { method: "GET", aws: { datetime: stale } });
    const res = await fetch(old);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("<Code>RequestTimeTooSkewed</Code>");
  });

  it("serves presigned GETs with the signed disposition, and refuses tampered or expired ones", async () => {
    const key = `${fresh()}/presigned file.txt`;
    await put(key, "presigned body");
    const url = await s3.presignGet(key, 300, 'attachment; filename="presigned file.txt"');
    const res = await fetch(url, { headers: { range: "bytes=0-8" } });
    expect(res.status).toBe(206);
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="presigned file.txt"');
    expect(await res.text()).toBe("presigned");

    const tampered = await fetch(url.replace("filename%3D%22presigned", "filename%3D%22evil"));
    expect(tampered.status).toBe(403);
    await tampered.body?.cancel();

    const aws = (await import("aws4fetch")).AwsClient;
    const signer = new aws({ ...config, service: "s3", retries: 0 });
    const twoHoursAgo = new Date(Date.now() - 7200_000).toISOString().replace(/[:-]|\.\d{3}/g, "");
    const expired = await signer.sign(s3.objectUrl(key, { "X-Amz-Expires": "60" }), { method: "GET", aws: { signQuery: true, datetime: twoHoursAgo } });
    const late = await fetch(expired.url);
    expect(late.status).toBe(403);
    expect(await late.text()).toContain("<Code>AccessDenied</Code>");
  });

  it("binds a presigned PUT to its signed content type", async () => {
    const key = `${fresh()}/upload.json`;
    const url = await s3.presignPut(key, 300, "application/json");
    const wrongType = await fetch(url, { method: "PUT", body: "{}", headers: { "content-type": "text/html" } });
    expect(wrongType.status).toBe(403);
    await wrongType.body?.cancel();
    expect(await s3.head(key)).toBeNull();
    const ok = await fetch(url, { method: "PUT", body: '{"a":1}', headers: { "content-type": "application/json" } });
    expect(ok.status).toBe(200);
    const got = await s3.get(key);
    expect(got.headers.get("content-type")).toBe("application/json");
    expect(await got.text()).toBe('{"a":1}');
  });
});

describe("interrupted uploads", () => {
  it("publishes nothing when the client hangs up mid-body, and keeps the previous version", async () => {
    const dir = fresh();
    const url = await s3.presignPut(`${dir}/cut.bin`, 300, "application/octet-stream");
    await truncatedPut(url, { "Content-Type": "application/octet-stream" }, randomBytes(40_000), 100_000);
    expect(await s3.head(`${dir}/cut.bin`)).toBeNull();
    expect((await listAll(`${dir}/`)).keys).toEqual([]);

    await put(`${dir}/kept.txt`, "previous version");
    const again = await s3.presignPut(`${dir}/kept.txt`, 300, "text/plain");
    await truncatedPut(again, { "Content-Type": "text/plain" }, bytes("new but cut"), 5000);
    expect(new TextDecoder().decode(await getBytes(`${dir}/kept.txt`))).toBe("previous version");
  });

  it("publishes nothing when a streamed body of announced length fails mid-way", async () => {
    const key = `${fresh()}/failed-stream.bin`;
    let sent = 0;
    const source = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (sent >= 4) {
          await new Promise((r) => setTimeout(r, 150));
          return controller.error(new Error("client went away"));
        }
        sent++;
        controller.enqueue(randomBytes(16_384));
        await new Promise((r) => setTimeout(r, 10));
      },
    });
    // Known length, as a Worker's request body has: it goes upstream with its Content-Length.
    const fixed = new FixedLengthStream(200_000);
    source.pipeTo(fixed.writable).catch(() => undefined);
    await expect(s3.put(key, fixed.readable, 200_000)).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 300));
    expect(await s3.head(key)).toBeNull();
  });

  it("refuses a body without Content-Length (chunked), and stores nothing", async () => {
    const key = `${fresh()}/chunked.bin`;
    const res = await s3.objectRequest("PUT", key, { body: new Blob([randomBytes(1000)]).stream().pipeThrough(new TransformStream()) });
    expect(res.status).toBe(411);
    expect(await res.text()).toContain("<Code>MissingContentLength</Code>");
    expect(await s3.head(key)).toBeNull();
  });

  it("keeps no part whose body was cut off", async () => {
    const key = `${fresh()}/part.bin`;
    const uploadId = await s3.createMultipart(key);
    const url = await s3.presignPart(key, uploadId, 1, 300);
    await truncatedPut(url, {}, randomBytes(10_000), 6 * MiB);
    expect(await s3.listParts(key, uploadId)).toEqual([]);
    await s3.abortMultipart(key, uploadId);
  });
});

describe("the artifact store on this S3 store", () => {
  const store = new ArtifactStore({ ...config, prefix: "conformance-store" });

  it("lists a folder that holds only subfolders, at every level", async () => {
    const root = fresh();
    for (const p of ["a.txt", "nested/path/a.txt", "nested/path/deeper/b.txt"]) {
      await store.upload(`${root}/${p}`, new Blob([p]).stream(), String(p.length));
    }
    expect(await store.list(root)).toEqual([
      { path: "a.txt", is_dir: false, file_size: 5 },
      { path: "nested", is_dir: true },
    ]);
    expect(await store.list(`${root}/nested`)).toEqual([{ path: "path", is_dir: true }]);
    expect(await store.list(`${root}/nested/path`)).toEqual([
      { path: "a.txt", is_dir: false, file_size: 17 },
      { path: "deeper", is_dir: true },
    ]);
  });

  it(
    "lists and deletes a folder of 2,500 entries",
    async () => {
      const root = fresh();
      const names = Array.from({ length: 2497 }, (_, i) => `file-${String(i).padStart(4, "0")}.txt`);
      await inParallel(names, 24, async (n) => s3.put(store.key(`${root}/big/${n}`), null, 0));
      for (const d of ["d1", "d2", "d3"]) await s3.put(store.key(`${root}/big/${d}/x/y.txt`), null, 0);
      const listed = await store.list(`${root}/big`);
      expect(listed.length).toBe(2500);
      expect(listed.filter((f) => f.is_dir).map((f) => f.path)).toEqual(["d1", "d2", "d3"]);
      expect(listed.filter((f) => !f.is_dir).map((f) => f.path)).toEqual(names);
      await store.delete(`${root}/big`);
      expect(await store.list(`${root}/big`)).toEqual([]);
      expect((await listAll(store.key(root))).keys).toEqual([]);
    },
    180_000,
  );
});
