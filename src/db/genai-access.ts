/**
 * Lookups the permission checks make for GenAI resources, which MLflow's auth app authorizes
 * through experiments: a dataset through the experiments it is linked to, an online scoring config
 * through its experiment.
 */
import { sql } from "drizzle-orm";
import type { Db } from "./client";
import { arrayParam } from "../lib/sql";

/** The experiments a GenAI dataset is linked to (entity_associations), as id strings. */
export async function datasetExperimentIds(db: Db, datasetId: string): Promise<string[]> {
  const result = await db.execute<{ id: string }>(sql`
    select destination_id as id from entity_associations
    where source_type = 'evaluation_dataset' and source_id = ${datasetId} and destination_type = 'experiment'`);
  return result.rows.map((r) => r.id);
}

/** The experiments of the online scoring configs of these scorers. */
export async function onlineConfigExperimentIds(db: Db, scorerIds: string[]): Promise<string[]> {
  const result = await db.execute<{ id: number }>(sql`
    select distinct experiment_id as id from online_scoring_configs where scorer_id = any(${arrayParam(scorerIds, "varchar")})`);
  return result.rows.map((r) => String(r.id));
}
