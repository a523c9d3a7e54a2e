/**
 * Model registry: the registered models list (search, create), one model (description, tags,
 * aliases, versions, compare, delete) and one version (description, tags, aliases, stage, source
 * run and logged model, signature, delete), plus the comparison of versions.
 */
import { useState } from "preact/hooks";
import { api, isNotFound } from "../api";
import { ConfirmDialog, DescriptionEditor, displayUser, ErrorBox, Modal, NotFound, Spinner, TagEditor } from "../components/common";
import { Signature, useMlModel } from "../components/mlmodel-view";
import { useAction, useAsync } from "../hooks";
import { formatRelative, formatTime, formatValue } from "../format";
import { href, navigate, route, setQuery } from "../router";
import { runName } from "../runs-model";
import type { ModelVersion, RegisteredModel, Run } from "../types";

const quote = (s: string) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
const STAGES = ["None", "Staging", "Production", "Archived"];

export default function ModelsPage({ name, version, compare }: { name?: string | undefined; version?: string | undefined; compare?: boolean }) {
  if (compare) return <CompareVersions />;
  if (name && version) return <VersionPage name={name} version={version} />;
  if (name) return <ModelPage name={name} />;
  return <ModelList />;
}

function ModelList() {
  const search = route.value.query.get("q") ?? "";
  const [draft, setDraft] = useState(search);
  const [creating, setCreating] = useState(false);
  const res = useAsync(
    () =>
      api.get<{ registered_models?: RegisteredModel[]; next_page_token?: string }>("/registered-models/search", {
        max_results: 100,
        filter: search ? `name ILIKE ${quote(`%${search}%`)}` : undefined,
      }),
    [search],
  );
  const models = res.data?.registered_models ?? [];
  return (
    <div class="page">
      <div class="page-head">
        <h1>Registered models</h1>
        <button type="button" class="primary" onClick={() => setCreating(true)}>
          Create model
        </button>
      </div>
      {creating && <CreateModelDialog onClose={() => setCreating(false)} />}
      <form
        class="toolbar"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery({ q: draft.trim() || undefined });
        }}
      >
        <input type="search" class="grow" aria-label="Search models" placeholder="Search models by name" value={draft} onInput={(e) => setDraft(e.currentTarget.value)} />
        <button type="submit">Search</button>
      </form>
      <ErrorBox error={res.error} title="Could not load registered models." />
      {res.loading && <Spinner />}
      {!res.loading && !res.error && models.length === 0 && <p class="empty">No registered models.</p>}
      {models.length > 0 && (
        <table class="table models-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Latest version</th>
              <th>Aliases</th>
              <th>Tags</th>
              <th>Last modified</th>
              <th>Description</th>
            </tr>
          </thead>
          <tbody>
            {models.map((m) => (
              <tr key={m.name}>
                <td>
                  <a href={href(`/models/${m.name}`)}>{m.name}</a>
                </td>
                <td>{latest(m)}</td>
                <td>
                  {(m.aliases ?? []).map((a) => (
                    <span key={a.alias} class="chip">
                      @{a.alias} → v{a.version}
                    </span>
                  ))}
                </td>
                <td>
                  {(m.tags ?? []).map((t) => (
                    <span key={t.key} class="chip small-text">
                      {t.key}: {t.value}
                    </span>
                  ))}
                </td>
                <td title={formatTime(m.last_updated_timestamp)}>{formatRelative(m.last_updated_timestamp)}</td>
                <td class="muted clip">{(m.description ?? "").split("\n")[0]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function CreateModelDialog({ onClose }: { onClose: () => void }) {
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const action = useAction(() => navigate(`/models/${name.trim()}`));
  return (
    <Modal title="Create registered model" onClose={onClose}>
      <form class="form" onSubmit={action.submit(() => api.post("/registered-models/create", { name: name.trim(), description: description || undefined }))}>
        <label>
          Name
          <input name="name" required autoFocus value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label>
          Description <span class="muted">(markdown, optional)</span>
          <textarea name="description" rows={3} value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
        </label>
        <ErrorBox error={action.error} />
        <div class="form-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={action.busy || !name.trim()}>
            Create
          </button>
        </div>
      </form>
    </Modal>
  );
}

function latest(m: RegisteredModel): string {
  const versions = (m.latest_versions ?? []).map((v) => Number(v.version)).filter(Number.isFinite);
  return versions.length ? `v${Math.max(...versions)}` : "—";
}

/** A version's aliases from the model's alias list (version search results do not carry them). */
export function aliasesByVersion(model: RegisteredModel | undefined): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const a of model?.aliases ?? []) out.set(String(a.version), [...(out.get(String(a.version)) ?? []), a.alias]);
  return out;
}

/** Add or move an alias (pointing it at another version moves it), or remove one. */
function AliasEditor({ name, aliases, defaultVersion, onChanged }: { name: string; aliases: { alias: string; version: string }[]; defaultVersion?: string; onChanged: () => void }) {
  const [alias, setAlias] = useState("");
  const [version, setVersion] = useState(defaultVersion ?? "");
  const action = useAction(() => {
    setAlias("");
    onChanged();
  });
  return (
    <div class="alias-editor" data-testid="aliases">
      <div class="tag-list">
        {aliases.map((a) => (
          <span key={a.alias} class="chip alias-chip">
            @{a.alias} → <a href={href(`/models/${name}/versions/${a.version}`)}>v{a.version}</a>
            <button type="button" class="chip-x" aria-label={`Remove alias ${a.alias}`} onClick={() => action.run(() => api.del("/registered-models/alias", { name, alias: a.alias }))}>
              ×
            </button>
          </span>
        ))}
        {aliases.length === 0 && <span class="muted small-text">No aliases.</span>}
      </div>
      <form class="row" onSubmit={action.submit(() => api.post("/registered-models/alias", { name, alias: alias.trim(), version: version.trim() }))}>
        <input placeholder="alias" aria-label="Alias" value={alias} onInput={(e) => setAlias(e.currentTarget.value)} />
        {defaultVersion === undefined && <input placeholder="version" aria-label="Version" value={version} onInput={(e) => setVersion(e.currentTarget.value)} />}
        <button type="submit" disabled={action.busy || !alias.trim() || !version.trim()}>
          Set alias
        </button>
      </form>
      <ErrorBox error={action.error} />
    </div>
  );
}

function ModelPage({ name }: { name: string }) {
  const model = useAsync(() => api.get<{ registered_model: RegisteredModel }>("/registered-models/get", { name }), [name]);
  const versions = useAsync(() => api.get<{ model_versions?: ModelVersion[] }>("/model-versions/search", { filter: `name=${quote(name)}`, max_results: 1000 }), [name]);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [deleting, setDeleting] = useState(false);
  const reload = () => {
    model.reload();
    versions.reload();
  };
  if (model.error && isNotFound(model.error)) return <NotFound what="Registered model" error={model.error} back={{ href: "#/models", label: "Back to models" }} />;
  const m = model.data?.registered_model;
  const list = [...(versions.data?.model_versions ?? [])].sort((a, b) => Number(b.version) - Number(a.version));
  const aliasMap = aliasesByVersion(m);
  return (
    <div class="page">
      <div class="crumbs">
        <a href="#/models">Models</a> / <span>{name}</span>
      </div>
      <div class="page-head">
        <h1>{name}</h1>
        <span class="grow" />
        {m && (
          <button type="button" class="danger small" onClick={() => setDeleting(true)}>
            Delete model
          </button>
        )}
      </div>
      {deleting && (
        <ConfirmDialog title={`Delete ${name}?`} confirm="Delete model" onClose={() => setDeleting(false)} onConfirm={() => api.del("/registered-models/delete", { name })} onDone={() => navigate("/models")}>
          This deletes the registered model and its {list.length} version{list.length === 1 ? "" : "s"}. Runs and logged models stay.
        </ConfirmDialog>
      )}
      <ErrorBox error={model.error} title="Could not load the model." />
      {!m && model.loading && <Spinner />}
      {m && (
        <>
          <section class="card">
            <div class="card-head">
              <h2>Description</h2>
            </div>
            <DescriptionEditor label="Model description" value={m.description ?? ""} onSave={(description) => api.patch("/registered-models/update", { name, description })} onSaved={reload} />
            <h3 class="subhead">Aliases</h3>
            <AliasEditor name={name} aliases={m.aliases ?? []} onChanged={reload} />
          </section>
          <TagEditor
            tags={m.tags ?? []}
            onSet={(key, value) => api.post("/registered-models/set-tag", { name, key, value })}
            onDelete={(key) => api.del("/registered-models/delete-tag", { name, key })}
            onChanged={reload}
          />
          <div class="row section-title">
            <h2>Versions</h2>
            <span class="grow" />
            <button
              type="button"
              disabled={picked.size < 2}
              onClick={() => navigate("/compare-model-versions", { name, versions: [...picked].sort((a, b) => Number(a) - Number(b)).join(",") })}
            >
              Compare {picked.size > 1 ? picked.size : ""} versions
            </button>
          </div>
          <ErrorBox error={versions.error} title="Could not load versions." />
          {versions.loading && !versions.data && <Spinner />}
          {versions.data && list.length === 0 && <p class="muted">No versions yet. Register one from a run's artifacts or a logged model.</p>}
          {list.length > 0 && (
            <table class="table versions-table">
              <thead>
                <tr>
                  <th>
                    <span class="visually-hidden">Select</span>
                  </th>
                  <th>Version</th>
                  <th>Registered</th>
                  <th>Created by</th>
                  <th>Aliases</th>
                  <th>Stage</th>
                  <th>Tags</th>
                  <th>Source run</th>
                </tr>
              </thead>
              <tbody>
                {list.map((v) => (
                  <tr key={v.version} data-version={v.version}>
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`Select version ${v.version}`}
                        checked={picked.has(v.version)}
                        onChange={() => {
                          const next = new Set(picked);
                          if (next.has(v.version)) next.delete(v.version);
                          else next.add(v.version);
                          setPicked(next);
                        }}
                      />
                    </td>
                    <td>
                      <a href={href(`/models/${name}/versions/${v.version}`)}>v{v.version}</a>
                    </td>
                    <td title={formatTime(v.creation_timestamp)}>{formatRelative(v.creation_timestamp)}</td>
                    <td>{displayUser(v.user_id)}</td>
                    <td class="aliases-cell">
                      {[...new Set([...(aliasMap.get(String(v.version)) ?? []), ...(v.aliases ?? [])])].map((a) => (
                        <span key={a} class="chip">
                          @{a}
                        </span>
                      ))}
                    </td>
                    <td>{v.current_stage ?? "None"}</td>
                    <td>
                      {(v.tags ?? []).map((t) => (
                        <span key={t.key} class="chip small-text">
                          {t.key}: {t.value}
                        </span>
                      ))}
                    </td>
                    <td>{v.run_id ? <a href={href(`/runs/${v.run_id}`)} class="mono">{v.run_id.slice(0, 12)}</a> : "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </div>
  );
}

/** A logged model id from a version: its model_id, or a `models:/m-…` source. */
export function loggedModelOf(v: ModelVersion): string | undefined {
  if (v.model_id) return v.model_id;
  const m = /^models:\/(m-[0-9a-f]+)/.exec(v.source ?? "");
  return m?.[1];
}

function VersionPage({ name, version }: { name: string; version: string }) {
  const res = useAsync(() => api.get<{ model_version: ModelVersion }>("/model-versions/get", { name, version }), [name, version]);
  const model = useAsync(() => api.get<{ registered_model: RegisteredModel }>("/registered-models/get", { name }), [name]);
  const run = useAsync(() => {
    const id = res.data?.model_version.run_id;
    return id ? api.get<{ run: Run }>("/runs/get", { run_id: id }).then((r) => r.run) : Promise.resolve(undefined);
  }, [res.data?.model_version.run_id]);
  const mlmodel = useAsync(async () => {
    const r = await fetch(`/model-versions/get-artifact?${new URLSearchParams({ name, version, path: "MLmodel" })}`);
    return r.ok ? r.text() : undefined;
  }, [name, version]);
  const signature = useMlModel(mlmodel.data);
  const [deleting, setDeleting] = useState(false);
  const stage = useAction(res.reload);
  const [archiveOthers, setArchiveOthers] = useState(false);
  const reload = () => {
    res.reload();
    model.reload();
  };
  if (res.error && isNotFound(res.error)) return <NotFound what="Model version" error={res.error} back={{ href: href(`/models/${name}`), label: `Back to ${name}` }} />;
  const v = res.data?.model_version;
  const loggedModel = v ? loggedModelOf(v) : undefined;
  const aliases = (model.data?.registered_model.aliases ?? []).filter((a) => String(a.version) === version);
  return (
    <div class="page">
      <div class="crumbs">
        <a href="#/models">Models</a> / <a href={href(`/models/${name}`)}>{name}</a> / <span>v{version}</span>
      </div>
      <div class="page-head">
        <h1>
          {name} v{version}
        </h1>
        <span class="grow" />
        {v && (
          <button type="button" class="danger small" onClick={() => setDeleting(true)}>
            Delete version
          </button>
        )}
      </div>
      {deleting && (
        <ConfirmDialog
          title={`Delete ${name} v${version}?`}
          confirm="Delete version"
          onClose={() => setDeleting(false)}
          onConfirm={() => api.del("/model-versions/delete", { name, version })}
          onDone={() => navigate(`/models/${name}`)}
        >
          The version and its aliases are removed from the registry. The source run and its artifacts stay.
        </ConfirmDialog>
      )}
      <ErrorBox error={res.error} title="Could not load the model version." />
      {res.loading && !v && <Spinner />}
      {v && (
        <>
          <section class="card">
            <table class="details">
              <tbody>
                <tr>
                  <th>Registered</th>
                  <td>{formatTime(v.creation_timestamp)}</td>
                </tr>
                <tr>
                  <th>Created by</th>
                  <td>{displayUser(v.user_id)}</td>
                </tr>
                <tr>
                  <th>Status</th>
                  <td>{(v.status ?? "").toLowerCase() || "—"}</td>
                </tr>
                <tr>
                  <th>Stage</th>
                  <td>
                    <form class="row inline" onSubmit={(e) => e.preventDefault()}>
                      <select
                        aria-label="Stage"
                        value={v.current_stage ?? "None"}
                        disabled={stage.busy}
                        onChange={(e) => {
                          const target = e.currentTarget.value;
                          void stage.run(() => api.post("/model-versions/transition-stage", { name, version, stage: target, archive_existing_versions: archiveOthers }));
                        }}
                      >
                        {STAGES.map((s) => (
                          <option key={s} value={s}>
                            {s}
                          </option>
                        ))}
                      </select>
                      <label class="check small-text">
                        <input type="checkbox" checked={archiveOthers} onChange={() => setArchiveOthers(!archiveOthers)} /> archive other versions in that stage
                      </label>
                    </form>
                    <ErrorBox error={stage.error} />
                  </td>
                </tr>
                <tr>
                  <th>Source run</th>
                  <td data-testid="version-source-run">
                    {v.run_id ? <a href={href(`/runs/${v.run_id}`)}>{run.data ? runName(run.data) : v.run_id}</a> : "—"}
                  </td>
                </tr>
                <tr>
                  <th>Logged model</th>
                  <td data-testid="version-logged-model">
                    {loggedModel ? (
                      <a href={href(`/experiments/${run.data?.info.experiment_id ?? "0"}/models/${loggedModel}`)} class="mono">
                        {loggedModel}
                      </a>
                    ) : (
                      "—"
                    )}
                  </td>
                </tr>
                <tr>
                  <th>Source</th>
                  <td class="mono small-text break">{v.source ?? "—"}</td>
                </tr>
              </tbody>
            </table>
          </section>
          <section class="card">
            <div class="card-head">
              <h2>Description</h2>
            </div>
            <DescriptionEditor label="Version description" value={v.description ?? ""} onSave={(description) => api.patch("/model-versions/update", { name, version, description })} onSaved={reload} />
            <h3 class="subhead">Aliases</h3>
            <AliasEditor name={name} aliases={aliases} defaultVersion={version} onChanged={reload} />
          </section>
          <TagEditor
            tags={v.tags ?? []}
            onSet={(key, value) => api.post("/model-versions/set-tag", { name, version, key, value })}
            onDelete={(key) => api.del("/model-versions/delete-tag", { name, version, key })}
            onChanged={reload}
          />
          <section class="card">
            <div class="card-head">
              <h2>Signature</h2>
            </div>
            {mlmodel.loading ? <Spinner /> : signature.model ? <Signature model={signature.model} /> : <p class="muted">No MLmodel file at this version's source.</p>}
          </section>
        </>
      )}
    </div>
  );
}

/** Versions side by side: registry fields, then their source runs' params and metrics. */
function CompareVersions() {
  const q = route.value.query;
  const name = q.get("name") ?? "";
  // MLflow's own URL carries runs={"1":"<run>", …}; ours versions=1,2.
  let versions = (q.get("versions") ?? "").split(",").filter(Boolean);
  if (versions.length === 0 && q.get("runs")) {
    try {
      versions = Object.keys(JSON.parse(q.get("runs")!) as Record<string, string>);
    } catch {
      versions = [];
    }
  }
  const res = useAsync(async () => {
    const mvs = await Promise.all(versions.map((version) => api.get<{ model_version: ModelVersion }>("/model-versions/get", { name, version }).then((r) => r.model_version)));
    const runs = await Promise.all(mvs.map((v) => (v.run_id ? api.get<{ run: Run }>("/runs/get", { run_id: v.run_id }).then((r) => r.run, () => undefined) : Promise.resolve(undefined))));
    return { mvs, runs };
  }, [name, versions.join(",")]);
  const rows: { section: string; key: string; values: string[] }[] = [];
  if (res.data) {
    const { mvs, runs } = res.data;
    const add = (section: string, key: string, f: (i: number) => string) => rows.push({ section, key, values: mvs.map((_, i) => f(i)) });
    add("Version", "Stage", (i) => mvs[i]!.current_stage ?? "None");
    add("Version", "Registered", (i) => formatTime(mvs[i]!.creation_timestamp));
    add("Version", "Source run", (i) => (runs[i] ? runName(runs[i]!) : mvs[i]!.run_id ?? "—"));
    const keys = (pick: (r: Run) => { key: string; value: string }[]) => [...new Set(runs.flatMap((r) => (r ? pick(r).map((x) => x.key) : [])))].sort();
    const params = (r: Run) => r.data?.params ?? [];
    const metrics = (r: Run) => (r.data?.metrics ?? []).map((m) => ({ key: m.key, value: formatValue(m.value) }));
    for (const k of keys(params)) add("Parameters", k, (i) => (runs[i] ? params(runs[i]!).find((x) => x.key === k)?.value ?? "" : ""));
    for (const k of keys(metrics)) add("Metrics", k, (i) => (runs[i] ? metrics(runs[i]!).find((x) => x.key === k)?.value ?? "" : ""));
  }
  let last = "";
  return (
    <div class="page">
      <div class="crumbs">
        <a href="#/models">Models</a> / <a href={href(`/models/${name}`)}>{name}</a> / <span>Compare</span>
      </div>
      <div class="page-head">
        <h1>
          Comparing {versions.length} versions of {name}
        </h1>
      </div>
      <ErrorBox error={res.error} title="Could not load the versions." />
      {res.loading && <Spinner />}
      {res.data && (
        <div class="compare-wrap card">
          <table class="table compare-table" data-testid="compare-versions">
            <thead>
              <tr>
                <th class="sticky-col">Version</th>
                {res.data.mvs.map((v) => (
                  <th key={v.version}>
                    <a href={href(`/models/${name}/versions/${v.version}`)}>v{v.version}</a>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => {
                const head = row.section !== last;
                last = row.section;
                return (
                  <>
                    {head && (
                      <tr class="section-row" key={`s:${row.section}`}>
                        <th colSpan={versions.length + 1}>{row.section}</th>
                      </tr>
                    )}
                    <tr key={`${row.section}:${row.key}`} class={new Set(row.values).size > 1 ? "differs" : ""}>
                      <th class="sticky-col mono">{row.key}</th>
                      {row.values.map((v, i) => (
                        <td key={i} class="mono">
                          {v}
                        </td>
                      ))}
                    </tr>
                  </>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
