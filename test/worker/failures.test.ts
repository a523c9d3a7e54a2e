import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../../src/app";

const ctx = { waitUntil: () => {}, passThroughOnException: () => {}, props: {} } as unknown as ExecutionContext;

async function fetchWith(bindings: Record<string, unknown>, path: string, init?: RequestInit) {
  const res = await createApp().fetch(new Request(`http://localhost${path}`, init), { ...env, ...bindings }, ctx);
  return { status: res.status, body: (await res.json().catch(() => undefined)) as any, headers: res.headers };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("infrastructure failures", () => {
  for (const transport of ["http", "ws"]) {
    it(`answers 503 TEMPORARILY_UNAVAILABLE without Retry-After when the database is unreachable (${transport})`, async () => {
      // Port 9 (discard) on loopback: nothing listens there.
      const res = await fetchWith(
        { DB_TRANSPORT: transport, DATABASE_URL: "postgres://postgres:postgres@127.0.0.1:9/postgres" },
        "/api/2.0/mlflow/experiments/get?experiment_id=0",
      );
      expect(res.status).toBe(503);
      expect(res.body.error_code).toBe("TEMPORARILY_UNAVAILABLE");
      expect(res.body.message).toMatch(/database/i);
      // A Retry-After would replace the official client's exponential backoff (about 4 minutes of
      // retries) with the header's value (Retry-After: 1 gave up after about 7 seconds).
      expect(res.headers.get("retry-after")).toBeNull();
    });
  }

  for (const transport of ["http", "ws"]) {
    it(`never logs the database password, even from a malformed DATABASE_URL (${transport})`, async () => {
      const logged: string[] = [];
      for (const level of ["log", "info", "warn", "error", "debug"] as const) {
        vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(" ")));
      }
      // An invalid port: the driver refuses the URL, quoting it.
      const res = await fetchWith(
        { DB_TRANSPORT: transport, DATABASE_URL: "postgres://postgres:hunter2-password@127.0.0.1:notaport/postgres" },
        "/api/2.0/mlflow/experiments/get?experiment_id=0",
      );
      expect(res.status).toBeGreaterThanOrEqual(500);
      expect(JSON.stringify(res.body)).not.toContain("hunter2");
      expect(logged.length).toBeGreaterThan(0);
      for (const line of logged) expect(line).not.toContain("hunter2");
    });
  }

  it("says clearly which setting is missing", async () => {
    const res = await fetchWith({ DATABASE_URL: "" }, "/api/2.0/mlflow/experiments/get?experiment_id=0");
    expect(res.status).toBe(503);
    expect(res.body.message).toContain("DATABASE_URL");
  });

  it("never turns malformed input into a 5xx", async () => {
    const bodies = ["{", "[]", '"just a string"', "null", '{"name": {"nested": true}}', '{"name": "x", "tags": "notalist"}'];
    for (const body of bodies) {
      const res = await fetchWith({}, "/api/2.0/mlflow/experiments/create", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      expect(res.status, body).toBe(400);
      expect(res.body.error_code, body).toBe("INVALID_PARAMETER_VALUE");
    }
  });
});
