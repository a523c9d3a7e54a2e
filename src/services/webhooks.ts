/**
 * Webhooks with the rules of MLflow 3.18's registry store (create/get/list/update/delete_webhook)
 * and its `test_webhook`: name and URL validation (including the private-address check), events
 * that MLflow defines, secrets encrypted at rest and never answered, soft deletes.
 */
import type { Db } from "../db/client";
import * as repo from "../db/webhooks";
import { MlflowError } from "../errors";
import { pyRepr } from "../lib/python-repr";
import { paginate, readPageToken, type Page } from "./paging";
import type { WebhookSettings } from "../webhooks/config";
import { sendWithRetries } from "../webhooks/delivery";
import { deliveryBody, examplePayload, webhookEvent, type WebhookAction, type WebhookEntity, type WebhookEvent } from "../webhooks/events";
import { decryptSecret, encryptSecret } from "../webhooks/secrets";
import { validateWebhookUrl } from "../webhooks/url-policy";

export type { WebhookRow } from "../db/webhooks";

const NAME = /^(?=.{1,63}$)[a-z0-9]([a-z0-9._-]*[a-z0-9])?$/i;

export const webhookNotFound = (id: string) => MlflowError.notFound(`Webhook with ID ${id} not found.`);

export function validateWebhookName(name: string): void {
  if (!NAME.test(name)) {
    throw MlflowError.invalidParameter(
      `Webhook name ${pyRepr(name)} is invalid. It must start and end with a letter or digit, be less than 63 characters long, and contain only letters, digits, dots (.), underscores (_), and hyphens (-).`,
    );
  }
}

/** `WebhookEvent.from_proto` for each entry; an unset entity or action is not an event. */
export function toEvents(events: { entity?: WebhookEntity; action?: WebhookAction }[]): WebhookEvent[] {
  return events.map((e) => {
    if (!e.entity || !e.action) throw MlflowError.invalidParameter("Webhook events must name both an entity and an action.");
    return webhookEvent(e.entity, e.action);
  });
}

function requireEvents(events: WebhookEvent[]): void {
  if (events.length === 0) throw MlflowError.invalidParameter("Webhook events must be a non-empty list of WebhookEvent objects: [].");
}

/** A description, URL or secret longer than MLflow's columns would fail in the database. */
function fits(field: string, value: string | null | undefined, max: number): void {
  if (value && value.length > max) throw MlflowError.invalidParameter(`Webhook ${field} must be at most ${max} characters, got ${value.length}.`);
}

const storedSecret = async (settings: WebhookSettings, secret: string | undefined): Promise<string | null> => (secret ? encryptSecret(settings.encryptionKey, secret) : null);

export async function createWebhook(
  db: Db,
  settings: WebhookSettings,
  input: { name: string; url: string; events: WebhookEvent[]; description?: string; secret?: string; status?: string },
): Promise<repo.WebhookRow> {
  validateWebhookName(input.name);
  await validateWebhookUrl(input.url, settings.policy);
  requireEvents(input.events);
  fits("URL", input.url, 500);
  fits("description", input.description, 1000);
  const secret = await storedSecret(settings, input.secret);
  fits("secret", secret, 1000);
  const now = Date.now();
  const row: repo.WebhookRow = {
    webhook_id: crypto.randomUUID(),
    name: input.name,
    description: input.description || null,
    url: input.url,
    status: input.status ?? "ACTIVE",
    creation_timestamp: now,
    last_updated_timestamp: now,
    events: dedupe(input.events),
  };
  await repo.insertWebhook(db, { id: row.webhook_id, name: row.name, description: row.description, url: row.url, status: row.status, secret, now, events: row.events });
  return row;
}

const dedupe = (events: WebhookEvent[]) => [...new Map(events.map((e) => [`${e.entity}.${e.action}`, e])).values()];

export async function getWebhook(db: Db, id: string): Promise<repo.WebhookRow> {
  const row = await repo.findWebhook(db, id);
  if (!row) throw webhookNotFound(id);
  return row;
}

export async function listWebhooks(db: Db, maxResults: number | undefined, pageToken: string | undefined): Promise<Page<repo.WebhookRow>> {
  const max = maxResults || 100;
  if (max < 1 || max > 1000) throw MlflowError.invalidParameter("max_results must be between 1 and 1000.");
  const offset = readPageToken(pageToken);
  return paginate(await repo.listWebhooks(db, max + 1, offset), offset, max);
}

export async function updateWebhook(
  db: Db,
  settings: WebhookSettings,
  id: string,
  input: { name?: string; description?: string; url?: string; events?: WebhookEvent[]; secret?: string; status?: string },
): Promise<repo.WebhookRow> {
  if (input.name !== undefined) validateWebhookName(input.name);
  if (input.url !== undefined) await validateWebhookUrl(input.url, settings.policy);
  if (input.events !== undefined) requireEvents(input.events);
  fits("URL", input.url, 500);
  fits("description", input.description, 1000);
  const changes: repo.WebhookChanges = { name: input.name, description: input.description, url: input.url, status: input.status };
  if (input.events !== undefined) changes.events = dedupe(input.events);
  if (input.secret !== undefined) {
    changes.secret = await storedSecret(settings, input.secret);
    fits("secret", changes.secret, 1000);
  }
  const row = await repo.updateWebhook(db, id, changes, Date.now());
  if (!row) throw webhookNotFound(id);
  return row;
}

export async function deleteWebhook(db: Db, id: string): Promise<void> {
  if (!(await repo.deleteWebhook(db, id, Date.now()))) throw webhookNotFound(id);
}

export interface TestResult {
  success: boolean;
  response_status?: number;
  response_body?: string;
  error_message?: string;
}

/** `test_webhook`: the event's example payload, signed and sent now, with MLflow's retries. */
export async function testWebhook(db: Db, settings: WebhookSettings, id: string, event: WebhookEvent | undefined): Promise<TestResult> {
  const [hook, stored] = await Promise.all([repo.findWebhook(db, id), repo.webhookSecret(db, id)]);
  if (!hook) throw webhookNotFound(id);
  const chosen = event ?? hook.events[0];
  if (!chosen) return { success: false, error_message: "Failed to test webhook: the webhook has no events" };
  let secret: string | null = null;
  try {
    secret = stored ? await decryptSecret(settings.encryptionKey, stored) : null;
  } catch (e) {
    return { success: false, error_message: `Failed to test webhook: ${e instanceof Error ? e.message : String(e)}` };
  }
  const now = Date.now();
  const outcome = await sendWithRetries(
    { url: hook.url, secret, body: deliveryBody(chosen, examplePayload(chosen), now), deliveryId: crypto.randomUUID(), timestamp: String(Math.floor(now / 1000)) },
    settings.policy,
    settings.timeoutMs,
    settings.maxRetries,
  );
  if ("error" in outcome) return { success: false, error_message: `Failed to test webhook: ${outcome.error}` };
  return { success: outcome.status < 400, response_status: outcome.status, response_body: outcome.body };
}
