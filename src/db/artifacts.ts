/** Where a run's or a model version's artifacts live: one statement per lookup. */
import { sql } from "drizzle-orm";
import type { Db } from "./client";

/** The run's artifact_uri and experiment; undefined when the run does not exist (deleted runs still resolve, as in MLflow). */
export async function findRunArtifactUri(db: Db, runId: string): Promise<{ artifactUri: string | null; experimentId: number } | undefined> {
  const result = await db.execute<{ artifact_uri: string | null; experiment_id: number }>(
    sql`select artifact_uri, experiment_id from runs where run_uuid = ${runId}`,
  );
  const row = result.rows[0];
  return row ? { artifactUri: row.artifact_uri ?? null, experimentId: Number(row.experiment_id) } : undefined;
}

/**
 * A model version's download URI (MLflow's `storage_location or source`), with `runs:/<run>/<path>`
 * and `models:/<model_id>` sources resolved to the run's or logged model's artifact location in
 * the same statement. Undefined when the version does not exist or was deleted.
 */
export async function findModelVersionArtifactUri(db: Db, name: string, version: number): Promise<string | null | undefined> {
  const result = await db.execute<{ uri: string | null; run_root: string | null; model_root: string | null }>(sql`
    with mv as (
      select coalesce(nullif(storage_location, ''), source) as uri
      from model_versions
      where name = ${name} and version = ${version} and current_stage is distinct from 'Deleted_Internal'
      limit 1
    )
    select mv.uri,
           (select r.artifact_uri from runs r
             where mv.uri like 'runs:/%' and r.run_uuid = split_part(substring(mv.uri from 7), '/', 1)) as run_root,
           (select lm.artifact_location from logged_models lm
             where mv.uri like 'models:/%' and lm.model_id = substring(mv.uri from 9)) as model_root
    from mv`);
  const row = result.rows[0];
  if (!row) return undefined;
  const uri = row.uri;
  if (uri === null) return null;
  if (uri.startsWith("runs:/")) {
    if (row.run_root === null) return null;
    const sub = uri.slice("runs:/".length).split("/").slice(1).join("/");
    return sub ? `${row.run_root.replace(/\/+$/, "")}/${sub}` : row.run_root;
  }
  if (uri.startsWith("models:/")) return row.model_root;
  return uri;
}

/** A logged model's artifact_location and experiment; undefined when it does not exist or was deleted. */
export async function findLoggedModelArtifactLocation(db: Db, modelId: string): Promise<{ location: string; experimentId: number } | undefined> {
  const result = await db.execute<{ artifact_location: string; experiment_id: number }>(
    sql`select artifact_location, experiment_id from logged_models where model_id = ${modelId} and lifecycle_stage is distinct from 'deleted'`,
  );
  const row = result.rows[0];
  return row ? { location: row.artifact_location, experimentId: Number(row.experiment_id) } : undefined;
}
