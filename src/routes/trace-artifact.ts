/**
 * `GET /ajax-api/{2.0,3.0}/mlflow/get-trace-artifact?request_id=…[&path=<uuid>]`: a trace's spans as
 * the `traces.json` file the UI reads (MLflow's `get_trace_artifact_handler`). Spans stored in the
 * tracking store are served from their stored JSON, verbatim; older traces whose spans the client
 * uploaded as an artifact are read from the artifact store; `path` names an attachment.
 */
import { onTrace } from "../auth/access";
import type { AppContext } from "../app-env";
import { namespaceRoot, requireInNamespace, storePathOfLocation } from "../artifacts/locations";
import { joinArtifactPath } from "../artifacts/paths";
import { MlflowError } from "../errors";
import { tagsOf } from "../protocol/trace-info";
import { storeFor } from "../services/artifacts";
import { traceSpansFile } from "../services/trace-file";
import { getTraceWithStoredSpans } from "../services/traces";
import { TAG } from "../services/trace-rules";
import { route, rpcPaths } from "./route";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function readTraceArtifact(c: AppContext) {
  const requestId = c.req.query("request_id");
  if (!requestId) throw new MlflowError("BAD_REQUEST", 'Request must include the "request_id" query parameter.');
  const path = c.req.query("path");
  if (path !== undefined && path !== "" && !UUID.test(path)) {
    throw MlflowError.invalidParameter(`Invalid attachment path: '${path}'. Attachment path must be a valid UUID.`);
  }
  return { request_id: requestId, path: path || null };
}

function attachment(body: BodyInit | null, name: string): Response {
  return new Response(body, {
    headers: { "content-type": "text/plain", "content-disposition": `attachment; filename=${name}`, "x-content-type-options": "nosniff" },
  });
}

export const traceArtifactRoutes = [
  route({
    method: "GET",
    paths: [...rpcPaths("/get-trace-artifact", 2, "ajax-api"), ...rpcPaths("/get-trace-artifact", 3, "ajax-api")],
    request: readTraceArtifact,
    access: (m) => onTrace("read", m.request_id),
    handle: async (m, r) => {
      // One statement: the info decides where the spans are, and those in the tracking store come with it.
      const trace = await getTraceWithStoredSpans(r.db, m.request_id);
      const info = trace.info;
      const tags = new Map(tagsOf(info));
      if (m.path === null && tags.get(TAG.spansLocation) === "TRACKING_STORE") {
        return attachment(traceSpansFile(trace.spans.map((s) => s.content)), "traces.json");
      }
      // Spans (or the attachment) live next to the trace in the artifact store.
      const location = tags.get(TAG.artifactLocation);
      if (!location) throw MlflowError.notFound(`Trace with ID '${m.request_id}' has no artifact location.`);
      const root = storePathOfLocation(location, r.config.artifacts);
      if (r.caller) requireInNamespace(root, info.experimentId, namespaceRoot(r.config.defaultArtifactRoot, r.config.artifacts), location);
      const file = m.path === null ? "traces.json" : joinArtifactPath("attachments", m.path);
      const res = await storeFor(r.config.artifacts).download(joinArtifactPath(root, file), undefined);
      return attachment(res.body, m.path ?? "traces.json");
    },
  }),
];
