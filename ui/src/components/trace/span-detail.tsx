/**
 * One span in full: what went in and came out, its attributes and events, and, when it failed,
 * the status message and the recorded exception first, so the cause is the first thing read.
 */
import { spanDetails, type SpanEvent, type SpanNode, type SpanTree } from "../../traces/span-tree";
import { formatLatency } from "../../traces/trace-info";
import type { Assessment } from "../../traces/trace-types";
import { chatMessages } from "../../traces/chat";
import { AssessmentsPanel } from "./assessments-panel";
import { ChatView } from "./chat-view";
import { ValueView, valueText } from "./value-view";

interface Props {
  span: SpanNode;
  tree: SpanTree;
  traceId: string;
  assessments: Assessment[];
  onAssessmentsChanged: () => void;
}

const isException = (e: SpanEvent) => e.name === "exception";

/** "Type: message", the form OpenTelemetry SDKs (and MLflow) also put in the span's status message. */
const exceptionLine = (e: SpanEvent) => `${String(e.attributes["exception.type"] ?? "")}: ${String(e.attributes["exception.message"] ?? "")}`;

export function SpanDetail({ span: node, tree, traceId, assessments, onAssessmentsChanged }: Props) {
  const span = { ...node, ...spanDetails(node, tree) };
  const exceptions = span.events.filter(isException);
  const attributes = Object.entries(span.attributes).sort(([a], [b]) => a.localeCompare(b));
  const chat = chatMessages(span.inputs, span.outputs);
  return (
    <div class="span-detail" data-testid="span-detail" data-span-id={span.id}>
      <div class="span-detail-head">
        <span class={`span-type type-${span.type.toLowerCase()}`}>{span.type}</span>
        <h2 class="span-detail-name">{span.name}</h2>
        <span class={`badge status-${span.status.toLowerCase()}`}>{span.status.toLowerCase()}</span>
      </div>
      <div class="muted small-text">
        {formatLatency(span.durationMs)} · started at +{formatLatency(span.startMs)} · span <span class="mono">{span.id}</span>
        {span.parentId && (
          <>
            {" "}
            · parent <span class="mono">{span.parentId}</span>
          </>
        )}
      </div>
      {span.failed && (
        <div class="error-box span-exception" role="alert" data-testid="span-exception">
          <strong>This span failed.</strong> {exceptions.some((e) => exceptionLine(e) === span.statusMessage) ? "" : span.statusMessage}
          {exceptions.map((e, i) => (
            <div key={i} class="exception">
              <div>
                <span class="mono">{String(e.attributes["exception.type"] ?? "Exception")}</span>
                {e.attributes["exception.message"] !== undefined && `: ${valueText(e.attributes["exception.message"])}`}
              </div>
              {e.attributes["exception.stacktrace"] !== undefined && (
                <details>
                  <summary>Stack trace</summary>
                  <pre class="preview-text">{valueText(e.attributes["exception.stacktrace"])}</pre>
                </details>
              )}
            </div>
          ))}
        </div>
      )}
      {chat && (
        <section class="span-section" data-testid="span-chat">
          <h3>Conversation</h3>
          <ChatView messages={chat} />
        </section>
      )}
      <section class="span-section">
        <h3>Inputs</h3>
        {span.inputs === undefined ? <p class="muted small-text">None recorded.</p> : <ValueView value={span.inputs} label="Span inputs" />}
      </section>
      <section class="span-section">
        <h3>Outputs</h3>
        {span.outputs === undefined ? <p class="muted small-text">None recorded.</p> : <ValueView value={span.outputs} label="Span outputs" />}
      </section>
      <section class="span-section">
        <h3>
          Attributes <span class="muted">({attributes.length})</span>
        </h3>
        {attributes.length === 0 ? (
          <p class="muted small-text">None.</p>
        ) : (
          <table class="details span-attributes" data-testid="span-attributes">
            <tbody>
              {attributes.map(([k, v]) => (
                <tr key={k}>
                  <th class="mono">{k}</th>
                  <td class="mono break">{typeof v === "object" && v !== null ? <ValueView value={v} label={k} /> : valueText(v)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section class="span-section">
        <h3>
          Events <span class="muted">({span.events.length})</span>
        </h3>
        {span.events.length === 0 ? (
          <p class="muted small-text">None.</p>
        ) : (
          <ol class="span-events">
            {span.events.map((e, i) => (
              <li key={i} class={isException(e) ? "exception-event" : ""}>
                <strong>{e.name || "(unnamed)"}</strong> <span class="muted small-text">at +{formatLatency(e.offsetMs)}</span>
                {Object.keys(e.attributes).length > 0 && (
                  <table class="details span-attributes" aria-label={`Event ${e.name} attributes`}>
                    <tbody>
                      {Object.entries(e.attributes).map(([k, v]) => (
                        <tr key={k}>
                          <th class="mono">{k}</th>
                          <td class="mono break">{typeof v === "string" && !v.includes("\n") ? v : <ValueView value={v} label={k} />}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </li>
            ))}
          </ol>
        )}
      </section>
      <AssessmentsPanel traceId={traceId} spanId={span.id} assessments={assessments} onChanged={onAssessmentsChanged} title="Span assessments" />
    </div>
  );
}
