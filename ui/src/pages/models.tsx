/** Model registry: registered models, one model's versions and aliases, and a version's details. */
import { useState } from "preact/hooks";
import { api } from "../api";
import { ErrorBox, Spinner, useAsync } from "../components/common";
import { formatRelative, formatTime } from "../format";
import { href, route, setQuery } from "../router";
import type { ModelVersion, RegisteredModel } from "../types";

const quote = (s: string) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

export default function ModelsPage({ name, version }: { name?: string; version?: string }) {
  if (name && version) return <VersionPage name={name} version={version} />;
  if (name) return <ModelPage name={name} />;
  return <ModelList />;
}

function ModelList() {
  const search = route.value.query.get("q") ?? "";
  const [draft, setDraft] = useState(search);
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
      </div>
      <form
        class="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery({ q: draft.trim() || undefined });
        }}
      >
        <input type="search" class="grow" placeholder="Search models by name" value={draft} onInput={(e) => setDraft(e.currentTarget.value)} />
        <button type="submit">Search</button>
      </form>
      <ErrorBox error={res.error} title="Could not load registered models." />
      {res.loading && <Spinner />}
      {!res.loading && !res.error && models.length === 0 && <p class="empty">No registered models.</p>}
      {models.length > 0 && (
        <table class="table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Latest version</th>
              <th>Aliases</th>
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
                <td title={formatTime(m.last_updated_timestamp)}>{formatRelative(m.last_updated_timestamp)}</td>
                <td class="muted clip">{m.description ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function latest(m: RegisteredModel): string {
  const versions = (m.latest_versions ?? []).map((v) => Number(v.version)).filter(Number.isFinite);
  return versions.length ? `v${Math.max(...versions)}` : "—";
}

function ModelPage({ name }: { name: string }) {
  const [tick, setTick] = useState(0);
  const model = useAsync(() => api.get<{ registered_model: RegisteredModel }>("/registered-models/get", { name }), [name, tick]);
  const versions = useAsync(
    () => api.get<{ model_versions?: ModelVersion[] }>("/model-versions/search", { filter: `name=${quote(name)}`, max_results: 1000 }),
    [name, tick],
  );
  const [alias, setAlias] = useState("");
  const [aliasVersion, setAliasVersion] = useState("");
  const [actionError, setActionError] = useState<unknown>();
  const m = model.data?.registered_model;
  const list = (versions.data?.model_versions ?? []).sort((a, b) => Number(b.version) - Number(a.version));
  const act = async (fn: () => Promise<unknown>) => {
    setActionError(undefined);
    try {
      await fn();
      setTick((t) => t + 1);
    } catch (e) {
      setActionError(e);
    }
  };
  return (
    <div class="page">
      <div class="crumbs">
        <a href="#/models">Models</a> / <span>{name}</span>
      </div>
      <div class="page-head">
        <h1>{name}</h1>
      </div>
      <ErrorBox error={model.error} title="Could not load the model." />
      {m && (
        <section class="card">
          <p class={`description${m.description ? "" : " muted"}`}>{m.description || "No description."}</p>
          <div class="tag-list">
            {(m.aliases ?? []).map((a) => (
              <span key={a.alias} class="chip">
                @{a.alias} → <a href={href(`/models/${name}/versions/${a.version}`)}>v{a.version}</a>
                <button type="button" class="chip-x" aria-label={`Remove alias ${a.alias}`} onClick={() => act(() => api.del("/registered-models/alias", { name, alias: a.alias }))}>
                  ×
                </button>
              </span>
            ))}
            {(m.tags ?? []).map((t) => (
              <span key={t.key} class="chip">
                <span class="mono">{t.key}</span>: {t.value}
              </span>
            ))}
          </div>
          <form
            class="row"
            onSubmit={(e) => {
              e.preventDefault();
              if (alias.trim() && aliasVersion.trim()) void act(() => api.post("/registered-models/alias", { name, alias: alias.trim(), version: aliasVersion.trim() }));
            }}
          >
            <input placeholder="alias" aria-label="Alias" value={alias} onInput={(e) => setAlias(e.currentTarget.value)} />
            <input placeholder="version" aria-label="Version" value={aliasVersion} onInput={(e) => setAliasVersion(e.currentTarget.value)} />
            <button type="submit">Set alias</button>
          </form>
          <ErrorBox error={actionError} />
        </section>
      )}
      <h2 class="section-title">Versions</h2>
      <ErrorBox error={versions.error} title="Could not load versions." />
      {versions.loading && <Spinner />}
      {list.length > 0 && (
        <table class="table">
          <thead>
            <tr>
              <th>Version</th>
              <th>Created</th>
              <th>Aliases</th>
              <th>Stage</th>
              <th>Status</th>
              <th>Source run</th>
            </tr>
          </thead>
          <tbody>
            {list.map((v) => (
              <tr key={v.version}>
                <td>
                  <a href={href(`/models/${name}/versions/${v.version}`)}>v{v.version}</a>
                </td>
                <td title={formatTime(v.creation_timestamp)}>{formatRelative(v.creation_timestamp)}</td>
                <td>{(v.aliases ?? []).map((a) => `@${a}`).join(" ")}</td>
                <td>{v.current_stage ?? ""}</td>
                <td>{(v.status ?? "").toLowerCase()}</td>
                <td>{v.run_id ? <a href={href(`/runs/${v.run_id}`)} class="mono">{v.run_id.slice(0, 12)}</a> : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function VersionPage({ name, version }: { name: string; version: string }) {
  const res = useAsync(() => api.get<{ model_version: ModelVersion }>("/model-versions/get", { name, version }), [name, version]);
  const v = res.data?.model_version;
  return (
    <div class="page">
      <div class="crumbs">
        <a href="#/models">Models</a> / <a href={href(`/models/${name}`)}>{name}</a> / <span>v{version}</span>
      </div>
      <div class="page-head">
        <h1>
          {name} v{version}
        </h1>
      </div>
      <ErrorBox error={res.error} title="Could not load the model version." />
      {res.loading && <Spinner />}
      {v && (
        <section class="card">
          <table class="details">
            <tbody>
              <tr>
                <th>Created</th>
                <td>{formatTime(v.creation_timestamp)}</td>
              </tr>
              <tr>
                <th>Status</th>
                <td>{(v.status ?? "").toLowerCase()}</td>
              </tr>
              <tr>
                <th>Stage</th>
                <td>{v.current_stage ?? "None"}</td>
              </tr>
              <tr>
                <th>Aliases</th>
                <td>{(v.aliases ?? []).map((a) => `@${a}`).join(" ") || "—"}</td>
              </tr>
              <tr>
                <th>Source run</th>
                <td>{v.run_id ? <a href={href(`/runs/${v.run_id}`)} class="mono">{v.run_id}</a> : "—"}</td>
              </tr>
              <tr>
                <th>Source</th>
                <td class="mono small-text">{v.source ?? "—"}</td>
              </tr>
              <tr>
                <th>Description</th>
                <td>{v.description || "—"}</td>
              </tr>
              {(v.tags ?? []).map((t) => (
                <tr key={t.key}>
                  <th class="mono">{t.key}</th>
                  <td>{t.value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}
