/**
 * search_logged_models filters, as MLflow 3.18's search_logged_model_utils parses them: an
 * AND-chain of `<entity>.<key> <op> <value>` where entity is attributes, metrics, params or tags
 * (a bare key is an attribute). Numeric entities take floats; strings lose surrounding single
 * quotes only (MLflow's `strip("'")`); a parenthesised value is a Python tuple literal.
 */
import { MlflowError } from "../errors";
import { groupTokens, joinKeywordComparisons } from "./group";
import { tokenize } from "./lexer";
import { checkClauseCount } from "./limits";
import { pyRepr } from "../lib/python-repr";
import { parsePyTuple } from "./py-literal";

export type LoggedModelEntity = "attributes" | "metrics" | "params" | "tags";

export interface LoggedModelComparison {
  entity: LoggedModelEntity;
  key: string;
  op: string;
  value: { kind: "number"; value: number } | { kind: "string"; value: string } | { kind: "list"; values: string[] };
}

const ALIASES: Record<string, string> = {
  creation_time: "creation_timestamp_ms",
  creation_timestamp: "creation_timestamp_ms",
  last_updated_timestamp: "last_updated_timestamp_ms",
};
const NUMERIC_ATTRIBUTES = ["creation_timestamp_ms", "last_updated_timestamp_ms"];
const NUMERIC_OPS = ["<", "<=", ">", ">=", "=", "!="];
const STRING_OPS = ["=", "!=", "LIKE", "ILIKE", "IN", "NOT IN"];

/** Attribute columns a filter or order_by may name (MLflow's SqlLoggedModel columns). */
export const LOGGED_MODEL_COLUMNS = [
  "model_id",
  "experiment_id",
  "name",
  "artifact_location",
  "creation_timestamp_ms",
  "last_updated_timestamp_ms",
  "status",
  "lifecycle_stage",
  "model_type",
  "source_run_id",
  "status_message",
];

export function attributeColumn(key: string): string {
  return ALIASES[key] ?? key;
}

const bad = (message: string): never => {
  throw MlflowError.invalidParameter(message);
};

const pyTuple = (xs: string[]) => `(${xs.map(pyRepr).join(", ")}${xs.length === 1 ? "," : ""})`;

function entityOf(identifier: string): { entity: LoggedModelEntity; key: string } {
  const m = /^([a-z]+)\.(.+)$/s.exec(identifier);
  if (m) {
    const entity = m[1]!;
    if (!["attributes", "metrics", "params", "tags"].includes(entity)) {
      bad(`Invalid entity type: ${pyRepr(entity)}. Expected one of ['attributes', 'metrics', 'params', 'tags'].`);
    }
    return { entity: entity as LoggedModelEntity, key: m[2]!.replace(/^`+|`+$/g, "") };
  }
  return { entity: "attributes", key: attributeColumn(identifier).replace(/^`+|`+$/g, "") };
}

function isNumeric(entity: LoggedModelEntity, key: string): boolean {
  return entity === "metrics" || (entity === "attributes" && NUMERIC_ATTRIBUTES.includes(attributeColumn(key)));
}

export function parseLoggedModelFilter(filter: string | undefined): LoggedModelComparison[] {
  if (!filter) return [];
  const tokens = tokenize(filter);
  const semi = tokens.findIndex((t) => t.kind === "punct" && t.text === ";");
  if (semi >= 0 && tokens.slice(semi + 1).some((t) => t.kind !== "ws")) {
    bad(`Invalid filter string: ${pyRepr(filter)}. Expected a single SQL expression.`);
  }
  const out: LoggedModelComparison[] = [];
  const nodes = joinKeywordComparisons(groupTokens(filter, tokens));
  checkClauseCount(nodes.filter((n) => n.kind === "cmp").length);
  for (const n of nodes) {
    if (n.kind === "tok" && n.tok.kind === "keyword" && n.tok.norm === "AND") continue;
    if (n.kind !== "cmp") {
      bad(
        `Invalid filter string: ${pyRepr(filter)}. Expected a list of comparisons separated by 'AND' (e.g. 'metrics.loss > 0.1 AND params.lr = 0.01').`,
      );
      continue;
    }
    if (n.rhs === null) bad(`Invalid comparison: ${n.text}. Expected a comparison with 3 tokens.`);
    const op = n.op.toUpperCase();
    const { entity, key } = entityOf(n.lhs.text);
    const numeric = isNumeric(entity, key);
    const ops = numeric ? NUMERIC_OPS : STRING_OPS;
    if (!ops.includes(op)) {
      bad(`Invalid comparison operator for ${entity}.${key}: ${pyRepr(op)}. Expected one of ${pyTuple(ops)}.`);
    }
    const raw = n.rhs!.text;
    let value: LoggedModelComparison["value"];
    if (numeric) {
      const v = Number(raw.trim());
      if (raw.trim() === "" || Number.isNaN(v)) bad(`Invalid numeric value for ${entity}.${key}: ${raw}`);
      value = { kind: "number", value: v };
    } else if (raw.startsWith("(") && raw.endsWith(")")) {
      const parsed = parsePyTuple(raw);
      if (!parsed.ok || !parsed.items.every((i) => i.kind === "str")) bad(`Invalid filter string: ${pyRepr(filter)}. Expected a tuple of strings, got ${raw}`);
      const items = (parsed as Extract<typeof parsed, { ok: true }>).items;
      value = { kind: "list", values: items.map((i) => (i as { value: string }).value) };
    } else {
      value = { kind: "string", value: raw.replace(/^'+|'+$/g, "") };
    }
    const wantsList = op === "IN" || op === "NOT IN";
    if (wantsList !== (value.kind === "list")) bad(`Invalid comparison: ${n.text}. Use IN / NOT IN with a parenthesised list of values.`);
    if (entity === "attributes" && !LOGGED_MODEL_COLUMNS.includes(key)) bad(`Invalid attribute key '${key}' specified.`);
    out.push({ entity, key, op, value });
  }
  return out;
}
