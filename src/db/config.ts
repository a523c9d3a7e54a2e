/**
 * Database settings, parsed from Worker bindings.
 *
 * - `DB_TRANSPORT=http` (default): every statement is one HTTPS request to Neon's SQL endpoint
 *   (`neon()` + drizzle-orm/neon-http): one network exchange, no connection to open, no login.
 * - `DB_TRANSPORT=ws`: the Postgres wire protocol over a WebSocket (Neon's `Client`), opened per
 *   request: a handshake and a login before the first statement. Kept as a fallback.
 * - `DB_HTTP_ENDPOINT` / `DB_WS_PROXY`: local stand-ins for Neon's endpoint and proxy
 *   (scripts/lib); unset in production, where the driver derives Neon's from DATABASE_URL.
 * - `DB_TIMEOUT_MS`: how long a request waits for one database exchange (connection setup
 *   included) before it answers 503; Postgres stops the statement itself a second earlier.
 */
import { MlflowError } from "../errors";

export type DbTransport = "http" | "ws";

export interface DatabaseEnv {
  /** postgres:// URL of the backend store (Neon in production; a secret). */
  DATABASE_URL?: string;
  DB_TRANSPORT?: string;
  /** URL of a local Neon HTTP SQL stand-in, e.g. http://127.0.0.1:8791/sql. Local development only. */
  DB_HTTP_ENDPOINT?: string;
  /** host:port of a local WebSocket-to-TCP proxy. Local development only. */
  DB_WS_PROXY?: string;
  DB_TIMEOUT_MS?: string;
}

export interface DatabaseConfig {
  url: string;
  transport: DbTransport;
  httpEndpoint: string | null;
  wsProxy: string | null;
  /** Deadline of one database exchange, in the Worker. */
  timeoutMs: number;
  /** Postgres's statement_timeout: shorter, so a slow statement ends with its own error (57014) first. */
  statementTimeoutMs: number;
}

/**
 * Settings every statement runs with, on either transport (besides its statement_timeout): JIT
 * off, because each statement answers one interactive request and compiling it costs more than
 * it saves (see transport-http.ts).
 */
export const SESSION_SETTINGS = { jit: "off" } as const;

/**
 * 15 s: far inside what a Worker may spend (30 s of CPU by default, and the official client waits
 * 120 s), yet longer than any statement we send takes on a healthy database (searches over 10,000
 * runs answer in under 3 s under 20 clients on a busy 2-core machine; see README, Performance).
 */
const DEFAULT_TIMEOUT_MS = 15_000;
const STATEMENT_TIMEOUT_MARGIN_MS = 1_000;

function notConfigured(what: string): MlflowError {
  return new MlflowError("TEMPORARILY_UNAVAILABLE", `Server is not configured: ${what}.`);
}

export function loadDatabaseConfig(env: DatabaseEnv): DatabaseConfig {
  const transport = (env.DB_TRANSPORT || "http").trim().toLowerCase();
  if (transport !== "http" && transport !== "ws") throw notConfigured(`DB_TRANSPORT must be http or ws, not '${env.DB_TRANSPORT}'`);
  const timeoutMs = env.DB_TIMEOUT_MS ? Number(env.DB_TIMEOUT_MS) : DEFAULT_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100) throw notConfigured(`DB_TIMEOUT_MS must be a whole number of milliseconds ≥ 100, not '${env.DB_TIMEOUT_MS}'`);
  return {
    url: env.DATABASE_URL ?? "",
    transport,
    httpEndpoint: env.DB_HTTP_ENDPOINT || null,
    wsProxy: env.DB_WS_PROXY || null,
    timeoutMs,
    statementTimeoutMs: Math.max(timeoutMs - STATEMENT_TIMEOUT_MARGIN_MS, Math.floor(timeoutMs / 2)),
  };
}
