/** The experiment page's header: breadcrumbs, name, description (markdown, editable) and tabs. */
import { api } from "../../api";
import { DescriptionEditor, ErrorBox } from "../../components/common";
import { useAsync, type AsyncState } from "../../hooks";
import { href } from "../../router";
import { NOTE_TAG, tagValue, type Experiment } from "../../types";

export function useExperiments(ids: string[]): AsyncState<Experiment[]> {
  return useAsync(() => Promise.all(ids.map((experiment_id) => api.get<{ experiment: Experiment }>("/experiments/get", { experiment_id }).then((r) => r.experiment))), [ids.join(",")]);
}

/** The experiment's views, in the order of its tab bar; paths are MLflow's tab names. */
const TABS = [
  ["runs", "Runs", ""],
  ["models", "Models", "/models"],
  ["traces", "Traces", "/traces"],
  ["evaluations", "Evaluations", "/evaluation-runs"],
  ["datasets", "Datasets", "/datasets"],
] as const;

export type ExperimentTab = (typeof TABS)[number][0];

export function ExperimentHeader({ experimentIds, state, tab }: { experimentIds: string[]; state: AsyncState<Experiment[]>; tab: ExperimentTab }) {
  const exps = state.data ?? [];
  if (experimentIds.length > 1) {
    return (
      <>
        <div class="crumbs">
          <a href="#/experiments">Experiments</a> / <span>Compare</span>
        </div>
        <div class="page-head">
          <h1>Comparing {experimentIds.length} experiments</h1>
          <span class="muted">
            {experimentIds.map((id, i) => (
              <a key={id} class="chip" href={href(`/experiments/${id}`)}>
                {exps[i]?.name ?? id}
              </a>
            ))}
          </span>
        </div>
        <ErrorBox error={state.error} title="Could not load the experiments." />
      </>
    );
  }
  const id = experimentIds[0]!;
  const exp = exps[0];
  return (
    <>
      <div class="crumbs">
        <a href="#/experiments">Experiments</a> / <span>{exp?.name ?? id}</span>
      </div>
      <div class="page-head">
        <h1>{exp?.name ?? (state.loading ? "…" : `Experiment ${id}`)}</h1>
        <span class="muted mono">ID {id}</span>
      </div>
      <ErrorBox error={state.error} title="Could not load the experiment." />
      {exp && (
        <DescriptionEditor
          label="Experiment description"
          compact
          value={tagValue(exp.tags, NOTE_TAG) ?? ""}
          onSave={(value) => api.post("/experiments/set-experiment-tag", { experiment_id: id, key: NOTE_TAG, value })}
          onSaved={state.reload}
        />
      )}
      <nav class="tabs" aria-label="Experiment views">
        {TABS.map(([id, label, suffix]) => (
          <a key={id} href={href(`/experiments/${experimentIds[0]}${suffix}`)} class={tab === id ? "active" : ""} aria-current={tab === id ? "page" : undefined}>
            {label}
          </a>
        ))}
      </nav>
    </>
  );
}
