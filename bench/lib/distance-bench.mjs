// Issue 14's benchmark: what a request costs when the database is far away. In production the
// Worker runs at the Cloudflare location nearest the client and Neon's proxy sits next to the
// database, often in another region; locally everything is on loopback. The stand-ins' simulated
// link (scripts/lib/link.mjs) puts the database 0, 5, 20 and 50 ms away (one way), and for each
// transport (HTTP: one exchange per statement; WebSocket: a handshake, a login and then the
// statement, per request) we time single-client requests and express their latency as a multiple
// of the simulated round trip.
//
// Target (issue 14): at 20 ms one way, p50 ≤ 1.3 × (one round trip + the p50 at no delay).
import { newSample, runAutocannon, summarise } from "./load.mjs";

export const DELAYS_MS = [0, 5, 20, 50];
export const TRANSPORTS = ["http", "ws"];
const SCENARIOS = ["runs-get", "runs-create", "log-metric"];
const TARGET_FACTOR = 1.3;

async function setDelay(links, delayMs) {
  const res = await fetch(links, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ delayMs }) });
  if (!res.ok) throw new Error(`link control: HTTP ${res.status} ${await res.text()}`);
}

/**
 * The scenario. `ourServer(transport)` returns our server on that transport (the benchmark's own,
 * or a second one it starts). Rows: { transport, scenario, delayMs, p50, p95, rttMultiple, target, meets }.
 */
export function distanceScenario({ full, scenarios }) {
  const requests = full ? 40 : 12;
  return {
    id: "db-distance",
    title: "database 0/5/20/50 ms away, per transport",
    kind: "distance",
    custom: async ({ servers, log, ourServer }) => {
      const ctx = servers[1].ctx;
      const rows = [];
      for (const transport of TRANSPORTS) {
        const server = await ourServer(transport);
        const baseline = {};
        try {
          for (const delayMs of DELAYS_MS) {
            await setDelay(server.links, delayMs);
            for (const id of SCENARIOS) {
              const scenario = scenarios.find((s) => s.id === id);
              const makeRequest = (client, seq) => scenario.request(ctx, client, seq);
              // One unmeasured request: the first at a new distance pays for nothing we measure.
              await runAutocannon({ baseUrl: server.url, connections: 1, perClient: 1, makeRequest });
              const summary = summarise(await runAutocannon({ baseUrl: server.url, connections: 1, perClient: requests, makeRequest, sample: newSample() }));
              if (delayMs === 0) baseline[id] = summary.p50;
              const rtt = 2 * delayMs;
              const target = delayMs > 0 ? Math.round(TARGET_FACTOR * (rtt + baseline[id]) * 10) / 10 : null;
              const row = {
                id: "db-distance",
                kind: "distance",
                status: summary.errors ? "failed" : "ok",
                note: summary.errors ? summary.errorSamples.join(" | ") : undefined,
                transport,
                scenario: id,
                delayMs,
                p50: summary.p50,
                p95: summary.p95,
                dbRoundTrips: summary.dbRoundTrips,
                rttMultiple: delayMs > 0 ? Math.round((summary.p50 / rtt) * 100) / 100 : null,
                target,
                meets: target === null ? null : summary.p50 <= target,
              };
              rows.push(row);
              log(`${transport} ${id} at ${delayMs} ms: p50 ${summary.p50} ms${row.rttMultiple ? ` = ${row.rttMultiple} × RTT` : ""}, ${summary.dbRoundTrips} db round trips`);
            }
          }
        } finally {
          await setDelay(server.links, 0);
        }
      }
      return rows;
    },
  };
}

export function distanceTable(rows) {
  const head = [
    "transport".padEnd(10), "scenario".padEnd(12), "one-way ms".padStart(10), "db rt".padStart(6),
    "p50 ms".padStart(8), "p95 ms".padStart(8), "p50 / RTT".padStart(10), "target p50".padStart(11), "".padStart(5),
  ].join(" ");
  const lines = [head, "-".repeat(head.length)];
  for (const r of rows) {
    lines.push([
      r.transport.padEnd(10), r.scenario.padEnd(12), String(r.delayMs).padStart(10), String(r.dbRoundTrips ?? "-").padStart(6),
      String(r.p50 ?? "-").padStart(8), String(r.p95 ?? "-").padStart(8), (r.rttMultiple === null ? "-" : `${r.rttMultiple}×`).padStart(10),
      (r.target === null ? "-" : `≤ ${r.target}`).padStart(11), (r.meets === null ? "" : r.meets ? "ok" : "MISS").padStart(5),
    ].join(" ") + (r.note ? `  ${r.note}` : ""));
  }
  return lines.join("\n");
}
