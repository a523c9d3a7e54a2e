/**
 * One MLmodel 3 logged model: details, metrics (per dataset), params, editable tags, the source
 * run and the registered versions made from it, its signature, and its artifacts (MLmodel
 * included) in the artifact browser. "Register model" creates a registry version from it.
 */
import { useState } from "preact/hooks";
import { api, isNotFound } from "../api";
import { ErrorBox, ExactValue, lazy, NotFound, Spinner, StatusBadge, TagEditor } from "../components/common";
import { RegisterModelDialog } from "../components/register-model";
import { Signature, useMlModel } from "../components/mlmodel-view";
import { useAsync } from "../hooks";
import { formatTime, formatValue } from "../format";
import { href } from "../router";
import { runName } from "../runs-model";
import type { LoggedModel, Run } from "../types";
import { registrationsOf } from "./logged-models";

const ArtifactBrowser = lazy(() => import("../components/artifacts"));

interface Props {
  experimentId: string;
  modelId: string;
  tab: string;
  rest: string[];
}

export default function LoggedModelPage({ experimentId, modelId, tab, rest }: Props) {
  const res = useAsync(() => api.get<{ model: LoggedModel }>(`/logged-models/${encodeURIComponent(modelId)}`), [modelId]);
  const [registering, setRegistering] = useState(false);
  const m = res.data?.model;
  if (res.error && isNotFound(res.error)) return <NotFound what="Logged model" error={res.error} back={{ href: href(`/experiments/${experimentId}/models`), label: "Back to the experiment's models" }} />;
  if (!m) return <div class="page">{res.error ? <ErrorBox error={res.error} title="Could not load the model." /> : <Spinner />}</div>;
  const base = `/experiments/${experimentId}/models/${modelId}`;
  const active = tab === "artifacts" ? "artifacts" : "overview";
  return (
    <div class="page logged-model-page">
      <div class="crumbs">
        <a href="#/experiments">Experiments</a> / <a href={href(`/experiments/${experimentId}`)}>Experiment {experimentId}</a> /{" "}
        <a href={href(`/experiments/${experimentId}/models`)}>Models</a> / <span>{m.info.name}</span>
      </div>
      <div class="page-head">
        <h1>{m.info.name}</h1>
        <StatusBadge status={(m.info.status ?? "").replace("LOGGED_MODEL_", "")} />
        <span class="grow" />
        <button type="button" class="primary small" onClick={() => setRegistering(true)}>
          Register model
        </button>
      </div>
      {registering && (
        <RegisterModelDialog
          source={`models:/${m.info.model_id}`}
          runId={m.info.source_run_id}
          modelId={m.info.model_id}
          onClose={() => setRegistering(false)}
          onDone={res.reload}
        />
      )}
      <nav class="tabs" aria-label="Model views">
        <a href={href(base)} class={active === "overview" ? "active" : ""} aria-current={active === "overview" ? "page" : undefined}>
          Overview
        </a>
        <a href={href(`${base}/artifacts`)} class={active === "artifacts" ? "active" : ""} aria-current={active === "artifacts" ? "page" : undefined}>
          Artifacts
        </a>
      </nav>
      {active === "overview" ? (
        <Overview model={m} onChanged={res.reload} />
      ) : (
        <ArtifactBrowser source={{ kind: "logged-model", modelId }} basePath={`${base}/artifacts`} selectedPath={rest.join("/")} />
      )}
    </div>
  );
}

function Overview({ model: m, onChanged }: { model: LoggedModel; onChanged: () => void }) {
  const run = useAsync(
    () => (m.info.source_run_id ? api.get<{ run: Run }>("/runs/get", { run_id: m.info.source_run_id }).then((r) => r.run) : Promise.resolve(undefined)),
    [m.info.source_run_id],
  );
  const mlmodelText = useAsync(async () => {
    const r = await fetch(`/ajax-api/2.0/mlflow/logged-models/${encodeURIComponent(m.info.model_id)}/artifacts/files?artifact_file_path=MLmodel`);
    return r.ok ? r.text() : undefined;
  }, [m.info.model_id]);
  const signature = useMlModel(mlmodelText.data);
  const registrations = useAsync(() => registrationsOf([m]).then((r) => r.get(m.info.model_id) ?? []), [m.info.model_id]);
  const regs = registrations.data ?? m.info.registrations ?? [];
  const metrics = [...(m.data?.metrics ?? [])].sort((a, b) => a.key.localeCompare(b.key) || (a.dataset_name ?? "").localeCompare(b.dataset_name ?? ""));
  return (
    <div class="overview">
      <section class="card">
        <table class="details">
          <tbody>
            <tr>
              <th>Model ID</th>
              <td class="mono">{m.info.model_id}</td>
            </tr>
            <tr>
              <th>Created</th>
              <td>{formatTime(m.info.creation_timestamp_ms)}</td>
            </tr>
            <tr>
              <th>Last updated</th>
              <td>{formatTime(m.info.last_updated_timestamp_ms)}</td>
            </tr>
            <tr>
              <th>Model type</th>
              <td>{m.info.model_type || "—"}</td>
            </tr>
            <tr>
              <th>Source run</th>
              <td data-testid="source-run">
                {m.info.source_run_id ? (
                  <a href={href(`/experiments/${m.info.experiment_id}/runs/${m.info.source_run_id}`)}>{run.data ? runName(run.data) : m.info.source_run_id}</a>
                ) : (
                  "—"
                )}
              </td>
            </tr>
            <tr>
              <th>Registered versions</th>
              <td data-testid="registrations">
                {regs.length === 0
                  ? "—"
                  : regs.map((r) => (
                      <a key={`${r.name}/${r.version}`} class="chip" href={href(`/models/${r.name}/versions/${r.version}`)}>
                        {r.name} v{r.version}
                      </a>
                    ))}
              </td>
            </tr>
            <tr>
              <th>Artifact location</th>
              <td class="mono small-text">{m.info.artifact_uri ?? "—"}</td>
            </tr>
          </tbody>
        </table>
      </section>
      <div class="two-col">
        <section class="card" data-testid="model-metrics">
          <div class="card-head">
            <h2>
              Metrics <span class="muted">({metrics.length})</span>
            </h2>
          </div>
          {metrics.length === 0 ? (
            <p class="muted">None logged.</p>
          ) : (
            <table class="table compact">
              <thead>
                <tr>
                  <th>Metric</th>
                  <th>Dataset</th>
                  <th>Step</th>
                  <th>Value</th>
                </tr>
              </thead>
              <tbody>
                {metrics.map((x, i) => (
                  <tr key={i}>
                    <th class="mono">{x.key}</th>
                    <td>{x.dataset_name ?? "—"}</td>
                    <td class="mono">{String(x.step ?? 0)}</td>
                    <td>
                      <ExactValue value={x.value} shown={formatValue(x.value)} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <section class="card" data-testid="model-params">
          <div class="card-head">
            <h2>
              Parameters <span class="muted">({m.data?.params?.length ?? 0})</span>
            </h2>
          </div>
          {(m.data?.params ?? []).length === 0 ? (
            <p class="muted">None logged.</p>
          ) : (
            <table class="table compact">
              <tbody>
                {[...(m.data?.params ?? [])]
                  .sort((a, b) => a.key.localeCompare(b.key))
                  .map((p) => (
                    <tr key={p.key}>
                      <th class="mono">{p.key}</th>
                      <td class="mono break">{p.value}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          )}
        </section>
      </div>
      <section class="card">
        <div class="card-head">
          <h2>Signature</h2>
        </div>
        {mlmodelText.loading ? <Spinner /> : signature.model ? <Signature model={signature.model} /> : <p class="muted">No MLmodel file found in the model's artifacts.</p>}
      </section>
      <TagEditor
        tags={(m.info.tags ?? []).filter((t) => !t.key.startsWith("mlflow."))}
        onSet={(key, value) => api.patch(`/logged-models/${encodeURIComponent(m.info.model_id)}/tags`, { tags: [{ key, value }] })}
        onDelete={(key) => api.del(`/logged-models/${encodeURIComponent(m.info.model_id)}/tags/${encodeURIComponent(key)}`)}
        onChanged={onChanged}
      />
    </div>
  );
}
