/** An LLM span's conversation, one message per block, the role first (see traces/chat.ts). */
import type { ChatMessage } from "../../traces/chat";

export function ChatView({ messages }: { messages: ChatMessage[] }) {
  return (
    <ol class="chat-view" aria-label="Conversation">
      {messages.map((m, i) => (
        <li key={i} class={`chat-message role-${m.role}`}>
          <span class="chat-role">{m.role}</span>
          <div class="chat-content">{m.content}</div>
        </li>
      ))}
    </ol>
  );
}
