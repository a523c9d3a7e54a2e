import type { RequestScope } from "./route";

/** The request's waitUntil, for work that must outlive the response (or a client that left). */
export function background(r: RequestScope): (work: Promise<unknown>) => void {
  return (work) => {
    try {
      r.c.executionCtx.waitUntil(work);
    } catch {
      // No execution context (the app called directly, as some tests do): the work just runs on.
    }
  };
}
