// Unit tests of the trace views' pure modules (loaded with Node's TypeScript type stripping): the
// span tree, trace link parsing, assessment values and the evaluation aggregates.
import assert from "node:assert/strict";
import { test } from "node:test";
import { chatMessages } from "../../ui/src/traces/chat.ts";
import { aggregateScores, scoreColumns } from "../../ui/src/traces/evaluation.ts";
import { expectationWire, kindOf, overriddenBy, parseTypedValue, valueOf, verdictOf } from "../../ui/src/traces/assessments.ts";
import { ancestorsOf, buildSpanTree, spanDetails, spanIdHex, visibleRows } from "../../ui/src/traces/span-tree.ts";
import { notebookTraces, selectedTrace, traceIdFromParam } from "../../ui/src/traces/trace-links.ts";
import { assessmentSummaries, bucketSeconds, bucketStarts, chartRange, seriesByBucket, single, totalsBy } from "../../ui/src/traces/trace-overview.ts";

const hex = (n) => n.toString(16).padStart(16, "0");
const b64 = (n) => Buffer.from(hex(n), "hex").toString("base64");
const T = 1_700_000_000_000_000_000n;
/** A span as traces/get sends it: base64 ids, ns times (strings past 2^53, as json.ts keeps them). */
const span = (id, parent, name, startMs, endMs, extra = {}) => ({
  span_id: b64(id),
  ...(parent ? { parent_span_id: b64(parent) } : {}),
  name,
  start_time_unix_nano: String(T + BigInt(startMs) * 1_000_000n),
  end_time_unix_nano: String(T + BigInt(endMs) * 1_000_000n),
  ...extra,
});

test("the span tree: depth-first order, children by start time, depth, subtree ends, hex ids", () => {
  const tree = buildSpanTree([
    span(3, 1, "second", 50, 90),
    span(1, null, "root", 0, 100),
    span(2, 1, "first", 10, 40),
    span(4, 2, "grandchild", 20, 30),
  ]);
  assert.deepEqual(tree.order.map((s) => s.name), ["root", "first", "grandchild", "second"]);
  assert.deepEqual(tree.order.map((s) => s.depth), [0, 1, 2, 1]);
  assert.deepEqual(tree.order.map((s) => s.subtreeEnd), [4, 3, 3, 4]);
  assert.equal(tree.order[0].id, hex(1));
  // Nanoseconds past 2^53 are read as doubles: exact to well under a microsecond.
  const near = (a, b) => assert.ok(Math.abs(a - b) < 0.001, `${a} ≈ ${b}`);
  near(tree.durationMs, 100);
  near(tree.order[3].startMs, 50);
  near(tree.order[3].durationMs, 40);
  assert.deepEqual(ancestorsOf(tree, hex(4)), [hex(2), hex(1)]);
});

test("collapsing skips exactly the subtree", () => {
  const tree = buildSpanTree([span(1, null, "root", 0, 10), span(2, 1, "a", 1, 2), span(3, 2, "a1", 1, 2), span(4, 1, "b", 3, 4)]);
  assert.deepEqual([...visibleRows(tree, new Set())], [0, 1, 2, 3]);
  assert.deepEqual([...visibleRows(tree, new Set([hex(2)]))], [0, 1, 3]);
  assert.deepEqual([...visibleRows(tree, new Set([hex(1)]))], [0]);
});

test("orphans and parent cycles are shown as roots, never lost", () => {
  const tree = buildSpanTree([span(1, 99, "orphan", 0, 1), span(2, 3, "x", 0, 1), span(3, 2, "y", 0, 1)]);
  assert.equal(tree.order.length, 3);
  assert.deepEqual(new Set(tree.order.map((s) => s.name)), new Set(["orphan", "x", "y"]));
});

test("failures: ERROR status or an exception event, marked up the path", () => {
  const tree = buildSpanTree([
    span(1, null, "root", 0, 10),
    span(2, 1, "mid", 1, 9),
    span(3, 2, "boom", 2, 3, { status: { code: "STATUS_CODE_ERROR", message: "bad" } }),
    span(4, 1, "caught", 4, 5, { events: [{ name: "exception", attributes: [{ key: "exception.message", value: { string_value: "oops" } }] }] }),
  ]);
  const byName = Object.fromEntries(tree.order.map((s) => [s.name, s]));
  assert.equal(byName.boom.failed, true);
  assert.equal(byName.caught.failed, true);
  assert.equal(byName.mid.failedBelow, true);
  assert.equal(byName.root.failedBelow, true);
  assert.equal(byName.mid.failed, false);
});

test("span details decode OTLP AnyValues and MLflow's JSON-string attributes alike", () => {
  const otlp = buildSpanTree([
    span(1, null, "llm", 0, 10, {
      attributes: [
        { key: "mlflow.spanType", value: { string_value: "LLM" } },
        { key: "mlflow.spanInputs", value: { kvlist_value: { values: [{ key: "q", value: { string_value: "hi" } }] } } },
        { key: "n", value: { int_value: 3 } },
        { key: "xs", value: { array_value: { values: [{ double_value: 0.5 }, { bool_value: true }] } } },
      ],
      events: [{ name: "tick", time_unix_nano: String(T + 5_000_000n) }],
    }),
  ]);
  const node = otlp.order[0];
  assert.equal(node.type, "LLM");
  const d = spanDetails(node, otlp);
  assert.deepEqual(d.inputs, { q: "hi" });
  assert.deepEqual(d.attributes, { n: 3, xs: [0.5, true] });
  assert.ok(Math.abs(d.events[0].offsetMs - 5) < 0.001);
  const artifact = buildSpanTree([{ span_id: hex(7), name: "tool", start_time_unix_nano: 1, end_time_unix_nano: 2, attributes: { "mlflow.spanType": '"TOOL"', "mlflow.spanOutputs": '{"a": 1}' } }]);
  assert.equal(artifact.order[0].type, "TOOL");
  assert.deepEqual(spanDetails(artifact.order[0], artifact).outputs, { a: 1 });
});

test("span ids: base64, hex and 0x forms all become lower-case hex", () => {
  assert.equal(spanIdHex(b64(0xabc)), hex(0xabc));
  assert.equal(spanIdHex("00000000000ABCDE"), "00000000000abcde");
  assert.equal(spanIdHex("0x00000000000abcde"), "00000000000abcde");
  assert.equal(spanIdHex(""), null);
});

test("a 5,000-span trace builds in one pass (time printed, not asserted)", () => {
  const spans = [span(1, null, "root", 0, 6000)];
  for (let k = 2; k <= 5000; k++) spans.push(span(k, (k - 2) % 100 === 0 ? 1 : k - 1, `step-${k}`, k, k + 5));
  const t0 = performance.now();
  const tree = buildSpanTree(spans);
  const rows = visibleRows(tree, new Set());
  console.error(`[trace-model] 5,000 spans: tree and rows in ${(performance.now() - t0).toFixed(1)} ms`);
  assert.equal(rows.length, 5000);
  assert.equal(tree.order[tree.positionOf.get(hex(5000))].depth, 99);
  assert.equal(ancestorsOf(tree, hex(5000)).length, 99);
});

test("trace links: every selector MLflow uses, and trace URIs", () => {
  const q = (s) => new URLSearchParams(s);
  assert.deepEqual(selectedTrace(q("selectedEvaluationId=tr-1&traceId=tr-1")), { traceId: "tr-1", spanId: undefined });
  assert.deepEqual(selectedTrace(q("traceId=tr-2&spanId=abc")), { traceId: "tr-2", spanId: "abc" });
  assert.deepEqual(selectedTrace(q("selectedEvaluationId=trace:/catalog.schema/tr-3")), { traceId: "tr-3", spanId: undefined });
  assert.equal(selectedTrace(q("compareRunsMode=TRACES")).traceId, undefined);
  assert.equal(traceIdFromParam("  "), undefined);
  assert.deepEqual(notebookTraces(q("trace_id=tr-a&experiment_id=1&trace_id=tr-b&experiment_id=2&version=3.18.0")), [
    { traceId: "tr-a", experimentId: "1" },
    { traceId: "tr-b", experimentId: "2" },
  ]);
});

test("assessment values in every wire form; verdicts; typed input", () => {
  assert.deepEqual(valueOf({ assessment_id: "a", assessment_name: "x", expectation: { serialized_value: { serialization_format: "JSON_FORMAT", value: '{"a": [1, 2]}' } } }), { a: [1, 2] });
  assert.equal(valueOf({ assessment_id: "a", assessment_name: "x", feedback: { value: 0.5 } }), 0.5);
  assert.equal(kindOf({ assessment_id: "a", assessment_name: "x", issue: { issue_name: "i" } }), "issue");
  assert.equal(verdictOf("Yes"), "pass");
  assert.equal(verdictOf(false), "fail");
  assert.equal(verdictOf(0.9), "none");
  assert.equal(parseTypedValue("0.8"), 0.8);
  assert.equal(parseTypedValue("true"), true);
  assert.deepEqual(parseTypedValue('["a"]'), ["a"]);
  assert.equal(parseTypedValue("looks fine"), "looks fine");
  assert.deepEqual(expectationWire("x"), { value: "x" });
  assert.deepEqual(expectationWire({ k: 1 }), { serialized_value: { serialization_format: "JSON_FORMAT", value: '{"k":1}' } });
  assert.equal(overriddenBy([{ assessment_id: "new", assessment_name: "c", overrides: "old" }]).get("old").assessment_id, "new");
});

test("evaluation aggregates: pass rates of verdicts, means of numbers, errors apart, invalid ones ignored", () => {
  const fb = (name, value, extra = {}) => ({ assessment_id: `${name}-${Math.random()}`, assessment_name: name, feedback: { value }, ...extra });
  const traces = [
    { trace_id: "1", assessments: [fb("correct", "yes"), fb("score", 1), fb("correct", "no", { valid: false })] },
    { trace_id: "2", assessments: [fb("correct", "no"), fb("score", 0.5)] },
    { trace_id: "3", assessments: [fb("correct", null, { feedback: { value: null, error: { error_code: "X" } } }), { assessment_id: "e", assessment_name: "expected", expectation: { value: "a" } }] },
  ];
  const columns = scoreColumns(traces);
  assert.deepEqual(columns, [{ name: "correct", kind: "feedback" }, { name: "score", kind: "feedback" }, { name: "expected", kind: "expectation" }]);
  const [correct, score] = aggregateScores(traces, columns);
  assert.deepEqual(correct, { name: "correct", count: 2, errors: 1, passRate: 0.5 });
  assert.deepEqual(score, { name: "score", count: 2, errors: 0, mean: 0.75 });
});

test("chat: messages in, an OpenAI choice, a message or a string out; other shapes are not a chat", () => {
  const inputs = { messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Hi" }] };
  assert.deepEqual(chatMessages(inputs, { choices: [{ message: { role: "assistant", content: "Hello" } }] }).map((m) => m.role), ["system", "user", "assistant"]);
  assert.deepEqual(chatMessages(inputs, "Hello").at(-1), { role: "assistant", content: "Hello" });
  assert.deepEqual(chatMessages(inputs, { role: "assistant", content: [{ type: "text", text: "x" }] }).at(-1).content, '[{"type":"text","text":"x"}]');
  assert.equal(chatMessages({ question: "Hi" }, "Hello"), undefined);
  assert.equal(chatMessages({ messages: [{ text: "no role" }] }, null), undefined);
});

test("trace overview: bucket sizes, every bucket charted, totals and assessment values", () => {
  assert.equal(bucketSeconds(0, 30 * 60_000), 60);
  assert.equal(bucketSeconds(0, 61 * 60_000), 300);
  assert.equal(bucketSeconds(0, 86_400_000), 3600);
  assert.equal(bucketSeconds(0, 30 * 86_400_000), 86_400);
  assert.equal(bucketSeconds(0, 3650 * 86_400_000), 30 * 86_400);
  assert.deepEqual(bucketStarts(90_000, 250_000, 60), [60_000, 120_000, 180_000, 240_000]);
  assert.deepEqual(chartRange(null, 10, undefined, undefined), null);
  assert.deepEqual(chartRange(null, 10, 5, 8), { startMs: 5, endMs: 9 });
  assert.deepEqual(chartRange(1, 86_400_000 * 2, 5, 8), { startMs: 86_400_000, endMs: 172_800_000 });
  const at = (ms) => new Date(ms).toISOString().replace("Z", "+00:00");
  const points = [
    { metric_name: "trace_count", dimensions: { time_bucket: at(60_000), trace_status: "OK" }, values: { COUNT: 3 } },
    { metric_name: "trace_count", dimensions: { time_bucket: at(180_000), trace_status: "OK" }, values: { COUNT: 2 } },
    { metric_name: "trace_count", dimensions: { time_bucket: at(180_000), trace_status: "ERROR" }, values: { COUNT: 1 } },
  ];
  const series = seriesByBucket(points, [60_000, 120_000, 180_000], "COUNT", { dimension: "trace_status", fill: 0 });
  assert.deepEqual(series.map((s) => [s.id, s.ys]), [["ERROR", [0, 0, 1]], ["OK", [3, 0, 2]]]);
  assert.deepEqual(series[0].xs, [60, 120, 180]);
  const latency = seriesByBucket([{ metric_name: "latency", dimensions: { time_bucket: at(60_000) }, values: { "P50.0": "NaN" } }], [60_000, 120_000], "P50.0", { fill: null });
  assert.deepEqual(latency[0].ys, [null, null]);
  assert.deepEqual([...totalsBy(points, "trace_status", "COUNT")], [["OK", 5], ["ERROR", 1]]);
  assert.equal(single([], "P50.0"), null);
  assert.equal(single([{ metric_name: "latency", values: { "P50.0": 12.5 } }], "P50.0"), 12.5);
  assert.deepEqual(
    assessmentSummaries([
      { metric_name: "assessment_count", dimensions: { assessment_name: "relevance", assessment_value: "0.9" }, values: { COUNT: 1 } },
      { metric_name: "assessment_count", dimensions: { assessment_name: "correctness", assessment_value: '"no"' }, values: { COUNT: 1 } },
      { metric_name: "assessment_count", dimensions: { assessment_name: "correctness", assessment_value: '"yes"' }, values: { COUNT: 2 } },
    ]),
    [
      { name: "correctness", count: 3, values: [['"yes"', 2], ['"no"', 1]] },
      { name: "relevance", count: 1, values: [["0.9", 1]] },
    ],
  );
});
