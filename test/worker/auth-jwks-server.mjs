// A tiny JWKS host for the auth tests, standing in for https://<team>.cloudflareaccess.com/cdn-cgi/access/certs.
// The tests (in workerd) generate RSA keys with jose, PUT their public JWKS under a name, and point
// ACCESS_JWKS_URL at GET /jwks/<name>; GET /hits/<name> tells how often the Worker fetched it
// (to prove caching and the refetch on an unknown kid). Loopback only; started as a vitest globalSetup.
import http from "node:http";

export function jwksServerConfig() {
  // Per run, like the other test ports (test-database.mjs), so concurrent runs do not collide.
  process.env.TEST_JWKS_PORT ??= String(15000 + (process.pid % 5000));
  const port = Number(process.env.TEST_JWKS_PORT);
  return { port, base: `http://127.0.0.1:${port}` };
}

export default async function setup() {
  const { port } = jwksServerConfig();
  const sets = new Map();
  const hits = new Map();
  const server = http.createServer((req, res) => {
    const [, kind, name] = (req.url ?? "").split("?")[0].split("/");
    if (kind === "jwks" && name && req.method === "PUT") {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        sets.set(name, body);
        res.writeHead(204).end();
      });
      return;
    }
    if (kind === "jwks" && name && req.method === "GET" && sets.has(name)) {
      hits.set(name, (hits.get(name) ?? 0) + 1);
      res.writeHead(200, { "content-type": "application/json" }).end(sets.get(name));
      return;
    }
    if (kind === "hits" && name) {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ hits: hits.get(name) ?? 0 }));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise((resolve, reject) => server.once("error", reject).listen(port, "127.0.0.1", resolve));
  return () => new Promise((resolve) => server.close(resolve));
}
