// Issue 16's trace benchmarks: OTLP span ingestion (what every MLflow 3 client sends while an
// application runs) and search_traces over an experiment of 100,000 traces.
//
// Seed: `traceStatements(size)` writes, with SQL and identically into both databases, `size.traces`
// traces of MLflow's own shape into one experiment: trace_info rows as the 3.18 client leaves
// them (name, previews, status, token usage, session), its tags and metadata (some traces in a
// run), and 5 spans each (an AGENT root, a RETRIEVER, two LLM calls, a TOOL) whose `content` is
// span JSON of the size the client produces.
//
// Ingestion requests are OTLP protobuf `ExportTraceServiceRequest`s as the client sends them:
// 10 new traces of 5 spans per request (50 spans), encoded here with a minimal protobuf writer
// (the server decodes them with the OTLP schema).

const T0 = 1_760_000_000_000;

export function traceStatements(size) {
  const n = size.traces;
  const id = (expr) => `'tr-' || md5('trace-' || ${expr})`;
  const span = (s) => `lpad(to_hex(${s}), 16, '0')`;
  return [
    `insert into experiments (name, lifecycle_stage, creation_time, last_update_time, artifact_location)
     values ('bench-traces', 'active', ${T0}, ${T0}, null), ('bench-trace-ingest', 'active', ${T0}, ${T0}, null)`,
    `update experiments set artifact_location = 'mlflow-artifacts:/' || experiment_id where artifact_location is null`,
    `insert into trace_info (request_id, experiment_id, timestamp_ms, execution_time_ms, status, client_request_id, request_preview,
       response_preview, db_payload_generation, trace_name, session_id, input_tokens, output_tokens, total_tokens)
     select ${id("i")}, e.experiment_id, ${T0} + i * 100, 200 + (i * 37) % 5000,
       case when i % 10 = 0 then 'ERROR' else 'OK' end, null,
       'What is the answer to question ' || i || '?', 'The answer to ' || i || ' is ' || (i * 7 % 1000) || '.', 1,
       'agent-' || (i % 20), case when i % 3 = 0 then 'session-' || (i / 30) end, 100 + i % 50, 20 + i % 30, 120 + i % 50 + i % 30
     from generate_series(1, ${n}) i, (select experiment_id from experiments where name = 'bench-traces') e`,
    `insert into trace_tags (key, value, request_id)
     select t.key, t.value, ${id("i")} from generate_series(1, ${n}) i,
       lateral (values ('mlflow.artifactLocation', 'mlflow-artifacts:/x/traces/' || ${id("i")} || '/artifacts'),
                       ('mlflow.trace.spansLocation', 'TRACKING_STORE'),
                       ('env', (array['prod', 'staging', 'dev'])[1 + i % 3]), ('team', 'team-' || (i % 7))) t(key, value)`,
    `insert into trace_request_metadata (key, value, request_id)
     select m.key, m.value, ${id("i")} from generate_series(1, ${n}) i,
       lateral (values ('mlflow.trace_schema.version', '3'), ('mlflow.user', 'user-' || (i % 13)), ('mlflow.source.type', 'LOCAL'),
                       ('mlflow.trace.sizeStats', '{"total_size_bytes": 4000, "num_spans": 5, "max": 1200, "p25": 600, "p50": 700, "p75": 900}'),
                       ('mlflow.traceInputs', '{"question": "What is the answer to question ' || i || '?"}'),
                       ('mlflow.sourceRun', case when i % 50 = 0 then md5('trace-run-' || (i / 1000)) end)) m(key, value)
     where m.value is not null`,
    `insert into spans (trace_id, experiment_id, span_id, parent_span_id, name, type, status, start_time_unix_nano, end_time_unix_nano, content)
     select ${id("i")}, e.experiment_id, ${span("i * 8 + k")}, case when k = 0 then null else ${span("i * 8")} end,
       (array['agent', 'retrieve', 'chat', 'chat', 'search_tool'])[k + 1], (array['AGENT', 'RETRIEVER', 'LLM', 'LLM', 'TOOL'])[k + 1],
       case when i % 10 = 0 and k = 4 then 'ERROR' else 'OK' end,
       (${T0} + i * 100 + k * 10)::bigint * 1000000, (${T0} + i * 100 + k * 10 + 5)::bigint * 1000000,
       format('{"trace_id": "%s", "span_id": "%s", "parent_span_id": %s, "name": "%s", "kind": "SPAN_KIND_INTERNAL", "start_time_unix_nano": %s, "end_time_unix_nano": %s, "events": [], "status": {"code": "STATUS_CODE_OK", "message": ""}, "attributes": {"mlflow.traceRequestId": "\\"%s\\"", "mlflow.spanType": "\\"%s\\"", "mlflow.spanInputs": "{\\"messages\\": [{\\"role\\": \\"user\\", \\"content\\": \\"What is the answer to question %s? Please think step by step and cite the retrieved documents.\\"}]}", "mlflow.spanOutputs": "{\\"choices\\": [{\\"message\\": {\\"role\\": \\"assistant\\", \\"content\\": \\"The answer is %s, according to the documents retrieved for this question.\\"}}]}", "mlflow.chat.tokenUsage": "{\\"input_tokens\\": 50, \\"output_tokens\\": 10, \\"total_tokens\\": 60}"}, "links": []}',
         encode(decode(md5('trace-' || i), 'hex'), 'base64'), ${span("i * 8 + k")}, case when k = 0 then 'null' else '"' || ${span("i * 8")} || '"' end,
         (array['agent', 'retrieve', 'chat', 'chat', 'search_tool'])[k + 1], (${T0} + i * 100 + k * 10)::bigint * 1000000,
         (${T0} + i * 100 + k * 10 + 5)::bigint * 1000000, ${id("i")}, (array['AGENT', 'RETRIEVER', 'LLM', 'LLM', 'TOOL'])[k + 1], i, i * 7 % 1000)
     from generate_series(1, ${n}) i, generate_series(0, 4) k, (select experiment_id from experiments where name = 'bench-traces') e`,
  ];
}

export async function traceIds(client, size) {
  const r = await client.query("select name, experiment_id::text as id from experiments where name in ('bench-traces', 'bench-trace-ingest')");
  const byName = Object.fromEntries(r.rows.map((x) => [x.name, x.id]));
  const run = await client.query(`select md5('trace-run-' || 1) as id`);
  return { traceExperimentId: byName["bench-traces"], ingestExperimentId: byName["bench-trace-ingest"], traceRunId: run.rows[0].id, traceCount: size.traces };
}

// ---- a minimal protobuf writer for ExportTraceServiceRequest ------------------------------------

function varint(n) {
  const out = [];
  let v = BigInt(n);
  while (v > 127n) {
    out.push(Number((v & 127n) | 128n));
    v >>= 7n;
  }
  out.push(Number(v));
  return Buffer.from(out);
}
const tag = (field, wire) => varint((field << 3) | wire);
const bytes = (field, buf) => Buffer.concat([tag(field, 2), varint(buf.length), buf]);
const str = (field, s) => bytes(field, Buffer.from(s, "utf8"));
const fixed64 = (field, n) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return Buffer.concat([tag(field, 1), b]);
};
const uint = (field, n) => Buffer.concat([tag(field, 0), varint(n)]);
/** A KeyValue with a string AnyValue. */
const kv = (key, value) => Buffer.concat([str(1, key), bytes(2, str(1, value))]);
const keyValue = (key, value) => bytes(9, kv(key, value)); // Span.attributes

let counter = 0;

/** One client batch: `traces` new traces of 5 spans each, as MLflow's exporter sends them. */
export function otlpBatch(traces = 10) {
  const spans = [];
  for (let t = 0; t < traces; t++) {
    const traceId = Buffer.from(`${process.pid.toString(16).padStart(8, "0")}${(++counter).toString(16).padStart(24, "0")}`, "hex");
    const start = BigInt(Date.now()) * 1_000_000n;
    for (let k = 0; k < 5; k++) {
      const spanId = Buffer.alloc(8);
      spanId.writeUInt32BE(k + 1, 4);
      const parent = k === 0 ? [] : [bytes(4, Buffer.from("0000000000000001", "hex"))];
      const attrs = [
        keyValue("mlflow.spanType", JSON.stringify(["AGENT", "RETRIEVER", "LLM", "LLM", "TOOL"][k])),
        keyValue("mlflow.spanInputs", JSON.stringify({ messages: [{ role: "user", content: `Question ${counter}: please think step by step and cite the documents.` }] })),
        keyValue("mlflow.spanOutputs", JSON.stringify({ choices: [{ message: { role: "assistant", content: `Answer ${counter}, according to the documents retrieved.` } }] })),
        keyValue("mlflow.traceRequestId", JSON.stringify(`tr-${traceId.toString("hex")}`)),
      ];
      if (k >= 2 && k <= 3) attrs.push(keyValue("mlflow.chat.tokenUsage", '{"input_tokens": 50, "output_tokens": 10, "total_tokens": 60}'));
      spans.push(bytes(2, Buffer.concat([
        bytes(1, traceId), bytes(2, spanId), ...parent, str(5, ["agent", "retrieve", "chat", "chat", "search_tool"][k]), uint(6, 1),
        fixed64(7, start + BigInt(k) * 1_000_000n), fixed64(8, start + BigInt(k + 5) * 1_000_000n), ...attrs, bytes(15, uint(3, 1)),
      ])));
    }
  }
  const resource = bytes(1, bytes(1, kv("service.name", "bench-app"))); // ResourceSpans.resource.attributes
  const scope = bytes(2, Buffer.concat(spans)); // ResourceSpans.scope_spans (its spans are field 2)
  return bytes(1, Buffer.concat([resource, scope])); // ExportTraceServiceRequest.resource_spans
}

/** The benchmark scenarios of issue 16. */
export function traceScenarios() {
  const searchBody = (ctx, body) => JSON.stringify({ locations: [{ type: "MLFLOW_EXPERIMENT", mlflow_experiment: { experiment_id: ctx.traceExperimentId } }], ...body });
  const search = (id, title, body) => ({
    id,
    title,
    what: `traces/search over the \${traces} traces (5 spans each) of one experiment: ${title.replace(/^traces\/search, /, "")}.`,
    probe: (ctx) => ({ method: "POST", path: "/api/3.0/mlflow/traces/search", body: searchBody(ctx, { max_results: 1 }) }),
    request: (ctx) => ({ method: "POST", path: "/api/3.0/mlflow/traces/search", body: searchBody(ctx, typeof body === "function" ? body(ctx) : body) }),
    fingerprint: (json) => `${json.traces?.length ?? 0} traces, first ${json.traces?.[0]?.trace_id ?? "-"}, next ${json.next_page_token ? "yes" : "no"}`,
  });
  return [
    {
      id: "traces-ingest",
      title: "OTLP /v1/traces, 50 spans per request",
      what: "Each client sends OTLP protobuf batches of 10 new traces × 5 spans, as MLflow's exporter does; spans/s = req/s × 50.",
      probe: (ctx) => ({ method: "POST", path: "/v1/traces", headers: { "content-type": "application/x-protobuf", "x-mlflow-experiment-id": ctx.ingestExperimentId }, body: otlpBatch(1) }),
      request: (ctx) => ({ method: "POST", path: "/v1/traces", headers: { "content-type": "application/x-protobuf", "x-mlflow-experiment-id": ctx.ingestExperimentId }, body: otlpBatch(10) }),
      spansPerRequest: 50,
    },
    search("traces-search-default", "traces/search, newest first, 100 per page", { max_results: 100 }),
    search("traces-search-status", "traces/search, trace.status = 'ERROR'", { filter: "trace.status = 'ERROR'", max_results: 100 }),
    search("traces-search-tag-time", "traces/search, tag = and timestamp >", (ctx) => ({ filter: `tags.env = 'prod' AND timestamp_ms > ${T0 + 100 * Math.floor(ctx.traceCount / 2)}`, max_results: 100 })),
    search("traces-search-span", "traces/search, span.type = 'LLM' and span.status = 'ERROR' ... name", { filter: "span.name = 'search_tool' AND span.status = 'ERROR'", max_results: 100 }),
    search("traces-search-run", "traces/search, run_id =", (ctx) => ({ filter: `run_id = '${ctx.traceRunId}'`, max_results: 100 })),
    search("traces-search-name-order", "traces/search, name LIKE by execution time", { filter: "name LIKE 'agent-1%'", order_by: ["execution_time_ms DESC"], max_results: 100 }),
  ];
}
