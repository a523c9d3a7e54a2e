// One way to pick ports for every local stack (dev, tests, benchmark): ask the kernel for a port
// nobody listens on. Several stacks (other test runs, other engineers) share one machine.
import net from "node:net";

/** A loopback port that is free right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
