/** Artifact browser: a lazily expanded tree (one artifacts/list call per directory) and a preview pane. */
import { useEffect, useState } from "preact/hooks";
import { api, type ArtifactSource } from "../api";
import { formatBytes } from "../format";
import { href } from "../router";
import type { FileInfo } from "../types";
import { ArtifactPreview } from "./artifact-preview";
import { ErrorBox, Spinner } from "./common";
import { RegisterModelDialog } from "./register-model";

interface ListResponse {
  files?: FileInfo[];
  next_page_token?: string;
}

async function listDir(source: ArtifactSource, path: string): Promise<FileInfo[]> {
  const files: FileInfo[] = [];
  let token: string | undefined;
  do {
    const res =
      source.kind === "logged-model"
        ? await api.get<ListResponse>(`/logged-models/${encodeURIComponent(source.modelId)}/artifacts/directories`, { artifact_directory_path: path || undefined, page_token: token })
        : await api.get<ListResponse>("/artifacts/list", { run_id: source.kind === "run" ? source.runId : "", path: path || undefined, page_token: token });
    files.push(...(res.files ?? []));
    token = res.next_page_token || undefined;
  } while (token && files.length < 5000);
  // Directories first, then by name: the order people scan a file tree in.
  return files.sort((a, b) => Number(!!b.is_dir) - Number(!!a.is_dir) || a.path.localeCompare(b.path));
}

export default function ArtifactBrowser({ source, basePath, selectedPath }: { source: ArtifactSource; basePath: string; selectedPath: string }) {
  const [sizes] = useState(() => new Map<string, FileInfo>());
  const selected = selectedPath ? sizes.get(selectedPath) : undefined;
  const [registering, setRegistering] = useState(false);
  // A model directory (it holds an MLmodel file) of a run can be registered from here.
  const modelDir = source.kind === "run" && /(^|\/)MLmodel$/.test(selectedPath) ? selectedPath.replace(/\/?MLmodel$/, "") : undefined;
  return (
    <div class="artifacts">
      {modelDir !== undefined && source.kind === "run" && (
        <div class="register-bar row">
          <span class="muted">
            <span class="mono">{modelDir || "/"}</span> is an MLflow model.
          </span>
          <button type="button" class="primary small" onClick={() => setRegistering(true)}>
            Register model
          </button>
          {registering && <RegisterModelDialog source={`runs:/${source.runId}/${modelDir}`} runId={source.runId} onClose={() => setRegistering(false)} />}
        </div>
      )}
      <div class="card artifact-tree" role="tree">
        <Directory source={source} path="" depth={0} basePath={basePath} selectedPath={selectedPath} known={sizes} />
      </div>
      <div class="card artifact-view">
        {selectedPath ? (
          <ArtifactPreview source={source} path={selectedPath} size={selected?.file_size} />
        ) : (
          <p class="muted">Select a file to preview it.</p>
        )}
      </div>
    </div>
  );
}

interface DirProps {
  source: ArtifactSource;
  path: string;
  depth: number;
  basePath: string;
  selectedPath: string;
  known: Map<string, FileInfo>;
}

function Directory({ source, path, depth, basePath, selectedPath, known }: DirProps) {
  const [files, setFiles] = useState<FileInfo[] | undefined>();
  const [error, setError] = useState<unknown>();
  const [, rerender] = useState(0);
  useEffect(() => {
    let live = true;
    listDir(source, path).then(
      (f) => {
        if (!live) return;
        f.forEach((x) => known.set(x.path, x));
        setFiles(f);
        rerender((n) => n + 1);
      },
      (e) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [JSON.stringify(source), path]);
  if (error) return <ErrorBox error={error} title="Could not list artifacts." />;
  if (!files) return <Spinner />;
  if (files.length === 0 && depth === 0) return <p class="muted">No artifacts recorded.</p>;
  return (
    <ul class="tree" role="group">
      {files.map((f) => (
        <Entry key={f.path} file={f} source={source} depth={depth} basePath={basePath} selectedPath={selectedPath} known={known} />
      ))}
    </ul>
  );
}

function Entry({ file, ...rest }: Omit<DirProps, "path"> & { file: FileInfo }) {
  const name = file.path.split("/").pop() ?? file.path;

  const inSelection = rest.selectedPath === file.path || rest.selectedPath.startsWith(file.path + "/");
  const [open, setOpen] = useState(inSelection);
  if (file.is_dir) {
    return (
      <li role="treeitem" aria-expanded={open}>
        <button type="button" class="tree-item dir" style={{ paddingLeft: `${6 + rest.depth * 14}px` }} onClick={() => setOpen(!open)}>
          <span class="caret">{open ? "▾" : "▸"}</span> {name}
        </button>
        {open && <Directory {...rest} path={file.path} depth={rest.depth + 1} />}
      </li>
    );
  }
  return (
    <li role="treeitem">
      <a
        class={`tree-item file${rest.selectedPath === file.path ? " active" : ""}`}
        style={{ paddingLeft: `${20 + rest.depth * 14}px` }}
        href={href(`${rest.basePath}/${file.path}`)}
      >
        <span class="grow">{name}</span>
        <span class="muted small-text">{formatBytes(file.file_size)}</span>
      </a>
    </li>
  );
}
