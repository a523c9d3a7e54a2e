// The v3 and v2 trace APIs: start_trace in both arrival orders with OTLP, idempotent retries,
// reads, search, tags, deletion, links, the traces.json artifact and MLflow's errors.
import { describe, expect, it } from "vitest";
import { api, call, newExperiment, newRun } from "./helpers";
import { postOtlp, protobufBody, traceHex, v3, type SpanSpec } from "./traces-helpers";

const root = (t: string, extra: Partial<SpanSpec> = {}): SpanSpec => ({
  traceHex: t, spanHex: "00000000000000a1", name: "root", attributes: { "mlflow.spanInputs": '{"q": "spans"}' }, ...extra,
});
const body = (b: Uint8Array) => b as Uint8Array<ArrayBuffer>;

function startBody(exp: string, t: string, extra: Record<string, unknown> = {}) {
  return {
    trace: {
      trace_info: {
        trace_id: `tr-${t}`,
        trace_location: { type: "MLFLOW_EXPERIMENT", mlflow_experiment: { experiment_id: exp } },
        request_preview: '{"q": "client"}',
        request_time: "2023-11-14T22:13:20.250Z",
        execution_duration: "1.250s",
        state: "OK",
        trace_metadata: { "mlflow.trace_schema.version": "3", "mlflow.trace.sizeStats": '{"num_spans": 1}', "mlflow.trace.tokenUsage": '{"input_tokens": 5, "output_tokens": 2, "total_tokens": 7}' },
        tags: { "mlflow.traceName": "my-trace", team: "a", "mlflow.artifactLocation": "s3://forged" },
        ...extra,
      },
      spans: [],
    },
  };
}

describe("start_trace and OTLP", () => {
  it("start_trace first: the client is told to upload traces.json; spans arriving later switch the trace to the tracking store", async () => {
    const exp = await newExperiment();
    const t = traceHex();
    const started = await v3.post("/traces", startBody(exp, t));
    expect(started.status, started.text).toBe(200);
    const info = started.body.trace.trace_info;
    expect(info).toMatchObject({ trace_id: `tr-${t}`, request_time: "2023-11-14T22:13:20.250Z", execution_duration: "1.250s", state: "OK", request_preview: '{"q": "client"}' });
    expect(info.tags).toEqual({ "mlflow.traceName": "my-trace", team: "a", "mlflow.artifactLocation": `mlflow-artifacts:/${exp}/traces/tr-${t}/artifacts` });
    expect(info.trace_metadata).toMatchObject({ "mlflow.trace.infoFinalized": "true", "mlflow.trace.tokenUsage": '{"input_tokens": 5, "output_tokens": 2, "total_tokens": 7}' });
    expect((await postOtlp(body(protobufBody([root(t)])), { experimentId: exp })).status).toBe(200);
    const after = (await v3.get(`/traces/tr-${t}`)).body.trace.trace_info;
    expect(after.tags["mlflow.trace.spansLocation"]).toBe("TRACKING_STORE");
    // As in MLflow, the finalized marker only shields traces whose spans carry usage, cost or a
    // session, so a root span that started earlier widens the times; the preview stays.
    expect(after).toMatchObject({ request_time: "2023-11-14T22:13:20Z", execution_duration: "1.500s", request_preview: '{"q": "client"}' });
    expect((await v3.post("/traces", startBody(exp, t))).body.trace.trace_info.tags["mlflow.trace.spansLocation"]).toBe("TRACKING_STORE");
  });

  it("spans first: start_trace completes the trace and reports the spans' location", async () => {
    const exp = await newExperiment();
    const t = traceHex();
    expect((await postOtlp(body(protobufBody([root(t)])), { experimentId: exp })).status).toBe(200);
    const started = await v3.post("/traces", startBody(exp, t));
    expect(started.status, started.text).toBe(200);
    expect(started.body.trace.trace_info).toMatchObject({ request_time: "2023-11-14T22:13:20.250Z", execution_duration: "1.250s", request_preview: '{"q": "client"}' });
    expect(started.body.trace.trace_info.tags["mlflow.trace.spansLocation"]).toBe("TRACKING_STORE");
    const got = await v3.get("/traces/get", { trace_id: `tr-${t}` });
    expect([got.status, got.body.trace.spans.length]).toEqual([200, 1]);
  });

  it("ends in the same trace when start_trace and span batches race each other", async () => {
    const exp = await newExperiment();
    for (let round = 0; round < 4; round++) {
      const t = traceHex();
      const child = (n: number): SpanSpec => ({ traceHex: t, spanHex: (0xb0 + n).toString(16).padStart(16, "0"), parentHex: "00000000000000a1", name: `c${n}`,
        attributes: { "mlflow.chat.tokenUsage": '{"input_tokens": 1, "output_tokens": 1, "total_tokens": 2}' } });
      const results = await Promise.all([
        v3.post("/traces", startBody(exp, t, { trace_metadata: { "mlflow.trace.sizeStats": '{"num_spans": 4}' } })),
        postOtlp(body(protobufBody([child(1), child(2)])), { experimentId: exp }),
        postOtlp(body(protobufBody([child(3)])), { experimentId: exp }),
        postOtlp(body(protobufBody([root(t)])), { experimentId: exp }),
      ]);
      expect(results.map((r) => r.status), results.map((r) => r.text).join("\n")).toEqual([200, 200, 200, 200]);
      const trace = (await v3.get("/traces/get", { trace_id: `tr-${t}` })).body.trace;
      expect(trace.spans.map((x: any) => x.name).sort()).toEqual(["c1", "c2", "c3", "root"]);
      expect(trace.trace_info.tags["mlflow.trace.spansLocation"]).toBe("TRACKING_STORE");
      expect(trace.trace_info.trace_metadata["mlflow.trace.infoFinalized"]).toBe("true");
      expect(trace.trace_info.trace_metadata["mlflow.trace.tokenUsage"]).toBeDefined();
    }
  });

  it("refuses values that do not fit MLflow's columns, writing nothing", async () => {
    const exp = await newExperiment();
    const t = traceHex();
    const res = await postOtlp(body(protobufBody([root(t, { attributes: { "mlflow.spanType": JSON.stringify("x".repeat(600)) } })])), { experimentId: exp });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect((await v3.get(`/traces/tr-${t}`)).status).toBe(404);
    const longSession = await postOtlp(body(protobufBody([root(t, { attributes: { "session.id": "s".repeat(251) } })])), { experimentId: exp });
    expect([longSession.status, longSession.body.message]).toEqual([400, "'Session ID' exceeds the maximum length of 250 characters"]);
  });

  it("answers MLflow's errors for start_trace", async () => {
    const exp = await newExperiment();
    const missing = await v3.post("/traces", startBody("987654321", traceHex()));
    expect([missing.status, missing.body.message]).toEqual([404, "No Experiment with id=987654321 exists"]);
    await api.post("/experiments/delete", { experiment_id: exp });
    const deleted = await v3.post("/traces", startBody(exp, traceHex()));
    expect([deleted.status, deleted.body.message]).toEqual([400, `The experiment ${exp} must be in the 'active' state. Current state is deleted.`]);
    const other = await newExperiment();
    const t = traceHex();
    expect((await v3.post("/traces", startBody(other, t))).status).toBe(200);
    const foreign = await v3.post("/traces", startBody(await newExperiment(), t));
    expect([foreign.status, foreign.body.message]).toEqual([400, `Trace with ID 'tr-${t}' already exists in another experiment.`]);
    const badId = await v3.post("/traces", startBody(other, "x", { trace_id: "tr-a/b" }));
    expect(badId.status).toBe(400);
    const noTrace = await v3.post("/traces", {});
    expect([noTrace.status, noTrace.body.error_code]).toEqual([400, "INVALID_PARAMETER_VALUE"]);
  });
});

describe("reads", () => {
  it("get waits for announced spans, then gives up with MLflow's 404; allow_partial answers at once", async () => {
    const exp = await newExperiment();
    const t = traceHex();
    await v3.post("/traces", startBody(exp, t, { trace_metadata: { "mlflow.trace.sizeStats": '{"num_spans": 2}' } }));
    expect((await postOtlp(body(protobufBody([root(t)])), { experimentId: exp })).status).toBe(200);
    expect((await v3.get("/traces/get", { trace_id: `tr-${t}`, allow_partial: "true" })).body.trace.spans).toHaveLength(1);
    const incomplete = await v3.get("/traces/get", { trace_id: `tr-${t}` });
    expect([incomplete.status, incomplete.body.message]).toEqual([404, `Trace with ID tr-${t} is not fully exported yet, please try again later.`]);
    expect((await v3.get("/traces/batchGet", { trace_ids: [`tr-${t}`] })).body).toEqual({ traces: [] });
    const unknown = await v3.get("/traces/get", { trace_id: "tr-unknown" });
    expect([unknown.status, unknown.body.message]).toEqual([404, "Trace with ID tr-unknown is not found."]);
    expect((await v3.get("/traces/tr-unknown")).body.message).toBe("Trace with ID 'tr-unknown' not found.");
    expect((await v3.get("/traces/get", { trace_id: `tr-${t}`, allow_partial: "maybe" })).status).toBe(400);
  });

  it("batchGet and batchGetInfos keep the request's order, skip unknown ids, and serve traces.json", async () => {
    const exp = await newExperiment();
    const [a, b] = [traceHex(), traceHex()];
    for (const t of [a, b]) expect((await postOtlp(body(protobufBody([root(t, { name: t })])), { experimentId: exp })).status).toBe(200);
    const batch = await v3.get("/traces/batchGet", { trace_ids: [`tr-${b}`, "tr-nope", `tr-${a}`] });
    expect(batch.body.traces.map((x: any) => x.spans[0].name)).toEqual([b, a]);
    const infos = await v3.post("/traces/batchGetInfos", { trace_ids: [`tr-${b}`, `tr-${a}`, "tr-nope"] });
    expect(infos.body.trace_infos.map((x: any) => x.trace_id)).toEqual([`tr-${b}`, `tr-${a}`]);
    const file = await call("GET", `/ajax-api/2.0/mlflow/get-trace-artifact?request_id=tr-${a}`);
    expect(file.headers.get("content-disposition")).toBe("attachment; filename=traces.json");
    expect(JSON.parse(file.text).spans[0].name).toBe(a);
    expect(file.text.startsWith('{"spans":[{"trace_id": "')).toBe(true); // the stored JSON, verbatim
    expect((await call("GET", "/ajax-api/2.0/mlflow/get-trace-artifact")).body.error_code).toBe("BAD_REQUEST");
  });
});

describe("search, tags, deletion, links", () => {
  it("searches with MLflow's filters, order and page tokens", async () => {
    const exp = await newExperiment();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const t = traceHex();
      ids.push(`tr-${t}`);
      const span = root(t, { name: `s${i}`, startNs: BigInt(1_700_000_000_000 + i * 1000) * 1_000_000n, endNs: BigInt(1_700_000_000_000 + i * 1000 + 10) * 1_000_000n, status: i === 4 ? 2 : 1 });
      span.attributes = { "mlflow.spanType": i % 2 ? '"TOOL"' : '"CHAIN"', "mlflow.traceTag.parity": i % 2 ? '"odd"' : '"even"' };
      expect((await postOtlp(body(protobufBody([span])), { experimentId: exp })).status).toBe(200);
    }
    const search = (body: Record<string, unknown>) => v3.post("/traces/search", { locations: [{ type: "MLFLOW_EXPERIMENT", mlflow_experiment: { experiment_id: exp } }], ...body });
    const names = (res: any) => (res.body.traces ?? []).map((x: any) => ids.indexOf(x.trace_id));
    expect(names(await search({}))).toEqual([4, 3, 2, 1, 0]);
    expect(names(await search({ filter: "tags.parity = 'odd'", order_by: ["timestamp_ms ASC"] }))).toEqual([1, 3]);
    expect(names(await search({ filter: "span.type = 'TOOL' AND span.name = 's3'" }))).toEqual([3]);
    expect(names(await search({ filter: "trace.status = 'ERROR'" }))).toEqual([4]);
    expect(names(await search({ filter: "timestamp_ms >= 1700000002000", order_by: ["tags.parity DESC", "timestamp ASC"] }))).toEqual([3, 2, 4]);
    const first = await search({ max_results: 2 });
    expect(first.body.next_page_token).toBe("eyJvZmZzZXQiOiAyfQ==");
    const second = await search({ max_results: 2, page_token: first.body.next_page_token });
    expect(names(second)).toEqual([2, 1]);
    const bad = await search({ filter: "trace.status > 'OK'" });
    expect([bad.status, bad.body.error_code]).toEqual([400, "INVALID_PARAMETER_VALUE"]);
    expect((await search({ max_results: 501 })).status).toBe(400);
    expect((await v3.post("/traces/search", {})).status).toBe(400);
    const v2 = await api.get("/traces", { experiment_ids: [exp], filter: "trace.status = 'ERROR'" });
    expect(v2.body.traces).toEqual([expect.objectContaining({ request_id: ids[4], experiment_id: exp, status: "ERROR", timestamp_ms: 1_700_000_004_000, execution_time_ms: 10 })]);
  });

  it("orders by execution time with NULLs last both ways, and finds a run's traces by link or by sourceRun metadata", async () => {
    const exp = await newExperiment();
    const run = await newRun(exp);
    const [slow, fast, open, inRun, other] = [traceHex(), traceHex(), traceHex(), traceHex(), traceHex()];
    expect((await v3.post("/traces", startBody(exp, slow, { execution_duration: "9s" }))).status).toBe(200);
    expect((await v3.post("/traces", startBody(exp, fast, { execution_duration: "0.5s" }))).status).toBe(200);
    const { execution_duration: _, ...noDuration } = startBody(exp, open, { state: "IN_PROGRESS" }).trace.trace_info;
    expect((await v3.post("/traces", { trace: { trace_info: noDuration, spans: [] } })).status).toBe(200);
    const sourceRun = { "mlflow.trace_schema.version": "3", "mlflow.sourceRun": run };
    expect((await v3.post("/traces", startBody(exp, inRun, { trace_metadata: sourceRun }))).status).toBe(200);
    expect((await v3.post("/traces", startBody(exp, other, { trace_metadata: { ...sourceRun, "mlflow.sourceRun": "another-run" } }))).status).toBe(200);
    expect((await api.post("/traces/link-to-run", { trace_ids: [`tr-${fast}`], run_id: run })).status).toBe(200);
    const search = async (body: Record<string, unknown>) =>
      ((await v3.post("/traces/search", { locations: [{ mlflow_experiment: { experiment_id: exp } }], ...body })).body.traces ?? []).map((x: any) => x.trace_id.slice(3));
    const byDuration = await search({ order_by: ["execution_time_ms DESC"] });
    expect(byDuration[0]).toBe(slow);
    expect(byDuration.at(-1)).toBe(open);
    const ascending = await search({ order_by: ["execution_time_ms ASC"] });
    expect(ascending[0]).toBe(fast);
    expect(ascending.at(-1)).toBe(open);
    expect((await search({ filter: `run_id = '${run}'` })).sort()).toEqual([fast, inRun].sort());
    expect(await search({ filter: `run_id = '${run}' AND trace.status = 'OK'`, order_by: ["execution_time_ms DESC"] })).toEqual([inRun, fast]);
  });

  it("sets and deletes tags, refuses system tags, deletes and links traces", async () => {
    const exp = await newExperiment();
    const [a, b, c] = [traceHex(), traceHex(), traceHex()];
    for (const t of [a, b, c]) expect((await postOtlp(body(protobufBody([root(t)])), { experimentId: exp })).status).toBe(200);
    expect((await api.patch(`/traces/tr-${a}/tags`, { key: "k", value: "v" })).status).toBe(200);
    expect((await v3.patch(`/traces/tr-${a}/tags`, { key: "mlflow.traceName", value: "renamed" })).status).toBe(200);
    let info = (await v3.get(`/traces/tr-${a}`)).body.trace.trace_info;
    expect(info.tags).toMatchObject({ k: "v", "mlflow.traceName": "renamed" });
    const immutable = await api.patch(`/traces/tr-${a}/tags`, { key: "mlflow.artifactLocation", value: "x" });
    expect([immutable.status, immutable.body.message]).toEqual([400, "Tag 'mlflow.artifactLocation' is immutable and cannot be set on a trace."]);
    expect((await api.del(`/traces/tr-${a}/tags`, { key: "k" })).status).toBe(200);
    const gone = await api.del(`/traces/tr-${a}/tags`, { key: "k" });
    expect([gone.status, gone.body.message]).toEqual([404, `No trace tag with key 'k' for trace with ID 'tr-${a}'`]);
    info = (await v3.get(`/traces/tr-${a}`)).body.trace.trace_info;
    expect(info.tags.k).toBeUndefined();

    const run = await newRun(exp);
    expect((await api.post("/traces/link-to-run", { trace_ids: [`tr-${b}`], run_id: run })).status).toBe(200);
    expect((await api.post("/traces/link-to-run", { trace_ids: [`tr-${b}`], run_id: run })).status).toBe(200); // idempotent
    const byRun = await v3.post("/traces/search", { locations: [{ mlflow_experiment: { experiment_id: exp } }], filter: `run_id = '${run}'` });
    expect(byRun.body.traces.map((x: any) => x.trace_id)).toEqual([`tr-${b}`]);
    const tooMany = await api.post("/traces/link-to-run", { trace_ids: Array.from({ length: 101 }, (_, i) => `tr-${i}`), run_id: run });
    expect([tooMany.status, tooMany.body.message]).toEqual([400, "Cannot link more than 100 traces to a run in a single request. Provided 101 traces."]);
    expect((await api.post("/traces/link-prompts", { trace_id: `tr-${b}`, prompt_versions: [{ name: "qa", version: "3" }] })).status).toBe(200);
    const byPrompt = await v3.post("/traces/search", { locations: [{ mlflow_experiment: { experiment_id: exp } }], filter: "prompt = 'qa/3'" });
    expect(byPrompt.body.traces.map((x: any) => x.trace_id)).toEqual([`tr-${b}`]);
    expect((await api.post("/traces/link-prompts", { trace_id: "tr-nope", prompt_versions: [{ name: "qa", version: "1" }] })).status).toBe(404);

    const both = await api.post("/traces/delete-traces", { experiment_id: exp, max_timestamp_millis: 1, request_ids: [`tr-${a}`] });
    expect([both.status, both.body.message]).toEqual([400, "Only one of `max_timestamp_millis` and `trace_ids` can be specified."]);
    expect((await api.post("/traces/delete-traces", { experiment_id: exp, request_ids: [`tr-${a}`] })).body).toEqual({ traces_deleted: 1 });
    expect((await v3.post("/traces/delete-traces", { experiment_id: exp, max_timestamp_millis: 1_800_000_000_000, max_traces: 1 })).body).toEqual({ traces_deleted: 1 });
    expect((await api.post("/traces/delete-traces", { experiment_id: exp, max_timestamp_millis: 1_800_000_000_000 })).body).toEqual({ traces_deleted: 1 });
    expect((await v3.get(`/traces/tr-${c}`)).status).toBe(404);
  });
});

describe("the v2 API of 2.x clients", () => {
  it("starts, ends and reads a trace with v2 TraceInfo", async () => {
    const exp = await newExperiment();
    const started = await api.post("/traces", { experiment_id: exp, timestamp_ms: 1_700_000_000_000, request_metadata: [{ key: "m", value: "1" }], tags: [{ key: "mlflow.traceName", value: "v2" }] });
    expect(started.status, started.text).toBe(200);
    const id = started.body.trace_info.request_id;
    expect(started.body.trace_info).toMatchObject({ experiment_id: exp, timestamp_ms: 1_700_000_000_000, execution_time_ms: 0, status: "IN_PROGRESS" });
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    const ended = await api.patch(`/traces/${id}`, { timestamp_ms: 1_700_000_000_750, status: "OK", tags: [{ key: "t", value: "x" }, { key: "mlflow.artifactLocation", value: "dropped" }] });
    expect(ended.status, ended.text).toBe(200);
    expect(ended.body.trace_info).toMatchObject({ execution_time_ms: 750, status: "OK" });
    const got = await api.get(`/traces/${id}/info`);
    expect(got.body.trace_info.tags).toEqual(expect.arrayContaining([{ key: "t", value: "x" }, { key: "mlflow.traceName", value: "v2" }, { key: "mlflow.artifactLocation", value: `mlflow-artifacts:/${exp}/traces/${id}/artifacts` }]));
    expect((await api.patch("/traces/nope", { timestamp_ms: 1, status: "OK" })).status).toBe(404);
  });
});
