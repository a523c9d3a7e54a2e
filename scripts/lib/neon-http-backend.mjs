// Runs the SQL of Neon HTTP requests on warm connection pools, as Neon's proxy does next to the
// database: one pool per (host, port, database, user, password), connections kept for 5 minutes,
// each query on the extended protocol with text parameters and text results, a batch inside one
// transaction, Neon's reset sequence before a connection is reused, and a connection that saw an
// error thrown away. Only loopback databases can be reached: this is a development tool.
import net from "node:net";
import pg from "pg";
import { ProxyError, isPostgresError, startTransactionSql } from "./neon-http-wire.mjs";

const LOOPBACK = new Set(["localhost", "127.0.0.1", "::1"]);
const LISTENING = Symbol("error listener attached");

/**
 * What Neon's proxy runs when a connection goes back to its pool, so that no session state (a SET,
 * a temp table, a lone BEGIN, a prepared statement) reaches the next request.
 */
const RESET_SQL = [
  "ROLLBACK",
  "CLOSE ALL",
  "SET SESSION AUTHORIZATION DEFAULT",
  "RESET ALL",
  "DEALLOCATE ALL",
  "UNLISTEN *",
  "SELECT pg_advisory_unlock_all()",
  "DISCARD TEMP",
  "DISCARD SEQUENCES",
].join("; ");

/** Every value stays Postgres's text: the driver parses it by type OID. */
const TEXT_TYPES = { getTypeParser: () => (value) => value };

/**
 * `queryMode: "extended"` even without parameters: node-postgres would otherwise use the simple
 * protocol, which runs `SELECT 1; SELECT 2` where Neon answers 42601.
 */
function statementConfig({ query, params }) {
  return { text: query, values: params, rowMode: "array", queryMode: "extended", types: TEXT_TYPES };
}

export class NeonHttpBackend {
  constructor({ maxConnectionsPerDatabase = 20, idleTimeoutMs = 300_000, log = () => {} } = {}) {
    this.max = maxConnectionsPerDatabase;
    this.idleTimeoutMs = idleTimeoutMs;
    this.log = log;
    /** @type {Map<string, pg.Pool>} */
    this.pools = new Map();
    /** Resets still running after their response went out; close() waits for them. */
    this.settling = new Set();
  }

  poolFor(target) {
    if (!LOOPBACK.has(target.host)) throw new ProxyError(400, `the local Neon stand-in connects to loopback hosts only, not ${target.host}`);
    const key = JSON.stringify([target.host, target.port, target.database, target.user, target.password]);
    let pool = this.pools.get(key);
    if (!pool) {
      pool = new pg.Pool({
        host: target.host,
        port: target.port,
        database: target.database,
        user: target.user,
        password: target.password,
        // Neon keeps at most 20 connections per endpoint; beyond that it opens unpooled ones. We
        // queue instead, so that a burst never pushes a local Postgres past max_connections.
        max: this.max,
        idleTimeoutMillis: this.idleTimeoutMs,
        // Timestamps with time zone render as "…+00", as on Neon. A startup option (not a SET), so
        // that the reset's RESET ALL keeps it.
        options: "-c TimeZone=UTC",
        application_name: "neon-http-stand-in",
      });
      pool.on("error", (err) => this.log(`idle connection failed: ${err.message}`));
      this.pools.set(key, pool);
    }
    return pool;
  }

  /** Opens `n` connections of `target` ahead of the first request, as a pool that has been serving for a while has. */
  async warm(target, n = 1) {
    const pool = this.poolFor(target);
    const clients = await Promise.all(Array.from({ length: Math.min(n, this.max) }, () => pool.connect()));
    for (const c of clients) c.release();
  }

  /** One statement, autocommitted. `signal` aborts when the HTTP client goes away. */
  async single(target, statement, signal) {
    return this.withConnection(target, signal, (client) => client.query(statementConfig(statement)));
  }

  /** Statements in one transaction: all results, or the first error and nothing written. */
  async batch(target, statements, options, signal) {
    return this.withConnection(target, signal, async (client) => {
      await client.query(startTransactionSql(options));
      const results = [];
      for (const statement of statements) results.push(await client.query(statementConfig(statement)));
      await client.query("COMMIT");
      return results;
    });
  }

  async withConnection(target, signal, work) {
    const pool = this.poolFor(target);
    let client;
    try {
      client = await pool.connect();
    } catch (err) {
      throw connectFailure(err, target);
    }
    if (!client[LISTENING]) {
      // A connection that breaks while checked out (the database restarts or is dropped) emits
      // an error of its own besides failing its query; without a listener it would crash us.
      client.on("error", (err) => this.log(`connection failed: ${err.message}`));
      client[LISTENING] = true;
    }
    const cancel = () => this.cancel(client, pool);
    signal?.addEventListener("abort", cancel, { once: true });
    let failed = false;
    try {
      return await work(client);
    } catch (err) {
      failed = true;
      throw err;
    } finally {
      signal?.removeEventListener("abort", cancel);
      this.putBack(client, failed || signal?.aborted);
    }
  }

  /**
   * Asks Postgres to stop whatever the connection is running, as Neon's proxy does when the HTTP
   * client goes away: a CancelRequest (length 16, code 80877102, backend pid, secret key) on a
   * connection of its own, which Postgres closes after reading it.
   */
  cancel(client, pool) {
    if (!client.processID) return;
    const request = Buffer.alloc(16);
    request.writeInt32BE(16, 0);
    request.writeInt32BE(80877102, 4);
    request.writeInt32BE(client.processID, 8);
    request.writeInt32BE(client.secretKey, 12);
    const socket = net.connect({ host: pool.options.host, port: pool.options.port }, () => socket.end(request));
    socket.on("error", () => {});
  }

  /** Resets a healthy connection in the background and returns it to its pool; throws a failed one away. */
  putBack(client, broken) {
    if (broken) {
      client.release(true);
      return;
    }
    const settling = client
      .query(RESET_SQL)
      .then(() => client.release(), (err) => client.release(err))
      .finally(() => this.settling.delete(settling));
    this.settling.add(settling);
  }

  async close() {
    await Promise.allSettled([...this.settling]);
    await Promise.allSettled([...this.pools.values()].map((p) => p.end()));
    this.pools.clear();
  }
}

/**
 * A failure to connect, as Neon answers it: a wrong password is its own 400 without SQLSTATE, a
 * missing database is a 400 with Postgres's fields, anything else (the database is down, out of
 * connections) a 500.
 */
function connectFailure(err, target) {
  if (isPostgresError(err)) {
    if (err.code === "28P01") return new ProxyError(400, `password authentication failed for user '${target.user}'`);
    if (err.code === "3D000") return Object.assign(err, { status: 400 });
    return Object.assign(err, { status: 500 });
  }
  return new ProxyError(500, `Couldn't connect to compute node: ${err.message}`);
}
