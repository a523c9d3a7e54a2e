// Free loopback ports for the servers the Worker tests start, chosen once per run: vitest.config.ts
// and the global setups run in one process and read them from the same environment variables.
// Ports derived from the process id collided with other processes' connections in the ephemeral
// range, and fixed ones with other engineers' concurrent runs. A variable already set is kept.
import { freePort } from "../../scripts/lib/ports.mjs";

const PORTS = ["TEST_WS_PROXY_PORT", "TEST_NEON_HTTP_PORT", "TEST_STALLED_PORT", "TEST_PGLITE_PORT", "TEST_S3_PORT", "TEST_JWKS_PORT", "TEST_WEBHOOK_PORT"];

export async function reserveTestPorts() {
  for (const name of PORTS) process.env[name] ??= String(await freePort());
}
