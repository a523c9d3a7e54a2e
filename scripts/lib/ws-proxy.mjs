// WebSocket-to-TCP bridge so the Neon serverless driver (Postgres over WebSocket) can reach a local
// Postgres or PGlite. Binary WebSocket messages carry raw Postgres wire bytes in both directions.
// Only loopback targets are allowed: this is a development tool, never a public proxy.
import { createRequire } from "node:module";
import net from "node:net";

// Loaded through require: under vitest's module runner the ESM entry of `ws` resolves to its
// browser stub, which has no server.
const { WebSocketServer } = createRequire(import.meta.url)("ws");

const LOOPBACK = new Set(["localhost", "127.0.0.1", "::1", "[::1]"]);
// Postgres Terminate message ('X', length 4). pglite-socket does not close on it, so we do, or
// PGlite's connection slots leak.
const TERMINATE = Buffer.from([0x58, 0x00, 0x00, 0x00, 0x04]);

export function startWsProxy({ port, host = "127.0.0.1", log = () => {} }) {
  const wss = new WebSocketServer({ port, host, perMessageDeflate: false });
  wss.on("connection", (ws, req) => {
    const url = new URL(req.url ?? "/", "http://proxy");
    const address = url.searchParams.get("address") ?? "";
    const sep = address.lastIndexOf(":");
    const targetHost = address.slice(0, sep);
    const targetPort = Number(address.slice(sep + 1));
    if (!LOOPBACK.has(targetHost) || !Number.isInteger(targetPort)) {
      ws.close(1008, "only loopback targets are allowed");
      return;
    }
    const socket = net.connect({ host: targetHost.replace(/^\[|\]$/g, ""), port: targetPort });
    socket.setNoDelay(true);
    const pending = [];
    let connected = false;
    socket.on("connect", () => {
      connected = true;
      for (const chunk of pending.splice(0)) socket.write(chunk);
    });
    ws.on("message", (data) => {
      const chunk = Buffer.isBuffer(data) ? data : Buffer.from(data);
      if (connected) socket.write(chunk);
      else pending.push(chunk);
      if (chunk.length >= 5 && chunk.subarray(chunk.length - 5).equals(TERMINATE)) {
        socket.end();
        ws.close();
      }
    });
    socket.on("data", (data) => {
      if (ws.readyState === ws.OPEN) ws.send(data);
    });
    ws.on("close", () => socket.end());
    ws.on("error", () => socket.destroy());
    socket.on("close", () => {
      if (ws.readyState === ws.OPEN) ws.close();
    });
    socket.on("error", (err) => {
      log(`ws-proxy: ${err.message}`);
      if (ws.readyState === ws.OPEN) ws.close(1011, err.message.slice(0, 100));
    });
  });
  return new Promise((resolve, reject) => {
    wss.once("listening", () => resolve({ close: () => new Promise((r) => wss.close(() => r())) }));
    wss.once("error", reject);
  });
}
