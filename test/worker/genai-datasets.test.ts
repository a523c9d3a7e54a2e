// GenAI evaluation datasets: create/get/search/delete, tags as JSON strings, records upserted by
// input hash with MLflow's inserted/updated counts, stored as Python's json.dumps text, paged with
// MLflow's cursor, experiment links; errors with MLflow's codes and nothing written.
import { describe, expect, it } from "vitest";
import { env } from "cloudflare:test";
import { Pool } from "@neondatabase/serverless";
import { call, newExperiment, uniqueName } from "./helpers";

const D = "/api/3.0/mlflow/datasets";
const create = (body: Record<string, unknown>) => call("POST", `${D}/create`, body);
const upsert = (id: string, records: unknown) => call("POST", `${D}/${id}/records`, { records: typeof records === "string" ? records : JSON.stringify(records) });
const records = async (id: string, params = "") => {
  const res = await call("GET", `${D}/${id}/records${params}`);
  expect(res.status, res.text).toBe(200);
  return { list: JSON.parse(res.body.records), raw: res.body.records as string, token: res.body.next_page_token as string | undefined };
};

/** Rows as stored, JSON columns as their text. */
async function storedRecords(datasetId: string): Promise<Record<string, string | null>[]> {
  const e = env as unknown as { DATABASE_URL: string; DB_WS_PROXY: string };
  const { neonConfig } = await import("@neondatabase/serverless");
  neonConfig.wsProxy = (host, port) => `${e.DB_WS_PROXY}/v1?address=${host}:${port}`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineTLS = false;
  neonConfig.pipelineConnect = false;
  const pool = new Pool({ connectionString: e.DATABASE_URL });
  pool.on("error", () => undefined); // an idle client losing its socket after end() is expected
  try {
    const res = await pool.query(
      "select inputs::text, outputs::text, expectations::text, tags::text, source::text, source_id, source_type, input_hash, created_by from evaluation_dataset_records where dataset_id = $1 order by created_time, dataset_record_id",
      [datasetId],
    );
    return res.rows;
  } finally {
    await pool.end();
  }
}

describe("GenAI datasets", () => {
  it("creates, gets and lists a dataset with its tags and experiments", async () => {
    const exp = await newExperiment();
    const name = uniqueName("ds");
    const res = await create({ name, experiment_ids: [exp], tags: JSON.stringify({ "mlflow.user": "bob", k: "v", n: 1 }) });
    expect(res.status, res.text).toBe(200);
    const d = res.body.dataset;
    expect(d).toMatchObject({ name, tags: '{"mlflow.user": "bob", "k": "v", "n": 1}', created_by: "bob", last_updated_by: "bob", experiment_ids: [exp] });
    expect(d.dataset_id).toMatch(/^d-[0-9a-f]{32}$/);
    expect(d.digest).toMatch(/^[0-9a-f]{8}$/);
    expect(d.created_time).toBe(d.last_update_time);
    // Stored values are strings: get answers them so, without experiment_ids (MLflow loads those lazily).
    const got = await call("GET", `${D}/${d.dataset_id}`);
    expect(got.body.dataset).toEqual({ ...d, tags: '{"mlflow.user": "bob", "k": "v", "n": "1"}', experiment_ids: undefined });
    expect((await call("GET", `${D}/${d.dataset_id}/experiment-ids`)).body).toEqual({ experiment_ids: [exp] });
    const found = await call("POST", `${D}/search`, { experiment_ids: [exp] });
    expect(found.body.datasets.map((x: any) => x.dataset_id)).toEqual([d.dataset_id]);
    const plain = await create({ name: uniqueName("plain") });
    expect(plain.body.dataset.tags).toBe("{}");
    expect(plain.body.dataset.experiment_ids).toBeUndefined();
  });

  it("upserts records by inputs: inserted and updated counts, merges, schema, profile", async () => {
    const exp = await newExperiment();
    const id = (await create({ name: uniqueName("rec"), experiment_ids: [exp] })).body.dataset.dataset_id;
    // As the client sends them (json.dumps): 2.0 stays a float.
    const first = await upsert(
      id,
      '[{"inputs": {"q": "a", "n": 1}, "expectations": {"e": 1}, "tags": {"mlflow.user": "al"}, "source": {"source_type": "trace", "source_data": {"trace_id": "tr-1"}}},' +
        ' {"inputs": {"q": "b"}, "outputs": "plain"}, {"inputs": {"n": 1, "q": "a"}, "expectations": {"f": 2.0}, "tags": {"t": "x"}}]',
    );
    expect(first.body).toEqual({ inserted_count: 2, updated_count: 1 });
    const ds = (await call("GET", `${D}/${id}`)).body.dataset;
    expect(ds.schema).toBe('{"inputs": {"q": "string", "n": "integer"}, "outputs": "string", "expectations": {"e": "integer", "f": "float"}, "version": "1.0"}');
    expect(ds.profile).toBe('{"num_records": 2}');
    expect(ds.last_updated_by).toBe("al");
    const { list, raw } = await records(id);
    expect(list.map((r: any) => r.inputs.q).sort()).toEqual(["a", "b"]);
    const a = list.find((r: any) => r.inputs.q === "a");
    expect(a).toMatchObject({ expectations: { e: 1, f: 2 }, tags: { "mlflow.user": "al", t: "x" }, source: { source_type: "TRACE", source_data: { trace_id: "tr-1" } }, source_id: "tr-1", source_type: "TRACE", created_by: "al" });
    expect(raw).toContain('"expectations": {"e": 1, "f": 2.0}');
    const b = list.find((r: any) => r.inputs.q === "b");
    expect(b.outputs).toBe("plain");
    expect(Object.keys(b)).toEqual(["dataset_record_id", "dataset_id", "inputs", "tags", "created_time", "last_update_time", "outputs"]);
    // Stored as MLflow stores them: json.dumps text, outputs wrapped, inputs hashed with sorted keys.
    const stored = await storedRecords(id);
    const sa = stored.find((r) => r.inputs === '{"q": "a", "n": 1}')!;
    expect(sa).toMatchObject({ expectations: '{"e": 1, "f": 2.0}', tags: '{"mlflow.user": "al", "t": "x"}', source: '{"source_type": "TRACE", "source_data": {"trace_id": "tr-1"}}', source_id: "tr-1", source_type: "TRACE", outputs: '{"mlflow_wrapped": {}}' });
    const hash = [...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode('{"n": 1, "q": "a"}')))].map((x) => x.toString(16).padStart(2, "0")).join("");
    expect(sa.input_hash).toBe(hash);
    expect(stored.find((r) => r.inputs === '{"q": "b"}')!.outputs).toBe('{"mlflow_wrapped": "plain"}');
  });

  it("pages records with MLflow's cursor and deletes them, keeping the profile count", async () => {
    const id = (await create({ name: uniqueName("page") })).body.dataset.dataset_id;
    expect((await upsert(id, Array.from({ length: 5 }, (_, i) => ({ inputs: { i } })))).body).toEqual({ inserted_count: 5, updated_count: 0 });
    const p1 = await records(id, "?max_results=2");
    expect(p1.list).toHaveLength(2);
    expect(atob(p1.token!)).toBe(`${p1.list[1].created_time}:${p1.list[1].dataset_record_id}`);
    const p2 = await records(id, `?max_results=2&page_token=${encodeURIComponent(p1.token!)}`);
    const p3 = await records(id, `?max_results=2&page_token=${encodeURIComponent(p2.token!)}`);
    expect(p3.token).toBeUndefined();
    const all = [...p1.list, ...p2.list, ...p3.list].map((r: any) => r.dataset_record_id);
    expect(new Set(all).size).toBe(5);
    const del = await call("DELETE", `${D}/${id}/records`, { dataset_record_ids: [all[0], "dr-nope"] });
    expect(del.body).toEqual({ deleted_count: 1 });
    expect((await call("GET", `${D}/${id}`)).body.dataset.profile).toBe('{"num_records": 4}');
    await call("DELETE", `${D}/${id}/records`, { dataset_record_ids: all });
    expect((await call("GET", `${D}/${id}`)).body.dataset.profile).toBe("null");
    expect((await call("DELETE", `${D}/${id}/records`, { dataset_record_ids: all })).body).toEqual({ deleted_count: 0 });
  });

  it("sets and deletes tags with Python's str() of values", async () => {
    const id = (await create({ name: uniqueName("tags"), tags: JSON.stringify({ k: "v" }) })).body.dataset.dataset_id;
    const res = await call("PATCH", `${D}/${id}/tags`, { tags: JSON.stringify({ k: "v2", b: true, l: [1, "x"], d: { a: null }, none: null }) });
    expect(res.status, res.text).toBe(200);
    expect((await call("GET", `${D}/${id}`)).body.dataset.tags).toBe(`{"k": "v2", "b": "True", "l": "[1, 'x']", "d": "{'a': None}"}`);
    expect((await call("DELETE", `${D}/${id}/tags/k`)).status).toBe(200);
    expect((await call("DELETE", `${D}/${id}/tags/nokey`)).status).toBe(200);
    expect(JSON.parse((await call("GET", `${D}/${id}`)).body.dataset.tags)).not.toHaveProperty("k");
  });

  it("searches with MLflow's filter and order_by grammar", async () => {
    const exp = await newExperiment();
    const names = ["alpha", "beta", "gamma"].map((n) => uniqueName(n));
    for (const [i, name] of names.entries()) await create({ name, experiment_ids: [exp], tags: JSON.stringify({ rank: String(i) }) });
    const byName = await call("POST", `${D}/search`, { experiment_ids: [exp], order_by: ["name ASC"] });
    expect(byName.body.datasets.map((d: any) => d.name)).toEqual([...names].sort());
    const tagged = await call("POST", `${D}/search`, { experiment_ids: [exp], filter_string: "tags.rank = '1'" });
    expect(tagged.body.datasets.map((d: any) => d.name)).toEqual([names[1]]);
    const inList = await call("GET", `${D}/search`, { experiment_ids: exp, filter_string: `name IN ('${names[0]}','${names[2]}')`, max_results: "1" });
    expect(inList.body.datasets).toHaveLength(1);
    expect(inList.body.next_page_token).toBeTruthy();
    const errors: [Record<string, unknown>, string][] = [
      [{ filter_string: "bogus = 1" }, "Invalid attribute key 'bogus' specified. Valid keys are: "],
      [{ filter_string: "created_time > 1.5" }, "Invalid value for numeric attribute 'created_time': '1.5'"],
      [{ filter_string: "tags.x > 'a'" }, "Invalid comparator for tag: >"],
      [{ order_by: ["bogus"] }, "Invalid attribute key 'bogus' specified. Valid keys are: "],
      [{ max_results: 0 }, "Invalid value None for parameter 'max_results' supplied. It must be a positive integer"],
      [{ max_results: 50001 }, "Invalid value 50001 for parameter 'max_results' supplied. It must be at most 50000"],
    ];
    for (const [body, message] of errors) {
      const res = await call("POST", `${D}/search`, { experiment_ids: [exp], ...body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.message.startsWith(message), res.body.message).toBe(true);
    }
  });

  it("links and unlinks experiments", async () => {
    const [a, b] = [await newExperiment(), await newExperiment()];
    const d = (await create({ name: uniqueName("link"), experiment_ids: [a] })).body.dataset;
    const added = await call("POST", `${D}/${d.dataset_id}/add-experiments`, { experiment_ids: [b, a] });
    expect(added.status, added.text).toBe(200);
    expect(added.body.dataset.last_update_time).toBeGreaterThanOrEqual(d.last_update_time);
    expect((await call("GET", `${D}/${d.dataset_id}/experiment-ids`)).body.experiment_ids.sort()).toEqual([a, b].sort());
    const missing = await call("POST", `${D}/${d.dataset_id}/add-experiments`, { experiment_ids: ["987654321"] });
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe("No Experiment with id=987654321");
    const removed = await call("POST", `${D}/${d.dataset_id}/remove-experiments`, { experiment_ids: [b, "5555"] });
    expect(removed.status).toBe(200);
    expect((await call("GET", `${D}/${d.dataset_id}/experiment-ids`)).body.experiment_ids).toEqual([a]);
  });

  it("answers unknown datasets as MLflow does", async () => {
    const nope = "d-00000000000000000000000000000000";
    expect((await call("GET", `${D}/${nope}`)).body).toMatchObject({ error_code: "RESOURCE_DOES_NOT_EXIST", message: `Evaluation dataset with id '${nope}' not found` });
    expect((await call("GET", `${D}/${nope}/records`)).body).toEqual({ records: "[]" });
    expect((await call("GET", `${D}/${nope}/experiment-ids`)).body).toEqual({});
    expect((await upsert(nope, [])).body).toEqual({ inserted_count: 0, updated_count: 0 });
    expect((await upsert(nope, [{ inputs: { a: 1 } }])).status).toBe(404);
    expect((await call("PATCH", `${D}/${nope}/tags`, { tags: "{}" })).body.message).toBe(`Could not find evaluation dataset with ID ${nope}`);
    expect((await call("DELETE", `${D}/${nope}/tags/k`)).status).toBe(200);
    expect((await call("POST", `${D}/${nope}/add-experiments`, { experiment_ids: [] })).body.message).toBe(`Dataset '${nope}' not found`);
    expect((await call("DELETE", `${D}/${nope}`)).status).toBe(200);
  });

  it("refuses malformed and oversized input with 4xx and writes nothing", async () => {
    const id = (await create({ name: uniqueName("bad") })).body.dataset.dataset_id;
    const cases: unknown[] = [
      "not json",
      "[1]",
      { a: 1 },
      [{ inputs: [1] }],
      [{ inputs: { a: 1 }, source: { source_type: "bogus" } }],
      [{ inputs: { a: 1 }, source: "x" }],
      [{ inputs: { a: 1 }, expectations: [1] }],
      [{ inputs: { a: 2 }, source: { source_type: "HUMAN", source_data: { source_id: "x".repeat(37) } } }],
      [{ inputs: { a: 3 }, tags: { "mlflow.user": "u".repeat(256) } }],
      [{ inputs: { ok: 1 } }, { inputs: { a: 4 }, source: { source_type: "bogus" } }],
    ];
    for (const c of cases) {
      const res = await upsert(id, typeof c === "string" ? c : JSON.stringify(c));
      expect(res.status, `${JSON.stringify(c)}: ${res.text}`).toBe(400);
      expect(res.body.error_code).toBe("INVALID_PARAMETER_VALUE");
    }
    expect((await records(id)).list).toEqual([]);
    expect((await upsert(id, "{}")).body).toEqual({ inserted_count: 0, updated_count: 0 });
    expect((await create({ name: "x".repeat(256) })).status).toBe(400);
    expect((await create({ name: "ok", tags: "[1]" })).status).toBe(400);
    expect((await create({})).body.message).toBe("Missing value for required parameter 'name'. See the API docs for more information about request parameters.");
    expect((await call("PATCH", `${D}/${id}/tags`, { tags: JSON.stringify({ k: "v".repeat(5001) }) })).status).toBe(400);
    expect((await call("GET", `${D}/${id}`)).body.dataset.tags).toBe("{}");
  });

  it("keeps every record of concurrent and retried upserts of the same inputs", async () => {
    const id = (await create({ name: uniqueName("race") })).body.dataset.dataset_id;
    const batch = [{ inputs: { q: "same" }, expectations: { x: 1 } }];
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => upsert(id, [{ inputs: { q: "same" }, expectations: { [`k${i}`]: i } }, ...batch])));
    expect(results.map((r) => r.status)).toEqual(Array(5).fill(200));
    const { list } = await records(id);
    expect(list).toHaveLength(1);
    // No merge was lost: every request's expectation key is there.
    expect(Object.keys(list[0].expectations).sort()).toEqual(["k0", "k1", "k2", "k3", "k4", "x"]);
    expect(results.reduce((n, r) => n + r.body.inserted_count, 0)).toBe(1);
    // A retried request is an update, not a duplicate.
    expect((await upsert(id, batch)).body).toEqual({ inserted_count: 0, updated_count: 1 });
  });
});
