import { createApp } from "./app";
import { consume } from "./webhooks/dispatch";

const app = createApp();

/** HTTP requests go to the Hono app; the webhook delivery queue (wrangler.toml) to its consumer. */
export default {
  fetch: app.fetch,
  queue: consume,
} satisfies ExportedHandler<Parameters<typeof consume>[1], Parameters<typeof consume>[0] extends MessageBatch<infer B> ? B : never>;
