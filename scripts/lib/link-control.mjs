// A loopback HTTP endpoint that changes the simulated links of a running local stack (link.mjs):
// the benchmark moves the database further away, the outage test takes it off the network.
//   GET  /links                                   → [{ name, delayMs, outage, turnedAway }]
//   POST /links  {"delayMs": 20}                  → sets the one-way delay of every link
//   POST /links  {"outage": {"mode": "drop", "seconds": 30}, "name": "neon-http"}
//                                                 → an outage on the named link (all links if no name)
// Development and test tooling only: it binds to 127.0.0.1 and controls nothing but the stand-ins.
import http from "node:http";

function readJson(req) {
  return new Promise((resolve, reject) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk) => {
      body += chunk;
      if (body.length > 10_000) reject(new Error("body too large"));
    });
    req.on("end", () => {
      try {
        resolve(body ? JSON.parse(body) : {});
      } catch (e) {
        reject(e);
      }
    });
    req.on("error", reject);
  });
}

function apply(links, change) {
  const targets = change.name ? links.filter((l) => l.name === change.name) : links;
  if (targets.length === 0) throw new Error(`no link named ${change.name}`);
  if (change.delayMs !== undefined) {
    const ms = Number(change.delayMs);
    if (!Number.isFinite(ms) || ms < 0) throw new Error("delayMs must be ≥ 0");
    for (const link of targets) link.delayMs = ms;
  }
  if (change.outage) {
    const ms = Number(change.outage.seconds) * 1000;
    for (const link of targets) link.startOutage(change.outage.mode, ms);
  }
  if (change.restore) for (const link of targets) link.restore();
}

export function startLinkControl({ port = 0, links }) {
  const server = http.createServer(async (req, res) => {
    const answer = (status, value) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(value));
    };
    try {
      if (req.url !== "/links") return answer(404, { error: "only /links" });
      if (req.method === "POST") apply(links, await readJson(req));
      else if (req.method !== "GET") return answer(405, { error: "GET or POST" });
      answer(200, links.map((l) => l.describe()));
    } catch (e) {
      answer(400, { error: e.message });
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      resolve({
        url: `http://127.0.0.1:${server.address().port}/links`,
        close: () => new Promise((r) => server.close(() => r())),
      });
    });
  });
}
