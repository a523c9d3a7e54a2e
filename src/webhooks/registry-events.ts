/**
 * The webhook events of MLflow 3.18's registry handlers (server/handlers.py), built from the request
 * as MLflow builds them: a registered model or version created with the prompt tag is a prompt
 * event; tag and alias events are prompt events when the model is a prompt (decided at delivery,
 * from the model's tags), and a registered model's own tags notify only for prompts.
 */
import { dict, type PyDict, type PyValue } from "../lib/python-json";
import type { RegistryEvent } from "./dispatch";

const IS_PROMPT = "mlflow.prompt.is_prompt";
const PROMPT_TYPE = "_mlflow_prompt_type";
const PROMPT_TEXT = "mlflow.prompt.text";

type Tag = { key: string; value: string };

/** `{t.key: t.value for t in tags}`: the last value of a key wins, at its first position. */
const tagDict = (tags: Tag[], drop: string[] = []): PyDict => {
  const d: PyDict = new Map();
  for (const t of tags) if (!drop.includes(t.key)) d.set(t.key, t.value);
  return d;
};

export const isPromptRequest = (tags: Tag[]) => (tagDict(tags).get(IS_PROMPT) as string | undefined ?? "false").toLowerCase() === "true";

export function registeredModelCreated(name: string, tags: Tag[], description: string): RegistryEvent {
  if (isPromptRequest(tags)) {
    return { entity: "prompt", action: "created", data: dict([["name", name], ["tags", tagDict(tags, [IS_PROMPT, PROMPT_TYPE])], ["description", description]]) };
  }
  return { entity: "registered_model", action: "created", data: dict([["name", name], ["tags", tagDict(tags)], ["description", description]]) };
}

export function modelVersionCreated(v: { name: string; version: number; source: string; runId: string | null; tags: Tag[]; description: string }): RegistryEvent {
  const description: PyValue = v.description || null;
  if (isPromptRequest(v.tags)) {
    const all = tagDict(v.tags);
    const template = (all.get(PROMPT_TEXT) as string | undefined) ?? null;
    return {
      entity: "prompt_version",
      action: "created",
      data: dict([["name", v.name], ["version", String(v.version)], ["template", template], ["tags", tagDict(v.tags, [PROMPT_TEXT, IS_PROMPT, PROMPT_TYPE])], ["description", description]]),
    };
  }
  return {
    entity: "model_version",
    action: "created",
    data: dict([["name", v.name], ["version", String(v.version)], ["source", v.source], ["run_id", v.runId || null], ["tags", tagDict(v.tags)], ["description", description]]),
  };
}

const either = (name: string, prompt: string, model: string | null, action: string, data: PyDict): RegistryEvent => ({ promptOf: name, ifPrompt: prompt, otherwise: model, action, data });

export const modelVersionTagSet = (name: string, version: string, key: string, value: string) =>
  either(name, "prompt_version_tag", "model_version_tag", "set", dict([["name", name], ["version", version], ["key", key], ["value", value]]));
export const modelVersionTagDeleted = (name: string, version: string, key: string) =>
  either(name, "prompt_version_tag", "model_version_tag", "deleted", dict([["name", name], ["version", version], ["key", key]]));
export const aliasCreated = (name: string, alias: string, version: string) =>
  either(name, "prompt_alias", "model_version_alias", "created", dict([["name", name], ["alias", alias], ["version", version]]));
export const aliasDeleted = (name: string, alias: string) => either(name, "prompt_alias", "model_version_alias", "deleted", dict([["name", name], ["alias", alias]]));
export const promptTagSet = (name: string, key: string, value: string) => either(name, "prompt_tag", null, "set", dict([["name", name], ["key", key], ["value", value]]));
export const promptTagDeleted = (name: string, key: string) => either(name, "prompt_tag", null, "deleted", dict([["name", name], ["key", key]]));
