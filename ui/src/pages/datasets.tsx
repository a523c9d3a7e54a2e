/**
 * The experiment's Datasets tab: GenAI evaluation datasets linked to it (`datasets/search` with
 * the experiment's id), with record count, digest, times and tags; a row opens a preview of its
 * first records (inputs, expectations, source) read with `datasets/{id}/records`.
 */
import { useState } from "preact/hooks";
import { api3, isNotFound } from "../api";
import { ErrorBox, NotFound, Spinner } from "../components/common";
import { ValueView } from "../components/trace/value-view";
import { useAsync } from "../hooks";
import { formatRelative, formatTime } from "../format";
import { parseJson } from "../json";
import { ExperimentHeader, useExperiments } from "./runs/header";
import "../traces/traces.css";

export interface EvaluationDataset {
  dataset_id: string;
  name: string;
  /** A JSON object as text (MLflow keeps dataset tags as one JSON column). */
  tags?: string;
  schema?: string;
  /** JSON text such as {"num_records": 3}. */
  profile?: string;
  digest?: string;
  created_time?: number | string;
  last_update_time?: number | string;
  created_by?: string;
  last_updated_by?: string;
}

interface DatasetRecord {
  dataset_record_id?: string;
  inputs?: unknown;
  expectations?: unknown;
  tags?: Record<string, string>;
  source_type?: string;
  source_id?: string;
}

function parseObject(text: string | undefined): Record<string, unknown> {
  if (!text) return {};
  try {
    const v = parseJson(text);
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export function recordCount(d: EvaluationDataset): number | undefined {
  const n = parseObject(d.profile).num_records;
  return typeof n === "number" ? n : typeof n === "string" ? Number(n) : undefined;
}

const PREVIEW_RECORDS = 20;

/** Records come as one JSON text written by Python's json.dumps, which may contain NaN. */
function parseRecords(text: string): DatasetRecord[] {
  try {
    return parseJson(text) as DatasetRecord[];
  } catch {
    return parseJson(text.replace(/\bNaN\b|-?\bInfinity\b/g, "null")) as DatasetRecord[];
  }
}

export default function DatasetsTab({ experimentId }: { experimentId: string }) {
  const experiments = useExperiments([experimentId]);
  const [open, setOpen] = useState<string | undefined>();
  const res = useAsync(async () => {
    const all: EvaluationDataset[] = [];
    let token: string | undefined;
    do {
      const r = await api3.post<{ datasets?: EvaluationDataset[]; next_page_token?: string }>("/datasets/search", {
        experiment_ids: [experimentId],
        order_by: ["last_update_time DESC"],
        max_results: 100,
        page_token: token,
      });
      all.push(...(r.datasets ?? []));
      token = r.next_page_token || undefined;
    } while (token && all.length < 1000);
    return all;
  }, [experimentId]);
  if (experiments.error && isNotFound(experiments.error)) return <NotFound what="Experiment" error={experiments.error} back={{ href: "#/experiments", label: "Back to experiments" }} />;
  const datasets = res.data ?? [];
  return (
    <div class="page">
      <ExperimentHeader experimentIds={[experimentId]} state={experiments} tab="datasets" />
      <ErrorBox error={res.error} title="Could not load the evaluation datasets." />
      {res.loading && !res.data && <Spinner />}
      {res.data && datasets.length === 0 && !res.error && (
        <div class="empty" data-testid="datasets-empty">
          <p>No evaluation datasets are linked to this experiment.</p>
          <p class="small-text">
            Create one with <code>mlflow.genai.datasets.create_dataset(name=…, experiment_id=…)</code> and add records with <code>merge_records</code>.
          </p>
        </div>
      )}
      {datasets.length > 0 && (
        <table class="table datasets-table">
          <thead>
            <tr>
              <th>Name</th>
              <th class="num">Records</th>
              <th>Digest</th>
              <th>Created</th>
              <th>Updated</th>
              <th>Tags</th>
            </tr>
          </thead>
          <tbody>
            {datasets.map((d) => (
              <DatasetRow key={d.dataset_id} dataset={d} open={open === d.dataset_id} onToggle={() => setOpen(open === d.dataset_id ? undefined : d.dataset_id)} />
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function DatasetRow({ dataset: d, open, onToggle }: { dataset: EvaluationDataset; open: boolean; onToggle: () => void }) {
  const tags = Object.entries(parseObject(d.tags)).filter(([k]) => !k.startsWith("mlflow."));
  return (
    <>
      <tr data-dataset-id={d.dataset_id}>
        <td>
          <button type="button" class="link" aria-expanded={open} onClick={onToggle}>
            {open ? "▾" : "▸"} {d.name}
          </button>
          <div class="mono muted small-text">{d.dataset_id}</div>
        </td>
        <td class="num mono" data-testid="record-count">
          {recordCount(d) ?? 0}
        </td>
        <td class="mono small-text">{d.digest ?? "—"}</td>
        <td title={formatTime(d.created_time)}>
          {formatRelative(d.created_time)}
          {d.created_by ? <span class="muted small-text"> by {d.created_by}</span> : null}
        </td>
        <td title={formatTime(d.last_update_time)}>{formatRelative(d.last_update_time)}</td>
        <td>
          {tags.map(([k, v]) => (
            <span key={k} class="chip small-text">
              {k}: {String(v)}
            </span>
          ))}
        </td>
      </tr>
      {open && (
        <tr class="dataset-preview-row">
          <td colSpan={6}>
            <RecordPreview datasetId={d.dataset_id} />
          </td>
        </tr>
      )}
    </>
  );
}

function RecordPreview({ datasetId }: { datasetId: string }) {
  const res = useAsync(async () => {
    const r = await api3.get<{ records?: string; next_page_token?: string }>(`/datasets/${encodeURIComponent(datasetId)}/records`, { max_results: PREVIEW_RECORDS });
    const records = r.records ? parseRecords(r.records) : [];
    return { records, more: !!r.next_page_token };
  }, [datasetId]);
  if (res.error) return <ErrorBox error={res.error} title="Could not load the records." />;
  if (!res.data) return <Spinner />;
  if (res.data.records.length === 0) return <p class="muted small-text">No records yet.</p>;
  return (
    <div class="record-preview" data-testid="record-preview">
      <table class="table">
        <thead>
          <tr>
            <th>Inputs</th>
            <th>Expectations</th>
            <th>Source</th>
          </tr>
        </thead>
        <tbody>
          {res.data.records.map((r, i) => (
            <tr key={r.dataset_record_id ?? i}>
              <td>
                <ValueView value={r.inputs} label="Record inputs" />
              </td>
              <td>{r.expectations === undefined ? <span class="muted">—</span> : <ValueView value={r.expectations} label="Record expectations" />}</td>
              <td class="small-text">
                {r.source_type ?? "—"}
                {r.source_id ? <div class="mono muted">{r.source_id}</div> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {res.data.more && <p class="muted small-text">First {PREVIEW_RECORDS} records shown.</p>}
    </div>
  );
}
