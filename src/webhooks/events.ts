/**
 * MLflow 3.18's webhook events (entities/webhook.py) and payloads (webhooks/types.py): which
 * entity/action pairs exist, the example payload `test_webhook` sends for each, and the JSON body
 * of a delivery, written as Python's json.dumps writes it.
 */
import { MlflowError } from "../errors";
import { dict, pyDumps, type PyDict } from "../lib/python-json";

export const WEBHOOK_ENTITIES = [
  "REGISTERED_MODEL",
  "MODEL_VERSION",
  "MODEL_VERSION_TAG",
  "MODEL_VERSION_ALIAS",
  "PROMPT",
  "PROMPT_VERSION",
  "PROMPT_TAG",
  "PROMPT_VERSION_TAG",
  "PROMPT_ALIAS",
  "BUDGET_POLICY",
] as const;
export const WEBHOOK_ACTIONS = ["CREATED", "UPDATED", "DELETED", "SET", "EXCEEDED"] as const;
export type WebhookEntity = (typeof WEBHOOK_ENTITIES)[number];
export type WebhookAction = (typeof WEBHOOK_ACTIONS)[number];

/** An event as stored in webhook_events and sent in payloads: lower-case values. */
export interface WebhookEvent {
  entity: string;
  action: string;
}

const VALID: Record<WebhookEntity, WebhookAction[]> = {
  REGISTERED_MODEL: ["CREATED"],
  MODEL_VERSION: ["CREATED"],
  MODEL_VERSION_TAG: ["SET", "DELETED"],
  MODEL_VERSION_ALIAS: ["CREATED", "DELETED"],
  PROMPT: ["CREATED"],
  PROMPT_VERSION: ["CREATED"],
  PROMPT_TAG: ["SET", "DELETED"],
  PROMPT_VERSION_TAG: ["SET", "DELETED"],
  PROMPT_ALIAS: ["CREATED", "DELETED"],
  BUDGET_POLICY: ["EXCEEDED"],
};

/** `WebhookEvent(entity, action)`: the pair must be one MLflow defines. */
export function webhookEvent(entity: WebhookEntity, action: WebhookAction): WebhookEvent {
  if (!VALID[entity].includes(action)) {
    const valid = [...VALID[entity]].map((a) => `'${a.toLowerCase()}'`).sort();
    throw MlflowError.invalidParameter(`Invalid action '${action.toLowerCase()}' for entity '${entity.toLowerCase()}'. Valid actions are: [${valid.join(", ")}]`);
  }
  return { entity: entity.toLowerCase(), action: action.toLowerCase() };
}

const s = (entries: [string, string | PyDict | null][]) => dict(entries);

/** The example payloads `test_webhook` sends (each payload class's `example()`). */
const EXAMPLES: Record<string, () => PyDict> = {
  "registered_model.created": () => s([["name", "example_model"], ["tags", s([["example_key", "example_value"]])], ["description", "An example registered model"]]),
  "model_version.created": () =>
    s([["name", "example_model"], ["version", "1"], ["source", "models:/123"], ["run_id", "abcd1234abcd5678"], ["tags", s([["example_key", "example_value"]])], ["description", "An example model version"]]),
  "model_version_tag.set": () => s([["name", "example_model"], ["version", "1"], ["key", "example_key"], ["value", "example_value"]]),
  "model_version_tag.deleted": () => s([["name", "example_model"], ["version", "1"], ["key", "example_key"]]),
  "model_version_alias.created": () => s([["name", "example_model"], ["alias", "example_alias"], ["version", "1"]]),
  "model_version_alias.deleted": () => s([["name", "example_model"], ["alias", "example_alias"]]),
  "prompt.created": () => s([["name", "example_prompt"], ["tags", s([["example_key", "example_value"]])], ["description", "An example prompt"]]),
  "prompt_version.created": () =>
    s([["name", "example_prompt"], ["version", "1"], ["template", "Hello {{name}}!"], ["tags", s([["example_key", "example_value"]])], ["description", "An example prompt version"]]),
  "prompt_tag.set": () => s([["name", "example_prompt"], ["key", "example_key"], ["value", "example_value"]]),
  "prompt_tag.deleted": () => s([["name", "example_prompt"], ["key", "example_key"]]),
  "prompt_version_tag.set": () => s([["name", "example_prompt"], ["version", "1"], ["key", "example_key"], ["value", "example_value"]]),
  "prompt_version_tag.deleted": () => s([["name", "example_prompt"], ["version", "1"], ["key", "example_key"]]),
  "prompt_alias.created": () => s([["name", "example_prompt"], ["alias", "example_alias"], ["version", "1"]]),
  "prompt_alias.deleted": () => s([["name", "example_prompt"], ["alias", "example_alias"]]),
  "budget_policy.exceeded": () =>
    new Map<string, string | number | bigint | null>([
      ["budget_policy_id", "bp-abc123"],
      ["budget_unit", "USD"],
      ["budget_amount", 100.0],
      ["current_spend", 105.5],
      ["duration_unit", "MONTHS"],
      ["duration_value", 1n],
      ["target_scope", "ENDPOINT"],
      ["workspace", "default"],
      ["target_value", "ep-abc123"],
      ["window_start", 1704067200000n],
    ]),
};

export const examplePayload = (e: WebhookEvent): PyDict => EXAMPLES[`${e.entity}.${e.action}`]!();

/** `datetime.now(timezone.utc).isoformat()` at millisecond precision. */
export function pythonUtcIso(ms: number): string {
  const d = new Date(ms);
  const base = d.toISOString().slice(0, 19);
  const micros = d.getUTCMilliseconds() * 1000;
  return `${base}${micros === 0 ? "" : `.${String(micros).padStart(6, "0")}`}+00:00`;
}

/** The body MLflow posts: {"entity", "action", "timestamp", "data"} as json.dumps text. */
export function deliveryBody(e: WebhookEvent, data: PyDict, now: number): string {
  return pyDumps(dict([["entity", e.entity], ["action", e.action], ["timestamp", pythonUtcIso(now)], ["data", data]]));
}
