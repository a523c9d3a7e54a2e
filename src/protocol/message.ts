/**
 * Request decoding with the semantics of MLflow's Flask handlers: a proto-style parse of the JSON
 * body (or of the query string on GET), followed by the handler's schema checks. Proto parsing is
 * lenient like protobuf's ParseDict: unknown fields are ignored, lowerCamelCase names are accepted,
 * int64 arrives as a number or a numeric string, doubles may be "NaN"/"Infinity".
 */
import { MlflowError, invalidParameterType, missingParameter } from "../errors";

export type ScalarType = "string" | "int64" | "int32" | "double" | "bool";

export interface FieldSpec {
  type: ScalarType | "enum" | "message" | "map";
  repeated?: boolean;
  /** Enum value names in declaration order (index + 1 = wire number, as in MLflow's protos). */
  values?: readonly string[];
  /** Nested message fields. */
  fields?: MessageSpec;
}

export type MessageSpec = Record<string, FieldSpec>;

export type Decoded = Record<string, unknown>;

/** Raw request data as it arrived, before proto parsing; the handler schema checks read it. */
export interface RawRequest {
  data: Record<string, unknown>;
  /** False when proto parsing rejected a value; then MLflow runs the schema's type checks. */
  protoParsed: boolean;
}

const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());

class ParseFailure extends Error {}

function parseScalar(type: ScalarType, v: unknown): unknown {
  switch (type) {
    case "string":
      if (typeof v !== "string") throw new ParseFailure();
      return v;
    case "bool":
      if (typeof v !== "boolean") throw new ParseFailure();
      return v;
    case "int32":
    case "int64": {
      if (typeof v === "boolean") return v ? 1 : 0; // protobuf's ParseDict takes bools for numbers
      if (typeof v === "number" && Number.isInteger(v)) return v;
      if (typeof v === "string" && /^-?\d+$/.test(v.trim())) return Number(v.trim());
      // protobuf accepts floats with an integral value, e.g. 5.0 or "5e3".
      if (typeof v === "string" && v.trim() !== "" && Number.isInteger(Number(v))) return Number(v);
      throw new ParseFailure();
    }
    case "double": {
      if (typeof v === "boolean") return v ? 1 : 0;
      if (typeof v === "number") return v;
      if (typeof v === "string") {
        if (v === "NaN") return NaN;
        if (v === "Infinity" || v === "inf") return Infinity;
        if (v === "-Infinity" || v === "-inf") return -Infinity;
        const n = Number(v);
        if (v.trim() !== "" && !Number.isNaN(n)) return n;
      }
      throw new ParseFailure();
    }
  }
}

function parseField(spec: FieldSpec, v: unknown): unknown {
  if (spec.repeated) {
    if (v === null) return [];
    if (!Array.isArray(v)) throw new ParseFailure();
    return v.map((item) => parseOne(spec, item));
  }
  return parseOne(spec, v);
}

function parseOne(spec: FieldSpec, v: unknown): unknown {
  switch (spec.type) {
    case "enum": {
      const values = spec.values ?? [];
      if (typeof v === "string" && values.includes(v)) return v;
      if (typeof v === "number" && Number.isInteger(v) && v >= 1 && v <= values.length) return values[v - 1];
      throw new ParseFailure();
    }
    case "message":
      if (v === null || typeof v !== "object" || Array.isArray(v)) throw new ParseFailure();
      return parseMessage(v as Record<string, unknown>, spec.fields ?? {});
    case "map":
      if (v === null || typeof v !== "object" || Array.isArray(v)) throw new ParseFailure();
      return v;
    default:
      return parseScalar(spec.type, v);
  }
}

/** Proto-style parse; throws ParseFailure on the first value of the wrong type. */
function parseMessage(json: Record<string, unknown>, spec: MessageSpec): Decoded {
  const out: Decoded = {};
  for (const [name, field] of Object.entries(spec)) {
    let v = json[name];
    if (v === undefined) v = json[camel(name)];
    if (v === undefined || (v === null && !field.repeated)) continue;
    out[name] = parseField(field, v);
  }
  return out;
}

export interface DecodeResult {
  message: Decoded;
  raw: RawRequest;
}

/** Decodes a request into a message; type errors are reported through the handler's schema. */
export function decodeMessage(data: Record<string, unknown>, spec: MessageSpec): DecodeResult {
  try {
    return { message: parseMessage(data, spec), raw: { data, protoParsed: true } };
  } catch (e) {
    if (!(e instanceof ParseFailure)) throw e;
    // Keep the fields that do parse; the schema checks below name the offending one.
    const message: Decoded = {};
    for (const [name, field] of Object.entries(spec)) {
      const v = data[name] ?? data[camel(name)];
      if (v === undefined || v === null) continue;
      try {
        message[name] = parseField(field, v);
      } catch {
        /* reported by checkTypes */
      }
    }
    return { message, raw: { data, protoParsed: false } };
  }
}

/** Converts query parameters into JSON the way MLflow does: only declared top-level fields. */
export function queryToJson(query: URLSearchParams, spec: MessageSpec): Record<string, unknown> {
  const json: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(spec)) {
    if (!query.has(name)) continue;
    if (field.repeated) {
      json[name] = query.getAll(name);
      continue;
    }
    const value = query.get(name) ?? "";
    if (field.type === "bool") {
      const lower = value.toLowerCase();
      if (lower !== "true" && lower !== "false") {
        throw MlflowError.invalidParameter(`Invalid boolean value: ${value}, must be 'true' or 'false'.`);
      }
      json[name] = lower === "true";
    } else {
      json[name] = value;
    }
  }
  return json;
}

// ---- Handler schema checks (MLflow's _assert_* validators), in the order a handler lists them ----

export type Check = (raw: RawRequest, field: string) => void;

function rawValue(raw: RawRequest, field: string): unknown {
  const v = raw.data[field] ?? raw.data[camel(field)];
  // MLflow lets the legacy run_uuid stand in for a missing run_id.
  if (field === "run_id" && (v === undefined || v === null)) return raw.data["run_uuid"] ?? raw.data["runUuid"];
  return v;
}

export const required: Check = (raw, field) => {
  const v = rawValue(raw, field);
  if (v === undefined || v === null || v === "") throw missingParameter(field);
};

function typeCheck(test: (v: unknown) => boolean): Check {
  return (raw, field) => {
    if (raw.protoParsed) return; // MLflow trusts a successful proto parse
    const v = rawValue(raw, field);
    if (v === undefined) return;
    if (!test(v)) throw invalidParameterType(field, v);
  };
}

export const isString = typeCheck((v) => typeof v === "string");
export const isIntLike = typeCheck((v) => (typeof v === "number" && Number.isInteger(v)) || (typeof v === "string" && /^\s*[-+]?\d+\s*$/.test(v)));
export const isFloatLike = typeCheck((v) => (typeof v === "number") || (typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v))) || v === "NaN");
export const isArray = typeCheck((v) => Array.isArray(v));
export const isBool = typeCheck((v) => typeof v === "boolean");

/**
 * Runs a handler schema: for each field present (or required), its checks in order. After the checks,
 * a proto parse failure that no type check explained is still a client error, never a 500.
 */
export function applySchema(raw: RawRequest, schema: Record<string, Check[]>): void {
  for (const [field, checks] of Object.entries(schema)) {
    const present = rawValue(raw, field) !== undefined;
    if (!present && !checks.includes(required)) continue;
    for (const check of checks) check(raw, field);
  }
}

export function assertProtoParsed(raw: RawRequest, spec: MessageSpec): void {
  if (raw.protoParsed) return;
  for (const [name, field] of Object.entries(spec)) {
    const v = raw.data[name] ?? raw.data[camel(name)];
    if (v === undefined || v === null) continue;
    try {
      parseField(field, v);
    } catch {
      throw invalidParameterType(name, v);
    }
  }
}
