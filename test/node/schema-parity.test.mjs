// Schema parity with MLflow 3.18.0 on the Debian Postgres.
//
//   npm exec -- node --test test/node/
//
// Creates fresh databases (unique names, dropped at the end): one by `mlflow db upgrade` (the
// reference, from .venv/mlflow3), one by our migrate(). Compares `pg_dump --schema-only --no-owner`
// of both, object by object, ignoring the `drizzle` schema (our journal) and the objects listed in
// src/db/schema/additions.ts. Then checks that MLflow accepts our database as up to date, and that
// migrate() adopts an MLflow-created database without changing its schema.
//
// Env: PARITY_PG_URL (admin URL, default postgres://postgres:postgres@127.0.0.1:5432/postgres),
//      MLFLOW_BIN (default .venv/mlflow3/bin/mlflow), PG_DUMP (default pg_dump on PATH).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import pg from "pg";
import { MigrationError, MLFLOW_ALEMBIC_HEAD, MLFLOW_BASELINE_TAGS, migrate, readJournal } from "../../scripts/lib/migrate-core.mjs";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const ADMIN_URL = process.env.PARITY_PG_URL ?? "postgres://postgres:postgres@127.0.0.1:5432/postgres";
const MLFLOW_BIN = process.env.MLFLOW_BIN ?? path.join(ROOT, ".venv/mlflow3/bin/mlflow");
const PG_DUMP = process.env.PG_DUMP ?? "pg_dump";

const { additionalObjectNames } = await import("../../src/db/schema/additions.ts");
const meta = await import("../../src/db/schema/meta.ts");

const suffix = `${process.pid}_${Date.now().toString(36)}`;
const DB = { ml: `parity_ml_${suffix}`, ours: `parity_ours_${suffix}`, old: `parity_old_${suffix}` };

function dbUrl(name) {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin(sqlText) {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    return await c.query(sqlText);
  } finally {
    await c.end();
  }
}

async function query(name, sqlText) {
  const c = new pg.Client({ connectionString: dbUrl(name) });
  await c.connect();
  try {
    return (await c.query(sqlText)).rows;
  } finally {
    await c.end();
  }
}

async function mlflowUpgrade(name) {
  // MLflow's SQLAlchemy URL wants postgresql://
  const url = dbUrl(name).replace(/^postgres:/, "postgresql:");
  try {
    return await run(MLFLOW_BIN, ["db", "upgrade", url], { cwd: ROOT, timeout: 180_000, maxBuffer: 16 << 20 });
  } catch (e) {
    throw new Error(`mlflow db upgrade ${name} failed:\n${e.stderr ?? e.message}`);
  }
}

async function dump(name) {
  const { stdout } = await run(PG_DUMP, ["--schema-only", "--no-owner", "--dbname", dbUrl(name)], {
    timeout: 60_000,
    maxBuffer: 64 << 20,
  });
  return stdout;
}

/**
 * Splits a plain-format pg_dump into objects keyed "Type Schema Name" (from pg_dump's
 * `-- Name: …; Type: …; Schema: …` headers), normalising each body: comments, blank lines, SET
 * lines, OWNER TO and \restrict lines go. Drops the drizzle schema's objects and our additions.
 */
function parseDump(text, { ignoreNames = [] } = {}) {
  const objects = new Map();
  const ignore = new Set(ignoreNames);
  let current = null;
  for (const line of text.split("\n")) {
    const h = /^-- (?:Data for )?Name: (.*); Type: (.*); Schema: (.*); Owner: .*$/.exec(line);
    if (h) {
      const [, name, type, schema] = h;
      const key = `${type} ${schema} ${name}`;
      const words = name.split(/[\s(),]+/);
      const skip =
        schema === "drizzle" || (type === "SCHEMA" && name === "drizzle") || words.some((w) => ignore.has(w));
      current = skip ? null : key;
      if (current) objects.set(current, []);
      continue;
    }
    if (current === null) continue;
    if (line.startsWith("--") || line.trim() === "") continue;
    if (/^SET /.test(line) || /^SELECT pg_catalog\.set_config/.test(line)) continue;
    if (/^\\(un)?restrict /.test(line) || / OWNER TO /.test(line)) continue;
    objects.get(current).push(line);
  }
  // statements that mention an ignored object (e.g. an added index's name) inside a kept block
  for (const [key, lines] of objects) {
    if (lines.some((l) => l.split(/[\s(),.;"]+/).some((w) => ignore.has(w)))) objects.delete(key);
  }
  return new Map([...objects].map(([k, v]) => [k, v.join("\n")]));
}

/** Human-readable difference between two parsed dumps, or "" if equal. */
function diffDumps(expected, actual, labels = ["mlflow", "ours"]) {
  const out = [];
  for (const [k, v] of expected) {
    if (!actual.has(k)) out.push(`- only in ${labels[0]}: ${k}\n${indent(v)}`);
    else if (actual.get(k) !== v) {
      const a = v.split("\n");
      const b = actual.get(k).split("\n");
      out.push(
        `~ differs: ${k}\n` +
          a.filter((l) => !b.includes(l)).map((l) => `    ${labels[0]}: ${l.trim()}`).join("\n") +
          "\n" +
          b.filter((l) => !a.includes(l)).map((l) => `    ${labels[1]}: ${l.trim()}`).join("\n"),
      );
    }
  }
  for (const [k, v] of actual) if (!expected.has(k)) out.push(`+ only in ${labels[1]}: ${k}\n${indent(v)}`);
  return out.join("\n");
}
/** Whole dump, drizzle schema included, without comments, blank, SET and \restrict lines. */
const normalise = (text) =>
  text
    .split("\n")
    .filter((l) => !(l.startsWith("--") || l.trim() === "" || /^SET |^SELECT pg_catalog\.set_config|^\\(un)?restrict /.test(l)))
    .join("\n");
const indent = (s) => s.split("\n").map((l) => `    ${l}`).join("\n");

function assertSameSchema(expected, actual, labels, what) {
  const d = diffDumps(expected, actual, labels);
  assert.ok(d === "", `${what}: ${d.split("\n").filter((l) => /^[-+~] /.test(l)).length} object(s) differ\n${d}`);
}

const quiet = () => {};
const dumps = {};
let preflightError = null;

describe("schema parity with MLflow 3.18.0", { timeout: 600_000 }, () => {
  before(async () => {
    const problems = [];
    if (!fs.existsSync(MLFLOW_BIN)) {
      problems.push(`mlflow not found at ${MLFLOW_BIN}: run \`bash scripts/python-env.sh\` (or set MLFLOW_BIN)`);
    }
    try {
      await run(PG_DUMP, ["--version"]);
    } catch {
      problems.push(`pg_dump not found (${PG_DUMP}): apt-get install -y postgresql-client (or set PG_DUMP)`);
    }
    try {
      await admin("select 1");
    } catch (e) {
      problems.push(`cannot connect to ${ADMIN_URL.replace(/:[^:@/]*@/, ":***@")} (${e.message}): pg_ctlcluster 15 main start`);
    }
    if (problems.length) {
      preflightError = new Error(`schema parity prerequisites missing:\n  ${problems.join("\n  ")}`);
      return;
    }
    for (const name of Object.values(DB)) await admin(`CREATE DATABASE "${name}"`);
    await Promise.all([mlflowUpgrade(DB.ml), migrate(dbUrl(DB.ours), { log: quiet })]);
    [dumps.ml, dumps.ours] = await Promise.all([dump(DB.ml), dump(DB.ours)]);
  });

  after(async () => {
    if (preflightError) return;
    for (const name of Object.values(DB)) {
      await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch((e) => console.error(`drop ${name}: ${e.message}`));
    }
  });

  const ready = () => {
    if (preflightError) throw preflightError;
  };

  test("our migrations create exactly MLflow's schema", async () => {
    ready();
    const ml = parseDump(dumps.ml);
    const ours = parseDump(dumps.ours, { ignoreNames: additionalObjectNames });
    assert.ok(ml.size > 300, `the MLflow dump looks too small (${ml.size} objects)`);
    assert.equal([...ml.keys()].filter((k) => k.startsWith("TABLE public ")).length, 71, "MLflow 3.18 has 71 tables");
    assertSameSchema(ml, ours, ["mlflow", "ours"], "schema created by migrate() differs from `mlflow db upgrade`");
    const [mlRev, ourRev] = await Promise.all([
      query(DB.ml, "select version_num from alembic_version"),
      query(DB.ours, "select version_num from alembic_version"),
    ]);
    assert.equal(meta.MLFLOW_ALEMBIC_HEAD, MLFLOW_ALEMBIC_HEAD, "src/db/schema/meta.ts and scripts/lib/migrate-core.mjs disagree");
    assert.deepEqual(mlRev, [{ version_num: MLFLOW_ALEMBIC_HEAD }]);
    assert.deepEqual(ourRev, [{ version_num: MLFLOW_ALEMBIC_HEAD }]);
    const def = await query(DB.ours, "select experiment_id, name, lifecycle_stage, workspace from experiments");
    assert.deepEqual(def, [{ experiment_id: 0, name: "Default", lifecycle_stage: "active", workspace: "default" }]);
  });

  test("MLflow accepts our database: `mlflow db upgrade` is a no-op", async () => {
    ready();
    await mlflowUpgrade(DB.ours);
    const rev = await query(DB.ours, "select version_num from alembic_version");
    assert.deepEqual(rev, [{ version_num: MLFLOW_ALEMBIC_HEAD }], "alembic_version changed");
    const afterDump = await dump(DB.ours);
    assertSameSchema(parseDump(dumps.ours), parseDump(afterDump), ["before", "after"], "mlflow db upgrade changed our schema");
  });

  test("migrate() adopts an MLflow-created database without changing it, and re-runs as a no-op", async () => {
    ready();
    const first = await migrate(dbUrl(DB.ml), { log: quiet });
    assert.equal(first.mode, "adopted-mlflow");
    const journal = readJournal();
    const baseline = journal.filter((m) => MLFLOW_BASELINE_TAGS.includes(m.tag));
    assert.deepEqual(
      first.applied,
      journal.filter((m) => !MLFLOW_BASELINE_TAGS.includes(m.tag)).map((m) => m.tag),
      "only our own (post-baseline) migrations may run on an MLflow database",
    );
    const afterFirst = await dump(DB.ml);
    assertSameSchema(
      parseDump(dumps.ml),
      parseDump(afterFirst, { ignoreNames: additionalObjectNames }),
      ["mlflow", "adopted"],
      "migrate() changed the MLflow database's schema",
    );
    const rows = await query(DB.ml, "select hash, created_at from drizzle.__drizzle_migrations order by id");
    assert.deepEqual(
      rows.slice(0, baseline.length).map((r) => [r.hash, Number(r.created_at)]),
      baseline.map((m) => [m.hash, m.folderMillis]),
      "baseline migrations must be recorded with drizzle's hashes",
    );
    assert.equal(rows.length, journal.length);
    // the journal is identical to the one a fresh database gets
    const oursRows = await query(DB.ours, "select hash, created_at from drizzle.__drizzle_migrations order by id");
    assert.deepEqual(rows, oursRows);

    const second = await migrate(dbUrl(DB.ml), { log: quiet });
    assert.equal(second.mode, "incremental");
    assert.deepEqual(second.applied, []);
    assert.equal(normalise(await dump(DB.ml)), normalise(afterFirst), "a second migrate() changed the schema");
  });

  test("migrate() refuses an MLflow database at another alembic revision", async () => {
    ready();
    await query(
      DB.old,
      "CREATE TABLE alembic_version (version_num varchar(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));" +
        "INSERT INTO alembic_version VALUES ('1b5f0d9ad7c1')",
    );
    await assert.rejects(migrate(dbUrl(DB.old), { log: quiet }), (e) => {
      assert.ok(e instanceof MigrationError, `expected MigrationError, got ${e}`);
      assert.match(e.message, /1b5f0d9ad7c1/);
      assert.match(e.message, /mlflow db upgrade/);
      assert.match(e.message, /3\.18\.0/);
      return true;
    });
    const tables = await query(DB.old, "select count(*)::int as n from pg_tables where schemaname in ('public', 'drizzle')");
    assert.deepEqual(tables, [{ n: 1 }], "a refused migration must not create anything");
  });
});
