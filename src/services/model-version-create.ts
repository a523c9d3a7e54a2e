/**
 * Model-version creation: source validation and resolution as MLflow 3.18's handler and SQL store
 * do it, then one insert. Sources are runs:/ URIs of the given run, models:/ URIs (a logged model
 * id, or another registered version, normalised to models:/<name>/<version>), or artifact URIs
 * inside the given run's or model's artifact root. Versions are READY at once.
 */
import { findRunArtifactUri } from "../db/artifacts";
import type { Db } from "../db/client";
import { findLoggedModel, type LoggedModelJson } from "../db/logged-models";
import { pyJson } from "../lib/python-repr";
import * as versions from "../db/model-versions";
import * as repo from "../db/registered-models";
import { sqlState } from "../db/client";
import { MlflowError } from "../errors";
import {
  assertHostAllowed,
  assertNoRelativePaths,
  invalidSourceFor,
  isLocalUri,
  isMlflowArtifactSource,
  isWithinRoot,
  parseModelUri,
  runIdOfRunsUri,
  urlparse,
} from "./model-source";
import { canonicalStage, validateModelName, validateModelVersionTag } from "./registry-validation";
import { getModelVersion } from "./model-versions";
import { getLatestVersions, getVersionByAlias, IS_PROMPT_TAG, modelNotFound } from "./registered-models";

const PROMPT_SOURCES = ["dummy-source", "prompt-template"];
const MODEL_VERSIONS_TAG = "mlflow.modelVersions";
const CREATE_RETRIES = 3;

export interface CreateModelVersionInput {
  name?: string;
  source?: string;
  /** undefined when the request did not carry the field (MLflow distinguishes it from ""). */
  runId?: string;
  modelId?: string;
  runLink?: string;
  description?: string;
  tags: { key: string; value: string }[];
}

async function runArtifactRoot(db: Db, runId: string, source: string): Promise<string> {
  const run = await findRunArtifactUri(db, runId);
  if (run === undefined) throw invalidSourceFor(source, "run_id");
  return run.artifactUri ?? "";
}

async function modelArtifactRoot(db: Db, modelId: string, source: string): Promise<string> {
  const model = await findLoggedModel(db, modelId, false);
  if (!model) throw invalidSourceFor(source, "model_id");
  return model.artifact_location;
}

function localSourceError(source: string, idName: "run_id" | "model_id"): MlflowError {
  const owner = idName === "run_id" ? "the run specified by the run_id" : "the run specified by the model_id";
  return MlflowError.invalidParameter(
    `Invalid model version source: '${source}'. To use a local path as a model version source, the ${idName} request parameter has to be specified and the local path has to be contained within the artifact directory of ${owner}.`,
  );
}

/** MLflow's _validate_source_run. Our artifact roots are never local, so local paths always fail. */
async function validateSourceRun(db: Db, source: string, runId: string): Promise<void> {
  if (isLocalUri(source)) throw localSourceError(source, "run_id");
  assertNoRelativePaths(source);
  const p = urlparse(source);
  if (p.scheme === "runs") {
    if (p.netloc) throw invalidSourceFor(source, "run_id");
    const sourceRun = runIdOfRunsUri(source);
    if (sourceRun === null) throw invalidSourceFor(source, "run_id");
    if (runId && sourceRun === runId) return;
    throw invalidSourceFor(source, "run_id");
  }
  if (p.scheme === "models") {
    if (p.netloc) throw invalidSourceFor(source, "model_id");
    const parsed = parseModelUri(source);
    if (!parsed || parsed.modelId !== undefined) throw invalidSourceFor(source, "model_id");
  }
  if (isMlflowArtifactSource(source)) {
    if (runId && isWithinRoot(source, await runArtifactRoot(db, runId, source))) return;
    throw invalidSourceFor(source, "run_id");
  }
}

/** MLflow's _validate_source_model. */
async function validateSourceModel(db: Db, source: string, modelId: string): Promise<void> {
  if (isLocalUri(source)) throw localSourceError(source, "model_id");
  assertNoRelativePaths(source);
  const p = urlparse(source);
  if (p.scheme === "models") {
    if (p.netloc) throw invalidSourceFor(source, "model_id");
    const parsed = parseModelUri(source);
    if (!parsed) throw invalidSourceFor(source, "model_id");
    if (parsed.modelId !== undefined) {
      if (parsed.modelId === modelId) return;
      throw invalidSourceFor(source, "model_id");
    }
  }
  if (p.scheme === "runs") throw invalidSourceFor(source, "model_id");
  if (isMlflowArtifactSource(source)) {
    if (isWithinRoot(source, await modelArtifactRoot(db, modelId, source))) return;
    throw invalidSourceFor(source, "model_id");
  }
}

/** A models:/<name>/<version|stage|latest> or models:/<name>@<alias> URI to its version number. */
async function resolveVersion(db: Db, name: string, ref: { version?: string; stage?: string; alias?: string }): Promise<number> {
  if (ref.version !== undefined) return Number(ref.version);
  if (ref.alias !== undefined) return (await getVersionByAlias(db, name, ref.alias)).version;
  const latest = await getLatestVersions(db, name, ref.stage === undefined ? [] : [canonicalStage(ref.stage)]);
  if (latest.length === 0) {
    throw MlflowError.notFound(`No versions of model with name '${name}'${ref.stage === undefined ? "" : ` and stage '${ref.stage}'`} found`);
  }
  return Math.max(...latest.map((v) => v.version));
}

/**
 * MLflow's _resolve_registered_model_source_lineage: a models:/ source naming another registered
 * version is pinned to models:/<name>/<version>, inheriting that version's run.
 */
async function resolveLineage(
  db: Db,
  source: string,
  runId: string | undefined,
  modelId: string | undefined,
): Promise<{ source: string; runId: string | undefined; modelId: string | undefined }> {
  const p = urlparse(source);
  if (p.scheme !== "models") return { source, runId, modelId };
  if (p.netloc) {
    throw MlflowError.invalidParameter(`Invalid model version source: '${source}'. Registered model sources must use the active model registry.`);
  }
  const parsed = parseModelUri(source);
  if (!parsed) throw invalidSourceFor(source, "model_id");
  if (parsed.modelId !== undefined) return { source, runId, modelId };
  const model = await repo.findRegisteredModel(db, parsed.name!);
  if (!model) throw modelNotFound(parsed.name!);
  if (model.tags.some((t) => t.key === IS_PROMPT_TAG && (t.value ?? "").toLowerCase() === "true")) {
    throw MlflowError.invalidParameter(`Invalid model version source: '${source}'. Prompt versions cannot be used as model version sources.`);
  }
  const version = await resolveVersion(db, parsed.name!, parsed);
  const mv = await getModelVersion(db, parsed.name!, String(version));
  if ((runId !== undefined && (runId || "") !== (mv.run_id || "")) || (modelId !== undefined && (modelId || "") !== "")) {
    throw MlflowError.invalidParameter(
      `Invalid model version source: '${source}'. The run_id and model_id request parameters must match the referenced model version.`,
    );
  }
  return { source: `models:/${parsed.name}/${mv.version}`, runId: runId !== undefined ? runId : (mv.run_id ?? undefined), modelId };
}

export async function createModelVersion(db: Db, artifactRoot: string, input: CreateModelVersionInput): Promise<repo.ModelVersionJson> {
  // Logged models are read at most once per request (validation, storage location, run id, tag).
  const models = new Map<string, Promise<LoggedModelJson | undefined>>();
  const loggedModel = (id: string) => {
    if (!models.has(id)) models.set(id, findLoggedModel(db, id, false));
    return models.get(id)!;
  };
  const tagMap = new Map(input.tags.map((t) => [t.key, t.value]));
  const isPrompt = (tagMap.get(IS_PROMPT_TAG) ?? "false").toLowerCase() === "true";
  let source = input.source ?? "";
  if (isPrompt && !PROMPT_SOURCES.includes(source)) {
    throw MlflowError.invalidParameter(`Invalid prompt source: '${source}'. Prompt sources must use an MLflow placeholder.`);
  }
  assertHostAllowed(source, "source", artifactRoot);
  let runId = input.runId;
  let modelId = input.modelId;
  if (!isPrompt) {
    ({ source, runId, modelId } = await resolveLineage(db, source, runId, modelId));
    if (modelId) await validateSourceModel(db, source, modelId);
    else await validateSourceRun(db, source, runId ?? "");
  }
  // The SQL store's own checks and resolution.
  const name = validateModelName(input.name);
  input.tags.forEach((t) => validateModelVersionTag(t.key, t.value));
  let storageLocation = source;
  let linkedModel: LoggedModelJson | undefined;
  const parsed = urlparse(source).scheme === "models" ? parseModelUri(source) : null;
  if (parsed?.modelId !== undefined && parsed !== null) {
    const model = await loggedModel(parsed.modelId);
    if (!model) throw MlflowError.notFound(`Logged model with ID '${parsed.modelId}' not found.`);
    storageLocation = model.artifact_location;
    runId = runId || model.source_run_id || runId;
  } else if (parsed) {
    storageLocation = (await versions.findDownloadUri(db, parsed.name!, Number(parsed.version))) ?? source;
  }
  if (modelId) {
    const model = await loggedModel(modelId);
    if (!model) throw MlflowError.notFound(`Logged model with ID '${modelId}' not found.`);
    if (!runId) runId = model.source_run_id ?? runId;
    if (!isPrompt) linkedModel = model;
  }
  const tags = [...tagMap.entries()].map(([key, value]) => ({ key, value }));
  const row: versions.NewModelVersion = {
    name,
    source,
    storageLocation,
    runId: runId ?? "",
    runLink: input.runLink ?? "",
    description: input.description ?? "",
    tags,
    now: Date.now(),
    linkModel: linkedModel ? versionListUpdate(linkedModel, name) : undefined,
  };
  let created: repo.ModelVersionJson | undefined;
  for (let attempt = 0; ; attempt++) {
    try {
      created = await versions.insertModelVersion(db, row);
      break;
    } catch (e) {
      // Two creations raced for the same number; the store retries with a fresh maximum.
      if (sqlState(e) !== "23505" || attempt + 1 >= CREATE_RETRIES) throw e;
    }
  }
  if (!created) throw modelNotFound(name);
  return created;
}

/**
 * How to append {name, version} to the logged model's mlflow.modelVersions tag, as MLflow's
 * set_model_versions_tags does (a JSON list, re-serialised by Python's json.dumps; an entry
 * already present is not repeated). The version number is only known inside the insert.
 */
function versionListUpdate(model: LoggedModelJson, name: string): NonNullable<versions.NewModelVersion["linkModel"]> {
  const existing = model.tags.find((t) => t.key === MODEL_VERSIONS_TAG)?.value;
  let list: unknown[] = [];
  if (existing) {
    try {
      const parsed: unknown = JSON.parse(existing);
      if (Array.isArray(parsed)) list = parsed;
    } catch {
      list = [];
    }
  }
  const listed = list
    .filter((x): x is { name: unknown; version: unknown } => !!x && typeof x === "object" && Object.keys(x).length === 2)
    .filter((x) => x.name === name && Number.isInteger(x.version))
    .map((x) => x.version as number);
  return { modelId: model.model_id, listPrefix: list.length > 0 ? pyJson(list).slice(0, -1) : null, listed, entryName: pyJson(name) };
}
