/** The experiment's description (tag mlflow.note.content), shown on its runs page and editable in place. */
import { useState } from "preact/hooks";
import { api } from "../api";
import { NOTE_TAG, tagValue, type Experiment } from "../types";
import { ErrorBox } from "./common";

export function ExperimentDescription({ experiment, onSaved }: { experiment: Experiment; onSaved: () => void }) {
  const current = tagValue(experiment.tags, NOTE_TAG) ?? "";
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState<unknown>();
  const save = async () => {
    setError(undefined);
    try {
      await api.post("/experiments/set-experiment-tag", { experiment_id: experiment.experiment_id, key: NOTE_TAG, value: draft ?? "" });
      setDraft(null);
      onSaved();
    } catch (e) {
      setError(e);
    }
  };
  if (draft === null) {
    return (
      <p class={`description${current ? "" : " muted"}`}>
        {current || "No description."}{" "}
        <button type="button" class="link small-text" onClick={() => setDraft(current)}>
          edit
        </button>
      </p>
    );
  }
  return (
    <div class="form description-editor">
      <textarea aria-label="Experiment description" rows={3} value={draft} onInput={(e) => setDraft(e.currentTarget.value)} />
      <ErrorBox error={error} />
      <div class="form-actions">
        <button type="button" onClick={() => setDraft(null)}>
          Cancel
        </button>
        <button type="button" class="primary" onClick={save}>
          Save description
        </button>
      </div>
    </div>
  );
}
