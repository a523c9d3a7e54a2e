// Applies our Drizzle migrations (./drizzle) to a Postgres database, in-process.
//
// Three starting points are supported:
//   (a) empty database                → apply every migration;
//   (b) database created by MLflow 3.18.0 (`mlflow db upgrade`, alembic head f4a9b2c7d1e6) and
//       without our migration journal → record the MLflow baseline migrations as applied without
//       running them (the schema is already there), then apply the rest;
//   (c) MLflow database at another alembic revision → refuse, telling the user to upgrade it with
//       mlflow 3.18.0 first.
// Afterwards the default experiment (id 0) is created if missing, as MLflow's SqlAlchemyStore does.
//
// Works against Debian Postgres and PGlite over pglite-socket (plain TCP). Uses one connection
// (a pg.Client), so it fits pglite-server's connection limit, and holds an advisory lock so that
// concurrent starts do not race.
import crypto from "node:crypto";
import fs from "node:fs";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate as drizzleMigrate } from "drizzle-orm/node-postgres/migrator";

export const DEFAULT_DATABASE_URL = "postgres://postgres:postgres@127.0.0.1:5433/postgres";
export const MIGRATIONS_FOLDER = fileURLToPath(new URL("../../drizzle", import.meta.url));
export const MIGRATIONS_SCHEMA = "drizzle";
export const MIGRATIONS_TABLE = "__drizzle_migrations";

/** MLflow release and alembic head revision our baseline reproduces (see src/db/schema/meta.ts). */
export const MLFLOW_VERSION = "3.18.0";
export const MLFLOW_ALEMBIC_HEAD = "f4a9b2c7d1e6";

/**
 * Migrations that together recreate MLflow 3.18.0's schema exactly. On a database MLflow created,
 * they are recorded as applied without running. Every later migration is ours and runs everywhere.
 */
export const MLFLOW_BASELINE_TAGS = ["0000_mlflow_3_18_base", "0001_mlflow_3_18_extras", "0002_alembic_stamp"];

// Arbitrary constant: pg_advisory_lock key serialising concurrent migrate() calls.
const LOCK_KEY = 7_301_118_001;

/**
 * Reads the migration journal the same way drizzle-orm's readMigrationFiles does
 * (node_modules/drizzle-orm/migrator.js): hash = sha256 hex of the whole .sql file, folderMillis =
 * the journal entry's `when`.
 */
export function readJournal(migrationsFolder = MIGRATIONS_FOLDER) {
  const journal = JSON.parse(fs.readFileSync(`${migrationsFolder}/meta/_journal.json`, "utf8"));
  return journal.entries.map((e) => {
    const query = fs.readFileSync(`${migrationsFolder}/${e.tag}.sql`).toString();
    return { tag: e.tag, folderMillis: e.when, hash: crypto.createHash("sha256").update(query).digest("hex") };
  });
}

// posixpath.join(a, b) for a relative b.
function posixJoin(a, b) {
  if (b.startsWith("/")) return b;
  if (a === "" || a.endsWith("/")) return a + b;
  return `${a}/${b}`;
}

// mlflow.utils.uri._join_posixpaths_and_append_absolute_suffixes
function joinPosixAppendAbsolute(prefix, suffix) {
  if (prefix.length === 0) return suffix;
  return posixJoin(prefix, suffix.replace(/^\/+/, ""));
}

// Python's urllib.parse.uses_netloc
const USES_NETLOC = new Set([
  "", "ftp", "http", "gopher", "nntp", "telnet", "imap", "wais", "file", "mms", "https", "shttp", "snews",
  "prospero", "rtsp", "rtsps", "rtspu", "rsync", "svn", "svn+ssh", "sftp", "nfs", "git", "git+ssh", "ws", "wss",
  "itms-services",
]);

/**
 * Port of mlflow.utils.uri.append_to_uri_path: appends POSIX `paths` to the path component of `uri`
 * ("mlflow-artifacts:/" + "0" → "mlflow-artifacts:/0", "s3://b/p?x=1" + "0" → "s3://b/p/0?x=1").
 */
export function appendToUriPath(uri, ...paths) {
  let path = "";
  for (const p of paths) path = joinPosixAppendAbsolute(path, p);
  // urllib.parse.urlsplit
  let rest = uri;
  let scheme = "";
  const sm = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(rest);
  if (sm) {
    scheme = sm[1].toLowerCase();
    rest = rest.slice(sm[0].length);
  }
  let netloc = "";
  if (rest.startsWith("//")) {
    const end = rest.slice(2).search(/[/?#]/);
    netloc = end < 0 ? rest.slice(2) : rest.slice(2, 2 + end);
    rest = end < 0 ? "" : rest.slice(2 + end);
  }
  let fragment = "";
  const hashAt = rest.indexOf("#");
  if (hashAt >= 0) {
    fragment = rest.slice(hashAt + 1);
    rest = rest.slice(0, hashAt);
  }
  let query = "";
  const qAt = rest.indexOf("?");
  if (qAt >= 0) {
    query = rest.slice(qAt + 1);
    rest = rest.slice(0, qAt);
  }
  if (query.split(/[&;]/).some((kv) => decodeURIComponent(kv.split("=").slice(1).join("=")).includes(".."))) {
    throw new Error(`Invalid query string in URI ${uri}: path traversal is not allowed`);
  }
  if (scheme === "") return joinPosixAppendAbsolute(uri, path);
  let prefix = "";
  if (!rest.startsWith("/")) {
    prefix = `${scheme}:`;
    scheme = "";
  }
  // urllib.parse.urlunsplit
  let url = joinPosixAppendAbsolute(rest, path);
  if (netloc || (scheme && USES_NETLOC.has(scheme) && !url.startsWith("//"))) {
    if (url && !url.startsWith("/")) url = `/${url}`;
    url = `//${netloc}${url}`;
  }
  if (scheme) url = `${scheme}:${url}`;
  if (query) url = `${url}?${query}`;
  if (fragment) url = `${url}#${fragment}`;
  return prefix + url;
}

export class MigrationError extends Error {}

async function appliedHashes(client) {
  const { rows } = await client.query(
    `select to_regclass('${MIGRATIONS_SCHEMA}.${MIGRATIONS_TABLE}') is not null as ok`,
  );
  if (!rows[0].ok) return new Set();
  return new Set((await client.query(`select hash from "${MIGRATIONS_SCHEMA}"."${MIGRATIONS_TABLE}"`)).rows.map((r) => r.hash));
}

async function inspect(client) {
  const { rows } = await client.query(
    `select to_regclass('public.alembic_version') is not null as has_alembic,
            to_regclass('public.experiments') is not null as has_experiments,
            to_regclass('${MIGRATIONS_SCHEMA}.${MIGRATIONS_TABLE}') is not null as has_journal`,
  );
  const state = { ...rows[0], alembicRevisions: [], journalCount: 0 };
  if (state.has_alembic) {
    state.alembicRevisions = (await client.query("select version_num from public.alembic_version")).rows.map(
      (r) => r.version_num,
    );
  }
  if (state.has_journal) {
    state.journalCount = Number(
      (await client.query(`select count(*)::int as n from "${MIGRATIONS_SCHEMA}"."${MIGRATIONS_TABLE}"`)).rows[0].n,
    );
  }
  return state;
}

function wrongRevisionMessage(revisions) {
  const found = revisions.length ? revisions.join(", ") : "(alembic_version is empty)";
  return (
    `This database was created by MLflow but is at alembic revision ${found}, not ${MLFLOW_ALEMBIC_HEAD} ` +
    `(the head of MLflow ${MLFLOW_VERSION}). Upgrade it first with MLflow ${MLFLOW_VERSION}:\n` +
    `  pip install mlflow==${MLFLOW_VERSION}\n` +
    `  mlflow db upgrade <database-url>\n` +
    `then run the migration again. (A database already upgraded by a newer MLflow is not supported.)`
  );
}

/**
 * Migrates the database at `databaseUrl`.
 * @param {string} databaseUrl
 * @param {{ log?: (msg: string) => void, migrationsFolder?: string, defaultArtifactRoot?: string }} [options]
 * @returns {Promise<{ mode: "fresh" | "adopted-mlflow" | "incremental", applied: string[] }>}
 */
export async function migrate(databaseUrl = DEFAULT_DATABASE_URL, options = {}) {
  const log = options.log ?? ((m) => console.log(m));
  const migrationsFolder = options.migrationsFolder ?? MIGRATIONS_FOLDER;
  const defaultArtifactRoot = options.defaultArtifactRoot ?? process.env.DEFAULT_ARTIFACT_ROOT ?? "mlflow-artifacts:/";
  const journal = readJournal(migrationsFolder);
  for (const tag of MLFLOW_BASELINE_TAGS) {
    if (!journal.some((m) => m.tag === tag)) throw new MigrationError(`baseline migration ${tag} missing from journal`);
  }

  const client = new pg.Client({ connectionString: databaseUrl });
  client.on("error", () => {}); // a dropped idle connection must not crash the process
  await client.connect();
  try {
    await client.query("select pg_advisory_lock($1)", [LOCK_KEY]);
    const before = await inspect(client);
    let mode;
    if (before.journalCount > 0) {
      mode = "incremental";
      if (before.has_alembic && !before.alembicRevisions.includes(MLFLOW_ALEMBIC_HEAD)) {
        throw new MigrationError(wrongRevisionMessage(before.alembicRevisions));
      }
    } else if (before.has_alembic) {
      if (before.alembicRevisions.length !== 1 || before.alembicRevisions[0] !== MLFLOW_ALEMBIC_HEAD) {
        throw new MigrationError(wrongRevisionMessage(before.alembicRevisions));
      }
      mode = "adopted-mlflow";
      const baseline = journal.filter((m) => MLFLOW_BASELINE_TAGS.includes(m.tag));
      log(`MLflow ${MLFLOW_VERSION} database detected (alembic ${MLFLOW_ALEMBIC_HEAD}); recording ${baseline.length} baseline migrations as applied`);
      await client.query("begin");
      try {
        // Same DDL as drizzle-orm's PgDialect.migrate, so the journal looks the same either way.
        await client.query(`CREATE SCHEMA IF NOT EXISTS "${MIGRATIONS_SCHEMA}"`);
        await client.query(
          `CREATE TABLE IF NOT EXISTS "${MIGRATIONS_SCHEMA}"."${MIGRATIONS_TABLE}" (
				id SERIAL PRIMARY KEY,
				hash text NOT NULL,
				created_at bigint
			)`,
        );
        for (const m of baseline) {
          await client.query(`insert into "${MIGRATIONS_SCHEMA}"."${MIGRATIONS_TABLE}" ("hash", "created_at") values ($1, $2)`, [
            m.hash,
            m.folderMillis,
          ]);
        }
        await client.query("commit");
      } catch (e) {
        await client.query("rollback").catch(() => {});
        throw e;
      }
    } else if (before.has_experiments) {
      throw new MigrationError(
        "The database already has MLflow tables (experiments) but neither an alembic_version table nor our " +
          "migration journal. It is not an MLflow 3.18 database; refusing to touch it.",
      );
    } else {
      mode = "fresh";
    }

    const recorded = await appliedHashes(client);
    const db = drizzle(client);
    await drizzleMigrate(db, { migrationsFolder, migrationsSchema: MIGRATIONS_SCHEMA, migrationsTable: MIGRATIONS_TABLE });
    const nowRecorded = await appliedHashes(client);
    const applied = journal.filter((m) => nowRecorded.has(m.hash) && !recorded.has(m.hash)).map((m) => m.tag);
    const mismatched = journal.filter((m) => !nowRecorded.has(m.hash)).map((m) => m.tag);
    if (mismatched.length) {
      log(`warning: these migration files differ from what was applied (hash mismatch): ${mismatched.join(", ")}`);
    }

    const after = await inspect(client);
    if (!after.alembicRevisions.includes(MLFLOW_ALEMBIC_HEAD)) {
      throw new MigrationError(`after migrating, alembic_version is ${after.alembicRevisions.join(",") || "empty"}, expected ${MLFLOW_ALEMBIC_HEAD}`);
    }

    const now = Date.now();
    const artifactLocation = appendToUriPath(defaultArtifactRoot, "0");
    const ins = await client.query(
      `INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time, workspace)
       VALUES (0, 'Default', $1, 'active', $2, $2, 'default') ON CONFLICT DO NOTHING`,
      [artifactLocation, now],
    );
    if (ins.rowCount) log(`created the default experiment (0, artifact location ${artifactLocation})`);

    log(
      mode === "adopted-mlflow"
        ? `adopted the MLflow database; applied ${applied.length} further migration(s)`
        : applied.length
          ? `applied ${applied.length} migration(s): ${applied.join(", ")}`
          : "schema is up to date; nothing to apply",
    );
    return { mode, applied };
  } finally {
    await client.query("select pg_advisory_unlock($1)", [LOCK_KEY]).catch(() => {});
    await client.end().catch(() => {});
  }
}
