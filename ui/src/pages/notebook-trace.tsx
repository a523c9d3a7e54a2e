/**
 * `/static-files/lib/notebook-trace-renderer/index.html?trace_id=…&experiment_id=…`: the page the
 * Python client embeds in notebooks for displayed traces (`mlflow/tracing/display`). The SPA
 * fallback serves our app there; one trace opens its view, several are listed.
 */
import { useEffect } from "preact/hooks";
import { route } from "../router";
import { traceHref } from "../traces/trace-href";
import { notebookTraces } from "../traces/trace-links";

export default function NotebookTrace() {
  const traces = notebookTraces(route.value.query).filter((t) => t.experimentId);
  const only = traces.length === 1 ? traces[0]! : undefined;
  useEffect(() => {
    if (only) history.replaceState(null, "", traceHref(only.experimentId!, only.traceId));
    if (only) window.dispatchEvent(new HashChangeEvent("hashchange"));
  }, [only?.traceId]);
  return (
    <div class="page">
      <h1>Traces</h1>
      {traces.length === 0 && <p class="empty">This link names no trace.</p>}
      <ul>
        {traces.map((t) => (
          <li key={t.traceId}>
            <a class="mono" href={traceHref(t.experimentId!, t.traceId)}>
              {t.traceId}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}
