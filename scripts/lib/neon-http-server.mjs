// A local stand-in for Neon's HTTP SQL endpoint (`POST /sql`, what `neon()` and
// drizzle-orm/neon-http call), so that `npm run dev`, the tests and the benchmark use the same
// one-round-trip path as production. Requests and answers follow neon-http-wire.mjs; the SQL runs
// on warm pools (neon-http-backend.mjs) against a local Postgres or PGlite. A simulated link
// (link.mjs) adds distance or an outage between the Worker and this endpoint.
// Listens on loopback only.
import http from "node:http";
import { NeonHttpBackend } from "./neon-http-backend.mjs";
import { SimulatedLink } from "./link.mjs";
import {
  MAX_REQUEST_BYTES,
  ProxyError,
  batchEchoHeaders,
  errorBody,
  parseConnectionString,
  parseOptions,
  parsePayload,
  responseBudget,
  resultJson,
} from "./neon-http-wire.mjs";

const CORS = { "Access-Control-Allow-Origin": "*" };
const PREFLIGHT = {
  ...CORS,
  "Access-Control-Allow-Methods": "POST, OPTIONS",
  "Access-Control-Allow-Headers":
    "Authorization, Content-Type, Neon-Connection-String, Neon-Raw-Text-Output, Neon-Array-Mode, " +
    "Neon-Batch-Isolation-Level, Neon-Batch-Read-Only, Neon-Batch-Deferrable, Neon-Pool-Opt-In",
  "Access-Control-Max-Age": "86400",
};

/** Reads the body up to the proxy's limit; a larger one is a 413, answered without reading the rest. */
function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on("data", (chunk) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) {
        req.pause();
        reject(new ProxyError(413, `request is too large (max is ${MAX_REQUEST_BYTES} bytes)`));
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** Answers one `POST /sql`: returns { status, headers, body }. */
async function answerSql(backend, req, signal) {
  const target = parseConnectionString(req.headers["neon-connection-string"], req.headers.authorization);
  const options = parseOptions(req.headers);
  if (!options.rawTextOutput) {
    // Every value would have to be converted to typed JSON; the driver never asks for that.
    throw new ProxyError(400, "the local Neon stand-in only serves Neon-Raw-Text-Output: true (what @neondatabase/serverless sends)");
  }
  const payload = parsePayload(await readBody(req));
  const budget = responseBudget();
  const arrayModeOf = (statement) => statement.arrayMode ?? options.arrayMode;
  if (payload.single) {
    const result = await backend.single(target, payload.single, signal);
    return { status: 200, headers: {}, body: resultJson(result, { arrayMode: arrayModeOf(payload.single), budget }) };
  }
  const results = await backend.batch(target, payload.batch, options, signal);
  const parts = results.map((r, i) => resultJson(r, { arrayMode: arrayModeOf(payload.batch[i]), budget }));
  return { status: 200, headers: batchEchoHeaders(options), body: `{"results":[${parts.join(",")}]}` };
}

function failureStatus(err) {
  if (err instanceof ProxyError || typeof err.status === "number") return err.status;
  // A statement that fails, including at COMMIT of a batch, is the client's 400, as on Neon.
  return 400;
}

export async function startNeonHttpServer({
  port = 0,
  link = new SimulatedLink({ name: "neon-http" }),
  maxConnectionsPerDatabase = 20,
  log = () => {},
} = {}) {
  const backend = new NeonHttpBackend({ maxConnectionsPerDatabase, log });
  const sockets = new Set();
  /** Requests swallowed by a frozen link: their sockets are closed when it heals. */
  const frozen = new Set();

  const server = http.createServer(async (req, res) => {
    if (link.down) {
      link.turnedAway++;
      if (link.down === "freeze") frozen.add(req.socket);
      else req.socket.destroy();
      return;
    }
    const aborted = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) aborted.abort();
    });
    let answer;
    try {
      if (req.url?.split("?")[0] !== "/sql") throw new ProxyError(400, "query is not supported");
      if (req.method === "OPTIONS") answer = { status: 200, headers: PREFLIGHT, body: "" };
      else if (req.method !== "POST") throw new ProxyError(400, "query is not supported");
      else {
        await link.travel(); // the request crossing the simulated distance
        answer = await answerSql(backend, req, aborted.signal);
      }
    } catch (err) {
      const status = failureStatus(err);
      const body = err instanceof ProxyError && err.message === "query is not supported" ? JSON.stringify(err.message) : JSON.stringify(errorBody(err));
      // After a 413 the rest of the body is never read: close the connection rather than drain it.
      answer = { status, headers: status === 413 ? { Connection: "close" } : {}, body };
    }
    await link.travel(); // the answer crossing back
    if (res.destroyed) return;
    const headers = { ...CORS, ...answer.headers };
    if (answer.body) headers["Content-Type"] = "application/json";
    res.writeHead(answer.status, headers);
    res.end(answer.body);
  });
  // Workers keep connections to the endpoint alive between requests; a server closing idle ones
  // first would race the runtime reusing them (a failed fetch). Keep them far longer than a run.
  server.keepAliveTimeout = 600_000;
  server.headersTimeout = 610_000;
  server.on("connection", (socket) => {
    if (link.down === "drop") {
      link.turnedAway++;
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.on("close", () => {
      sockets.delete(socket);
      frozen.delete(socket);
    });
  });
  link.onChange((mode) => {
    if (mode === "drop") for (const s of sockets) s.destroy();
    if (mode === null) for (const s of frozen) s.destroy();
  });

  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  const url = `http://127.0.0.1:${server.address().port}/sql`;
  return {
    url,
    link,
    backend,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(() => r()));
      await backend.close();
    },
  };
}
