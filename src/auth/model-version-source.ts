/**
 * Registering a model version reads its source: afterwards its files are served, and its source
 * revealed, to anyone who may read the registered model. So, as MLflow's auth app does, the caller
 * must be able to read everything the request names as a source: the run (`run_id`, `runs:/…`),
 * the logged model (`model_id`, `models:/m-…`), another registered model (`models:/<name>/…`), and
 * any location in our artifact store (by the experiment namespace it lies in).
 */
import { experimentOfStorePath, namespaceRoot, storePathOfLocation } from "../artifacts/locations";
import type { Config } from "../env";
import { parseModelUri, runIdOfRunsUri, urlparse } from "../lib/mlflow-uris";
import type { AccessCheck, Target } from "./access";

export interface VersionSource {
  source?: string;
  run_id?: string;
  model_id?: string;
}

/** The resources a model version's source names; `null` stands for a location no experiment owns. */
export function sourceTargets(m: VersionSource, config: Config): (Target | null)[] {
  const targets: (Target | null)[] = [];
  if (m.run_id) targets.push({ runId: m.run_id });
  if (m.model_id) targets.push({ loggedModelId: m.model_id });
  const source = m.source ?? "";
  const scheme = urlparse(source).scheme;
  if (scheme === "runs") {
    const runId = runIdOfRunsUri(source);
    targets.push(runId ? { runId } : null);
  } else if (scheme === "models") {
    const parsed = parseModelUri(source);
    if (parsed?.modelId) targets.push({ loggedModelId: parsed.modelId });
    else if (parsed?.name) targets.push({ registeredModel: parsed.name });
  } else {
    let storePath: string | null = null;
    try {
      storePath = storePathOfLocation(source, config.artifacts);
    } catch {
      storePath = null; // not in our store: the server never reads it
    }
    if (storePath !== null) {
      const experimentId = experimentOfStorePath(storePath, namespaceRoot(config.defaultArtifactRoot, config.artifacts));
      targets.push(experimentId ? { experimentId } : null);
    }
  }
  return targets;
}

export async function canReadVersionSource(m: VersionSource, check: AccessCheck, config: Config): Promise<boolean> {
  for (const target of sourceTargets(m, config)) {
    if (!(await check.can("read", target))) return false;
  }
  return true;
}
