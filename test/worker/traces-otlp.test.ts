// OTLP/HTTP ingestion (`POST /v1/traces`): encodings, compression, MLflow's answers to bad input,
// what is stored, retries, and the round-trip budget.
import { describe, expect, it } from "vitest";
import { api, newExperiment } from "./helpers";
import { compress, jsonBody, postOtlp, protobufBody, traceHex, v3, type SpanSpec } from "./traces-helpers";

const root = (t: string, extra: Partial<SpanSpec> = {}): SpanSpec => ({ traceHex: t, spanHex: "00000000000000a1", name: "root", ...extra });
const child = (t: string, n: number, extra: Partial<SpanSpec> = {}): SpanSpec => ({
  traceHex: t, spanHex: (0xb0 + n).toString(16).padStart(16, "0"), parentHex: "00000000000000a1", name: `child-${n}`,
  startNs: 1_700_000_000_100_000_000n + BigInt(n), endNs: 1_700_000_000_900_000_000n, ...extra,
});
const body = (b: Uint8Array) => b as Uint8Array<ArrayBuffer>;

async function traceOf(t: string) {
  const res = await v3.get("/traces/get", { trace_id: `tr-${t}`, allow_partial: "true" });
  expect(res.status, res.text).toBe(200);
  return res.body.trace;
}

describe("OTLP ingestion", () => {
  it("stores protobuf spans with MLflow's attribute encoding and answers an empty protobuf", async () => {
    const exp = await newExperiment();
    const t = traceHex();
    const spans = [
      root(t, { attributes: { "mlflow.spanType": '"CHAIN"', "mlflow.spanInputs": '{"q": "hi"}', "mlflow.spanOutputs": '"ok"', n: 5n, f: 1.5, flag: true, list: [1n, "x"], raw: "plain", odd: 'é "q" \\ \u2603 \ud83d\ude00 \t', "mlflow.traceRequestId": '"forged"' } }),
      child(t, 1, { status: 2, message: "boom", events: [{ name: "exception", timeNs: 1_700_000_000_500_000_000n, attributes: { "exception.message": "boom" } }] }),
    ];
    const res = await postOtlp(body(protobufBody(spans)), { experimentId: exp });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/x-protobuf");
    expect(res.text).toBe("");
    const trace = await traceOf(t);
    expect(trace.trace_info).toMatchObject({ trace_id: `tr-${t}`, state: "OK", request_preview: '{"q": "hi"}', response_preview: '"ok"', execution_duration: "1.500s" });
    expect(trace.trace_info.tags).toMatchObject({ "mlflow.trace.spansLocation": "TRACKING_STORE", "mlflow.artifactLocation": `mlflow-artifacts:/${exp}/traces/tr-${t}/artifacts`, "service.name": "test" });
    const [r, c] = trace.spans;
    const attrs = Object.fromEntries(r.attributes.map((a: any) => [a.key, a.value]));
    expect(attrs).toMatchObject({
      "mlflow.spanType": { string_value: "CHAIN" },
      "mlflow.spanInputs": { kvlist_value: { values: [{ key: "q", value: { string_value: "hi" } }] } },
      n: { int_value: 5 },
      f: { double_value: 1.5 },
      flag: { bool_value: true },
      list: { array_value: { values: [{ int_value: 1 }, { string_value: "x" }] } },
      raw: { string_value: "plain" },
      odd: { string_value: 'é "q" \\ \u2603 \ud83d\ude00 \t' }, // stored content keeps quotes, backslashes and non-ASCII text
      // a client-sent request id is replaced by the trace's
      "mlflow.traceRequestId": { string_value: `tr-${t}` },
    });
    expect(c.status).toEqual({ code: "STATUS_CODE_ERROR", message: "boom" });
    expect(c.events[0].name).toBe("exception");
    expect(c.start_time_unix_nano).toBe(1_700_000_000_100_000_001);
  });

  it("takes OTLP JSON with hex ids and answers JSON", async () => {
    const exp = await newExperiment();
    const t = traceHex();
    const res = await postOtlp(jsonBody([root(t), child(t, 1)]), { experimentId: exp, contentType: "application/json; charset=utf-8" });
    expect([res.status, res.text, res.headers.get("content-type")]).toEqual([200, "{}", "application/json"]);
    expect((await traceOf(t)).spans.map((s: any) => s.name)).toEqual(["root", "child-1"]);
  });

  it("decompresses gzip, zlib deflate and raw deflate", async () => {
    const exp = await newExperiment();
    for (const [encoding, format] of [["gzip", "gzip"], ["deflate", "deflate"], ["deflate", "deflate-raw"], ["GZIP", "gzip"]] as const) {
      const t = traceHex();
      const res = await postOtlp(body(await compress(protobufBody([root(t)]), format)), { experimentId: exp, encoding });
      expect(res.status, `${encoding}/${format}: ${res.text}`).toBe(200);
      expect((await traceOf(t)).spans).toHaveLength(1);
    }
  });

  it("answers bad requests as MLflow's endpoint does, writing nothing", async () => {
    const exp = await newExperiment();
    const t = traceHex();
    const valid = protobufBody([root(t)]);
    const cases: [Promise<any>, number, unknown][] = [
      [postOtlp(body(valid), { experimentId: exp, contentType: "text/plain" }), 400, { detail: "Invalid Content-Type: text/plain. Expected: application/x-protobuf or application/json" }],
      [postOtlp(body(valid), { experimentId: null }), 422, { detail: [{ type: "missing", loc: ["header", "x-mlflow-experiment-id"], msg: "Field required", input: null }] }],
      [postOtlp(body(new Uint8Array([0xff, 0xff, 0xff])), { experimentId: exp }), 400, { detail: "Invalid OpenTelemetry format" }],
      [postOtlp("{not json", { experimentId: exp, contentType: "application/json" }), 400, { detail: "Invalid OpenTelemetry format" }],
      [postOtlp(body(new Uint8Array()), { experimentId: exp }), 400, { detail: "Invalid OpenTelemetry format - no spans found" }],
      [postOtlp(body(valid), { experimentId: exp, encoding: "br" }), 400, { detail: "Unsupported Content-Encoding: br" }],
      [postOtlp(body(valid), { experimentId: exp, encoding: "gzip" }), 400, { detail: "Failed to decompress gzip payload" }],
      [postOtlp(body(protobufBody([{ traceHex: t, spanHex: "" } as SpanSpec])), { experimentId: exp }), 422, { detail: "Cannot convert OpenTelemetry span to MLflow span" }],
    ];
    for (const [pending, status, detail] of cases) {
      const res = await pending;
      expect([res.status, res.body]).toEqual([status, detail]);
    }
    expect((await v3.get(`/traces/tr-${t}`)).status).toBe(404);
  });

  it("reports an unknown experiment and a trace of another experiment with MLflow's errors", async () => {
    const t = traceHex();
    const missing = await postOtlp(body(protobufBody([root(t)])), { experimentId: "987654321" });
    expect([missing.status, missing.body.error_code, missing.body.message]).toEqual([404, "RESOURCE_DOES_NOT_EXIST", "No Experiment with id=987654321 exists"]);
    const [a, b] = [await newExperiment(), await newExperiment()];
    expect((await postOtlp(body(protobufBody([root(t)])), { experimentId: a })).status).toBe(200);
    const foreign = await postOtlp(body(protobufBody([child(t, 1), root(traceHex())])), { experimentId: b });
    expect([foreign.status, foreign.body.message]).toEqual([400, `Trace with ID 'tr-${t}' already exists in another experiment.`]);
    expect((await traceOf(t)).spans).toHaveLength(1); // nothing of the refused batch landed
  });

  it("refuses bodies over the limits with a clear 413", async () => {
    const exp = await newExperiment();
    const declared = await postOtlp(body(protobufBody([root(traceHex())])), { experimentId: exp, headers: { "content-length": String(200_000_000) } });
    expect(declared.status).toBe(413);
    // 64 MiB of zeros gzip to ~64 KiB: a decompression bomb against a 128 MB isolate.
    const bomb = await compress(new Uint8Array(64 * 1024 * 1024), "gzip");
    const res = await postOtlp(body(bomb), { experimentId: exp, encoding: "gzip" });
    expect([res.status, res.body.detail]).toEqual([413, `Decompressed OTLP payload exceeds ${32 * 1024 * 1024} bytes`]);
  });

  it("takes traces into a deleted experiment, as MLflow's OTLP path does", async () => {
    const exp = await newExperiment();
    await api.post("/experiments/delete", { experiment_id: exp });
    const t = traceHex();
    expect((await postOtlp(body(protobufBody([root(t)])), { experimentId: exp })).status).toBe(200);
  });

  it("is idempotent under retries and widens the trace as later batches arrive", async () => {
    const exp = await newExperiment();
    const t = traceHex();
    const first = body(protobufBody([child(t, 1), child(t, 2, { attributes: { "session.id": "s-1", "user.id": "u-1" } })]));
    for (let i = 0; i < 2; i++) expect((await postOtlp(first, { experimentId: exp })).status).toBe(200);
    let trace = await traceOf(t);
    expect(trace.trace_info.state).toBe("IN_PROGRESS");
    expect(trace.trace_info.trace_metadata).toMatchObject({ "mlflow.trace.session": "s-1", "mlflow.trace.user": "u-1" });
    const last = body(protobufBody([root(t, { startNs: 1_699_999_999_000_000_000n, endNs: 1_700_000_002_000_000_000n, attributes: { "mlflow.traceTag.team": '"a"', "mlflow.traceTag.mlflow.traceName": '"named"' } })]));
    for (let i = 0; i < 2; i++) expect((await postOtlp(last, { experimentId: exp })).status).toBe(200);
    trace = await traceOf(t);
    expect(trace.spans.map((s: any) => s.name)).toEqual(["root", "child-1", "child-2"]);
    expect(trace.trace_info).toMatchObject({ state: "OK", request_time: "2023-11-14T22:13:19Z", execution_duration: "3s" });
    expect(trace.trace_info.tags).toMatchObject({ team: "a", "mlflow.traceName": "named" });
  });

  it("sums token usage over the span tree across batches without double counting", async () => {
    const exp = await newExperiment();
    const t = traceHex();
    const usage = (n: number) => ({ "mlflow.chat.tokenUsage": `{"input_tokens": ${n}, "output_tokens": 1, "total_tokens": ${n + 1}}` });
    expect((await postOtlp(body(protobufBody([child(t, 1, { attributes: usage(10) }), child(t, 2, { attributes: usage(20) })])), { experimentId: exp })).status).toBe(200);
    expect((await postOtlp(body(protobufBody([root(t)])), { experimentId: exp })).status).toBe(200);
    const info = (await v3.get(`/traces/tr-${t}`)).body.trace.trace_info;
    expect(info.trace_metadata["mlflow.trace.tokenUsage"]).toBe('{"input_tokens": 30, "output_tokens": 2, "total_tokens": 32}');
  });

  it("costs one database round trip for new traces and two when some exist, whatever the batch holds", async () => {
    const exp = await newExperiment();
    const spans: SpanSpec[] = [];
    for (let i = 0; i < 20; i++) {
      const t = traceHex();
      spans.push(root(t, { attributes: { "mlflow.spanInputs": '{"i": 1}' } }));
      for (let j = 0; j < 10; j++) spans.push(child(t, j, { attributes: { "mlflow.chat.tokenUsage": '{"input_tokens": 1, "output_tokens": 1, "total_tokens": 2}' } }));
    }
    const res = await postOtlp(body(protobufBody(spans)), { experimentId: exp });
    expect(res.status, res.text).toBe(200);
    expect(res.roundTrips).toBe(1);
    const again = await postOtlp(body(protobufBody(spans)), { experimentId: exp });
    expect([again.status, again.roundTrips]).toEqual([200, 2]);
    const mixed = await postOtlp(body(protobufBody([spans[0]!, root(traceHex())])), { experimentId: exp });
    expect([mixed.status, mixed.roundTrips]).toEqual([200, 2]);
  });
});
