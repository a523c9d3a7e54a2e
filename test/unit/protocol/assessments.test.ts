// Assessments as MLflow 3.18 stores and answers them (src/protocol/assessments.ts), against cases
// recorded from MLflow itself (fixtures/record_assessment_cases.py): for each wire assessment, the
// `assessments` row its SQL store writes (or the error it answers), and the row read back as wire JSON.
import { describe, expect, it } from "vitest";
import { MlflowError } from "../../../src/errors";
import { assessmentFromWire, assessmentToWire, CreateAssessment } from "../../../src/protocol/assessments";
import { parseFieldMask } from "../../../src/services/assessments";
import cases from "./fixtures/assessment-cases.json";

interface Case {
  input: Record<string, unknown>;
  error?: string;
  parse_error?: string;
  row?: Record<string, unknown>;
  wire?: Record<string, unknown>;
}

const all = cases as Case[];
const decode = (input: Record<string, unknown>) => CreateAssessment.decode({ assessment: input }).assessment as Record<string, unknown>;

describe("wire → row, as MLflow's SQL store writes it", () => {
  it.each(all.filter((c) => c.row).map((c, i) => [i, c] as const))("case %i", (_, c) => {
    const got = assessmentFromWire(decode(c.input), () => "<generated>", true);
    const want = c.row!;
    const mine: Record<string, unknown> = {
      assessment_id: got.assessmentId, name: got.name, assessment_type: got.type, value: got.value, error: got.error,
      created_timestamp: got.createdMs === null ? "<now>" : Number(got.createdMs), last_updated_timestamp: got.updatedMs === null ? "<now>" : Number(got.updatedMs),
      source_type: got.sourceType, source_id: got.sourceId, run_id: got.runId, span_id: got.spanId, rationale: got.rationale, overrides: got.overrides,
      valid: true, assessment_metadata: got.metadata, aggregate_value: got.aggregateValue, is_numeric_value: got.isNumeric,
    };
    expect(mine).toEqual(want);
  });

  it.each(all.filter((c) => c.error).map((c) => [c.error!, c] as const))("refuses: %s", (message, c) => {
    let err: unknown;
    try {
      assessmentFromWire(decode(c.input), () => "a-new", true);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MlflowError);
    expect((err as MlflowError).message).toBe(message);
  });
});

describe("row → wire, as the server answers it", () => {
  it.each(all.filter((c) => c.wire).map((c, i) => [i, c] as const))("case %i", (_, c) => {
    const row = c.row!;
    const stored = { ...row, trace_id: "tr-path", created_timestamp: String(row.created_timestamp), last_updated_timestamp: String(row.last_updated_timestamp) };
    expect(assessmentToWire(stored)).toEqual(c.wire);
  });
});

describe("FieldMask JSON", () => {
  it("reads lowerCamelCase paths as protobuf does and refuses snake_case ones", () => {
    expect(parseFieldMask("assessmentName,feedback,sourceId,a.bC")).toEqual(["assessment_name", "feedback", "source_id", "a.b_c"]);
    expect(parseFieldMask("")).toEqual([]);
    expect(() => parseFieldMask("assessment_name")).toThrow(MlflowError);
  });
});
