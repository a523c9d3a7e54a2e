// The request decoder every route uses (src/protocol/message.ts): MLflow 3.18's handler semantics,
// and the properties the permission checks rely on (one reading, canonical ids).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  KeyValue,
  bool,
  canonicalExperimentId,
  double,
  entriesRequire,
  enumOf,
  experimentId,
  int64,
  isArray,
  isFloatLike,
  isIntLike,
  isString,
  message,
  nested,
  queryToJson,
  repeated,
  string,
  withRunId,
} from "../../../src/protocol/message";
import { MlflowError } from "../../../src/errors";

function error(fn: () => unknown): MlflowError {
  try {
    fn();
  } catch (e) {
    if (e instanceof MlflowError) return e;
    throw e;
  }
  throw new Error("expected an MlflowError");
}

const LogMetric = message({
  run_id: string().required().check(isString),
  run_uuid: string(),
  key: string().required().check(isString),
  value: double().required().check(isFloatLike),
  timestamp: int64().check(isIntLike).required(),
  step: int64().check(isIntLike),
  model_id: string().check(isString),
}).map(withRunId);

const CreateRun = message({ experiment_id: experimentId().check(isString), run_name: string(), tags: repeated(KeyValue) });

describe("aliases", () => {
  it("reads lowerCamelCase names as the same field (protobuf's json_name)", () => {
    expect(CreateRun.decode({ experimentId: "3", runName: "r" })).toEqual({ experiment_id: "3", run_name: "r", tags: [] });
  });

  it("refuses a field spelled both ways, at every level", () => {
    expect(error(() => CreateRun.decode({ experiment_id: "1", experimentId: "2" })).message).toBe(
      "Request specifies both 'experiment_id' and 'experimentId'; provide only one of them.",
    );
    const Batch = message({ metrics: repeated(message({ model_id: string() })) });
    expect(error(() => Batch.decode({ metrics: [{ model_id: "a" }, { model_id: "b", modelId: "c" }] })).code).toBe("INVALID_PARAMETER_VALUE");
    const Nested = message({ inner: nested(message({ dataset_name: string() })) });
    expect(() => Nested.decode({ inner: { dataset_name: "a", datasetName: "b" } })).toThrow(MlflowError);
  });

  it("resolves the legacy run_uuid once, so every reader sees the same run", () => {
    const base = { key: "k", value: 1, timestamp: 1 };
    expect(LogMetric.decode({ ...base, run_uuid: "A" }).run_id).toBe("A");
    expect(LogMetric.decode({ ...base, run_id: "B", run_uuid: "A" }).run_id).toBe("B");
    // camelCase runId is run_id's alias: it is what the handler executes, and what authorization sees
    expect(LogMetric.decode({ ...base, run_uuid: "A", runId: "C" }).run_id).toBe("C");
  });

  it("checks required fields by their snake_case name only, as MLflow's schemas do", () => {
    expect(error(() => LogMetric.decode({ runId: "C", key: "k", value: 1, timestamp: 1 })).message).toBe(
      "Missing value for required parameter 'run_id'. See the API docs for more information about request parameters.",
    );
  });

  it("property: run_id, then runId, then run_uuid name the run, whichever is present", () => {
    const id = fc.string({ minLength: 1, maxLength: 32 });
    fc.assert(
      fc.property(id, id, fc.boolean(), (a, b, legacy) => {
        const base = { key: "k", value: 1, timestamp: 1, ...(legacy ? { run_uuid: "legacy" } : {}) };
        return LogMetric.decode({ ...base, run_id: a }).run_id === a && (legacy ? LogMetric.decode({ ...base, runId: b }).run_id === b : true);
      }),
    );
  });
});

describe("proto parsing and schema checks", () => {
  it("parses int64 from numbers and numeric strings, doubles from NaN/Infinity strings", () => {
    const m = LogMetric.decode({ run_id: "r", key: "k", value: "NaN", timestamp: "17", step: 2.0 });
    expect(m.timestamp).toBe(17);
    expect(m.step).toBe(2);
    expect(Number.isNaN(m.value)).toBe(true);
    expect(LogMetric.decode({ run_id: "r", key: "k", value: "-Infinity", timestamp: 1 }).value).toBe(-Infinity);
  });

  it("runs type checks only when the proto parse failed, and names the offending field", () => {
    const e = error(() => LogMetric.decode({ run_id: "r", key: "k", value: 1, timestamp: "soon" }));
    expect(e.message).toBe(`Invalid value "soon" for parameter 'timestamp' supplied:  Hint: Value was of type 'str'. See the API docs for more information about request parameters.`);
  });

  it("refuses a value of the wrong type even where MLflow's schema has no type check", () => {
    const M = message({ name: string() });
    expect(error(() => M.decode({ name: 5 })).message).toContain("for parameter 'name' supplied");
  });

  it("decodes enums by name or wire number, and refuses others", () => {
    const M = message({ status: enumOf(["RUNNING", "FINISHED"] as const) });
    expect(M.decode({ status: "FINISHED" }).status).toBe("FINISHED");
    expect(M.decode({ status: 1 }).status).toBe("RUNNING");
    expect(() => M.decode({ status: "DONE" })).toThrow(MlflowError);
  });

  it("gives absent lists as [] at every level, and reports entries' missing fields by path", () => {
    const Batch = message({ metrics: repeated(message({ key: string(), tags: repeated(KeyValue) })).check(isArray, entriesRequire("key")) });
    expect(Batch.decode({ metrics: [{ key: "a" }] })).toEqual({ metrics: [{ key: "a", tags: [] }] });
    expect(error(() => Batch.decode({ metrics: [{ key: "a" }, {}] })).message).toBe(
      "Missing value for required parameter 'metrics[1].key'. See the API docs for more information about request parameters.",
    );
  });

  it("ignores unknown fields", () => {
    expect(CreateRun.decode({ experiment_id: "1", surprise: true })).toEqual({ experiment_id: "1", tags: [] });
  });
});

describe("canonical experiment ids", () => {
  it.each([
    ["2", "2"],
    ["02", "2"],
    ["+2", "2"],
    [" 2 ", "2"],
    ["0_2", "2"],
    ["000", "0"],
    ["-0", "0"],
    ["-7", "-7"],
    ["12345678901234567890", "12345678901234567890"],
  ])("%j → %j", (raw, canonical) => {
    expect(CreateRun.decode({ experiment_id: raw }).experiment_id).toBe(canonical);
    expect(canonicalExperimentId(raw)).toBe(canonical);
  });

  it("leaves what is not an integer as sent (the service refuses it with MLflow's message)", () => {
    for (const raw of ["abc", "1.5", "", "2 2", "0x10"]) expect(canonicalExperimentId(raw)).toBe(raw);
  });

  it("property: every spelling of an integer decodes to the same id", () => {
    fc.assert(
      fc.property(fc.nat(10_000_000), fc.nat(3), fc.constantFrom("", "+"), fc.constantFrom("", " "), (n, zeros, sign, pad) => {
        const spelled = `${pad}${sign}${"0".repeat(zeros)}${n}${pad}`;
        return canonicalExperimentId(spelled) === String(n);
      }),
    );
  });
});

describe("query strings", () => {
  const Search = message({ experiment_ids: repeated(experimentId()), filter: string(), flag: bool() });

  it("reads declared snake_case names only, repeated fields as lists, bools strictly", () => {
    const q = new URLSearchParams("experiment_ids=1&experiment_ids=02&experimentIds=9&filter=x&flag=True&other=1");
    expect(Search.decode(queryToJson(q, Search))).toEqual({ experiment_ids: ["1", "2"], filter: "x", flag: true });
    expect(error(() => queryToJson(new URLSearchParams("flag=yes"), Search)).message).toBe("Invalid boolean value: yes, must be 'true' or 'false'.");
  });
});
