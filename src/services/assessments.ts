/**
 * Assessments on traces with MLflow 3.18's rules (handlers `_create_assessment` …
 * `_delete_assessment` in mlflow/server/handlers.py, `SqlAlchemyStore.create_assessment` …
 * `delete_assessment`): what a request may say, which errors it gets, and what is written.
 * Everything is validated before the one write, so a refused request writes nothing.
 */
import { deleteAssessment as deleteRow, findAssessment, insertAssessment, updateAssessmentIfUnchanged, type AssessmentRow } from "../db/assessments";
import type { Db } from "../db/client";
import { MlflowError } from "../errors";
import { pyDumps, tryPyLoads, type PyValue } from "../lib/python-json";
import {
  aggregate,
  assessmentFromWire,
  checkFiniteValue,
  errorJson,
  expectationValue,
  protoValue,
  type AssessmentInsert,
  type AssessmentMessage,
} from "../protocol/assessments";
import type { Json } from "../protocol/proto-json";

const newAssessmentId = () => `a-${crypto.randomUUID().replace(/-/g, "")}`;

/** Column sizes of MLflow's `assessments` table: longer values are refused before anything is written. */
const LIMITS: [keyof AssessmentInsert, string, number][] = [
  ["assessmentId", "assessment_id", 50],
  ["name", "assessment_name", 250],
  ["sourceId", "source.source_id", 250],
  ["spanId", "span_id", 50],
  ["overrides", "overrides", 50],
  ["runId", "metadata['mlflow.assessment.sourceRunId']", 32],
];

function checkLengths(values: Partial<Record<keyof AssessmentInsert, unknown>>): void {
  for (const [key, field, max] of LIMITS) {
    const v = values[key];
    if (typeof v === "string" && v.length > max) {
      throw MlflowError.invalidParameter(`'${field}' exceeds the maximum length of ${max} characters (got ${v.length}).`);
    }
  }
}

const assessmentNotFound = (traceId: string, assessmentId: string) =>
  MlflowError.notFound(`Assessment with ID '${assessmentId}' not found for trace '${traceId}'`);

/** CreateAssessment: the path's trace id wins over the body's. */
export async function createAssessment(db: Db, traceId: string, assessment: AssessmentMessage): Promise<AssessmentRow> {
  const row = assessmentFromWire(assessment as Json, newAssessmentId, true);
  checkLengths(row);
  const outcome = await insertAssessment(db, traceId, row, Date.now());
  switch (outcome.kind) {
    case "created":
      return outcome.row;
    case "no_trace":
      throw MlflowError.notFound(`Trace with ID '${traceId}' not found.`);
    case "no_override_target":
      throw assessmentNotFound(traceId, row.overrides ?? "");
    case "id_taken":
      // MLflow fails the insert on the primary key (a 500); the id is the caller's, so it is a 400 here.
      throw MlflowError.alreadyExists(`Assessment with ID '${row.assessmentId}' already exists.`);
  }
}

async function existing(db: Db, traceId: string, assessmentId: string): Promise<AssessmentRow> {
  const found = await findAssessment(db, traceId, assessmentId);
  if (found.row) return found.row;
  if (!found.traceFound) throw MlflowError.notFound(`Trace with request_id '${traceId}' not found`);
  throw assessmentNotFound(traceId, assessmentId);
}

export const getAssessment = existing;

/**
 * FieldMask JSON: comma-separated lowerCamelCase paths, turned into snake_case as protobuf does; a
 * path with an underscore does not parse (MLflow would go on with an empty mask, we refuse it).
 */
export function parseFieldMask(text: string): string[] {
  if (text === "") return [];
  return text.split(",").map((path) => {
    if (path.includes("_")) {
      throw MlflowError.invalidParameter(`Invalid value for parameter 'update_mask': path '${path}' must be lowerCamelCase (FieldMask JSON), e.g. 'assessmentName'.`);
    }
    return path.replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`);
  });
}

/** What an update asks for, as `_update_assessment` collects it from the mask. */
interface Changes {
  name?: string;
  expectation?: PyValue;
  feedback?: { value: PyValue; error: string | null };
  rationale?: string;
  metadata?: Record<string, string>;
}

function changesOf(a: AssessmentMessage, paths: string[]): Changes {
  const out: Changes = {};
  for (const path of paths) {
    switch (path) {
      case "assessment_name":
        out.name = a.assessment_name ?? "";
        break;
      case "expectation":
        out.expectation = expectationValue((a.expectation ?? {}) as Json);
        checkFiniteValue(out.expectation, "assessment.expectation.value");
        break;
      case "feedback": {
        const f = (a.feedback ?? {}) as Json;
        const error = f.error as Json | undefined;
        out.feedback = { value: protoValue(f.value ?? null), error: error ? errorJson(error as Record<string, string>) : null };
        checkFiniteValue(out.feedback.value, "assessment.feedback.value");
        break;
      }
      case "rationale":
        out.rationale = a.rationale ?? "";
        break;
      case "metadata": {
        const metadata = a.metadata ?? {};
        for (const [k, v] of Object.entries(metadata)) {
          if (typeof v !== "string") throw MlflowError.invalidParameter(`Invalid value for 'assessment.metadata.${k}': metadata values must be strings.`);
        }
        out.metadata = metadata as Record<string, string>;
        break;
      }
      case "valid":
        // MLflow's handler passes `valid` to a store method that does not take it (an uncaught 500).
        throw MlflowError.invalidParameter("The 'valid' field of an assessment cannot be updated; log an override instead.");
      default:
      // Other paths are ignored, as in MLflow.
    }
  }
  return out;
}

/** The stored metadata merged with the update's, in Python's dict order (existing keys keep their place). */
function mergedMetadata(stored: string | null, update: Record<string, string> | undefined): string | null {
  const parsed = stored ? tryPyLoads(stored) : undefined;
  const merged = parsed instanceof Map ? new Map(parsed) : new Map<string, PyValue>();
  for (const [k, v] of Object.entries(update ?? {})) merged.set(k, v);
  return merged.size > 0 ? pyDumps(merged) : null;
}

/** UpdateAssessment with the mask's paths; source, span, validity, overrides and creation time never change. */
export async function updateAssessment(db: Db, traceId: string, assessmentId: string, a: AssessmentMessage, updateMask: string): Promise<AssessmentRow> {
  const changes = changesOf(a, parseFieldMask(updateMask));
  if (changes.name !== undefined) checkLengths({ name: changes.name });
  for (let attempt = 0; ; attempt++) {
    const row = await existing(db, traceId, assessmentId);
    if (changes.expectation !== undefined && changes.feedback !== undefined) {
      throw MlflowError.invalidParameter("Cannot specify both `expectation` and `feedback` parameters.");
    }
    if (changes.expectation !== undefined && row.assessment_type !== "expectation") {
      throw MlflowError.invalidParameter("Cannot update expectation value on a Feedback assessment.");
    }
    if (changes.feedback !== undefined && row.assessment_type !== "feedback") {
      throw MlflowError.invalidParameter("Cannot update feedback value on an Expectation assessment.");
    }
    if (row.assessment_type === "issue") {
      // MLflow rebuilds an issue reference as a Feedback and fails with an AttributeError (a 500).
      throw MlflowError.invalidParameter("Issue reference assessments cannot be updated.");
    }
    let value = row.value;
    let error = row.error;
    let newValue: PyValue = tryPyLoads(row.value) ?? null;
    if (changes.expectation !== undefined) {
      newValue = changes.expectation;
      value = pyDumps(newValue);
    } else if (changes.feedback !== undefined) {
      newValue = changes.feedback.value;
      value = pyDumps(newValue);
      error = changes.feedback.error;
    }
    const [aggregateValue, isNumeric] = aggregate(newValue);
    const isExpectation = row.assessment_type === "expectation";
    const updated = await updateAssessmentIfUnchanged(db, row, {
      name: changes.name ?? row.name,
      value,
      error: isExpectation ? null : error,
      // An Expectation entity has no rationale: MLflow's rebuilt expectation writes NULL.
      rationale: isExpectation ? null : (changes.rationale ?? row.rationale),
      metadata: mergedMetadata(row.assessment_metadata, changes.metadata),
      updatedMs: Date.now(),
      aggregateValue,
      isNumeric,
    });
    if (updated) return updated;
    if (attempt >= 4) throw new MlflowError("TEMPORARILY_UNAVAILABLE", `Assessment '${assessmentId}' is being updated concurrently; try again.`);
  }
}

/** DeleteAssessment: idempotent (nothing to delete, or no such trace, is fine). */
export async function deleteAssessment(db: Db, traceId: string, assessmentId: string): Promise<void> {
  await deleteRow(db, traceId, assessmentId);
}
