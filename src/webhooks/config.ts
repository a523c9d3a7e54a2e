/**
 * Webhook settings, from Worker bindings named after MLflow's environment variables:
 *   WEBHOOK_ALLOWED_SCHEMES          comma list, default "https"   (MLFLOW_WEBHOOK_ALLOWED_SCHEMES)
 *   WEBHOOK_ALLOW_PRIVATE_IPS        "true" to allow private/loopback destinations, for local
 *                                    development and tests only    (MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS)
 *   WEBHOOK_SECRET_ENCRYPTION_KEY    Fernet key for secrets at rest (MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY)
 *   WEBHOOK_REQUEST_TIMEOUT          seconds per attempt, default 30 (MLFLOW_WEBHOOK_REQUEST_TIMEOUT)
 *   WEBHOOK_REQUEST_MAX_RETRIES      retries after the first attempt, default 3 (MLFLOW_WEBHOOK_REQUEST_MAX_RETRIES)
 *   WEBHOOK_DNS_RESOLVER             JSON DNS-over-HTTPS endpoint for the private-address check
 *   WEBHOOK_QUEUE                    the Cloudflare Queue deliveries go through (wrangler.toml)
 */
import type { UrlPolicy } from "./url-policy";

export interface WebhookEnv {
  WEBHOOK_ALLOWED_SCHEMES?: string;
  WEBHOOK_ALLOW_PRIVATE_IPS?: string;
  WEBHOOK_SECRET_ENCRYPTION_KEY?: string;
  WEBHOOK_REQUEST_TIMEOUT?: string;
  WEBHOOK_REQUEST_MAX_RETRIES?: string;
  WEBHOOK_DNS_RESOLVER?: string;
  WEBHOOK_QUEUE?: Queue<unknown>;
}

export interface WebhookSettings {
  policy: UrlPolicy;
  timeoutMs: number;
  maxRetries: number;
  encryptionKey: string | null;
}

const number = (v: string | undefined, fallback: number) => (v !== undefined && v.trim() !== "" && Number.isFinite(Number(v)) ? Number(v) : fallback);

export function webhookSettings(env: WebhookEnv): WebhookSettings {
  return {
    policy: {
      allowedSchemes: (env.WEBHOOK_ALLOWED_SCHEMES ?? "https").split(",").map((s) => s.trim()),
      allowPrivateIps: ["true", "1"].includes(String(env.WEBHOOK_ALLOW_PRIVATE_IPS ?? "").trim().toLowerCase()),
      dnsResolver: env.WEBHOOK_DNS_RESOLVER || "https://cloudflare-dns.com/dns-query",
    },
    timeoutMs: number(env.WEBHOOK_REQUEST_TIMEOUT, 30) * 1000,
    maxRetries: Math.max(0, Math.floor(number(env.WEBHOOK_REQUEST_MAX_RETRIES, 3))),
    encryptionKey: env.WEBHOOK_SECRET_ENCRYPTION_KEY || null,
  };
}
