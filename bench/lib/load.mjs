// Load generation. JSON API scenarios use autocannon: one instance per simulated client (one
// connection each), so that every client can own its run, like one training job per run. Each
// client sends a fixed number of requests, sized from a warm-up so that a measurement lasts about
// the requested time and ends with no request in flight: an abandoned request would keep one server
// busy while the other is being measured.
import autocannon from "autocannon";

const REQUEST_TIMEOUT_S = 300;

/** Parses our `server-timing: db;desc="round trips";dur=N` header. */
function roundTripsFrom(headers) {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === "server-timing");
  if (!key) return undefined;
  const match = /(?:^|,)\s*db;[^,]*dur=([\d.]+)/.exec(String(headers[key]));
  return match ? Number(match[1]) : undefined;
}

export function newSample() {
  return { latencies: [], elapsedMs: 0, errors: 0, errorSamples: [], statusCounts: {}, roundTrips: [], bytes: 0 };
}

function recordError(sample, what) {
  sample.errors++;
  if (sample.errorSamples.length < 3) sample.errorSamples.push(what.slice(0, 300));
}

/**
 * Runs `perClient` requests on each of `connections` clients against `baseUrl`.
 * `makeRequest(client, seq)` returns { method, path, headers?, body? } for the seq-th request of a client.
 */
export async function runAutocannon({ baseUrl, connections, perClient, makeRequest, sample = newSample() }) {
  const started = performance.now();
  const clients = Array.from({ length: connections }, (_, client) => {
    let seq = 0;
    const instance = autocannon({
      url: baseUrl,
      connections: 1,
      amount: perClient,
      timeout: REQUEST_TIMEOUT_S,
      requests: [{
        setupRequest: (req) => {
          const r = makeRequest(client, seq++);
          const headers = { ...(r.body !== undefined ? { "content-type": "application/json" } : {}), ...r.headers };
          return { ...req, method: r.method, path: r.path, headers, body: r.body };
        },
        onResponse: (status, body, _ctx, headers) => {
          const rt = roundTripsFrom(headers);
          if (rt !== undefined) sample.roundTrips.push(rt);
          if (status >= 400) recordError(sample, `HTTP ${status}: ${body}`);
        },
      }],
    });
    instance.on("response", (_client, status, bytes, ms) => {
      sample.statusCounts[status] = (sample.statusCounts[status] ?? 0) + 1;
      if (status < 400) sample.latencies.push(ms);
      sample.bytes += bytes;
    });
    instance.on("reqError", (err) => recordError(sample, `request error: ${err.message}`));
    return instance.then((result) => {
      // Timeouts and connection errors do not produce a response event.
      if (result.timeouts > 0) recordError(sample, `${result.timeouts} request(s) timed out after ${REQUEST_TIMEOUT_S} s`);
    });
  });
  await Promise.all(clients);
  sample.elapsedMs += performance.now() - started;
  return sample;
}

/** Sizes a measurement: requests per client for about `seconds` given a warm-up's mean latency. */
export function requestsPerClient(warmup, seconds, connections, { max = 100_000 } = {}) {
  // At least five samples in all, and two requests per client.
  const min = Math.max(2, Math.ceil(5 / connections));
  const lat = warmup.latencies;
  const mean = lat.length ? lat.reduce((a, b) => a + b, 0) / lat.length : 1000;
  return Math.max(min, Math.min(max, Math.round((seconds * 1000) / Math.max(mean, 0.05))));
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

/** Summarises a sample: throughput, latency percentiles (ms), errors, round trips per request. */
export function summarise(sample) {
  const sorted = [...sample.latencies].sort((a, b) => a - b);
  const requests = sorted.length + sample.errors;
  const round = (x) => (x === null ? null : Math.round(x * 100) / 100);
  const rt = sample.roundTrips;
  return {
    requests,
    seconds: round(sample.elapsedMs / 1000),
    rps: sample.elapsedMs > 0 ? round((sorted.length * 1000) / sample.elapsedMs) : null,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    errors: sample.errors,
    errorSamples: sample.errorSamples,
    statusCounts: sample.statusCounts,
    dbRoundTrips: rt.length ? round(rt.reduce((a, b) => a + b, 0) / rt.length) : null,
    mbPerSecond: sample.elapsedMs > 0 ? round(sample.bytes / 1e6 / (sample.elapsedMs / 1000)) : null,
  };
}
