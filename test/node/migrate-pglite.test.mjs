// migrate() against PGlite (Postgres 18 in wasm) served over TCP by pglite-socket, the local dev
// database. pg_dump 15 cannot dump a Postgres 18 server, so the schema is compared through a
// catalog summary against the same migrations applied to the Debian Postgres (whose schema the
// parity test proves identical to MLflow's).
//
//   npm exec -- node --test test/node/
//
// Env: PARITY_PG_URL (admin URL of the Debian Postgres, default postgres://postgres:postgres@127.0.0.1:5432/postgres).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import pg from "pg";
import { MLFLOW_ALEMBIC_HEAD, migrate, readJournal } from "../../scripts/lib/migrate-core.mjs";
import { freePort } from "../../scripts/lib/ports.mjs";

const ADMIN_URL = process.env.PARITY_PG_URL ?? "postgres://postgres:postgres@127.0.0.1:5432/postgres";
const DEBIAN_DB = `pglite_cmp_${process.pid}_${Date.now().toString(36)}`;
const quiet = () => {};


async function withClient(url, fn) {
  const c = new pg.Client({ connectionString: url });
  c.on("error", () => {});
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

// Version-independent description of the public schema: columns, constraints (NOT NULL ones are
// rows of pg_constraint only from Postgres 18 on, so they are left to the column list), indexes,
// sequences, triggers and functions.
const SUMMARY_SQL = `
select 'column' as kind, c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
       || case when a.attnotnull then ' not null' else '' end
       || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
       || case a.attidentity when 'd' then ' identity by default' when 'a' then ' identity always' else '' end
       || case a.attgenerated when 's' then ' generated' else '' end
       || ' #' || a.attnum as item
  from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
  left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
 where n.nspname = 'public' and c.relkind = 'r' and a.attnum > 0 and not a.attisdropped
union all
select 'constraint', c.relname || ' ' || k.conname || ' ' || k.contype::text || ' ' ||
       pg_get_constraintdef(k.oid)
  from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace
 where n.nspname = 'public' and k.contype <> 'n'
union all
select 'index', indexdef from pg_indexes where schemaname = 'public'
union all
select 'sequence', sequencename || ' ' || data_type::text || ' ' || start_value || ' ' || increment_by || ' ' || cache_size
  from pg_sequences where schemaname = 'public'
union all
select 'trigger', tgname || ' on ' || tgrelid::regclass::text from pg_trigger where not tgisinternal
union all
select 'function', p.proname || ' ' || md5(p.prosrc) from pg_proc p join pg_namespace n on n.oid = p.pronamespace
 where n.nspname = 'public'
order by 1, 2`;

describe("migrate() on PGlite over pglite-socket", { timeout: 60_000 }, () => {
  let db;
  let server;
  let url;

  before(async () => {
    db = await PGlite.create("memory://");
    const port = await freePort();
    server = new PGLiteSocketServer({ db, port, host: "127.0.0.1", maxConnections: 100 });
    await server.start();
    url = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  });

  after(async () => {
    await server?.stop();
    await db?.close();
    await withClient(ADMIN_URL, (c) => c.query(`DROP DATABASE IF EXISTS "${DEBIAN_DB}" WITH (FORCE)`)).catch(() => {});
  });

  test("an empty PGlite database gets the full schema; a re-run is a no-op", async () => {
    const first = await migrate(url, { log: quiet });
    assert.equal(first.mode, "fresh");
    assert.deepEqual(first.applied, readJournal().map((m) => m.tag));
    const second = await migrate(url, { log: quiet });
    assert.deepEqual(second.applied, []);
    await withClient(url, async (c) => {
      const version = (await c.query("select version()")).rows[0].version;
      assert.match(version, /PostgreSQL/);
      assert.deepEqual((await c.query("select version_num from alembic_version")).rows, [{ version_num: MLFLOW_ALEMBIC_HEAD }]);
      const exp = (await c.query("select experiment_id, name, artifact_location from experiments")).rows;
      assert.deepEqual(exp, [{ experiment_id: 0, name: "Default", artifact_location: "mlflow-artifacts:/0" }]);
      // MLflow's 71 tables; our additive edge_* tables (src/db/schema/auth.ts) are not counted.
      const tables = (await c.query("select count(*)::int as n from pg_tables where schemaname = 'public' and tablename not like 'edge\\_%'")).rows[0].n;
      assert.equal(tables, 71);
      // the secrets trigger works on PGlite too
      await c.query(
        "insert into secrets (secret_id, secret_name, encrypted_value, wrapped_dek, kek_version, masked_value, created_at, last_updated_at) values ('s1', 'n1', '\\x00', '\\x00', 1, '***', 0, 0)",
      );
      await assert.rejects(c.query("update secrets set secret_name = 'n2' where secret_id = 's1'"), /immutable/);
    });
  });

  test("PGlite's schema matches the Debian Postgres one", async () => {
    await withClient(ADMIN_URL, (c) => c.query(`CREATE DATABASE "${DEBIAN_DB}"`));
    const u = new URL(ADMIN_URL);
    u.pathname = `/${DEBIAN_DB}`;
    await migrate(u.toString(), { log: quiet });
    const summary = (dbUrl) => withClient(dbUrl, async (c) => (await c.query(SUMMARY_SQL)).rows.map((r) => `${r.kind}: ${r.item}`));
    const [debian, pglite] = await Promise.all([summary(u.toString()), summary(url)]);
    const onlyDebian = debian.filter((l) => !pglite.includes(l));
    const onlyPglite = pglite.filter((l) => !debian.includes(l));
    assert.ok(
      onlyDebian.length === 0 && onlyPglite.length === 0,
      `schemas differ:\n${onlyDebian.map((l) => `  debian: ${l}`).join("\n")}\n${onlyPglite.map((l) => `  pglite: ${l}`).join("\n")}`,
    );
  });
});
