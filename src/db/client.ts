/**
 * One database session per request, over the transport the configuration names (src/db/config.ts):
 * Neon's HTTP SQL endpoint by default (transport-http.ts), or a WebSocket (transport-ws.ts).
 * Both give the same Drizzle API and the same values: int8 and numeric as strings, json parsed,
 * timestamps as Postgres's text, bytea as bytes. Each session counts its network exchanges with
 * the database, connection setup included: at the edge each one costs a round trip, and the count
 * is reported in the Server-Timing header and checked by tests.
 */
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { Config } from "../env";
import { openHttpSession } from "./transport-http";
import { openWsSession } from "./transport-ws";

export { databaseFailure, sqlState } from "./failures";

/** What `db.execute` resolves to on either transport. */
export interface StatementResult<TRow> {
  rows: TRow[];
  rowCount: number | null;
  command: string;
}

interface StatementResultHKT extends PgQueryResultHKT {
  type: StatementResult<this["row"]>;
}

export type Db = PgDatabase<StatementResultHKT, Record<string, never>>;

export interface DbSession {
  db: Db;
  /** Network exchanges with the database so far in this request, connection setup included. */
  roundTrips(): number;
  close(): Promise<void>;
}

export function openDatabase(config: Config): DbSession {
  const settings = config.database;
  if (settings.transport === "ws") {
    return openWsSession(settings);
  }
  // Nothing to close: the endpoint owns the connections.
  return { ...openHttpSession(settings), close: async () => {} };
}
