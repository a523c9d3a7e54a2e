/**
 * Experiments list: server-side search by name and tag with cursor pagination; create, rename,
 * delete, restore; a tags column; select several to compare their runs in one table.
 */
import { useState } from "preact/hooks";
import { api } from "../../api";
import { ErrorBox, Spinner } from "../../components/common";
import { useAction } from "../../hooks";
import { formatRelative, formatTime } from "../../format";
import { href, navigate, route, setQuery } from "../../router";
import { NOTE_TAG, tagValue, type Experiment } from "../../types";
import { CreateDialog, DeleteDialog, RenameDialog } from "./dialogs";
import { useExperimentSearch } from "./use-experiments";

type Dialog = { kind: "create" } | { kind: "rename" | "delete"; exp: Experiment } | null;

export function ExperimentsPage() {
  const query = route.value.query;
  const search = query.get("q") ?? "";
  const tag = query.get("tag") ?? "";
  const deleted = query.get("view") === "deleted";
  const list = useExperimentSearch(search, tag, deleted);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const restore = useAction(list.reload);

  return (
    <div class="page">
      <div class="page-head">
        <h1>Experiments</h1>
        <button type="button" disabled={picked.size < 2} onClick={() => navigate("/compare-experiments/s", { experiments: [...picked].join(",") })}>
          Compare {picked.size > 1 ? picked.size : ""} experiments
        </button>
        <button class="primary" onClick={() => setDialog({ kind: "create" })}>
          New experiment
        </button>
      </div>
      <SearchBar search={search} tag={tag} deleted={deleted} />
      <ErrorBox error={list.error || restore.error} title="Could not load experiments." />
      <table class="table experiments-table">
        <thead>
          <tr>
            <th>
              <span class="visually-hidden">Select</span>
            </th>
            <th>Name</th>
            <th>ID</th>
            <th>Description</th>
            <th>Tags</th>
            <th>Created</th>
            <th>Last updated</th>
            <th class="actions-col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {list.items.map((exp) => (
            <tr key={exp.experiment_id} data-experiment-id={exp.experiment_id}>
              <td>
                <input
                  type="checkbox"
                  aria-label={`Select ${exp.name}`}
                  checked={picked.has(exp.experiment_id)}
                  onChange={() => {
                    const next = new Set(picked);
                    if (next.has(exp.experiment_id)) next.delete(exp.experiment_id);
                    else next.add(exp.experiment_id);
                    setPicked(next);
                  }}
                />
              </td>
              <td>
                <a href={href(`/experiments/${exp.experiment_id}`)}>{exp.name}</a>
              </td>
              <td class="mono muted">{exp.experiment_id}</td>
              <td class="muted clip">{(tagValue(exp.tags, NOTE_TAG) ?? "").split("\n")[0]}</td>
              <td class="tags-cell">
                {(exp.tags ?? [])
                  .filter((t) => !t.key.startsWith("mlflow."))
                  .map((t) => (
                    <button key={t.key} type="button" class="chip small-text" title={`Filter by ${t.key}=${t.value}`} onClick={() => setQuery({ tag: `${t.key}=${t.value}` })}>
                      {t.key}: {t.value}
                    </button>
                  ))}
              </td>
              <td title={formatTime(exp.creation_time)}>{formatRelative(exp.creation_time)}</td>
              <td title={formatTime(exp.last_update_time)}>{formatRelative(exp.last_update_time)}</td>
              <td class="actions-col">
                {deleted ? (
                  <button class="small" onClick={() => restore.run(() => api.post("/experiments/restore", { experiment_id: exp.experiment_id }))}>
                    Restore
                  </button>
                ) : (
                  <>
                    <button class="small ghost" onClick={() => setDialog({ kind: "rename", exp })} aria-label={`Rename ${exp.name}`}>
                      Rename
                    </button>
                    <button class="small ghost danger" onClick={() => setDialog({ kind: "delete", exp })} aria-label={`Delete ${exp.name}`}>
                      Delete
                    </button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.loading && <Spinner />}
      {!list.loading && !list.error && list.items.length === 0 && <p class="empty">No experiments{search || tag ? " match this search" : ""}.</p>}
      {list.token && !list.loading && (
        <button class="load-more" onClick={list.loadMore}>
          Load more
        </button>
      )}
      {dialog?.kind === "create" && <CreateDialog onClose={() => setDialog(null)} onDone={list.reload} />}
      {dialog?.kind === "rename" && <RenameDialog exp={dialog.exp} onClose={() => setDialog(null)} onDone={list.reload} />}
      {dialog?.kind === "delete" && <DeleteDialog exp={dialog.exp} onClose={() => setDialog(null)} onDone={list.reload} />}
    </div>
  );
}

function SearchBar({ search, tag, deleted }: { search: string; tag: string; deleted: boolean }) {
  const [draft, setDraft] = useState(search);
  const [tagDraft, setTagDraft] = useState(tag);
  const [seen, setSeen] = useState({ search, tag });
  if (seen.search !== search || seen.tag !== tag) {
    setSeen({ search, tag });
    setDraft(search);
    setTagDraft(tag);
  }
  return (
    <form
      class="toolbar"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        setQuery({ q: draft.trim() || undefined, tag: tagDraft.trim() || undefined });
      }}
    >
      <input type="search" class="grow" placeholder="Search experiments by name" aria-label="Search experiments" value={draft} onInput={(e) => setDraft(e.currentTarget.value)} />
      <input type="search" placeholder="Tag: key=value or key" aria-label="Filter by tag" value={tagDraft} onInput={(e) => setTagDraft(e.currentTarget.value)} />
      <button type="submit">Search</button>
      <div class="segmented" role="group" aria-label="Lifecycle">
        <button type="button" class={!deleted ? "on" : ""} aria-pressed={!deleted} onClick={() => setQuery({ view: undefined })}>
          Active
        </button>
        <button type="button" class={deleted ? "on" : ""} aria-pressed={deleted} onClick={() => setQuery({ view: "deleted" })}>
          Deleted
        </button>
      </div>
    </form>
  );
}
