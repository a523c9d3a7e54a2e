/**
 * The notebook renderer path (`/static-files/lib/notebook-trace-renderer/…`) may be framed by any
 * origin, as MLflow allows, so that notebooks show traces inline (public/_headers). Framed there by
 * another origin, the app shows the trace views only; every other page opens in a tab of its own,
 * so that a page framing us cannot put the rest of the app under a user's clicks.
 */
import { loadedPath } from "./router";

export const RENDERER_PATH = "/static-files/lib/notebook-trace-renderer/";

function framedByAnotherOrigin(): boolean {
  if (window.top === window.self) return false;
  try {
    return window.top!.location.origin !== window.location.origin;
  } catch {
    return true; // reading another origin's location throws
  }
}

/** The page was loaded at the renderer path (the router then moved it into the hash) inside another origin's frame. */
export const embedded = loadedPath.startsWith(RENDERER_PATH) && framedByAnotherOrigin();
