/**
 * Registered scorers and their online scoring configs, with the rules of MLflow 3.18's SQL store
 * (store/tracking/sqlalchemy_store.py: register_scorer, list_scorers, get_scorer, delete_scorer,
 * list_scorer_versions, get_online_scoring_configs, upsert_online_scoring_config).
 *
 * A scorer whose judge model is a gateway endpoint (`gateway:/<name>`) is stored with the
 * endpoint's id and read back with its current name, as MLflow does; list answers re-serialize
 * every scorer (`json.dumps(json.loads(...))`), get and register answer the stored text.
 */
import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { experimentScopeSql, type ExperimentScope } from "../db/experiment-scope";
import { retryOnUniqueRace } from "../db/races";
import * as repo from "../db/scorers";
import { MlflowError } from "../errors";
import { isDict, pyDumps, pyLoads, type PyValue } from "../lib/python-json";
import { parseExperimentId } from "./validation";
import {
  extractModel,
  gatewayEndpointOf,
  gatewayModel,
  parseSerializedScorer,
  replaceModel,
  scorerDict,
  validateModel,
  validateScorerName,
  validateScorerPayload,
} from "./scorer-payload";
import { validateOnlineScoring } from "./scorer-online";

export type { ScorerVersionRow, OnlineConfigRow } from "../db/scorers";

export interface ScorerVersion extends repo.ScorerVersionRow {}

const EXPERIMENT_ID = /^[a-zA-Z0-9][\w-]{0,63}$/;

function checkStage(experimentId: number, stage: string | null): void {
  if (stage === null) throw MlflowError.notFound(`No Experiment with id=${experimentId} exists`);
  if (stage !== "active") throw MlflowError.invalidParameter(`The experiment ${experimentId} must be in the 'active' state. Current state is ${stage}.`);
}

const scorerNotFound = (name: string, experimentId: string) => MlflowError.notFound(`Scorer with name '${name}' not found for experiment ${experimentId}.`);
const versionNotFound = (name: string, version: number, experimentId: string) =>
  MlflowError.notFound(`Scorer with name '${name}' and version ${version} not found for experiment ${experimentId}.`);

/** The stored text with gateway endpoint ids turned back into names (null when the endpoint is gone). */
function resolveStored(serialized: string, endpoints: repo.EndpointNames, redump: boolean): string {
  let parsed: PyValue;
  try {
    parsed = pyLoads(serialized);
  } catch {
    return serialized; // not ours to fix: rows written elsewhere are answered as stored
  }
  if (!isDict(parsed)) return redump ? pyDumps(parsed) : serialized;
  const endpointId = gatewayEndpointOf(extractModel(parsed));
  if (endpointId === null) return redump ? pyDumps(parsed) : serialized;
  const name = endpoints[endpointId];
  return pyDumps(replaceModel(parsed, name ? gatewayModel(name) : null));
}

const resolveRows = (rows: repo.ScorerVersionRow[], endpoints: repo.EndpointNames, redump: boolean): ScorerVersion[] =>
  rows.map((r) => ({ ...r, serialized_scorer: resolveStored(r.serialized_scorer, endpoints, redump) }));

export async function registerScorer(
  db: Db,
  input: { experimentId: string; name: string; serialized: string; customScorersEnabled: boolean },
): Promise<ScorerVersion & { experiment_id_text: string }> {
  const parsed = parseSerializedScorer(input.serialized);
  validateScorerPayload(parsed, input.customScorersEnabled);
  validateScorerName(input.name);
  const experimentId = parseExperimentId(input.experimentId);
  // MLflow checks the experiment before the model; a model problem or a gateway model needs the
  // experiment's state (and the endpoint's id) first, in one read.
  let serialized = input.serialized;
  let endpointId: string | null = null;
  let answer = input.serialized;
  let problem: unknown = null;
  let endpointName: string | null = null;
  try {
    const d = scorerDict(parsed);
    const model = extractModel(d);
    validateModel(model);
    endpointName = gatewayEndpointOf(model);
  } catch (e) {
    problem = e;
  }
  if (problem !== null || endpointName !== null) {
    const stage = (await repo.scorerVersions(db, experimentId, input.name, "latest")).stage;
    checkStage(experimentId, stage);
    if (problem !== null) throw problem;
    endpointId = (await repo.findEndpointIdByName(db, endpointName!)) ?? null;
    if (endpointId === null) throw MlflowError.notFound(`GatewayEndpoint not found (name='${endpointName}')`);
    const d = parsed as Map<string, PyValue>;
    serialized = pyDumps(replaceModel(d, gatewayModel(endpointId)));
    answer = pyDumps(replaceModel(d, gatewayModel(endpointName!)));
  }
  const now = Date.now();
  const newScorerId = crypto.randomUUID();
  // Each collision means another registration won; with N concurrent ones every one lands within N tries.
  const res = await retryOnUniqueRace(() => repo.insertScorerVersion(db, { experimentId, name: input.name, newScorerId, serialized, now, endpointId }), 16);
  checkStage(experimentId, res.stage);
  return {
    experiment_id: experimentId,
    experiment_id_text: String(experimentId),
    scorer_name: input.name,
    scorer_id: res.scorerId!,
    scorer_version: res.version!,
    serialized_scorer: answer,
    creation_time: now,
  };
}

/**
 * list_scorers: one experiment (checked), the listed experiments (active ones only), or every
 * active experiment; `scope` narrows to what the caller may read (src/db/experiment-scope.ts).
 */
export async function listScorers(
  db: Db,
  input: { experimentId?: string; experimentIds?: string[]; scope?: ExperimentScope | null },
): Promise<ScorerVersion[]> {
  if (input.experimentId && input.experimentIds !== undefined) {
    throw MlflowError.invalidParameter(
      "Cannot specify both 'experiment_id' and 'experiment_ids'. Use 'experiment_ids' to scope the query to multiple experiments, or 'experiment_id' to scope it to a single experiment.",
    );
  }
  const scope = experimentScopeSql(input.scope ?? null, sql`s.experiment_id`);
  if (input.experimentIds !== undefined) {
    const ids = [...new Set(input.experimentIds)];
    for (const id of ids) if (!EXPERIMENT_ID.test(id)) throw MlflowError.invalidParameter(`Invalid experiment ID: '${id}'`);
    const parsed = ids.map(parseExperimentId);
    if (parsed.length === 0) return [];
    const active = await repo.activeExperimentIds(db, parsed);
    if (active.length === 0) return [];
    const { rows, endpoints } = await repo.latestScorerVersions(db, active, scope);
    return resolveRows(rows, endpoints, true);
  }
  if (input.experimentId) {
    const experimentId = parseExperimentId(input.experimentId);
    const { rows, endpoints, stage } = await repo.latestScorerVersions(db, [experimentId], scope);
    checkStage(experimentId, stage);
    return resolveRows(rows, endpoints, true);
  }
  const { rows, endpoints } = await repo.latestScorerVersions(db, null, scope);
  return resolveRows(rows, endpoints, true);
}

export async function listScorerVersions(db: Db, rawExperimentId: string, name: string): Promise<ScorerVersion[]> {
  const experimentId = parseExperimentId(rawExperimentId);
  const res = await repo.scorerVersions(db, experimentId, name, "all");
  checkStage(experimentId, res.stage);
  if (res.rows.length === 0) throw scorerNotFound(name, rawExperimentId);
  return resolveRows(res.rows, res.endpoints, true);
}

export async function getScorer(db: Db, rawExperimentId: string, name: string, version: number | undefined): Promise<ScorerVersion> {
  const experimentId = parseExperimentId(rawExperimentId);
  const res = await repo.scorerVersions(db, experimentId, name, version ?? "latest");
  checkStage(experimentId, res.stage);
  if (res.scorerId === null) throw scorerNotFound(name, rawExperimentId);
  if (res.rows.length === 0) throw version !== undefined ? versionNotFound(name, version, rawExperimentId) : scorerNotFound(name, rawExperimentId);
  return resolveRows(res.rows, res.endpoints, false)[0]!;
}

export async function deleteScorer(db: Db, rawExperimentId: string, name: string, version: number | undefined): Promise<void> {
  const experimentId = parseExperimentId(rawExperimentId);
  const res = await repo.deleteScorer(db, experimentId, name, version ?? null);
  checkStage(experimentId, res.stage);
  if (res.deleted > 0) return;
  // A whole scorer deleted by this statement no longer exists either: only "nothing deleted" is an error.
  if (!res.scorerFound || version === undefined) throw scorerNotFound(name, rawExperimentId);
  throw versionNotFound(name, version, rawExperimentId);
}

export async function getOnlineScoringConfigs(db: Db, scorerIds: string[]): Promise<repo.OnlineConfigRow[]> {
  if (scorerIds.length === 0) return [];
  return repo.onlineConfigs(db, scorerIds);
}

export async function upsertOnlineScoringConfig(
  db: Db,
  input: { experimentId: string; name: string; sampleRate: number; filterString: string | null },
): Promise<repo.OnlineConfigRow> {
  const { sampleRate, filterString } = input;
  if (!(sampleRate >= 0 && sampleRate <= 1)) {
    throw MlflowError.invalidParameter(`sample_rate must be between 0.0 and 1.0, got ${pyFloat(sampleRate)}`);
  }
  if (filterString) validateOnlineScoring.filter(filterString);
  const experimentId = parseExperimentId(input.experimentId);
  const res = await repo.scorerVersions(db, experimentId, input.name, "latest");
  checkStage(experimentId, res.stage);
  const latest = res.rows[0];
  if (res.scorerId === null) throw scorerNotFound(input.name, input.experimentId);
  if (latest && sampleRate > 0) validateOnlineScoring.scorer(input.name, latest.serialized_scorer);
  const scorerId = res.scorerId;
  const config: repo.OnlineConfigRow = {
    online_scoring_config_id: crypto.randomUUID().replace(/-/g, ""),
    scorer_id: scorerId,
    sample_rate: sampleRate,
    experiment_id: experimentId,
    filter_string: filterString,
  };
  if (!(await repo.replaceOnlineConfig(db, config))) throw scorerNotFound(input.name, input.experimentId);
  return config;
}

/** Python's str(float) of a number that arrived as int or float. */
function pyFloat(v: number): string {
  return Number.isInteger(v) ? `${v}.0` : String(v);
}
