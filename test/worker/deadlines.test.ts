/**
 * Frozen dependencies: the database path or the artifact store accepts the connection and never
 * answers (test/worker/stalled-server.mjs). Every call has a deadline, after which the request
 * ends with a clean 503 TEMPORARILY_UNAVAILABLE instead of hanging for as long as the stall lasts;
 * and what is logged about it carries no request data.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../../src/app";

const STALLED = (env as unknown as { TEST_STALLED_ADDRESS: string }).TEST_STALLED_ADDRESS;
const ctx = { waitUntil: () => {}, passThroughOnException: () => {}, props: {} } as unknown as ExecutionContext;

/** The database path of each transport, frozen; a one-second deadline keeps the tests short. */
const FROZEN_DATABASE = {
  http: { DB_TRANSPORT: "http", DB_HTTP_ENDPOINT: `http://${STALLED}/sql`, DB_TIMEOUT_MS: "1000" },
  ws: { DB_TRANSPORT: "ws", DB_WS_PROXY: STALLED, DB_TIMEOUT_MS: "1000" },
};
const FROZEN_STORAGE = { S3_ENDPOINT: `http://${STALLED}`, S3_TIMEOUT_MS: "1000" };

async function call(bindings: Record<string, string>, method: string, path: string, body?: BodyInit, headers?: Record<string, string>) {
  const res = await createApp().fetch(new Request(`http://localhost${path}`, { method, body, headers }), { ...env, ...bindings }, ctx);
  return { status: res.status, body: (await res.json().catch(() => undefined)) as any, headers: res.headers };
}

function expectUnavailable(res: { status: number; body: any; headers: Headers }, what: RegExp) {
  expect(res.status).toBe(503);
  expect(res.body.error_code).toBe("TEMPORARILY_UNAVAILABLE");
  expect(res.body.message).toMatch(what);
  expect(res.headers.get("retry-after")).toBeNull();
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("a frozen database path", () => {
  for (const [transport, bindings] of Object.entries(FROZEN_DATABASE)) {
    it(`ends a read with 503 after the deadline (${transport})`, async () => {
      expectUnavailable(await call(bindings, "GET", "/api/2.0/mlflow/experiments/get?experiment_id=0"), /database/);
    });

    it(`ends a write with 503 and logs no request data (${transport})`, async () => {
      const logged: string[] = [];
      for (const level of ["log", "info", "warn", "error", "debug"] as const) {
        vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(" ")));
      }
      const secret = `secret-${crypto.randomUUID()}`;
      const res = await call(bindings, "POST", "/api/2.0/mlflow/experiments/create", JSON.stringify({ name: secret, tags: [{ key: "k", value: secret }] }), {
        "content-type": "application/json",
      });
      expectUnavailable(res, /database/);
      expect(JSON.stringify(res.body)).not.toContain(secret);
      expect(logged.length).toBeGreaterThan(0); // the failure is logged…
      for (const line of logged) expect(line).not.toContain(secret); // …without the values
      expect(logged.join("\n")).not.toMatch(/params:|Failed query/);
    });
  }
});

describe("a frozen artifact store", () => {
  const artifact = "/api/2.0/mlflow-artifacts/artifacts/deadline-test/run/artifacts/file.bin";

  it("ends a download with 503 after the deadline", async () => {
    expectUnavailable(await call(FROZEN_STORAGE, "GET", artifact), /storage/i);
  });

  it("ends a listing with 503 after the deadline", async () => {
    expectUnavailable(await call(FROZEN_STORAGE, "GET", "/api/2.0/mlflow-artifacts/artifacts?path=deadline-test"), /storage/i);
  });

  it("ends a small upload with 503 when the store never answers", async () => {
    expectUnavailable(await call(FROZEN_STORAGE, "PUT", artifact, "hello", { "content-length": "5" }), /storage/i);
  });

  it("ends a large upload with 503 when the store stops reading it", async () => {
    // 32 MiB: far more than the socket buffers hold, so the store's silence stalls the body itself.
    const size = 32 << 20;
    expectUnavailable(await call(FROZEN_STORAGE, "PUT", artifact, new Uint8Array(size), { "content-length": String(size) }), /storage/i);
  });

  it("lets a slow client take its time: only the store's silence counts", async () => {
    // The real store, a 300 ms deadline, and a client that pauses 500 ms between its pieces.
    const pieces = [new Uint8Array(70_000).fill(1), new Uint8Array(70_000).fill(2), new Uint8Array(10).fill(3)];
    let i = 0;
    const body = new ReadableStream({
      type: "bytes",
      async pull(controller) {
        if (i > 0) await new Promise((r) => setTimeout(r, 500));
        if (i < pieces.length) controller.enqueue(pieces[i++]!);
        else controller.close();
      },
    });
    const size = pieces.reduce((n, p) => n + p.byteLength, 0);
    const path = `/api/2.0/mlflow-artifacts/artifacts/deadline-test/run/artifacts/slow-${crypto.randomUUID()}.bin`;
    const put = await createApp().fetch(
      new Request(`http://localhost${path}`, { method: "PUT", body, headers: { "content-length": String(size) }, duplex: "half" } as RequestInit),
      { ...env, S3_TIMEOUT_MS: "300" },
      ctx,
    );
    expect(put.status, await put.clone().text()).toBe(200);
    const got = await createApp().fetch(new Request(`http://localhost${path}`), env, ctx);
    const bytes = new Uint8Array(await got.arrayBuffer());
    expect(bytes.byteLength).toBe(size);
    expect([bytes[0], bytes[70_000], bytes[size - 1]]).toEqual([1, 2, 3]);
  });

  it("ends a multipart upload's creation with 503 after the deadline", async () => {
    const res = await call(FROZEN_STORAGE, "POST", "/api/2.0/mlflow-artifacts/mpu/create/deadline-test/run/artifacts", JSON.stringify({ path: "big.bin", num_parts: 2 }), {
      "content-type": "application/json",
    });
    expectUnavailable(res, /storage/i);
  });
});
