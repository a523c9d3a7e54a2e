// The proxy's uploads are atomic from a reader's view whatever the store does: a body that fails
// mid-way (a client that disconnects) never leaves an object that lists or downloads. The tests
// run against a bucket of the local store that is told to behave like a careless store and keep
// cut-off bodies (scripts/lib/s3/server.mjs, /_local/buckets), and first prove that it does.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { BUFFERED_UPLOAD_MAX_BYTES } from "../../src/artifacts/atomic-upload";
import { S3Client } from "../../src/artifacts/s3";
import type { Env } from "../../src/env";
import { PREFIX, PROXY, bucket, freshRoot, json, randomBytes, send, sha256 } from "./artifacts-helpers";

const bindings = env as unknown as Env;
const CARELESS = "careless-artifacts";
const careless = new S3Client({
  endpoint: bindings.S3_ENDPOINT!,
  bucket: CARELESS,
  prefix: "",
  region: bindings.S3_REGION!,
  accessKeyId: bindings.S3_ACCESS_KEY_ID!,
  secretAccessKey: bindings.S3_SECRET_ACCESS_KEY!,
  timeoutMs: 30_000,
});

/**
 * A body announced as `length` bytes that delivers `sent` of them in slices, pausing so they reach
 * the store, then fails: what a Worker sees when its client disconnects mid-upload. Like a real
 * request body it has a known length, so it goes upstream with a Content-Length.
 */
function failingBody(sent: number, length: number): ReadableStream<Uint8Array> {
  let left = sent;
  const source = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (left === 0) {
        await new Promise((r) => setTimeout(r, 150));
        controller.error(new Error("client disconnected"));
        return;
      }
      const n = Math.min(left, 64 * 1024);
      left -= n;
      controller.enqueue(randomBytes(n));
      await new Promise((r) => setTimeout(r, 10));
    },
  });
  const fixed = new FixedLengthStream(length);
  source.pipeTo(fixed.writable).catch(() => undefined);
  return fixed.readable;
}

/** A PUT through the proxy of the app bound to the careless bucket. */
async function proxyPut(path: string, body: ReadableStream | Uint8Array<ArrayBuffer>, length: number): Promise<Response | Error> {
  const request = new Request(`http://localhost${PROXY}/artifacts/${path}`, {
    method: "PUT",
    body,
    headers: { "content-length": String(length) },
  });
  try {
    return await createApp().fetch(request, { ...bindings, S3_BUCKET: CARELESS } as Env);
  } catch (err) {
    return err as Error;
  }
}

async function pendingUploads(): Promise<string[]> {
  const res = await careless.objectRequest("GET", "", { query: { uploads: "" } });
  return [...(await res.text()).matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1]!);
}

beforeAll(async () => {
  const res = await fetch(`${bindings.S3_ENDPOINT}/_local/buckets/${CARELESS}`, { method: "PUT", body: JSON.stringify({ keepTruncatedUploads: true }) });
  expect(await res.json()).toEqual({ bucket: CARELESS, keepTruncatedUploads: true });
});

describe("a careless store", () => {
  it("keeps the part of a streamed PUT that arrived before the body failed (what the proxy must not rely on)", async () => {
    const key = `${freshRoot()}/streamed.bin`;
    await expect(careless.put(key, failingBody(300_000, 1_000_000), 1_000_000)).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 300));
    const head = await careless.head(key);
    expect(head).not.toBeNull();
    expect(head!.size).toBeGreaterThan(0);
    expect(head!.size).toBeLessThan(1_000_000);
  });
});

describe("uploads through the proxy on a careless store", () => {
  for (const [label, length, sent] of [
    ["a small body (buffered, one PutObject)", BUFFERED_UPLOAD_MAX_BYTES - 1000, 300_000],
    ["a large body (streamed as one multipart part)", 3 * BUFFERED_UPLOAD_MAX_BYTES, 1_500_000],
  ] as const) {
    it(`leave nothing when ${label} fails mid-way`, async () => {
      const root = freshRoot();
      const res = await proxyPut(`${root}/model.bin`, failingBody(sent, length), length);
      if (res instanceof Response) expect(res.status).toBeGreaterThanOrEqual(400);
      await new Promise((r) => setTimeout(r, 300));
      expect(await careless.head(`${PREFIX}/${root}/model.bin`)).toBeNull();
      expect((await careless.list(`${PREFIX}/${root}/`)).objects).toEqual([]);
      // The internal multipart upload was aborted, not left behind.
      expect((await pendingUploads()).filter((k) => k.startsWith(`${PREFIX}/${root}/`))).toEqual([]);
    });

    it(`store ${label} whole when it arrives whole`, async () => {
      const root = freshRoot();
      const data = randomBytes(length);
      const res = await proxyPut(`${root}/model.bin`, data, length);
      expect(res).toBeInstanceOf(Response);
      expect((res as Response).status).toBe(200);
      const got = await careless.get(`${PREFIX}/${root}/model.bin`);
      expect(got.headers.get("content-type")).toBe("application/octet-stream");
      expect(await sha256(await got.arrayBuffer())).toBe(await sha256(data));
    });
  }

  it("refuses a body that ends before its Content-Length without error, and stores nothing", async () => {
    const root = freshRoot();
    // The app called directly sees the stream end early (a real HTTP server would see a reset).
    const short = new Blob([randomBytes(1000)]).stream();
    for (const [length, sent] of [[2 * BUFFERED_UPLOAD_MAX_BYTES, 5000]] as const) {
      const res = await proxyPut(`${root}/short.bin`, new Blob([randomBytes(sent)]).stream(), length);
      expect((res as Response).status).toBe(400);
      expect(await careless.head(`${PREFIX}/${root}/short.bin`)).toBeNull();
    }
    const res = await proxyPut(`${root}/short.txt`, short, 5000);
    expect(res).toBeInstanceOf(Response);
    expect((res as Response).status).toBe(400);
    expect((await json(res as Response)).message).toContain("ended after 1000 of the 5000 bytes");
    expect(await careless.head(`${PREFIX}/${root}/short.txt`)).toBeNull();
  });
});

describe("uploads through the deployed entry point", () => {
  it("leave nothing when the body fails, and overwrite whole", async () => {
    const root = freshRoot();
    const first = randomBytes(2 * BUFFERED_UPLOAD_MAX_BYTES);
    const ok = await send("PUT", `${PROXY}/artifacts/${root}/w.bin`, { body: first, headers: { "content-length": String(first.length) } });
    expect(ok.status).toBe(200);
    const failed = await send("PUT", `${PROXY}/artifacts/${root}/w.bin`, {
      body: failingBody(BUFFERED_UPLOAD_MAX_BYTES, first.length),
      headers: { "content-length": String(first.length) },
    }).catch((err: Error) => err);
    if (failed instanceof Response) expect(failed.status).toBeGreaterThanOrEqual(400);
    await new Promise((r) => setTimeout(r, 300));
    // The previous version is intact.
    const got = await send("GET", `${PROXY}/artifacts/${root}/w.bin`);
    expect(await sha256(await got.arrayBuffer())).toBe(await sha256(first));
    expect((await bucket.head(`${PREFIX}/${root}/w.bin`))?.size).toBe(first.length);
  });
});
