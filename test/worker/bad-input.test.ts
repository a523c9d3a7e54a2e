// What a client sends is stored exactly or refused whole (issue 13): int64 steps and timestamps
// past 2^53 round-trip digit for digit; bodies that are not UTF-8, not JSON or not a JSON object
// are refused with a 400 on every route that reads a message, and nothing is written.
import { describe, expect, it } from "vitest";
import { ROUTES } from "../../src/routes";
import { api, call, newExperiment, newRun } from "./helpers";
import { exports } from "cloudflare:workers";

async function raw(method: string, path: string, body: BodyInit, contentType = "application/json"): Promise<{ status: number; text: string; json: any }> {
  const res = await (exports as any).default.fetch(`http://localhost${path}`, { method, body, headers: { "content-type": contentType } });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

describe("int64 values are kept exactly", () => {
  const BIG = ["9007199254740993", "4611686018427387905", "9223372036854775807", "-9223372036854775808"];

  it("log-metric and log-batch store steps and timestamps past 2^53 and answer them digit for digit", async () => {
    const run = await newRun();
    for (const [i, step] of BIG.entries()) {
      const body = `{"run_id":"${run}","key":"m","value":${i},"timestamp":${BIG[1]},"step":${step}}`;
      const res = await raw("POST", "/api/2.0/mlflow/runs/log-metric", body);
      expect([step, res.status, res.text]).toEqual([step, 200, "{}"]);
    }
    const batch = `{"run_id":"${run}","metrics":[{"key":"b","value":1,"timestamp":"${BIG[0]}","step":"${BIG[2]}"}]}`;
    expect((await raw("POST", "/api/2.0/mlflow/runs/log-batch", batch)).status).toBe(200);
    const history = await call("GET", `/api/2.0/mlflow/metrics/get-history?run_id=${run}&metric_key=m`);
    for (const step of BIG) expect(history.text).toContain(`"step":${step}`);
    expect(history.text).toContain(`"timestamp":${BIG[1]}`);
    const got = await call("GET", `/api/2.0/mlflow/runs/get?run_id=${run}`);
    expect(got.text).toContain(`"key":"b","value":1,"timestamp":${BIG[0]},"step":${BIG[2]}`);
    // latest_metrics follows the greatest step exactly
    expect(got.text).toContain(`"key":"m","value":2,"timestamp":${BIG[1]},"step":${BIG[2]}`);
  });

  it("keeps run start and end times exactly", async () => {
    const exp = await newExperiment();
    const created = await raw("POST", "/api/2.0/mlflow/runs/create", `{"experiment_id":"${exp}","start_time":${BIG[0]}}`);
    expect(created.text).toContain(`"start_time":${BIG[0]}`);
    const run = created.json.run.info.run_id;
    const updated = await raw("POST", "/api/2.0/mlflow/runs/update", `{"run_id":"${run}","status":"FINISHED","end_time":${BIG[1]}}`);
    expect(updated.text).toContain(`"end_time":${BIG[1]}`);
    expect((await call("GET", `/api/2.0/mlflow/runs/get?run_id=${run}`)).text).toContain(`"start_time":${BIG[0]},"end_time":${BIG[1]}`);
  });

  it("refuses integers beyond int64 with a 400, writing nothing", async () => {
    const run = await newRun();
    for (const step of ["9223372036854775808", "-9223372036854775809", "100000000000000000000"]) {
      const res = await raw("POST", "/api/2.0/mlflow/runs/log-metric", `{"run_id":"${run}","key":"m","value":1,"timestamp":1,"step":${step}}`);
      expect([step, res.status, res.json?.error_code]).toEqual([step, 400, "INVALID_PARAMETER_VALUE"]);
    }
    expect((await api.get("/metrics/get-history", { run_id: run, metric_key: "m" })).body).toEqual({});
  });
});

describe("bodies that are not a UTF-8 JSON object are refused on every route", () => {
  const routes = ROUTES.filter((r) => r.message && r.methods.some((m) => m !== "GET") && !r.paths[0]!.includes("*"));
  const BAD: [string, BodyInit][] = [
    ["malformed", "{not json"],
    ["truncated", '{"run_id": "abc", "key": "k"'],
    ["an array", "[1, 2]"],
    ["a number", "5"],
    ["invalid UTF-8", new Uint8Array([0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])], // {"name":"\xff\xfe"}
    ["deeply nested", `{"name": ${"[".repeat(100_000)}${"]".repeat(100_000)}}`],
  ];

  it("covers the writing routes", () => {
    expect(routes.length).toBeGreaterThan(40);
  });

  it.each(routes.map((r) => [r.name, r] as const))("%s", async (_name, r) => {
    const method = r.methods.find((m) => m !== "GET")!;
    const path = r.paths[0]!.replace(/:[a-z_]+/g, "sample");
    for (const [what, body] of BAD) {
      const res = await raw(method, path, body);
      expect([what, res.status, res.json?.error_code]).toEqual([what, 400, "INVALID_PARAMETER_VALUE"]);
    }
  });

  it("wrote nothing: no run appeared in the default experiment and no experiment was created", async () => {
    const runs = await api.post("/runs/search", { experiment_ids: ["0"], filter: "attributes.start_time = 0" });
    expect(runs.body.runs ?? []).toEqual([]);
    const named = await api.post("/experiments/search", { filter: "name LIKE '%\uFFFD%'" });
    expect(named.body.experiments ?? []).toEqual([]);
  });
});
