// Trace data for the trace UI tests, sent as the MLflow 3 client sends it: spans by OTLP JSON to
// /v1/traces, each trace's info (previews, tags, metadata, assessments) by POST /api/3.0/mlflow/traces.
import { restClient } from "./harness.mjs";

const T0_MS = Date.now() - 600_000;
const NS = (ms) => (BigInt(Math.round(ms * 1000)) * 1000n).toString();

let counter = 0;
/** A fresh 32-hex trace id (the client's `tr-` ids carry the OTLP trace id). */
export function traceHex() {
  counter++;
  return (Date.now().toString(16) + counter.toString(16).padStart(6, "0") + "0".repeat(32)).slice(0, 32);
}
export const spanHex = (n) => n.toString(16).padStart(16, "0");

function anyValue(v) {
  if (typeof v === "string") return { stringValue: v };
  if (typeof v === "boolean") return { boolValue: v };
  if (Number.isInteger(v)) return { intValue: String(v) };
  return { doubleValue: v };
}

/**
 * One OTLP span in JSON (hex ids). Like the MLflow client, inputs, outputs and the span type are
 * attributes holding JSON text.
 */
export function otlpSpan({ trace, id, parent, name, startMs, endMs, type = "UNKNOWN", inputs, outputs, attributes = {}, error, events = [] }) {
  const attrs = { "mlflow.traceRequestId": JSON.stringify(`tr-${trace}`), "mlflow.spanType": JSON.stringify(type), ...attributes };
  if (inputs !== undefined) attrs["mlflow.spanInputs"] = JSON.stringify(inputs);
  if (outputs !== undefined) attrs["mlflow.spanOutputs"] = JSON.stringify(outputs);
  return {
    traceId: trace,
    spanId: spanHex(id),
    ...(parent !== undefined ? { parentSpanId: spanHex(parent) } : {}),
    name,
    kind: 1,
    startTimeUnixNano: NS(startMs),
    endTimeUnixNano: NS(endMs),
    attributes: Object.entries(attrs).map(([key, value]) => ({ key, value: anyValue(value) })),
    events: events.map((e) => ({ name: e.name, timeUnixNano: NS(e.atMs), attributes: Object.entries(e.attributes ?? {}).map(([key, value]) => ({ key, value: anyValue(value) })) })),
    status: error ? { code: 2, message: error } : { code: 1 },
  };
}

export async function postSpans(base, experimentId, spans, { runId } = {}) {
  const res = await fetch(`${base}/v1/traces`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-mlflow-experiment-id": experimentId, ...(runId ? { "x-mlflow-run-id": runId } : {}) },
    body: JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: "service.name", value: { stringValue: "ui-test" } }] }, scopeSpans: [{ spans }] }] }),
  });
  if (!res.ok) throw new Error(`/v1/traces → ${res.status}: ${await res.text()}`);
}

export async function startTrace(base, info) {
  const res = await fetch(`${base}/api/3.0/mlflow/traces`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ trace: { trace_info: info } }) });
  const text = await res.text();
  if (!res.ok) throw new Error(`start trace → ${res.status}: ${text}`);
  return JSON.parse(text).trace.trace_info;
}

function traceInfo({ experimentId, trace, startMs, durationMs, state = "OK", request, response, tags = {}, metadata = {}, assessments = [] }) {
  return {
    trace_id: `tr-${trace}`,
    trace_location: { type: "MLFLOW_EXPERIMENT", mlflow_experiment: { experiment_id: experimentId } },
    request_time: new Date(startMs).toISOString(),
    execution_duration: `${(durationMs / 1000).toFixed(3)}s`,
    state,
    request_preview: request,
    response_preview: response,
    trace_metadata: { "mlflow.trace_schema.version": "3", ...metadata },
    tags: { "mlflow.trace.spansLocation": "TRACKING_STORE", ...tags },
    assessments,
  };
}

/** MLflow's own form of assessment ids (`a-` and 32 hex digits; the column holds 50 characters). */
const newAssessmentId = () => `a-${crypto.randomUUID().replace(/-/g, "")}`;

export function feedback(trace, name, value, { source = "LLM_JUDGE", sourceId = "judge-1", rationale, span, error } = {}) {
  return {
    assessment_id: newAssessmentId(),
    assessment_name: name,
    trace_id: `tr-${trace}`,
    ...(span !== undefined ? { span_id: spanHex(span) } : {}),
    source: { source_type: source, source_id: sourceId },
    create_time: new Date(T0_MS).toISOString(),
    last_update_time: new Date(T0_MS).toISOString(),
    feedback: { value, ...(error ? { error } : {}) },
    ...(rationale ? { rationale } : {}),
  };
}

export function expectation(trace, name, value) {
  const plain = typeof value !== "object" || value === null;
  return {
    assessment_id: newAssessmentId(),
    assessment_name: name,
    trace_id: `tr-${trace}`,
    source: { source_type: "HUMAN", source_id: "labeler@example.com" },
    create_time: new Date(T0_MS).toISOString(),
    last_update_time: new Date(T0_MS).toISOString(),
    expectation: plain ? { value } : { serialized_value: { serialization_format: "JSON_FORMAT", value: JSON.stringify(value) } },
  };
}

/**
 * The traces experiment:
 *  - `agent`: an agent trace (retriever, LLM with chat inputs/outputs, a failing tool with an
 *    exception event), tags, token usage and assessments on the trace and on the LLM span;
 *  - `editable`: a one-span trace with a judge's feedback, for the assessment-editing test;
 *  - 30 one-span `bulk-NN` traces (more than a page of 25), latencies 10·(NN+1) ms;
 *  - an evaluation run (tagged as `mlflow.genai.evaluate` tags its runs) whose 3 traces carry
 *    scorer feedback and expectations, and metrics; and a run that is not an evaluation;
 *  - an evaluation dataset linked to the experiment with 3 records.
 */
export async function seedTraces(base) {
  const api = restClient(base);
  // Names are unique per seeding, so a reused stack (UI_TEST_STACK_URL) can be seeded again.
  const suffix = Date.now().toString(36);
  const { experiment_id: experimentId } = await api.post("experiments/create", { name: `ui-traces-${suffix}` });
  const { experiment_id: emptyExperimentId } = await api.post("experiments/create", { name: `ui-traces-empty-${suffix}` });
  const { run } = await api.post("runs/create", { experiment_id: experimentId, run_name: "eval-run", start_time: T0_MS, tags: [{ key: "mlflow.runType", value: "genai_evaluate" }] });
  const runId = run.info.run_id;
  const { run: other } = await api.post("runs/create", { experiment_id: experimentId, run_name: "training-run", start_time: T0_MS - 1000 });
  await api.post("runs/log-batch", { run_id: runId, metrics: [{ key: "correctness/mean", value: 0.6667, timestamp: T0_MS, step: 0 }, { key: "relevance/mean", value: 0.7, timestamp: T0_MS, step: 0 }] });
  await api.post("runs/update", { run_id: runId, status: "FINISHED", end_time: T0_MS + 60_000 });

  // The agent trace.
  const agent = traceHex();
  const t = T0_MS;
  await postSpans(base, experimentId, [
    otlpSpan({ trace: agent, id: 1, name: "agent", type: "AGENT", startMs: t, endMs: t + 1200, inputs: { question: "What is MLflow?" }, outputs: { answer: "An open source MLOps platform." } }),
    otlpSpan({ trace: agent, id: 2, parent: 1, name: "retrieve_docs", type: "RETRIEVER", startMs: t + 10, endMs: t + 300, inputs: { query: "MLflow" }, outputs: [{ page_content: "MLflow is an open source platform", id: "doc-1" }] }),
    otlpSpan({
      trace: agent, id: 3, parent: 1, name: "chat_completion", type: "CHAT_MODEL", startMs: t + 310, endMs: t + 900,
      inputs: { messages: [{ role: "user", content: "What is MLflow?" }] },
      outputs: { choices: [{ message: { role: "assistant", content: "An open source MLOps platform." } }] },
      attributes: { "llm.model": JSON.stringify("gpt-test"), temperature: JSON.stringify(0.2) },
      events: [{ name: "first_token", atMs: t + 400, attributes: { "token.index": 0 } }],
    }),
    otlpSpan({
      trace: agent, id: 4, parent: 1, name: "lookup_weather", type: "TOOL", startMs: t + 910, endMs: t + 1100, inputs: { city: "Paris" },
      error: "ConnectionError: weather service unreachable",
      events: [{ name: "exception", atMs: t + 1099, attributes: { "exception.type": "ConnectionError", "exception.message": "weather service unreachable", "exception.stacktrace": "Traceback (most recent call last):\n  File \"tool.py\", line 3" } }],
    }),
  ]);
  await startTrace(base, traceInfo({
    experimentId, trace: agent, startMs: t, durationMs: 1200, state: "ERROR",
    request: '{"question": "What is MLflow?"}', response: '{"answer": "An open source MLOps platform."}',
    tags: { env: "prod", "mlflow.traceName": "agent" },
    metadata: { "mlflow.trace.tokenUsage": '{"input_tokens": 12, "output_tokens": 30, "total_tokens": 42}' },
    assessments: [
      feedback(agent, "correctness", "yes", { rationale: "The answer matches the documentation." }),
      feedback(agent, "relevance", 0.8, { source: "CODE", sourceId: "relevance_scorer" }),
      feedback(agent, "groundedness", null, { error: { error_code: "RATE_LIMIT", error_message: "judge quota exceeded" } }),
      expectation(agent, "expected_facts", ["open source", "MLOps"]),
      feedback(agent, "tone", "polite", { source: "HUMAN", sourceId: "reviewer@example.com", span: 3 }),
    ],
  }));

  // A trace the assessment-editing test changes (so no other test depends on its assessments).
  const editable = traceHex();
  await postSpans(base, experimentId, [otlpSpan({ trace: editable, id: 1, name: "answer", type: "CHAIN", startMs: T0_MS + 500, endMs: T0_MS + 1000, inputs: { q: "edit me" }, outputs: "ok" })]);
  await startTrace(base, traceInfo({
    experimentId, trace: editable, startMs: T0_MS + 500, durationMs: 500, request: '{"q": "edit me"}', response: '"ok"',
    tags: { "mlflow.traceName": "answer" },
    assessments: [feedback(editable, "correctness", "yes", { rationale: "Judged by the seed." })],
  }));

  // Traces of the evaluation run.
  const evalTraces = [];
  const verdicts = [["yes", 0.9], ["no", 0.4], ["yes", 0.8]];
  for (let i = 0; i < 3; i++) {
    const tr = traceHex();
    const start = T0_MS + 2000 + i * 1000;
    await postSpans(base, experimentId, [
      otlpSpan({ trace: tr, id: 1, name: "predict", type: "CHAIN", startMs: start, endMs: start + 50 + i * 10, inputs: { question: `Question ${i}` }, outputs: `Answer ${i}` }),
    ], { runId });
    await startTrace(base, traceInfo({
      experimentId, trace: tr, startMs: start, durationMs: 50 + i * 10,
      request: `{"question": "Question ${i}"}`, response: `"Answer ${i}"`,
      tags: { "mlflow.traceName": "predict", env: "dev" },
      metadata: { "mlflow.sourceRun": runId },
      assessments: [
        feedback(tr, "correctness", verdicts[i][0], { rationale: `Row ${i} judged.` }),
        feedback(tr, "relevance", verdicts[i][1], { source: "CODE", sourceId: "relevance_scorer" }),
        expectation(tr, "expected_response", `Answer ${i}`),
      ],
    }));
    evalTraces.push(`tr-${tr}`);
  }

  // 30 bulk traces, one span each, by OTLP only (the server fills their info from the spans).
  const bulk = [];
  const spans = [];
  for (let i = 0; i < 30; i++) {
    const tr = traceHex();
    const start = T0_MS - 100_000 + i * 1000;
    spans.push(otlpSpan({ trace: tr, id: 1, name: `bulk-${String(i).padStart(2, "0")}`, type: "CHAIN", startMs: start, endMs: start + 10 * (i + 1), inputs: { n: i }, outputs: i }));
    bulk.push(`tr-${tr}`);
  }
  await postSpans(base, experimentId, spans);

  // An evaluation dataset linked to the experiment.
  const ds = await (await fetch(`${base}/api/3.0/mlflow/datasets/create`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: `qa-golden-${suffix}`, experiment_ids: [experimentId], tags: JSON.stringify({ team: "search" }) }) })).json();
  const datasetId = ds.dataset.dataset_id;
  const records = [0, 1, 2].map((i) => ({ inputs: { question: `Golden question ${i}` }, expectations: { expected_response: `Golden answer ${i}` } }));
  const up = await fetch(`${base}/api/3.0/mlflow/datasets/${datasetId}/records`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ records: JSON.stringify(records) }) });
  if (!up.ok) throw new Error(`dataset records → ${up.status}: ${await up.text()}`);

  return { experimentId, emptyExperimentId, runId, otherRunId: other.info.run_id, agent: `tr-${agent}`, editable: `tr-${editable}`, evalTraces, bulk, datasetId };
}

/**
 * A trace of `total` spans: a root, then chains of `chainLength` spans under it (span k's parent
 * is k−1 except at the start of a chain), so the deepest spans sit `chainLength` levels down.
 * Returns the id of the deepest span of the last chain and its name.
 */
export async function seedBigTrace(base, experimentId, total = 5000, chainLength = 100) {
  const trace = traceHex();
  const t = T0_MS + 10_000;
  const spans = [otlpSpan({ trace, id: 1, name: "root", type: "AGENT", startMs: t, endMs: t + total + 10, inputs: { size: total } })];
  for (let k = 2; k <= total; k++) {
    const parent = (k - 2) % chainLength === 0 ? 1 : k - 1;
    spans.push(otlpSpan({ trace, id: k, parent, name: `step-${k}`, type: k % 7 === 0 ? "LLM" : "CHAIN", startMs: t + k, endMs: t + k + 5, inputs: { k }, outputs: { k2: k * 2 } }));
  }
  // Sent in batches, as an exporter would over the trace's lifetime.
  for (let i = 0; i < spans.length; i += 1000) await postSpans(base, experimentId, spans.slice(i, i + 1000));
  await startTrace(base, traceInfo({ experimentId, trace, startMs: t, durationMs: total + 10, request: `{"size": ${total}}`, response: '"done"', tags: { "mlflow.traceName": "big" } }));
  return { traceId: `tr-${trace}`, deepest: { id: spanHex(total), name: `step-${total}` } };
}
