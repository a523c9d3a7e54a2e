// Assessments on traces: create (feedback of every Value kind, expectations plain and serialized,
// issues, errors, sources, span and run ids, metadata), get, update with FieldMask semantics,
// overrides and validity, delete; their place in trace reads and searches; MLflow's errors for bad
// input with nothing written; and requests that try to reach another trace's assessments.
import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client";
import { loadConfig, type Env } from "../../src/env";
import { ADMIN, authEnv, basic, client, ok, unique } from "./auth-helpers";
import { call, newExperiment } from "./helpers";
import { traceHex, v3 } from "./traces-helpers";

async function newTrace(exp?: string): Promise<string> {
  const id = `tr-${traceHex()}`;
  const location = { type: "MLFLOW_EXPERIMENT", mlflow_experiment: { experiment_id: exp ?? (await newExperiment()) } };
  const res = await v3.post("/traces", { trace: { trace_info: { trace_id: id, trace_location: location, request_time: "2024-01-02T03:04:05.678Z", state: "OK" } } });
  if (res.status !== 200) throw new Error(res.text);
  return id;
}

const create = (traceId: string, assessment: Record<string, unknown>) => v3.post(`/traces/${traceId}/assessments`, { assessment });
const one = (traceId: string, id: string) => `/traces/${traceId}/assessments/${id}`;

/** The stored row, straight from the database (to compare with what MLflow's SQL store writes). */
async function storedRow(id: string): Promise<Record<string, unknown> | undefined> {
  const session = openDatabase(loadConfig(env as unknown as Env));
  try {
    const r = await session.db.execute(sql`select assessment_id, trace_id, name, assessment_type, value, error, created_timestamp::text as created,
      last_updated_timestamp::text as updated, source_type, source_id, run_id, span_id, rationale, overrides, valid, assessment_metadata,
      experiment_id::text as experiment_id, trace_timestamp_ms::text as trace_ts, aggregate_value, is_numeric_value from assessments where assessment_id = ${id}`);
    return r.rows[0] as Record<string, unknown> | undefined;
  } finally {
    await session.close();
  }
}

async function countFor(traceId: string): Promise<number> {
  const session = openDatabase(loadConfig(env as unknown as Env));
  try {
    const r = await session.db.execute(sql`select count(*)::int as n from assessments where trace_id = ${traceId}`);
    return Number((r.rows[0] as { n: number }).n);
  } finally {
    await session.close();
  }
}

describe("create and get", () => {
  it("stores feedback as MLflow's SQL store writes it, in one round trip, and answers the row", async () => {
    const exp = await newExperiment();
    const t = await newTrace(exp);
    const res = await create(t, {
      assessment_name: "quality",
      trace_id: "tr-ignored-the-path-wins",
      span_id: "00000000000000a1",
      source: { source_type: "HUMAN", source_id: "ann@example.com" },
      feedback: { value: 5 },
      rationale: "good",
      metadata: { "mlflow.assessment.sourceRunId": "0123456789abcdef0123456789abcdef", team: "x" },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.roundTrips).toBe(1);
    const a = res.body.assessment;
    expect(a).toMatchObject({
      assessment_name: "quality",
      trace_id: t,
      span_id: "00000000000000a1",
      source: { source_type: "HUMAN", source_id: "ann@example.com" },
      feedback: { value: 5 },
      rationale: "good",
      metadata: { "mlflow.assessment.sourceRunId": "0123456789abcdef0123456789abcdef", team: "x" },
      valid: true,
    });
    expect(a.assessment_id).toMatch(/^a-[0-9a-f]{32}$/);
    expect(a.create_time).toBe(a.last_update_time);
    const row = await storedRow(a.assessment_id);
    expect(row).toMatchObject({
      trace_id: t, name: "quality", assessment_type: "feedback", value: "5.0", error: null, source_type: "HUMAN", source_id: "ann@example.com",
      run_id: "0123456789abcdef0123456789abcdef", span_id: "00000000000000a1", rationale: "good", overrides: null, valid: true,
      assessment_metadata: '{"mlflow.assessment.sourceRunId": "0123456789abcdef0123456789abcdef", "team": "x"}',
      experiment_id: exp, trace_ts: String(Date.parse("2024-01-02T03:04:05.678Z")), aggregate_value: 5, is_numeric_value: true,
    });
    const got = await v3.get(one(t, a.assessment_id));
    expect([got.status, got.roundTrips]).toEqual([200, 1]);
    expect(got.body.assessment).toEqual(a);
  });

  it("keeps every google.protobuf.Value kind, numbers as doubles", async () => {
    const t = await newTrace();
    const cases: [unknown, string, number | null, boolean][] = [
      [1.5, "1.5", 1.5, true],
      ["yes", '"yes"', 1, false],
      ["ünï", '"\\u00fcn\\u00ef"', null, false],
      [true, "true", 1, false],
      [false, "false", 0, false],
      [null, "null", null, false],
      [[1, "a", null, { k: true }], '[1.0, "a", null, {"k": true}]', null, false],
      [{ b: 2, a: [3] }, '{"b": 2.0, "a": [3.0]}', null, false],
    ];
    for (const [value, stored, agg, numeric] of cases) {
      const res = await create(t, { assessment_name: "v", feedback: { value } });
      expect(res.status, res.text).toBe(200);
      expect(res.body.assessment.feedback).toEqual({ value });
      expect(await storedRow(res.body.assessment.assessment_id)).toMatchObject({ value: stored, aggregate_value: agg, is_numeric_value: numeric });
    }
    // No value at all is a feedback without a value (e.g. one that only reports an error).
    const empty = await create(t, { assessment_name: "v", feedback: { error: { error_code: "RATE_LIMIT", error_message: "slow down", stack_trace: "tb" } } });
    expect(empty.body.assessment.feedback).toEqual({ value: null, error: { error_code: "RATE_LIMIT", error_message: "slow down", stack_trace: "tb" } });
    expect(await storedRow(empty.body.assessment.assessment_id)).toMatchObject({
      value: "null", error: '{"error_code": "RATE_LIMIT", "error_message": "slow down", "stack_trace": "tb"}',
    });
  });

  it("stores expectations plain and serialized, and answers non-scalars serialized", async () => {
    const t = await newTrace();
    const plain = await create(t, { assessment_name: "expected", expectation: { value: "Paris" }, rationale: "dropped", overrides: "dropped" });
    expect(plain.body.assessment.expectation).toEqual({ value: "Paris" });
    expect(plain.body.assessment.rationale).toBeUndefined();
    expect(await storedRow(plain.body.assessment.assessment_id)).toMatchObject({ value: '"Paris"', rationale: null, overrides: null, source_type: "SOURCE_TYPE_UNSPECIFIED" });
    const serialized = await create(t, {
      assessment_name: "facts",
      source: { source_type: 3 },
      expectation: { serialized_value: { serialization_format: "JSON_FORMAT", value: '{"a": [1, 2.5], "b": null}' } },
    });
    expect(serialized.status, serialized.text).toBe(200);
    expect(serialized.body.assessment).toMatchObject({
      source: { source_type: "CODE" },
      expectation: { serialized_value: { serialization_format: "JSON_FORMAT", value: '{"a": [1, 2.5], "b": null}' } },
    });
    expect(await storedRow(serialized.body.assessment.assessment_id)).toMatchObject({ value: '{"a": [1, 2.5], "b": null}' });
    // A struct sent as a Value reads back serialized, its numbers as doubles.
    const struct = await create(t, { assessment_name: "facts", expectation: { value: { n: 1 } } });
    expect(struct.body.assessment.expectation).toEqual({ serialized_value: { serialization_format: "JSON_FORMAT", value: '{"n": 1.0}' } });
  });

  it("accepts lowerCamelCase field names, client-chosen ids and times, and issue references", async () => {
    const t = await newTrace();
    const res = await create(t, {
      assessmentId: "a-mine", assessmentName: "camel", spanId: "s1", source: { sourceType: "LLM_JUDGE", sourceId: "gpt" },
      createTime: "2024-05-06T07:08:09.100Z", lastUpdateTime: "2024-05-06T07:08:10Z", feedback: { value: 0.25 },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.assessment).toMatchObject({
      assessment_id: "a-mine", assessment_name: "camel", span_id: "s1", source: { source_type: "LLM_JUDGE", source_id: "gpt" },
      create_time: "2024-05-06T07:08:09.100Z", last_update_time: "2024-05-06T07:08:10Z",
    });
    const issue = await create(t, { assessment_name: "iss-1", issue: { issue_name: "hallucination" }, rationale: "kept" });
    expect(issue.body.assessment).toMatchObject({ assessment_name: "iss-1", issue: { issue_name: "hallucination" }, rationale: "kept" });
    expect(await storedRow(issue.body.assessment.assessment_id)).toMatchObject({ assessment_type: "issue", value: '{"issue_name": "hallucination"}' });
  });

  it("appears in trace reads and in feedback./expectation. filters of trace search", async () => {
    const exp = await newExperiment();
    const t = await newTrace(exp);
    const other = await newTrace(exp);
    await create(t, { assessment_name: "score", feedback: { value: 0.9 } });
    await create(t, { assessment_name: "answer", expectation: { value: "42" } });
    await create(other, { assessment_name: "score", feedback: { value: 0.1 } });
    const info = (await v3.get(`/traces/${t}`)).body.trace.trace_info;
    expect(info.assessments.map((a: { assessment_name: string }) => a.assessment_name).sort()).toEqual(["answer", "score"]);
    const search = async (filter: string) => {
      const r = await v3.post("/traces/search", { locations: [{ type: "MLFLOW_EXPERIMENT", mlflow_experiment: { experiment_id: exp } }], filter });
      expect(r.status, r.text).toBe(200);
      return (r.body.traces ?? []).map((x: { trace_id: string }) => x.trace_id);
    };
    expect(await search("feedback.score > 0.5")).toEqual([t]);
    expect(await search("expectation.answer = '42'")).toEqual([t]);
    expect((await search("feedback.score IS NOT NULL")).sort()).toEqual([t, other].sort());
  });
});

describe("overrides and delete", () => {
  it("an override invalidates its target; deleting the override makes the target valid again", async () => {
    const t = await newTrace();
    const original = (await create(t, { assessment_name: "q", source: { source_type: "LLM_JUDGE" }, feedback: { value: "no" } })).body.assessment;
    const override = await create(t, { assessment_name: "q", source: { source_type: "HUMAN" }, feedback: { value: "yes" }, overrides: original.assessment_id });
    expect(override.status, override.text).toBe(200);
    expect(override.body.assessment).toMatchObject({ overrides: original.assessment_id, valid: true });
    expect((await v3.get(one(t, original.assessment_id))).body.assessment.valid).toBe(false);
    const del = await v3.del(one(t, override.body.assessment.assessment_id));
    expect([del.status, del.body, del.roundTrips]).toEqual([200, {}, 1]);
    expect((await v3.get(one(t, original.assessment_id))).body.assessment.valid).toBe(true);
    expect((await v3.get(one(t, override.body.assessment.assessment_id))).status).toBe(404);
    // Deleting again, or on an unknown trace, is fine (idempotent, as in MLflow).
    expect((await v3.del(one(t, override.body.assessment.assessment_id))).status).toBe(200);
    expect((await v3.del(one("tr-unknown", "a-1"))).status).toBe(200);
  });

  it("an override of an assessment that is not on this trace is a 404 and writes nothing", async () => {
    const t = await newTrace();
    const elsewhere = await newTrace();
    const target = (await create(elsewhere, { assessment_name: "q", feedback: { value: 1 } })).body.assessment;
    const res = await create(t, { assessment_name: "q", feedback: { value: 2 }, overrides: target.assessment_id });
    expect([res.status, res.body.error_code, res.body.message]).toEqual([404, "RESOURCE_DOES_NOT_EXIST", `Assessment with ID '${target.assessment_id}' not found for trace '${t}'`]);
    expect(await countFor(t)).toBe(0);
    expect((await v3.get(one(elsewhere, target.assessment_id))).body.assessment.valid).toBe(true);
  });
});

describe("update", () => {
  it("applies only the FieldMask's paths, merges metadata and keeps source, span, validity and creation time", async () => {
    const t = await newTrace();
    const a = (await create(t, {
      assessment_name: "q", span_id: "s1", source: { source_type: "HUMAN", source_id: "u" }, feedback: { value: 1, error: { error_code: "E" } },
      rationale: "r0", metadata: { a: "1", b: "2" }, create_time: "2024-01-01T00:00:00Z", last_update_time: "2024-01-01T00:00:00Z",
    })).body.assessment;
    const res = await v3.patch(one(t, a.assessment_id), {
      assessment: { assessment_name: "renamed", feedback: { value: "yes" }, rationale: "r1", metadata: { b: "3", c: "4" }, span_id: "ignored", source: { source_type: "CODE" } },
      update_mask: "assessmentName,feedback,metadata,spanId,unknownPath",
    });
    expect(res.status, res.text).toBe(200);
    expect(res.roundTrips).toBe(2); // read, then write if unchanged
    const u = res.body.assessment;
    expect(u).toMatchObject({
      assessment_id: a.assessment_id, assessment_name: "renamed", span_id: "s1", source: { source_type: "HUMAN", source_id: "u" },
      feedback: { value: "yes" }, rationale: "r0", metadata: { a: "1", b: "3", c: "4" }, create_time: "2024-01-01T00:00:00Z", valid: true,
    });
    expect(u.feedback.error).toBeUndefined();
    expect(u.last_update_time).not.toBe("2024-01-01T00:00:00Z");
    expect(await storedRow(a.assessment_id)).toMatchObject({ value: '"yes"', error: null, aggregate_value: 1, is_numeric_value: false, assessment_metadata: '{"a": "1", "b": "3", "c": "4"}' });
    // An empty rationale is set as given (and printed: the field is proto2).
    const cleared = await v3.patch(one(t, a.assessment_id), { assessment: {}, update_mask: "rationale" });
    expect(cleared.body.assessment.rationale).toBe("");
  });

  it("concurrent metadata updates of one assessment: each is acknowledged and none is lost", async () => {
    const t = await newTrace();
    const a = (await create(t, { assessment_name: "q", source: { source_type: "HUMAN", source_id: "u" }, feedback: { value: 1 } })).body.assessment;
    const keys = ["k0", "k1", "k2", "k3"];
    const answers = await Promise.all(keys.map((k) => v3.patch(one(t, a.assessment_id), { assessment: { metadata: { [k]: k } }, update_mask: "metadata" })));
    // Each update merges into what it read and writes only if the row is still that: a writer that
    // lost the race reads again. A 503 (too much contention) would be retried by the client.
    const acknowledged = keys.filter((_, i) => answers[i]!.status === 200);
    for (const res of answers) expect([200, 503], res.text).toContain(res.status);
    expect(acknowledged.length).toBeGreaterThan(0);
    const stored = JSON.parse((await storedRow(a.assessment_id))!.assessment_metadata as string) as Record<string, string>;
    for (const k of acknowledged) expect(stored[k], `acknowledged ${k} lost`).toBe(k);
  });

  it("updates an expectation's value; its rationale is dropped as MLflow's rebuilt entity drops it", async () => {
    const t = await newTrace();
    const e = (await create(t, { assessment_name: "exp", expectation: { value: "a" } })).body.assessment;
    const res = await v3.patch(one(t, e.assessment_id), { assessment: { expectation: { serialized_value: { serialization_format: "JSON_FORMAT", value: "[1, 2]" } } }, update_mask: "expectation" });
    expect(res.status, res.text).toBe(200);
    expect(res.body.assessment.expectation).toEqual({ serialized_value: { serialization_format: "JSON_FORMAT", value: "[1, 2]" } });
  });

  it("refuses what MLflow refuses, with its codes, and writes nothing", async () => {
    const t = await newTrace();
    const fb = (await create(t, { assessment_name: "q", feedback: { value: 1 } })).body.assessment;
    const ex = (await create(t, { assessment_name: "e", expectation: { value: 1 } })).body.assessment;
    const before = await storedRow(fb.assessment_id);
    const bad: [string, unknown, number, string][] = [
      [fb.assessment_id, { assessment: { expectation: { value: 2 } }, update_mask: "expectation" }, 400, "Cannot update expectation value on a Feedback assessment."],
      [ex.assessment_id, { assessment: { feedback: { value: 2 } }, update_mask: "feedback" }, 400, "Cannot update feedback value on an Expectation assessment."],
      [fb.assessment_id, { assessment: { feedback: { value: 2 }, expectation: { value: 2 } }, update_mask: "feedback,expectation" }, 400, ""],
      [ex.assessment_id, { assessment: { expectation: {} }, update_mask: "expectation" }, 400, "The `value` field must be specified."],
      [fb.assessment_id, { assessment: { assessment_name: "x" }, update_mask: "assessment_name" }, 400, ""],
      [fb.assessment_id, { assessment: { assessment_name: "x" }, update_mask: ["assessmentName"] }, 400, ""],
      [fb.assessment_id, { assessment: { valid: false }, update_mask: "valid" }, 400, ""],
      [fb.assessment_id, { assessment: { assessment_name: "x".repeat(251) }, update_mask: "assessmentName" }, 400, ""],
      [fb.assessment_id, { update_mask: "rationale" }, 400, ""],
      [fb.assessment_id, { assessment: { rationale: "x" } }, 400, ""],
      [fb.assessment_id, { assessment: { metadata: { k: 1 } }, update_mask: "metadata" }, 400, ""],
      ["a-missing", { assessment: { rationale: "x" }, update_mask: "rationale" }, 404, `Assessment with ID 'a-missing' not found for trace '${t}'`],
    ];
    for (const [id, body, status, message] of bad) {
      const res = await v3.patch(one(t, id), body);
      expect(res.status, `${JSON.stringify(body)}: ${res.text}`).toBe(status);
      if (message) expect(res.body.message).toBe(message);
    }
    const unknownTrace = await v3.patch(one("tr-unknown", fb.assessment_id), { assessment: { rationale: "x" }, update_mask: "rationale" });
    expect([unknownTrace.status, unknownTrace.body.message]).toEqual([404, "Trace with request_id 'tr-unknown' not found"]);
    expect(await storedRow(fb.assessment_id)).toEqual(before);
  });
});

describe("bad input and other traces", () => {
  it("answers MLflow's errors for malformed requests and writes nothing", async () => {
    const t = await newTrace();
    const bad: [unknown, number, string][] = [
      [{}, 400, "Missing value for required parameter 'assessment'"],
      [{ assessment: { assessment_name: "x" } }, 400, "Unknown assessment type: None"],
      [{ assessment: { assessment_name: "x", expectation: {} } }, 400, "The `value` field must be specified."],
      [{ assessment: { assessment_name: "x", expectation: { value: null } } }, 400, "The `value` field must be specified."],
      [{ assessment: { feedback: { value: 1 }, expectation: { value: 1 } } }, 400, ""],
      [{ assessment: { feedback: { value: 1 }, source: { source_type: "ROBOT" } } }, 400, ""],
      [{ assessment: { feedback: { value: 1 }, source: { source_type: 7 } } }, 400, ""],
      [{ assessment: { feedback: { value: 1 }, create_time: 5 } }, 400, ""],
      [{ assessment: { feedback: { value: 1 }, create_time: "yesterday" } }, 400, ""],
      [{ assessment: { feedback: { value: 1 }, metadata: { k: 1 } } }, 400, ""],
      [{ assessment: { feedback: { value: 1 }, metadata: "x" } }, 400, ""],
      [{ assessment: { feedback: { value: 1 }, valid: "true" } }, 400, ""],
      [{ assessment: { feedback: "good" } }, 400, ""],
      [{ assessment: { expectation: { serialized_value: { serialization_format: "YAML", value: "a: 1" } } } }, 400, "Unknown serialization format: YAML. Only JSON_FORMAT is supported."],
      [{ assessment: { expectation: { serialized_value: { serialization_format: "JSON_FORMAT", value: "{not json" } } } }, 400, ""],
      [{ assessment: { assessment_name: "x".repeat(251), feedback: { value: 1 } } }, 400, ""],
      [{ assessment: { feedback: { value: 1 }, span_id: "s".repeat(51) } }, 400, ""],
      [{ assessment: { feedback: { value: 1 }, source: { source_id: "s".repeat(251) } } }, 400, ""],
      [{ assessment: { feedback: { value: 1 }, metadata: { "mlflow.assessment.sourceRunId": "r".repeat(33) } } }, 400, ""],
      [{ assessment: { assessment_id: "a".repeat(51), feedback: { value: 1 } } }, 400, ""],
      [{ assessment: { assessment_name: "a", assessmentName: "b", feedback: { value: 1 } } }, 400, ""],
      ["{not json", 400, ""],
      ['{"assessment": {"feedback": {"value": 1e400}}}', 400, ""],
      ['{"assessment": {"expectation": {"serialized_value": {"serialization_format": "JSON_FORMAT", "value": "NaN"}}}}', 400, ""],
      [[{ assessment: {} }], 400, ""],
    ];
    for (const [body, status, message] of bad) {
      const res = await call("POST", `/api/3.0/mlflow/traces/${t}/assessments`, body);
      expect(res.status, `${JSON.stringify(body)}: ${res.text}`).toBe(status);
      expect(res.body?.error_code).toBeDefined();
      if (message) expect(res.body.message).toContain(message);
    }
    expect(await countFor(t)).toBe(0);
    const unknown = await create("tr-unknown", { assessment_name: "x", feedback: { value: 1 } });
    expect([unknown.status, unknown.body.error_code, unknown.body.message]).toEqual([404, "RESOURCE_DOES_NOT_EXIST", "Trace with ID 'tr-unknown' not found."]);
    expect((await v3.get(one("tr-unknown", "a-1"))).body.message).toBe("Trace with request_id 'tr-unknown' not found");
  });

  it("an assessment is reached only through its own trace; a taken id is never overwritten", async () => {
    const mine = await newTrace();
    const theirs = await newTrace();
    const secret = (await create(theirs, { assessment_name: "private", feedback: { value: "secret" } })).body.assessment;
    // Naming my trace with their assessment id finds nothing, changes nothing, deletes nothing.
    expect((await v3.get(one(mine, secret.assessment_id))).status).toBe(404);
    expect((await v3.patch(one(mine, secret.assessment_id), { assessment: { feedback: { value: "mine" } }, update_mask: "feedback" })).status).toBe(404);
    expect((await v3.del(one(mine, secret.assessment_id))).status).toBe(200);
    // Reusing their id for an assessment of mine is refused rather than overwriting theirs.
    const clash = await create(mine, { assessment_id: secret.assessment_id, assessment_name: "x", feedback: { value: 1 } });
    expect([clash.status, clash.body.error_code]).toEqual([400, "RESOURCE_ALREADY_EXISTS"]);
    // The body's trace_id never redirects a create: the path's trace is the one written to.
    const redirected = await create(mine, { trace_id: theirs, assessment_name: "x", feedback: { value: 1 } });
    expect(redirected.body.assessment.trace_id).toBe(mine);
    const got = await v3.get(one(theirs, secret.assessment_id));
    expect(got.body.assessment).toEqual(secret);
    expect(await countFor(theirs)).toBe(1);
  });

  it("deleting an override written by start_trace cannot revalidate another trace's assessment", async () => {
    const exp = await newExperiment();
    const theirs = await newTrace();
    const target = (await create(theirs, { assessment_name: "q", feedback: { value: 1 } })).body.assessment;
    const overrider = (await create(theirs, { assessment_name: "q", feedback: { value: 2 }, overrides: target.assessment_id })).body.assessment;
    expect(overrider.valid).toBe(true);
    // A trace of mine whose start_trace carries an assessment claiming to override theirs.
    const mine = `tr-${traceHex()}`;
    const location = { type: "MLFLOW_EXPERIMENT", mlflow_experiment: { experiment_id: exp } };
    const forged = { assessment_id: "a-forged", assessment_name: "q", source: { source_type: "HUMAN" }, feedback: { value: 3 }, overrides: target.assessment_id, create_time: "2024-01-01T00:00:00Z", last_update_time: "2024-01-01T00:00:00Z" };
    expect((await v3.post("/traces", { trace: { trace_info: { trace_id: mine, trace_location: location, request_time: "2024-01-01T00:00:00Z", state: "OK", assessments: [forged] } } })).status).toBe(200);
    expect((await v3.del(one(mine, "a-forged"))).status).toBe(200);
    expect((await v3.get(one(theirs, target.assessment_id))).body.assessment.valid).toBe(false);
  });

  it("is served under /ajax-api too", async () => {
    const t = await newTrace();
    const res = await call("POST", `/ajax-api/3.0/mlflow/traces/${t}/assessments`, { assessment: { assessment_name: "ui", feedback: { value: true } } });
    expect(res.status, res.text).toBe(200);
    expect((await call("GET", `/ajax-api/3.0/mlflow/traces/${t}/assessments/${res.body.assessment.assessment_id}`)).status).toBe(200);
  });
});

describe("with auth on", () => {
  const ENV = authEnv({ AUTH_DEFAULT_PERMISSION: "NO_PERMISSIONS" });
  const admin = client(ENV, basic(ADMIN.username, ADMIN.password));
  const T = "/api/3.0/mlflow/traces";

  async function user() {
    const name = unique("assessor");
    ok(await admin.post("/users/create", { username: name, password: "assessor-password" }));
    return { name, api: client(ENV, basic(name, "assessor-password")) };
  }

  async function traceIn(api: ReturnType<typeof client>): Promise<[string, string]> {
    const exp = ok(await api.post("/experiments/create", { name: unique("exp") })).body.experiment_id as string;
    const id = `tr-${traceHex()}`;
    const location = { type: "MLFLOW_EXPERIMENT", mlflow_experiment: { experiment_id: exp } };
    ok(await api.raw("POST", T, { body: { trace: { trace_info: { trace_id: id, trace_location: location, request_time: "2024-01-01T00:00:00Z", state: "OK" } } } }));
    return [exp, id];
  }

  it("another user's trace: no reading, writing or deleting its assessments, whatever the path or body names", async () => {
    const alice = await user();
    const bob = await user();
    const [aliceExp, aliceTrace] = await traceIn(alice.api);
    const [, bobTrace] = await traceIn(bob.api);
    const secret = ok(await alice.api.raw("POST", `${T}/${aliceTrace}/assessments`, { body: { assessment: { assessment_name: "private", feedback: { value: "secret" } } } })).body.assessment;
    const path = `${T}/${aliceTrace}/assessments/${secret.assessment_id}`;
    expect((await bob.api.raw("GET", path)).status).toBe(403);
    expect((await bob.api.raw("PATCH", path, { body: { assessment: { feedback: { value: "pwned" } }, update_mask: "feedback" } })).status).toBe(403);
    expect((await bob.api.raw("DELETE", path)).status).toBe(403);
    expect((await bob.api.raw("POST", `${T}/${aliceTrace}/assessments`, { body: { assessment: { assessment_name: "x", feedback: { value: 1 } } } })).status).toBe(403);
    // Through his own trace: the body's trace id (either spelling) is not what is written to, and
    // alice's assessment cannot be reached, overridden or taken over by id.
    const viaOwn = `${T}/${bobTrace}/assessments`;
    expect((await bob.api.raw("GET", `${viaOwn}/${secret.assessment_id}`)).status).toBe(404);
    expect((await bob.api.raw("PATCH", `${viaOwn}/${secret.assessment_id}`, { body: { assessment: { feedback: { value: "pwned" } }, update_mask: "feedback" } })).status).toBe(404);
    expect((await bob.api.raw("DELETE", `${viaOwn}/${secret.assessment_id}`)).status).toBe(200);
    const override = await bob.api.raw("POST", viaOwn, { body: { assessment: { traceId: aliceTrace, assessment_name: "x", feedback: { value: 1 }, overrides: secret.assessment_id } } });
    expect(override.status).toBe(404);
    const takeover = await bob.api.raw("POST", viaOwn, { body: { assessment: { assessmentId: secret.assessment_id, trace_id: aliceTrace, assessment_name: "x", feedback: { value: 1 } } } });
    expect([takeover.status, takeover.body.error_code]).toEqual([400, "RESOURCE_ALREADY_EXISTS"]);
    const mine = ok(await bob.api.raw("POST", viaOwn, { body: { assessment: { trace_id: aliceTrace, assessment_name: "x", feedback: { value: 1 } } } }));
    expect(mine.body.assessment.trace_id).toBe(bobTrace);
    expect(ok(await alice.api.raw("GET", path)).body.assessment).toEqual(secret);
    // READ lets bob read alice's assessments, not change them; EDIT lets him.
    ok(await alice.api.post("/experiments/permissions/create", { experiment_id: aliceExp, username: bob.name, permission: "READ" }));
    expect((await bob.api.raw("GET", path)).status).toBe(200);
    expect((await bob.api.raw("DELETE", path)).status).toBe(403);
    ok(await alice.api.patch("/experiments/permissions/update", { experiment_id: aliceExp, username: bob.name, permission: "EDIT" }));
    expect((await bob.api.raw("PATCH", path, { body: { assessment: { rationale: "seen" }, update_mask: "rationale" } })).status).toBe(200);
  });
});
