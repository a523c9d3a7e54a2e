/**
 * The conversation an LLM span carries, when its inputs and outputs have the shapes chat APIs use
 * (and MLflow's autologging records): `{messages: [{role, content}]}` in, and out either a message,
 * OpenAI's `{choices: [{message}]}`, or a plain string answer. Anything else: no conversation.
 */
export interface ChatMessage {
  role: string;
  content: string;
}

function asMessage(v: unknown): ChatMessage | undefined {
  if (!v || typeof v !== "object") return undefined;
  const m = v as { role?: unknown; content?: unknown };
  if (typeof m.role !== "string") return undefined;
  const content = typeof m.content === "string" ? m.content : m.content === undefined || m.content === null ? "" : JSON.stringify(m.content);
  return { role: m.role, content };
}

export function chatMessages(inputs: unknown, outputs: unknown): ChatMessage[] | undefined {
  const list = inputs && typeof inputs === "object" ? (inputs as { messages?: unknown }).messages : undefined;
  if (!Array.isArray(list) || list.length === 0) return undefined;
  const messages = list.map(asMessage);
  if (messages.some((m) => m === undefined)) return undefined;
  const out: ChatMessage[] = messages as ChatMessage[];
  const choices = outputs && typeof outputs === "object" ? (outputs as { choices?: unknown }).choices : undefined;
  if (Array.isArray(choices)) {
    for (const c of choices) {
      const m = asMessage((c as { message?: unknown } | null)?.message);
      if (m) out.push(m);
    }
  } else if (typeof outputs === "string") out.push({ role: "assistant", content: outputs });
  else {
    const m = asMessage(outputs);
    if (m) out.push(m);
  }
  return out;
}
