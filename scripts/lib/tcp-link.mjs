// A simulated link in front of any local TCP service (the S3 store): bytes pass through unchanged
// (no delay: only outages are simulated here),
// and its SimulatedLink (link.mjs) can take the service off the network at run time, as the
// database stand-ins' links do: `drop` closes every connection and refuses new ones (a killed
// store), `freeze` accepts connections and passes nothing in either direction (a store that hangs).
// When a freeze ends, the connections it held are closed: their requests were lost in the stall.
import net from "node:net";
import { SimulatedLink } from "./link.mjs";

export function startTcpLink({ target, port = 0, link = new SimulatedLink({ name: "tcp" }) }) {
  const pairs = new Set();
  const frozen = new Set();

  const server = net.createServer((client) => {
    if (link.down === "drop") {
      link.turnedAway++;
      client.destroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    const pair = { client, upstream };
    pairs.add(pair);
    const close = () => {
      pairs.delete(pair);
      frozen.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on("error", close).on("close", close);
    upstream.on("error", close).on("close", close);
    // Bytes move only while the link is up; a frozen link holds them (and the peers' buffers fill).
    const forward = (from, to) =>
      from.on("data", (chunk) => {
        if (link.down) {
          if (link.down === "freeze" && !frozen.has(pair)) (frozen.add(pair), link.turnedAway++);
          from.pause();
          return;
        }
        to.write(chunk);
      });
    forward(client, upstream);
    forward(upstream, client);
    if (link.down === "freeze") {
      frozen.add(pair);
      link.turnedAway++;
      client.pause();
    }
  });

  link.onChange((mode) => {
    if (mode === "drop") for (const p of [...pairs]) (p.client.destroy(), p.upstream.destroy());
    if (mode === null) for (const p of [...frozen]) (p.client.destroy(), p.upstream.destroy());
  });

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      resolve({
        port: server.address().port,
        link,
        close: () =>
          new Promise((r) => {
            for (const p of pairs) (p.client.destroy(), p.upstream.destroy());
            server.close(() => r());
          }),
      });
    });
  });
}
