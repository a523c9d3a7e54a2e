/**
 * Run overview: details, the description (markdown), searchable params and metrics (values
 * rounded, exact on hover and copy), logged models, registered versions, linked prompts,
 * datasets, child runs and editable tags.
 */
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { api } from "../api";
import { formatDuration, formatTime, formatValue } from "../format";
import { href } from "../router";
import { runName, userOf } from "../runs-model";
import { NOTE_TAG, PARENT_TAG, tagValue, type LoggedModel, type ModelVersion, type Run } from "../types";
import { DescriptionEditor, ExactValue, TagEditor, useAsync } from "./common";

export function RunOverview({ run, onChanged }: { run: Run; onChanged: () => void }) {
  const { info } = run;
  const tags = run.data?.tags ?? [];
  const parent = tagValue(tags, PARENT_TAG);
  const source = tagValue(tags, "mlflow.source.name");
  const commit = tagValue(tags, "mlflow.source.git.commit");
  const base = `/experiments/${info.experiment_id}/runs/${info.run_id}`;
  return (
    <div class="overview">
      {/* Description first: the details card grows as child runs and model versions arrive, and
          content above an edit button must not shift under the user's click. */}
      <section class="card">
        <div class="card-head">
          <h2>Description</h2>
        </div>
        <DescriptionEditor
          label="Run description"
          value={tagValue(tags, NOTE_TAG) ?? ""}
          onSave={(value) => api.post("/runs/set-tag", { run_id: info.run_id, key: NOTE_TAG, value })}
          onSaved={onChanged}
        />
      </section>
      <section class="card">
        <table class="details">
          <tbody>
            <Detail label="Run ID" value={<span class="mono">{info.run_id}</span>} />
            <Detail label="Experiment ID" value={<a href={href(`/experiments/${info.experiment_id}`)}>{info.experiment_id}</a>} />
            <Detail label="Status" value={(info.status ?? "").toLowerCase()} />
            <Detail label="Created" value={formatTime(info.start_time)} />
            <Detail label="Ended" value={formatTime(info.end_time)} />
            <Detail label="Duration" value={formatDuration(info.start_time, info.end_time)} />
            <Detail label="User" value={userOf(run)} />
            <Detail label="Source" value={source ? <span class="mono">{source}{commit ? ` @ ${commit.slice(0, 10)}` : ""}</span> : "—"} />
            {parent && <Detail label="Parent run" value={<a href={href(`/runs/${parent}`)} class="mono">{parent}</a>} />}
            <Detail label="Artifact URI" value={<span class="mono small-text">{info.artifact_uri ?? "—"}</span>} />
          </tbody>
        </table>
        <ChildRuns run={run} />
        <LoggedModels run={run} />
        <ModelVersions run={run} />
        <Prompts run={run} />
        <Datasets run={run} />
      </section>
      <div class="two-col">
        <KeyValueTable
          title="Parameters"
          rows={(run.data?.params ?? []).map((p) => ({ key: p.key, value: p.value }))}
          testId="params"
        />
        <KeyValueTable
          title="Metrics"
          rows={(run.data?.metrics ?? []).map((m) => ({
            key: m.key,
            value: formatValue(m.value),
            exact: m.value,
            link: href(`${base}/${m.key.startsWith("system/") ? "system-metrics" : "model-metrics"}`, { metrics: m.key }),
          }))}
          testId="metrics"
        />
      </div>
      <TagEditor
        tags={tags.filter((t) => !t.key.startsWith("mlflow."))}
        onSet={(key, value) => api.post("/runs/set-tag", { run_id: info.run_id, key, value })}
        onDelete={(key) => api.post("/runs/delete-tag", { run_id: info.run_id, key })}
        onChanged={onChanged}
      />
    </div>
  );
}

function Detail({ label, value }: { label: string; value: ComponentChildren }) {
  return (
    <tr>
      <th>{label}</th>
      <td>{value}</td>
    </tr>
  );
}

function ChildRuns({ run }: { run: Run }) {
  const res = useAsync(
    () =>
      api.post<{ runs?: Run[] }>("/runs/search", {
        experiment_ids: [run.info.experiment_id],
        filter: `tags.\`${PARENT_TAG}\` = '${run.info.run_id}'`,
        max_results: 100,
      }),
    [run.info.run_id],
  );
  // Child runs are a convenience: when search is unavailable the overview still works.
  const children = res.data?.runs ?? [];
  if (children.length === 0) return null;
  return (
    <div class="child-runs">
      <strong>Child runs</strong>{" "}
      {children.map((c) => (
        <a key={c.info.run_id} class="chip" href={href(`/experiments/${c.info.experiment_id}/runs/${c.info.run_id}`)}>
          {runName(c)}
        </a>
      ))}
    </div>
  );
}

function ModelVersions({ run }: { run: Run }) {
  const res = useAsync(
    () => api.get<{ model_versions?: ModelVersion[] }>("/model-versions/search", { filter: `run_id = '${run.info.run_id}'`, max_results: 100 }),
    [run.info.run_id],
  );
  // Like child runs: optional context, so a registry error does not block the overview.
  const versions = res.data?.model_versions ?? [];
  if (versions.length === 0) return null;
  return (
    <div class="child-runs" data-testid="model-versions">
      <strong>Registered models</strong>{" "}
      {versions.map((v) => (
        <a key={`${v.name}/${v.version}`} class="chip" href={href(`/models/${v.name}/versions/${v.version}`)}>
          {v.name} v{v.version}
        </a>
      ))}
    </div>
  );
}

function Datasets({ run }: { run: Run }) {
  const inputs = run.inputs?.dataset_inputs ?? [];
  if (inputs.length === 0) return null;
  return (
    <div class="child-runs">
      <strong>Datasets</strong>{" "}
      {inputs.map((d, i) => (
        <span key={i} class="chip" title={`digest ${d.dataset.digest}`}>
          {d.dataset.name} ({tagValue(d.tags, "mlflow.data.context") ?? d.dataset.digest.slice(0, 8)})
        </span>
      ))}
    </div>
  );
}

interface KvRow {
  key: string;
  value: string;
  /** The value as the server sent it, for full precision on hover and copy. */
  exact?: number | string;
  link?: string;
}

function KeyValueTable({ title, rows, testId }: { title: string; rows: KvRow[]; testId: string }) {
  const [search, setSearch] = useState("");
  const shown = rows.filter((r) => r.key.toLowerCase().includes(search.toLowerCase())).sort((a, b) => a.key.localeCompare(b.key));
  return (
    <section class="card" data-testid={testId}>
      <div class="card-head">
        <h2>
          {title} <span class="muted">({rows.length})</span>
        </h2>
        {rows.length > 8 && <input type="search" placeholder="Search" aria-label={`Search ${title.toLowerCase()}`} value={search} onInput={(e) => setSearch(e.currentTarget.value)} />}
      </div>
      {rows.length === 0 ? (
        <p class="muted">None logged.</p>
      ) : (
        <table class="table compact">
          <tbody>
            {shown.map((r) => (
              <tr key={r.key}>
                <th class="mono">{r.link ? <a href={r.link}>{r.key}</a> : r.key}</th>
                <td class="mono break">{r.exact !== undefined ? <ExactValue value={r.exact} shown={r.value} /> : r.value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Logged models this run produced (outputs) or used (inputs), with links to their pages. */
function LoggedModels({ run }: { run: Run }) {
  const ids = [...new Set([...(run.outputs?.model_outputs ?? []).map((o) => o.model_id), ...(run.inputs?.model_inputs ?? []).map((i) => i.model_id)])];
  const res = useAsync(
    () => Promise.all(ids.map((id) => api.get<{ model: LoggedModel }>(`/logged-models/${encodeURIComponent(id)}`).then((r) => r.model, () => undefined))),
    [ids.join(",")],
  );
  if (ids.length === 0) return null;
  return (
    <div class="child-runs" data-testid="logged-models">
      <strong>Logged models</strong>{" "}
      {ids.map((id, i) => {
        const m = res.data?.[i];
        return (
          <a key={id} class="chip" href={href(`/experiments/${m?.info.experiment_id ?? run.info.experiment_id}/models/${id}`)}>
            {m?.info.name ?? id}
          </a>
        );
      })}
    </div>
  );
}

/** Prompts the run used: MLflow records them in the run tag mlflow.linkedPrompts (JSON). */
function Prompts({ run }: { run: Run }) {
  const raw = tagValue(run.data?.tags, "mlflow.linkedPrompts");
  let prompts: { name: string; version: string }[] = [];
  try {
    prompts = raw ? (JSON.parse(raw) as { name: string; version: string | number }[]).map((p) => ({ name: p.name, version: String(p.version) })) : [];
  } catch {
    prompts = [];
  }
  if (prompts.length === 0) return null;
  return (
    <div class="child-runs" data-testid="prompts">
      <strong>Prompts</strong>{" "}
      {prompts.map((p) => (
        <a key={`${p.name}/${p.version}`} class="chip" href={href(`/models/${p.name}/versions/${p.version}`)}>
          {p.name} v{p.version}
        </a>
      ))}
    </div>
  );
}
