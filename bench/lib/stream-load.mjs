// Artifact transfers of up to 1 GiB. autocannon keeps every request and response body in memory
// (responses as one string, which cannot exceed ~512 MB), so large uploads and downloads use this
// small closed loop over node:http instead: bodies are streamed from and into nothing.
import http from "node:http";
import { Readable } from "node:stream";

const CHUNK = Buffer.alloc(1 << 20, 0x61);

function bodyStream(size) {
  let left = size;
  return new Readable({
    read() {
      if (left <= 0) return this.push(null);
      const n = Math.min(left, CHUNK.length);
      left -= n;
      this.push(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n));
    },
  });
}

/**
 * One request; PUT streams `size` bytes. Resolves with { status, bytes, head, headers }.
 * `headers` are sent as given (e.g. a SigV4 signature); PUT adds content-length if they lack it.
 */
export function transfer(agent, url, { method, size, headers: extra = {} }) {
  return new Promise((resolve, reject) => {
    const headers = method === "PUT" ? { "content-length": String(size), "content-type": "application/octet-stream", ...extra } : { ...extra };
    const req = http.request(url, { method, agent, headers, timeout: 600_000 }, (res) => {
      let bytes = 0;
      let head = "";
      res.on("data", (d) => {
        bytes += d.length;
        if (head.length < 300) head += d.toString("utf8", 0, Math.min(d.length, 300));
      });
      res.on("end", () => resolve({ status: res.statusCode, bytes, head, headers: res.headers }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", reject);
    if (method === "PUT") bodyStream(size).pipe(req);
    else req.end();
  });
}

/** Same contract as runAutocannon; `makeRequest(client, seq)` returns { method, path, size }. */
export async function runStreaming({ baseUrl, connections, perClient, makeRequest, sample }) {
  const started = performance.now();
  await Promise.all(Array.from({ length: connections }, async (_, client) => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (let seq = 0; seq < perClient; seq++) {
        const r = makeRequest(client, seq);
        const t0 = performance.now();
        try {
          const res = await transfer(agent, new URL(r.path, baseUrl), r);
          const ms = performance.now() - t0;
          sample.statusCounts[res.status] = (sample.statusCounts[res.status] ?? 0) + 1;
          if (res.status >= 400) {
            sample.errors++;
            if (sample.errorSamples.length < 3) sample.errorSamples.push(`HTTP ${res.status}: ${res.head}`.slice(0, 300));
          } else {
            sample.latencies.push(ms);
            sample.bytes += r.method === "PUT" ? r.size : res.bytes;
          }
        } catch (err) {
          sample.errors++;
          if (sample.errorSamples.length < 3) sample.errorSamples.push(`request error: ${err.message}`);
        }
      }
    } finally {
      agent.destroy();
    }
  }));
  sample.elapsedMs += performance.now() - started;
  return sample;
}
