/**
 * One database session per request. The Neon serverless driver speaks Postgres over a WebSocket;
 * a connection cannot outlive the request that opened it, so each request builds a small pool and
 * ends it in waitUntil. Every statement sent is counted: at the edge each round trip costs
 * milliseconds, and the count is reported in the Server-Timing header and checked by tests.
 */
import { Pool, neonConfig } from "@neondatabase/serverless";
import { drizzle, type NeonDatabase } from "drizzle-orm/neon-serverless";
import type { Config } from "../env";
import { MlflowError } from "../errors";

export type Db = NeonDatabase<Record<string, never>>;

export interface DbSession {
  db: Db;
  /** Statements sent to Postgres so far in this request (BEGIN/COMMIT included). */
  roundTrips(): number;
  close(): Promise<void>;
}

let proxyConfiguredFor: string | null = null;

/** Points the driver at a local WebSocket-to-TCP proxy (dev and tests); production uses Neon's. */
function configureLocalProxy(proxy: string): void {
  if (proxyConfiguredFor === proxy) return;
  neonConfig.wsProxy = (host, port) => `${proxy}/v1?address=${host}:${port}`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineTLS = false;
  neonConfig.pipelineConnect = false;
  proxyConfiguredFor = proxy;
}

export function openDatabase(config: Config): DbSession {
  if (config.dbWsProxy) configureLocalProxy(config.dbWsProxy);
  // A Worker request may hold at most six connections; transactions need one, reads may fan out.
  const pool = new Pool({ connectionString: config.databaseUrl, max: 4 });
  let count = 0;
  pool.on("error", () => {
    // An idle client losing its socket after pool.end() is expected; active queries reject on their own.
  });
  pool.on("connect", (client: { query: (...args: unknown[]) => unknown }) => {
    const query = client.query.bind(client);
    client.query = (...args: unknown[]) => {
      count++;
      return query(...args);
    };
  });
  const db = drizzle({ client: pool }) as unknown as Db;
  return {
    db,
    roundTrips: () => count,
    close: () => pool.end().catch(() => undefined),
  };
}

const CONNECTION_SQLSTATE_CLASSES = ["08", "53", "57"];
const CONNECTION_FAILURE = /connect|websocket|terminated|socket|ECONNREFUSED|ENOTFOUND|timeout|network/i;

/** Postgres errors are often wrapped (Drizzle's DrizzleQueryError keeps the driver error as cause). */
function innermost(err: unknown): { code?: unknown; message?: unknown } {
  let e = err as { cause?: unknown; code?: unknown; message?: unknown };
  for (let i = 0; i < 5 && e && typeof e === "object" && e.cause; i++) e = e.cause as typeof e;
  return e ?? {};
}

/**
 * Classifies an unexpected error: an unreachable or overloaded database is transient (503, and the
 * client retries); anything else is an internal error (500). Never used for user errors, which are
 * raised as MlflowError before any write.
 */
export function unexpectedErrorToMlflow(err: unknown): MlflowError {
  const e = innermost(err);
  const code = typeof e.code === "string" ? e.code : undefined;
  const sqlstate = code && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
  const message = typeof e.message === "string" ? e.message : String(err);
  if (sqlstate ? CONNECTION_SQLSTATE_CLASSES.includes(sqlstate.slice(0, 2)) : CONNECTION_FAILURE.test(message)) {
    return new MlflowError(
      "TEMPORARILY_UNAVAILABLE",
      "The backend database is unreachable or overloaded; retry later.",
      { "retry-after": "1" },
    );
  }
  // Class 22 (data exception: value too long, out of range, bad encoding) means the input did not
  // fit MLflow's column types: the client's error, and retrying cannot help.
  if (sqlstate?.startsWith("22")) {
    return MlflowError.invalidParameter(`Invalid value: ${message}`);
  }
  return new MlflowError("INTERNAL_ERROR", sqlstate ? `Database error (SQLSTATE ${sqlstate}).` : "Internal server error.");
}

/** The SQLSTATE of a driver error, if it carries one. */
export function sqlState(err: unknown): string | undefined {
  const code = innermost(err).code;
  return typeof code === "string" ? code : undefined;
}
