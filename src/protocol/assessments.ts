/**
 * Assessments (feedback, expectations, issue references) as they travel inside TraceInfoV3 and
 * as MLflow 3.18 stores them (`SqlAssessments`, mlflow/entities/assessment.py). Only what
 * start_trace writes and trace reads return; the assessment RPCs themselves are not served.
 */
import { fromJs, pyDumps, tryPyLoads, type PyValue } from "../lib/py-json";
import { pyStr } from "../services/otlp-spans";
import { timestampJson } from "./trace-time";
import { setIf, type Json } from "./proto-json";

/** An assessments row as read by src/db/traces.ts. */
type Row = Record<string, unknown>;

function toWireValue(v: PyValue): unknown {
  if (typeof v === "bigint") return Number(v); // a protobuf Value number is a double
  if (Array.isArray(v)) return v.map(toWireValue);
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [k, toWireValue(x)]));
  return v;
}

const isScalar = (v: PyValue) => typeof v === "string" || typeof v === "number" || typeof v === "bigint" || typeof v === "boolean";

export function assessmentToWire(row: Row): Json {
  const value = tryPyLoads(String(row.value)) ?? null;
  const out: Json = { assessment_id: row.assessment_id, assessment_name: row.name, trace_id: row.trace_id ?? "" };
  setIf(out, "span_id", row.span_id);
  const source: Json = { source_type: row.source_type };
  setIf(source, "source_id", row.source_id);
  out.source = source;
  out.create_time = timestampJson(BigInt(String(row.created_timestamp)));
  out.last_update_time = timestampJson(BigInt(String(row.last_updated_timestamp)));
  if (row.assessment_type === "feedback") {
    const feedback: Json = { value: toWireValue(value) };
    const error = row.error ? tryPyLoads(String(row.error)) : undefined;
    if (error instanceof Map) {
      const e: Json = { error_code: error.get("error_code") ?? "" };
      setIf(e, "error_message", error.get("error_message") || null);
      setIf(e, "stack_trace", error.get("stack_trace") || null);
      feedback.error = e;
    }
    out.feedback = feedback;
  } else if (row.assessment_type === "expectation") {
    out.expectation = value !== null && isScalar(value)
      ? { value: toWireValue(value) }
      : { serialized_value: { serialization_format: "JSON_FORMAT", value: pyDumps(value, true) } };
  } else {
    out.issue = { issue_name: value instanceof Map ? (value.get("issue_name") ?? "") : "" };
  }
  setIf(out, "rationale", row.rationale);
  const metadata = row.assessment_metadata ? tryPyLoads(String(row.assessment_metadata)) : undefined;
  if (metadata instanceof Map && metadata.size > 0) out.metadata = Object.fromEntries([...metadata].map(([k, v]) => [k, pyStr(v)]));
  setIf(out, "overrides", row.overrides || null);
  out.valid = row.valid;
  return out;
}

/** An assessment row to insert, from a TraceInfoV3 assessment (start_trace). */
export interface AssessmentInsert {
  assessmentId: string;
  name: string;
  type: "feedback" | "expectation" | "issue";
  value: string;
  error: string | null;
  createdMs: bigint | null;
  updatedMs: bigint | null;
  sourceType: string;
  sourceId: string | null;
  runId: string | null;
  spanId: string | null;
  rationale: string | null;
  overrides: string | null;
  metadata: string | null;
  aggregateValue: number | null;
  isNumeric: boolean;
}

/** MLflow's `assessment_aggregate`: a number to chart for a value, and whether it is numeric. */
function aggregate(v: PyValue): [number | null, boolean] {
  if (typeof v === "boolean") return [v ? 1 : 0, false];
  if (typeof v === "number" || typeof v === "bigint") {
    const n = Number(v);
    return Number.isFinite(n) ? [n, true] : [null, false];
  }
  if (typeof v === "string" && ["yes", "no"].includes(v.trim().toLowerCase())) return [v.trim().toLowerCase() === "yes" ? 1 : 0, false];
  return [null, false];
}

/** protobuf Value numbers are doubles: a JSON 5 is Python's 5.0. */
function asProtoValue(v: unknown): PyValue {
  if (typeof v === "number") return v;
  if (Array.isArray(v)) return v.map(asProtoValue);
  if (v && typeof v === "object") return new Map(Object.entries(v).map(([k, x]) => [k, asProtoValue(x)]));
  return fromJs(v);
}

function millis(ts: unknown): bigint | null {
  if (typeof ts !== "string" || ts === "") return null;
  const ms = Date.parse(ts);
  return Number.isNaN(ms) || ms === 0 ? null : BigInt(ms);
}

export function assessmentFromWire(a: Json, newId: () => string): AssessmentInsert {
  const metadata = (a.metadata ?? {}) as Record<string, string>;
  const source = (a.source ?? {}) as Json;
  let type: AssessmentInsert["type"];
  let value: PyValue;
  let error: string | null = null;
  const feedback = a.feedback as Json | undefined;
  const expectation = a.expectation as Json | undefined;
  if (feedback) {
    type = "feedback";
    value = asProtoValue(feedback.value ?? null);
    const e = feedback.error as Json | undefined;
    if (e) error = pyDumps(new Map<string, PyValue>([["error_code", String(e.error_code ?? "")], ["error_message", (e.error_message as string) ?? null], ["stack_trace", (e.stack_trace as string) ?? null]]), true);
  } else if (expectation) {
    type = "expectation";
    const serialized = expectation.serialized_value as Json | undefined;
    value = serialized ? (tryPyLoads(String(serialized.value ?? "null")) ?? null) : asProtoValue(expectation.value ?? null);
  } else {
    type = "issue";
    value = new Map([["issue_name", String((a.issue as Json | undefined)?.issue_name ?? "")]]);
  }
  const [aggregateValue, isNumeric] = aggregate(value);
  const entries = Object.entries(metadata);
  return {
    assessmentId: (a.assessment_id as string) || newId(),
    name: String(a.assessment_name ?? ""),
    type,
    value: pyDumps(value, true),
    error,
    createdMs: millis(a.create_time),
    updatedMs: millis(a.last_update_time),
    sourceType: String(source.source_type ?? "SOURCE_TYPE_UNSPECIFIED"),
    sourceId: (source.source_id as string) ?? null,
    runId: metadata["mlflow.assessment.sourceRunId"] ?? null,
    spanId: (a.span_id as string) || null,
    rationale: type === "expectation" ? null : (a.rationale as string) || null,
    overrides: type === "feedback" ? (a.overrides as string) || null : null,
    metadata: entries.length > 0 ? pyDumps(new Map(entries), true) : null,
    aggregateValue,
    isNumeric,
  };
}
