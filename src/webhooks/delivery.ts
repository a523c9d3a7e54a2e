/**
 * Sending one webhook request as MLflow 3.18 does (webhooks/delivery.py): a JSON POST with
 * X-MLflow-Delivery-Id, X-MLflow-Timestamp (Unix seconds) and, when the webhook has a secret,
 * X-MLflow-Signature: "v1," + base64(HMAC-SHA256(secret, "<delivery id>.<timestamp>.<body>")).
 * Retries follow its urllib3 policy: on 429, 500, 502, 503, 504 and on connection errors, up to
 * WEBHOOK_REQUEST_MAX_RETRIES times, after 0, 2, 4, … seconds (plus up to 1 s of jitter, at most
 * 60 s), or after Retry-After when the receiver sends one. Redirects are not followed, so a
 * redirect cannot lead a delivery to an address the URL check would refuse.
 */
import { validateWebhookUrl, type UrlPolicy } from "./url-policy";

export interface Delivery {
  url: string;
  secret: string | null;
  body: string;
  deliveryId: string;
  /** Unix seconds, as a string: part of the signed content. */
  timestamp: string;
}

export type Outcome = { status: number; body: string; retryAfter: number | null } | { error: string };

const RETRY_STATUSES = [429, 500, 502, 503, 504];

export async function signature(secret: string, deliveryId: string, timestamp: string, body: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${deliveryId}.${timestamp}.${body}`)));
  let bin = "";
  for (const b of mac) bin += String.fromCharCode(b);
  return `v1,${btoa(bin)}`;
}

export async function headersFor(d: Delivery): Promise<Record<string, string>> {
  const headers: Record<string, string> = { "content-type": "application/json", "x-mlflow-delivery-id": d.deliveryId, "x-mlflow-timestamp": d.timestamp };
  if (d.secret) headers["x-mlflow-signature"] = await signature(d.secret, d.deliveryId, d.timestamp, d.body);
  return headers;
}

/** One attempt; the URL is checked again first (its host may resolve elsewhere by now). */
export async function attempt(d: Delivery, policy: UrlPolicy, timeoutMs: number): Promise<Outcome> {
  try {
    await validateWebhookUrl(d.url, policy);
    const res = await fetch(d.url, { method: "POST", body: d.body, headers: await headersFor(d), redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    const after = res.headers.get("retry-after");
    return { status: res.status, body: text, retryAfter: after !== null && /^\d+$/.test(after.trim()) ? Number(after) : null };
  } catch (e) {
    return { error: e instanceof Error ? `${e.name}(${JSON.stringify(e.message)})` : String(e) };
  }
}

export const shouldRetry = (o: Outcome) => "error" in o ? !o.error.startsWith("MlflowError") : RETRY_STATUSES.includes(o.status);

/** Seconds to wait before retry number `n` (1-based), as urllib3 computes it for MLflow's session. */
export function backoffSeconds(n: number, retryAfter: number | null, jitter = Math.random()): number {
  if (retryAfter !== null) return Math.min(retryAfter, 60);
  const base = n <= 1 ? 0 : 2 ** (n - 1);
  return Math.min(base + jitter, 60);
}

/** Attempts with retries in this invocation (test_webhook, and deliveries without a queue). */
export async function sendWithRetries(d: Delivery, policy: UrlPolicy, timeoutMs: number, maxRetries: number): Promise<Outcome> {
  let outcome = await attempt(d, policy, timeoutMs);
  for (let n = 1; n <= maxRetries && shouldRetry(outcome); n++) {
    const wait = backoffSeconds(n, "error" in outcome ? null : outcome.retryAfter);
    await new Promise((r) => setTimeout(r, wait * 1000));
    outcome = await attempt(d, policy, timeoutMs);
  }
  return outcome;
}
