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
  { id: "a:user", kind: "attr", key: "user", label: "User", width: 110, sortKey: "attributes.user_id", text: (r) => userOf(r) },
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
  {
    id: "a:dataset",
    kind: "attr",
    key: "dataset",
    label: "Dataset",
    width: 170,
    text: (r) => datasetsOf(r).join(", "),
    title: (r) => datasetsOf(r).join("\n") || undefined,
  },
  {
    id: "a:models",
    kind: "attr",
    key: "models",
    label: "Models",
    width: 150,
    text: (r) => modelsOf(r).map((m) => m.name).join(", "),
    title: (r) => modelsOf(r).map((m) => `${m.name} (${m.id})`).join("\n") || undefined,
  },
  { id: "a:experiment", kind: "attr", key: "experiment", label: "Experiment", width: 120, sortKey: "attributes.experiment_id", text: (r) => r.info.experiment_id },
  {
    id: "a:description",
    kind: "attr",
    key: "description",
    label: "Description",
    width: 200,
    sortKey: "tags.`mlflow.note.content`",
    text: (r) => (tagValue(r.data?.tags, "mlflow.note.content") ?? "").split("\n")[0] ?? "",
  },
];

export const DEFAULT_ATTRIBUTES = ["a:created", "a:duration", "a:status", "a:user", "a:source", "a:dataset", "a:models"];

/** MLflow shows a missing user as a dash. */
export function userOf(r: Run): string {
  const u = r.info.user_id || tagValue(r.data?.tags, "mlflow.user") || "";
  return u && u !== "unknown" ? u : "—";
}

/** "name (context)" per dataset input, e.g. "iris (training)". */
export function datasetsOf(r: Run): string[] {
  return (r.inputs?.dataset_inputs ?? []).map((d) => {
    const context = tagValue(d.tags, "mlflow.data.context");
    return context ? `${d.dataset.name} (${context})` : d.dataset.name;
  });
}

/** Logged models by id, and by the run that produced them; filled by the page's logged-model lookup. */
export const loggedModelNames = new Map<string, string>();
export const modelsBySourceRun = new Map<string, string[]>();

/** The logged models a run produced: its outputs, plus models whose source run it is. */
export function modelsOf(r: Run): { id: string; name: string }[] {
  const ids = new Set([...(r.outputs?.model_outputs ?? []).map((o) => o.model_id), ...(modelsBySourceRun.get(r.info.run_id) ?? [])]);
  return [...ids].map((id) => ({ id, name: loggedModelNames.get(id) ?? id }));
}

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
export function defaultColumnIds(keys: ReturnType<typeof discoverKeys>, manyExperiments = false): string[] {
  return [...(manyExperiments ? ["a:experiment"] : []), ...DEFAULT_ATTRIBUTES, ...keys.metric.slice(0, 8).map((k) => `m:${k}`), ...keys.param.slice(0, 6).map((k) => `p:${k}`)];
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

/** Group-by keys: `p:<param>`, `t:<tag>` or `d:` (dataset). */
export function groupValue(run: Run, groupBy: string): string {
  const key = groupBy.slice(2);
  if (groupBy.startsWith("p:")) return run.data?.params?.find((p) => p.key === key)?.value ?? "(none)";
  if (groupBy.startsWith("t:")) return tagValue(run.data?.tags, key) ?? "(none)";
  if (groupBy === "d:") return datasetsOf(run).join(", ") || "(none)";
  return "";
}

export type Aggregate = "min" | "avg" | "max";

export interface Group {
  value: string;
  runs: Run[];
  /** Aggregated latest metric values of the group's runs. */
  metrics: Map<string, number>;
}

export function groupRuns(runs: Run[], groupBy: string, agg: Aggregate): Group[] {
  const groups = new Map<string, Run[]>();
  for (const r of runs) {
    const v = groupValue(r, groupBy);
    groups.set(v, [...(groups.get(v) ?? []), r]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b, undefined, { numeric: true }))
    .map(([value, list]) => {
      const acc = new Map<string, number[]>();
      for (const r of list) {
        for (const m of r.data?.metrics ?? []) {
          const n = typeof m.value === "number" ? m.value : Number(m.value);
          if (Number.isFinite(n)) acc.set(m.key, [...(acc.get(m.key) ?? []), n]);
        }
      }
      const metrics = new Map<string, number>();
      for (const [k, vs] of acc) metrics.set(k, agg === "min" ? Math.min(...vs) : agg === "max" ? Math.max(...vs) : vs.reduce((a, b) => a + b, 0) / vs.length);
      return { value, runs: list, metrics };
    });
}
