/** Small shared building blocks: error and loading states, modal dialogs, lazily loaded modules. */
import type { ComponentChildren, ComponentType } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { errorMessage } from "../api";

export function ErrorBox({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  return (
    <div class="error-box" role="alert">
      {title && <strong>{title} </strong>}
      <span>{errorMessage(error)}</span>
    </div>
  );
}

export function Spinner({ label = "Loading…" }: { label?: string }) {
  return (
    <div class="spinner" aria-busy="true">
      <span class="spinner-dot" /> {label}
    </div>
  );
}

export function Modal(props: { title: string; onClose: () => void; children: ComponentChildren }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  return (
    <dialog ref={ref} class="modal" onClose={props.onClose} onCancel={props.onClose}>
      <h2>{props.title}</h2>
      {props.children}
    </dialog>
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

/** Runs an async loader when deps change; ignores results of superseded calls. */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): { data?: T; error?: unknown; loading: boolean; reload: () => void } {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ data: s.data, loading: true }));
    load().then(
      (data) => live && setState({ data, loading: false }),
      (error) => live && setState({ error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  return { ...state, reload: () => setTick((t) => t + 1) };
}

export function StatusBadge({ status }: { status?: string }) {
  const s = (status ?? "UNKNOWN").toUpperCase();
  return <span class={`badge status-${s.toLowerCase()}`}>{s.toLowerCase()}</span>;
}
