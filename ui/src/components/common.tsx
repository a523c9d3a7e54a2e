/** Small shared building blocks: error and loading states, dialogs, markdown, copyable values, lazily loaded modules. */
import type { ComponentChildren, ComponentType } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { errorMessage } from "../api";
import { useAction } from "../hooks";
export { useAsync } from "../hooks";

export function ErrorBox({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  return (
    <div class="error-box" role="alert">
      {title && <strong>{title} </strong>}
      <span>{errorMessage(error)}</span>
    </div>
  );
}

/**
 * A busy note. `still` drops the turning dot, for places that show many at once (a chart view's
 * cards): each running animation keeps the compositor drawing every frame, which without a GPU
 * cost the chart view 0.7 s of CPU per load for ten dots saying the same thing.
 */
export function Spinner({ label = "Loading…", still = false }: { label?: string; still?: boolean }) {
  return (
    <div class="spinner" aria-busy="true">
      {!still && <span class="spinner-dot" />} {label}
    </div>
  );
}

/** A page for a resource that does not exist: the error only, no empty tables or live toolbars. */
export function NotFound({ what, error, back }: { what: string; error: unknown; back: { href: string; label: string } }) {
  return (
    <div class="page not-found" data-testid="not-found">
      <h1>{what} not found</h1>
      <ErrorBox error={error} />
      <p>
        <a href={back.href}>{back.label}</a>
      </p>
    </div>
  );
}

export function Modal(props: { title: string; onClose: () => void; children: ComponentChildren; wide?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  return (
    <dialog ref={ref} class={`modal${props.wide ? " wide" : ""}`} onClose={props.onClose} onCancel={props.onClose} aria-label={props.title}>
      <h2>{props.title}</h2>
      {props.children}
    </dialog>
  );
}

/** "Are you sure?" for destructive actions; the request runs from the dialog and its error stays there. */
export function ConfirmDialog(props: { title: string; confirm: string; children: ComponentChildren; onConfirm: () => Promise<unknown>; onClose: () => void; onDone?: () => void }) {
  const action = useAction(() => {
    props.onDone?.();
    props.onClose();
  });
  return (
    <Modal title={props.title} onClose={props.onClose}>
      <form class="form" onSubmit={action.submit(props.onConfirm)}>
        <div>{props.children}</div>
        <ErrorBox error={action.error} />
        <div class="form-actions">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" class="primary danger" disabled={action.busy} autoFocus>
            {props.confirm}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** A component whose code is fetched on first render (keeps the initial bundle small). */
export function lazy<P extends object>(load: () => Promise<{ default: ComponentType<P> }>): ComponentType<P> {
  let loaded: ComponentType<P> | undefined;
  let pending: Promise<unknown> | undefined;
  let failure: unknown;
  return function Lazy(props: P) {
    const [, rerender] = useState(0);
    if (failure) return <ErrorBox title="Could not load this view." error={failure} />;
    if (!loaded) {
      pending ??= load().then(
        (m) => (loaded = m.default),
        (e) => (failure = e),
      );
      pending.then(() => rerender((n) => n + 1));
      return <Spinner />;
    }
    const C = loaded;
    return <C {...props} />;
  };
}

export function StatusBadge({ status }: { status?: string | undefined }) {
  if (!status) return <span class="badge">—</span>;
  const s = status.toLowerCase();
  return <span class={`badge status-${s}`}>{s}</span>;
}

/** MLflow's convention: a missing user is a dash, never "unknown". */
export function displayUser(user: string | undefined | null): string {
  return !user || user === "unknown" ? "—" : user;
}

let markdownModule: Promise<typeof import("../markdown")> | undefined;

/** Markdown rendered to sanitised HTML; the parser loads on first use. */
export function Markdown({ text, class: cls }: { text: string; class?: string }) {
  const [html, setHtml] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    markdownModule ??= import("../markdown");
    markdownModule.then((m) => live && setHtml(m.renderMarkdown(text)));
    return () => {
      live = false;
    };
  }, [text]);
  if (html === null) return <div class={`markdown ${cls ?? ""}`}>{text}</div>;
  return <div class={`markdown ${cls ?? ""}`} data-testid="markdown" dangerouslySetInnerHTML={{ __html: html }} />;
}

/**
 * A description (markdown) with an editor: shown rendered, edited as text. Used for experiments,
 * runs, registered models and model versions.
 */
export function DescriptionEditor(props: { value: string; onSave: (text: string) => Promise<unknown>; onSaved: () => void; label: string; compact?: boolean }) {
  const [draft, setDraft] = useState<string | null>(null);
  const action = useAction(() => {
    setDraft(null);
    props.onSaved();
  });
  if (draft === null) {
    return (
      <div class={`description-block${props.compact ? " compact" : ""}`} data-testid="description">
        {props.value ? <Markdown text={props.value} class="description" /> : <p class="description muted">No description.</p>}
        <button type="button" class="link small-text" onClick={() => setDraft(props.value)} aria-label={`Edit ${props.label.toLowerCase()}`}>
          edit
        </button>
      </div>
    );
  }
  return (
    <form class="form description-editor" onSubmit={action.submit(() => props.onSave(draft))}>
      <textarea aria-label={props.label} rows={5} value={draft} onInput={(e) => setDraft(e.currentTarget.value)} autoFocus />
      <span class="muted small-text">Markdown is supported.</span>
      <ErrorBox error={action.error} />
      <div class="form-actions">
        <button type="button" onClick={() => setDraft(null)}>
          Cancel
        </button>
        <button type="submit" class="primary" disabled={action.busy}>
          Save
        </button>
      </div>
    </form>
  );
}

/**
 * A number shown rounded, with the exact value on hover (title) and a copy button that copies the
 * full-precision value as the server sent it.
 */
export function ExactValue({ value, shown }: { value: number | string | undefined; shown: string }) {
  const exact = value === undefined ? "" : typeof value === "number" ? exactNumber(value) : value;
  const [copied, setCopied] = useState(false);
  return (
    <span class="exact-value" title={exact}>
      <span class="mono">{shown}</span>
      {exact && (
        <button
          type="button"
          class="copy-btn"
          aria-label={`Copy ${exact}`}
          onClick={() => {
            void navigator.clipboard?.writeText(exact).then(() => setCopied(true));
            setTimeout(() => setCopied(false), 1200);
          }}
        >
          {copied ? "✓" : "⧉"}
        </button>
      )}
    </span>
  );
}

/** The shortest decimal that round-trips to the same double (what Python's repr prints). */
export function exactNumber(v: number): string {
  return Number.isFinite(v) ? String(v) : Number.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
}

/** Editable key/value tags: chips with remove buttons plus an add/update form. */
export function TagEditor(props: {
  tags: { key: string; value: string }[];
  onSet: (key: string, value: string) => Promise<unknown>;
  onDelete: (key: string) => Promise<unknown>;
  onChanged: () => void;
  title?: string;
  testId?: string;
}) {
  const [key, setKey] = useState("");
  const [value, setValue] = useState("");
  const action = useAction(props.onChanged);
  const tags = [...props.tags].sort((a, b) => a.key.localeCompare(b.key));
  return (
    <section class="card" data-testid={props.testId ?? "tags"}>
      <div class="card-head">
        <h2>
          {props.title ?? "Tags"} <span class="muted">({tags.length})</span>
        </h2>
      </div>
      <div class="tag-list">
        {tags.map((t) => (
          <span key={t.key} class="chip">
            <span class="mono">{t.key}</span>
            {t.value && <span class="muted">: {t.value}</span>}
            <button type="button" class="chip-x" aria-label={`Remove tag ${t.key}`} onClick={() => action.run(() => props.onDelete(t.key))}>
              ×
            </button>
          </span>
        ))}
        {tags.length === 0 && <span class="muted small-text">No tags.</span>}
      </div>
      <form
        class="row"
        onSubmit={action.submit(async () => {
          if (!key.trim()) return;
          await props.onSet(key.trim(), value);
          setKey("");
          setValue("");
        })}
      >
        <input placeholder="key" aria-label="Tag key" value={key} onInput={(e) => setKey(e.currentTarget.value)} />
        <input placeholder="value" aria-label="Tag value" class="grow" value={value} onInput={(e) => setValue(e.currentTarget.value)} />
        <button type="submit" disabled={action.busy}>
          Add / update tag
        </button>
      </form>
      <ErrorBox error={action.error} />
    </section>
  );
}
