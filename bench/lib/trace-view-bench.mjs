// Issue 16's trace view benchmark: one trace of `size.bigTraceSpans` spans (5,000 in both modes),
// written with SQL identically into both databases in MLflow's row shapes, and what "shown" means
// on each UI for the `ui` scenario (bench/lib/ui-bench.mjs).
//
// Shape: a root span (`bench-root-span`), then chains of 100 spans under it (span k's parent is
// k−1, except at a chain's start), so the tree is 100 levels deep and the root has 50 children.

const T0 = 1_760_500_000_000;
const TRACE = "md5('bench-big-trace')";
const CHAIN = 100;

export function bigTraceStatements(size) {
  const n = size.bigTraceSpans;
  const span = (k) => `lpad(to_hex(${k}), 16, '0')`;
  const parent = (k) => `case when ${k} = 1 then null when (${k} - 2) % ${CHAIN} = 0 then ${span(1)} else ${span(`${k} - 1`)} end`;
  const name = (k) => `case when ${k} = 1 then 'bench-root-span' else 'step-' || ${k} end`;
  const type = (k) => `case when ${k} = 1 then 'AGENT' when ${k} % 7 = 0 then 'LLM' else 'CHAIN' end`;
  const start = (k) => `(${T0} + ${k})::bigint * 1000000`;
  const end = (k) => `(case when ${k} = 1 then ${T0} + ${n} + 10 else ${T0} + ${k} + 5 end)::bigint * 1000000`;
  return [
    `insert into experiments (name, lifecycle_stage, creation_time, last_update_time, artifact_location)
     values ('bench-big-trace', 'active', ${T0}, ${T0}, null)`,
    `update experiments set artifact_location = 'mlflow-artifacts:/' || experiment_id where artifact_location is null`,
    `insert into trace_info (request_id, experiment_id, timestamp_ms, execution_time_ms, status, request_preview, response_preview, db_payload_generation, trace_name)
     select 'tr-' || ${TRACE}, experiment_id, ${T0}, ${n + 10}, 'OK', '{"size": ${n}}', '"done"', 1, 'big-trace'
     from experiments where name = 'bench-big-trace'`,
    `insert into trace_tags (key, value, request_id)
     values ('mlflow.artifactLocation', 'mlflow-artifacts:/x/traces/tr-' || ${TRACE} || '/artifacts', 'tr-' || ${TRACE}),
            ('mlflow.trace.spansLocation', 'TRACKING_STORE', 'tr-' || ${TRACE})`,
    `insert into trace_request_metadata (key, value, request_id)
     values ('mlflow.trace_schema.version', '3', 'tr-' || ${TRACE}),
            ('mlflow.trace.sizeStats', '{"total_size_bytes": 2000000, "num_spans": ${n}}', 'tr-' || ${TRACE})`,
    `insert into spans (trace_id, experiment_id, span_id, parent_span_id, name, type, status, start_time_unix_nano, end_time_unix_nano, content)
     select 'tr-' || ${TRACE}, e.experiment_id, ${span("k")}, ${parent("k")}, ${name("k")}, ${type("k")}, 'OK', ${start("k")}, ${end("k")},
       format('{"trace_id": "%s", "span_id": "%s", "parent_span_id": %s, "name": "%s", "kind": "SPAN_KIND_INTERNAL", "start_time_unix_nano": %s, "end_time_unix_nano": %s, "events": [], "status": {"code": "STATUS_CODE_OK", "message": ""}, "attributes": {"mlflow.traceRequestId": "\\"%s\\"", "mlflow.spanType": "\\"%s\\"", "mlflow.spanInputs": "{\\"k\\": %s, \\"question\\": \\"Step %s of the plan: look up the documents and summarise them.\\"}", "mlflow.spanOutputs": "{\\"k2\\": %s, \\"answer\\": \\"Step %s done.\\"}"}, "links": []}',
         encode(decode(${TRACE}, 'hex'), 'base64'), ${span("k")},
         case when k = 1 then 'null' else '"' || ${parent("k")} || '"' end,
         ${name("k")}, ${start("k")}, ${end("k")}, 'tr-' || ${TRACE}, ${type("k")}, k, k, k * 2, k)
     from generate_series(1, ${n}) k, (select experiment_id from experiments where name = 'bench-big-trace') e`,
  ];
}

export async function bigTraceIds(client) {
  const r = await client.query("select experiment_id::text as id, md5('bench-big-trace') as trace from experiments where name = 'bench-big-trace'");
  return { bigTraceExperimentId: r.rows[0].id, bigTraceId: `tr-${r.rows[0].trace}` };
}

// The trace view on each UI, opened by the deep link MLflow's UI builds for a trace.
export const TRACE_VIEW_PAGES = {
  ours: (ctx) => ({
    url: `/#/experiments/${ctx.bigTraceExperimentId}/traces?selectedEvaluationId=${ctx.bigTraceId}`,
    // The span tree's first rows and the selected span's details are on screen.
    ready: `document.querySelector('.span-row[aria-level="2"]') !== null && document.querySelector('[data-testid="span-detail"]') !== null`,
    // From the moment the trace's spans were fully received (the part the UI's code controls).
    since: "get-trace-artifact",
  }),
  reference: (ctx) => ({
    url: `/#/experiments/${ctx.bigTraceExperimentId}/traces?selectedEvaluationId=${ctx.bigTraceId}`,
    // Its trace drawer shows the span tree: the root span's name and a child's are rendered.
    ready: `(() => {
      let root = false, child = false;
      for (const e of document.querySelectorAll('span, div, p')) {
        if (e.childElementCount !== 0) continue;
        if (e.textContent === 'bench-root-span') root = true;
        else if (e.textContent === 'step-2') child = true;
        if (root && child) return true;
      }
      return false;
    })()`,
  }),
};
