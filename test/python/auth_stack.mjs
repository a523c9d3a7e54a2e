// The stack test_auth.py drives: our Worker under `wrangler dev` with auth ON, on its own database,
// S3 server and ports, plus a stand-in for Cloudflare Access in front of it.
//
//   npm exec -- node test/python/auth_stack.mjs
//
// Prints one line `READY {json}` (URLs, the bootstrap admin, the Access service token, the database
// URL) and runs until stdin closes or it gets SIGTERM.
//
// The Access stand-in does what Access does for a "Service Auth" policy: a request carrying the
// service token's CF-Access-Client-Id/Secret is forwarded with a freshly signed RS256 JWT in
// Cf-Access-Jwt-Assertion (common_name = client id); anything else gets an HTML login page (the
// failure mode of mlflow/mlflow#4955). It also serves the JWKS at /cdn-cgi/access/certs, which the
// Worker uses to verify those JWTs exactly as in production.
//
// Env: AUTH_E2E_PORT (wrangler; default: a free port, as for the database stand-ins, S3 and Access),
//      TEST_POSTGRES_URL (default postgres://postgres:postgres@127.0.0.1:5432).
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { migrate } from "../../scripts/lib/migrate-core.mjs";
import { beforeSignalExit, dropDatabase, localWorkerVars, recreateDatabase, startDatabaseStandIns, startS3, startWrangler } from "../../scripts/lib/stack.mjs";
import { freePort } from "../../scripts/lib/ports.mjs";

const POSTGRES = process.env.TEST_POSTGRES_URL ?? "postgres://postgres:postgres@127.0.0.1:5432";


const PORTS = {
  wrangler: Number(process.env.AUTH_E2E_PORT ?? 0) || (await freePort()),
  s3: await freePort(),
  access: await freePort(),
};
const DB_NAME = `edge_mlflow_auth_e2e_${PORTS.wrangler}`;


/** The Access stand-in: JWKS host, service-token check, JWT injection, reverse proxy. */
async function startAccess({ port, upstream, audience, serviceToken }) {
  const { privateKey, publicKey } = await generateKeyPair("RS256");
  const kid = crypto.randomUUID();
  const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" }] });
  const team = `http://127.0.0.1:${port}`;
  const server = http.createServer(async (req, res) => {
    if (req.url === "/cdn-cgi/access/certs") {
      res.writeHead(200, { "content-type": "application/json" }).end(jwks);
      return;
    }
    const id = req.headers["cf-access-client-id"];
    const secret = req.headers["cf-access-client-secret"];
    const valid =
      id === serviceToken.id &&
      typeof secret === "string" &&
      secret.length === serviceToken.secret.length &&
      crypto.timingSafeEqual(Buffer.from(secret), Buffer.from(serviceToken.secret));
    if (!valid) {
      res.writeHead(403, { "content-type": "text/html" }).end("<!doctype html><title>Sign in ・ Cloudflare Access</title>");
      return;
    }
    const now = Math.floor(Date.now() / 1000);
    const jwt = await new SignJWT({ common_name: id, type: "app", sub: "" })
      .setProtectedHeader({ alg: "RS256", kid })
      .setAudience(audience)
      .setIssuer(team)
      .setIssuedAt(now)
      .setNotBefore(now - 5)
      .setExpirationTime(now + 300)
      .sign(privateKey);
    const headers = { ...req.headers, "cf-access-jwt-assertion": jwt };
    delete headers["cf-access-client-id"];
    delete headers["cf-access-client-secret"];
    const target = new URL(req.url, upstream);
    const forward = http.request(target, { method: req.method, headers: { ...headers, host: target.host } }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    forward.on("error", () => res.writeHead(502).end());
    req.pipe(forward);
  });
  await new Promise((resolve, reject) => server.once("error", reject).listen(port, "127.0.0.1", resolve));
  return { url: team, team, stop: () => server.close() };
}

async function main() {
  const databaseUrl = await recreateDatabase(POSTGRES, DB_NAME);
  await migrate(databaseUrl, { log: () => {} });
  const standIns = await startDatabaseStandIns();
  const s3 = await startS3({ port: PORTS.s3, dir: fs.mkdtempSync(path.join(os.tmpdir(), "edge-mlflow-auth-s3-")) });
  const admin = { username: "e2e-admin", password: crypto.randomBytes(18).toString("base64url") };
  const audience = crypto.randomBytes(32).toString("hex");
  const serviceToken = { id: `${crypto.randomBytes(8).toString("hex")}.access`, secret: crypto.randomBytes(32).toString("hex") };
  const accessPort = PORTS.access;
  const team = `http://127.0.0.1:${accessPort}`;
  const server = await startWrangler({
    port: PORTS.wrangler,
    vars: {
      ...localWorkerVars({ databaseUrl, standIns, s3 }),
      AUTH_MODE: "on",
      AUTH_ADMIN_USERNAME: admin.username,
      AUTH_ADMIN_PASSWORD: admin.password,
      ACCESS_TEAM_DOMAIN: team,
      ACCESS_AUD: audience,
    },
  });
  const access = await startAccess({ port: accessPort, upstream: server.url, audience, serviceToken });
  // Each run makes a database named after its port: leave none behind (they piled up before).
  const dropOurs = () => dropDatabase(POSTGRES, DB_NAME).catch((e) => console.error(`could not drop ${DB_NAME}: ${e.message}`));
  // The test stops us with SIGTERM: the stack's signal handling drops the database, then exits,
  // which stops wrangler and the other children.
  beforeSignalExit(dropOurs);
  const stop = async () => {
    access.stop();
    server.stop();
    s3.stop();
    standIns.stop();
    await dropOurs();
    process.exit(0);
  };
  process.stdin.on("end", stop);
  process.stdin.resume();
  console.log(`READY ${JSON.stringify({ url: server.url, accessUrl: access.url, admin, serviceToken, databaseUrl })}`);
}

main().catch((e) => {
  console.error(e?.stack ?? e);
  process.exit(1);
});
