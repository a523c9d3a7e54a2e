/**
 * The experiment's Models tab (MLflow 3 logged models): a sortable list with chosen columns,
 * metrics shown per dataset ("accuracy (eval_ds)"), params, the source run and registrations.
 */
import { useMemo, useState } from "preact/hooks";
import { api, isNotFound } from "../api";
import { ErrorBox, NotFound, Spinner, StatusBadge } from "../components/common";
import { useAsync } from "../hooks";
import { formatRelative, formatTime, formatValue } from "../format";
import { href, route, setQuery } from "../router";
import type { LoggedModel, Metric, ModelVersion } from "../types";
import { ExperimentHeader, useExperiments } from "./runs/header";

interface SearchResponse {
  models?: LoggedModel[];
  next_page_token?: string;
}

/** "accuracy" or "accuracy (eval_ds)": metrics logged against a dataset are distinct columns. */
export function metricColumn(m: Metric): string {
  return m.dataset_name ? `${m.key} (${m.dataset_name})` : m.key;
}

/** The latest value per metric column of a model (greatest step, then timestamp). */
export function latestMetrics(model: LoggedModel): Map<string, Metric> {
  const out = new Map<string, Metric>();
  for (const m of model.data?.metrics ?? []) {
    const col = metricColumn(m);
    const prev = out.get(col);
    if (!prev || Number(m.step ?? 0) > Number(prev.step ?? 0) || (Number(m.step ?? 0) === Number(prev.step ?? 0) && Number(m.timestamp) >= Number(prev.timestamp))) out.set(col, m);
  }
  return out;
}

const quote = (s: string) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

/**
 * Registered versions made from each logged model: the model's own `registrations` when the server
 * fills them, else a version search over the models' source runs matched by model id or source.
 */
export async function registrationsOf(models: LoggedModel[]): Promise<Map<string, { name: string; version: string }[]>> {
  const out = new Map<string, { name: string; version: string }[]>();
  for (const m of models) if (m.info.registrations?.length) out.set(m.info.model_id, m.info.registrations);
  const runs = [...new Set(models.map((m) => m.info.source_run_id).filter((r): r is string => !!r))];
  for (let i = 0; i < runs.length; i += 50) {
    const chunk = runs.slice(i, i + 50);
    const res = await api.get<{ model_versions?: ModelVersion[] }>("/model-versions/search", { filter: `run_id IN (${chunk.map(quote).join(", ")})`, max_results: 1000 });
    for (const v of res.model_versions ?? []) {
      const id = v.model_id || /^models:\/(m-[0-9a-f]+)/.exec(v.source ?? "")?.[1];
      if (!id || !models.some((m) => m.info.model_id === id)) continue;
      const list = out.get(id) ?? [];
      if (!list.some((r) => r.name === v.name && r.version === v.version)) list.push({ name: v.name, version: v.version });
      out.set(id, list);
    }
  }
  return out;
}

const SORTS: Record<string, string> = { creation_timestamp: "Created", name: "Name", last_updated_timestamp: "Last updated" };

export default function LoggedModelsTab({ experimentId }: { experimentId: string }) {
  const q = route.value.query;
  const sort = q.get("msort") ?? "creation_timestamp";
  const asc = q.get("masc") === "1";
  const filter = q.get("mfilter") ?? "";
  const [draft, setDraft] = useState(filter);
  const experiments = useExperiments([experimentId]);
  const [pages, setPages] = useState<string[]>([]);
  const res = useAsync(async () => {
    const orderBy = [{ field_name: sort, ascending: asc }];
    const all: LoggedModel[] = [];
    let token: string | undefined;
    let next: string | undefined;
    // Pages already shown stay shown after a reload ("Load more" appends).
    for (let i = 0; i <= pages.length; i++) {
      const r = await api.post<SearchResponse>("/logged-models/search", { experiment_ids: [experimentId], filter: filter || undefined, order_by: orderBy, max_results: 100, page_token: token });
      all.push(...(r.models ?? []));
      next = r.next_page_token || undefined;
      if (!next) break;
      token = next;
    }
    return { models: all, next };
  }, [experimentId, sort, asc, filter, pages.length]);
  const models = res.data?.models ?? [];
  const registrations = useAsync(() => registrationsOf(models), [models.map((m) => m.info.model_id).join(",")]);
  const metricCols = useMemo(() => [...new Set(models.flatMap((m) => [...latestMetrics(m).keys()]))].sort(), [models]);
  const paramCols = useMemo(() => [...new Set(models.flatMap((m) => (m.data?.params ?? []).map((p) => p.key)))].sort(), [models]);
  const hidden = new Set((q.get("mhide") ?? "").split(",").filter(Boolean).map(decodeURIComponent));
  const toggleCol = (c: string) => {
    const next = new Set(hidden);
    if (next.has(c)) next.delete(c);
    else next.add(c);
    setQuery({ mhide: [...next].map(encodeURIComponent).join(",") || undefined });
  };
  const [chooser, setChooser] = useState(false);

  if (experiments.error && isNotFound(experiments.error)) return <NotFound what="Experiment" error={experiments.error} back={{ href: "#/experiments", label: "Back to experiments" }} />;
  const sortHeader = (field: string, label: string) => {
    const active = sort === field;
    const flip = () => setQuery({ msort: field === "creation_timestamp" ? undefined : field, masc: active && !asc ? "1" : undefined });
    return (
      <th aria-sort={active ? (asc ? "ascending" : "descending") : undefined}>
        <button type="button" class="link sort-head" onClick={flip}>
          {label}
          {active ? (asc ? " ▲" : " ▼") : ""}
        </button>
      </th>
    );
  };
  const shownMetrics = metricCols.filter((c) => !hidden.has(`m:${c}`));
  const shownParams = paramCols.filter((c) => !hidden.has(`p:${c}`));
  return (
    <div class="page">
      <ExperimentHeader experimentIds={[experimentId]} state={experiments} tab="models" />
      <form
        class="toolbar"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery({ mfilter: draft.trim() || undefined });
        }}
      >
        <input type="search" class="grow mono" aria-label="Filter models" placeholder="name LIKE 'clf%' and metrics.accuracy > 0.9" value={draft} onInput={(e) => setDraft(e.currentTarget.value)} />
        <button type="submit">Search</button>
        <select aria-label="Sort models" value={sort} onChange={(e) => setQuery({ msort: e.currentTarget.value === "creation_timestamp" ? undefined : e.currentTarget.value })}>
          {Object.entries(SORTS).map(([k, l]) => (
            <option key={k} value={k}>
              Sort: {l}
            </option>
          ))}
          {[...new Set(models.flatMap((m) => (m.data?.metrics ?? []).map((x) => x.key)))].sort().map((k) => (
            <option key={k} value={`metrics.${k}`}>
              Sort: metric {k}
            </option>
          ))}
        </select>
        <button type="button" aria-pressed={asc} onClick={() => setQuery({ masc: asc ? undefined : "1" })}>
          {asc ? "↑ Ascending" : "↓ Descending"}
        </button>
        <div class="popover-anchor">
          <button type="button" aria-expanded={chooser} onClick={() => setChooser(!chooser)}>
            Columns
          </button>
          {chooser && (
            <div class="popover column-chooser" role="dialog" aria-label="Model columns">
              <div class="chooser-body">
                <fieldset class="chooser-group">
                  <legend>Metrics</legend>
                  {metricCols.map((c) => (
                    <label key={c} class="check">
                      <input type="checkbox" checked={!hidden.has(`m:${c}`)} onChange={() => toggleCol(`m:${c}`)} /> {c}
                    </label>
                  ))}
                </fieldset>
                <fieldset class="chooser-group">
                  <legend>Params</legend>
                  {paramCols.map((c) => (
                    <label key={c} class="check">
                      <input type="checkbox" checked={!hidden.has(`p:${c}`)} onChange={() => toggleCol(`p:${c}`)} /> {c}
                    </label>
                  ))}
                </fieldset>
              </div>
            </div>
          )}
        </div>
      </form>
      <ErrorBox error={res.error} title="Could not load logged models." />
      {res.loading && !res.data && <Spinner />}
      {res.data && models.length === 0 && <p class="empty">No logged models in this experiment{filter ? " match this filter" : ""}.</p>}
      {models.length > 0 && (
        <div class="table-scroll">
          <table class="table logged-models-table">
            <thead>
              <tr>
                {sortHeader("name", "Name")}
                <th>Status</th>
                {sortHeader("creation_timestamp", "Created")}
                <th>Source run</th>
                <th>Registered as</th>
                <th>Type</th>
                {shownMetrics.map((c) => (
                  <th key={`m:${c}`} class="num">
                    <span class="kind-tag">M</span>
                    {c}
                  </th>
                ))}
                {shownParams.map((c) => (
                  <th key={`p:${c}`}>
                    <span class="kind-tag">P</span>
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {models.map((m) => {
                const latest = latestMetrics(m);
                return (
                  <tr key={m.info.model_id} data-model-id={m.info.model_id}>
                    <td>
                      <a href={href(`/experiments/${experimentId}/models/${m.info.model_id}`)}>{m.info.name}</a>
                    </td>
                    <td>
                      <StatusBadge status={(m.info.status ?? "").replace("LOGGED_MODEL_", "")} />
                    </td>
                    <td title={formatTime(m.info.creation_timestamp_ms)}>{formatRelative(m.info.creation_timestamp_ms)}</td>
                    <td>{m.info.source_run_id ? <a href={href(`/runs/${m.info.source_run_id}`)} class="mono">{m.info.source_run_id.slice(0, 8)}</a> : "—"}</td>
                    <td>
                      {(registrations.data?.get(m.info.model_id) ?? m.info.registrations ?? []).map((r) => (
                        <a key={`${r.name}/${r.version}`} class="chip" href={href(`/models/${r.name}/versions/${r.version}`)}>
                          {r.name} v{r.version}
                        </a>
                      ))}
                    </td>
                    <td>{m.info.model_type || "—"}</td>
                    {shownMetrics.map((c) => {
                      const v = latest.get(c);
                      return (
                        <td key={`m:${c}`} class="num mono" title={v ? String(v.value) : undefined}>
                          {v ? formatValue(v.value) : ""}
                        </td>
                      );
                    })}
                    {shownParams.map((c) => (
                      <td key={`p:${c}`} class="mono">
                        {m.data?.params?.find((p) => p.key === c)?.value ?? ""}
                      </td>
                    ))}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {res.data?.next && (
        <button class="load-more" onClick={() => setPages([...pages, res.data!.next!])}>
          Load more
        </button>
      )}
    </div>
  );
}
