/** A run's Evaluations tab: the per-row scores of the traces an evaluation produced in it. */
import { EvaluationResults } from "../components/trace/evaluation-results";
import type { Run } from "../types";
import "../traces/traces.css";

export default function RunEvaluations(props: { experimentId: string; runId: string; run?: Run }) {
  return <EvaluationResults {...props} />;
}
