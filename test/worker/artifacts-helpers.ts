/** Helpers for the artifact tests: raw HTTP calls into the Worker and direct looks into the bucket. */
import { env, exports } from "cloudflare:workers";
import { S3Client } from "../../src/artifacts/s3";
import { createApp } from "../../src/app";
import type { Env } from "../../src/env";

export const PROXY = "/api/2.0/mlflow-artifacts";
const bindings = env as unknown as Env;
export const PREFIX = bindings.S3_PREFIX!;

/** The bucket as the tests' S3 server holds it, bypassing the Worker. */
export const bucket = new S3Client({
  endpoint: bindings.S3_ENDPOINT!,
  bucket: bindings.S3_BUCKET!,
  prefix: "",
  region: bindings.S3_REGION!,
  accessKeyId: bindings.S3_ACCESS_KEY_ID!,
  secretAccessKey: bindings.S3_SECRET_ACCESS_KEY!,
  timeoutMs: 30_000,
});

export async function send(method: string, path: string, init: { body?: BodyInit | null; headers?: Record<string, string> } = {}): Promise<Response> {
  return (exports as any).default.fetch(`http://localhost${path}`, { method, body: init.body ?? null, headers: init.headers });
}

/** The same app with other bindings (server modes), called directly. */
export async function sendWithEnv(overrides: Record<string, string>, method: string, path: string, body?: unknown): Promise<Response> {
  const init: RequestInit = { method };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { "content-type": "application/json" };
  }
  return createApp().fetch(new Request(`http://localhost${path}`, init), { ...bindings, ...overrides } as Env);
}

export async function json(res: Response): Promise<any> {
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`not JSON (HTTP ${res.status}): ${text.slice(0, 200)}`);
  }
}

export function randomBytes(n: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(new ArrayBuffer(n));
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(out.subarray(i, Math.min(n, i + 65536)));
  return out;
}

export async function sha256(data: ArrayBuffer | Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", data);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Every key under `prefix` (one listing page: the test S3 server cannot paginate). */
export async function keysUnder(prefix: string): Promise<Map<string, number>> {
  const page = await bucket.list(prefix);
  return new Map(page.objects.map((o) => [o.key, o.size]));
}

export async function put(path: string, body: string | Uint8Array<ArrayBuffer>): Promise<Response> {
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
  return send("PUT", `${PROXY}/artifacts/${path}`, { body: bytes, headers: { "content-length": String(bytes.length) } });
}

let seq = 0;
/** A fresh artifact directory, like a run's: `<n>/<id>/artifacts`. */
export function freshRoot(): string {
  seq++;
  return `${900 + seq}/${crypto.randomUUID().replace(/-/g, "")}/artifacts`;
}
