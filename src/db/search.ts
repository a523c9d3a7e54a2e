/** One statement per search page: filter, order, offset and limit, with each row's details. */
import { and, inArray, notInArray, sql, type SQL } from "drizzle-orm";
import type { Db } from "./client";
import { experimentColumns, type ExperimentRow } from "./experiments";
import { RUN_DETAILS_COLUMNS, toRunDetails, type RunDetails } from "./runs";
import { experiments } from "./schema/tracking";
import { arrayParam } from "../lib/sql";

/** A caller's read scope over experiments (see src/auth/access.ts): ids to keep, or ids to leave out. */
export type ExperimentScope = { include: string[] } | { exclude: string[] } | null;

export interface PageQuery {
  where: SQL | undefined;
  orderBy: SQL[];
  offset: number;
  /** Rows to fetch (callers ask for one more than the page size to detect a next page). */
  limit: number | null;
  stages: string[];
  scope?: ExperimentScope;
}

/**
 * `column = value` for one value, `column = any(array)` otherwise. Postgres 15 cannot read an index
 * in order under `= any(...)`, so the common single-experiment search would sort every run of the
 * experiment instead of walking edge_runs_experiment_start_time (see schema/additions.ts).
 */
function oneOf(column: SQL, values: readonly (string | number)[], type: "int" | "varchar"): SQL {
  return values.length === 1 ? sql`${column} = ${values[0]}` : sql`${column} = any(${arrayParam([...values], type)})`;
}

export async function searchRunsPage(db: Db, experimentIds: number[], q: PageQuery): Promise<RunDetails[]> {
  const where = q.where ? sql`and (${q.where})` : sql``;
  const result = await db.execute<Record<string, unknown>>(sql`
    select ${RUN_DETAILS_COLUMNS} from runs
    where ${oneOf(sql`runs.experiment_id`, experimentIds, "int")}
      and ${oneOf(sql`runs.lifecycle_stage`, q.stages, "varchar")} ${where}
    order by ${sql.join(q.orderBy, sql`, `)}
    offset ${q.offset} ${q.limit === null ? sql`` : sql`limit ${q.limit}`}`);
  return result.rows.map(toRunDetails);
}

export async function searchExperimentsPage(db: Db, q: PageQuery): Promise<ExperimentRow[]> {
  const query = db
    .select(experimentColumns)
    .from(experiments)
    .where(and(inArray(experiments.lifecycleStage, q.stages), q.where, scopeCondition(q.scope)))
    .orderBy(...q.orderBy)
    .offset(q.offset);
  const rows = q.limit === null ? await query : await query.limit(q.limit);
  return rows as ExperimentRow[];
}

function scopeCondition(scope: ExperimentScope | undefined): SQL | undefined {
  if (!scope) return undefined;
  const ids = ("include" in scope ? scope.include : scope.exclude).filter((id) => /^[0-9]+$/.test(id)).map(Number);
  if ("include" in scope) return ids.length > 0 ? inArray(experiments.experimentId, ids) : sql`false`;
  return ids.length > 0 ? notInArray(experiments.experimentId, ids) : undefined;
}
