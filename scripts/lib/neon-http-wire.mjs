// The wire format of Neon's HTTP SQL endpoint (`POST /sql`), as @neondatabase/serverless 1.2.0 and
// Neon's proxy speak it (shared/reference/neon-http.md): what a request may carry, how parameters
// become Postgres text, how a result and an error are written. No I/O here: the server
// (neon-http-server.mjs) reads and writes, the backend (neon-http-backend.mjs) runs the SQL.

export const MAX_REQUEST_BYTES = 10 * 1024 * 1024;
export const MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

const ISOLATION_LEVELS = {
  ReadUncommitted: "READ UNCOMMITTED",
  ReadCommitted: "READ COMMITTED",
  RepeatableRead: "REPEATABLE READ",
  Serializable: "SERIALIZABLE",
};

/** A failure the proxy itself reports (not Postgres): `code` and `severity` are "" in its body. */
export class ProxyError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** The 17 keys of every error body, in the proxy's order. */
const ERROR_FIELDS = [
  "message", "code", "detail", "hint", "position", "internalPosition", "internalQuery", "severity", "where",
  "table", "column", "schema", "dataType", "constraint", "file", "line", "routine",
];

/**
 * The error body for `err`: a Postgres error (pg's DatabaseError carries the same field names)
 * keeps every field, with `position` and `line` as strings and absent fields null; anything else
 * is the proxy's own failure, with empty `code` and `severity`.
 */
export function errorBody(err) {
  const body = Object.fromEntries(ERROR_FIELDS.map((k) => [k, null]));
  body.message = String(err?.message ?? err);
  if (isPostgresError(err)) {
    for (const key of ERROR_FIELDS.slice(1)) {
      const value = err[key];
      if (value !== undefined && value !== null) body[key] = String(value);
    }
  } else {
    body.code = "";
    body.severity = "";
  }
  return body;
}

export function isPostgresError(err) {
  return typeof err?.code === "string" && /^[0-9A-Z]{5}$/.test(err.code) && typeof err.severity === "string";
}

/**
 * Reads `Neon-Connection-String` as the proxy does: required, postgres:// or postgresql://, a user,
 * a database, and a password unless a bearer token comes instead. Unlike Neon, IP hosts are
 * accepted: locally the same URL also serves migrations and the WebSocket path.
 */
export function parseConnectionString(header, authorization) {
  if (!header) throw new ProxyError(400, "invalid header: neon-connection-string");
  let url;
  try {
    url = new URL(header);
  } catch {
    throw new ProxyError(400, "invalid connection string: not a URL");
  }
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") throw new ProxyError(400, "incorrect scheme");
  const database = decodeURIComponent(url.pathname.replace(/^\//, "").split("/")[0] ?? "");
  if (!database) throw new ProxyError(400, "missing database name");
  const user = decodeURIComponent(url.username);
  if (!user) throw new ProxyError(400, "missing username");
  if (authorization !== undefined && !authorization.startsWith("Bearer ")) {
    throw new ProxyError(400, "missing authentication credentials: required authorization bearer token in JWT format");
  }
  if (!url.password && authorization === undefined) throw new ProxyError(400, "missing authentication credentials: required password");
  if (!url.hostname) throw new ProxyError(400, "missing hostname");
  return {
    user,
    password: decodeURIComponent(url.password),
    host: url.hostname.replace(/^\[|\]$/g, ""),
    port: Number(url.port || 5432),
    database,
  };
}

/** The request headers that shape a query or a batch. Only the exact value `true` turns a flag on. */
export function parseOptions(headers) {
  const level = headers["neon-batch-isolation-level"];
  if (level !== undefined && !(level in ISOLATION_LEVELS)) throw new ProxyError(400, "invalid isolation level");
  return {
    rawTextOutput: headers["neon-raw-text-output"] === "true",
    arrayMode: headers["neon-array-mode"] === "true",
    isolationLevel: level,
    readOnly: headers["neon-batch-read-only"] === "true",
    deferrable: headers["neon-batch-deferrable"] === "true",
  };
}

/** `START TRANSACTION` with the batch options that are set, comma-separated as tokio-postgres writes them. */
export function startTransactionSql({ isolationLevel, readOnly, deferrable }) {
  const modes = [];
  if (isolationLevel) modes.push(`ISOLATION LEVEL ${ISOLATION_LEVELS[isolationLevel]}`);
  if (readOnly) modes.push("READ ONLY");
  if (deferrable) modes.push("DEFERRABLE");
  return modes.length ? `START TRANSACTION ${modes.join(", ")}` : "START TRANSACTION";
}

/** The batch options that took effect, echoed as response headers. */
export function batchEchoHeaders({ isolationLevel, readOnly, deferrable }) {
  const headers = {};
  if (readOnly) headers["Neon-Batch-Read-Only"] = "true";
  if (deferrable) headers["Neon-Batch-Deferrable"] = "true";
  if (isolationLevel) headers["Neon-Batch-Isolation-Level"] = isolationLevel;
  return headers;
}

/**
 * Parses a request body: `{query, params?, arrayMode?}` or `{queries: [...]}`. Numbers keep their
 * source text (the proxy's JSON parser keeps 64-bit integers exact; JS numbers would not).
 */
export function parsePayload(text) {
  let body;
  try {
    body = JSON.parse(text, (_key, value, context) => (typeof value === "number" ? new JsonNumber(context.source) : value));
  } catch (e) {
    throw new ProxyError(400, `could not parse the HTTP request body: ${e.message}`);
  }
  const statement = (q) => {
    if (!q || typeof q !== "object" || Array.isArray(q) || typeof q.query !== "string") return null;
    const params = q.params ?? [];
    if (!Array.isArray(params)) return null;
    if (q.arrayMode !== undefined && typeof q.arrayMode !== "boolean") return null;
    return { query: q.query, params: params.map(paramToPgText), arrayMode: q.arrayMode };
  };
  const single = statement(body);
  if (single) return { single };
  if (body && typeof body === "object" && Array.isArray(body.queries)) {
    const batch = body.queries.map(statement);
    if (batch.every(Boolean)) return { batch };
  }
  throw new ProxyError(400, "could not parse the HTTP request body: data did not match any variant of untagged enum Payload");
}

/** A JSON number with its exact source text. */
class JsonNumber {
  constructor(source) {
    this.source = source;
  }
}

/** A parameter as Postgres text: null stays NULL, strings as they are, other scalars and objects as JSON text, arrays as array literals. */
export function paramToPgText(value) {
  if (value === null) return null;
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return arrayLiteral(value);
  return jsonText(value);
}

function arrayLiteral(items) {
  const element = (v) => {
    if (v === null) return "NULL";
    if (Array.isArray(v)) return arrayLiteral(v);
    // Strings, and objects turned into strings, are JSON-quoted: the array parser reads those escapes.
    if (typeof v === "object" && !(v instanceof JsonNumber)) return JSON.stringify(jsonText(v));
    return jsonText(v);
  };
  return `{${items.map(element).join(",")}}`;
}

function jsonText(value) {
  if (value instanceof JsonNumber) return value.source;
  if (Array.isArray(value)) return `[${value.map(jsonText).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${jsonText(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * Writes one statement's result as the proxy does: `fields`, `rows`, `command`, `rowCount`,
 * `rowAsArray`, in that order. Rows are written by hand so that object mode keeps duplicate column
 * names as duplicate keys. `budget` tracks the response size across a batch; like the proxy, the
 * check runs before each row is added.
 */
export function resultJson(result, { arrayMode, budget }) {
  const fields = result.fields.map((f) => ({
    name: f.name,
    dataTypeID: f.dataTypeID,
    tableID: f.tableID,
    columnID: f.columnID,
    dataTypeSize: f.dataTypeSize,
    dataTypeModifier: f.dataTypeModifier,
    format: "text",
  }));
  const names = fields.map((f) => JSON.stringify(f.name));
  let out = `{"fields":${JSON.stringify(fields)},"rows":[`;
  budget.spend(out.length);
  result.rows.forEach((row, i) => {
    budget.check();
    const values = row.map((v) => (v === null ? "null" : JSON.stringify(v)));
    const text = arrayMode ? `[${values.join(",")}]` : `{${values.map((v, j) => `${names[j]}:${v}`).join(",")}}`;
    const piece = i === 0 ? text : `,${text}`;
    budget.spend(Buffer.byteLength(piece));
    out += piece;
  });
  const tail = `],"command":${JSON.stringify(result.command ?? "")},"rowCount":${result.rowCount ?? null},"rowAsArray":${arrayMode}}`;
  budget.spend(tail.length);
  return out + tail;
}

/** The response-size budget of one request (10 MiB, answered with 507 when exceeded). */
export function responseBudget(max = MAX_RESPONSE_BYTES) {
  let used = 0;
  return {
    spend(n) {
      used += n;
    },
    check() {
      if (used > max) throw new ProxyError(507, `response is too large (max is ${max} bytes)`);
    },
  };
}
