// WebSocket-to-TCP bridge so the Neon serverless driver (Postgres over WebSocket) can reach a local
// Postgres or PGlite: the local stand-in for Neon's WebSocket proxy (DB_TRANSPORT=ws). Binary
// WebSocket messages carry raw Postgres wire bytes in both directions.
// - Only loopback targets are allowed: this is a development tool, never a public proxy.
// - At most `maxConnections` database connections are open at once; further WebSockets wait for a
//   free one, as clients of Neon's pooled endpoint (PgBouncer) wait for a server connection.
//   Without this, each Worker request's own connection could push Postgres past max_connections.
// - A simulated link (link.mjs) delays the handshake and every message, or cuts the path.
import http from "node:http";
import { createRequire } from "node:module";
import net from "node:net";
import { SimulatedLink } from "./link.mjs";

// Loaded through require: under vitest's module runner the ESM entry of `ws` resolves to its
// browser stub, which has no server.
const { WebSocketServer } = createRequire(import.meta.url)("ws");

const LOOPBACK = new Set(["localhost", "127.0.0.1", "::1", "[::1]"]);
// Postgres Terminate message ('X', length 4). pglite-socket does not close on it, so we do, or
// PGlite's connection slots leak.
const TERMINATE = Buffer.from([0x58, 0x00, 0x00, 0x00, 0x04]);

/** A counting semaphore with a FIFO queue. */
function slots(max) {
  let free = max;
  const waiting = [];
  return {
    acquire: () => (free > 0 ? (free--, Promise.resolve()) : new Promise((resolve) => waiting.push(resolve))),
    release: () => {
      const next = waiting.shift();
      if (next) next();
      else free++;
    },
  };
}

function bridge(ws, req, { link, connections, log }) {
  const url = new URL(req.url ?? "/", "http://proxy");
  const address = url.searchParams.get("address") ?? "";
  const sep = address.lastIndexOf(":");
  const targetHost = address.slice(0, sep);
  const targetPort = Number(address.slice(sep + 1));
  if (!LOOPBACK.has(targetHost) || !Number.isInteger(targetPort)) {
    ws.close(1008, "only loopback targets are allowed");
    return;
  }
  let socket = null;
  let closed = false;
  const pending = [];
  const toClient = link.lane();
  const toServer = link.lane();
  const toDatabase = (chunk) => {
    if (socket?.readyState === "open") socket.write(chunk);
    else pending.push(chunk);
  };
  connections.acquire().then(() => {
    if (closed) return connections.release();
    socket = net.connect({ host: targetHost.replace(/^\[|\]$/g, ""), port: targetPort });
    socket.setNoDelay(true);
    socket.on("connect", () => {
      for (const chunk of pending.splice(0)) socket.write(chunk);
    });
    socket.on("data", (data) => {
      if (link.down) return; // a frozen link swallows; a dropped one has closed us already
      toClient(() => {
        if (ws.readyState === ws.OPEN) ws.send(data);
      });
    });
    socket.on("close", () => {
      connections.release();
      toClient(() => {
        if (ws.readyState === ws.OPEN) ws.close();
      });
    });
    socket.on("error", (err) => {
      log(`ws-proxy: ${err.message}`);
      if (ws.readyState === ws.OPEN) ws.close(1011, err.message.slice(0, 100));
    });
  });
  ws.on("message", (data) => {
    if (link.down) return;
    const chunk = Buffer.isBuffer(data) ? data : Buffer.from(data);
    const terminate = chunk.length >= 5 && chunk.subarray(chunk.length - 5).equals(TERMINATE);
    toServer(() => {
      toDatabase(chunk);
      if (terminate) {
        socket?.end();
        ws.close();
      }
    });
  });
  ws.on("close", () => {
    closed = true;
    toServer(() => socket?.end());
  });
  ws.on("error", () => socket?.destroy());
}

export function startWsProxy({ port, host = "127.0.0.1", log = () => {}, link = new SimulatedLink({ name: "ws-proxy" }), maxConnections = 20 }) {
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const connections = slots(maxConnections);
  const frozen = new Set();
  const server = http.createServer((_req, res) => res.writeHead(426).end());
  server.on("upgrade", (req, socket, head) => {
    const down = link.down;
    if (down) {
      link.turnedAway++;
      if (down === "freeze") frozen.add(socket);
      else socket.destroy();
      return;
    }
    // The upgrade request and the 101 answer each cross the simulated distance.
    setTimeout(() => wss.handleUpgrade(req, socket, head, (ws) => bridge(ws, req, { link, connections, log })), 2 * link.delayMs);
  });
  link.onChange((mode) => {
    if (mode === "drop") for (const ws of wss.clients) ws.terminate();
    if (mode === null) {
      for (const s of frozen) s.destroy();
      frozen.clear();
      for (const ws of wss.clients) ws.terminate(); // sessions that lost messages while frozen
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () =>
      resolve({
        port: server.address().port,
        link,
        close: () =>
          new Promise((r) => {
            for (const ws of wss.clients) ws.terminate();
            for (const s of frozen) s.destroy();
            server.close(() => r());
          }),
      }),
    );
  });
}
