/**
 * Results of an evaluation run (`mlflow.genai.evaluate`): the run's metrics and per-scorer
 * aggregates, then one row per evaluated trace with each scorer's value; a row opens the trace.
 * The traces are the run's (`run_id = …` also matches traces linked to it), read page by page.
 */
import { useRef } from "preact/hooks";
import { api } from "../../api";
import { ErrorBox, Spinner } from "../common";
import { useAsync } from "../../hooks";
import { useVirtualRows } from "../../hooks/virtual-rows";
import { formatValue } from "../../format";
import { formatAssessmentValue, valueOf, verdictOf } from "../../traces/assessments";
import { aggregateScores, scoreColumns, scoresOf } from "../../traces/evaluation";
import { searchAllTraces } from "../../traces/trace-api";
import { durationMs, formatLatency, previewText } from "../../traces/trace-info";
import { traceHref } from "../../traces/trace-href";
import type { Run } from "../../types";

const MAX_ROWS = 5000;
/** Rows are one line high (previews are cut with an ellipsis), so that they can be virtualised. */
const ROW_HEIGHT = 33;

const quote = (s: string) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

export function EvaluationResults({ experimentId, runId, run }: { experimentId: string; runId: string; run?: Run }) {
  const traces = useAsync(() => searchAllTraces({ experimentIds: [experimentId], filter: `run_id = ${quote(runId)}`, orderBy: ["timestamp_ms ASC"] }, MAX_ROWS), [experimentId, runId]);
  const runRes = useAsync(() => (run ? Promise.resolve({ run }) : api.get<{ run: Run }>("/runs/get", { run_id: runId })), [runId, run]);
  const rows = traces.data?.traces ?? [];
  const columns = scoreColumns(rows);
  const aggregates = aggregateScores(rows, columns);
  const metrics = [...(runRes.data?.run.data?.metrics ?? [])].sort((a, b) => a.key.localeCompare(b.key));
  // Up to 5,000 rows: only those in view (and a margin) are in the DOM, between two spacer rows.
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualRows(rows.length, scrollRef, { rowHeight: ROW_HEIGHT, overscan: 15 });
  const items = virtualizer.getVirtualItems();
  const before = items.length > 0 ? items[0]!.start : 0;
  const after = items.length > 0 ? virtualizer.getTotalSize() - items[items.length - 1]!.end : 0;
  const spacer = (height: number) =>
    height > 0 && (
      <tr class="spacer-row" aria-hidden="true" style={{ height: `${height}px` }}>
        <td colSpan={columns.length + 4} />
      </tr>
    );
  return (
    <div class="evaluation-results" data-testid="evaluation-results">
      <ErrorBox error={traces.error} title="Could not load the evaluated traces." />
      <ErrorBox error={runRes.error} title="Could not load the run." />
      <div class="two-col">
        <section class="card" data-testid="evaluation-aggregates">
          <h2>Scores</h2>
          {aggregates.length === 0 ? (
            <p class="muted small-text">{traces.loading ? "…" : "No feedback on this run's traces."}</p>
          ) : (
            <table class="details">
              <tbody>
                {aggregates.map((a) => (
                  <tr key={a.name} data-scorer={a.name}>
                    <th>{a.name}</th>
                    <td class="mono">
                      {a.passRate !== undefined && <span class="verdict-pass">{Math.round(a.passRate * 1000) / 10}% pass</span>}
                      {a.mean !== undefined && <span>mean {formatValue(a.mean)}</span>}
                      <span class="muted small-text">
                        {" "}
                        over {a.count} row{a.count === 1 ? "" : "s"}
                        {a.errors ? `, ${a.errors} error${a.errors === 1 ? "" : "s"}` : ""}
                      </span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <section class="card" data-testid="evaluation-metrics">
          <h2>Run metrics</h2>
          {metrics.length === 0 ? (
            <p class="muted small-text">{runRes.loading ? "…" : "The run logged no metrics."}</p>
          ) : (
            <table class="details">
              <tbody>
                {metrics.map((m) => (
                  <tr key={m.key}>
                    <th class="mono">{m.key}</th>
                    <td class="mono">{formatValue(m.value)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>
      {traces.loading && !traces.data && <Spinner label="Loading evaluated traces…" />}
      {traces.data && rows.length === 0 && <p class="empty">No traces belong to this run, so there are no per-row results.</p>}
      {traces.data?.truncated && <p class="truncated">The first {MAX_ROWS.toLocaleString("en-US")} rows are shown.</p>}
      {rows.length > 0 && (
        <div class="table-scroll evaluation-scroll" ref={scrollRef}>
          <table class="table evaluation-table" aria-rowcount={rows.length + 1}>
            <thead>
              <tr>
                <th>#</th>
                <th>Request</th>
                <th>Response</th>
                {columns.map((c) => (
                  <th key={`${c.kind}:${c.name}`} class={c.kind === "expectation" ? "expectation-col" : ""}>
                    {c.kind === "expectation" && <span class="kind-tag">E</span>}
                    {c.name}
                  </th>
                ))}
                <th class="num">Latency</th>
              </tr>
            </thead>
            <tbody>
              {spacer(before)}
              {items.map(({ index: i }) => {
                const t = rows[i]!;
                const scores = scoresOf(t);
                return (
                  <tr key={t.trace_id} data-trace-id={t.trace_id} aria-rowindex={i + 2}>
                    <td>
                      <a href={traceHref(experimentId, t.trace_id, { runId })}>{i + 1}</a>
                    </td>
                    <td class="preview-cell" title={t.request_preview}>
                      {previewText(t.request_preview, 120)}
                    </td>
                    <td class="preview-cell" title={t.response_preview}>
                      {previewText(t.response_preview, 120)}
                    </td>
                    {columns.map((c) => {
                      const a = scores.get(`${c.kind}:${c.name}`);
                      if (!a) return <td key={`${c.kind}:${c.name}`} class="muted">—</td>;
                      const v = valueOf(a);
                      const failed = a.feedback?.error && (v === null || v === undefined);
                      return (
                        <td key={`${c.kind}:${c.name}`} data-score={c.name} class={failed ? "verdict-fail" : `verdict-${verdictOf(v)}`} title={a.rationale ?? a.feedback?.error?.error_message}>
                          {failed ? `error: ${a.feedback?.error?.error_code ?? ""}` : formatAssessmentValue(v)}
                        </td>
                      );
                    })}
                    <td class="num mono">{formatLatency(durationMs(t))}</td>
                  </tr>
                );
              })}
              {spacer(after)}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
