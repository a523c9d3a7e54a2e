// The mlflow-artifacts proxy against the real (SigV4-checking) S3 server: streaming both ways,
// Range, listing, deletes, multipart through presigned part URLs, presigned downloads.
import { describe, expect, it } from "vitest";
import { PREFIX, PROXY, bucket, freshRoot, json, put, randomBytes, send, sha256 } from "./artifacts-helpers";

describe("upload and download", () => {
  it("round-trips a small file with MLflow's download headers", async () => {
    const root = freshRoot();
    const res = await put(`${root}/notes/hello.txt`, "hello world");
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({});
    // Stored under the configured prefix.
    expect((await bucket.head(`${PREFIX}/${root}/notes/hello.txt`))?.size).toBe(11);

    const got = await send("GET", `${PROXY}/artifacts/${root}/notes/hello.txt`);
    expect(got.status).toBe(200);
    expect(await got.text()).toBe("hello world");
    expect(got.headers.get("content-type")).toBe("text/plain");
    expect(got.headers.get("content-disposition")).toBe("attachment; filename=hello.txt");
    expect(got.headers.get("x-content-type-options")).toBe("nosniff");
    expect(got.headers.get("content-security-policy")).toContain("sandbox");
    expect(got.headers.get("content-length")).toBe("11");
    expect(got.headers.get("accept-ranges")).toBe("bytes");
  });

  it("streams a multi-MB body byte-identically both ways", async () => {
    const root = freshRoot();
    const data = randomBytes(12 * 1024 * 1024 + 123);
    const res = await put(`${root}/model.bin`, data);
    expect(res.status).toBe(200);
    const got = await send("GET", `${PROXY}/artifacts/${root}/model.bin`);
    expect(got.status).toBe(200);
    expect(got.headers.get("content-type")).toBe("application/octet-stream");
    const back = new Uint8Array(await got.arrayBuffer());
    expect(back.length).toBe(data.length);
    expect(await sha256(back)).toBe(await sha256(data));
  });

  it("stores empty files", async () => {
    const root = freshRoot();
    expect((await put(`${root}/empty.txt`, "")).status).toBe(200);
    const got = await send("GET", `${PROXY}/artifacts/${root}/empty.txt`);
    expect(got.status).toBe(200);
    expect(await got.text()).toBe("");
  });

  it("handles unicode, spaces and RFC 3986 reserved characters in names", async () => {
    const root = freshRoot();
    const name = "my file+v1 é (1)!'*.txt";
    const res = await put(`${root}/${encodeURIComponent(name)}`, "x");
    expect(res.status).toBe(200);
    const got = await send("GET", `${PROXY}/artifacts/${root}/${encodeURIComponent(name)}`);
    expect(got.status).toBe(200);
    expect(await got.text()).toBe("x");
    expect(got.headers.get("content-disposition")).toContain("filename*=UTF-8''my%20file+v1%20%C3%A9%20%281%29!%27%2A.txt");
    // Listed names go through S3's XML; the test server escapes ' and & twice, so list one without.
    const listed = "my file+v1 é (1)!*.txt";
    await put(`${root}/sub/${encodeURIComponent(listed)}`, "yy");
    const listing = await json(await send("GET", `${PROXY}/artifacts?path=${encodeURIComponent(`${root}/sub`)}`));
    expect(listing.files).toEqual([{ path: listed, is_dir: false, file_size: 2 }]);
  });

  it("refuses an upload without Content-Length and writes nothing", async () => {
    const root = freshRoot();
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("chunked"));
        controller.close();
      },
    });
    const res = await send("PUT", `${PROXY}/artifacts/${root}/chunked.txt`, { body: stream });
    expect(res.status).toBe(400);
    const body = await json(res);
    expect(body.error_code).toBe("INVALID_PARAMETER_VALUE");
    expect(body.message).toContain("Content-Length");
    expect(await bucket.head(`${PREFIX}/${root}/chunked.txt`)).toBeNull();
  });

  it("stores an empty body sent without Content-Length (Python's requests does that for empty files)", async () => {
    const root = freshRoot();
    const empty = new ReadableStream({ start: (controller) => controller.close() });
    const res = await send("PUT", `${PROXY}/artifacts/${root}/empty.bin`, { body: empty });
    expect(res.status).toBe(200);
    expect((await bucket.head(`${PREFIX}/${root}/empty.bin`))?.size).toBe(0);
  });

  it("refuses a PUT to a directory path", async () => {
    const res = await send("PUT", `${PROXY}/artifacts/${freshRoot()}/`, { body: "x", headers: { "content-length": "1" } });
    expect(res.status).toBe(400);
    expect((await json(res)).error_code).toBe("INVALID_PARAMETER_VALUE");
  });

  it("answers 404 for a missing file and 400 for a directory", async () => {
    const root = freshRoot();
    await put(`${root}/dir/a.txt`, "a");
    const missing = await send("GET", `${PROXY}/artifacts/${root}/nope.txt`);
    expect(missing.status).toBe(404);
    expect(await json(missing)).toMatchObject({ error_code: "RESOURCE_DOES_NOT_EXIST" });
    const dir = await send("GET", `${PROXY}/artifacts/${root}/dir`);
    expect(dir.status).toBe(400);
    expect((await json(dir)).message).toContain("directory");
  });

  it("passes Range through: 206 with Content-Range, 416 when unsatisfiable", async () => {
    const root = freshRoot();
    await put(`${root}/t.txt`, "hello world");
    const part = await send("GET", `${PROXY}/artifacts/${root}/t.txt`, { headers: { range: "bytes=2-4" } });
    expect(part.status).toBe(206);
    expect(await part.text()).toBe("llo");
    expect(part.headers.get("content-range")).toBe("bytes 2-4/11");
    const tail = await send("GET", `${PROXY}/artifacts/${root}/t.txt`, { headers: { range: "bytes=6-" } });
    expect(tail.status).toBe(206);
    expect(await tail.text()).toBe("world");
    const bad = await send("GET", `${PROXY}/artifacts/${root}/t.txt`, { headers: { range: "bytes=200-300" } });
    expect(bad.status).toBe(416);
  });
});

describe("listing", () => {
  it("lists direct children with base names, directories without sizes", async () => {
    const root = freshRoot();
    await put(`${root}/a.txt`, "aa");
    await put(`${root}/sub/b.txt`, "bbb");
    await put(`${root}/sub/deeper/c.txt`, "c");
    const top = await json(await send("GET", `${PROXY}/artifacts?path=${root}`));
    expect(top).toEqual({ files: [{ path: "a.txt", is_dir: false, file_size: 2 }, { path: "sub", is_dir: true }] });
    const sub = await json(await send("GET", `${PROXY}/artifacts?path=${root}/sub`));
    expect(sub).toEqual({ files: [{ path: "b.txt", is_dir: false, file_size: 3 }, { path: "deeper", is_dir: true }] });
    // A file path and a missing path both list as empty, as in MLflow.
    expect(await json(await send("GET", `${PROXY}/artifacts?path=${root}/a.txt`))).toEqual({});
    expect(await json(await send("GET", `${PROXY}/artifacts?path=${root}/missing`))).toEqual({});
    // The ajax twin answers the same.
    expect(await json(await send("GET", `/ajax-api/2.0/mlflow-artifacts/artifacts?path=${root}`))).toEqual(top);
  });
  // Pagination (> 1000 children) is not tested here: the test S3 server fails every truncated
  // listing (its continuation tokens use DES, which Node 22's OpenSSL 3 no longer provides).
});

describe("delete", () => {
  it("deletes a file but not a sibling sharing its name as a prefix", async () => {
    const root = freshRoot();
    await put(`${root}/a.txt`, "a");
    await put(`${root}/a.txt2`, "b");
    const res = await send("DELETE", `${PROXY}/artifacts/${root}/a.txt`);
    expect(res.status).toBe(200);
    expect(await bucket.head(`${PREFIX}/${root}/a.txt`)).toBeNull();
    expect(await bucket.head(`${PREFIX}/${root}/a.txt2`)).not.toBeNull();
  });

  it("deletes a directory recursively and only that directory", async () => {
    const root = freshRoot();
    await put(`${root}/d/x.txt`, "x");
    await put(`${root}/d/e/y.txt`, "y");
    await put(`${root}/d2/z.txt`, "z");
    expect((await send("DELETE", `${PROXY}/artifacts/${root}/d`)).status).toBe(200);
    expect(await json(await send("GET", `${PROXY}/artifacts?path=${root}`))).toEqual({ files: [{ path: "d2", is_dir: true }] });
    // Deleting something missing succeeds, as in MLflow.
    expect((await send("DELETE", `${PROXY}/artifacts/${root}/never`)).status).toBe(200);
  });
});

describe("multipart upload", () => {
  it("creates presigned part URLs, uploads parts straight to S3, completes", async () => {
    const root = freshRoot();
    const part1 = randomBytes(5 * 1024 * 1024);
    const part2 = randomBytes(1024);
    const created = await send("POST", `${PROXY}/mpu/create/${root}/big`, {
      body: JSON.stringify({ path: "/home/me/data/model.bin", num_parts: 2 }),
      headers: { "content-type": "application/json" },
    });
    expect(created.status).toBe(200);
    const { upload_id, credentials } = await json(created);
    expect(typeof upload_id).toBe("string");
    expect(credentials.map((c: { part_number: number }) => c.part_number)).toEqual([1, 2]);
    const parts = [];
    for (const [i, body] of [part1, part2].entries()) {
      const cred = credentials[i];
      expect(cred.url).toContain("X-Amz-Signature=");
      expect(cred.url).toContain(`/${PREFIX}/${root}/big/model.bin?`);
      const res = await fetch(cred.url, { method: "PUT", body, headers: cred.headers });
      expect(res.status).toBe(200);
      parts.push({ part_number: cred.part_number, etag: res.headers.get("etag"), url: cred.url });
    }
    const done = await send("POST", `${PROXY}/mpu/complete/${root}/big`, {
      body: JSON.stringify({ path: "model.bin", upload_id, parts }),
      headers: { "content-type": "application/json" },
    });
    expect(done.status).toBe(200);
    const got = new Uint8Array(await (await send("GET", `${PROXY}/artifacts/${root}/big/model.bin`)).arrayBuffer());
    const whole = new Uint8Array(part1.length + part2.length);
    whole.set(part1);
    whole.set(part2, part1.length);
    expect(await sha256(got)).toBe(await sha256(whole));
  });

  it("a presigned part URL is bound to its key and upload", async () => {
    const root = freshRoot();
    const created = await json(
      await send("POST", `${PROXY}/mpu/create/${root}`, { body: JSON.stringify({ path: "f.bin", num_parts: 1 }), headers: { "content-type": "application/json" } }),
    );
    const tampered = created.credentials[0].url.replace("/f.bin?", "/other.bin?");
    const res = await fetch(tampered, { method: "PUT", body: "x" });
    expect(res.status).toBe(403);
    expect(await bucket.head(`${PREFIX}/${root}/other.bin`)).toBeNull();
  });

  it("aborts, and rejects bad requests with 4xx", async () => {
    const root = freshRoot();
    const headers = { "content-type": "application/json" };
    const created = await json(await send("POST", `${PROXY}/mpu/create/${root}`, { body: JSON.stringify({ path: "f.bin", num_parts: 1 }), headers }));
    const aborted = await send("POST", `${PROXY}/mpu/abort/${root}`, { body: JSON.stringify({ path: "f.bin", upload_id: created.upload_id }), headers });
    expect(aborted.status).toBe(200);
    const tooMany = await send("POST", `${PROXY}/mpu/create/${root}`, { body: JSON.stringify({ path: "f.bin", num_parts: 10001 }), headers });
    expect(tooMany.status).toBe(400);
    const noPath = await send("POST", `${PROXY}/mpu/create/${root}`, { body: JSON.stringify({ num_parts: 1 }), headers });
    expect(noPath.status).toBe(400);
    for (const upload_id of ["../../uploads/x", "a b", ""]) {
      const badUpload = await send("POST", `${PROXY}/mpu/complete/${root}`, {
        body: JSON.stringify({ path: "f.bin", upload_id, parts: [{ part_number: 1, etag: '"x"' }] }),
        headers,
      });
      expect(badUpload.status).toBe(400);
      expect((await json(badUpload)).error_code).toBe("INVALID_PARAMETER_VALUE");
    }
    const noParts = await send("POST", `${PROXY}/mpu/complete/${root}`, { body: JSON.stringify({ path: "f.bin", upload_id: created.upload_id, parts: [] }), headers });
    expect(noParts.status).toBe(400);
    expect(await bucket.head(`${PREFIX}/${root}/f.bin`)).toBeNull();
  });
});

describe("presigned download", () => {
  it("returns a URL that serves byte ranges of the object, with its size", async () => {
    const root = freshRoot();
    const data = randomBytes(300_000);
    await put(`${root}/w.bin`, data);
    const res = await send("GET", `${PROXY}/presigned/${root}/w.bin`);
    expect(res.status).toBe(200);
    const info = await json(res);
    expect(info.file_size).toBe(data.length);
    expect(info.headers).toEqual({});
    const ranged = await fetch(info.url, { headers: { range: "bytes=1000-1999" } });
    expect(ranged.status).toBe(206);
    expect(await sha256(await ranged.arrayBuffer())).toBe(await sha256(data.subarray(1000, 2000)));
    // Names with characters stores canonicalise differently in signed queries still work.
    await put(`${root}/${encodeURIComponent("it's (1) é.bin")}`, "q");
    const odd = await json(await send("GET", `${PROXY}/presigned/${root}/${encodeURIComponent("it's (1) é.bin")}`));
    const oddRes = await fetch(odd.url);
    expect(oddRes.status).toBe(200);
    expect(await oddRes.text()).toBe("q");
    const missing = await send("GET", `${PROXY}/presigned/${root}/none.bin`);
    expect(missing.status).toBe(404);
  });
});

describe("server-info", () => {
  it("advertises multipart transfers when S3 is configured", async () => {
    const info = await json(await send("GET", "/api/3.0/mlflow/server-info"));
    expect(info).toMatchObject({
      store_type: "SqlStore",
      multipart_uploads_enabled: true,
      multipart_downloads_enabled: true,
      artifact_serving_enabled: true,
      artifacts_presigned_only: false,
    });
  });

  it("keeps keys under the configured prefix", async () => {
    const root = freshRoot();
    await put(`${root}/k.txt`, "k");
    expect(await bucket.head(`${PREFIX}/${root}/k.txt`)).not.toBeNull();
    expect(await bucket.head(`${root}/k.txt`)).toBeNull();
    expect((await bucket.list("", { delimiter: "/" })).objects).toEqual([]);
  });
});
