/**
 * MLflow request messages, each declared once. A declaration gives the decoder (MLflow's handler
 * semantics), the TypeScript type of the decoded request and, through it, the fields that
 * authorization reads: handlers and permission checks see the same decoded object.
 *
 *   const SetTag = message({
 *     run_id: string().required().check(isString),
 *     run_uuid: string(),
 *     key: string().required().check(isString),
 *     value: string().check(isString),
 *   }).map((m) => ({ ...m, run_id: m.run_id || m.run_uuid || "" }));
 *   type SetTag = Infer<typeof SetTag>;
 *
 * Decoding follows MLflow 3.18's `_get_request_message`:
 *   1. a field spelled both ways (`run_id` and `runId`) is refused, at every nesting level;
 *   2. a lenient proto parse (protobuf's ParseDict: unknown fields ignored, lowerCamelCase names,
 *      int64 as number or numeric string, "NaN"/"Infinity" doubles, bools for numbers);
 *   3. the handler's schema checks, per field in declaration order, reading the snake_case key
 *      only (with `run_uuid` standing in for a missing `run_id`); type checks run only when the
 *      proto parse failed;
 *   4. a parse failure that no schema check explained is still a 400 (MLflow would go on with a
 *      partly parsed message; we refuse it);
 *   5. the message's `map` step (legacy aliases, canonical ids), so every reader of the request
 *      sees one resolved value.
 */
import { MlflowError, invalidParameterType, missingParameter } from "../errors";
import { exactInt, inInt64Range, type Int64 } from "../lib/int64";
import { pyIntString } from "../lib/python-repr";

type Json = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------
// Schema checks: MLflow's `_assert_*` validators.
// ---------------------------------------------------------------------------------------------

export interface CheckInput {
  /** The raw value under the snake_case key (undefined when absent). */
  value: unknown;
  field: string;
  /** Whether the proto parse of the whole message succeeded (MLflow then skips type checks). */
  protoParsed: boolean;
  /** The whole raw request, for checks that look at entries (LogBatch). */
  data: Json;
}

export interface Check {
  (input: CheckInput): void;
  /** A type check, skipped when the proto parse succeeded. */
  typeCheck?: boolean;
}

function typeCheck(test: (v: unknown) => boolean): Check {
  const check: Check = ({ value, field }) => {
    if (value === undefined) return;
    if (!test(value)) throw invalidParameterType(field, value);
  };
  check.typeCheck = true;
  return check;
}

export const required: Check = ({ value, field }) => {
  if (value === undefined || value === null || value === "") throw missingParameter(field);
};

export const isString = typeCheck((v) => typeof v === "string");
export const isIntLike = typeCheck(
  (v) => (typeof v === "number" && Number.isInteger(v)) || typeof v === "bigint" || (typeof v === "string" && /^\s*[-+]?\d+\s*$/.test(v)),
);
export const isFloatLike = typeCheck(
  (v) => typeof v === "number" || typeof v === "bigint" || (typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v))) || v === "NaN",
);
export const isArray = typeCheck((v) => Array.isArray(v));
export const isBool = typeCheck((v) => typeof v === "boolean");
/** MLflow's `_assert_item_type_string`, reported as a type error. */
export const isStringList = typeCheck((v) => !Array.isArray(v) || v.every((x) => typeof x === "string"));

/** `lambda x: _assert_less_than_or_equal(int(x), max)`; a non-integer is a type error, never a 500. */
export function atMost(max: number, message?: (value: unknown) => string): Check {
  return ({ value, field }) => {
    if (value === undefined || value === null) return;
    const n = Number(value);
    if (!Number.isFinite(n) || n > max) {
      throw message ? MlflowError.invalidParameter(message(value)) : invalidParameterType(field, value);
    }
  };
}

/** Each entry of a repeated message must carry these fields (MLflow reports `metrics[3].key`). */
export function entriesRequire(...names: string[]): Check {
  return ({ value, field }) => {
    if (!Array.isArray(value)) return;
    value.forEach((item, idx) => {
      for (const name of names) {
        const v = (item as Json | null)?.[name];
        if (v === undefined || v === null || v === "") throw missingParameter(`${field}[${idx}].${name}`);
      }
    });
  };
}

// ---------------------------------------------------------------------------------------------
// Fields
// ---------------------------------------------------------------------------------------------

type ScalarKind = "string" | "int64" | "int32" | "double" | "bool";

interface FieldShape {
  readonly kind: ScalarKind | "enum" | "message" | "map" | "any";
  readonly repeated: boolean;
  readonly checks: readonly Check[];
  readonly enumValues?: readonly string[];
  readonly message?: Message<unknown>;
  /** Applied to a successfully parsed value (e.g. canonical experiment ids). */
  readonly canonical?: (v: unknown) => unknown;
}

/** A declared field. `T` is the decoded type; `R` whether the schema requires it. */
export class Field<T, R extends boolean = false> implements FieldShape {
  declare readonly __type: T;
  declare readonly __required: R;

  constructor(
    readonly kind: FieldShape["kind"],
    readonly repeated: boolean,
    readonly checks: readonly Check[] = [],
    readonly enumValues?: readonly string[],
    readonly message?: Message<unknown>,
    readonly canonical?: (v: unknown) => unknown,
  ) {}

  private with(checks: readonly Check[]): this {
    return new Field(this.kind, this.repeated, checks, this.enumValues, this.message, this.canonical) as this;
  }

  /** MLflow's `_assert_required`: absent, null and "" are missing. Appended in call order. */
  required(): Field<T, true> {
    return this.with([...this.checks, required]) as unknown as Field<T, true>;
  }

  /** Further schema checks, appended in call order (MLflow's order decides which error shows). */
  check(...checks: Check[]): this {
    return this.with([...this.checks, ...checks]);
  }
}

export const string = () => new Field<string>("string", false);
/** An int64: a number while exact, a bigint past 2^53 (src/lib/int64.ts). */
export const int64 = () => new Field<Int64>("int64", false);
export const int32 = () => new Field<number>("int32", false);
export const double = () => new Field<number>("double", false);
export const bool = () => new Field<boolean>("bool", false);
export const enumOf = <const V extends readonly string[]>(values: V) => new Field<V[number]>("enum", false, [], values);
export const nested = <T>(m: Message<T>) => new Field<T>("message", false, [], undefined, m as Message<unknown>);
/** A proto map (or google.protobuf.Struct): kept as the JSON object it arrived as. */
export const mapOf = () => new Field<Record<string, unknown>>("map", false);
/** Any JSON value, kept as sent (for non-proto APIs, e.g. the auth app's `is_admin`). */
export const anyValue = () => new Field<unknown>("any", false);

/**
 * An experiment id, canonicalised once at decode time (`02`, `+2`, ` 2 ` → `2`) so permission
 * lookups and the handler name the same experiment. Values that are not integers stay as sent;
 * the service rejects them with MLflow's message.
 */
export const experimentId = () => new Field<string>("string", false, [], undefined, undefined, canonicalExperimentId);

export function canonicalExperimentId(v: unknown): unknown {
  return typeof v === "string" ? (pyIntString(v) ?? v) : v;
}

type Item<F> = F extends Field<infer T, boolean> ? T : F extends Message<infer T> ? T : never;

/** A repeated field of scalars or messages; decodes to an array (empty when absent). */
export function repeated<F extends Field<unknown, boolean> | Message<unknown>>(item: F): Field<Item<F>[]> {
  if (item instanceof Message) return new Field<Item<F>[]>("message", true, [], undefined, item);
  const f = item as Field<unknown, boolean>;
  return new Field<Item<F>[]>(f.kind, true, [], f.enumValues, f.message, f.canonical);
}

// ---------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------

type Fields = Record<string, Field<unknown, boolean>>;

type Simplify<T> = { [K in keyof T]: T[K] } & {};
type RequiredKeys<F extends Fields> = { [K in keyof F]: F[K] extends Field<unknown, true> ? K : F[K] extends Field<unknown[], boolean> ? K : never }[keyof F];

/** The decoded shape of a field set: required fields and lists are always present. */
export type Decoded<F extends Fields> = Simplify<
  { [K in RequiredKeys<F>]: F[K]["__type"] } & { [K in Exclude<keyof F, RequiredKeys<F>>]?: F[K]["__type"] }
>;

export type Infer<M> = M extends Message<infer T> ? T : never;

class ParseFailure extends Error {}

const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());

export class Message<T> {
  /** The decoded type, for inference only. */
  declare readonly __decoded: T;

  constructor(
    readonly fields: Fields,
    private readonly after: (m: never) => T = (m) => m as T,
  ) {}

  /** A step after decoding (legacy aliases, defaults); its result is what every reader sees. */
  map<U>(fn: (m: T) => U): Message<U> {
    const before = this.after as (m: never) => T;
    return new Message<U>(this.fields, (m: never) => fn(before(m)));
  }

  /**
   * Decodes request JSON. `data` is the body object, or the query string already turned into
   * JSON by {@link queryToJson}.
   */
  decode(data: Json): T {
    rejectConflictingAliases(data, this.fields);
    let parsed: Json;
    let protoParsed = true;
    try {
      parsed = parseFields(data, this.fields);
    } catch (e) {
      if (!(e instanceof ParseFailure)) throw e;
      protoParsed = false;
      parsed = parseLeniently(data, this.fields);
    }
    runSchema(data, this.fields, protoParsed);
    if (!protoParsed) explainParseFailure(data, this.fields);
    return (this.after as (m: Json) => T)(parsed);
  }
}

export function message<F extends Fields>(fields: F): Message<Decoded<F>> {
  return new Message<Decoded<F>>(fields);
}

// ---- 1. conflicting spellings ----

function rejectConflictingAliases(data: unknown, fields: Fields): void {
  if (data === null || typeof data !== "object" || Array.isArray(data)) return;
  const json = data as Json;
  for (const [name, f] of Object.entries(fields)) {
    const alias = camel(name);
    if (alias !== name && name in json && alias in json) {
      throw MlflowError.invalidParameter(`Request specifies both '${name}' and '${alias}'; provide only one of them.`);
    }
    if (f.kind !== "message" || !f.message) continue;
    const v = json[name] ?? json[alias];
    for (const item of Array.isArray(v) ? v : [v]) rejectConflictingAliases(item, f.message.fields);
  }
}

// ---- 2. proto parse ----

/** protobuf's integer parsing: numbers, numeric strings, integral floats (5.0, "5e3"), bools; exact past 2^53. */
function parseInteger(v: unknown): Int64 {
  if (typeof v === "boolean") return v ? 1 : 0; // ParseDict takes bools for numbers
  if (typeof v === "number" && Number.isInteger(v)) return v;
  if (typeof v === "bigint") return exactInt(v);
  if (typeof v === "string" && /^\s*-?\d+\s*$/.test(v)) return exactInt(v);
  if (typeof v === "string" && v.trim() !== "" && Number.isInteger(Number(v))) return Number(v);
  throw new ParseFailure();
}

function parseScalar(kind: ScalarKind, v: unknown): unknown {
  switch (kind) {
    case "string":
      if (typeof v !== "string") throw new ParseFailure();
      return v;
    case "bool":
      if (typeof v !== "boolean") throw new ParseFailure();
      return v;
    case "int32":
    case "int64": {
      const n = parseInteger(v);
      const fits = kind === "int64" ? inInt64Range(n) : typeof n === "number" && n >= -(2 ** 31) && n < 2 ** 31;
      if (!fits) throw new ParseFailure();
      return n;
    }
    case "double": {
      if (typeof v === "boolean") return v ? 1 : 0;
      if (typeof v === "number") return v;
      if (typeof v === "bigint") return Number(v);
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

function parseOne(f: FieldShape, v: unknown): unknown {
  let out: unknown;
  switch (f.kind) {
    case "enum": {
      const values = f.enumValues ?? [];
      if (typeof v === "string" && values.includes(v)) out = v;
      else if (typeof v === "number" && Number.isInteger(v) && v >= 1 && v <= values.length) out = values[v - 1];
      else throw new ParseFailure();
      break;
    }
    case "message":
      if (v === null || typeof v !== "object" || Array.isArray(v)) throw new ParseFailure();
      out = parseFields(v as Json, f.message!.fields);
      break;
    case "map":
      if (v === null || typeof v !== "object" || Array.isArray(v)) throw new ParseFailure();
      out = v;
      break;
    case "any":
      out = v;
      break;
    default:
      out = parseScalar(f.kind, v);
  }
  return f.canonical ? f.canonical(out) : out;
}

function parseField(f: FieldShape, v: unknown): unknown {
  if (!f.repeated) return parseOne(f, v);
  if (v === null) return [];
  if (!Array.isArray(v)) throw new ParseFailure();
  return v.map((item) => parseOne(f, item));
}

function rawField(json: Json, name: string): unknown {
  const v = json[name];
  return v === undefined ? json[camel(name)] : v;
}

/** Repeated fields decode to [] when absent, at every nesting level, as protobuf reads them. */
function withEmptyLists(out: Json, fields: Fields): Json {
  for (const [name, f] of Object.entries(fields)) if (f.repeated && out[name] === undefined) out[name] = [];
  return out;
}

function parseFields(json: Json, fields: Fields): Json {
  const out: Json = {};
  for (const [name, f] of Object.entries(fields)) {
    const v = rawField(json, name);
    if (v === undefined || (v === null && !f.repeated)) continue;
    out[name] = parseField(f, v);
  }
  return withEmptyLists(out, fields);
}

/** After a failed parse: the fields that do parse (the schema checks name the offending one). */
function parseLeniently(json: Json, fields: Fields): Json {
  const out: Json = {};
  for (const [name, f] of Object.entries(fields)) {
    const v = rawField(json, name);
    if (v === undefined || v === null) continue;
    try {
      out[name] = parseField(f, v);
    } catch {
      /* reported by the schema checks or explainParseFailure */
    }
  }
  return withEmptyLists(out, fields);
}

// ---- 3. schema ----

/** The value MLflow's schema check sees: the snake_case key, `run_uuid` standing in for `run_id`. */
function schemaValue(data: Json, field: string): unknown {
  const v = data[field];
  if (field === "run_id" && (v === undefined || v === null) && "run_uuid" in data) return data["run_uuid"];
  return v;
}

function runSchema(data: Json, fields: Fields, protoParsed: boolean): void {
  for (const [field, f] of Object.entries(fields)) {
    if (f.checks.length === 0) continue;
    if (!(field in data) && !f.checks.includes(required)) continue;
    const value = schemaValue(data, field);
    for (const check of f.checks) {
      if (check.typeCheck && protoParsed) continue;
      check({ value, field, protoParsed, data });
    }
  }
}

// ---- 4. unexplained parse failures ----

function explainParseFailure(data: Json, fields: Fields): void {
  for (const [name, f] of Object.entries(fields)) {
    const v = rawField(data, name);
    if (v === undefined || v === null) continue;
    try {
      parseField(f, v);
    } catch {
      throw invalidParameterType(name, v);
    }
  }
}

/** Converts query parameters into JSON the way MLflow does: declared top-level snake_case fields only. */
export function queryToJson(query: URLSearchParams, m: Message<unknown>): Json {
  const json: Json = {};
  for (const [name, f] of Object.entries(m.fields)) {
    if (!query.has(name)) continue;
    if (f.repeated) {
      json[name] = query.getAll(name);
      continue;
    }
    const value = query.get(name) ?? "";
    if (f.kind === "bool") {
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

// ---------------------------------------------------------------------------------------------
// Shared message parts
// ---------------------------------------------------------------------------------------------

export const KeyValue = message({ key: string(), value: string() });
export type KeyValue = Infer<typeof KeyValue>;

/** A key/value pair with proto defaults applied ("" for an unset key or value). */
export const keyValue = (t: KeyValue): { key: string; value: string } => ({ key: t.key ?? "", value: t.value ?? "" });

/** Resolves MLflow's legacy `run_uuid` alias: handlers read `run_id or run_uuid`. */
export const withRunId = <M extends { run_id?: string; run_uuid?: string }>(m: M): Omit<M, "run_id" | "run_uuid"> & { run_id: string } => {
  const { run_uuid, run_id, ...rest } = m;
  return { ...rest, run_id: run_id || run_uuid || "" };
};
