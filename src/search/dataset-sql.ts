/** GenAI dataset search clauses and order (dataset-filter.ts) as SQL over `evaluation_datasets d`. */
import { sql, type SQL } from "drizzle-orm";
import { compareSql } from "./comparator";
import type { DatasetClause, DatasetOrder } from "./dataset-filter";

const COLUMNS: Record<string, SQL> = {
  name: sql.raw("d.name"),
  created_time: sql.raw("d.created_time"),
  last_update_time: sql.raw("d.last_update_time"),
  created_by: sql.raw("d.created_by"),
  last_updated_by: sql.raw("d.last_updated_by"),
};

function rhs(c: DatasetClause): SQL {
  const v = c.value;
  if (v.kind === "list") return sql.join(v.values.map((x) => sql`${x}`), sql`, `);
  if (v.kind === "int") return sql`${v.value}::bigint`;
  return sql`${v.value}`;
}

export function datasetWhere(clauses: DatasetClause[]): SQL {
  const parts = clauses.map((c) =>
    c.type === "tag"
      ? sql`exists (select 1 from evaluation_dataset_tags t where t.dataset_id = d.dataset_id and t.key = ${c.key} and ${compareSql(sql`t.value`, c.comparator, rhs(c))})`
      : compareSql(COLUMNS[c.key]!, c.comparator, rhs(c)),
  );
  return parts.length > 0 ? sql.join(parts, sql` and `) : sql`true`;
}

/** The order, then dataset_id descending as MLflow's tie-breaker. NULLs sort as SQLAlchemy leaves them (Postgres' default). */
export function datasetOrderBy(order: DatasetOrder[]): SQL {
  return sql.join([...order.map((o) => sql`${COLUMNS[o.key]!} ${sql.raw(o.ascending ? "asc" : "desc")}`), sql`d.dataset_id desc`], sql`, `);
}
