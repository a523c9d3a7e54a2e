/** Experiments list: server-side search with cursor pagination, create, rename, delete and restore. */
import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import { ErrorBox, Modal, Spinner } from "../components/common";
import { formatRelative, formatTime } from "../format";
import { href, route, setQuery } from "../router";
import { NOTE_TAG, tagValue, type Experiment } from "../types";

interface SearchResponse {
  experiments?: Experiment[];
  next_page_token?: string;
}

const PAGE_SIZE = 100;

/** Quotes a user string for an MLflow filter literal. */
function likeFilter(q: string): string | undefined {
  const t = q.trim();
  if (!t) return undefined;
  return `name ILIKE '%${t.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}%'`;
}

export function ExperimentsPage() {
  const query = route.value.query;
  const search = query.get("q") ?? "";
  const deleted = query.get("view") === "deleted";
  const [draft, setDraft] = useState(search);
  const [items, setItems] = useState<Experiment[]>([]);
  const [token, setToken] = useState<string | undefined>();
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>();
  const [tick, setTick] = useState(0);
  const [dialog, setDialog] = useState<{ kind: "create" } | { kind: "rename" | "delete"; exp: Experiment } | null>(null);

  const fetchPage = async (pageToken?: string) => {
    setLoading(true);
    setError(undefined);
    try {
      const res = await api.post<SearchResponse>("/experiments/search", {
        max_results: PAGE_SIZE,
        filter: likeFilter(search),
        order_by: ["last_update_time DESC"],
        view_type: deleted ? "DELETED_ONLY" : "ACTIVE_ONLY",
        page_token: pageToken,
      });
      setItems((prev) => (pageToken ? [...prev, ...(res.experiments ?? [])] : res.experiments ?? []));
      setToken(res.next_page_token || undefined);
    } catch (e) {
      setError(e);
      if (!pageToken) setItems([]);
    } finally {
      setLoading(false);
    }
  };

  useEffect(() => {
    setDraft(search);
    void fetchPage();
  }, [search, deleted, tick]);

  const restore = async (exp: Experiment) => {
    try {
      await api.post("/experiments/restore", { experiment_id: exp.experiment_id });
      setTick((t) => t + 1);
    } catch (e) {
      setError(e);
    }
  };

  return (
    <div class="page">
      <div class="page-head">
        <h1>Experiments</h1>
        <button class="primary" onClick={() => setDialog({ kind: "create" })}>
          New experiment
        </button>
      </div>
      <form
        class="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery({ q: draft.trim() || undefined });
        }}
      >
        <input
          type="search"
          class="grow"
          placeholder="Search experiments by name"
          aria-label="Search experiments"
          value={draft}
          onInput={(e) => setDraft(e.currentTarget.value)}
        />
        <button type="submit">Search</button>
        <div class="segmented" role="group" aria-label="Lifecycle">
          <button type="button" class={!deleted ? "on" : ""} onClick={() => setQuery({ view: undefined })}>
            Active
          </button>
          <button type="button" class={deleted ? "on" : ""} onClick={() => setQuery({ view: "deleted" })}>
            Deleted
          </button>
        </div>
      </form>
      <ErrorBox error={error} title="Could not load experiments." />
      <table class="table experiments-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>ID</th>
            <th>Description</th>
            <th>Created</th>
            <th>Last updated</th>
            <th class="actions-col" />
          </tr>
        </thead>
        <tbody>
          {items.map((exp) => (
            <tr key={exp.experiment_id} data-experiment-id={exp.experiment_id}>
              <td>
                <a href={href(`/experiments/${exp.experiment_id}`)}>{exp.name}</a>
              </td>
              <td class="mono muted">{exp.experiment_id}</td>
              <td class="muted clip">{tagValue(exp.tags, NOTE_TAG) ?? ""}</td>
              <td title={formatTime(exp.creation_time)}>{formatRelative(exp.creation_time)}</td>
              <td title={formatTime(exp.last_update_time)}>{formatRelative(exp.last_update_time)}</td>
              <td class="actions-col">
                {deleted ? (
                  <button class="small" onClick={() => restore(exp)}>
                    Restore
                  </button>
                ) : (
                  <>
                    <button class="small ghost" onClick={() => setDialog({ kind: "rename", exp })}>
                      Rename
                    </button>
                    <button class="small ghost danger" onClick={() => setDialog({ kind: "delete", exp })}>
                      Delete
                    </button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {loading && <Spinner />}
      {!loading && !error && items.length === 0 && <p class="empty">No experiments{search ? ` match “${search}”` : ""}.</p>}
      {token && !loading && (
        <button class="load-more" onClick={() => fetchPage(token)}>
          Load more
        </button>
      )}
      {dialog?.kind === "create" && <CreateDialog onClose={() => setDialog(null)} onDone={() => setTick((t) => t + 1)} />}
      {dialog?.kind === "rename" && <RenameDialog exp={dialog.exp} onClose={() => setDialog(null)} onDone={() => setTick((t) => t + 1)} />}
      {dialog?.kind === "delete" && <DeleteDialog exp={dialog.exp} onClose={() => setDialog(null)} onDone={() => setTick((t) => t + 1)} />}
    </div>
  );
}

function useSubmit(action: () => Promise<unknown>, done: () => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await action();
      done();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, submit };
}

function CreateDialog({ onClose, onDone }: { onClose: () => void; onDone: () => void }) {
  const [name, setName] = useState("");
  const [location, setLocation] = useState("");
  const { busy, error, submit } = useSubmit(
    () => api.post("/experiments/create", { name: name.trim(), artifact_location: location.trim() || undefined }),
    () => {
      onDone();
      onClose();
    },
  );
  return (
    <Modal title="New experiment" onClose={onClose}>
      <form onSubmit={submit} class="form">
        <label>
          Name
          <input name="name" required autoFocus value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label>
          Artifact location <span class="muted">(optional)</span>
          <input name="artifact_location" placeholder="default" value={location} onInput={(e) => setLocation(e.currentTarget.value)} />
        </label>
        <ErrorBox error={error} />
        <div class="form-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={busy || !name.trim()}>
            Create
          </button>
        </div>
      </form>
    </Modal>
  );
}

function RenameDialog({ exp, onClose, onDone }: { exp: Experiment; onClose: () => void; onDone: () => void }) {
  const [name, setName] = useState(exp.name);
  const { busy, error, submit } = useSubmit(
    () => api.post("/experiments/update", { experiment_id: exp.experiment_id, new_name: name.trim() }),
    () => {
      onDone();
      onClose();
    },
  );
  return (
    <Modal title="Rename experiment" onClose={onClose}>
      <form onSubmit={submit} class="form">
        <label>
          New name
          <input name="name" required autoFocus value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <ErrorBox error={error} />
        <div class="form-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={busy || !name.trim() || name.trim() === exp.name}>
            Rename
          </button>
        </div>
      </form>
    </Modal>
  );
}

function DeleteDialog({ exp, onClose, onDone }: { exp: Experiment; onClose: () => void; onDone: () => void }) {
  const { busy, error, submit } = useSubmit(
    () => api.post("/experiments/delete", { experiment_id: exp.experiment_id }),
    () => {
      onDone();
      onClose();
    },
  );
  return (
    <Modal title="Delete experiment" onClose={onClose}>
      <form onSubmit={submit} class="form">
        <p>
          Delete <strong>{exp.name}</strong> and hide its runs? It can be restored from the Deleted view.
        </p>
        <ErrorBox error={error} />
        <div class="form-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="primary danger" disabled={busy}>
            Delete
          </button>
        </div>
      </form>
    </Modal>
  );
}
