/**
 * GenAI dataset records with MLflow 3.18's rules (SqlAlchemyStore.upsert_dataset_records,
 * _load_dataset_records, delete_dataset_records; SqlEvaluationDatasetRecord.merge;
 * DatasetRecord.to_dict): records are keyed by the SHA-256 of their inputs (json.dumps with sorted
 * keys); an upsert inserts new inputs and merges outputs, expectations and tags into existing
 * ones, counts both, and refreshes the dataset's schema, profile and digest. Values keep Python's
 * JSON (src/lib/python-json.ts) so stored rows are byte-identical to the reference server's.
 */
import type { Db } from "../db/client";
import { retryOnUniqueRace } from "../db/races";
import * as repo from "../db/genai-dataset-records";
import { MlflowError } from "../errors";
import { dict, isDict, pyDumps, pyLoads, pyStrValue, pyTypeName, PyJsonError, type PyDict, type PyValue } from "../lib/python-json";
import { datasetDigest, datasetNotFound, sha256Hex } from "./genai-datasets";

const WRAPPED_OUTPUT = "mlflow_wrapped";
const MLFLOW_USER = "mlflow.user";
const SOURCE_TYPES = ["UNSPECIFIED", "TRACE", "HUMAN", "DOCUMENT", "CODE"];
/** Column sizes of evaluation_dataset_records, checked before writing (MLflow fails in the database). */
const LIMITS = { source_id: 36, source_type: 255, created_by: 255 };

const truthy = (v: PyValue | undefined) => v !== undefined && v !== null && v !== false && v !== "" && v !== 0 && v !== 0n && !(Array.isArray(v) && v.length === 0) && !(isDict(v) && v.size === 0);
const bad = (message: string): never => {
  throw MlflowError.invalidParameter(message);
};

function optionalDict(record: PyDict, key: string): PyDict | null {
  const v = record.get(key);
  if (v === undefined || v === null) return null;
  if (!isDict(v)) bad(`Invalid dataset record: '${key}' must be a JSON object, got ${pyTypeName(v)}.`);
  return v as PyDict;
}

function limit(field: keyof typeof LIMITS, v: string | null): string | null {
  if (v !== null && v.length > LIMITS[field]) bad(`Invalid dataset record: '${field}' must be at most ${LIMITS[field]} characters, got ${v.length}.`);
  return v;
}

/** The records of an UpsertDatasetRecords request: `json.loads(records)`, iterated as Python would. */
export function parseRecords(text: string): PyDict[] {
  let parsed: PyValue;
  try {
    parsed = pyLoads(text);
  } catch (e) {
    if (e instanceof PyJsonError) bad(`Invalid value for 'records': not valid JSON (${e.message}).`);
    throw e;
  }
  // Iterating an empty JSON object yields nothing in Python; anything else must be a list.
  if (isDict(parsed) && parsed.size === 0) return [];
  if (!Array.isArray(parsed)) bad(`Invalid value for 'records': expected a JSON list of records, got ${pyTypeName(parsed)}.`);
  return (parsed as PyValue[]).map((r, i) => {
    if (!isDict(r)) return bad(`Invalid dataset record at index ${i}: expected a JSON object, got ${pyTypeName(r)}.`);
    const inputs = r.get("inputs");
    if (inputs !== undefined && !isDict(inputs)) bad(`Invalid dataset record at index ${i}: 'inputs' must be a JSON object, got ${pyTypeName(inputs)}.`);
    optionalDict(r as PyDict, "expectations");
    optionalDict(r as PyDict, "tags");
    return r as PyDict;
  });
}

/** DatasetRecordSource.from_dict(...).to_dict(), with the source id MLflow derives from it. */
function recordSource(raw: PyValue | undefined): { source: PyDict; type: string; id: string | null } | null {
  if (!truthy(raw)) return null;
  if (!isDict(raw!)) return bad(`Invalid dataset record: 'source' must be a JSON object, got ${pyTypeName(raw!)}.`);
  const src = raw as PyDict;
  for (const key of src.keys()) if (key !== "source_type" && key !== "source_data") bad(`Invalid dataset record source: unexpected field '${key}'.`);
  const type = src.get("source_type");
  if (typeof type !== "string") return bad("Invalid dataset record source: 'source_type' is required.");
  const upper = type.toUpperCase();
  if (!SOURCE_TYPES.includes(upper)) bad(`Invalid dataset record source type: ${upper}. Valid source types: ['UNSPECIFIED', 'TRACE', 'HUMAN', 'DOCUMENT', 'CODE']`);
  const data = src.get("source_data") ?? null;
  if (data !== null && !isDict(data)) bad(`Invalid dataset record source: 'source_data' must be a JSON object, got ${pyTypeName(data)}.`);
  const sourceData: PyDict = (data as PyDict | null) ?? new Map();
  const idValue = sourceData.get(upper === "TRACE" ? "trace_id" : "source_id");
  const id = idValue === undefined || idValue === null || !truthy(idValue) ? null : pyStrValue(idValue);
  return { source: dict([["source_type", upper], ["source_data", sourceData]]), type: upper, id };
}

const wrapOutputs = (v: PyValue): string | null => (v === null ? null : pyDumps(dict([[WRAPPED_OUTPUT, v]])));
const userOf = (tags: PyDict | null): string | null => (tags && tags.has(MLFLOW_USER) ? pyStrValue(tags.get(MLFLOW_USER)!) : null);

function inferType(v: PyValue): string {
  if (v === null) return "null";
  if (typeof v === "boolean") return "boolean";
  if (typeof v === "bigint") return "integer";
  if (typeof v === "number") return "float";
  if (typeof v === "string") return "string";
  return Array.isArray(v) ? "array" : "object";
}

/** `_update_dataset_schema`: new field names and their types added; null when there is nothing. */
function updatedSchema(existing: string | null, records: PyDict[]): string | null {
  if (records.length === 0 && !existing) return null;
  let schema: PyDict = dict([["inputs", new Map()], ["outputs", new Map()], ["expectations", new Map()], ["version", "1.0"]]);
  if (existing) {
    try {
      const parsed = pyLoads(existing);
      if (isDict(parsed)) schema = parsed;
    } catch {
      /* a schema we cannot read is rebuilt from the records */
    }
  }
  const section = (name: string): PyDict => {
    const s = schema.get(name);
    if (isDict(s ?? null)) return s as PyDict;
    const fresh: PyDict = new Map();
    if (s === undefined) schema.set(name, fresh);
    return s === undefined ? fresh : new Map();
  };
  for (const r of records) {
    const inputs = r.get("inputs");
    if (truthy(inputs) && isDict(inputs!)) for (const [k, v] of inputs as PyDict) if (!section("inputs").has(k)) section("inputs").set(k, inferType(v));
    const outputs = r.get("outputs");
    if (outputs !== undefined && outputs !== null) {
      const current = schema.get("outputs");
      if (isDict(outputs)) {
        if (isDict(current ?? null)) for (const [k, v] of outputs) if (!(current as PyDict).has(k)) (current as PyDict).set(k, inferType(v));
      } else if (!truthy(current)) schema.set("outputs", inferType(outputs));
    }
    const expectations = r.get("expectations");
    if (truthy(expectations) && isDict(expectations!)) {
      for (const [k, v] of expectations as PyDict) if (!section("expectations").has(k)) section("expectations").set(k, inferType(v));
    }
  }
  return pyDumps(schema);
}

interface Pending {
  stored: repo.RecordRow | null;
  outputs: string | null;
  expectations: PyDict | null;
  tags: PyDict | null;
  lastUpdatedBy: string | null;
  insert: repo.NewRecord | null;
}

const parsedColumn = (text: string | null): PyDict | null => {
  if (text === null) return null;
  const v = pyLoads(text);
  return isDict(v) ? v : null;
};

/** One decision: what to insert, what to merge, and the counts. */
async function decide(db: Db, datasetId: string, records: PyDict[], hashes: string[], now: number) {
  const read = await repo.readForUpsert(db, datasetId, [...new Set(hashes)]);
  if (!read.found) {
    if (records.length === 0) return null;
    throw datasetNotFound(datasetId);
  }
  const byHash = new Map<string, Pending>();
  for (const row of read.existing) {
    byHash.set(row.input_hash, { stored: row, outputs: row.outputs, expectations: parsedColumn(row.expectations), tags: parsedColumn(row.tags), lastUpdatedBy: row.last_updated_by, insert: null });
  }
  let inserted = 0;
  let updated = 0;
  let updatedBy: string | null = null;
  records.forEach((r, i) => {
    const tags = optionalDict(r, "tags");
    if (truthy(tags)) updatedBy = userOf(tags) ?? updatedBy;
    const hit = byHash.get(hashes[i]!);
    if (hit) {
      // SqlEvaluationDatasetRecord.merge
      if (r.has("outputs")) hit.outputs = wrapOutputs(r.get("outputs")!);
      const expectations = optionalDict(r, "expectations");
      if (truthy(expectations)) hit.expectations = new Map([...(hit.expectations ?? []), ...expectations!]);
      if (truthy(tags)) {
        hit.tags = new Map([...(hit.tags ?? []), ...tags!]);
        if (tags!.has(MLFLOW_USER)) hit.lastUpdatedBy = limit("created_by", userOf(tags));
      }
      updated++;
      return;
    }
    const source = recordSource(r.get("source"));
    const createdBy = limit("created_by", truthy(tags) ? userOf(tags) : null);
    const expectations = optionalDict(r, "expectations");
    const pending: Pending = {
      stored: null,
      outputs: wrapOutputs(r.has("outputs") ? r.get("outputs")! : new Map()),
      expectations,
      tags: tags ?? new Map(),
      lastUpdatedBy: createdBy,
      insert: {
        id: `dr-${crypto.randomUUID().replace(/-/g, "")}`,
        inputHash: hashes[i]!,
        inputs: pyDumps((r.get("inputs") as PyDict | undefined) ?? new Map()),
        outputs: null,
        expectations: null,
        tags: null,
        source: source ? pyDumps(source.source) : null,
        sourceId: limit("source_id", source?.id ?? null),
        sourceType: limit("source_type", source?.type ?? null),
        createdBy,
      },
    };
    byHash.set(hashes[i]!, pending);
    inserted++;
  });
  const inserts: repo.NewRecord[] = [];
  const merges: repo.MergedRecord[] = [];
  for (const p of byHash.values()) {
    const expectations = p.expectations === null ? null : pyDumps(p.expectations);
    const tags = p.tags === null ? null : pyDumps(p.tags);
    if (p.insert) inserts.push({ ...p.insert, outputs: p.outputs, expectations, tags });
    // Every matched record is touched (its update time moves), as MLflow's merge does.
    else if (p.stored) merges.push({ id: p.stored.dataset_record_id, outputs: p.outputs, expectations, tags, lastUpdatedBy: p.lastUpdatedBy });
  }
  const digest = await datasetDigest(read.name ?? "None", now);
  return { inserted, updated, write: { datasetId, version: read.version!, inserts, merges, now, updatedBy, digest, schema: updatedSchema(read.schema, records) } };
}

/** Upserts records; answers MLflow's inserted and updated counts. */
export async function upsertRecords(db: Db, datasetId: string, recordsText: string): Promise<{ inserted: number; updated: number }> {
  const records = parseRecords(recordsText);
  const hashes = await Promise.all(records.map((r) => sha256Hex(pyDumps((r.get("inputs") as PyDict | undefined) ?? new Map(), { sortKeys: true }))));
  for (let attempt = 1; ; attempt++) {
    const now = Date.now();
    const decision = await retryOnUniqueRace(async () => {
      const d = await decide(db, datasetId, records, hashes, now);
      if (d === null) return { inserted: 0, updated: 0, ok: true };
      return { inserted: d.inserted, updated: d.updated, ok: await repo.writeUpsert(db, d.write) };
    }, 10);
    if (decision.ok) return { inserted: decision.inserted, updated: decision.updated };
    // Another request changed these records between our read and our write: decide again.
    if (attempt >= 10) throw new MlflowError("TEMPORARILY_UNAVAILABLE", "Dataset records are being updated concurrently; retry later.", { "retry-after": "1" });
  }
}

/** `DatasetRecord.to_dict()` of a stored row, as Python values in MLflow's key order. */
export function recordToDict(row: repo.RecordRow): PyDict {
  const out: PyDict = new Map();
  out.set("dataset_record_id", row.dataset_record_id);
  out.set("dataset_id", row.dataset_id);
  out.set("inputs", pyLoads(row.inputs));
  const expectations = row.expectations === null ? null : pyLoads(row.expectations);
  if (expectations !== null) out.set("expectations", expectations);
  out.set("tags", row.tags === null ? new Map() : (pyLoads(row.tags) ?? new Map()));
  const stored = row.source === null ? null : pyLoads(row.source);
  let sourceId = row.source_id;
  if (truthy(stored ?? null) && isDict(stored!)) {
    const type = String((stored as PyDict).get("source_type") ?? "UNSPECIFIED").toUpperCase();
    const data = ((stored as PyDict).get("source_data") as PyDict | null | undefined) ?? new Map();
    out.set("source", dict([["source_type", type], ["source_data", data]]));
    if (!sourceId && isDict(data)) {
      const derived = data.get(type === "TRACE" ? "trace_id" : "source_id");
      sourceId = derived === undefined || derived === null ? null : pyStrValue(derived);
    }
    if (sourceId !== null) out.set("source_id", sourceId);
    out.set("source_type", type);
  } else if (sourceId !== null) out.set("source_id", sourceId);
  out.set("created_time", row.created_time === null ? null : BigInt(row.created_time));
  out.set("last_update_time", row.last_update_time === null ? null : BigInt(row.last_update_time));
  if (row.created_by !== null) out.set("created_by", row.created_by);
  if (row.last_updated_by !== null) out.set("last_updated_by", row.last_updated_by);
  const outputs = row.outputs === null ? null : pyLoads(row.outputs);
  if (isDict(outputs ?? null) && (outputs as PyDict).size > 0) {
    const inner = (outputs as PyDict).get(WRAPPED_OUTPUT);
    if (inner !== undefined && inner !== null) out.set("outputs", inner);
  }
  return out;
}

/** The page token of MLflow's records cursor: base64 of "<created_time>:<record id>". */
function readCursor(token: string | undefined): { createdTime: number; recordId: string } | null {
  if (!token) return null;
  let decoded: string;
  try {
    decoded = atob(token);
  } catch {
    return bad(`Invalid page token: ${token}`);
  }
  const sep = decoded.indexOf(":");
  const time = sep > 0 ? decoded.slice(0, sep) : "";
  if (!/^\s*-?\d+\s*$/.test(time)) bad(`Invalid page token: ${token}`);
  return { createdTime: Number(time), recordId: decoded.slice(sep + 1) };
}

export async function recordsPage(db: Db, datasetId: string, maxResults: number, pageToken: string | undefined): Promise<{ records: string; nextPageToken?: string }> {
  if (maxResults < 1) bad(`Invalid value ${maxResults} for parameter 'max_results' supplied. It must be a positive integer`);
  const rows = await repo.recordsPage(db, datasetId, readCursor(pageToken), maxResults + 1);
  const page = rows.slice(0, maxResults);
  const last = page[page.length - 1];
  const next = rows.length > maxResults && last ? btoa(`${last.created_time}:${last.dataset_record_id}`) : undefined;
  return { records: pyDumps(page.map(recordToDict)), nextPageToken: next };
}

export async function deleteRecords(db: Db, datasetId: string, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  return repo.deleteRecords(db, datasetId, ids);
}
