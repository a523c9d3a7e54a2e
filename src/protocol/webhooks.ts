/**
 * Webhooks on the wire: MLflow 3.18's webhooks.proto (CreateWebhook, ListWebhooks, GetWebhook,
 * UpdateWebhook, DeleteWebhook, TestWebhook) with its handler schemas. A webhook's secret is
 * accepted on create and update and never answered.
 */
import type { TestResult, WebhookRow } from "../services/webhooks";
import { WEBHOOK_ACTIONS, WEBHOOK_ENTITIES } from "../webhooks/events";
import { enumOf, int32, isArray, isIntLike, isString, message, nested, repeated, string } from "./message";
import { setIf, type Json } from "./proto-json";

const WEBHOOK_STATUSES = ["ACTIVE", "DISABLED"] as const;

export const WebhookEventMessage = message({ entity: enumOf(WEBHOOK_ENTITIES), action: enumOf(WEBHOOK_ACTIONS) });

export const CreateWebhook = message({
  name: string().check(isString).required(),
  url: string().check(isString).required(),
  events: repeated(WebhookEventMessage).check(isArray).required(),
  description: string().check(isString),
  secret: string().check(isString),
  status: enumOf(WEBHOOK_STATUSES).check(isString),
});

export const ListWebhooks = message({ max_results: int32().check(isIntLike), page_token: string().check(isString) });

export const UpdateWebhook = message({
  webhook_id: string(),
  name: string().check(isString),
  description: string().check(isString),
  url: string().check(isString),
  events: repeated(WebhookEventMessage).check(isArray),
  secret: string().check(isString),
  status: enumOf(WEBHOOK_STATUSES).check(isString),
});

export const TestWebhook = message({ webhook_id: string(), event: nested(WebhookEventMessage) });

export function webhookToWire(w: WebhookRow): Json {
  const out: Json = { webhook_id: w.webhook_id, name: w.name };
  if (w.description) out.description = w.description;
  out.url = w.url;
  if (w.events.length > 0) out.events = w.events.map((e) => ({ entity: e.entity.toUpperCase(), action: e.action.toUpperCase() }));
  out.status = w.status;
  setIf(out, "creation_timestamp", w.creation_timestamp);
  setIf(out, "last_updated_timestamp", w.last_updated_timestamp);
  return out;
}

export function testResultToWire(r: TestResult): Json {
  const out: Json = { success: r.success };
  setIf(out, "response_status", r.response_status);
  setIf(out, "response_body", r.response_body);
  setIf(out, "error_message", r.error_message);
  return out;
}
