/** Artifacts that every compared run has (same path), each linking to that file in each run. */
import { api } from "../api";
import { runColor } from "../colors";
import { href } from "../router";
import { runName } from "../runs-model";
import type { FileInfo, Run } from "../types";
import { ErrorBox, Spinner, useAsync } from "./common";

const MAX_FILES = 500;

/** Files of a run up to two directory levels deep (enough for plots/, model/ and the like). */
async function listFiles(runId: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (path: string, depth: number) => {
    const res = await api.get<{ files?: FileInfo[] }>("/artifacts/list", { run_id: runId, path: path || undefined });
    for (const f of res.files ?? []) {
      if (out.length >= MAX_FILES) return;
      if (f.is_dir) {
        if (depth < 2) await walk(f.path, depth + 1);
      } else out.push(f.path);
    }
  };
  await walk("", 0);
  return out;
}

export function CommonArtifacts({ runs }: { runs: Run[] }) {
  const res = useAsync(async () => {
    const lists = await Promise.all(runs.map((r) => listFiles(r.info.run_id)));
    const [first, ...rest] = lists;
    return (first ?? []).filter((p) => rest.every((l) => l.includes(p))).sort();
  }, [runs.map((r) => r.info.run_id).join(",")]);
  return (
    <section class="card" data-testid="common-artifacts">
      <div class="card-head">
        <h2>Artifacts in every run</h2>
      </div>
      <ErrorBox error={res.error} title="Could not list artifacts." />
      {res.loading && !res.data && <Spinner />}
      {res.data && res.data.length === 0 && <p class="muted">No artifact path is shared by all these runs.</p>}
      {res.data && res.data.length > 0 && (
        <table class="table compact">
          <tbody>
            {res.data.map((path) => (
              <tr key={path}>
                <th class="mono">{path}</th>
                <td>
                  {runs.map((r) => (
                    <a key={r.info.run_id} class="chip" href={href(`/experiments/${r.info.experiment_id}/runs/${r.info.run_id}/artifacts/${path}`)}>
                      <span class="swatch" style={{ background: runColor(r) }} />
                      {runName(r)}
                    </a>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
