/**
 * Request and response previews as MLflow 3.18 cuts them (mlflow/tracing/utils/truncation.py):
 * from a chat-shaped payload the text of the last message of the wanted role, otherwise the raw
 * JSON; at most 1000 characters (Python's, i.e. code points), longer ones end in "...". NUL
 * characters become U+FFFD because Postgres text cannot hold them.
 */
import { pyDumps, tryPyLoads, type PyDict, type PyValue } from "../lib/python-json";

export const PREVIEW_MAX_LENGTH = 1000;

const isMessage = (v: PyValue | undefined): v is PyDict => v instanceof Map && v.has("role") && v.has("content");

function messagesOf(obj: PyValue | undefined): PyDict[] | null {
  if (!(obj instanceof Map)) return null;
  const messages = obj.get("messages");
  if (Array.isArray(messages) && messages.length > 0) return messages.filter(isMessage);
  const choices = obj.get("choices");
  if (Array.isArray(choices) && choices.length > 0 && choices[0] instanceof Map) {
    const msg = choices[0].get("message");
    if (isMessage(msg)) return [msg];
  }
  for (const key of ["input", "output"]) {
    const list = obj.get(key);
    if (Array.isArray(list) && list.length > 0) return list.filter(isMessage);
  }
  if (obj.has("request")) return messagesOf(obj.get("request"));
  return null;
}

function textOf(message: PyDict): PyValue {
  const content = message.get("content");
  if (Array.isArray(content)) {
    for (const part of content) {
      if (typeof part === "string") return part;
      if (part instanceof Map && (part.get("type") === "text" || part.get("type") === "output_text")) return part.get("text") ?? null;
    }
    return "";
  }
  return typeof content === "string" ? content : "";
}

/** NUL → U+FFFD, as MLflow stores previews. */
export function replaceNul(s: string): string {
  return s.replace(/\0/g, "\ufffd");
}

/** `_get_truncated_preview` of a JSON payload string (or a dict) for a role. */
export function truncatedPreview(payload: string | PyDict, role: "user" | "assistant"): string {
  let text: string;
  let obj: PyValue | undefined;
  if (payload instanceof Map) {
    obj = payload;
    text = pyDumps(payload);
  } else {
    text = payload;
    obj = tryPyLoads(payload);
  }
  let content: PyValue = null;
  const messages = messagesOf(obj);
  if (messages && messages.length > 0) {
    const last = [...messages].reverse().find((m) => m.get("role") === role) ?? messages[messages.length - 1]!;
    content = textOf(last);
  }
  // Python: `content or request_or_response`, then length in code points.
  const chosen = typeof content === "string" && content !== "" ? content : text;
  const cleaned = replaceNul(chosen);
  if (cleaned.length <= PREVIEW_MAX_LENGTH) return cleaned;
  const cps = Array.from(cleaned);
  if (cps.length <= PREVIEW_MAX_LENGTH) return cleaned;
  return cps.slice(0, PREVIEW_MAX_LENGTH - 3).join("") + "...";
}
