/**
 * WHERE and ORDER BY for search_logged_models, with the SQL store's semantics: metric filters and
 * metric sorting use each model's latest value of that metric (highest step, then timestamp, then
 * value) among metrics on the requested datasets; params and tags must exist and match; a datasets
 * list alone keeps models with some metric on one of those datasets. Deleted models never match.
 */
import { sql, type SQL } from "drizzle-orm";
import { MlflowError } from "../errors";
import { attributeColumn, LOGGED_MODEL_COLUMNS, type LoggedModelComparison } from "./logged-model-filter";
import { arrayParam } from "../lib/sql";
import { compareSql } from "./comparator";

export interface DatasetFilter {
  name: string;
  /** null matches metrics logged without a digest, as MLflow's handler asks for. */
  digest: string | null;
}

export interface LoggedModelOrder {
  field_name: string;
  ascending: boolean;
  dataset_name: string | null;
  dataset_digest: string | null;
}

const STATUS_NUMBERS: Record<string, number> = { UNSPECIFIED: 0, PENDING: 1, READY: 2, FAILED: 3 };

function datasetsCondition(datasets: DatasetFilter[]): SQL | undefined {
  if (datasets.length === 0) return undefined;
  const each = datasets.map((d) =>
    d.digest === null
      ? sql`(x.dataset_name = ${d.name} and x.dataset_digest is null)`
      : sql`(x.dataset_name = ${d.name} and x.dataset_digest = ${d.digest})`,
  );
  return sql`(${sql.join(each, sql` or `)})`;
}

/** The model's latest value of `name` among metrics satisfying `extra` (a scalar subquery). */
function latestMetric(name: string, extra: SQL[]): SQL {
  const where = [sql`x.model_id = lm.model_id`, sql`x.metric_name = ${name}`, ...extra];
  return sql`(select x.metric_value from logged_model_metrics x where ${sql.join(where, sql` and `)}
              order by x.metric_step desc, x.metric_timestamp_ms desc, x.metric_value desc limit 1)`;
}


function stringRhs(c: LoggedModelComparison): SQL {
  if (c.value.kind === "list") return sql.join(c.value.values.map((v) => sql`${v}`), sql`, `);
  if (c.value.kind === "string") return sql`${c.value.value}`;
  return sql`${c.value.value}::double precision`;
}

function attributeCondition(c: LoggedModelComparison): SQL {
  const column = sql`lm.${sql.raw(c.key)}`;
  if (c.key === "status") {
    const values = c.value.kind === "list" ? c.value.values : c.value.kind === "string" ? [c.value.value] : [];
    const numbers = values.map((v) => {
      const n = STATUS_NUMBERS[v];
      if (n === undefined) {
        throw MlflowError.invalidParameter(`Unknown model status in filter: ${c.value.kind === "list" ? `(${values.map((x) => `'${x}'`).join(", ")}${values.length === 1 ? "," : ""})` : `'${v}'`}`);
      }
      return sql`${n}`;
    });
    if (!["=", "!=", "IN", "NOT IN"].includes(c.op)) throw MlflowError.invalidParameter(`Invalid comparison operator for status: ${c.op}`);
    return compareSql(column, c.op, sql.join(numbers, sql`, `));
  }
  if (c.key === "experiment_id") return compareSql(sql`${column}::text`, c.op, stringRhs(c));
  return compareSql(column, c.op, stringRhs(c));
}

export function loggedModelWhere(experimentIds: number[], comparisons: LoggedModelComparison[], datasets: DatasetFilter[]): SQL {
  const parts: SQL[] = [sql`lm.lifecycle_stage <> 'deleted'`, sql`lm.experiment_id = any(${arrayParam(experimentIds, "integer")})`];
  const ds = datasetsCondition(datasets);
  let metricFilters = false;
  for (const c of comparisons) {
    if (c.entity === "attributes") {
      parts.push(sql`(${attributeCondition(c)})`);
    } else if (c.entity === "metrics") {
      metricFilters = true;
      parts.push(compareSql(latestMetric(c.key, ds ? [ds] : []), c.op, stringRhs(c)));
    } else if (c.entity === "params") {
      parts.push(sql`exists (select 1 from logged_model_params p where p.model_id = lm.model_id and p.param_key = ${c.key}
                             and ${compareSql(sql`p.param_value`, c.op, stringRhs(c))})`);
    } else {
      parts.push(sql`exists (select 1 from logged_model_tags g where g.model_id = lm.model_id and g.tag_key = ${c.key}
                             and ${compareSql(sql`g.tag_value`, c.op, stringRhs(c))})`);
    }
  }
  if (ds && !metricFilters) parts.push(sql`exists (select 1 from logged_model_metrics x where x.model_id = lm.model_id and ${ds})`);
  return sql.join(parts, sql` and `);
}

/** ORDER BY: nulls last for every key, then creation time DESC and model id as tie-breakers. */
export function loggedModelOrderBy(order: LoggedModelOrder[], datasets: DatasetFilter[]): SQL {
  const items: SQL[] = [];
  let hasCreation = false;
  let hasModelId = false;
  const ds = datasetsCondition(datasets);
  for (const o of order) {
    const dir = sql.raw(o.ascending ? "asc" : "desc");
    if (!o.field_name.includes(".")) {
      const column = attributeColumn(o.field_name);
      if (!LOGGED_MODEL_COLUMNS.includes(column)) throw MlflowError.invalidParameter(`Invalid order by field name: ${o.field_name}`);
      if (column === "creation_timestamp_ms") hasCreation = true;
      if (column === "model_id") hasModelId = true;
      const col = sql.raw(`lm.${column}`);
      items.push(sql`(${col} is null) asc`, sql`${col} ${dir}`);
      continue;
    }
    const dot = o.field_name.indexOf(".");
    if (o.field_name.slice(0, dot) !== "metrics") {
      throw MlflowError.invalidParameter(`Invalid order by field name: ${o.field_name}. Only metrics are supported.`);
    }
    const extra = ds ? [ds] : [];
    if (o.dataset_name) extra.push(sql`x.dataset_name = ${o.dataset_name}`);
    if (o.dataset_digest) extra.push(sql`x.dataset_digest = ${o.dataset_digest}`);
    const value = latestMetric(o.field_name.slice(dot + 1), extra);
    items.push(sql`(${value} is null) asc`, sql`${value} ${dir}`);
  }
  if (!hasCreation) items.push(sql`lm.creation_timestamp_ms desc`);
  if (!hasModelId) items.push(sql`lm.model_id asc`);
  return sql.join(items, sql`, `);
}
