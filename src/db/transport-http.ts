/**
 * The HTTP transport: each statement is one HTTPS request to Neon's SQL endpoint (`neon()` under
 * drizzle-orm/neon-http). Neon's proxy keeps warm, logged-in connections next to the database, so
 * a request costs one network exchange: no WebSocket to open, no login, nothing to close.
 *
 * Each statement travels as a two-statement batch, `set_config('statement_timeout', …, true)` and
 * the statement itself, in one transaction. Neon's proxy forwards no session options on this path
 * (only its own `neon_*` ones), so this is how Postgres learns to stop a statement that the Worker
 * has given up on. It is still one exchange; the proxy adds BEGIN/COMMIT next to the database.
 *
 * The same first statement turns JIT compilation off (SESSION_SETTINGS): every statement we send
 * answers one interactive request, and the planner's cost of our per-history lateral reads is high
 * enough to trigger JIT, whose compilation then costs more than it saves (a chart read of 100
 * histories, 100,000 points, not yet vacuumed: 1,006 ms with JIT, 366 ms without).
 */
import { neon, neonConfig, type FullQueryResults, type NeonQueryFunction, type NeonQueryPromise } from "@neondatabase/serverless";
import { drizzle } from "drizzle-orm/neon-http";
import { DeadlineExceeded } from "../lib/deadline";
import type { Db } from "./client";
import { SESSION_SETTINGS, type DatabaseConfig } from "./config";
import { DATABASE_DEADLINE, DatabaseUnreachable } from "./failures";

/** What a session asks of each of its exchanges. It travels in the driver's `fetchOptions`. */
interface ExchangeHooks {
  /** The local stand-in's URL; null means the driver's (Neon's) endpoint. */
  endpoint: string | null;
  timeoutMs: number;
  onSend(): void;
}

const EXCHANGE = Symbol("edge-mlflow exchange");

/**
 * The driver's one fetch hook (`neonConfig.fetchFunction`) is global to the isolate, which serves
 * many requests with different settings at once; so each session's settings ride along with the
 * request it concerns and the hook reads them from there. Requests without them (none today) go
 * out unchanged.
 */
async function exchange(url: string, init: RequestInit & { [EXCHANGE]?: ExchangeHooks }): Promise<Response> {
  const { [EXCHANGE]: hooks, ...request } = init;
  if (!hooks) return fetch(url, request);
  hooks.onSend();
  // Aborting also stops the read of the answer, and tells Neon's proxy to cancel the statement.
  const signal = AbortSignal.timeout(hooks.timeoutMs);
  try {
    return await fetch(hooks.endpoint ?? url, { ...request, signal });
  } catch (err) {
    if (signal.aborted) throw new DeadlineExceeded(DATABASE_DEADLINE, hooks.timeoutMs);
    throw new DatabaseUnreachable(`the SQL endpoint could not be reached (${err instanceof Error ? err.message : String(err)})`);
  }
}
neonConfig.fetchFunction = exchange;

type Sql = NeonQueryFunction<false, true>;
type Result = FullQueryResults<false>;

/** A statement not yet sent: drizzle awaits it, or hands several to `transaction` (db.batch). */
class PendingStatement implements PromiseLike<Result> {
  constructor(
    readonly text: string,
    readonly params: unknown[],
    readonly options: Record<string, unknown> | undefined,
    private readonly send: (statements: PendingStatement[]) => Promise<Result[]>,
  ) {}

  then<A = Result, B = never>(onFulfilled?: ((r: Result) => A | PromiseLike<A>) | null, onRejected?: ((e: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    return this.send([this]).then((results) => results[0]!).then(onFulfilled, onRejected);
  }
}

/**
 * The client drizzle-orm/neon-http drives (it calls `query(text, params, options)` and, for
 * `db.batch`, `transaction(queries)`), sending each statement or batch with its statement timeout.
 */
function timeBoundClient(sql: Sql, statementTimeoutMs: number) {
  const send = async (statements: PendingStatement[]): Promise<Result[]> => {
    const guard = sql.query("select set_config('statement_timeout', $1, true), set_config('jit', $2, true)", [`${statementTimeoutMs}ms`, SESSION_SETTINGS.jit]);
    const queries = statements.map((s) => sql.query(s.text, s.params, s.options) as NeonQueryPromise<false, true>);
    const results = (await sql.transaction([guard, ...queries])) as unknown as Result[];
    return results.slice(1);
  };
  return {
    query: (text: string, params: unknown[], options?: Record<string, unknown>) => new PendingStatement(text, params ?? [], options, send),
    transaction: (statements: PendingStatement[]) => send(statements),
  };
}

export interface HttpSession {
  db: Db;
  roundTrips(): number;
}

export function openHttpSession(config: DatabaseConfig): HttpSession {
  let exchanges = 0;
  const hooks: ExchangeHooks = { endpoint: config.httpEndpoint, timeoutMs: config.timeoutMs, onSend: () => void exchanges++ };
  const sql = neon(config.url, { fullResults: true, fetchOptions: { [EXCHANGE]: hooks } }) as unknown as Sql;
  const client = timeBoundClient(sql, config.statementTimeoutMs);
  const db = drizzle({ client: client as never }) as unknown as Db;
  return { db, roundTrips: () => exchanges };
}
