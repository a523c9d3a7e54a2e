/**
 * OTLP/HTTP span ingestion, `POST /v1/traces` (MLflow 3.18's FastAPI route in
 * mlflow/server/otel_api.py): where the MLflow client, and any OpenTelemetry SDK pointed at us,
 * send spans. Answers in the request's encoding; failures use FastAPI's `{"detail": …}` except
 * MLflow's own errors (unknown experiment, a trace of another experiment), which keep MLflow's JSON.
 */
import { onExperiment, signedIn } from "../auth/access";
import { canonicalExperimentId } from "../protocol/message";
import { detailResponse, exportResponse, readOtlpExport } from "../protocol/otlp/read";
import { SpanConversionError, mlflowSpansOf } from "../services/otlp-spans";
import { logSpans } from "../services/span-ingest";
import { SpanStorageError } from "../services/span-rows";
import { route } from "./route";

export const otlpRoutes = [
  route({
    method: "POST",
    paths: ["/v1/traces"],
    request: readOtlpExport,
    // Storing spans creates traces in the experiment the header names: EDIT on it, as MLflow's
    // auth layer asks. That is checked before the body's own problems are reported.
    access: (m) => (m.experimentId !== null ? onExperiment("update", String(canonicalExperimentId(m.experimentId.trim()))) : signedIn()),
    handle: async (m, r) => {
      if (!m.ok) return m.response;
      let spans;
      try {
        spans = mlflowSpansOf(m.request);
      } catch (e) {
        if (e instanceof SpanConversionError) return detailResponse(422, e.message);
        throw e;
      }
      if (spans.length > 0) {
        try {
          await logSpans(r.db, m.experimentId, spans, m.runId);
        } catch (e) {
          // What MLflow's store fails on outside its own errors (ids wider than OpenTelemetry's,
          // usage values that are not numbers) is its generic 422.
          if (e instanceof SpanStorageError || e instanceof TypeError) return detailResponse(422, "Failed to log OpenTelemetry spans");
          throw e;
        }
      }
      return exportResponse(m.encoding);
    },
  }),
];
