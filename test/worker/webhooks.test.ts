// Webhooks: CRUD with MLflow's answers and errors, secrets encrypted and never answered, test
// deliveries signed as MLflow signs them, registry events delivered through the queue after the
// write (with retries), and destinations refused by the private-address rules.
import { describe, expect, it } from "vitest";
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { Pool, neonConfig } from "@neondatabase/serverless";
import { createApp } from "../../src/app";
import { fernetDecrypt, importFernetKey } from "../../src/lib/fernet";
import { api, newRun, uniqueName } from "./helpers";

const E = env as unknown as Record<string, string>;
const RECEIVER = E.WEBHOOK_TEST_RECEIVER!;
const W = "/webhooks";
const app = createApp();

const event = (entity: string, action: string) => ({ entity, action });
const inbox = async (name: string): Promise<{ path: string; headers: Record<string, string>; body: string }[]> => (await fetch(`${RECEIVER}/inbox/${name}`)).json();

/** Waits until the inbox holds `n` requests (deliveries are asynchronous), then answers them. */
async function received(name: string, n: number): Promise<Awaited<ReturnType<typeof inbox>>> {
  for (let i = 0; i < 300; i++) {
    const got = await inbox(name);
    if (got.length >= n) return got;
    await new Promise((r) => setTimeout(r, 100));
  }
  return inbox(name);
}

async function verify(secret: string, h: Record<string, string>, body: string): Promise<boolean> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  const sig = Uint8Array.from(atob(h["x-mlflow-signature"]!.replace(/^v1,/, "")), (c) => c.charCodeAt(0));
  return crypto.subtle.verify("HMAC", key, sig, new TextEncoder().encode(`${h["x-mlflow-delivery-id"]}.${h["x-mlflow-timestamp"]}.${body}`));
}

/** Calls the app with some settings changed (e.g. the production default: no private destinations). */
async function withEnv(overrides: Record<string, string>, method: string, path: string, body?: unknown) {
  const ctx = createExecutionContext();
  const res = await app.fetch(
    new Request(`http://localhost/api/2.0/mlflow${path}`, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) }),
    { ...env, ...overrides },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return { status: res.status, body: (await res.json().catch(() => undefined)) as any };
}

async function storedSecret(id: string): Promise<string | null> {
  neonConfig.wsProxy = (host, port) => `${E.DB_WS_PROXY}/v1?address=${host}:${port}`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineTLS = false;
  neonConfig.pipelineConnect = false;
  const pool = new Pool({ connectionString: E.DATABASE_URL });
  pool.on("error", () => undefined);
  try {
    return (await pool.query("select secret from webhooks where webhook_id = $1", [id])).rows[0]?.secret ?? null;
  } finally {
    await pool.end();
  }
}

describe("webhooks", () => {
  it("creates, reads, lists, updates and deletes; the secret is stored encrypted and never answered", async () => {
    const name = uniqueName("hook").toLowerCase();
    const created = await api.post(W, { name, url: `${RECEIVER}/crud`, events: [event("MODEL_VERSION", "CREATED"), event("REGISTERED_MODEL", "CREATED")], secret: "s3cret", description: "d" });
    expect(created.status, created.text).toBe(200);
    const hook = created.body.webhook;
    expect(Object.keys(hook)).toEqual(["webhook_id", "name", "description", "url", "events", "status", "creation_timestamp", "last_updated_timestamp"]);
    expect(hook).toMatchObject({ name, description: "d", status: "ACTIVE", events: [event("MODEL_VERSION", "CREATED"), event("REGISTERED_MODEL", "CREATED")] });
    expect(created.text).not.toContain("s3cret");
    const stored = await storedSecret(hook.webhook_id);
    expect(stored).not.toBe("s3cret");
    expect(await fernetDecrypt(await importFernetKey(E.WEBHOOK_SECRET_ENCRYPTION_KEY!), stored!)).toBe("s3cret");

    expect((await api.get(`${W}/${hook.webhook_id}`)).body.webhook).toEqual(hook);
    const listed = await api.get(W, { max_results: "1000" });
    expect(listed.body.webhooks.some((w: any) => w.webhook_id === hook.webhook_id)).toBe(true);
    expect(listed.text).not.toContain("secret");

    const updated = await api.patch(`${W}/${hook.webhook_id}`, { status: "DISABLED", description: "", events: [event("PROMPT_ALIAS", "DELETED")] });
    expect(updated.status, updated.text).toBe(200);
    expect(updated.body.webhook).toMatchObject({ status: "DISABLED", events: [event("PROMPT_ALIAS", "DELETED")] });
    expect(updated.body.webhook.description).toBeUndefined();
    expect(updated.body.webhook.last_updated_timestamp).toBeGreaterThanOrEqual(hook.last_updated_timestamp);
    expect(await storedSecret(hook.webhook_id)).toBe(stored); // untouched when not sent

    expect((await api.del(`${W}/${hook.webhook_id}`)).status).toBe(200);
    const gone = await api.get(`${W}/${hook.webhook_id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.message).toBe(`Webhook with ID ${hook.webhook_id} not found.`);
    expect((await api.del(`${W}/${hook.webhook_id}`)).status).toBe(404);
  });

  it("pages the list newest first", async () => {
    for (let i = 0; i < 3; i++) await api.post(W, { name: uniqueName("page").toLowerCase(), url: `${RECEIVER}/page`, events: [event("PROMPT", "CREATED")] });
    const first = await api.get(W, { max_results: "2" });
    expect(first.body.webhooks).toHaveLength(2);
    const second = await api.get(W, { max_results: "2", page_token: first.body.next_page_token });
    expect(second.body.webhooks[0].webhook_id).not.toBe(first.body.webhooks[1].webhook_id);
    expect(first.body.webhooks[0].creation_timestamp).toBeGreaterThanOrEqual(first.body.webhooks[1].creation_timestamp);
    expect((await api.get(W, { max_results: "1001" })).body.message).toBe("max_results must be between 1 and 1000.");
  });

  it("refuses bad input with MLflow's messages and writes nothing", async () => {
    const before = (await api.get(W, { max_results: "1000" })).body.webhooks?.length ?? 0;
    const ok = { name: "n", url: `${RECEIVER}/x`, events: [event("MODEL_VERSION", "CREATED")] };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...ok, name: "bad name!" }, "Webhook name 'bad name!' is invalid. It must start and end with a letter or digit, be less than 63 characters long, and contain only letters, digits, dots (.), underscores (_), and hyphens (-)."],
      [{ ...ok, url: "ftp://x" }, "Invalid webhook URL scheme: 'ftp'. Allowed schemes are: http, https."],
      [{ ...ok, url: "http://" }, "Webhook URL must include a hostname: 'http://'"],
      [{ ...ok, events: [] }, "Webhook events must be a non-empty list of WebhookEvent objects: []."],
      [{ name: "n", url: ok.url }, "Missing value for required parameter 'events'. See the API docs for more information about request parameters."],
      [{ ...ok, events: [event("MODEL_VERSION", "DELETED")] }, "Invalid action 'deleted' for entity 'model_version'. Valid actions are: ['created']"],
      [{ ...ok, events: [{ entity: "MODEL_VERSION" }] }, "Webhook events must name both an entity and an action."],
      [{ ...ok, events: [event("BOGUS", "CREATED")] }, "Invalid value"],
      [{ ...ok, status: "BOGUS" }, "Invalid value"],
      [{ ...ok, description: "d".repeat(1001) }, "Webhook description must be at most 1000 characters, got 1001."],
    ];
    for (const [body, message] of cases) {
      const res = await api.post(W, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.message.startsWith(message), res.body.message).toBe(true);
    }
    expect((await api.get(W, { max_results: "1000" })).body.webhooks?.length ?? 0).toBe(before);
    for (const [method, path] of [["GET", `${W}/nope`], ["PATCH", `${W}/nope`], ["DELETE", `${W}/nope`], ["POST", `${W}/nope/test`]] as const) {
      const res = method === "GET" ? await api.get(path) : method === "PATCH" ? await api.patch(path, { name: "x" }) : method === "DELETE" ? await api.del(path) : await api.post(path, {});
      expect(res.status).toBe(404);
      expect(res.body.message).toBe("Webhook with ID nope not found.");
    }
  });

  it("refuses private and loopback destinations unless allowed, as MLflow does by default", async () => {
    const strict = { WEBHOOK_ALLOW_PRIVATE_IPS: "false", WEBHOOK_ALLOWED_SCHEMES: "https" };
    const body = (url: string) => ({ name: "ssrf", url, events: [event("MODEL_VERSION", "CREATED")] });
    expect((await withEnv(strict, "POST", W, body(`${RECEIVER}/x`))).body.message).toBe("Invalid webhook URL scheme: 'http'. Allowed schemes are: https.");
    const refused: [string, string][] = [
      ["https://127.0.0.1/x", "'127.0.0.1' resolves to 127.0.0.1."],
      ["https://127.1/x", "'127.0.0.1' resolves to 127.0.0.1."],
      ["https://localhost/x", "'localhost' resolves to 127.0.0.1."],
      ["https://169.254.169.254/latest", "'169.254.169.254' resolves to 169.254.169.254."],
      ["https://[::1]/x", "'::1' resolves to ::1."],
      ["https://[::ffff:10.0.0.1]/x", "resolves to ::ffff:a00:1."],
      ["https://100.64.1.1/x", "'100.64.1.1' resolves to 100.64.1.1."],
      ["https://private-host.test/x", "'private-host.test' resolves to 10.0.0.7."],
    ];
    for (const [url, tail] of refused) {
      const res = await withEnv(strict, "POST", W, body(url));
      expect(res.status, url).toBe(400);
      expect(res.body.message).toMatch(/^Webhook URL must not resolve to a non-public IP address\. /);
      expect(res.body.message.endsWith(tail), res.body.message).toBe(true);
    }
    expect((await withEnv(strict, "POST", W, body("https://nowhere.test/x"))).body.message).toMatch(/^Cannot resolve Webhook URL hostname 'nowhere.test'/);
    const allowed = await withEnv(strict, "POST", W, body("https://public-host.test/hook"));
    expect(allowed.status).toBe(200);
    await api.del(`${W}/${allowed.body.webhook.webhook_id}`);
    // An update is checked the same way.
    const hook = (await api.post(W, body(`${RECEIVER}/upd`))).body.webhook;
    expect((await withEnv(strict, "PATCH", `${W}/${hook.webhook_id}`, { url: "https://10.1.2.3/x" })).status).toBe(400);
    expect((await api.get(`${W}/${hook.webhook_id}`)).body.webhook.url).toBe(`${RECEIVER}/upd`);
    await api.del(`${W}/${hook.webhook_id}`);
  });

  it("test_webhook sends the event's example payload, signed, and reports the receiver's answer", async () => {
    const box = uniqueName("test");
    const hook = (await api.post(W, { name: "tester", url: `${RECEIVER}/${box}`, events: [event("MODEL_VERSION", "CREATED")], secret: "k3y" })).body.webhook;
    const res = await api.post(`${W}/${hook.webhook_id}/test`, {});
    expect(res.body).toEqual({ result: { success: true, response_status: 200, response_body: "received" } });
    const alias = await api.post(`${W}/${hook.webhook_id}/test`, { event: event("PROMPT_ALIAS", "DELETED") });
    expect(alias.body.result.success).toBe(true);
    const [first, second] = await inbox(box);
    expect(first!.headers["content-type"]).toBe("application/json");
    expect(first!.headers["x-mlflow-delivery-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(first!.headers["x-mlflow-timestamp"]).toMatch(/^\d{10}$/);
    expect(await verify("k3y", first!.headers, first!.body)).toBe(true);
    expect(await verify("wrong", first!.headers, first!.body)).toBe(false);
    expect(first!.body).toMatch(
      /^\{"entity": "model_version", "action": "created", "timestamp": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00", "data": \{"name": "example_model", "version": "1", "source": "models:\/123", "run_id": "abcd1234abcd5678", "tags": \{"example_key": "example_value"\}, "description": "An example model version"\}\}$/,
    );
    expect(JSON.parse(second!.body)).toMatchObject({ entity: "prompt_alias", action: "deleted", data: { name: "example_prompt", alias: "example_alias" } });
    await api.del(`${W}/${hook.webhook_id}`);
  });

  it("test_webhook retries a failing receiver and reports the last answer", async () => {
    const box = uniqueName("flaky");
    const hook = (await api.post(W, { name: "flaky", url: `${RECEIVER}/fail/${box}/1`, events: [event("REGISTERED_MODEL", "CREATED")] })).body.webhook;
    const res = await api.post(`${W}/${hook.webhook_id}/test`, {});
    expect(res.body.result).toEqual({ success: true, response_status: 200, response_body: "received" });
    const attempts = await inbox(box);
    expect(attempts).toHaveLength(2);
    // A retry is the same request: same delivery id, timestamp and body.
    expect(attempts[1]!.headers["x-mlflow-delivery-id"]).toBe(attempts[0]!.headers["x-mlflow-delivery-id"]);
    expect(attempts[1]!.body).toBe(attempts[0]!.body);
    const never = (await api.post(W, { name: "never", url: `${RECEIVER}/status/404/${box}-404`, events: [event("REGISTERED_MODEL", "CREATED")] })).body.webhook;
    expect((await api.post(`${W}/${never.webhook_id}/test`, {})).body.result).toEqual({ success: false, response_status: 404, response_body: "failing" });
    expect(await inbox(`${box}-404`)).toHaveLength(1); // 404 is not retried
    const down = (await api.post(W, { name: "down", url: "http://127.0.0.1:9/x", events: [event("REGISTERED_MODEL", "CREATED")] })).body.webhook;
    const downRes = await withEnv({ WEBHOOK_REQUEST_MAX_RETRIES: "0" }, "POST", `${W}/${down.webhook_id}/test`, {});
    expect(downRes.body.result.success).toBe(false);
    expect(downRes.body.result.error_message).toMatch(/^Failed to test webhook: /);
    for (const h of [hook, never, down]) await api.del(`${W}/${h.webhook_id}`);
  });

  it("delivers registry and prompt events after the write, signed, through the queue", async () => {
    const box = uniqueName("events");
    const events = [
      event("REGISTERED_MODEL", "CREATED"),
      event("MODEL_VERSION", "CREATED"),
      event("MODEL_VERSION_ALIAS", "CREATED"),
      event("MODEL_VERSION_TAG", "SET"),
      event("PROMPT", "CREATED"),
      event("PROMPT_ALIAS", "CREATED"),
    ];
    const hook = (await api.post(W, { name: "events", url: `${RECEIVER}/${box}`, events, secret: "ev" })).body.webhook;
    const model = uniqueName("wm");
    const run = await newRun();
    expect((await api.post("/registered-models/create", { name: model, tags: [{ key: "team", value: "a" }] })).status).toBe(200);
    const mv = await api.post("/model-versions/create", { name: model, source: `runs:/${run}/model`, run_id: run, tags: [{ key: "k", value: "v" }] });
    expect(mv.status, mv.text).toBe(200);
    expect((await api.post("/registered-models/alias", { name: model, alias: "champion", version: "1" })).status).toBe(200);
    expect((await api.post("/model-versions/set-tag", { name: model, version: "1", key: "stage", value: "prod" })).status).toBe(200);
    // Not subscribed: no delivery.
    expect((await api.del("/registered-models/alias", { name: model, alias: "champion" })).status).toBe(200);
    const prompt = uniqueName("wp");
    expect((await api.post("/registered-models/create", { name: prompt, tags: [{ key: "mlflow.prompt.is_prompt", value: "true" }, { key: "owner", value: "me" }] })).status).toBe(200);
    expect((await api.post("/model-versions/create", { name: prompt, source: "prompt-template", tags: [{ key: "mlflow.prompt.is_prompt", value: "true" }, { key: "mlflow.prompt.text", value: "Hi {{x}}" }] })).status).toBe(200);
    expect((await api.post("/registered-models/alias", { name: prompt, alias: "live", version: "1" })).status).toBe(200);

    const got = await received(box, 6);
    expect(got).toHaveLength(6);
    for (const d of got) expect(await verify("ev", d.headers, d.body)).toBe(true);
    const bodies = got.map((d) => JSON.parse(d.body));
    const byEvent = Object.fromEntries(bodies.map((b) => [`${b.entity}.${b.action}`, b.data]));
    expect(Object.keys(byEvent).sort()).toEqual(["model_version.created", "model_version_alias.created", "model_version_tag.set", "prompt.created", "prompt_alias.created", "registered_model.created"]);
    expect(byEvent["registered_model.created"]).toEqual({ name: model, tags: { team: "a" }, description: "" });
    expect(byEvent["model_version.created"]).toEqual({ name: model, version: "1", source: `runs:/${run}/model`, run_id: run, tags: { k: "v" }, description: null });
    expect(byEvent["model_version_alias.created"]).toEqual({ name: model, alias: "champion", version: "1" });
    expect(byEvent["model_version_tag.set"]).toEqual({ name: model, version: "1", key: "stage", value: "prod" });
    expect(byEvent["prompt.created"]).toEqual({ name: prompt, tags: { owner: "me" }, description: "" });
    expect(byEvent["prompt_alias.created"]).toEqual({ name: prompt, alias: "live", version: "1" });
    await api.del(`${W}/${hook.webhook_id}`);
  });

  it("retries a failed delivery through the queue with the same signed request, and skips disabled webhooks", async () => {
    const box = uniqueName("retry");
    const hook = (await api.post(W, { name: "retry", url: `${RECEIVER}/fail/${box}/2`, events: [event("REGISTERED_MODEL", "CREATED")], secret: "r" })).body.webhook;
    const off = (await api.post(W, { name: "off", url: `${RECEIVER}/${box}-off`, events: [event("REGISTERED_MODEL", "CREATED")], status: "DISABLED" })).body.webhook;
    expect((await api.post("/registered-models/create", { name: uniqueName("rm") })).status).toBe(200);
    const got = await received(box, 3);
    expect(got).toHaveLength(3);
    expect(new Set(got.map((d) => d.headers["x-mlflow-delivery-id"])).size).toBe(1);
    expect(new Set(got.map((d) => d.headers["x-mlflow-signature"])).size).toBe(1);
    expect(await verify("r", got[2]!.headers, got[2]!.body)).toBe(true);
    expect(await inbox(`${box}-off`)).toEqual([]);
    for (const h of [hook, off]) await api.del(`${W}/${h.webhook_id}`);
  });
});
