// A webhook receiver for the Worker tests (a vitest globalSetup, loopback only). It records every
// POST under its path's first segment ("inbox"): GET /inbox/<name> answers them as JSON (headers,
// body). POST /fail/<name>/<n>/... answers 500 to the first n requests of that inbox, then 200;
// POST /status/<code>/<name> always answers <code>. GET /dns-query is a JSON DNS-over-HTTPS stand-in:
// names starting "private" resolve to 10.0.0.7, "public" to 93.184.216.34, others do not exist.
import http from "node:http";

export function webhookReceiverConfig() {
  // vitest.config.ts reserves a free port (test-ports.mjs); the fallback is for a lone global setup.
  process.env.TEST_WEBHOOK_PORT ??= String(10000 + (process.pid % 5000));
  const port = Number(process.env.TEST_WEBHOOK_PORT);
  return { port, base: `http://127.0.0.1:${port}` };
}

export default async function setup() {
  const { port } = webhookReceiverConfig();
  const inboxes = new Map();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const parts = url.pathname.split("/").filter(Boolean);
    if (req.method === "GET" && url.pathname === "/dns-query") {
      const name = url.searchParams.get("name") ?? "";
      const type = url.searchParams.get("type") === "AAAA" ? 28 : 1;
      const ip = type === 1 ? (name.startsWith("private") ? "10.0.0.7" : name.startsWith("public") ? "93.184.216.34" : null) : null;
      res.writeHead(200, { "content-type": "application/dns-json" }).end(JSON.stringify({ Status: ip || type === 28 ? 0 : 3, Answer: ip ? [{ name, type, data: ip }] : [] }));
      return;
    }
    if (req.method === "GET" && parts[0] === "inbox") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(inboxes.get(parts[1]) ?? []));
      return;
    }
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      let status = 200;
      let name = parts[0] ?? "";
      if (parts[0] === "fail") {
        name = parts[1] ?? "";
        status = (inboxes.get(name)?.length ?? 0) < Number(parts[2] ?? 0) ? 500 : 200;
      } else if (parts[0] === "status") {
        status = Number(parts[1]);
        name = parts[2] ?? "";
      }
      const list = inboxes.get(name) ?? [];
      list.push({ path: url.pathname, headers: req.headers, body });
      inboxes.set(name, list);
      res.writeHead(status, { "content-type": "text/plain" }).end(status < 400 ? "received" : "failing");
    });
  });
  await new Promise((resolve, reject) => server.once("error", reject).listen(port, "127.0.0.1", resolve));
  return () => new Promise((resolve) => server.close(resolve));
}
