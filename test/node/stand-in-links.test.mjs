// The local WebSocket proxy (scripts/lib/ws-proxy.mjs) and the simulated link both stand-ins use
// (scripts/lib/link.mjs): byte order survives a delay that changes mid-flight, the proxy never opens
// more database connections than allowed (further clients wait, none fails), and outages drop or
// freeze the path until it heals.
//
//   npm exec -- node --test test/node/stand-in-links.test.mjs
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import net from "node:net";
import { after, before, describe, test } from "node:test";
import { SimulatedLink } from "../../scripts/lib/link.mjs";
import { startWsProxy } from "../../scripts/lib/ws-proxy.mjs";

const WebSocket = createRequire(import.meta.url)("ws");

/**
 * A TCP echo server that records how many connections the proxy holds open at once. A connection
 * counts until the proxy ends it (its FIN arrives), which is before the proxy hears the close and
 * frees the slot; counting until this side's own 'close' would overlap with the next connection.
 */
async function startEcho() {
  const stats = { open: 0, peak: 0, total: 0 };
  const server = net.createServer((socket) => {
    stats.open++;
    stats.total++;
    stats.peak = Math.max(stats.peak, stats.open);
    let counted = true;
    const done = () => {
      if (counted) stats.open--;
      counted = false;
    };
    socket.on("data", (d) => socket.write(d));
    socket.on("end", done);
    socket.on("close", done);
    socket.on("error", () => {});
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { port: server.address().port, stats, close: () => new Promise((r) => server.close(r)) };
}

/** Opens a WebSocket through the proxy to the echo server, sends `text`, resolves with the echo. */
function roundTrip(proxyPort, echoPort, text, { holdMs = 0 } = {}) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${proxyPort}/v1?address=127.0.0.1:${echoPort}`);
    let received = "";
    ws.on("open", () => ws.send(Buffer.from(text)));
    ws.on("message", (data) => {
      received += data.toString();
      if (received.length >= text.length) setTimeout(() => (ws.close(), resolve(received)), holdMs);
    });
    ws.on("error", reject);
    ws.on("close", (code) => {
      if (received.length < text.length) reject(new Error(`closed with ${code} before the echo`));
    });
  });
}

describe("simulated link", () => {
  test("a lane keeps its order when the delay shrinks while messages are in flight", async () => {
    const link = new SimulatedLink({ delayMs: 40 });
    const send = link.lane();
    const seen = [];
    const done = new Promise((resolve) => {
      send(() => seen.push("first"));
      link.delayMs = 0;
      send(() => seen.push("second"));
      link.delayMs = 10;
      send(() => {
        seen.push("third");
        resolve();
      });
    });
    await done;
    assert.deepEqual(seen, ["first", "second", "third"]);
  });

  test("an outage reports itself and heals on its own", async () => {
    const link = new SimulatedLink();
    const changes = [];
    link.onChange((mode) => changes.push(mode));
    link.startOutage("drop", 50);
    assert.equal(link.down, "drop");
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(link.down, null);
    assert.deepEqual(changes, ["drop", null]);
    assert.throws(() => link.startOutage("nap", 10), /unknown outage mode/);
  });
});

describe("WebSocket proxy", () => {
  let echo;
  before(async () => {
    echo = await startEcho();
  });
  after(async () => {
    await echo.close();
  });

  test("bridges bytes both ways, in order, across a one-way delay", async () => {
    const proxy = await startWsProxy({ port: 0, link: new SimulatedLink({ delayMs: 5 }) });
    try {
      assert.equal(await roundTrip(proxy.port, echo.port, "hello, postgres"), "hello, postgres");
    } finally {
      await proxy.close();
    }
  });

  test("opens at most maxConnections database connections; the other clients wait and succeed", async () => {
    // Its own database: connections of the other tests may still be closing on the shared one.
    const database = await startEcho();
    const proxy = await startWsProxy({ port: 0, maxConnections: 2 });
    try {
      const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => roundTrip(proxy.port, database.port, `client ${i}`, { holdMs: 20 })));
      assert.deepEqual(answers, Array.from({ length: 12 }, (_, i) => `client ${i}`));
      assert.equal(database.stats.total, 12);
      assert.equal(database.stats.peak, 2, "connections beyond the limit waited");
    } finally {
      await proxy.close();
      await database.close();
    }
  });

  test("refuses targets off loopback", async () => {
    const proxy = await startWsProxy({ port: 0 });
    try {
      const code = await new Promise((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${proxy.port}/v1?address=192.0.2.1:5432`);
        ws.on("close", resolve);
        ws.on("error", () => {});
      });
      assert.equal(code, 1008);
    } finally {
      await proxy.close();
    }
  });

  test("a dropped link refuses connections until it heals", async () => {
    const link = new SimulatedLink();
    const proxy = await startWsProxy({ port: 0, link });
    try {
      link.startOutage("drop", 60_000);
      await assert.rejects(roundTrip(proxy.port, echo.port, "during"));
      assert.ok(link.turnedAway > 0);
      link.restore();
      assert.equal(await roundTrip(proxy.port, echo.port, "after"), "after");
    } finally {
      await proxy.close();
    }
  });
});
