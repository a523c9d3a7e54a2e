/**
 * Assessments (feedback, expectations, issue references) on the wire and as MLflow 3.18 stores
 * them (`SqlAssessments`, mlflow/store/tracking/dbmodels/models.py; entities in
 * mlflow/entities/assessment*.py): the assessment RPCs' request messages, the conversion of a
 * wire assessment into the row MLflow's SQL store writes (for CreateAssessment and for the
 * assessments StartTraceV3 carries), and a stored row back into wire JSON.
 *
 * The Assessment message is proto2: a field that is set is printed even when empty
 * (`"assessment_name": ""`, `"valid": false`), so rows map to JSON by NULL, never by emptiness.
 */
import { MlflowError } from "../errors";
import { fromJs, pyDumps, tryPyLoads, type PyValue } from "../lib/python-json";
import { pyStr } from "../services/otlp-spans";
import { anyValue, bool, mapOf, message, nested, string, type Infer } from "./message";
import { parseTimestampJson, timestampJson } from "./trace-time";
import { setIf, type Json } from "./proto-json";

// ---------------------------------------------------------------------------------------------
// Request messages (mlflow/protos/assessments.proto, service.proto)
// ---------------------------------------------------------------------------------------------

/** AssessmentSource.SourceType, by proto number. */
export const SOURCE_TYPES = ["SOURCE_TYPE_UNSPECIFIED", "HUMAN", "LLM_JUDGE", "CODE"] as const;

const AssessmentErrorMessage = message({ error_code: string(), error_message: string(), stack_trace: string() });

export const AssessmentMessage = message({
  assessment_id: string(),
  assessment_name: string(),
  trace_id: string(),
  span_id: string(),
  // An enum by name or number; read by sourceTypeOf (proto numbers start at 0 here).
  source: nested(message({ source_type: anyValue(), source_id: string() })),
  /** Timestamp JSON (RFC 3339); a number is not a Timestamp. */
  create_time: string(),
  last_update_time: string(),
  feedback: nested(message({ value: anyValue(), error: nested(AssessmentErrorMessage) })),
  expectation: nested(message({ value: anyValue(), serialized_value: nested(message({ serialization_format: string(), value: string() })) })),
  issue: nested(message({ issue_name: string() })),
  rationale: string(),
  /** Deprecated top-level error; MLflow's entities ignore it. */
  error: nested(AssessmentErrorMessage),
  metadata: mapOf(),
  overrides: string(),
  valid: bool(),
});
export type AssessmentMessage = Infer<typeof AssessmentMessage>;

/** `POST /traces/{trace_id}/assessments`: schema `assessment: [_assert_required]`. */
export const CreateAssessment = message({ assessment: nested(AssessmentMessage).required() });

/** `PATCH …/assessments/{assessment_id}`: `assessment` and `update_mask` required. */
export const UpdateAssessment = message({
  assessment: nested(AssessmentMessage).required(),
  /** google.protobuf.FieldMask JSON: one string of comma-separated lowerCamelCase paths. */
  update_mask: string().required(),
});

// ---------------------------------------------------------------------------------------------
// Wire → row
// ---------------------------------------------------------------------------------------------

/** An assessments row to write. */
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
export function aggregate(v: PyValue): [number | null, boolean] {
  if (typeof v === "boolean") return [v ? 1 : 0, false];
  if (typeof v === "number" || typeof v === "bigint") {
    const n = Number(v);
    return Number.isFinite(n) ? [n, true] : [null, false];
  }
  if (typeof v === "string" && ["yes", "no"].includes(v.trim().toLowerCase())) return [v.trim().toLowerCase() === "yes" ? 1 : 0, false];
  return [null, false];
}

/**
 * A google.protobuf.Value as Python reads it back (`MessageToDict`): every number is a double, so
 * `5` is stored as `5.0`; objects keep their key order.
 */
export function protoValue(v: unknown): PyValue {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (Array.isArray(v)) return v.map(protoValue);
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [String(k), protoValue(x)]));
  if (v && typeof v === "object") return new Map(Object.entries(v).map(([k, x]) => [k, protoValue(x)]));
  return fromJs(v);
}

/** A Value must hold what JSON can say: no NaN or infinities (Python's protobuf refuses to print them). */
export function checkFiniteValue(v: PyValue, field: string): void {
  if (typeof v === "number" && !Number.isFinite(v)) throw MlflowError.invalidParameter(`Invalid value for '${field}': numbers must be finite.`);
  if (Array.isArray(v)) v.forEach((x) => checkFiniteValue(x, field));
  if (v instanceof Map) for (const x of v.values()) checkFiniteValue(x, field);
}

/** `json.dumps(AssessmentError.to_dictionary())`: all three keys, None for what is unset. */
export function errorJson(e: { error_code?: string; error_message?: string; stack_trace?: string }): string {
  return pyDumps(new Map<string, PyValue>([["error_code", e.error_code ?? ""], ["error_message", e.error_message || null], ["stack_trace", e.stack_trace || null]]));
}

function millis(ts: unknown, field: string, strict: boolean): bigint | null {
  if (typeof ts !== "string" || ts === "") return null;
  const ms = parseTimestampJson(ts);
  if (ms === null) {
    if (strict) throw MlflowError.invalidParameter(`Invalid value ${JSON.stringify(ts)} for parameter '${field}' supplied: not an RFC 3339 timestamp.`);
    const loose = Date.parse(ts);
    return Number.isNaN(loose) || loose === 0 ? null : BigInt(loose);
  }
  return ms === 0n ? null : ms;
}

/** The source type's name (enum by name, or by number as protobuf's JSON parser allows). */
function sourceTypeOf(raw: unknown, strict: boolean): string {
  if (raw === undefined || raw === null) return "SOURCE_TYPE_UNSPECIFIED";
  if (typeof raw === "string" && (SOURCE_TYPES as readonly string[]).includes(raw)) return raw;
  if (typeof raw === "number" && Number.isInteger(raw) && raw >= 0 && raw < SOURCE_TYPES.length) return SOURCE_TYPES[raw]!;
  if (!strict) return String(raw);
  throw MlflowError.invalidParameter(`Invalid value ${JSON.stringify(raw)} for parameter 'assessment.source.source_type' supplied: expected one of ${SOURCE_TYPES.join(", ")}.`);
}

/** Expectation.from_proto: a serialized JSON value, or a Value; either must hold something. */
export function expectationValue(e: Json, strict = true): PyValue {
  const serialized = e.serialized_value as Json | undefined;
  let value: PyValue | undefined;
  if (serialized) {
    const format = serialized.serialization_format ?? "";
    if (format !== "JSON_FORMAT") {
      throw MlflowError.invalidParameter(`Unknown serialization format: ${format}. Only JSON_FORMAT is supported.`);
    }
    value = tryPyLoads(String(serialized.value ?? ""));
    if (value === undefined) {
      if (strict) throw MlflowError.invalidParameter("Invalid value for 'expectation.serialized_value.value': not valid JSON.");
      value = null;
    }
  } else {
    value = protoValue(e.value ?? null);
  }
  if (value === null && strict) throw MlflowError.invalidParameter("The `value` field must be specified.");
  return value;
}

/**
 * A wire assessment as MLflow's entities read it and its SQL store writes it. `strict` (the
 * assessment RPCs) refuses what the proto parser would: an unknown source type, a malformed
 * timestamp, non-string metadata, several kinds at once. StartTraceV3's assessments (decoded
 * leniently, as they always were) pass `strict = false`.
 */
export function assessmentFromWire(a: Json, newId: () => string, strict = false): AssessmentInsert {
  const kinds = (["feedback", "expectation", "issue"] as const).filter((k) => a[k] !== undefined && a[k] !== null);
  if (strict && kinds.length > 1) {
    throw MlflowError.invalidParameter(`Message type "mlflow.assessments.Assessment" should not have multiple "value" oneof fields at "Assessment".`);
  }
  if (strict && kinds.length === 0) throw MlflowError.invalidParameter("Unknown assessment type: None");
  const metadata = (a.metadata ?? {}) as Record<string, unknown>;
  if (strict) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== "string") throw MlflowError.invalidParameter(`Invalid value for 'assessment.metadata.${k}': metadata values must be strings.`);
    }
  }
  const source = (a.source ?? {}) as Json;
  let type: AssessmentInsert["type"];
  let value: PyValue;
  let error: string | null = null;
  const feedback = a.feedback as Json | undefined;
  const expectation = a.expectation as Json | undefined;
  if (feedback) {
    type = "feedback";
    value = protoValue(feedback.value ?? null);
    if (strict) checkFiniteValue(value, "assessment.feedback.value");
    const e = feedback.error as Json | undefined;
    if (e) error = errorJson(e as { error_code?: string; error_message?: string; stack_trace?: string });
  } else if (expectation) {
    type = "expectation";
    value = expectationValue(expectation, strict);
    if (strict) checkFiniteValue(value, "assessment.expectation.value");
  } else {
    type = "issue";
    value = new Map([["issue_name", String((a.issue as Json | undefined)?.issue_name ?? "")]]);
  }
  const [aggregateValue, isNumeric] = aggregate(value);
  const entries = Object.entries(metadata).map(([k, v]) => [k, String(v)] as [string, string]);
  return {
    assessmentId: (a.assessment_id as string) || newId(),
    name: String(a.assessment_name ?? ""),
    type,
    value: pyDumps(value),
    error,
    createdMs: millis(a.create_time, "assessment.create_time", strict),
    updatedMs: millis(a.last_update_time, "assessment.last_update_time", strict),
    sourceType: sourceTypeOf(source.source_type, strict),
    sourceId: (source.source_id as string) || null,
    runId: metadata["mlflow.assessment.sourceRunId"] !== undefined ? String(metadata["mlflow.assessment.sourceRunId"]) : null,
    spanId: (a.span_id as string) || null,
    // Expectation.from_proto reads neither rationale nor overrides; IssueReference no overrides.
    rationale: type === "expectation" ? null : (a.rationale as string) || null,
    overrides: type === "feedback" ? (a.overrides as string) || null : null,
    metadata: entries.length > 0 ? pyDumps(new Map(entries)) : null,
    aggregateValue,
    isNumeric,
  };
}

// ---------------------------------------------------------------------------------------------
// Row → wire
// ---------------------------------------------------------------------------------------------

/** An assessments row as read by src/db (snake_case columns, int8 as text). */
type Row = Record<string, unknown>;

function toWireValue(v: PyValue): unknown {
  if (typeof v === "bigint") return Number(v); // a protobuf Value number is a double
  if (Array.isArray(v)) return v.map(toWireValue);
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [k, toWireValue(x)]));
  return v;
}

const isScalar = (v: PyValue) => typeof v === "string" || typeof v === "number" || typeof v === "bigint" || typeof v === "boolean";

/** AssessmentError.to_proto keeps the last part of a stack trace past 10,000 characters. */
const STACK_TRACE_LIMIT = 10_000;
const STACK_TRACE_PREFIX = "[Stack trace is truncated]\n...\n";
const wireStackTrace = (s: string) => (s.length > STACK_TRACE_LIMIT ? STACK_TRACE_PREFIX + s.slice(-(STACK_TRACE_LIMIT - STACK_TRACE_PREFIX.length)) : s);

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
      const trace = error.get("stack_trace");
      if (typeof trace === "string" && trace !== "") e.stack_trace = wireStackTrace(trace);
      feedback.error = e;
    }
    out.feedback = feedback;
  } else if (row.assessment_type === "expectation") {
    out.expectation = value !== null && isScalar(value)
      ? { value: toWireValue(value) }
      : { serialized_value: { serialization_format: "JSON_FORMAT", value: pyDumps(value) } };
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
