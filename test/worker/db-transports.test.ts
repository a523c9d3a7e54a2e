/**
 * The two database transports (src/db/config.ts) are interchangeable for the code above them:
 * every value type comes back the same from `db.execute` and the query builder, and each counts
 * its network exchanges, connection setup included.
 */
import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { databaseFailure, openDatabase, type DbSession } from "../../src/db/client";
import { findExperimentById } from "../../src/db/experiments";
import { arrayParam } from "../../src/lib/sql";
import { loadConfig, type Env } from "../../src/env";
import { createApp } from "../../src/app";

const bindings = env as unknown as Env;

function session(transport: "http" | "ws"): DbSession {
  return openDatabase(loadConfig({ ...bindings, DB_TRANSPORT: transport }));
}

async function withSession<T>(transport: "http" | "ws", work: (s: DbSession) => Promise<T>): Promise<T> {
  const s = session(transport);
  try {
    return await work(s);
  } finally {
    await s.close();
  }
}

/** One row of every type our schema and our queries use, NULLs included, plus bound parameters. */
const EVERY_TYPE = sql`
  select 9007199254740993::int8 as int8, 2147483647::int4 as int4, 32767::int2 as int2,
    12345678901234567890.123456789::numeric as numeric, 'NaN'::numeric as numeric_nan,
    0.1::float8 as float8, 'NaN'::float8 as float8_nan, 'Infinity'::float8 as float8_inf,
    '-Infinity'::float8 as float8_ninf, 1.5::float4 as float4,
    true as bool_t, false as bool_f, 'héllo "x"' || chr(10) || 'y'::text as text,
    'abc'::varchar(10) as varchar, 'ab'::char(4) as char,
    '\\x00ff10'::bytea as bytea, '{"a": [1, 2.50, null], "b": "x"}'::json as json,
    '{"b": 1, "a": [1, 2.50]}'::jsonb as jsonb,
    '2024-01-02 03:04:05.123456'::timestamp as timestamp,
    '2024-01-02 03:04:05.123456+00'::timestamptz as timestamptz, '2024-01-02'::date as date,
    '1 day 02:03:04'::interval as interval, '123e4567-e89b-12d3-a456-426614174000'::uuid as uuid,
    array[1, 2, null]::int4[] as int4_array, array['a b', 'c', null, '"q"']::text[] as text_array,
    array[9007199254740993]::int8[] as int8_array, array[1.5, 2]::numeric[] as numeric_array,
    array[true, false]::bool[] as bool_array, array['{"x": 1}'::json] as json_array,
    null::int8 as null_int8, null::text as null_text, null::json as null_json, null::bytea as null_bytea,
    null::bool as null_bool, null::float8 as null_float8,
    ${"a parameter"}::text as text_param, ${42}::int4 as int_param, ${null}::text as null_param,
    ${arrayParam(["x", "y z", 'q"'], "varchar")} as array_param, ${JSON.stringify({ k: [1, "v"] })}::jsonb as json_param,
    json_agg(v) as aggregate, count(*) as count
  from (values (1), (2)) t(v)`;

describe("database transports", () => {
  it("return the same rows with the same value types on HTTP and on the WebSocket", async () => {
    const viaHttp = await withSession("http", (s) => s.db.execute(EVERY_TYPE));
    const viaWs = await withSession("ws", (s) => s.db.execute(EVERY_TYPE));
    expect(viaHttp.rows).toHaveLength(1);
    expect(viaHttp.rows).toEqual(viaWs.rows);

    const row = viaHttp.rows[0]!;
    // int8 and numeric stay exact strings; the timestamps stay Postgres's own text (Drizzle's choice).
    expect(row).toMatchObject({
      int8: "9007199254740993",
      int4: 2147483647,
      int2: 32767,
      numeric: "12345678901234567890.123456789",
      numeric_nan: "NaN",
      float8: 0.1,
      float8_inf: Infinity,
      float8_ninf: -Infinity,
      float4: 1.5,
      bool_t: true,
      bool_f: false,
      text: 'héllo "x"\ny',
      varchar: "abc",
      char: "ab  ",
      json: { a: [1, 2.5, null], b: "x" },
      jsonb: { a: [1, 2.5], b: 1 },
      timestamp: "2024-01-02 03:04:05.123456",
      timestamptz: "2024-01-02 03:04:05.123456+00",
      date: "2024-01-02",
      interval: "1 day 02:03:04",
      uuid: "123e4567-e89b-12d3-a456-426614174000",
      int4_array: [1, 2, null],
      text_array: ["a b", "c", null, '"q"'],
      int8_array: ["9007199254740993"],
      numeric_array: "{1.5,2}",
      bool_array: [true, false],
      json_array: [{ x: 1 }],
      null_int8: null,
      null_text: null,
      null_json: null,
      null_bytea: null,
      null_bool: null,
      null_float8: null,
      text_param: "a parameter",
      int_param: 42,
      null_param: null,
      array_param: ["x", "y z", 'q"'],
      json_param: { k: [1, "v"] },
      aggregate: [1, 2],
      count: "2",
    });
    expect(Number.isNaN(row.float8_nan)).toBe(true);
    expect([...(row.bytea as Uint8Array)]).toEqual([0, 255, 16]);
    expect(viaHttp.rowCount).toBe(viaWs.rowCount);
    expect(viaHttp.command).toBe("SELECT");
  });

  it("map the query builder's rows alike (the one builder query, findExperimentById)", async () => {
    const viaHttp = await withSession("http", (s) => findExperimentById(s.db, 0));
    const viaWs = await withSession("ws", (s) => findExperimentById(s.db, 0));
    expect(viaHttp).toBeDefined();
    expect(viaHttp).toEqual(viaWs);
    expect(typeof viaHttp!.creationTime).toBe("number");
  });

  it("report Postgres errors with their SQLSTATE through either transport", async () => {
    for (const transport of ["http", "ws"] as const) {
      const err = await withSession(transport, (s) => s.db.execute(sql`select 1 / ${0}::int`)).catch((e) => e);
      expect(err?.cause?.code, transport).toBe("22012");
    }
  });

  it("classify driver errors for the log by SQLSTATE, never by messages that quote the values", async () => {
    for (const transport of ["http", "ws"] as const) {
      const secret = `secret-${crypto.randomUUID()}`;
      const err = await withSession(transport, (s) => s.db.execute(sql`select ${secret}::int`)).catch((e) => e);
      // Drizzle's own message carries the parameters; Postgres's quotes the value.
      expect(String(err.message)).toContain(secret);
      const failure = databaseFailure(err);
      expect(failure, transport).toMatchObject({ kind: "invalid_input", code: "22P02", logDetail: "SQLSTATE 22P02" });
      expect(failure!.userMessage).toContain(secret); // for the client who sent it, in the 400
      expect(JSON.stringify({ ...failure, userMessage: undefined })).not.toContain(secret);
    }
  });

  it("give every statement Postgres's statement_timeout, a second inside the Worker's deadline, and JIT off", async () => {
    for (const transport of ["http", "ws"] as const) {
      const bindingsWith = { ...bindings, DB_TRANSPORT: transport, DB_TIMEOUT_MS: "7000" };
      const s = openDatabase(loadConfig(bindingsWith));
      try {
        const { rows } = await s.db.execute(
          sql`select current_setting('statement_timeout') as timeout, current_setting('jit') as jit, version() like '%emscripten%' as pglite`,
        );
        // PGlite's socket server ignores the startup message's options, so over the WebSocket it
        // keeps its default; Postgres, and Neon's proxy in front of it, apply them.
        const ignoresOptions = transport === "ws" && rows[0]!.pglite;
        expect(rows[0]!.timeout, transport).toBe(ignoresOptions ? "0" : "6s");
        if (!ignoresOptions) expect(rows[0]!.jit, transport).toBe("off");
      } finally {
        await s.close();
      }
    }
  });

  it("count one exchange per statement on HTTP, and the handshake and login too on the WebSocket", async () => {
    const counts: Record<string, number[]> = {};
    for (const transport of ["http", "ws"] as const) {
      counts[transport] = await withSession(transport, async (s) => {
        const seen = [s.roundTrips()];
        await s.db.execute(sql`select 1`);
        seen.push(s.roundTrips());
        await s.db.execute(sql`select 2`);
        seen.push(s.roundTrips());
        return seen;
      });
    }
    expect(counts.http).toEqual([0, 1, 2]);
    // WebSocket upgrade, startup message (answered at once by PGlite, which trusts; Postgres's
    // SCRAM login adds two), then the statement; the second statement reuses the connection.
    const [none, first, second] = counts.ws!;
    expect(none).toBe(0);
    expect(first).toBeGreaterThanOrEqual(3);
    expect(second).toBe(first! + 1);
  });

  it("report the exchanges in Server-Timing, per transport", async () => {
    const ctx = { waitUntil: () => {}, passThroughOnException: () => {}, props: {} } as unknown as ExecutionContext;
    const timing = async (transport: string) => {
      const res = await createApp().fetch(new Request("http://localhost/api/2.0/mlflow/experiments/get?experiment_id=0"), { ...bindings, DB_TRANSPORT: transport }, ctx);
      expect(res.status).toBe(200);
      return Number(/db;desc="round trips";dur=(\d+)/.exec(res.headers.get("server-timing") ?? "")?.[1]);
    };
    expect(await timing("http")).toBe(1);
    expect(await timing("ws")).toBeGreaterThanOrEqual(3);
  });

  it("refuse an unknown DB_TRANSPORT with a 503 that names the setting", async () => {
    const ctx = { waitUntil: () => {}, passThroughOnException: () => {}, props: {} } as unknown as ExecutionContext;
    const res = await createApp().fetch(new Request("http://localhost/api/2.0/mlflow/experiments/get?experiment_id=0"), { ...bindings, DB_TRANSPORT: "carrier-pigeon" }, ctx);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { message: string }).message).toContain("DB_TRANSPORT");
  });
});
