/**
 * Reading assessments: their value whatever wire form it took, which one is current when one
 * overrides another, and the verdict a value expresses (pass / fail) for colouring and for the
 * evaluation view's pass rates.
 */
import type { Assessment } from "./trace-types";

export type AssessmentKind = "feedback" | "expectation" | "issue";

export function kindOf(a: Assessment): AssessmentKind {
  return a.feedback ? "feedback" : a.expectation ? "expectation" : "issue";
}

/** The value: feedback's, an expectation's (plain or JSON-serialised), or an issue's name. */
export function valueOf(a: Assessment): unknown {
  if (a.feedback) return a.feedback.value ?? null;
  if (a.expectation) {
    const s = a.expectation.serialized_value;
    if (s?.value !== undefined) {
      try {
        return JSON.parse(s.value);
      } catch {
        return s.value;
      }
    }
    return a.expectation.value ?? null;
  }
  return a.issue?.issue_name ?? null;
}

export function formatAssessmentValue(v: unknown): string {
  if (v === null || v === undefined) return "—";
  if (typeof v === "string") return v;
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
  return JSON.stringify(v);
}

export type Verdict = "pass" | "fail" | "none";

/** Booleans and yes/no strings are verdicts (MLflow's judges answer "yes"/"no"); numbers are not. */
export function verdictOf(v: unknown): Verdict {
  if (v === true) return "pass";
  if (v === false) return "fail";
  if (typeof v === "string") {
    const s = v.trim().toLowerCase();
    if (s === "yes" || s === "pass" || s === "true") return "pass";
    if (s === "no" || s === "fail" || s === "false") return "fail";
  }
  return "none";
}

/** Valid assessments; `valid` is absent only from servers that predate it, where all are valid. */
export const isCurrent = (a: Assessment) => a.valid !== false;

/** For each assessment that was overridden, the assessment that replaced it. */
export function overriddenBy(list: Assessment[]): Map<string, Assessment> {
  const out = new Map<string, Assessment>();
  for (const a of list) if (a.overrides) out.set(a.overrides, a);
  return out;
}

/** Assessments on the trace itself (no span) and per span id (hex). */
export function splitBySpan(list: Assessment[], normalise: (id: string) => string | null): { trace: Assessment[]; bySpan: Map<string, Assessment[]> } {
  const trace: Assessment[] = [];
  const bySpan = new Map<string, Assessment[]>();
  for (const a of list) {
    const span = a.span_id ? normalise(a.span_id) : null;
    if (!span) trace.push(a);
    else bySpan.set(span, [...(bySpan.get(span) ?? []), a]);
  }
  return { trace, bySpan };
}

/** Newest first within a name, names alphabetical: current verdicts read top-down. */
export function sortForDisplay(list: Assessment[]): Assessment[] {
  return [...list].sort((a, b) => a.assessment_name.localeCompare(b.assessment_name) || (b.create_time ?? "").localeCompare(a.create_time ?? ""));
}

export const SOURCE_TYPES = ["HUMAN", "LLM_JUDGE", "CODE"] as const;

/** What a user types as a feedback value: true/false, a number, JSON, or text. */
export function parseTypedValue(text: string): unknown {
  const t = text.trim();
  if (t === "true" || t === "false") return t === "true";
  if (t !== "" && Number.isFinite(Number(t))) return Number(t);
  if (/^[[{"]/.test(t)) {
    try {
      return JSON.parse(t);
    } catch {
      /* plain text after all */
    }
  }
  return text;
}

/** An expectation value on the wire: scalars as `value`, anything else JSON-serialised (as MLflow sends it). */
export function expectationWire(v: unknown): NonNullable<Assessment["expectation"]> {
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return { value: v };
  return { serialized_value: { serialization_format: "JSON_FORMAT", value: JSON.stringify(v) } };
}
