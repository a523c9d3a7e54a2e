/**
 * Delivering registry events to webhooks, after the write that caused them has committed and
 * without delaying its response.
 *
 * The request schedules `fanOut` with `waitUntil`: it finds the active webhooks subscribed to the
 * event (its own database session, after the response is sent) and, when there are any, puts one
 * message per webhook on the WEBHOOK_QUEUE Cloudflare Queue. The queue consumer (`consume`,
 * exported by src/index.ts) signs and sends each, and retries a failed delivery with MLflow's
 * backoff through the queue's delayed retries, so retries outlive the request (waitUntil work gets
 * 30 s after the response) and survive the isolate. Without a WEBHOOK_QUEUE binding, deliveries
 * are sent from the waitUntil itself, with the same retries as far as its 30 s allow.
 */
import type { AppContext } from "../app-env";
import { openDatabase } from "../db/client";
import { subscribedWebhooks, webhookForDelivery } from "../db/webhooks";
import { loadConfig, type Env } from "../env";
import type { PyDict } from "../lib/python-json";
import { webhookSettings, type WebhookEnv, type WebhookSettings } from "./config";
import { attempt, backoffSeconds, sendWithRetries, shouldRetry, type Delivery, type Outcome } from "./delivery";
import { deliveryBody } from "./events";
import { decryptSecret } from "./secrets";

/** An event, or (for registry objects that may be prompts) the two it may be, decided by the model's tags. */
export type RegistryEvent =
  | { entity: string; action: string; data: PyDict }
  | { promptOf: string; ifPrompt: string; otherwise: string | null; action: string; data: PyDict };

/** One delivery of one event to one webhook, as queued. */
export interface DeliveryMessage {
  webhook_id: string;
  delivery_id: string;
  /** Unix seconds: signed, and kept across retries as urllib3 keeps the request. */
  timestamp: string;
  body: string;
}

type DispatchEnv = Env & WebhookEnv;

function describe(outcome: Outcome): string {
  return "error" in outcome ? outcome.error : `HTTP ${outcome.status}`;
}

/** The webhook's current URL and secret, then one attempt. */
async function attemptFor(db: ReturnType<typeof openDatabase>["db"], settings: WebhookSettings, m: DeliveryMessage): Promise<Outcome | null> {
  const hook = await webhookForDelivery(db, m.webhook_id);
  if (!hook) return null; // deleted or disabled since: nothing to deliver
  const secret = hook.secret ? await decryptSecret(settings.encryptionKey, hook.secret) : null;
  return attempt(delivery(hook.url, secret, m), settings.policy, settings.timeoutMs);
}

const delivery = (url: string, secret: string | null, m: DeliveryMessage): Delivery => ({ url, secret, body: m.body, deliveryId: m.delivery_id, timestamp: m.timestamp });

async function fanOut(env: DispatchEnv, event: RegistryEvent, now: number): Promise<void> {
  const session = openDatabase(loadConfig(env));
  try {
    const { entity, ids } = await subscribedWebhooks(session.db, event);
    if (!entity || ids.length === 0) return;
    const body = deliveryBody({ entity, action: event.action }, event.data, now);
    const messages: DeliveryMessage[] = ids.map((id) => ({ webhook_id: id, delivery_id: crypto.randomUUID(), timestamp: String(Math.floor(now / 1000)), body }));
    if (env.WEBHOOK_QUEUE) {
      await env.WEBHOOK_QUEUE.sendBatch(messages.map((m) => ({ body: m, contentType: "json" as const })));
      return;
    }
    const settings = webhookSettings(env);
    await Promise.all(
      messages.map(async (m) => {
        const hook = await webhookForDelivery(session.db, m.webhook_id);
        if (!hook) return;
        const secret = hook.secret ? await decryptSecret(settings.encryptionKey, hook.secret) : null;
        const outcome = await sendWithRetries(delivery(hook.url, secret, m), settings.policy, settings.timeoutMs, settings.maxRetries);
        if ("error" in outcome || shouldRetry(outcome)) console.error(`webhook ${m.webhook_id}: delivery ${m.delivery_id} failed: ${describe(outcome)}`);
      }),
    );
  } finally {
    await session.close();
  }
}

/** Schedules delivery of an event whose write has committed; never delays or fails the response. */
export function emitWebhookEvent(c: AppContext, event: RegistryEvent): void {
  const work = fanOut(c.env as DispatchEnv, event, Date.now()).catch((e) => console.error(`webhook dispatch failed: ${e instanceof Error ? e.message : String(e)}`));
  try {
    c.executionCtx.waitUntil(work);
  } catch {
    // No execution context (code calling app.fetch directly): the promise runs on its own.
  }
}

/** The queue consumer: one attempt per message; failures retried by the queue with MLflow's backoff. */
export async function consume(batch: MessageBatch<DeliveryMessage>, env: DispatchEnv): Promise<void> {
  const settings = webhookSettings(env);
  const session = openDatabase(loadConfig(env));
  try {
    for (const msg of batch.messages) {
      let outcome: Outcome | null;
      try {
        outcome = await attemptFor(session.db, settings, msg.body);
      } catch (e) {
        // The database or the secret's key is unavailable: try the message again later.
        console.error(`webhook ${msg.body.webhook_id}: ${e instanceof Error ? e.message : String(e)}`);
        msg.retry({ delaySeconds: Math.ceil(backoffSeconds(msg.attempts + 1, null)) });
        continue;
      }
      if (outcome !== null && shouldRetry(outcome) && msg.attempts <= settings.maxRetries) {
        msg.retry({ delaySeconds: Math.ceil(backoffSeconds(msg.attempts, "error" in outcome ? null : outcome.retryAfter)) });
        continue;
      }
      if (outcome !== null && ("error" in outcome || shouldRetry(outcome))) {
        console.error(`webhook ${msg.body.webhook_id}: delivery ${msg.body.delivery_id} failed after ${msg.attempts} attempt(s): ${describe(outcome)}`);
      }
      msg.ack();
    }
  } finally {
    await session.close();
  }
}
