/**
 * Assessments of a trace or of one span: feedback and expectations with their value, source,
 * rationale, error and validity (an overridden one is struck through and names what replaced it).
 * A person can add feedback or an expectation, edit what people wrote (PATCH with a field mask),
 * override a judge's or code's feedback with their own (a new assessment whose `overrides` names
 * the old one, which the server then marks invalid), and delete; each goes through MLflow 3.18's
 * assessment RPCs and the trace is then read again.
 */
import { useState } from "preact/hooks";
import { ConfirmDialog, ErrorBox } from "../common";
import { useAction, useStored } from "../../hooks";
import { expectationWire, formatAssessmentValue, isCurrent, kindOf, overriddenBy, parseTypedValue, sortForDisplay, valueOf, verdictOf } from "../../traces/assessments";
import { createAssessment, deleteAssessment, updateAssessment } from "../../traces/trace-api";
import type { Assessment } from "../../traces/trace-types";

interface Props {
  traceId: string;
  /** The span these belong to (hex); absent for the trace's own assessments. */
  spanId?: string;
  assessments: Assessment[];
  onChanged: () => void;
  title?: string;
}

export function AssessmentsPanel({ traceId, spanId, assessments, onChanged, title }: Props) {
  const [adding, setAdding] = useState(false);
  const replacedBy = overriddenBy(assessments);
  const list = sortForDisplay(assessments);
  return (
    <section class="card assessments" data-testid={spanId ? "span-assessments" : "trace-assessments"}>
      <div class="card-head">
        <h2>
          {title ?? "Assessments"} <span class="muted">({assessments.filter(isCurrent).length})</span>
        </h2>
        <span class="grow" />
        {!adding && (
          <button type="button" class="small" onClick={() => setAdding(true)}>
            Add assessment
          </button>
        )}
      </div>
      {list.length === 0 && !adding && <p class="muted small-text">No feedback or expectations{spanId ? " on this span" : ""}.</p>}
      <ul class="assessment-list">
        {list.map((a) => (
          <AssessmentItem key={a.assessment_id} traceId={traceId} assessment={a} replacement={replacedBy.get(a.assessment_id)} onChanged={onChanged} />
        ))}
      </ul>
      {adding && (
        <AssessmentForm
          heading="New assessment"
          traceId={traceId}
          onCancel={() => setAdding(false)}
          onSubmit={async (draft, source) => {
            const base = { assessment_name: draft.name, source, span_id: spanId };
            if (draft.kind === "expectation") await createAssessment(traceId, { ...base, expectation: expectationWire(parseTypedValue(draft.value)) });
            else await createAssessment(traceId, { ...base, feedback: { value: parseTypedValue(draft.value) }, rationale: draft.rationale || undefined });
          }}
          onDone={() => {
            setAdding(false);
            onChanged();
          }}
        />
      )}
    </section>
  );
}

function AssessmentItem({ traceId, assessment: a, replacement, onChanged }: { traceId: string; assessment: Assessment; replacement?: Assessment; onChanged: () => void }) {
  const [mode, setMode] = useState<"view" | "edit" | "override" | "delete">("view");
  const kind = kindOf(a);
  const value = valueOf(a);
  const verdict = verdictOf(value);
  const valid = isCurrent(a);
  const human = a.source?.source_type === "HUMAN";
  const error = a.feedback?.error;
  return (
    <li class={`assessment${valid ? "" : " invalid"}`} data-assessment-id={a.assessment_id} data-assessment-name={a.assessment_name}>
      <div class="assessment-line">
        <span class={`kind-badge kind-${kind}`}>{kind}</span>
        <strong class="assessment-name">{a.assessment_name}</strong>
        {error && !a.feedback?.value ? (
          <span class="assessment-value verdict-fail">error</span>
        ) : (
          <span class={`assessment-value verdict-${verdict}`} data-testid="assessment-value">
            {formatAssessmentValue(value)}
          </span>
        )}
        <span class="muted small-text assessment-source">
          {sourceLabel(a.source?.source_type)}
          {a.source?.source_id ? ` · ${a.source.source_id}` : ""}
        </span>
        <span class="grow" />
        {valid && mode === "view" && (
          <span class="assessment-actions">
            {(kind === "expectation" || human) && (
              <button type="button" class="link small-text" onClick={() => setMode("edit")}>
                Edit
              </button>
            )}
            {kind === "feedback" && !human && (
              <button type="button" class="link small-text" onClick={() => setMode("override")}>
                Override
              </button>
            )}
            <button type="button" class="link small-text danger" onClick={() => setMode("delete")}>
              Delete
            </button>
          </span>
        )}
      </div>
      {!valid && (
        <div class="small-text muted" data-testid="overridden-note">
          Overridden{replacement ? ` by ${sourceLabel(replacement.source?.source_type).toLowerCase()} ${replacement.source?.source_id ?? ""}: ${formatAssessmentValue(valueOf(replacement))}` : ""}
        </div>
      )}
      {a.overrides && <div class="small-text muted">Replaces an earlier assessment ({a.overrides}).</div>}
      {a.rationale && <p class="assessment-rationale">{a.rationale}</p>}
      {error && (
        <div class="assessment-error" role="note">
          <strong>{error.error_code || "Error"}</strong>
          {error.error_message ? `: ${error.error_message}` : ""}
          {error.stack_trace && (
            <details>
              <summary>Stack trace</summary>
              <pre class="preview-text">{error.stack_trace}</pre>
            </details>
          )}
        </div>
      )}
      {a.metadata && Object.keys(a.metadata).length > 0 && (
        <div class="small-text muted">
          {Object.entries(a.metadata).map(([k, v]) => (
            <span key={k} class="chip">
              <span class="mono">{k}</span>: {v}
            </span>
          ))}
        </div>
      )}
      {a.last_update_time && <div class="small-text muted">Updated {new Date(a.last_update_time).toLocaleString()}</div>}
      {mode === "edit" && (
        <AssessmentForm
          heading={`Edit ${a.assessment_name}`}
          traceId={traceId}
          fixedKind={kind === "expectation" ? "expectation" : "feedback"}
          initial={{ name: a.assessment_name, value: typeof value === "string" ? value : JSON.stringify(value), rationale: a.rationale ?? "" }}
          hideSource
          onCancel={() => setMode("view")}
          onSubmit={async (draft) => {
            const typed = parseTypedValue(draft.value);
            if (kind === "expectation") await updateAssessment(traceId, a.assessment_id, { assessment_name: draft.name, expectation: expectationWire(typed) });
            else await updateAssessment(traceId, a.assessment_id, { assessment_name: draft.name, feedback: { value: typed }, ...(draft.rationale ? { rationale: draft.rationale } : {}) });
          }}
          onDone={() => {
            setMode("view");
            onChanged();
          }}
        />
      )}
      {mode === "override" && (
        <AssessmentForm
          heading={`Override ${a.assessment_name}`}
          traceId={traceId}
          fixedKind="feedback"
          fixedName
          initial={{ name: a.assessment_name, value: "", rationale: "" }}
          onCancel={() => setMode("view")}
          onSubmit={async (draft, source) => {
            await createAssessment(traceId, {
              assessment_name: a.assessment_name,
              span_id: a.span_id,
              source,
              feedback: { value: parseTypedValue(draft.value) },
              rationale: draft.rationale || undefined,
              overrides: a.assessment_id,
            });
          }}
          onDone={() => {
            setMode("view");
            onChanged();
          }}
        />
      )}
      {mode === "delete" && (
        <ConfirmDialog title={`Delete ${a.assessment_name}?`} confirm="Delete" onConfirm={() => deleteAssessment(traceId, a.assessment_id)} onClose={() => setMode("view")} onDone={onChanged}>
          This removes the {kind} from the trace{a.overrides ? "; the assessment it replaced becomes current again" : ""}.
        </ConfirmDialog>
      )}
    </li>
  );
}

function sourceLabel(type: string | undefined): string {
  if (type === "HUMAN") return "Human";
  if (type === "LLM_JUDGE") return "LLM judge";
  if (type === "CODE") return "Code";
  return "Unknown source";
}

interface Draft {
  kind: "feedback" | "expectation";
  name: string;
  value: string;
  rationale: string;
}

function AssessmentForm(props: {
  heading: string;
  traceId: string;
  fixedKind?: Draft["kind"];
  fixedName?: boolean;
  hideSource?: boolean;
  initial?: Omit<Draft, "kind">;
  onSubmit: (draft: Draft, source: { source_type: string; source_id?: string }) => Promise<unknown>;
  onCancel: () => void;
  onDone: () => void;
}) {
  const [draft, setDraft] = useState<Draft>({ kind: props.fixedKind ?? "feedback", name: "", value: "", rationale: "", ...props.initial });
  // Who is giving feedback: remembered in this browser, sent as the HUMAN source's id.
  const [reviewer, setReviewer] = useStored("trace.reviewer", "");
  const action = useAction(props.onDone);
  const set = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });
  return (
    <form
      class="form assessment-form"
      aria-label={props.heading}
      onSubmit={action.submit(async () => {
        if (!draft.name.trim()) throw new Error("Give the assessment a name.");
        if (!draft.value.trim()) throw new Error("Give the assessment a value.");
        await props.onSubmit({ ...draft, name: draft.name.trim() }, { source_type: "HUMAN", ...(reviewer.trim() ? { source_id: reviewer.trim() } : {}) });
      })}
    >
      <h3>{props.heading}</h3>
      {!props.fixedKind && (
        <fieldset class="segmented-field">
          <label class="check">
            <input type="radio" name="kind" checked={draft.kind === "feedback"} onChange={() => set({ kind: "feedback" })} /> Feedback
          </label>
          <label class="check">
            <input type="radio" name="kind" checked={draft.kind === "expectation"} onChange={() => set({ kind: "expectation" })} /> Expectation
          </label>
        </fieldset>
      )}
      <div class="row">
        <input aria-label="Assessment name" placeholder="name, e.g. correctness" value={draft.name} disabled={props.fixedName} onInput={(e) => set({ name: e.currentTarget.value })} />
        <input aria-label="Assessment value" class="grow" placeholder="yes, no, 0.8, true, text or JSON" value={draft.value} onInput={(e) => set({ value: e.currentTarget.value })} />
      </div>
      {draft.kind === "feedback" && <textarea aria-label="Rationale" rows={2} placeholder="Rationale (optional)" value={draft.rationale} onInput={(e) => set({ rationale: e.currentTarget.value })} />}
      {!props.hideSource && (
        <input aria-label="Your name" placeholder="Your name or email (source id, optional)" value={reviewer} onInput={(e) => setReviewer(e.currentTarget.value)} />
      )}
      <ErrorBox error={action.error} title="Could not save." />
      <div class="form-actions">
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="submit" class="primary" disabled={action.busy}>
          Save
        </button>
      </div>
    </form>
  );
}
