/**
 * Spans → the tree the trace view draws. Pure and linear: spans are indexed once, children are
 * attached in one pass, and one iterative depth-first walk yields the rows in display order with
 * each row's depth and the end of its subtree, so that collapsing a node is a jump, not a search.
 * A 5,000-span trace is a few milliseconds of work here; the view then renders only the rows on
 * screen (see components/span-list.tsx).
 */
import type { AnyValueJson, KeyAnyValue, RawSpan } from "./trace-types";

export type SpanStatus = "OK" | "ERROR" | "UNSET";

export interface SpanEvent {
  name: string;
  /** Milliseconds since the trace started. */
  offsetMs: number;
  attributes: Record<string, unknown>;
}

export interface SpanNode {
  /** Lower-case hex, whatever encoding the server used (assessments name spans in hex). */
  id: string;
  parentId: string | null;
  name: string;
  /** `mlflow.spanType` (LLM, TOOL, …) or the OTel kind when absent. */
  type: string;
  /** Milliseconds since the trace's first span started. */
  startMs: number;
  durationMs: number;
  status: SpanStatus;
  statusMessage: string;
  /** The span as received; its attributes and events are decoded on demand (`spanDetails`). */
  raw: RawSpan;
  /** ERROR status or an `exception` event. */
  failed: boolean;
  depth: number;
  /** Position of the first row after this span's subtree, in `SpanTree.order`. */
  subtreeEnd: number;
  childCount: number;
  /** Some descendant failed (its ancestors are marked so the path to it shows). */
  failedBelow: boolean;
}

export interface SpanTree {
  /** Spans in display order (depth first, children by start time). */
  order: SpanNode[];
  /** Span id → position in `order`. */
  positionOf: Map<string, number>;
  durationMs: number;
  /** Wall-clock start of the trace in ms since the epoch (NaN when no span has a time). */
  startEpochMs: number;
  /** The first span's start, in ns since the epoch (0 when unknown): event times are relative to it. */
  startNs: number;
}

const HEX16 = /^[0-9a-f]{16}$/i;
const HEX32 = /^[0-9a-f]{32}$/i;
const BYTE_HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));

/** Span ids come as base64 (OTLP JSON), hex, or `0x…` hex (MLflow's span dicts): always hex out. */
export function spanIdHex(id: string | null | undefined): string | null {
  if (!id) return null;
  if (HEX16.test(id) || HEX32.test(id)) return id.toLowerCase();
  if (/^0x[0-9a-f]+$/i.test(id)) return id.slice(2).toLowerCase();
  try {
    const bin = atob(id);
    let hex = "";
    for (let i = 0; i < bin.length; i++) hex += BYTE_HEX[bin.charCodeAt(i)];
    return hex || null;
  } catch {
    return id;
  }
}

/** An OTLP AnyValue as a plain value. */
export function fromAnyValue(v: AnyValueJson | undefined): unknown {
  if (!v) return null;
  const pick = (snake: string, camel: string) => (snake in v ? v[snake] : v[camel]);
  if ("string_value" in v || "stringValue" in v) return pick("string_value", "stringValue");
  if ("bool_value" in v || "boolValue" in v) return pick("bool_value", "boolValue");
  if ("int_value" in v || "intValue" in v) {
    const n = pick("int_value", "intValue");
    return typeof n === "string" && Number.isSafeInteger(Number(n)) ? Number(n) : n;
  }
  if ("double_value" in v || "doubleValue" in v) {
    const d = pick("double_value", "doubleValue");
    return typeof d === "string" ? Number(d) : d;
  }
  if ("array_value" in v || "arrayValue" in v) {
    const arr = pick("array_value", "arrayValue") as { values?: AnyValueJson[] } | undefined;
    return (arr?.values ?? []).map(fromAnyValue);
  }
  if ("kvlist_value" in v || "kvlistValue" in v) {
    const kv = pick("kvlist_value", "kvlistValue") as { values?: KeyAnyValue[] } | undefined;
    return Object.fromEntries((kv?.values ?? []).map((e) => [e.key, fromAnyValue(e.value)]));
  }
  if ("bytes_value" in v || "bytesValue" in v) return pick("bytes_value", "bytesValue");
  return null;
}

/**
 * Attributes arrive as OTLP key/values (traces/get) or as a dict of JSON-encoded strings (a
 * `traces.json` artifact, MLflow's stored form). Both become a dict of decoded values.
 */
export function decodeAttributes(attrs: RawSpan["attributes"]): Record<string, unknown> {
  if (!attrs) return {};
  if (Array.isArray(attrs)) {
    const out: Record<string, unknown> = {};
    for (const kv of attrs) out[kv.key] = fromAnyValue(kv.value);
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(attrs)) {
    if (typeof v !== "string") out[k] = v;
    else {
      try {
        out[k] = JSON.parse(v);
      } catch {
        out[k] = v;
      }
    }
  }
  return out;
}

/**
 * Nanosecond timestamps as doubles. Past 2^53 they arrive as decimal strings and lose a few hundred
 * nanoseconds here, far below what a timeline shows, and doubles avoid a BigInt per span.
 */
function toNs(v: unknown): number | null {
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v === "string" && v !== "") {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

function statusOf(raw: RawSpan["status"]): { status: SpanStatus; message: string } {
  const code = String(raw?.code ?? raw?.status_code ?? "");
  const status: SpanStatus = /ERROR/.test(code) ? "ERROR" : /OK/.test(code) ? "OK" : "UNSET";
  return { status, message: String(raw?.message ?? raw?.description ?? "") };
}

const SPAN_TYPE = "mlflow.spanType";

/** The span type alone, without decoding the other attributes (the tree needs nothing else). */
function spanTypeOf(attrs: RawSpan["attributes"]): unknown {
  if (!attrs) return undefined;
  if (Array.isArray(attrs)) {
    for (const kv of attrs) if (kv.key === SPAN_TYPE) return fromAnyValue(kv.value);
    return undefined;
  }
  const v = attrs[SPAN_TYPE];
  if (typeof v !== "string") return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

export interface SpanDetails {
  inputs: unknown;
  outputs: unknown;
  /** Every attribute except inputs, outputs and the span type, values decoded. */
  attributes: Record<string, unknown>;
  events: SpanEvent[];
}

const detailsCache = new WeakMap<SpanNode, SpanDetails>();

/**
 * A span's inputs, outputs, attributes and events, decoded when the span is first shown: building
 * the tree of a 5,000-span trace then touches only ids, names, times and statuses.
 */
export function spanDetails(node: SpanNode, tree: Pick<SpanTree, "startNs">): SpanDetails {
  const cached = detailsCache.get(node);
  if (cached) return cached;
  const attributes = decodeAttributes(node.raw.attributes);
  const details: SpanDetails = {
    inputs: attributes[INPUTS],
    outputs: attributes[OUTPUTS],
    attributes,
    events: (node.raw.events ?? []).map((e) => {
      const t = toNs(e.time_unix_nano);
      return { name: e.name ?? "", offsetMs: t === null ? 0 : (t - tree.startNs) / 1e6, attributes: decodeAttributes(e.attributes) };
    }),
  };
  delete attributes[SPAN_TYPE];
  delete attributes[INPUTS];
  delete attributes[OUTPUTS];
  detailsCache.set(node, details);
  return details;
}
const INPUTS = "mlflow.spanInputs";
const OUTPUTS = "mlflow.spanOutputs";

/** Builds the display tree. Spans whose parent is missing become roots, so nothing is hidden. */
export function buildSpanTree(raw: RawSpan[]): SpanTree {
  const n = raw.length;
  const starts = new Float64Array(n);
  const ends = new Float64Array(n);
  let t0 = Infinity;
  let t1 = -Infinity;
  for (let i = 0; i < n; i++) {
    const s = toNs(raw[i]!.start_time_unix_nano);
    const e = toNs(raw[i]!.end_time_unix_nano);
    starts[i] = s ?? NaN;
    ends[i] = e ?? NaN;
    if (s !== null && s < t0) t0 = s;
    const last = e ?? s;
    if (last !== null && last > t1) t1 = last;
  }
  const known = Number.isFinite(t0);
  const base = known ? t0 : 0;
  const msSince = (v: number | null) => (v === null || Number.isNaN(v) ? 0 : (v - base) / 1e6);
  // Parent ids repeat (every child names its parent): each distinct encoded id is converted once.
  const hexOf = new Map<string, string | null>();
  const toHex = (id: string | null | undefined) => {
    if (!id) return null;
    let hex = hexOf.get(id);
    if (hex === undefined) hexOf.set(id, (hex = spanIdHex(id)));
    return hex;
  };

  const nodes: SpanNode[] = new Array(n);
  const indexById = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const r = raw[i]!;
    const id = toHex(r.span_id) ?? `span-${i}`;
    const type = spanTypeOf(r.attributes);
    const hasException = !!r.events?.some((e) => e.name === "exception");
    const { status, message } = statusOf(r.status);
    const startMs = msSince(starts[i]!);
    const endMs = Number.isNaN(ends[i]!) ? startMs : msSince(ends[i]!);
    nodes[i] = {
      id,
      parentId: toHex(r.parent_span_id),
      name: r.name ?? "(unnamed)",
      type: typeof type === "string" && type ? type : (r.kind ?? "").replace(/^SPAN_KIND_/, "") || "UNKNOWN",
      startMs,
      durationMs: Math.max(0, endMs - startMs),
      status,
      statusMessage: message,
      raw: r,
      failed: status === "ERROR" || hasException,
      depth: 0,
      subtreeEnd: 0,
      childCount: 0,
      failedBelow: false,
    };
    indexById.set(id, i);
  }

  // Children lists in one pass; a span whose parent is absent (or itself) is a root.
  const children: number[][] = new Array(n);
  const roots: number[] = [];
  for (let i = 0; i < n; i++) {
    const p = nodes[i]!.parentId;
    const pi = p === null ? undefined : indexById.get(p);
    if (pi === undefined || pi === i) roots.push(i);
    else (children[pi] ??= []).push(i);
  }
  const byStart = (a: number, b: number) => nodes[a]!.startMs - nodes[b]!.startMs || a - b;
  roots.sort(byStart);

  // Iterative depth-first walk (a recursive one would overflow on deep chains).
  const order: SpanNode[] = [];
  const positionOf = new Map<string, number>();
  const visited = new Uint8Array(n);
  const stack: { index: number; depth: number; next: number }[] = [];
  const enter = (index: number, depth: number) => {
    visited[index] = 1;
    const node = nodes[index]!;
    node.depth = depth;
    positionOf.set(node.id, order.length);
    order.push(node);
    const kids = children[index];
    if (kids) kids.sort(byStart);
    node.childCount = kids?.length ?? 0;
    stack.push({ index, depth, next: 0 });
  };
  for (const root of roots) {
    enter(root, 0);
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const kids = children[top.index];
      if (kids && top.next < kids.length) {
        const child = kids[top.next++]!;
        if (!visited[child]) enter(child, top.depth + 1);
      } else {
        stack.pop();
        nodes[top.index]!.subtreeEnd = order.length;
      }
    }
  }
  // A parent cycle leaves spans unvisited: show them as roots rather than lose them.
  if (order.length < n) {
    for (let i = 0; i < n; i++) {
      if (visited[i]) continue;
      const node = nodes[i]!;
      node.depth = 0;
      node.childCount = 0;
      positionOf.set(node.id, order.length);
      order.push(node);
      node.subtreeEnd = order.length;
    }
  }
  // Failures propagate upward: walking display order backwards visits children before parents.
  for (let p = order.length - 1; p >= 0; p--) {
    const node = order[p]!;
    if (!(node.failed || node.failedBelow) || node.parentId === null) continue;
    const pp = positionOf.get(node.parentId);
    if (pp !== undefined && pp < p) order[pp]!.failedBelow = true;
  }
  return {
    order,
    positionOf,
    durationMs: known && Number.isFinite(t1) ? (t1 - t0) / 1e6 : 0,
    startEpochMs: known ? t0 / 1e6 : NaN,
    startNs: base,
  };
}

/** Positions (in `tree.order`) of the rows to show, skipping the subtrees of collapsed spans. */
export function visibleRows(tree: SpanTree, collapsed: ReadonlySet<string>): Int32Array {
  const out = new Int32Array(tree.order.length);
  let count = 0;
  for (let p = 0; p < tree.order.length; ) {
    const node = tree.order[p]!;
    out[count++] = p;
    p = collapsed.has(node.id) ? node.subtreeEnd : p + 1;
  }
  return out.subarray(0, count);
}

/** Ids of a span's ancestors, nearest first: expanding them reveals the span. */
export function ancestorsOf(tree: SpanTree, id: string): string[] {
  const out: string[] = [];
  let p = tree.positionOf.get(id);
  const seen = new Set<string>();
  while (p !== undefined) {
    const parent = tree.order[p]!.parentId;
    if (parent === null || seen.has(parent) || !tree.positionOf.has(parent)) break;
    seen.add(parent);
    out.push(parent);
    p = tree.positionOf.get(parent);
  }
  return out;
}
