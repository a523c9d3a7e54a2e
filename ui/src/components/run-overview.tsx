/** Run overview: details, editable description and tags, searchable params and metrics tables. */
import { useState } from "preact/hooks";
import { api } from "../api";
import { formatDuration, formatTime, formatValue } from "../format";
import { href } from "../router";
import { runName } from "../runs-model";
import { NOTE_TAG, PARENT_TAG, tagValue, type ModelVersion, type Run } from "../types";
import { ErrorBox, useAsync } from "./common";

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
      <Description run={run} onChanged={onChanged} />
      <section class="card">
        <table class="details">
          <tbody>
            <Detail label="Run ID" value={<span class="mono">{info.run_id}</span>} />
            <Detail label="Experiment ID" value={<a href={href(`/experiments/${info.experiment_id}`)}>{info.experiment_id}</a>} />
            <Detail label="Status" value={(info.status ?? "").toLowerCase()} />
            <Detail label="Created" value={formatTime(info.start_time)} />
            <Detail label="Ended" value={formatTime(info.end_time)} />
            <Detail label="Duration" value={formatDuration(info.start_time, info.end_time)} />
            <Detail label="User" value={info.user_id || tagValue(tags, "mlflow.user") || "—"} />
            <Detail label="Source" value={source ? <span class="mono">{source}{commit ? ` @ ${commit.slice(0, 10)}` : ""}</span> : "—"} />
            {parent && <Detail label="Parent run" value={<a href={href(`/runs/${parent}`)} class="mono">{parent}</a>} />}
            <Detail label="Artifact URI" value={<span class="mono small-text">{info.artifact_uri ?? "—"}</span>} />
          </tbody>
        </table>
        <ChildRuns run={run} />
        <ModelVersions run={run} />
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
            link: href(`${base}/model-metrics`, { metrics: m.key }),
          }))}
          testId="metrics"
        />
      </div>
      <TagEditor run={run} onChanged={onChanged} />
    </div>
  );
}

function Detail({ label, value }: { label: string; value: preact.ComponentChildren }) {
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

function Description({ run, onChanged }: { run: Run; onChanged: () => void }) {
  const current = tagValue(run.data?.tags, NOTE_TAG) ?? "";
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(current);
  const [error, setError] = useState<unknown>();
  const save = async () => {
    setError(undefined);
    try {
      await api.post("/runs/set-tag", { run_id: run.info.run_id, key: NOTE_TAG, value: draft });
      setEditing(false);
      onChanged();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section class="card">
      <div class="card-head">
        <h2>Description</h2>
        {!editing && (
          <button
            type="button"
            class="small"
            onClick={() => {
              setDraft(current);
              setEditing(true);
            }}
          >
            Edit
          </button>
        )}
      </div>
      {editing ? (
        <div class="form">
          <textarea aria-label="Description" rows={5} value={draft} onInput={(e) => setDraft(e.currentTarget.value)} />
          <ErrorBox error={error} />
          <div class="form-actions">
            <button type="button" onClick={() => setEditing(false)}>
              Cancel
            </button>
            <button type="button" class="primary" onClick={save}>
              Save
            </button>
          </div>
        </div>
      ) : (
        <p class={`description${current ? "" : " muted"}`} data-testid="description">
          {current || "No description."}
        </p>
      )}
    </section>
  );
}

interface KvRow {
  key: string;
  value: string;
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
        {rows.length > 8 && <input type="search" placeholder="Search" value={search} onInput={(e) => setSearch(e.currentTarget.value)} />}
      </div>
      {rows.length === 0 ? (
        <p class="muted">None logged.</p>
      ) : (
        <table class="table compact">
          <tbody>
            {shown.map((r) => (
              <tr key={r.key}>
                <th class="mono">{r.link ? <a href={r.link}>{r.key}</a> : r.key}</th>
                <td class="mono break">{r.value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function TagEditor({ run, onChanged }: { run: Run; onChanged: () => void }) {
  const tags = (run.data?.tags ?? []).filter((t) => !t.key.startsWith("mlflow.")).sort((a, b) => a.key.localeCompare(b.key));
  const [key, setKey] = useState("");
  const [value, setValue] = useState("");
  const [error, setError] = useState<unknown>();
  const act = async (fn: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await fn();
      onChanged();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section class="card" data-testid="tags">
      <div class="card-head">
        <h2>
          Tags <span class="muted">({tags.length})</span>
        </h2>
      </div>
      <div class="tag-list">
        {tags.map((t) => (
          <span key={t.key} class="chip">
            <span class="mono">{t.key}</span>
            {t.value && <span class="muted">: {t.value}</span>}
            <button
              type="button"
              class="chip-x"
              aria-label={`Remove tag ${t.key}`}
              onClick={() => act(() => api.post("/runs/delete-tag", { run_id: run.info.run_id, key: t.key }))}
            >
              ×
            </button>
          </span>
        ))}
      </div>
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (!key.trim()) return;
          void act(async () => {
            await api.post("/runs/set-tag", { run_id: run.info.run_id, key: key.trim(), value });
            setKey("");
            setValue("");
          });
        }}
      >
        <input placeholder="key" aria-label="Tag key" value={key} onInput={(e) => setKey(e.currentTarget.value)} />
        <input placeholder="value" aria-label="Tag value" class="grow" value={value} onInput={(e) => setValue(e.currentTarget.value)} />
        <button type="submit">Add / update tag</button>
      </form>
      <ErrorBox error={error} />
    </section>
  );
}
