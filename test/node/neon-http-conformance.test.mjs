// Conformance of the local Neon HTTP SQL stand-in (scripts/lib/neon-http-server.mjs) with Neon's
// endpoint, as shared/reference/neon-http.md describes it, through the real driver
// (@neondatabase/serverless 1.2.0: `neon()`, and drizzle-orm/neon-http over it) and with raw
// fetch for the exact JSON. Runs against Debian's PostgreSQL and against PGlite, the two
// databases the stand-in serves locally.
//
//   npm exec -- node --test test/node/neon-http-conformance.test.mjs
//
// Env: CONFORMANCE_PG_URL (admin URL of the Debian Postgres, default postgres://postgres:postgres@127.0.0.1:5432/postgres).
import assert from "node:assert/strict";
import net from "node:net";
import { after, before, describe, test } from "node:test";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { neon, neonConfig } from "@neondatabase/serverless";
import { DrizzleQueryError, sql as dsql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/neon-http";
import pg from "pg";
import { freePort } from "../../scripts/lib/ports.mjs";
import { startNeonHttpServer } from "../../scripts/lib/neon-http-server.mjs";

const ADMIN_URL = process.env.CONFORMANCE_PG_URL ?? "postgres://postgres:postgres@127.0.0.1:5432/postgres";
const DB_NAME = `neon_http_conformance_${process.pid}`;


async function admin(statement) {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    return await c.query(statement);
  } finally {
    await c.end();
  }
}

/** The headers driver 1.2.0 sends, for raw requests. */
function driverHeaders(connectionString, extra = {}) {
  return {
    "Neon-Connection-String": connectionString,
    "Neon-Raw-Text-Output": "true",
    "Neon-Array-Mode": "true",
    "Content-Type": "application/json",
    ...extra,
  };
}

let endpoint;
before(async () => {
  endpoint = await startNeonHttpServer();
  neonConfig.fetchEndpoint = endpoint.url;
});
after(async () => {
  await endpoint.close();
});

const backends = {
  postgres: async () => {
    await admin(`drop database if exists ${DB_NAME} with (force)`);
    await admin(`create database ${DB_NAME}`);
    const url = new URL(ADMIN_URL);
    url.pathname = `/${DB_NAME}`;
    return { url: url.toString(), stop: () => admin(`drop database if exists ${DB_NAME} with (force)`) };
  },
  pglite: async () => {
    const db = await PGlite.create();
    const port = await freePort();
    const server = new PGLiteSocketServer({ db, port, host: "127.0.0.1", maxConnections: 100 });
    await server.start();
    return {
      url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
      stop: async () => {
        await server.stop();
        await db.close();
      },
    };
  },
};

for (const [backend, start] of Object.entries(backends)) {
  describe(`Neon HTTP stand-in on ${backend}`, () => {
    let database;
    let sql;
    let db;
    /** POSTs a raw body; returns { status, headers, json }. */
    const raw = async (body, headers = {}) => {
      const res = await fetch(endpoint.url, {
        method: "POST",
        headers: driverHeaders(database.url, headers),
        body: typeof body === "string" ? body : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
    };
    /** The error a raw single query answers with. */
    const rawError = async (query, params = []) => {
      const res = await raw({ query, params });
      assert.equal(res.status, 400, JSON.stringify(res.json));
      return res.json;
    };

    before(async () => {
      database = await start();
      sql = neon(database.url);
      db = drizzle({ client: sql });
      await sql.query("create table conf_parent (id int primary key)");
      await sql.query("create table conf_t (id serial primary key, n int not null, label text unique, doc jsonb, bytes bytea, parent int references conf_parent (id) deferrable initially deferred, check (n >= 0))");
      await sql.query("create type conf_mood as enum ('sad', 'happy')");
      await sql.query("create function conf_raise() returns void language plpgsql as $$ begin raise exception 'raised on purpose' using errcode = 'P0001'; end $$");
    });
    after(async () => {
      await database.stop();
    });

    test("integers: int2/int4/int8 as raw text with their OIDs; int8 stays a string in JS", async () => {
      const res = await raw({ query: "select 1::int2 as a, 2::int4 as b, 9007199254740993::int8 as c", params: [] });
      assert.equal(res.status, 200);
      assert.deepEqual(res.json.rows, [["1", "2", "9007199254740993"]]);
      assert.deepEqual(res.json.fields.map((f) => f.dataTypeID), [21, 23, 20]);
      assert.deepEqual(await sql`select 1::int2 as a, 2::int4 as b, 9007199254740993::int8 as c`, [{ a: 1, b: 2, c: "9007199254740993" }]);
    });

    test("numeric: exact text (1700), NaN included; numeric[] (1231) stays text under drizzle", async () => {
      const res = await raw({ query: "select 12345678901234567890.123456789::numeric as n, 'NaN'::numeric as nan, array[1.5, 2]::numeric[] as a", params: [] });
      assert.deepEqual(res.json.rows, [["12345678901234567890.123456789", "NaN", "{1.5,2}"]]);
      assert.deepEqual(res.json.fields.map((f) => f.dataTypeID), [1700, 1700, 1231]);
      const { rows } = await db.execute(dsql`select 12345678901234567890.123456789::numeric as n, array[1.5, 2]::numeric[] as a`);
      assert.deepEqual(rows, [{ n: "12345678901234567890.123456789", a: "{1.5,2}" }]);
    });

    test("float8 (701) and float4 (700): text, NaN and ±Infinity included; numbers in JS", async () => {
      const res = await raw({ query: "select 0.1::float8, 'NaN'::float8, 'Infinity'::float8, '-Infinity'::float8, 1.5::float4", params: [] });
      assert.deepEqual(res.json.rows, [["0.1", "NaN", "Infinity", "-Infinity", "1.5"]]);
      assert.deepEqual(res.json.fields.map((f) => f.dataTypeID), [701, 701, 701, 701, 700]);
      const [row] = await sql`select 0.1::float8 as a, 'NaN'::float8 as b, 'Infinity'::float8 as c, '-Infinity'::float8 as d`;
      assert.equal(row.a, 0.1);
      assert.ok(Number.isNaN(row.b));
      assert.equal(row.c, Infinity);
      assert.equal(row.d, -Infinity);
    });

    test("bool (16): t/f, true/false in JS", async () => {
      const res = await raw({ query: "select true, false", params: [] });
      assert.deepEqual(res.json.rows, [["t", "f"]]);
      assert.deepEqual(await sql`select true as t, false as f`, [{ t: true, f: false }]);
    });

    test("text types: text, varchar(10) with its typmod, padded char(4), uuid and an enum as strings", async () => {
      const res = await raw({ query: "select 'x'::text, 'abc'::varchar(10), 'ab'::char(4), '123e4567-e89b-12d3-a456-426614174000'::uuid, 'happy'::conf_mood", params: [] });
      assert.deepEqual(res.json.rows, [["x", "abc", "ab  ", "123e4567-e89b-12d3-a456-426614174000", "happy"]]);
      const [text, varchar, char, uuid, mood] = res.json.fields;
      assert.deepEqual([text.dataTypeID, varchar.dataTypeID, char.dataTypeID, uuid.dataTypeID], [25, 1043, 1042, 2950]);
      assert.equal(varchar.dataTypeModifier, 14);
      assert.ok(mood.dataTypeID > 16384, "an enum has its own OID");
    });

    test("bytea (17): a Buffer parameter round-trips; without a cast, $1 is text (25)", async () => {
      const bytes = Buffer.from([0, 255, 16]);
      const [row] = await sql`select ${bytes} as b`;
      assert.deepEqual([...row.b], [0, 255, 16]);
      const res = await raw({ query: "select '\\x00ff'::bytea", params: [] });
      assert.deepEqual(res.json.rows, [["\\x00ff"]]);
      assert.equal(res.json.fields[0].dataTypeID, 17);
      const viaQuery = await sql.query("select $1 as b", [bytes], { fullResults: true });
      assert.equal(viaQuery.fields[0].dataTypeID, 25);
      assert.equal(viaQuery.rows[0].b, "\\x00ff10");
    });

    test("json (114) keeps its text, jsonb (3802) is normalised, both parsed in JS; an object parameter fills a jsonb column", async () => {
      const res = await raw({ query: `select '{"b": 1,  "a": [1, 2.50]}'::json, '{"b": 1,  "a": [1, 2.50]}'::jsonb`, params: [] });
      assert.deepEqual(res.json.rows, [['{"b": 1,  "a": [1, 2.50]}', '{"a": [1, 2.50], "b": 1}']]);
      assert.deepEqual(res.json.fields.map((f) => f.dataTypeID), [114, 3802]);
      await sql`insert into conf_t (n, label, doc) values (1, 'json', ${{ k: ["v", 1] }})`;
      const [row] = await sql`select doc from conf_t where label = 'json'`;
      assert.deepEqual(row.doc, { k: ["v", 1] });
    });

    test("date/timestamp/timestamptz/interval: exact text with a +00 zone; Date objects from neon(), strings from drizzle", async () => {
      const query = "select '2024-01-02'::date, '2024-01-02 03:04:05.123456'::timestamp, '2024-01-02 03:04:05.123456+00'::timestamptz, '1 day 02:03:04'::interval";
      const res = await raw({ query, params: [] });
      assert.deepEqual(res.json.rows, [["2024-01-02", "2024-01-02 03:04:05.123456", "2024-01-02 03:04:05.123456+00", "1 day 02:03:04"]]);
      assert.deepEqual(res.json.fields.map((f) => f.dataTypeID), [1082, 1114, 1184, 1186]);
      const { rows } = await db.execute(dsql.raw(query.replace("select ", "select 1 as one, ")));
      assert.deepEqual(Object.values(rows[0]).slice(1), ["2024-01-02", "2024-01-02 03:04:05.123456", "2024-01-02 03:04:05.123456+00", "1 day 02:03:04"]);
    });

    test("arrays: NULL elements, quoting, two dimensions, bounds decoration, JS arrays as parameters", async () => {
      const res = await raw({ query: `select array[1, 2, null]::int[], array['a b', 'c', null, '"q"']::text[], '{{1,2},{3,4}}'::int[], '[0:1]={1,2}'::int[]`, params: [] });
      assert.deepEqual(res.json.rows, [["{1,2,NULL}", '{"a b",c,NULL,"\\"q\\""}', "{{1,2},{3,4}}", "[0:1]={1,2}"]]);
      const [row] = await sql`select array[1, 2, null]::int[] as a, array['a b', 'c', null, '"q"']::text[] as t, '{{1,2},{3,4}}'::int[] as m`;
      assert.deepEqual(row, { a: [1, 2, null], t: ["a b", "c", null, '"q"'], m: [[1, 2], [3, 4]] });
      const [params] = await sql`select ${[1, 2, null]}::int[] as a, ${["x y", 'q"', null]}::text[] as t`;
      assert.deepEqual(params, { a: [1, 2, null], t: ["x y", 'q"', null] });
    });

    test("NULL of every type is JSON null, and a null parameter is SQL NULL", async () => {
      const res = await raw({ query: "select null::int8, null::text, null::json, null::bytea, null::bool, null::float8, null::timestamptz, null::int[], $1::int is null", params: [null] });
      assert.deepEqual(res.json.rows, [[null, null, null, null, null, null, null, null, "t"]]);
    });

    test("fields: table columns carry their table's OID and attnum; expressions carry 0; format is text", async () => {
      const res = await raw({ query: "select id, label, 1 as one from conf_t limit 0", params: [] });
      const [oid] = (await sql`select 'conf_t'::regclass::oid::int as oid`).map((r) => r.oid);
      const [id, label, one] = res.json.fields;
      assert.deepEqual(id, { name: "id", dataTypeID: 23, tableID: oid, columnID: 1, dataTypeSize: 4, dataTypeModifier: -1, format: "text" });
      assert.deepEqual([label.tableID, label.columnID, label.dataTypeSize], [oid, 3, -1]);
      assert.deepEqual([one.tableID, one.columnID], [0, 0]);
      assert.deepEqual(Object.keys(res.json), ["fields", "rows", "command", "rowCount", "rowAsArray"]);
    });

    test("commands and row counts: SELECT, INSERT with and without RETURNING, UPDATE, DELETE, CREATE, empty query", async () => {
      const summary = async (query) => {
        const { json } = await raw({ query, params: [] });
        return [json.command, json.rowCount, json.rows.length];
      };
      assert.deepEqual(await summary("select * from generate_series(1, 3)"), ["SELECT", 3, 3]);
      assert.deepEqual(await summary("insert into conf_t (n) values (1), (2)"), ["INSERT", 2, 0]);
      assert.deepEqual(await summary("insert into conf_t (n) values (3) returning id"), ["INSERT", 1, 1]);
      assert.deepEqual(await summary("update conf_t set n = n + 1 where n in (1, 2)"), ["UPDATE", 3, 0]);
      assert.deepEqual(await summary("delete from conf_t where label is null"), ["DELETE", 3, 0]);
      assert.deepEqual(await summary("create table conf_created (x int)"), ["CREATE", null, 0]);
      const empty = await raw({ query: "", params: [] });
      assert.deepEqual([empty.json.command, empty.json.rowCount, empty.json.fields], ["", null, []]);
    });

    test("object mode (Neon-Array-Mode absent) keys rows by column, and the body's arrayMode wins", async () => {
      const objects = await raw({ query: "select 1 as a, 'x' as b", params: [] }, { "Neon-Array-Mode": "false" });
      assert.deepEqual(objects.json.rows, [{ a: "1", b: "x" }]);
      assert.equal(objects.json.rowAsArray, false);
      const arrays = await raw({ query: "select 1 as a", params: [], arrayMode: true }, { "Neon-Array-Mode": "false" });
      assert.deepEqual(arrays.json.rows, [["1"]]);
    });

    test("parameters are untyped text: SELECT $1 is text (25); JSON numbers, booleans and objects become their JSON text", async () => {
      const res = await raw({ query: "select $1", params: ["1"] });
      assert.equal(res.json.fields[0].dataTypeID, 25);
      assert.deepEqual(res.json.rows, [["1"]]);
      const typed = await raw(`{"query": "select $1::text, $2::text, $3::text, $4::text", "params": [9007199254740993, true, {"a": [1, "b"]}, [1, "x y", null]]}`);
      assert.deepEqual(typed.json.rows, [["9007199254740993", "true", '{"a":[1,"b"]}', '{1,"x y",NULL}']]);
    });

    test("several statements in one query: 42601, even without parameters", async () => {
      const err = await rawError("select 1; select 2");
      assert.equal(err.code, "42601");
      await assert.rejects(sql.query("select 1; select 2"), (e) => e.code === "42601");
    });

    test("no session state reaches the next request: SET, temp tables, a lone BEGIN", async () => {
      // One connection, so every request below lands on the one the previous request used.
      const solo = await startNeonHttpServer({ maxConnectionsPerDatabase: 1 });
      try {
        const q = (query) => fetch(solo.url, { method: "POST", headers: driverHeaders(database.url), body: JSON.stringify({ query, params: [] }) }).then((r) => r.json());
        const before = (await q("show search_path")).rows[0][0];
        await q("set search_path = pg_catalog");
        assert.equal((await q("show search_path")).rows[0][0], before);
        await q("create temp table conf_tmp (x int)");
        assert.equal((await q("select count(*) from pg_tables where tablename = 'conf_tmp'")).rows[0][0], "0");
        await q("begin");
        await q("insert into conf_t (n, label) values (7, 'after-begin')");
        // Committed on its own (the BEGIN ended with its request), so another connection sees it.
        assert.deepEqual(await sql`select n from conf_t where label = 'after-begin'`, [{ n: 7 }]);
      } finally {
        await solo.close();
      }
    });

    test("a unique violation: 400, SQLSTATE 23505 with constraint, table, schema, detail; drizzle wraps it", async () => {
      await sql`insert into conf_t (n, label) values (1, 'unique-1')`;
      const err = await rawError("insert into conf_t (n, label) values (1, 'unique-1')");
      assert.equal(err.code, "23505");
      assert.equal(err.severity, "ERROR");
      assert.equal(err.table, "conf_t");
      assert.equal(err.schema, "public");
      assert.equal(err.constraint, "conf_t_label_key");
      assert.match(err.detail, /^Key \(label\)=\(unique-1\) already exists\.$/);
      assert.deepEqual(Object.keys(err), [
        "message", "code", "detail", "hint", "position", "internalPosition", "internalQuery", "severity", "where",
        "table", "column", "schema", "dataType", "constraint", "file", "line", "routine",
      ]);
      assert.equal(typeof err.line, "string");
      await assert.rejects(db.execute(dsql`insert into conf_t (n, label) values (1, ${"unique-1"})`), (e) => e instanceof DrizzleQueryError && e.cause.code === "23505");
    });

    test("Postgres errors keep their SQLSTATE and fields", async () => {
      const syntax = await rawError("select from where");
      assert.equal(syntax.code, "42601");
      assert.equal(typeof syntax.position, "string");
      assert.equal((await rawError("select * from conf_missing")).code, "42P01");
      assert.equal((await rawError("select missing from conf_t")).code, "42703");
      const notNull = await rawError("insert into conf_t (n) values (null)");
      assert.deepEqual([notNull.code, notNull.column], ["23502", "n"]);
      // The foreign key is deferred: checked when the statement's own transaction commits.
      assert.equal((await rawError("insert into conf_t (n, parent) values (1, 42)")).code, "23503");
      assert.equal((await rawError("insert into conf_t (n) values (-1)")).code, "23514");
      assert.equal((await rawError("select 'x'::int")).code, "22P02");
      assert.equal((await rawError("select 1 / 0")).code, "22012");
      assert.equal((await rawError("select $1::int, $2::int", ["1"])).code, "08P01");
      const raised = await rawError("select conf_raise()");
      assert.deepEqual([raised.code, raised.message], ["P0001", "raised on purpose"]);
      assert.match(raised.where, /PL\/pgSQL function conf_raise\(\)/);
      assert.equal(raised.hint, null);
    });

    test("the endpoint's own errors: 400 with an empty code; too large requests 413, too large answers 507", async () => {
      const noHeader = await fetch(endpoint.url, { method: "POST", headers: { "Content-Type": "application/json" }, body: '{"query":"select 1"}' });
      assert.equal(noHeader.status, 400);
      const noHeaderBody = await noHeader.json();
      assert.deepEqual([noHeaderBody.code, noHeaderBody.severity, noHeaderBody.message], ["", "", "invalid header: neon-connection-string"]);
      const badJson = await raw("{not json");
      assert.deepEqual([badJson.status, badJson.json.code], [400, ""]);
      assert.match(badJson.json.message, /^could not parse the HTTP request body/);
      const badLevel = await raw({ queries: [] }, { "Neon-Batch-Isolation-Level": "Chaotic" });
      assert.deepEqual([badLevel.status, badLevel.json.message, badLevel.json.code], [400, "invalid isolation level", ""]);
      const noPassword = await fetch(endpoint.url, { method: "POST", headers: driverHeaders(database.url.replace(/:[^:@/]*@/, "@")), body: '{"query":"select 1"}' });
      assert.deepEqual([noPassword.status, (await noPassword.json()).message], [400, "missing authentication credentials: required password"]);
      const huge = await raw({ query: "select $1::text", params: ["x".repeat(11 << 20)] });
      assert.equal(huge.status, 413);
      await assert.rejects(sql.query("select repeat('x', 1024 * 1024) from generate_series(1, 11)"), (e) => /^Server error \(HTTP status 507\)/.test(e.message) && e.code === undefined);
      const otherPath = await fetch(endpoint.url.replace(/\/sql$/, "/other"), { method: "POST" });
      assert.deepEqual([otherPath.status, await otherPath.json()], [400, "query is not supported"]);
      const preflight = await fetch(endpoint.url, { method: "OPTIONS" });
      assert.equal(preflight.status, 200);
      assert.equal(preflight.headers.get("access-control-allow-origin"), "*");
      assert.equal(noHeader.headers.get("access-control-allow-origin"), "*");
    });

    test("batches: results in order, one transaction, rolled back entirely on the first error", async () => {
      const ok = await raw({ queries: [{ query: "select 1 as a" }, { query: "select $1::int as b", params: ["2"] }] });
      assert.deepEqual(ok.json.results.map((r) => r.rows), [[["1"]], [["2"]]]);
      const failing = await raw({ queries: [{ query: "insert into conf_t (n, label) values (1, 'batch-1')" }, { query: "insert into conf_t (n, label) values (1, 'batch-1')" }] });
      assert.deepEqual([failing.status, failing.json.code], [400, "23505"]);
      assert.deepEqual(await sql`select count(*)::int as n from conf_t where label = 'batch-1'`, [{ n: 0 }]);
      assert.deepEqual((await raw({ queries: [] })).json, { results: [] });
      const [a, b] = await sql.transaction([sql`select 1 as a`, sql`select 2 as b`]);
      assert.deepEqual([a, b], [[{ a: 1 }], [{ b: 2 }]]);
    });

    test("batch options: isolation level, read-only and deferrable apply and are echoed", async () => {
      const opts = { "Neon-Batch-Isolation-Level": "Serializable", "Neon-Batch-Read-Only": "true", "Neon-Batch-Deferrable": "true" };
      const res = await raw({ queries: [{ query: "show transaction_isolation" }, { query: "show transaction_read_only" }] }, opts);
      assert.deepEqual(res.json.results.map((r) => r.rows[0][0]), ["serializable", "on"]);
      assert.equal(res.headers.get("neon-batch-isolation-level"), "Serializable");
      assert.equal(res.headers.get("neon-batch-read-only"), "true");
      assert.equal(res.headers.get("neon-batch-deferrable"), "true");
      const write = await raw({ queries: [{ query: "insert into conf_t (n) values (1)" }] }, opts);
      assert.deepEqual([write.status, write.json.code], [400, "25006"]);
      await assert.rejects(sql.transaction([sql`insert into conf_t (n) values (1)`], { readOnly: true, isolationLevel: "Serializable" }), (e) => e.code === "25006");
    });

    test("a deferred foreign key fails at COMMIT with a 400", async () => {
      const res = await raw({ queries: [{ query: "insert into conf_t (n, parent) values (1, 42)" }] });
      assert.deepEqual([res.status, res.json.code], [400, "23503"]);
    });

    test("drizzle's db.batch sends one batch and surfaces its errors unwrapped", async () => {
      await assert.rejects(
        db.batch([db.execute(dsql`select 1`), db.execute(dsql`select 1 / 0`)]),
        (e) => e.name === "NeonDbError" && e.code === "22012",
      );
    });

    test("link outages: a dropped link fails requests until it heals; a frozen one never answers", async () => {
      endpoint.link.startOutage("drop", 60_000);
      await assert.rejects(sql`select 1`, (e) => /Error connecting to database/.test(e.message));
      endpoint.link.restore();
      assert.deepEqual(await sql`select 1 as one`, [{ one: 1 }]);
      endpoint.link.startOutage("freeze", 60_000);
      const frozen = fetch(endpoint.url, { method: "POST", headers: driverHeaders(database.url), body: '{"query":"select 1"}', signal: AbortSignal.timeout(500) });
      await assert.rejects(frozen, (e) => e.name === "TimeoutError");
      endpoint.link.restore();
      assert.deepEqual(await sql`select 2 as two`, [{ two: 2 }]);
    });
  });
}

describe("Neon HTTP stand-in on postgres: client disconnects", () => {
  test("a statement whose client went away is cancelled in Postgres", { timeout: 30_000 }, async () => {
    await admin(`drop database if exists ${DB_NAME}_cancel with (force)`);
    await admin(`create database ${DB_NAME}_cancel`);
    const url = new URL(ADMIN_URL);
    url.pathname = `/${DB_NAME}_cancel`;
    try {
      const tag = `cancel_me_${process.pid}`;
      const abort = new AbortController();
      const request = fetch(endpoint.url, {
        method: "POST",
        headers: driverHeaders(url.toString()),
        body: JSON.stringify({ query: `select pg_sleep(60) as ${tag}`, params: [] }),
        signal: abort.signal,
      }).catch(() => "aborted");
      const running = () => admin(`select count(*)::int as n from pg_stat_activity where query like '%${tag}%' and state = 'active' and pid <> pg_backend_pid()`).then((r) => r.rows[0].n);
      while ((await running()) === 0) await new Promise((r) => setTimeout(r, 50));
      abort.abort();
      assert.equal(await request, "aborted");
      // The statement must stop long before its 60 s: wait for it to be gone.
      while ((await running()) > 0) await new Promise((r) => setTimeout(r, 50));
    } finally {
      await admin(`drop database if exists ${DB_NAME}_cancel with (force)`);
    }
  });
});
