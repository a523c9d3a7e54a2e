/**
 * Writing MLflow's proto-JSON: proto2 semantics, where unset fields are omitted, empty repeated
 * fields are omitted, and explicitly set empty strings and zeros are kept.
 */
export type Json = Record<string, unknown>;

/** Sets a proto2 optional field: absent (null/undefined) values are omitted, "" and 0 are kept. */
export function setIf(out: Json, key: string, value: unknown): void {
  if (value !== null && value !== undefined) out[key] = value;
}

/** Sets a repeated field: empty lists are omitted, as protobuf's JSON printer does. */
export function listIf(out: Json, key: string, items: unknown[]): void {
  if (items.length > 0) out[key] = items;
}

/** Encodes a double the way MLflow's proto JSON does: NaN and infinities become strings. */
export function wireDouble(v: number): number | string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "Infinity";
  if (v === -Infinity) return "-Infinity";
  return v;
}

/** A search page as MLflow answers it: the list only when non-empty, the token only when set. */
export function pageToWire(listKey: string, items: unknown[], nextPageToken: string | undefined): Json {
  const out: Json = {};
  listIf(out, listKey, items);
  if (nextPageToken) out.next_page_token = nextPageToken;
  return out;
}
