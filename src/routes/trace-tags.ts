/**
 * Trace tags: `PATCH`/`DELETE …/traces/{id}/tags` under 2.0 (what every client calls) and 3.0.
 * MLflow's system tags are refused here; `mlflow.traceName` edits the trace's name column.
 */
import { onTrace } from "../auth/access";
import { DeleteTraceTag, SetTraceTag } from "../protocol/traces";
import * as traces from "../services/traces";
import { route, rpcPaths, withPathParams } from "./route";

// Readers built outside the route objects, so their types are settled before `route` infers from them.
const readSetTag = withPathParams(SetTraceTag, "trace_id");
const readDeleteTag = withPathParams(DeleteTraceTag, "trace_id");
const TAG_PATHS = [...rpcPaths("/traces/:trace_id/tags", 2), ...rpcPaths("/traces/:trace_id/tags", 3)];

export const traceTagRoutes = [
  route({
    method: "PATCH",
    paths: TAG_PATHS,
    request: readSetTag,
    access: (m) => onTrace("update", m.trace_id),
    handle: async (m, r) => {
      await traces.setTraceTag(r.db, m.trace_id, m.key, m.value ?? "");
      return {};
    },
  }),
  route({
    method: "DELETE",
    paths: TAG_PATHS,
    request: readDeleteTag,
    access: (m) => onTrace("update", m.trace_id),
    handle: async (m, r) => {
      await traces.deleteTraceTag(r.db, m.trace_id, m.key);
      return {};
    },
  }),
];
