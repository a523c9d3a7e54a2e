/**
 * Shapes of MLflow 3's trace RPC answers as the UI reads them (TraceInfoV3, Assessment, and spans
 * in OTLP proto JSON). int64 values beyond 2^53 arrive as decimal strings (see json.ts).
 */
import type { Int64 } from "../types";

export interface AssessmentSource {
  source_type?: string;
  source_id?: string;
}

export interface AssessmentError {
  error_code?: string;
  error_message?: string;
  stack_trace?: string;
}

export interface Assessment {
  assessment_id: string;
  assessment_name: string;
  trace_id?: string;
  span_id?: string;
  source?: AssessmentSource;
  create_time?: string;
  last_update_time?: string;
  feedback?: { value?: unknown; error?: AssessmentError };
  expectation?: { value?: unknown; serialized_value?: { serialization_format?: string; value?: string } };
  issue?: { issue_name?: string };
  rationale?: string;
  metadata?: Record<string, string>;
  overrides?: string;
  valid?: boolean;
}

export interface TraceInfo {
  trace_id: string;
  client_request_id?: string;
  trace_location?: { type?: string; mlflow_experiment?: { experiment_id?: string } };
  request_preview?: string;
  response_preview?: string;
  /** RFC 3339, e.g. "2026-01-01T10:00:00.123Z". */
  request_time?: string;
  /** Protobuf Duration JSON, e.g. "1.500s". */
  execution_duration?: string;
  state?: string;
  trace_metadata?: Record<string, string>;
  tags?: Record<string, string>;
  assessments?: Assessment[];
}

/** An OpenTelemetry AnyValue in proto JSON (snake_case from our server; camelCase tolerated). */
export type AnyValueJson = Record<string, unknown>;

export interface KeyAnyValue {
  key: string;
  value?: AnyValueJson;
}

/** A span as `traces/get` returns it (OTLP Span JSON), or as a `traces.json` artifact holds it. */
export interface RawSpan {
  trace_id?: string;
  span_id?: string;
  parent_span_id?: string | null;
  name?: string;
  kind?: string;
  start_time_unix_nano?: Int64;
  end_time_unix_nano?: Int64;
  attributes?: KeyAnyValue[] | Record<string, unknown>;
  events?: { name?: string; time_unix_nano?: Int64; attributes?: KeyAnyValue[] | Record<string, unknown> }[];
  status?: { code?: string; message?: string; description?: string; status_code?: string };
}

export interface Trace {
  info: TraceInfo;
  spans: RawSpan[];
}
