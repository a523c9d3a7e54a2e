/**
 * What upsert_online_scoring_config checks before turning automatic evaluation on for a scorer
 * (MLflow 3.18's `_validate_online_judge`): the judge must use a gateway model and must not need
 * expectations. This server runs no scoring jobs, so custom (@scorer) scorers always get the judge
 * checks, as on an MLflow server without job containers.
 */
import { MlflowError } from "../errors";
import { isDict, pyLoads } from "../lib/python-json";
import { andedComparisons } from "../search/parser";
import { extractModel, gatewayEndpointOf } from "./scorer-payload";

const TEMPLATE_VARIABLE = /\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*(?:\.[a-zA-Z_][a-zA-Z0-9_]*)*)\s*\}\}/g;

function requiresExpectations(parsed: Map<string, unknown>): boolean {
  const ij = parsed.get("instructions_judge_pydantic_data");
  if (!(ij instanceof Map)) return false;
  const instructions = ij.get("instructions");
  if (typeof instructions !== "string") return false;
  return [...instructions.matchAll(TEMPLATE_VARIABLE)].some((m) => m[1] === "expectations");
}

export const validateOnlineScoring = {
  scorer(name: string, serialized: string): void {
    let parsed: unknown;
    try {
      parsed = pyLoads(serialized);
    } catch {
      parsed = null;
    }
    const model = parsed instanceof Map ? extractModel(parsed) : null;
    if (gatewayEndpointOf(model) === null) {
      throw MlflowError.invalidParameter(
        `Scorer '${name}' does not use a gateway model. Automatic evaluation is only supported for scorers that use gateway models.`,
      );
    }
    if (isDict(parsed as never) && requiresExpectations(parsed as Map<string, unknown>)) {
      throw MlflowError.invalidParameter(
        `Scorer '${name}' requires expectations, but scorers with expectations are not currently supported for automatic evaluation.`,
      );
    }
  },

  /**
   * The trace filter's shape: AND-ed comparisons, as MLflow's search parser requires. Trace keys
   * themselves are checked when traces are searched (the trace search grammar lives with traces).
   */
  filter(filter: string): void {
    andedComparisons(filter, true);
  },
};
