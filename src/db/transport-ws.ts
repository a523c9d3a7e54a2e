/**
 * The WebSocket transport (`DB_TRANSPORT=ws`): the Postgres wire protocol over a WebSocket to
 * Neon's proxy (Neon's `Client` under drizzle-orm/neon-serverless). A Worker cannot keep the
 * connection between requests, so each request opens one when it sends its first statement and
 * ends it afterwards: the handshake and the login cost exchanges of their own, which are counted.
 * It remains for what needs a session (interactive transactions, none of which we use today).
 */
import { Client } from "@neondatabase/serverless";
import { drizzle } from "drizzle-orm/neon-serverless";
import { withDeadline } from "../lib/deadline";
import type { Db } from "./client";
import { SESSION_SETTINGS, type DatabaseConfig } from "./config";
import { DATABASE_DEADLINE, DatabaseUnreachable } from "./failures";

/** The driver's socket shim, whose per-connection settings override the global `neonConfig`. */
interface NeonSocket {
  wsProxy: (host: string, port: number | string) => string;
  useSecureWebSocket: boolean;
  pipelineTLS: boolean;
  pipelineConnect: string | boolean;
  connect(...args: unknown[]): unknown;
  write(...args: unknown[]): unknown;
  destroy(): unknown;
  on(event: "data", listener: () => void): unknown;
}

/** How long the connection may take to say goodbye (in waitUntil, after the response). */
const CLOSE_DEADLINE_MS = 2_000;

/**
 * Counts network exchanges on one connection: the WebSocket handshake, then every flight of
 * messages the client sends before it waits for an answer (the startup message, each step of the
 * login, each statement). Pipelined messages count once, as they cost one round trip.
 */
function countExchanges(socket: NeonSocket): () => number {
  let exchanges = 0;
  let waiting = false;
  const connect = socket.connect.bind(socket);
  socket.connect = (...args: unknown[]) => {
    exchanges++;
    return connect(...args);
  };
  const write = socket.write.bind(socket);
  socket.write = (...args: unknown[]) => {
    if (!waiting) {
      exchanges++;
      waiting = true;
    }
    return write(...args);
  };
  socket.on("data", () => {
    waiting = false;
  });
  return () => exchanges;
}

const hasSqlState = (err: unknown) => typeof (err as { code?: unknown })?.code === "string" && /^[0-9A-Z]{5}$/.test((err as { code: string }).code);

export interface WsSession {
  db: Db;
  roundTrips(): number;
  close(): Promise<void>;
}

export function openWsSession(config: DatabaseConfig): WsSession {
  // Postgres's statement_timeout (and SESSION_SETTINGS) for the whole session, as `-c` options of the startup message:
  // Neon's proxy forwards `options` to the database, but not other startup parameters.
  const client = new Client({ connectionString: config.url, options: `-c statement_timeout=${config.statementTimeoutMs} -c jit=${SESSION_SETTINGS.jit}` });
  // A connection that breaks after its request was answered needs no further handling.
  client.on("error", () => {});
  const socket = client.neonConfig as unknown as NeonSocket;
  if (config.wsProxy) {
    const proxy = config.wsProxy;
    socket.wsProxy = (host, port) => `${proxy}/v1?address=${host}:${port}`;
    socket.useSecureWebSocket = false;
    socket.pipelineTLS = false;
    socket.pipelineConnect = false;
  }
  const roundTrips = countExchanges(socket);

  let connected: Promise<void> | null = null;
  const send = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
  (client as unknown as { query: unknown }).query = (...args: unknown[]) => {
    connected ??= client.connect().catch((err: unknown) => {
      throw new DatabaseUnreachable(`could not open the connection (${err instanceof Error ? err.message : String(err)})`);
    });
    const work = connected.then(() =>
      send(...args).catch((err: unknown) => {
        // Postgres's own errors carry a SQLSTATE; anything else is the connection failing.
        if (hasSqlState(err)) throw err;
        throw new DatabaseUnreachable(`the connection failed (${err instanceof Error ? err.message : String(err)})`);
      }),
    );
    return withDeadline(DATABASE_DEADLINE, config.timeoutMs, work, () => socket.destroy());
  };

  return {
    db: drizzle({ client }) as unknown as Db,
    roundTrips,
    close: async () => {
      if (!connected) return;
      try {
        await connected;
        await withDeadline(DATABASE_DEADLINE, CLOSE_DEADLINE_MS, client.end(), () => socket.destroy());
      } catch {
        // The request has been answered; a connection that fails to close is simply dropped.
      }
    },
  };
}
