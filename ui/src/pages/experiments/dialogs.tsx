/** The experiments list's dialogs: create, rename, delete (confirmed). */
import { useState } from "preact/hooks";
import { api } from "../../api";
import { ConfirmDialog, ErrorBox, Modal } from "../../components/common";
import { useAction } from "../../hooks";
import type { Experiment } from "../../types";

interface DialogProps {
  onClose: () => void;
  onDone: () => void;
}

export function CreateDialog({ onClose, onDone }: DialogProps) {
  const [name, setName] = useState("");
  const [location, setLocation] = useState("");
  const action = useAction(() => (onDone(), onClose()));
  return (
    <Modal title="New experiment" onClose={onClose}>
      <form onSubmit={action.submit(() => api.post("/experiments/create", { name: name.trim(), artifact_location: location.trim() || undefined }))} class="form">
        <label>
          Name
          <input name="name" required autoFocus value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label>
          Artifact location <span class="muted">(optional)</span>
          <input name="artifact_location" placeholder="default" value={location} onInput={(e) => setLocation(e.currentTarget.value)} />
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

export function RenameDialog({ exp, onClose, onDone }: DialogProps & { exp: Experiment }) {
  const [name, setName] = useState(exp.name);
  const action = useAction(() => (onDone(), onClose()));
  return (
    <Modal title="Rename experiment" onClose={onClose}>
      <form onSubmit={action.submit(() => api.post("/experiments/update", { experiment_id: exp.experiment_id, new_name: name.trim() }))} class="form">
        <label>
          New name
          <input name="name" required autoFocus value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <ErrorBox error={action.error} />
        <div class="form-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={action.busy || !name.trim() || name.trim() === exp.name}>
            Rename
          </button>
        </div>
      </form>
    </Modal>
  );
}

export function DeleteDialog({ exp, onClose, onDone }: DialogProps & { exp: Experiment }) {
  return (
    <ConfirmDialog title="Delete experiment" confirm="Delete" onClose={onClose} onDone={onDone} onConfirm={() => api.post("/experiments/delete", { experiment_id: exp.experiment_id })}>
      Delete <strong>{exp.name}</strong> and hide its runs? It can be restored from the Deleted view.
    </ConfirmDialog>
  );
}
