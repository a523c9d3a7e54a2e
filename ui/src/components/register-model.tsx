/**
 * "Register model": creates a registry version from a run's artifact path or an MLflow 3 logged
 * model (`models:/m-…`), into an existing registered model or a new one.
 */
import { useState } from "preact/hooks";
import { api, ApiError } from "../api";
import { useAction, useAsync } from "../hooks";
import { navigate } from "../router";
import type { ModelVersion, RegisteredModel } from "../types";
import { ErrorBox, Modal } from "./common";

interface Props {
  /** The version's source: `runs:/<run>/<path>` or `models:/<model_id>`. */
  source: string;
  runId?: string | undefined;
  modelId?: string | undefined;
  onClose: () => void;
  onDone?: () => void;
}

export function RegisterModelDialog({ source, runId, modelId, onClose, onDone }: Props) {
  const [name, setName] = useState("");
  const existing = useAsync(() => api.get<{ registered_models?: RegisteredModel[] }>("/registered-models/search", { max_results: 1000 }), []);
  const action = useAction();
  const names = (existing.data?.registered_models ?? []).map((m) => m.name);
  const submit = async () => {
    const n = name.trim();
    try {
      await api.post("/registered-models/create", { name: n });
    } catch (e) {
      if (!(e instanceof ApiError && e.code === "RESOURCE_ALREADY_EXISTS")) throw e;
    }
    const body: Record<string, string> = { name: n, source };
    if (runId) body.run_id = runId;
    if (modelId) body.model_id = modelId;
    const res = await api.post<{ model_version: ModelVersion }>("/model-versions/create", body);
    onDone?.();
    onClose();
    navigate(`/models/${n}/versions/${res.model_version.version}`);
  };
  return (
    <Modal title="Register model" onClose={onClose}>
      <form class="form" onSubmit={action.submit(submit)}>
        <p class="muted small-text mono break">{source}</p>
        <label>
          Registered model
          <input name="model-name" list="registered-model-names" required autoFocus value={name} placeholder="Pick one or type a new name" onInput={(e) => setName(e.currentTarget.value)} />
          <datalist id="registered-model-names">
            {names.map((n) => (
              <option key={n} value={n} />
            ))}
          </datalist>
        </label>
        {name.trim() && !names.includes(name.trim()) && <p class="muted small-text">A new registered model “{name.trim()}” will be created.</p>}
        <ErrorBox error={action.error} />
        <div class="form-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={action.busy || !name.trim()}>
            Register
          </button>
        </div>
      </form>
    </Modal>
  );
}
