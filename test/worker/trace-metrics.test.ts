// Trace analytics: `traces/metrics` (QueryTraceMetrics) and `traces/calculate-filter-correlation`
// over traces, spans and assessments seeded through the API, MLflow 3.18's validation errors, empty
// and unreadable experiments. test/python/test_trace_metrics_differential.py compares the same RPCs
// with the reference server.
import { beforeAll, describe, expect, it } from "vitest";
import { call, newExperiment } from "./helpers";
import { ADMIN, authEnv, basic, client, ok, unique } from "./auth-helpers";
import { postOtlp, protobufBody, traceHex, v3 } from "./traces-helpers";

const location = (exp: string) => ({ type: "MLFLOW_EXPERIMENT", mlflow_experiment: { experiment_id: exp } });
const NS = 1_000_000_000n;
const T0 = 1_700_000_000n; // 2023-11-14T22:13:20Z

interface Seeded {
  exp: string;
  traces: string[];
}

async function startTrace(exp: string, hex: string, info: Record<string, unknown>) {
  const res = await v3.post("/traces", { trace: { trace_info: { trace_id: `tr-${hex}`, trace_location: location(exp), ...info } } });
  expect(res.status, res.text).toBe(200);
}

/** Three traces (two named alpha, one beta; one ERROR), four spans, three feedbacks. */
async function seed(): Promise<Seeded> {
  const exp = await newExperiment();
  const [a, b, c] = [traceHex(), traceHex(), traceHex()];
  await startTrace(exp, a, { request_time: "2023-11-14T22:13:20Z", execution_duration: "2s", state: "OK", tags: { "mlflow.traceName": "alpha", team: "x" },
    trace_metadata: { "mlflow.trace.session": "s1", "mlflow.trace.tokenUsage": '{"input_tokens": 2, "output_tokens": 3, "total_tokens": 5}' } });
  await startTrace(exp, b, { request_time: "2023-11-14T22:13:50Z", execution_duration: "1s", state: "ERROR", tags: { "mlflow.traceName": "alpha" },
    trace_metadata: { "mlflow.trace.session": "s1", "mlflow.trace.tokenUsage": '{"input_tokens": 10, "output_tokens": 1, "total_tokens": 11}' } });
  await startTrace(exp, c, { request_time: "2023-11-14T22:15:05Z", execution_duration: "4s", state: "OK", tags: { "mlflow.traceName": "beta", team: "x" } });
  const llm = (hex: string, span: string, startNs: bigint, endNs: bigint, cost: number) => ({
    traceHex: hex, spanHex: span, name: "llm", startNs, endNs,
    attributes: { "mlflow.spanType": '"LLM"', "mlflow.llm.model": '"gpt-4o"', "mlflow.llm.provider": '"openai"', "mlflow.llm.cost": JSON.stringify({ input_cost: cost, output_cost: cost, total_cost: 2 * cost }) },
  });
  const otlp = await postOtlp(protobufBody([
    { traceHex: a, spanHex: "00000000000000a1", name: "root", startNs: T0 * NS, endNs: (T0 + 2n) * NS, attributes: { "mlflow.spanType": '"CHAIN"' } },
    { ...llm(a, "00000000000000a2", T0 * NS, T0 * NS + 500_000_000n, 0.25), parentHex: "00000000000000a1" },
    { ...llm(b, "00000000000000b1", (T0 + 30n) * NS, (T0 + 31n) * NS, 0.5), status: 2 },
    llm(c, "00000000000000c1", (T0 + 105n) * NS, (T0 + 109n) * NS, 1),
  ]) as Uint8Array<ArrayBuffer>, { experimentId: exp });
  expect(otlp.status, otlp.text).toBe(200);
  for (const [hex, value] of [[a, 4], [b, 2], [c, 5]] as const) {
    const res = await v3.post(`/traces/tr-${hex}/assessments`, { assessment: { assessment_name: "quality", source: { source_type: "HUMAN", source_id: "u" }, feedback: { value } } });
    expect(res.status, res.text).toBe(200);
  }
  return { exp, traces: [a, b, c] };
}

const metrics = (exp: string | string[], view: string, metric: string, aggregations: unknown[], extra: Record<string, unknown> = {}) =>
  v3.post("/traces/metrics", { experiment_ids: Array.isArray(exp) ? exp : [exp], view_type: view, metric_name: metric, aggregations, ...extra });
const COUNT = [{ aggregation_type: "COUNT" }];

describe("traces/metrics", () => {
  let s: Seeded;
  beforeAll(async () => {
    s = await seed();
  });

  it("counts traces, by name and status, in one database round trip", async () => {
    const all = await metrics(s.exp, "TRACES", "trace_count", COUNT);
    expect([all.status, all.body, all.roundTrips]).toEqual([200, { data_points: [{ metric_name: "trace_count", values: { COUNT: 3 } }] }, 1]);
    const byName = await metrics(s.exp, "TRACES", "trace_count", COUNT, { dimensions: ["trace_status", "trace_name"] });
    expect(byName.body.data_points).toEqual([
      { metric_name: "trace_count", dimensions: { trace_status: "ERROR", trace_name: "alpha" }, values: { COUNT: 1 } },
      { metric_name: "trace_count", dimensions: { trace_status: "OK", trace_name: "alpha" }, values: { COUNT: 1 } },
      { metric_name: "trace_count", dimensions: { trace_status: "OK", trace_name: "beta" }, values: { COUNT: 1 } },
    ]);
  });

  it("latency percentiles are interpolated by Postgres; labels are MLflow's (P50.0, P99.9)", async () => {
    const res = await metrics(s.exp, "TRACES", "latency", [
      { aggregation_type: "AVG" }, { aggregation_type: "MIN" }, { aggregation_type: "MAX" },
      { aggregation_type: "PERCENTILE", percentile_value: 50 }, { aggregation_type: "PERCENTILE", percentile_value: 99.9 },
    ]);
    const values = res.body.data_points[0].values;
    expect(Object.keys(values)).toEqual(["AVG", "MIN", "MAX", "P50.0", "P99.9"]);
    expect(values).toMatchObject({ AVG: 7000 / 3, MIN: 1000, MAX: 4000, "P50.0": 2000 });
    // Sorted 1000, 2000, 4000: 99.9 % lies 0.998 of the way from 2000 to 4000.
    expect(values["P99.9"]).toBeCloseTo(3996, 9);
  });

  it("time buckets are ISO times in UTC, within the requested range; a time interval needs both bounds", async () => {
    const range = { start_time_ms: 1_699_999_000_000, end_time_ms: 1_700_001_000_000 };
    const res = await metrics(s.exp, "TRACES", "input_tokens", [{ aggregation_type: "SUM" }], { time_interval_seconds: 60, ...range });
    expect(res.body.data_points).toEqual([{ metric_name: "input_tokens", dimensions: { time_bucket: "2023-11-14T22:13:00+00:00" }, values: { SUM: 12 } }]);
    const narrow = await metrics(s.exp, "TRACES", "trace_count", COUNT, { start_time_ms: 1_700_000_001_000, end_time_ms: 1_700_000_050_000 });
    expect(narrow.body.data_points[0].values).toEqual({ COUNT: 1 });
    const noBounds = await metrics(s.exp, "TRACES", "trace_count", COUNT, { time_interval_seconds: 60 });
    expect([noBounds.status, noBounds.body.message]).toEqual([400, "start_time_ms and end_time_ms are required if time_interval_seconds is set"]);
  });

  it("sessions, spans by type and model, span costs, assessment values", async () => {
    expect((await metrics(s.exp, "TRACES", "session_count", COUNT)).body.data_points[0].values).toEqual({ COUNT: 1 });
    const byType = await metrics(s.exp, "SPANS", "span_count", COUNT, { dimensions: ["span_type"] });
    expect(byType.body.data_points.map((p: any) => [p.dimensions.span_type, p.values.COUNT])).toEqual([["CHAIN", 1], ["LLM", 3]]);
    const cost = await metrics(s.exp, "SPANS", "total_cost", [{ aggregation_type: "SUM" }], { dimensions: ["span_model_name"] });
    expect(cost.body.data_points).toEqual([{ metric_name: "total_cost", dimensions: { span_model_name: "gpt-4o" }, values: { SUM: 3.5 } }]);
    const errors = await metrics(s.exp, "SPANS", "latency", [{ aggregation_type: "MAX" }], { filters: ["span.status = 'ERROR'"] });
    expect(errors.body.data_points[0].values).toEqual({ MAX: 1000 });
    const quality = await metrics(s.exp, "ASSESSMENTS", "assessment_value", [{ aggregation_type: "AVG" }], { dimensions: ["assessment_name"], filters: ["trace.tag.mlflow.traceName = 'alpha'"] });
    expect(quality.body.data_points).toEqual([{ metric_name: "assessment_value", dimensions: { assessment_name: "quality" }, values: { AVG: 3 } }]);
  });

  it("trace filters: status, tags, session metadata; AND-ed", async () => {
    const res = await metrics(s.exp, "TRACES", "trace_count", COUNT, { filters: ["trace.status = 'OK'", "trace.tag.team = 'x'", "trace.metadata.mlflow.trace.session = 's1'"] });
    expect(res.body.data_points[0].values).toEqual({ COUNT: 1 });
  });

  it("an empty experiment: a count of 0, no other points; max_results caps the points; the ajax-api twin answers the same", async () => {
    const empty = await newExperiment();
    expect((await metrics(empty, "TRACES", "trace_count", COUNT)).body).toEqual({ data_points: [{ metric_name: "trace_count", values: { COUNT: 0 } }] });
    expect((await metrics(empty, "TRACES", "latency", [{ aggregation_type: "AVG" }])).body).toEqual({});
    expect((await metrics(s.exp, "TRACES", "trace_count", COUNT, { dimensions: ["trace_name"], max_results: 1 })).body.data_points).toHaveLength(1);
    const ajax = await call("POST", "/ajax-api/3.0/mlflow/traces/metrics", { experiment_ids: [s.exp], view_type: "TRACES", metric_name: "trace_count", aggregations: COUNT });
    expect(ajax.body).toEqual({ data_points: [{ metric_name: "trace_count", values: { COUNT: 3 } }] });
  });

  it.each([
    [{ experiment_ids: undefined }, "Missing value for required parameter 'experiment_ids'. See the API docs for more information about request parameters."],
    [{}, "Missing value for required parameter 'view_type'. See the API docs for more information about request parameters."],
    [{ view_type: "TRACES", metric_name: "nope", aggregations: COUNT }, "metric_name must be one of ['trace_count', 'session_count', 'latency', 'input_tokens', 'output_tokens', 'total_tokens', 'cache_read_input_tokens', 'cache_creation_input_tokens'], got 'nope'"],
    [{ view_type: "SPANS", metric_name: "latency", aggregations: [{ aggregation_type: "SUM" }, { aggregation_type: "COUNT" }] }, "Found invalid aggregation_type(s): ['COUNT', 'SUM']. Supported aggregation types: ['AVG', 'MAX', 'MIN', 'PERCENTILE']"],
    [{ view_type: "ASSESSMENTS", metric_name: "assessment_value", aggregations: [{ aggregation_type: "AVG" }], dimensions: ["assessment_value"] }, "Found invalid dimension(s): ['assessment_value']. Supported dimensions: ['assessment_name']"],
    [{ view_type: "TRACES", metric_name: "latency", aggregations: [{ aggregation_type: "PERCENTILE", percentile_value: 101 }] }, "Percentile value must be between 0 and 100, got 101.0"],
    [{ view_type: "TRACES", metric_name: "latency", aggregations: [{ aggregation_type: "AVG" }], filters: ["trace.status != 'OK'"] }, "Invalid comparator: '!=', only '=' operator is supported"],
    [{ view_type: "TRACES", metric_name: "latency", aggregations: [{ aggregation_type: "AVG" }], filters: ["span.name = 'x'"] }, "Filtering by span is only supported for SPANS view type, got TRACES"],
    [{ view_type: "TRACES", metric_name: "latency", aggregations: [{ aggregation_type: "AVG" }], filters: ["trace.tag = 'x'"] }, "Filtering by tag requires a key, e.g. 'trace.tag.<key> = <value>'"],
    [{ view_type: "TRACES", metric_name: "latency", aggregations: [{ aggregation_type: "AVG" }], filters: ["trace.status = 'a' AND trace.status = 'b'"] }, "Invalid clause(s) in filter string: AND"],
    [{ view_type: "TRACES", metric_name: "latency", aggregations: [{ aggregation_type: "AVG" }], experiment_ids: ["abc"] }, "Invalid experiment ID 'abc'. Experiment ID must be a valid integer."],
  ])("refuses %j with MLflow's message", async (body, message) => {
    const res = await v3.post("/traces/metrics", { experiment_ids: [s.exp], ...body });
    expect([res.status, res.body.error_code, res.body.message]).toEqual([400, "INVALID_PARAMETER_VALUE", message]);
    expect(res.roundTrips).toBe(0);
  });

  it("no aggregation and no group: MLflow's BAD_REQUEST; a negative max_results too", async () => {
    const none = await metrics(s.exp, "TRACES", "latency", []);
    expect([none.status, none.body.error_code, none.body.message]).toEqual([400, "BAD_REQUEST", "Query contains no columns with which to SELECT from."]);
    const negative = await metrics(s.exp, "TRACES", "latency", [{ aggregation_type: "AVG" }], { max_results: -1 });
    expect([negative.status, negative.body.error_code]).toEqual([400, "BAD_REQUEST"]);
  });
});

describe("traces/calculate-filter-correlation", () => {
  let s: Seeded;
  beforeAll(async () => {
    s = await seed();
  });
  const correlate = (body: Record<string, unknown>) => v3.post("/traces/calculate-filter-correlation", { experiment_ids: [s.exp], ...body });

  it("counts and NPMI of two filters in one round trip (MLflow's -1 when they never co-occur)", async () => {
    const res = await correlate({ filter_string1: "status = 'OK'", filter_string2: "status = 'ERROR'" });
    expect(res.roundTrips).toBe(1);
    expect(res.body).toMatchObject({ npmi: -1, filter1_count: 2, filter2_count: 1, joint_count: 0, total_count: 3 });
    // Smoothed: cells (0.5, 2.5, 1.5, 0.5), N = 5.
    const smoothed = (Math.log(0.5) + Math.log(5) - Math.log(3) - Math.log(2)) / -(Math.log(0.5) - Math.log(5));
    expect(res.body.npmi_smoothed).toBeCloseTo(smoothed, 12);
  });

  it("a base filter narrows the universe; a filter without support leaves npmi unset", async () => {
    const res = await correlate({ filter_string1: "name = 'alpha'", filter_string2: "span.status = 'ERROR'", base_filter: "timestamp_ms < 1700000100000" });
    expect(res.body).toEqual({ npmi: expect.any(Number), npmi_smoothed: expect.any(Number), filter1_count: 2, filter2_count: 1, joint_count: 1, total_count: 2 });
    // Cells (1, 1, 0, 0): P(1 and 2) = P(2), so PMI is log(1 / P(1)) / ... with P(1) = 1: zero.
    expect(res.body.npmi).toBeCloseTo(0, 12);
    const none = await correlate({ filter_string1: "name = 'alpha'", filter_string2: "name = 'nope'" });
    expect(none.body).toEqual({ filter1_count: 2, filter2_count: 0, joint_count: 0, total_count: 3 });
  });

  it("feedback filters; an empty experiment counts nothing", async () => {
    const res = await correlate({ filter_string1: "feedback.quality > 3", filter_string2: "name = 'beta'" });
    expect(res.body).toMatchObject({ filter1_count: 2, filter2_count: 1, joint_count: 1, total_count: 3 });
    const empty = await v3.post("/traces/calculate-filter-correlation", { experiment_ids: [await newExperiment()], filter_string1: "status = 'OK'", filter_string2: "name = 'x'" });
    expect(empty.body).toEqual({ filter1_count: 0, filter2_count: 0, joint_count: 0, total_count: 0 });
  });

  it.each([
    [{ filter_string1: "status = 'OK'" }, "Missing value for required parameter 'filter_string2'. See the API docs for more information about request parameters."],
    [{ filter_string1: "status = 'OK'", filter_string2: "nope = 'x'" }, "Invalid attribute key 'nope' specified."],
    [{ experiment_ids: ["abc"], filter_string1: "status = 'OK'", filter_string2: "nope = 'x'" }, "Invalid experiment ID 'abc'. Experiment ID must be a valid integer."],
  ])("refuses %j", async (body, message) => {
    const res = await correlate(body);
    expect([res.status, res.body.error_code]).toEqual([400, "INVALID_PARAMETER_VALUE"]);
    expect(res.body.message.startsWith(message)).toBe(true);
  });
});

describe("with auth on: another user's experiment", () => {
  const ENV = authEnv({ AUTH_DEFAULT_PERMISSION: "NO_PERMISSIONS" });
  const admin = client(ENV, basic(ADMIN.username, ADMIN.password));
  const T = "/api/3.0/mlflow/traces";

  async function user() {
    const name = unique("analyst");
    ok(await admin.post("/users/create", { username: name, password: "analyst-password" }));
    return { name, api: client(ENV, basic(name, "analyst-password")) };
  }

  it("counts only what the caller may read, and says nothing about the rest", async () => {
    const alice = await user();
    const bob = await user();
    const exp = ok(await alice.api.post("/experiments/create", { name: unique("exp") })).body.experiment_id as string;
    ok(await alice.api.raw("POST", T, { body: { trace: { trace_info: { trace_id: `tr-${traceHex()}`, trace_location: location(exp), request_time: "2024-01-01T00:00:00Z", state: "OK" } } } }));
    const body = { experiment_ids: [exp], view_type: "TRACES", metric_name: "trace_count", aggregations: COUNT };
    expect(ok(await alice.api.raw("POST", `${T}/metrics`, { body })).body.data_points[0].values).toEqual({ COUNT: 1 });
    expect(ok(await bob.api.raw("POST", `${T}/metrics`, { body })).body.data_points[0].values).toEqual({ COUNT: 0 });
    const corr = { experiment_ids: [exp], filter_string1: "status = 'OK'", filter_string2: "status = 'ERROR'" };
    expect(ok(await alice.api.raw("POST", `${T}/calculate-filter-correlation`, { body: corr })).body.total_count).toBe(1);
    expect(ok(await bob.api.raw("POST", `${T}/calculate-filter-correlation`, { body: corr })).body).toEqual({ filter1_count: 0, filter2_count: 0, joint_count: 0, total_count: 0 });
    ok(await alice.api.post("/experiments/permissions/create", { experiment_id: exp, username: bob.name, permission: "READ" }));
    expect(ok(await bob.api.raw("POST", `${T}/metrics`, { body })).body.data_points[0].values).toEqual({ COUNT: 1 });
  });
});
