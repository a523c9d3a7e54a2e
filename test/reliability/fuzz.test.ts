// Malformed requests over every JSON endpoint, generated from each route's own message declaration
// (src/routes/index.ts) with a fixed seed: every one must be answered with a 4xx carrying MLflow's
// error JSON (never a 5xx, never a hang), and must leave the database exactly as it was.
// Runs against a live stack (wrangler dev + PostgreSQL) started by scripts/with-stack.mjs.
import fc from "fast-check";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JSON_ROUTES, fill, makeFixture, mutationArb, type Fixture } from "./mutations";
import { DATABASE_URL, FULL, SEED, post, send } from "./stack";

/** Mutations per route: CI-sized by default, more in the full mode. */
const PER_ROUTE = FULL ? 120 : 24;

let fx: Fixture;
let db: pg.Client;

/** Row counts of every table the server writes: the database "as it was". */
async function snapshot(): Promise<Record<string, number>> {
  const tables = (await db.query<{ t: string }>("select tablename as t from pg_tables where schemaname = 'public' order by 1")).rows.map((r) => r.t);
  const out: Record<string, number> = {};
  for (const t of tables) out[t] = Number((await db.query(`select count(*) as n from "${t}"`)).rows[0].n);
  return out;
}

const cases = JSON_ROUTES;

let before: Record<string, number>;

beforeAll(async () => {
  db = new pg.Client({ connectionString: DATABASE_URL });
  await db.connect();
  fx = await makeFixture(post, `${SEED}-${Date.now()}`);
  before = await snapshot();
});

afterAll(async () => {
  await db.end();
});

describe(`malformed requests (seed ${SEED}, ${PER_ROUTE} per route)`, () => {
  it("covers the JSON endpoints", () => {
    expect(cases.length).toBeGreaterThan(50);
  });

  it.each(cases.map((c) => [c.name, c] as const))("%s: 4xx with MLflow's error JSON", async (_n, c) => {
    const samples = fc.sample(mutationArb(c.message), { seed: SEED, numRuns: PER_ROUTE });
    for (const mutation of samples) {
      // MLflow checks the content type of POST and PUT only (server/validation.py): for other methods
      // a text/plain "{}" is an empty message, which a route without required fields rightly accepts
      // (DELETE datasets/{id}/records deletes nothing).
      if (mutation.what === "content-type" && c.method !== "POST" && c.method !== "PUT") continue;
      const res = await send(c.method, c.path, fill(mutation, fx), mutation.contentType);
      const context = `${c.name} ${mutation.what}: ${res.status} ${res.text.slice(0, 200)}`;
      expect(res.status >= 400 && res.status < 500, context).toBe(true);
      if (res.status === 403 || res.status === 404 || res.status === 405) continue; // routing answers: empty or plain
      expect(typeof res.json?.error_code, context).toBe("string");
      expect(typeof res.json?.message, context).toBe("string");
    }
  });

  it("left every table exactly as it was", async () => {
    expect(await snapshot()).toEqual(before);
  });
});


