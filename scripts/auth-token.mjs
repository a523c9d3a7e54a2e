#!/usr/bin/env node
// Admin CLI for the server's bearer tokens (MLFLOW_TRACKING_TOKEN) and users, straight against
// Postgres — for bootstrapping before any admin can call the API, and for break-glass revocation.
//
//   npm exec -- node scripts/auth-token.mjs create --user <name> --name <label> [--expires-days N] [--admin]
//   npm exec -- node scripts/auth-token.mjs list [--user <name>]
//   npm exec -- node scripts/auth-token.mjs revoke <token id>
//   npm exec -- node scripts/auth-token.mjs set-admin --user <name> [--off]
//
// DATABASE_URL (or --database-url) names the database. `create` makes the user if missing (no
// password: it signs in with the token, or through Access) and prints the secret ONCE; only its
// SHA-256 is stored. Token format and hashing must match src/auth/secrets.ts.
import crypto from "node:crypto";
import { parseArgs } from "node:util";
import pg from "pg";

const TOKEN_PREFIX = "mlft_";

function usage(message) {
  if (message) console.error(`error: ${message}\n`);
  console.error(
    "usage: auth-token.mjs create --user NAME --name LABEL [--expires-days N] [--admin]\n" +
      "       auth-token.mjs list [--user NAME]\n" +
      "       auth-token.mjs revoke ID\n" +
      "       auth-token.mjs set-admin --user NAME [--off]\n" +
      "options: --database-url URL (default: $DATABASE_URL)",
  );
  process.exit(2);
}

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    user: { type: "string" },
    name: { type: "string" },
    "expires-days": { type: "string" },
    admin: { type: "boolean", default: false },
    off: { type: "boolean", default: false },
    "database-url": { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
});
const [command, ...rest] = positionals;
if (opts.help || !command) usage();
const databaseUrl = opts["database-url"] ?? process.env.DATABASE_URL;
if (!databaseUrl) usage("set DATABASE_URL or pass --database-url");

async function ensureUser(db, username, admin) {
  const { rows } = await db.query(
    `insert into edge_auth_users (username, password_hash, is_admin, created_at) values ($1, null, $2, $3)
     on conflict (username) do update set is_admin = edge_auth_users.is_admin or excluded.is_admin
     returning id`,
    [username, admin, Date.now()],
  );
  return rows[0].id;
}

const fmtTime = (ms) => (ms === null || ms === undefined ? "-" : new Date(Number(ms)).toISOString());

async function main(db) {
  switch (command) {
    case "create": {
      if (!opts.user || !opts.name) usage("create needs --user and --name");
      let expiresAt = null;
      if (opts["expires-days"] !== undefined) {
        const days = Number(opts["expires-days"]);
        if (!Number.isInteger(days) || days < 1 || days > 3650) usage("--expires-days must be an integer between 1 and 3650");
        expiresAt = Date.now() + days * 86_400_000;
      }
      const userId = await ensureUser(db, opts.user, opts.admin);
      const secret = TOKEN_PREFIX + crypto.randomBytes(32).toString("base64url");
      const hash = crypto.createHash("sha256").update(secret).digest("hex");
      const { rows } = await db.query(
        `insert into edge_auth_tokens (user_id, name, token_hash, created_at, expires_at) values ($1, $2, $3, $4, $5) returning id`,
        [userId, opts.name, hash, Date.now(), expiresAt],
      );
      console.error(`token ${rows[0].id} for ${opts.user} (${opts.name}), expires ${fmtTime(expiresAt)}. Shown once:`);
      console.log(secret);
      return;
    }
    case "list": {
      const { rows } = await db.query(
        `select t.id, u.username, t.name, t.created_at, t.expires_at, t.revoked_at
         from edge_auth_tokens t join edge_auth_users u on u.id = t.user_id
         where ($1::text is null or u.username = $1) order by t.id`,
        [opts.user ?? null],
      );
      for (const r of rows) {
        const state = r.revoked_at ? "revoked" : r.expires_at && Number(r.expires_at) <= Date.now() ? "expired" : "active";
        console.log([r.id, r.username, r.name, state, `created ${fmtTime(r.created_at)}`, `expires ${fmtTime(r.expires_at)}`].join("\t"));
      }
      return;
    }
    case "revoke": {
      const id = Number(rest[0]);
      if (!Number.isSafeInteger(id)) usage("revoke needs a token id (see `list`)");
      const { rowCount } = await db.query(`update edge_auth_tokens set revoked_at = coalesce(revoked_at, $2) where id = $1`, [id, Date.now()]);
      if (rowCount === 0) {
        console.error(`no token ${id}`);
        process.exitCode = 1;
      } else console.error(`token ${id} revoked`);
      return;
    }
    case "set-admin": {
      if (!opts.user) usage("set-admin needs --user");
      if (opts.off) await db.query(`update edge_auth_users set is_admin = false where username = $1`, [opts.user]);
      else await ensureUser(db, opts.user, true);
      console.error(`${opts.user} is ${opts.off ? "no longer " : ""}an admin`);
      return;
    }
    default:
      usage(`unknown command ${command}`);
  }
}

const db = new pg.Client({ connectionString: databaseUrl });
await db.connect();
try {
  await main(db);
} finally {
  await db.end();
}
