/**
 * Scorers on the wire: MLflow 3.18's RegisterScorer, ListScorers, ListScorerVersions, GetScorer,
 * DeleteScorer (service.proto, handler schemas in server/handlers.py) and the two online scoring
 * config routes, which are plain JSON answered with Python's json.dumps.
 *
 * Quirks kept from the reference: RegisterScorer answers `experiment_id` as a string while the
 * Scorer message carries it as an int32 (a JSON number); online configs carry it as a string.
 */
import { invalidParameterType, MlflowError } from "../errors";
import { dict, pyDumps, type PyValue } from "../lib/python-json";
import type { OnlineConfigRow, ScorerVersion } from "../services/scorers";
import { anyValue, experimentId, int32, isArray, isIntLike, isString, isStringList, message, repeated, string } from "./message";
import type { Json } from "./proto-json";

export const RegisterScorer = message({
  experiment_id: experimentId().required().check(isString),
  name: string().required().check(isString),
  serialized_scorer: string().required().check(isString),
});

export const ListScorers = message({
  experiment_id: experimentId().check(isString),
  experiment_ids: repeated(experimentId()).check(isArray, isStringList),
});

export const ListScorerVersions = message({
  experiment_id: experimentId().required().check(isString),
  name: string().required().check(isString),
});

export const GetScorer = message({
  experiment_id: experimentId().required().check(isString),
  name: string().required().check(isString),
  version: int32().check(isIntLike),
});
export const DeleteScorer = GetScorer;

export const GetOnlineScoringConfigs = message({
  scorer_ids: repeated(string()).required().check(isArray, isStringList),
});

export const UpsertOnlineScoringConfig = message({
  experiment_id: experimentId().required().check(isString),
  name: string().required().check(isString),
  sample_rate: anyValue().required(),
  filter_string: anyValue(),
});

/** `float(sample_rate)`: numbers, numeric strings and bools; anything else is the client's error (MLflow: 500). */
export function sampleRate(v: unknown): number {
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v.trim()))) return Number(v.trim());
  throw invalidParameterType("sample_rate", v);
}

/** `filter_string` must be a string or None (MLflow's own check and message). */
export function filterString(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== "string") {
    const repr = typeof v === "number" || typeof v === "bigint" ? String(v) : typeof v === "boolean" ? (v ? "True" : "False") : JSON.stringify(v);
    const type = typeof v === "number" ? (Number.isInteger(v) ? "int" : "float") : typeof v === "boolean" ? "bool" : Array.isArray(v) ? "list" : "dict";
    throw MlflowError.invalidParameter(`Invalid value ${repr} for parameter 'filter_string' supplied: Value was of type '${type}'. Expected type 'str' or None.`);
  }
  return v;
}

export function registeredScorerToWire(s: ScorerVersion): Json {
  return {
    version: s.scorer_version,
    scorer_id: s.scorer_id,
    experiment_id: String(s.experiment_id),
    name: s.scorer_name,
    serialized_scorer: s.serialized_scorer,
    ...(s.creation_time !== null ? { creation_time: s.creation_time } : {}),
  };
}

export function scorerToWire(s: ScorerVersion): Json {
  const out: Json = { experiment_id: s.experiment_id, scorer_name: s.scorer_name, scorer_version: s.scorer_version, serialized_scorer: s.serialized_scorer };
  if (s.creation_time !== null) out.creation_time = s.creation_time;
  out.scorer_id = s.scorer_id;
  return out;
}

function onlineConfig(c: OnlineConfigRow): PyValue {
  const entries: [string, PyValue][] = [
    ["online_scoring_config_id", c.online_scoring_config_id],
    ["scorer_id", c.scorer_id],
    // A Python float: 0 is written 0.0, as MLflow's json.dumps writes it.
    ["sample_rate", c.sample_rate],
    ["experiment_id", String(c.experiment_id)],
  ];
  if (c.filter_string !== null) entries.push(["filter_string", c.filter_string]);
  return dict(entries);
}

/** The online-config answers are json.dumps text, byte for byte. */
const pythonJson = (v: PyValue) => new Response(pyDumps(v), { headers: { "content-type": "application/json" } });

export const onlineConfigsResponse = (configs: OnlineConfigRow[]) => pythonJson(dict([["configs", configs.map(onlineConfig)]]));
export const onlineConfigResponse = (config: OnlineConfigRow) => pythonJson(dict([["config", onlineConfig(config)]]));
