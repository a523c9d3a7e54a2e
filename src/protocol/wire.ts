/**
 * Database rows to MLflow's proto-JSON shapes. Proto2 semantics: unset fields are omitted, empty
 * repeated fields are omitted, explicitly set empty strings and zeros are kept.
 */
import type { ExperimentRow } from "../db/experiments";
import type { RunRow } from "../db/runs";
import { wireDouble } from "./http";

export type Json = Record<string, unknown>;

/** Sets a proto2 optional field: absent (null/undefined) values are omitted, "" and 0 are kept. */
export function setIf(out: Json, key: string, value: unknown): void {
  if (value !== null && value !== undefined) out[key] = value;
}

/** Sets a repeated field: empty lists are omitted, as protobuf's JSON printer does. */
export function listIf(out: Json, key: string, items: unknown[]): void {
  if (items.length > 0) out[key] = items;
}

export function experimentToWire(e: ExperimentRow): Json {
  const out: Json = { experiment_id: String(e.experimentId), name: e.name };
  setIf(out, "artifact_location", e.artifactLocation);
  setIf(out, "lifecycle_stage", e.lifecycleStage);
  setIf(out, "last_update_time", e.lastUpdateTime);
  setIf(out, "creation_time", e.creationTime);
  listIf(
    out,
    "tags",
    e.tags.map((t) => ({ key: t.key, value: t.value ?? "" })),
  );
  out.workspace = e.workspace;
  return out;
}

export function runInfoToWire(r: RunRow): Json {
  const out: Json = { run_uuid: r.runUuid, experiment_id: String(r.experimentId) };
  setIf(out, "run_name", r.name);
  setIf(out, "user_id", r.userId);
  setIf(out, "status", r.status);
  setIf(out, "start_time", r.startTime);
  setIf(out, "end_time", r.endTime);
  setIf(out, "artifact_uri", r.artifactUri);
  setIf(out, "lifecycle_stage", r.lifecycleStage);
  out.run_id = r.runUuid;
  return out;
}

export interface MetricRow {
  key: string;
  value: number;
  timestamp: number | null;
  step: number;
  isNan: boolean;
}

export function metricToWire(m: MetricRow, runId?: string): Json {
  const out: Json = { key: m.key, value: m.isNan ? "NaN" : wireDouble(m.value) };
  setIf(out, "timestamp", m.timestamp);
  out.step = m.step;
  if (runId !== undefined) out.run_id = runId;
  return out;
}

export interface RunDetails {
  run: RunRow;
  metrics: MetricRow[];
  params: { key: string; value: string }[];
  tags: { key: string; value: string | null }[];
  datasetInputs: {
    tags: { key: string; value: string }[];
    dataset: { name: string; digest: string; sourceType: string; source: string; schema: string | null; profile: string | null };
  }[];
  /** MLflow 3 logged models the run used (GetRun only) and produced. */
  modelInputs?: { model_id: string }[];
  modelOutputs?: { model_id: string; step: number }[];
}

export function runToWire(d: RunDetails, opts: { outputs: boolean } = { outputs: true }): Json {
  const data: Json = {};
  listIf(data, "metrics", d.metrics.map((m) => metricToWire(m)));
  listIf(data, "params", d.params.map((p) => ({ key: p.key, value: p.value })));
  listIf(data, "tags", d.tags.map((t) => ({ key: t.key, value: t.value ?? "" })));
  const inputs: Json = {};
  listIf(
    inputs,
    "dataset_inputs",
    d.datasetInputs.map((i) => {
      const dataset: Json = { name: i.dataset.name, digest: i.dataset.digest, source_type: i.dataset.sourceType, source: i.dataset.source };
      setIf(dataset, "schema", i.dataset.schema);
      setIf(dataset, "profile", i.dataset.profile);
      const out: Json = {};
      listIf(out, "tags", i.tags);
      out.dataset = dataset;
      return out;
    }),
  );
  listIf(inputs, "model_inputs", d.modelInputs ?? []);
  const run: Json = { info: runInfoToWire(d.run), data, inputs };
  if (opts.outputs) {
    const outputs: Json = {};
    listIf(outputs, "model_outputs", (d.modelOutputs ?? []).map((o) => ({ model_id: o.model_id, step: Number(o.step) })));
    run.outputs = outputs;
  }
  return run;
}
