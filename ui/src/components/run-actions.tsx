/** Run header actions: rename (runs/update), delete (confirmed) and restore, copy the id. */
import { useState } from "preact/hooks";
import { api } from "../api";
import { useAction } from "../hooks";
import { runName } from "../runs-model";
import type { Run } from "../types";
import { ConfirmDialog, ErrorBox, Modal } from "./common";

export function RunActions({ run, onChanged }: { run: Run; onChanged: () => void }) {
  const [dialog, setDialog] = useState<"rename" | "delete" | null>(null);
  const [name, setName] = useState("");
  const action = useAction(() => {
    setDialog(null);
    onChanged();
  });
  const id = run.info.run_id;
  const deleted = run.info.lifecycle_stage === "deleted";
  return (
    <>
      <button
        type="button"
        class="small"
        onClick={() => {
          setName(runName(run));
          setDialog("rename");
        }}
      >
        Rename
      </button>
      {deleted ? (
        <button type="button" class="small" onClick={() => action.run(() => api.post("/runs/restore", { run_id: id }))}>
          Restore
        </button>
      ) : (
        <button type="button" class="small danger" onClick={() => setDialog("delete")}>
          Delete
        </button>
      )}
      <button type="button" class="small" onClick={() => navigator.clipboard?.writeText(id)} title="Copy run ID">
        Copy ID
      </button>
      {dialog === null && <ErrorBox error={action.error} />}
      {dialog === "delete" && (
        <ConfirmDialog title={`Delete run ${runName(run)}?`} confirm="Delete run" onClose={() => setDialog(null)} onConfirm={() => api.post("/runs/delete", { run_id: id })} onDone={onChanged}>
          The run moves to the experiment's Deleted view, where it can be restored.
        </ConfirmDialog>
      )}
      {dialog === "rename" && (
        <Modal title="Rename run" onClose={() => setDialog(null)}>
          <form class="form" onSubmit={action.submit(() => api.post("/runs/update", { run_id: id, run_name: name.trim() }))}>
            <label>
              Run name
              <input name="run_name" required autoFocus value={name} onInput={(e) => setName(e.currentTarget.value)} />
            </label>
            <ErrorBox error={action.error} />
            <div class="form-actions">
              <button type="button" onClick={() => setDialog(null)}>
                Cancel
              </button>
              <button type="submit" class="primary" disabled={!name.trim() || action.busy}>
                Rename
              </button>
            </div>
          </form>
        </Modal>
      )}
    </>
  );
}
