/**
 * What MLflow 3.18 adds to a span's attributes when it stores it (`translate_span_when_storing`,
 * mlflow/tracing/otel/translation): spans from other OpenTelemetry instrumentations name their
 * span kind, inputs, outputs, token usage, model and provider in their own conventions, and MLflow
 * copies them into its own attributes when those are missing. Only missing attributes are added;
 * MLflow's own clients' spans pass through unchanged unless a traced function's inputs or outputs
 * name a `model`.
 *
 * Covered conventions (MLflow's order): OpenInference, OpenTelemetry GenAI, Traceloop/OpenLLMetry,
 * Google ADK, Laminar, Langfuse. Not covered: the event-based and product-specific translators
 * (Gemini CLI, Claude Code, Spring AI, Vercel AI, VoltAgent, LiveKit), and costs priced from
 * MLflow's model catalog (clients send `mlflow.llm.cost` themselves).
 */
import { pyDumps, pyTruthy, tryPyLoads, type PyValue } from "../lib/python-json";

export const ATTR = {
  spanType: "mlflow.spanType",
  inputs: "mlflow.spanInputs",
  outputs: "mlflow.spanOutputs",
  usage: "mlflow.chat.tokenUsage",
  messageFormat: "mlflow.message.format",
  tools: "mlflow.chat.tools",
  model: "mlflow.llm.model",
  provider: "mlflow.llm.provider",
  cost: "mlflow.llm.cost",
} as const;

type Key = string | RegExp;

interface Translator {
  kindKey?: string;
  kinds?: Record<string, string>;
  inputTokens?: string[];
  outputTokens?: string;
  totalTokens?: string;
  cacheRead?: string;
  cacheCreation?: string[];
  inputs?: Key[];
  outputs?: Key[];
  models?: string[];
  provider?: string;
  tools?: string[];
  messageFormat?: (attrs: Map<string, string>) => string | null;
}

const TRANSLATORS: Translator[] = [
  {
    // OpenInference
    kindKey: "openinference.span.kind",
    kinds: { TOOL: "TOOL", CHAIN: "CHAIN", LLM: "LLM", RETRIEVER: "RETRIEVER", EMBEDDING: "EMBEDDING", AGENT: "AGENT", RERANKER: "RERANKER", UNKNOWN: "UNKNOWN", GUARDRAIL: "GUARDRAIL", EVALUATOR: "EVALUATOR" },
    inputTokens: ["llm.token_count.prompt"],
    outputTokens: "llm.token_count.completion",
    totalTokens: "llm.token_count.total",
    cacheRead: "llm.token_count.prompt_details.cache_read",
    cacheCreation: ["llm.token_count.prompt_details.cache_write"],
    inputs: ["input.value"],
    outputs: ["output.value"],
    models: ["llm.response.model_name", "llm.model_name", "llm.request.model_name", "embedding.model_name"],
    provider: "llm.provider",
  },
  {
    // OpenTelemetry GenAI semantic conventions
    kindKey: "gen_ai.operation.name",
    kinds: { chat: "CHAT_MODEL", create_agent: "AGENT", embeddings: "EMBEDDING", execute_tool: "TOOL", generate_content: "LLM", invoke_agent: "AGENT", text_completion: "LLM", response: "LLM" },
    inputTokens: ["gen_ai.usage.input_tokens"],
    outputTokens: "gen_ai.usage.output_tokens",
    cacheRead: "gen_ai.usage.cache_read.input_tokens",
    cacheCreation: ["gen_ai.usage.cache_write.input_tokens", "gen_ai.usage.cache_creation.input_tokens"],
    inputs: ["gen_ai.input.messages", "gen_ai.tool.call.arguments"],
    outputs: ["gen_ai.output.messages", "gen_ai.tool.call.result"],
    models: ["gen_ai.response.model", "gen_ai.request.model"],
    provider: "gen_ai.provider.name",
    tools: ["gen_ai.tool.definitions"],
  },
  {
    // Traceloop / OpenLLMetry
    kindKey: "traceloop.span.kind",
    kinds: { workflow: "WORKFLOW", task: "TASK", agent: "AGENT", tool: "TOOL", unknown: "UNKNOWN" },
    inputTokens: ["gen_ai.usage.prompt_tokens"],
    outputTokens: "gen_ai.usage.completion_tokens",
    totalTokens: "llm.usage.total_tokens",
    inputs: ["traceloop.entity.input", /^gen_ai\.prompt\.\d+\.content/, /^gen_ai\.completion\.\d+\.tool_calls\.\d+\.arguments/],
    outputs: ["traceloop.entity.output", /^gen_ai\.completion\.\d+\.content/],
    provider: "gen_ai.system",
  },
  {
    // Google ADK
    inputs: ["gcp.vertex.agent.llm_request", "gcp.vertex.agent.tool_call_args"],
    outputs: ["gcp.vertex.agent.llm_response", "gcp.vertex.agent.tool_response"],
  },
  {
    // Laminar
    kindKey: "lmnr.span.type",
    kinds: { LLM: "LLM", TOOL: "TOOL", DEFAULT: "CHAIN", PIPELINE: "CHAIN", EXECUTOR: "AGENT", EVALUATOR: "EVALUATOR", HUMAN_EVALUATOR: "EVALUATOR", EVALUATION: "EVALUATOR", CACHED: "LLM" },
    inputTokens: ["gen_ai.usage.input_tokens"],
    outputTokens: "gen_ai.usage.output_tokens",
    inputs: ["lmnr.span.input"],
    outputs: ["lmnr.span.output"],
    models: ["gen_ai.response.model", "gen_ai.request.model"],
    provider: "gen_ai.system",
    messageFormat: (attrs) => (attrs.has("lmnr.span.type") ? "openai" : null),
  },
  {
    // Langfuse
    kindKey: "langfuse.observation.type",
    kinds: { generation: "LLM", embedding: "EMBEDDING", tool: "TOOL", retriever: "RETRIEVER", agent: "AGENT", chain: "CHAIN", evaluator: "EVALUATOR", guardrail: "GUARDRAIL", span: "UNKNOWN" },
    inputs: ["langfuse.observation.input"],
    outputs: ["langfuse.observation.output"],
  },
];

// Each convention's keys in MLflow's order, flattened once (every stored span walks them).
const INPUT_KEYS = TRANSLATORS.flatMap((t) => t.inputs ?? []);
const OUTPUT_KEYS = TRANSLATORS.flatMap((t) => t.outputs ?? []);
const TOOL_KEYS = TRANSLATORS.flatMap((t) => t.tools ?? []);

/** `try_json_loads`: the decoded value, or the text itself when it is not JSON. */
export function loadsOrSelf(text: string): PyValue {
  const v = tryPyLoads(text);
  return v === undefined ? text : v;
}

/** `_get_and_check_attribute_value`: empty JSON values (null, {}, "", 0) count as absent. */
function checked(attrs: Map<string, string>, key: string): string | null {
  const value = attrs.get(key);
  if (value === undefined) return null;
  const decoded = tryPyLoads(value);
  if (decoded === undefined) return value;
  return pyTruthy(decoded) ? value : null;
}

function firstValue(attrs: Map<string, string>, keys: Key[] | undefined): string | null {
  for (const key of keys ?? []) {
    if (typeof key === "string") {
      const v = checked(attrs, key);
      if (v) return v;
      continue;
    }
    for (const name of attrs.keys()) {
      if (!key.test(name)) continue;
      const v = checked(attrs, name);
      if (v) return v;
    }
  }
  return null;
}

function spanTypeOf(attrs: Map<string, string>): string | null {
  for (const t of TRANSLATORS) {
    if (!t.kindKey || !t.kinds) continue;
    const raw = attrs.get(t.kindKey);
    if (!raw) continue;
    const kind = loadsOrSelf(raw);
    const mapped = typeof kind === "string" && Object.hasOwn(t.kinds, kind) ? t.kinds[kind]! : null;
    if (mapped) return mapped;
  }
  return null;
}

/** `_parse_int_attribute` of a serialized attribute. */
function intAttr(value: string | undefined): bigint | null {
  if (value === undefined) return null;
  const decoded = tryPyLoads(value);
  if (typeof decoded === "bigint") return decoded;
  const text = typeof decoded === "string" ? decoded : value;
  const m = /^\s*([+-]?\d+(?:_\d+)*)\s*$/.exec(text);
  return m ? BigInt(m[1]!.replace(/_/g, "")) : null;
}

function tokenUsage(attrs: Map<string, string>): Map<string, PyValue> | null {
  for (const t of TRANSLATORS) {
    const first = (keys: string[] | undefined) => {
      for (const k of keys ?? []) if (attrs.has(k)) return intAttr(attrs.get(k));
      return null;
    };
    const input = first(t.inputTokens);
    const output = t.outputTokens ? intAttr(attrs.get(t.outputTokens)) : null;
    let total = t.totalTokens ? intAttr(attrs.get(t.totalTokens)) : null;
    if (total === null && input !== null && output !== null) total = input + output;
    if (input === null && output === null && total === null) continue;
    const usage = new Map<string, PyValue>();
    if (input !== null) usage.set("input_tokens", input);
    if (output !== null) usage.set("output_tokens", output);
    if (total !== null) usage.set("total_tokens", total);
    const cacheRead = t.cacheRead ? intAttr(attrs.get(t.cacheRead)) : null;
    if (cacheRead !== null) usage.set("cache_read_input_tokens", cacheRead);
    const cacheCreation = first(t.cacheCreation);
    if (cacheCreation !== null) usage.set("cache_creation_input_tokens", cacheCreation);
    return usage;
  }
  return null;
}

/** A model named in a traced call's inputs or outputs (`{"model": "gpt-4o", ...}`). */
function modelFromPayload(attrs: Map<string, string>): string | null {
  for (const key of [ATTR.inputs, ATTR.outputs]) {
    const raw = attrs.get(key);
    // A dict with a "model" key spells it in its text (unless written with \u escapes): most
    // payloads need no parse at all.
    if (!raw || (!raw.includes('"model"') && !raw.includes("\\u"))) continue;
    const payload = tryPyLoads(raw);
    if (payload instanceof Map) {
      const model = payload.get("model");
      if (pyTruthy(model)) return typeof model === "string" ? model : null;
    }
  }
  return null;
}

function decodedString(value: string | null): PyValue {
  return value === null ? null : loadsOrSelf(value);
}

/** The attributes MLflow stores for a span (a new map; the input is not changed). */
export function translateForStorage(input: Map<string, string>): Map<string, string> {
  const attrs = new Map(input);
  const typeRaw = attrs.get(ATTR.spanType);
  const type = typeRaw ? loadsOrSelf(typeRaw) : null;
  if (type === null || type === "UNKNOWN") {
    const mapped = spanTypeOf(attrs);
    if (mapped) attrs.set(ATTR.spanType, pyDumps(mapped, { ensureAscii: false }));
  }
  const addRaw = (key: string, value: string | null) => {
    if (!attrs.has(key) && value) attrs.set(key, value);
  };
  addRaw(ATTR.inputs, firstValue(attrs, INPUT_KEYS));
  addRaw(ATTR.outputs, firstValue(attrs, OUTPUT_KEYS));
  if (!attrs.has(ATTR.usage)) {
    const usage = tokenUsage(attrs);
    if (usage) attrs.set(ATTR.usage, pyDumps(usage, { ensureAscii: false }));
  }
  if (!attrs.has(ATTR.messageFormat)) {
    const format = TRANSLATORS.map((t) => t.messageFormat?.(attrs) ?? null).find((f) => f);
    if (format) attrs.set(ATTR.messageFormat, pyDumps(format, { ensureAscii: false }));
  }
  addRaw(ATTR.tools, firstValue(attrs, TOOL_KEYS));
  if (!attrs.has(ATTR.model)) {
    let model: PyValue = null;
    for (const t of TRANSLATORS) {
      model = decodedString(firstValue(attrs, t.models));
      if (pyTruthy(model)) break;
    }
    if (!pyTruthy(model)) model = modelFromPayload(attrs);
    if (pyTruthy(model)) attrs.set(ATTR.model, pyDumps(model, { ensureAscii: false }));
  }
  if (!attrs.has(ATTR.provider)) {
    for (const t of TRANSLATORS) {
      const provider = t.provider ? decodedString(checked(attrs, t.provider)) : null;
      if (pyTruthy(provider)) {
        attrs.set(ATTR.provider, pyDumps(provider, { ensureAscii: false }));
        break;
      }
    }
  }
  return attrs;
}

/** The attributes whose presence can give a loaded span a type (each convention's kind key). */
export const LOADED_TYPE_KEYS: readonly string[] = TRANSLATORS.flatMap((t) => (t.kindKey && t.kinds ? [t.kindKey] : []));

/**
 * Whether reading a stored span (its `content` text) can change it: only if it names one of the
 * kind keys. Written as Python writes it, a key appears in the text as itself; one spelled with
 * escapes (`\u00…`) is read to be sure.
 */
export function mayTranslateLoaded(content: string): boolean {
  return content.includes("\\u00") || LOADED_TYPE_KEYS.some((key) => content.includes(key));
}

/**
 * `translate_loaded_span`: on read, a span without a type (or UNKNOWN) gets the one its
 * instrumentation's convention names. Works on stored attributes (JSON text values).
 */
export function translateLoadedSpanType(attributes: Map<string, PyValue>): Map<string, PyValue> {
  const raw = attributes.get(ATTR.spanType);
  const current = typeof raw === "string" && raw ? loadsOrSelf(raw) : null;
  if (current !== null && current !== "UNKNOWN") return attributes;
  const asText = new Map([...attributes].filter((e): e is [string, string] => typeof e[1] === "string"));
  const mapped = spanTypeOf(asText);
  if (!mapped) return attributes;
  const out = new Map(attributes);
  out.set(ATTR.spanType, pyDumps(mapped, { ensureAscii: false }));
  return out;
}
