/**
 * The one error type of the server. Every failure a client can see is an MlflowError carrying one of
 * MLflow's error codes; the HTTP status follows from the code exactly as MLflow maps it, so the
 * official client raises the same `MlflowException` codes against us as against `mlflow server`.
 */

export type ErrorCode =
  | "INVALID_PARAMETER_VALUE"
  | "BAD_REQUEST"
  | "RESOURCE_ALREADY_EXISTS"
  | "CUSTOMER_UNAUTHORIZED"
  | "UNAUTHENTICATED"
  | "PERMISSION_DENIED"
  | "RESOURCE_DOES_NOT_EXIST"
  | "NOT_FOUND"
  | "ENDPOINT_NOT_FOUND"
  | "ABORTED"
  | "RESOURCE_CONFLICT"
  | "ALREADY_EXISTS"
  | "REQUEST_LIMIT_EXCEEDED"
  | "RESOURCE_EXHAUSTED"
  | "CANCELLED"
  | "INTERNAL_ERROR"
  | "INVALID_STATE"
  | "DATA_LOSS"
  | "NOT_IMPLEMENTED"
  | "TEMPORARILY_UNAVAILABLE"
  | "DEADLINE_EXCEEDED"
  | "FEATURE_DISABLED"
  | "INVALID_STATE_TRANSITION";

const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  INVALID_PARAMETER_VALUE: 400,
  BAD_REQUEST: 400,
  RESOURCE_ALREADY_EXISTS: 400,
  CUSTOMER_UNAUTHORIZED: 401,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  RESOURCE_DOES_NOT_EXIST: 404,
  NOT_FOUND: 404,
  ENDPOINT_NOT_FOUND: 404,
  ABORTED: 409,
  RESOURCE_CONFLICT: 409,
  ALREADY_EXISTS: 409,
  REQUEST_LIMIT_EXCEEDED: 429,
  RESOURCE_EXHAUSTED: 429,
  CANCELLED: 499,
  INTERNAL_ERROR: 500,
  INVALID_STATE: 500,
  DATA_LOSS: 500,
  NOT_IMPLEMENTED: 501,
  TEMPORARILY_UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};

/**
 * MLflow 3.18 classifies every server-side error for observability: a SQLSTATE-like code and an
 * error class, both derived from the error code alone (its client-side tables, which the server
 * uses too). Clients ignore them, but bodies should match the reference byte for byte.
 */
const INVALID = { sqlstate: "KAM00", errorClass: "INVALID_PARAMETER_VALUE" };
const CLASSIFICATION: Partial<Record<ErrorCode, { sqlstate: string; errorClass: string }>> = {
  BAD_REQUEST: INVALID,
  INVALID_PARAMETER_VALUE: INVALID,
  CUSTOMER_UNAUTHORIZED: { sqlstate: "KAM00", errorClass: "PERMISSION_DENIED" },
  PERMISSION_DENIED: { sqlstate: "KAM00", errorClass: "PERMISSION_DENIED" },
  ENDPOINT_NOT_FOUND: { sqlstate: "KAM00", errorClass: "RESOURCE_NOT_FOUND" },
  NOT_FOUND: { sqlstate: "KAM00", errorClass: "RESOURCE_NOT_FOUND" },
  RESOURCE_DOES_NOT_EXIST: { sqlstate: "KAM00", errorClass: "RESOURCE_NOT_FOUND" },
  RESOURCE_ALREADY_EXISTS: { sqlstate: "KAM00", errorClass: "RESOURCE_ALREADY_EXISTS" },
  FEATURE_DISABLED: { sqlstate: "KAM00", errorClass: "FEATURE_DISABLED" },
  INTERNAL_ERROR: { sqlstate: "XXM00", errorClass: "CLIENT_INTERNAL_ERROR" },
  INVALID_STATE: { sqlstate: "XXM00", errorClass: "CLIENT_INTERNAL_ERROR" },
  TEMPORARILY_UNAVAILABLE: { sqlstate: "XXM00", errorClass: "CLIENT_INTERNAL_ERROR" },
};

/** MLflow answers 500 for any code it has no explicit status for. */
export function httpStatusFor(code: ErrorCode): number {
  return STATUS_BY_CODE[code] ?? 500;
}

export class MlflowError extends Error {
  readonly code: ErrorCode;
  /** Extra response headers, e.g. Retry-After on throttling. */
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = "MlflowError";
    this.code = code;
    this.headers = headers;
  }

  get status(): number {
    return httpStatusFor(this.code);
  }

  toJSON(): { error_code: ErrorCode; message: string; sqlstate?: string; error_class?: string } {
    const classified = CLASSIFICATION[this.code];
    const body: { error_code: ErrorCode; message: string; sqlstate?: string; error_class?: string } = {
      error_code: this.code,
      message: this.message,
    };
    if (classified) {
      body.sqlstate = classified.sqlstate;
      body.error_class = classified.errorClass;
    }
    return body;
  }

  static invalidParameter(message: string): MlflowError {
    return new MlflowError("INVALID_PARAMETER_VALUE", message);
  }

  static notFound(message: string): MlflowError {
    return new MlflowError("RESOURCE_DOES_NOT_EXIST", message);
  }

  static alreadyExists(message: string): MlflowError {
    return new MlflowError("RESOURCE_ALREADY_EXISTS", message);
  }
}

/**
 * How the module that talks to a dependency (the database, the artifact store) classifies one of
 * its failures. Those modules know nothing of HTTP; this file alone decides what the client sees.
 * - `unavailable`: unreachable, stalled past its deadline, overloaded or restarting; the same
 *   request can succeed later.
 * - `invalid_input`: the dependency refused a value from the request (e.g. Postgres class 22).
 * - `internal`: anything else: a bug, or a misconfiguration.
 */
export type FailureKind = "unavailable" | "invalid_input" | "internal";

export interface Failure {
  kind: FailureKind;
  /** What failed, as the client's message names it, e.g. "backend database". */
  dependency: string;
  /** The dependency's code (a SQLSTATE), if it gave one. */
  code?: string;
  /** The dependency's words on an invalid value, for the client only: they may quote the value. */
  userMessage?: string;
  /** What went wrong without any request data (no SQL parameters, no values): the only part logged. */
  logDetail: string;
}

/**
 * The MLflow error for a classified failure.
 *
 * A 503 carries no Retry-After. The official client retries 503s with urllib3's Retry (7 retries,
 * backoff factor 2, plus jitter: it waits 0, 4, 8, 16, 32, 64 and 120 s, about 4 minutes in all),
 * but a Retry-After header replaces that backoff with the header's value: `Retry-After: 1` made it
 * give up after about 7 seconds, so an 8-second database restart crashed a training script. The
 * client's own backoff suits an outage of unknown length better than any fixed value we could
 * name (urllib3/util/retry.py: sleep(); mlflow/utils/request_utils.py).
 */
export function errorForFailure(failure: Failure): MlflowError {
  switch (failure.kind) {
    case "unavailable":
      return new MlflowError("TEMPORARILY_UNAVAILABLE", `The ${failure.dependency} is unreachable or overloaded; retry later.`);
    case "invalid_input":
      return MlflowError.invalidParameter(`Invalid value: ${failure.userMessage ?? "rejected by the " + failure.dependency}`);
    case "internal":
      return new MlflowError("INTERNAL_ERROR", failure.code ? `Database error (SQLSTATE ${failure.code}).` : "Internal server error.");
  }
}

/** Any error no module classified: an internal error, logged by its type and first line only. */
export function unclassifiedFailure(err: unknown): Failure {
  const e = err instanceof Error ? err : new Error(String(err));
  return { kind: "internal", dependency: "server", logDetail: `${e.name}: ${e.message.split("\n")[0]!.slice(0, 200)}` };
}

const API_DOCS_HINT = " See the API docs for more information about request parameters.";

/** The message MLflow's request schema gives for a missing or empty required field. */
export function missingParameter(name: string): MlflowError {
  return MlflowError.invalidParameter(`Missing value for required parameter '${name}'.${API_DOCS_HINT}`);
}

/** The message MLflow's request schema gives for a field of the wrong type. */
export function invalidParameterType(name: string, value: unknown): MlflowError {
  return MlflowError.invalidParameter(
    `Invalid value ${compactJson(value)} for parameter '${name}' supplied:  Hint: Value was of type '${pythonTypeName(value)}'.${API_DOCS_HINT}`,
  );
}

/** Renders a value as Python's `json.dumps(v, sort_keys=True, separators=(",", ":"))`. */
export function compactJson(value: unknown): string {
  // Integers past 2^53 arrive as bigints (src/lib/int64.ts); Python prints them as plain digits.
  const exact = (_key: string, v: unknown) => (typeof v === "bigint" ? (JSON as unknown as { rawJSON(t: string): unknown }).rawJSON(v.toString()) : v);
  return JSON.stringify(sortKeys(value), exact) ?? "null";
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

function pythonTypeName(value: unknown): string {
  if (value === null || value === undefined) return "NoneType";
  if (Array.isArray(value)) return "list";
  switch (typeof value) {
    case "string":
      return "str";
    case "boolean":
      return "bool";
    case "number":
      return Number.isInteger(value) ? "int" : "float";
    case "bigint":
      return "int";
    default:
      return "dict";
  }
}
