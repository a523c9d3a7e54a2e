/**
 * The legacy v2 trace API for MLflow 2.x clients: StartTrace `POST /traces`, EndTrace
 * `PATCH /traces/{request_id}`, `GET /traces/{request_id}/info` and search `GET /traces`, answered
 * with the v2 TraceInfo (int64 values as JSON numbers). Tags and deletion share the v3 routes.
 */
import { onExperiment, onTrace, scoped } from "../auth/access";
import { pageToWire } from "../protocol/proto-json";
import { traceInfoV2 } from "../protocol/trace-info";
import { EndTraceV2, SearchTracesV2, StartTraceV2, kvDict } from "../protocol/traces";
import { searchTraces } from "../services/trace-search";
import { endTraceV2, startTraceV2 } from "../services/trace-start";
import { getTraceInfo } from "../services/traces";
import { pathParams, route, rpcPaths, withPathParams } from "./route";

const readEndTrace = withPathParams(EndTraceV2, "request_id");

// Readers built outside the route objects, so their types are settled before `rpc` infers from them.
const readRequestIdParam = pathParams("request_id");

export const traceV2Routes = [
  route({
    method: "POST",
    // Named by its full path: the v3 API has RPCs at the same relative path.
    paths: rpcPaths("/traces", 2),
    request: StartTraceV2,
    access: (m) => onExperiment("update", m.experiment_id),
    handle: async (m, r) => {
      const row = await startTraceV2(r.db, m.experiment_id, BigInt(m.timestamp_ms ?? 0), kvDict(m.request_metadata), kvDict(m.tags));
      return { trace_info: traceInfoV2(row) };
    },
  }),

  route({
    method: "GET",
    // Named by its full path: the v3 API has RPCs at the same relative path.
    paths: rpcPaths("/traces", 2),
    request: SearchTracesV2,
    access: scoped("experiment"),
    handle: async (m, r) => {
      const experimentIds = await r.readable("experiment", m.experiment_ids);
      const page = await searchTraces(r.db, { experimentIds, filter: m.filter, maxResults: m.max_results ?? 100, orderBy: m.order_by, pageToken: m.page_token });
      return pageToWire("traces", page.items.map(traceInfoV2), page.nextPageToken);
    },
  }),

  route({
    method: "PATCH",
    // Named by its full path: the v3 API has RPCs at the same relative path.
    paths: rpcPaths("/traces/:request_id", 2),
    request: readEndTrace,
    access: (m) => onTrace("update", m.request_id),
    handle: async (m, r) => {
      const row = await endTraceV2(r.db, m.request_id, BigInt(m.timestamp_ms ?? 0), m.status ?? "TRACE_STATUS_UNSPECIFIED", kvDict(m.request_metadata), kvDict(m.tags));
      return { trace_info: traceInfoV2(row) };
    },
  }),

  route({
    method: "GET",
    // Named by its full path: the v3 API has RPCs at the same relative path.
    paths: rpcPaths("/traces/:request_id/info", 2),
    request: readRequestIdParam,
    access: (m) => onTrace("read", m.request_id),
    handle: async (m, r) => ({ trace_info: traceInfoV2(await getTraceInfo(r.db, m.request_id)) }),
  }),
];
