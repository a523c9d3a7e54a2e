/**
 * Hash routing, so MLflow's client-printed deep links (`/#/experiments/<id>/runs/<run_id>`) land
 * on the right page. View state lives in the hash's query string, which makes every view shareable.
 */
import { signal } from "@preact/signals";

export interface Route {
  segments: string[];
  query: URLSearchParams;
}

function parse(hash: string): Route {
  const raw = hash.replace(/^#/, "");
  const q = raw.indexOf("?");
  const path = q >= 0 ? raw.slice(0, q) : raw;
  const query = new URLSearchParams(q >= 0 ? raw.slice(q + 1) : "");
  const segments = path.split("/").filter(Boolean).map(safeDecode);
  return { segments, query };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** A path-style URL (/experiments/1, reached through the SPA fallback) becomes the hash route. */
function adoptPathRoute(): void {
  const { pathname, search, hash } = window.location;
  if (!hash && pathname !== "/" && pathname !== "/index.html") {
    history.replaceState(null, "", `/#${pathname}${search}`);
  }
}

/** The path the page was loaded at, before it became the hash route. */
export const loadedPath = window.location.pathname;
adoptPathRoute();
export const route = signal<Route>(parse(window.location.hash));
window.addEventListener("hashchange", () => {
  route.value = parse(window.location.hash);
});

export function href(path: string, query?: Record<string, string | undefined>): string {
  const encoded = path
    .split("/")
    .map((p) => encodeURIComponent(p))
    .join("/");
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== "") params.set(k, v);
  const qs = params.toString();
  return `#${encoded}${qs ? `?${qs}` : ""}`;
}

export function navigate(path: string, query?: Record<string, string | undefined>): void {
  window.location.hash = href(path, query);
}

/** Updates query parameters of the current view without adding a history entry per keystroke. */
export function setQuery(patch: Record<string, string | undefined>, push = false): void {
  const current = route.value;
  const query = new URLSearchParams(current.query);
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined || v === "") query.delete(k);
    else query.set(k, v);
  }
  const path = "/" + current.segments.map((s) => encodeURIComponent(s)).join("/");
  const qs = query.toString();
  const next = `#${path}${qs ? `?${qs}` : ""}`;
  if (push) history.pushState(null, "", next);
  else history.replaceState(null, "", next);
  route.value = parse(next);
}
