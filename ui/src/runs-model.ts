/**
 * The runs table's model: column definitions (attributes, metrics, params, tags), their URL
 * encoding, MLflow order_by keys, and flattening of nested runs into visible tree rows.
 */
import { formatDuration, formatRelative, formatValue } from "./format";
import { PARENT_TAG, tagValue, type Run } from "./types";

export type ColumnKind = "attr" | "metric" | "param" | "tag";

export interface Column {
  id: string;
  kind: ColumnKind;
  key: string;
  label: string;
  width: number;
  /** MLflow order_by key; undefined when the server cannot sort by it. */
  sortKey?: string;
  text: (run: Run) => string;
  title?: (run: Run) => string | undefined;
}

const quote = (k: string) => "`" + k.replace(/`/g, "") + "`";

export const ATTRIBUTE_COLUMNS: Column[] = [
  {
    id: "a:created",
    kind: "attr",
    key: "created",
    label: "Created",
    width: 110,
    sortKey: "attributes.start_time",
    text: (r) => formatRelative(r.info.start_time),
  },
  {
    id: "a:duration",
    kind: "attr",
    key: "duration",
    label: "Duration",
    width: 90,
    text: (r) => formatDuration(r.info.start_time, r.info.end_time),
  },
  { id: "a:status", kind: "attr", key: "status", label: "Status", width: 96, sortKey: "attributes.status", text: (r) => (r.info.status ?? "").toLowerCase() },
  { id: "a:user", kind: "attr", key: "user", label: "User", width: 110, sortKey: "attributes.user_id", text: (r) => r.info.user_id || tagValue(r.data?.tags, "mlflow.user") || "" },
  {
    id: "a:source",
    kind: "attr",
    key: "source",
    label: "Source",
    width: 150,
    sortKey: "tags.`mlflow.source.name`",
    text: (r) => (tagValue(r.data?.tags, "mlflow.source.name") ?? "").split(/[\\/]/).pop() ?? "",
    title: (r) => tagValue(r.data?.tags, "mlflow.source.name"),
  },
];

export const DEFAULT_ATTRIBUTES = ["a:created", "a:duration", "a:status", "a:user", "a:source"];

export function dataColumn(kind: Exclude<ColumnKind, "attr">, key: string): Column {
  const prefix = kind === "metric" ? "metrics" : kind === "param" ? "params" : "tags";
  const short = kind === "metric" ? "m" : kind === "param" ? "p" : "t";
  const pick = (r: Run) => {
    if (kind === "metric") {
      const m = r.data?.metrics?.find((x) => x.key === key);
      return m === undefined ? "" : formatValue(m.value);
    }
    const list = kind === "param" ? r.data?.params : r.data?.tags;
    return list?.find((x) => x.key === key)?.value ?? "";
  };
  return { id: `${short}:${key}`, kind, key, label: key, width: kind === "metric" ? 110 : 130, sortKey: `${prefix}.${quote(key)}`, text: pick, title: pick };
}

/** Keys seen in the loaded runs, per kind; system tags (mlflow.*) are left out of the tag list. */
export function discoverKeys(runs: Run[]): { metric: string[]; param: string[]; tag: string[] } {
  const metric = new Set<string>();
  const param = new Set<string>();
  const tag = new Set<string>();
  for (const r of runs) {
    r.data?.metrics?.forEach((m) => metric.add(m.key));
    r.data?.params?.forEach((p) => param.add(p.key));
    r.data?.tags?.forEach((t) => t.key.startsWith("mlflow.") || tag.add(t.key));
  }
  const sorted = (s: Set<string>) => [...s].sort((a, b) => a.localeCompare(b));
  return { metric: sorted(metric), param: sorted(param), tag: sorted(tag) };
}

/** Column ids are stored in the URL as a comma list; keys are URI-encoded so commas survive. */
export function encodeColumns(ids: string[]): string {
  return ids.map((id) => id.slice(0, 2) + encodeURIComponent(id.slice(2))).join(",");
}

export function decodeColumns(value: string | null): string[] | undefined {
  if (value === null) return undefined;
  return value
    .split(",")
    .filter(Boolean)
    .map((id) => {
      try {
        return id.slice(0, 2) + decodeURIComponent(id.slice(2));
      } catch {
        return id;
      }
    });
}

export function columnFromId(id: string): Column | undefined {
  const attr = ATTRIBUTE_COLUMNS.find((c) => c.id === id);
  if (attr) return attr;
  const key = id.slice(2);
  if (id.startsWith("m:")) return dataColumn("metric", key);
  if (id.startsWith("p:")) return dataColumn("param", key);
  if (id.startsWith("t:")) return dataColumn("tag", key);
  return undefined;
}

/** Without an explicit choice: attributes plus the first metrics and params seen. */
export function defaultColumnIds(keys: ReturnType<typeof discoverKeys>): string[] {
  return [...DEFAULT_ATTRIBUTES, ...keys.metric.slice(0, 8).map((k) => `m:${k}`), ...keys.param.slice(0, 6).map((k) => `p:${k}`)];
}

export interface TreeRow {
  run: Run;
  depth: number;
  childCount: number;
}

/**
 * Children (tag mlflow.parentRunId) are placed under their parent when the parent is loaded;
 * otherwise they stay top-level so filtering never hides a matching run.
 */
export function flattenTree(runs: Run[], expanded: Set<string>): TreeRow[] {
  const ids = new Set(runs.map((r) => r.info.run_id));
  const children = new Map<string, Run[]>();
  const roots: Run[] = [];
  for (const r of runs) {
    const parent = tagValue(r.data?.tags, PARENT_TAG);
    if (parent && parent !== r.info.run_id && ids.has(parent)) {
      const list = children.get(parent) ?? [];
      list.push(r);
      children.set(parent, list);
    } else roots.push(r);
  }
  const out: TreeRow[] = [];
  const seen = new Set<string>();
  const visit = (r: Run, depth: number) => {
    if (seen.has(r.info.run_id)) return; // guards against parent cycles
    seen.add(r.info.run_id);
    const kids = children.get(r.info.run_id) ?? [];
    out.push({ run: r, depth, childCount: kids.length });
    if (expanded.has(r.info.run_id)) kids.forEach((k) => visit(k, depth + 1));
  };
  roots.forEach((r) => visit(r, 0));
  return out;
}

export function runName(run: Run): string {
  return run.info.run_name || tagValue(run.data?.tags, "mlflow.runName") || run.info.run_id.slice(0, 8);
}

/** The loaded runs with the chosen columns as CSV (RFC 4180 quoting), for download. */
export function runsToCsv(runs: Run[], columns: Column[]): string {
  const cell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const header = ["run_id", "run_name", ...columns.map((c) => (c.kind === "attr" ? c.key : `${c.kind}s.${c.key}`))];
  const lines = [header.map(cell).join(",")];
  for (const r of runs) lines.push([r.info.run_id, runName(r), ...columns.map((c) => c.text(r))].map(cell).join(","));
  return lines.join("\r\n") + "\r\n";
}

/** "Created within" choices: appended to the filter as attributes.start_time >= <ms>. */
export const TIME_WINDOWS: Record<string, number> = { "1h": 3_600_000, "24h": 86_400_000, "7d": 7 * 86_400_000, "30d": 30 * 86_400_000, "1y": 365 * 86_400_000 };

export function withTimeWindow(filter: string, since: string | null, now = Date.now()): string {
  const ms = since ? TIME_WINDOWS[since] : undefined;
  if (!ms) return filter;
  const clause = `attributes.start_time >= ${now - ms}`;
  return filter ? `${filter} AND ${clause}` : clause;
}
