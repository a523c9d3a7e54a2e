/**
 * Classifies database failures for src/errors.ts, which alone turns them into responses.
 *
 * Errors arrive wrapped: Drizzle's DrizzleQueryError (whose message holds the SQL *and its
 * parameters*, i.e. user data) around the driver's error (NeonDbError on HTTP, pg's DatabaseError
 * on the WebSocket), around the transport's failure. Nothing from a wrapper's message is ever kept
 * for logging: only SQLSTATEs and the transports' own descriptions.
 */
import { DrizzleQueryError } from "drizzle-orm";
import type { Failure } from "../errors";
import { DeadlineExceeded } from "../lib/deadline";

/** The transport could not carry a statement to Postgres or its answer back. */
export class DatabaseUnreachable extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = "DatabaseUnreachable";
  }
}

const DEPENDENCY = "backend database";
/** The name our transports give the database in DeadlineExceeded. */
export const DATABASE_DEADLINE = "database";

/**
 * SQLSTATEs after which the same statement can succeed later: connection exceptions (08),
 * insufficient resources such as too many connections (53), operator intervention such as a
 * restart or our statement_timeout (57), and serialization failures and deadlocks (40001, 40P01).
 */
function isTransient(sqlstate: string): boolean {
  return ["08", "53", "57"].includes(sqlstate.slice(0, 2)) || sqlstate === "40001" || sqlstate === "40P01";
}

interface Inspectable {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  sourceError?: unknown;
}

/** The error and what it wraps, outermost first. */
function chainOf(err: unknown): Inspectable[] {
  const chain: Inspectable[] = [];
  let e = err as Inspectable | undefined;
  while (e && typeof e === "object" && chain.length < 6) {
    chain.push(e);
    e = (e.cause ?? e.sourceError) as Inspectable | undefined;
  }
  return chain;
}

const isSqlState = (code: unknown): code is string => typeof code === "string" && /^[0-9A-Z]{5}$/.test(code);

/** The SQLSTATE of a driver error, wherever it is wrapped. */
export function sqlState(err: unknown): string | undefined {
  const code = chainOf(err).find((e) => isSqlState(e.code))?.code;
  return isSqlState(code) ? code : undefined;
}

/** The driver's words for a non-2xx answer of the HTTP endpoint: `Server error (HTTP status 503): …`. */
const HTTP_STATUS = /^Server error \(HTTP status (\d{3})\)/;

/**
 * The classification of `err` if it came from the database path, else undefined. A failure is
 * `unavailable` when the transport failed or stalled, when the endpoint answered 5xx, or when
 * Postgres reported a transient condition; `invalid_input` for class 22 (a value that does not fit
 * its column: the client's error, which a retry cannot fix); `internal` otherwise.
 */
export function databaseFailure(err: unknown): Failure | undefined {
  const chain = chainOf(err);
  // (DrizzleQueryError keeps the name "Error": it is recognised by its class.)
  const fromDatabase = chain.some((e) => e instanceof DrizzleQueryError || e.name === "NeonDbError" || e.name === "DatabaseUnreachable");
  const deadline = chain.find((e): e is DeadlineExceeded => e instanceof DeadlineExceeded && e.dependency === DATABASE_DEADLINE);
  if (deadline) return { kind: "unavailable", dependency: DEPENDENCY, logDetail: deadline.message };
  if (!fromDatabase) return undefined;

  const coded = chain.find((e) => isSqlState(e.code));
  if (coded && isSqlState(coded.code)) {
    const code = coded.code;
    const logDetail = `SQLSTATE ${code}`;
    if (isTransient(code)) return { kind: "unavailable", dependency: DEPENDENCY, code, logDetail };
    if (code.startsWith("22")) return { kind: "invalid_input", dependency: DEPENDENCY, code, userMessage: String(coded.message ?? ""), logDetail };
    return { kind: "internal", dependency: DEPENDENCY, code, logDetail };
  }
  const unreachable = chain.find((e) => e.name === "DatabaseUnreachable");
  if (unreachable) return { kind: "unavailable", dependency: DEPENDENCY, logDetail: `unreachable: ${String(unreachable.message)}` };
  // A read of the endpoint's answer cut short by the deadline's abort signal.
  if (chain.some((e) => e.name === "TimeoutError" || e.name === "AbortError")) {
    return { kind: "unavailable", dependency: DEPENDENCY, logDetail: "the answer was cut off by the deadline" };
  }
  const neon = chain.find((e) => e.name === "NeonDbError");
  const status = neon ? HTTP_STATUS.exec(String(neon.message ?? ""))?.[1] : undefined;
  if (status) {
    // 5xx: the endpoint or the database behind it is down or overloaded; 507 (answer too large) is ours.
    const transient = status.startsWith("5") && status !== "507";
    return { kind: transient ? "unavailable" : "internal", dependency: DEPENDENCY, logDetail: `the SQL endpoint answered HTTP ${status}` };
  }
  // The endpoint's own 400s (code "": bad connection string, wrong password) are a misconfiguration;
  // their messages are about our settings, never about request data. The driver's own refusals (an
  // unparsable DATABASE_URL) quote the connection string, password included: never logged.
  const refusal =
    neon?.code === ""
      ? `the SQL endpoint refused the request: ${String(neon.message ?? "").slice(0, 200)}`
      : neon
        ? "the driver refused the configuration (check DATABASE_URL)"
        : "driver error without SQLSTATE";
  return { kind: "internal", dependency: DEPENDENCY, logDetail: refusal };
}
