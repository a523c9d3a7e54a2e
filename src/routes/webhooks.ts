/**
 * /api/2.0/mlflow/webhooks RPCs: create, list, get, update, delete, test. Admins only, as in
 * MLflow's auth app: a webhook makes the server send requests where its creator chooses.
 */
import { adminOnly } from "../auth/access";
import { pageToWire } from "../protocol/proto-json";
import { CreateWebhook, ListWebhooks, TestWebhook, testResultToWire, UpdateWebhook, webhookToWire } from "../protocol/webhooks";
import * as webhooks from "../services/webhooks";
import { webhookSettings, type WebhookEnv } from "../webhooks/config";
import { pathParams, rpc, withPathParams, type RequestScope } from "./route";

const settings = (r: RequestScope) => webhookSettings(r.c.env as WebhookEnv);
const byId = pathParams("webhook_id");
const readUpdate = withPathParams(UpdateWebhook, "webhook_id");
const readTest = withPathParams(TestWebhook, "webhook_id");

export const webhookRoutes = [
  rpc({
    method: "POST",
    path: "/webhooks",
    request: CreateWebhook,
    access: adminOnly,
    handle: async (m, r) => {
      const events = webhooks.toEvents(m.events);
      const hook = await webhooks.createWebhook(r.db, settings(r), {
        name: m.name,
        url: m.url,
        events,
        description: m.description || undefined,
        secret: m.secret || undefined,
        status: m.status,
      });
      return { webhook: webhookToWire(hook) };
    },
  }),

  rpc({
    method: "GET",
    path: "/webhooks",
    request: ListWebhooks,
    access: adminOnly,
    handle: async (m, r) => {
      const page = await webhooks.listWebhooks(r.db, m.max_results, m.page_token || undefined);
      return pageToWire("webhooks", page.items.map(webhookToWire), page.nextPageToken);
    },
  }),

  rpc({
    method: "GET",
    path: "/webhooks/:webhook_id",
    request: byId,
    access: adminOnly,
    handle: async (m, r) => ({ webhook: webhookToWire(await webhooks.getWebhook(r.db, m.webhook_id)) }),
  }),

  rpc({
    method: "PATCH",
    path: "/webhooks/:webhook_id",
    request: readUpdate,
    access: adminOnly,
    handle: async (m, r) => {
      const hook = await webhooks.updateWebhook(r.db, settings(r), m.webhook_id, {
        // MLflow: `name or None`, `url or None`, `events if events else None`; description,
        // secret and status whenever they are present.
        name: m.name || undefined,
        url: m.url || undefined,
        events: m.events.length > 0 ? webhooks.toEvents(m.events) : undefined,
        description: m.description,
        secret: m.secret,
        status: m.status,
      });
      return { webhook: webhookToWire(hook) };
    },
  }),

  rpc({
    method: "DELETE",
    path: "/webhooks/:webhook_id",
    request: byId,
    access: adminOnly,
    handle: async (m, r) => {
      await webhooks.deleteWebhook(r.db, m.webhook_id);
      return {};
    },
  }),

  rpc({
    method: "POST",
    path: "/webhooks/:webhook_id/test",
    request: readTest,
    access: adminOnly,
    handle: async (m, r) => {
      const event = m.event ? webhooks.toEvents([m.event])[0] : undefined;
      return { result: testResultToWire(await webhooks.testWebhook(r.db, settings(r), m.webhook_id, event)) };
    },
  }),
];
