/** Hooks shared by the pages: async loading, the act-then-refresh pattern, visibility, key shortcuts. */
import { useEffect, useRef, useState } from "preact/hooks";

export interface AsyncState<T> {
  data?: T;
  error?: unknown;
  loading: boolean;
  reload: () => void;
}

/** Runs an async loader when deps change; ignores results of superseded calls. */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): AsyncState<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => (s.data === undefined ? { loading: true } : { data: s.data, loading: true }));
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

export interface Action {
  busy: boolean;
  error: unknown;
  /** Runs `fn`; on success calls the hook's `done`. Returns whether it succeeded. */
  run: (fn: () => Promise<unknown>) => Promise<boolean>;
  /** A form's onSubmit: prevents the navigation, then runs `fn`. */
  submit: (fn: () => Promise<unknown>) => (e: Event) => void;
  clear: () => void;
}

/**
 * The act-then-refresh pattern every editing page repeats: one request at a time, the error kept
 * for display next to the control, and a callback (usually "reload") after success.
 */
export function useAction(done?: () => void): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const doneRef = useRef(done);
  doneRef.current = done;
  const run = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await fn();
      doneRef.current?.();
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  };
  return {
    busy,
    error,
    run,
    submit: (fn) => (e) => {
      e.preventDefault();
      void run(fn);
    },
    clear: () => setError(undefined),
  };
}

/** True once the element has come within 200 px of the viewport (then stays true). */
export function useInView(ref: { current: Element | null }): boolean {
  const [seen, setSeen] = useState(false);
  useEffect(() => {
    if (!ref.current || seen) return;
    // Already on screen (or within the margin): no need to wait a frame for the observer.
    const box = ref.current.getBoundingClientRect();
    if (box.bottom >= -200 && box.top <= window.innerHeight + 200 && box.right >= -200 && box.left <= window.innerWidth + 200 && (box.width > 0 || box.height > 0)) {
      setSeen(true);
      return;
    }
    const io = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && setSeen(true), { rootMargin: "200px" });
    io.observe(ref.current);
    return () => io.disconnect();
  }, [seen]);
  return seen;
}

/** A page-wide key shortcut that does not fire while the user types in a field. */
export function useShortcut(key: string, handler: (e: KeyboardEvent) => void): void {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== key || e.ctrlKey || e.metaKey || e.altKey) return;
      const t = e.target as HTMLElement | null;
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
      ref.current(e);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [key]);
}

/** State persisted in localStorage (personal preferences, saved views). */
export function useStored<T>(key: string, initial: T): [T, (v: T) => void] {
  const [value, setValue] = useState<T>(() => {
    try {
      const raw = localStorage.getItem(key);
      return raw === null ? initial : (JSON.parse(raw) as T);
    } catch {
      return initial;
    }
  });
  const set = (v: T) => {
    setValue(v);
    try {
      localStorage.setItem(key, JSON.stringify(v));
    } catch {
      /* private mode: kept for this tab only */
    }
  };
  return [value, set];
}
