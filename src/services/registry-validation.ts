/** Input rules of MLflow's model registry (names, versions, aliases, tags, stages), with its messages. */
import { normpath } from "../lib/posix-path";
import { MlflowError, compactJson } from "../errors";
import { exceedsMaximumLength, validateKey } from "./validation";

export const REGISTRY_LIMITS = { tagKey: 250, tagValue: 100_000, alias: 255 } as const;

export const STAGES = ["None", "Staging", "Production", "Archived"] as const;
export const ACTIVE_STAGES = ["Staging", "Production"];


export function validateModelName(name: string | undefined, field = "name"): string {
  if (name === undefined || name.trim() === "") throw MlflowError.invalidParameter(`Missing value for required parameter '${field}'.`);
  if (name.includes("/") || name.includes(":")) {
    throw MlflowError.invalidParameter(`Invalid model name '${name}'. Names cannot contain '/' or ':'.`);
  }
  const norm = normpath(name);
  if (norm !== name || norm === "." || norm.startsWith("..") || norm.startsWith("/")) {
    throw MlflowError.invalidParameter(
      `Invalid value ${compactJson(name)} for parameter 'name' supplied: Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to '${norm}'`,
    );
  }
  return name;
}

/** Python's int() of a version string; registry versions are 32-bit in the database. */
export function parseVersion(version: string | undefined): number {
  const v = version ?? "";
  const m = /^\s*([+-]?\d+(?:_\d+)*)\s*$/.exec(v);
  if (!m) throw MlflowError.invalidParameter(`Parameter 'version' must be an integer, got '${v}'.`);
  const n = Number(m[1]!.replace(/_/g, ""));
  return Number.isSafeInteger(n) && Math.abs(n) <= 2147483647 ? n : 2147483647 + 1;
}

function limit(entity: string, max: number, value: string): void {
  if (Array.from(value).length > max) throw exceedsMaximumLength(entity, max);
}

export function validateRegisteredModelTag(key: string, value: string | null): void {
  validateKey(key, "key");
  limit("key", REGISTRY_LIMITS.tagKey, key);
  if (value !== null) limit("value", REGISTRY_LIMITS.tagValue, value);
}

export function validateModelVersionTag(key: string, value: string | null): void {
  validateKey(key, "key");
  if (value === null) throw MlflowError.invalidParameter("Tag value cannot be None");
  limit("key", REGISTRY_LIMITS.tagKey, key);
  if (key === "mlflow.prompt.text" && Array.from(value).length > REGISTRY_LIMITS.tagValue) {
    throw MlflowError.invalidParameter(`Prompt text exceeds max length of ${REGISTRY_LIMITS.tagValue} characters.`);
  }
  limit("value", REGISTRY_LIMITS.tagValue, value);
}

export function validateAliasName(alias: string): void {
  if (alias === "") throw MlflowError.invalidParameter("Registered model alias name cannot be empty.");
  if (!/^[\p{L}\p{N}_-]*$/u.test(alias)) {
    throw MlflowError.invalidParameter(`Invalid alias name: '${alias}'. Names may only contain alphanumerics, underscores (_), and dashes (-).`);
  }
  limit("Registered model alias name", REGISTRY_LIMITS.alias, alias);
}

export function validateAliasNotReserved(alias: string): void {
  if (alias.toLowerCase() === "latest") throw MlflowError.invalidParameter("'latest' alias name (case insensitive) is reserved.");
  if (/^[vV]\d+$/.test(alias)) throw MlflowError.invalidParameter(`Version alias name '${alias}' is reserved.`);
}

export function canonicalStage(stage: string): string {
  const found = STAGES.find((s) => s.toLowerCase() === stage.toLowerCase());
  if (!found) throw MlflowError.invalidParameter(`Invalid Model Version stage: ${stage}. Value must be one of ${STAGES.join(", ")}.`);
  return found;
}
