/**
 * What MLflow 3.18 checks inside a serialized scorer before storing it (server/handlers.py
 * `_validate_serialized_scorer_payload`, genai/scorers/scorer_utils.py, utils/validation.py), and
 * where the judge's model lives in it. Pure functions over Python-JSON values.
 */
import { MlflowError } from "../errors";
import { isDict, pyLoads, pyTypeName, PyJsonError, type PyDict, type PyValue } from "../lib/python-json";
import { pyRepr } from "../lib/python-repr";

const INSTRUCTIONS_JUDGE = "instructions_judge_pydantic_data";
const BUILTIN_SCORER = "builtin_scorer_pydantic_data";
const MEMORY_JUDGE = "memory_augmented_judge_data";
const THIRD_PARTY = "third_party_scorer_data";
export const GATEWAY_PROVIDER = "gateway";

export const CUSTOM_SCORER_DISABLED =
  "Custom scorer registration (using @scorer decorator) is disabled by default outside of Databricks tracking environments due to security concerns. Custom scorers require arbitrary code execution during deserialization.\n\n" +
  "To use custom scorers:\n" +
  "1. Configure MLflow to use a Databricks tracking URI, or\n" +
  "2. Manage your custom scorer code in a source code repository (e.g., GitHub) and import it directly, or\n" +
  "3. On a self-managed MLflow server (or local environment) that you trust to run the scorer's code, set the MLFLOW_SERVER_ENABLE_CUSTOM_SCORERS environment variable to true, or\n" +
  "4. Use built-in scorers or make_judge() scorers instead.";

const GATEWAY_DESTINATION_KEYS = ["api_base", "base_url", "custom_llm_provider", "fallbacks", "model_list"];

const truthy = (v: PyValue | undefined): boolean =>
  v !== undefined && v !== null && v !== false && v !== "" && v !== 0 && v !== 0n && !(Array.isArray(v) && v.length === 0) && !(isDict(v) && v.size === 0);

/** The parsed scorer; malformed JSON is MLflow's "must be valid JSON". */
export function parseSerializedScorer(text: string): PyValue {
  try {
    return pyLoads(text);
  } catch (e) {
    if (e instanceof PyJsonError) throw MlflowError.invalidParameter("serialized_scorer must be valid JSON");
    throw e;
  }
}

/** A decorator scorer carries `call_source`, anywhere (ensembles nest them). */
export function hasCallSource(v: PyValue): boolean {
  if (isDict(v)) return (v.has("call_source") && v.get("call_source") !== null) || [...v.values()].some(hasCallSource);
  return Array.isArray(v) && v.some(hasCallSource);
}

const emptySource = (d: PyDict) => typeof d.get("call_source") === "string" && (d.get("call_source") as string).trim() === "";

function customScorerWithoutSource(v: PyValue): string | null {
  if (isDict(v)) {
    if (emptySource(v)) {
      const name = v.get("name");
      const original = v.get("original_func_name");
      return truthy(name) ? String(name) : truthy(original) ? String(original) : "";
    }
    for (const x of v.values()) {
      const found = customScorerWithoutSource(x);
      if (found !== null) return found;
    }
  } else if (Array.isArray(v)) {
    for (const x of v) {
      const found = customScorerWithoutSource(x);
      if (found !== null) return found;
    }
  }
  return null;
}

function destinationKeys(v: PyValue): Set<string> {
  const found = new Set<string>();
  if (isDict(v)) {
    for (const k of v.keys()) if (GATEWAY_DESTINATION_KEYS.includes(k)) found.add(k);
    for (const x of v.values()) destinationKeys(x).forEach((k) => found.add(k));
  } else if (Array.isArray(v)) {
    for (const x of v) {
      // A two-item [key, value] list is how nested option maps arrive after dict().
      if (Array.isArray(x) && x.length === 2 && typeof x[0] === "string" && GATEWAY_DESTINATION_KEYS.includes(x[0])) found.add(x[0]);
      destinationKeys(x).forEach((k) => found.add(k));
    }
  }
  return found;
}

function* thirdPartyData(v: PyValue): Generator<PyDict> {
  if (isDict(v)) {
    const data = v.get(THIRD_PARTY);
    if (data !== undefined && isDict(data)) yield data;
    for (const x of v.values()) yield* thirdPartyData(x);
  } else if (Array.isArray(v)) for (const x of v) yield* thirdPartyData(x);
}

/** `_validate_serialized_scorer_payload`: no custom code unless enabled, no empty source, no steering kwargs. */
export function validateScorerPayload(v: PyValue, customScorersEnabled: boolean): void {
  if (hasCallSource(v) && !customScorersEnabled) throw MlflowError.invalidParameter(CUSTOM_SCORER_DISABLED);
  const unnamed = customScorerWithoutSource(v);
  if (unnamed !== null) {
    throw MlflowError.invalidParameter(
      `Scorer '${unnamed || "<unnamed>"}' has no source code: the body of its function is empty or could not be read. Common causes: a lambda (use \`def\` instead), a body with only a docstring (add the scoring code), an \`async def\` function (not supported), or a function defined with \`exec\`, in a REPL, or in a file that changed after it was imported (define it in a file or notebook cell, and register it before you change the file).`,
    );
  }
  for (const data of thirdPartyData(v)) {
    const kwargs = data.get("kwargs");
    if (kwargs !== undefined && kwargs !== null && !isDict(kwargs)) {
      throw MlflowError.invalidParameter(`third_party_scorer_data.kwargs must be a JSON object, got ${pyTypeName(kwargs)}.`);
    }
    const found = [...destinationKeys(kwargs ?? null)].sort();
    if (found.length > 0) {
      throw MlflowError.invalidParameter(
        `third_party_scorer_data.kwargs must not contain ${found.map(pyRepr).join(", ")}: these options choose where the scorer's LLM client sends requests. Configure the judge endpoint on the server instead, for example through a gateway endpoint ('gateway:/<name>') or the provider's environment variables.`,
      );
    }
  }
}

/** The scorer as a dict; MLflow fails with a 500 on anything else, we with a 400. */
export function scorerDict(v: PyValue): PyDict {
  if (!isDict(v)) throw MlflowError.invalidParameter(`serialized_scorer must be a JSON object, got ${pyTypeName(v)}.`);
  return v;
}

const dictAt = (d: PyDict, key: string): PyDict | null => {
  const v = d.get(key);
  return truthy(v) && isDict(v!) ? (v as PyDict) : null;
};

/** `extract_model_from_serialized_scorer`: the judge model of the kinds of scorer that have one. */
export function extractModel(d: PyDict): PyValue | undefined {
  const ij = dictAt(d, INSTRUCTIONS_JUDGE);
  if (ij) return ij.get("model") ?? null;
  const bs = dictAt(d, BUILTIN_SCORER);
  if (bs) return bs.get("model") ?? null;
  const mem = dictAt(d, MEMORY_JUDGE);
  if (mem) {
    const base = mem.get("base_judge");
    return isDict(base ?? null) ? extractModel(base as PyDict) : null;
  }
  const tp = dictAt(d, THIRD_PARTY);
  if (tp) return tp.get("model") ?? null;
  return null;
}

/** `update_model_in_serialized_scorer`: a copy with the model replaced where extractModel found it. */
export function replaceModel(d: PyDict, model: string | null): PyDict {
  const out: PyDict = new Map(d);
  const withModel = (x: PyDict): PyDict => new Map([...x, ["model", model]]);
  const ij = dictAt(d, INSTRUCTIONS_JUDGE);
  const bs = dictAt(d, BUILTIN_SCORER);
  const mem = dictAt(d, MEMORY_JUDGE);
  const tp = dictAt(d, THIRD_PARTY);
  if (ij) out.set(INSTRUCTIONS_JUDGE, withModel(ij));
  else if (bs) out.set(BUILTIN_SCORER, withModel(bs));
  else if (mem) {
    const base = mem.get("base_judge");
    out.set(MEMORY_JUDGE, new Map([...mem, ["base_judge", replaceModel(isDict(base ?? null) ? (base as PyDict) : new Map(), model)]]));
  } else if (tp && tp.get("model") !== undefined && tp.get("model") !== null) out.set(THIRD_PARTY, withModel(tp));
  return out;
}

/** `validate_scorer_model`. */
export function validateModel(model: PyValue | undefined): void {
  if (model === undefined || model === null) return;
  if (typeof model !== "string") throw MlflowError.invalidParameter(`Scorer model must be a string, got ${pyTypeName(model)}.`);
  if (model.trim() === "") throw MlflowError.invalidParameter("Scorer model cannot be empty or contain only whitespace.");
}

/** The endpoint a `gateway:/<endpoint>` model names, or null for any other model. */
export function gatewayEndpointOf(model: PyValue | undefined): string | null {
  if (typeof model !== "string") return null;
  const sep = model.indexOf(":/");
  if (sep <= 0) return null;
  const path = model.slice(sep + 2).replace(/^\/+/, "");
  return model.slice(0, sep) === GATEWAY_PROVIDER && path !== "" ? path : null;
}

export const gatewayModel = (endpoint: string) => `${GATEWAY_PROVIDER}:/${endpoint}`;

/** `validate_scorer_name`. */
export function validateScorerName(name: string): void {
  if (name.trim() === "") throw MlflowError.invalidParameter("Scorer name cannot be empty or contain only whitespace.");
}
