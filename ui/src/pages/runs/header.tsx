/** The experiment page's header: breadcrumbs, name, description (markdown, editable) and tabs. */
import { api } from "../../api";
import { DescriptionEditor, ErrorBox } from "../../components/common";
import { useAsync, type AsyncState } from "../../hooks";
import { href } from "../../router";
import { NOTE_TAG, tagValue, type Experiment } from "../../types";

export function useExperiments(ids: string[]): AsyncState<Experiment[]> {
  return useAsync(() => Promise.all(ids.map((experiment_id) => api.get<{ experiment: Experiment }>("/experiments/get", { experiment_id }).then((r) => r.experiment))), [ids.join(",")]);
}

export function ExperimentHeader({ experimentIds, state, tab }: { experimentIds: string[]; state: AsyncState<Experiment[]>; tab: "runs" | "models" }) {
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
        <a href={href(`/experiments/${id}`)} class={tab === "runs" ? "active" : ""} aria-current={tab === "runs" ? "page" : undefined}>
          Runs
        </a>
        <a href={href(`/experiments/${id}/models`)} class={tab === "models" ? "active" : ""} aria-current={tab === "models" ? "page" : undefined}>
          Models
        </a>
      </nav>
    </>
  );
}
