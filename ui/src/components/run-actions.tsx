/** Run header actions: rename (runs/update), delete and restore. */
import { useState } from "preact/hooks";
import { api } from "../api";
import { runName } from "../runs-model";
import type { Run } from "../types";
import { ErrorBox, Modal } from "./common";

export function RunActions({ run, onChanged }: { run: Run; onChanged: () => void }) {
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState("");
  const [error, setError] = useState<unknown>();
  const id = run.info.run_id;
  const act = async (fn: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await fn();
      setRenaming(false);
      onChanged();
    } catch (e) {
      setError(e);
    }
  };
  const deleted = run.info.lifecycle_stage === "deleted";
  return (
    <>
      <button
        type="button"
        class="small"
        onClick={() => {
          setName(runName(run));
          setRenaming(true);
        }}
      >
        Rename
      </button>
      {deleted ? (
        <button type="button" class="small" onClick={() => act(() => api.post("/runs/restore", { run_id: id }))}>
          Restore
        </button>
      ) : (
        <button type="button" class="small danger" onClick={() => act(() => api.post("/runs/delete", { run_id: id }))}>
          Delete
        </button>
      )}
      <button type="button" class="small" onClick={() => navigator.clipboard?.writeText(id)} title="Copy run ID">
        Copy ID
      </button>
      {!renaming && <ErrorBox error={error} />}
      {renaming && (
        <Modal title="Rename run" onClose={() => setRenaming(false)}>
          <form
            class="form"
            onSubmit={(e) => {
              e.preventDefault();
              void act(() => api.post("/runs/update", { run_id: id, run_name: name.trim() }));
            }}
          >
            <label>
              Run name
              <input name="run_name" required autoFocus value={name} onInput={(e) => setName(e.currentTarget.value)} />
            </label>
            <ErrorBox error={error} />
            <div class="form-actions">
              <button type="button" onClick={() => setRenaming(false)}>
                Cancel
              </button>
              <button type="submit" class="primary" disabled={!name.trim()}>
                Rename
              </button>
            </div>
          </form>
        </Modal>
      )}
    </>
  );
}
