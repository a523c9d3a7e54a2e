/** /logged-models RPCs (MLflow 3 logged models). */
import { allOf, onExperiment, onLoggedModel, onRun, scoped, signedIn } from "../auth/access";
import { keyValue } from "../protocol/message";
import {
  CreateLoggedModel,
  FinalizeLoggedModel,
  LOGGED_MODEL_STATUSES,
  LogLoggedModelParams,
  SearchLoggedModels,
  SetLoggedModelTags,
  loggedModelToWire,
} from "../protocol/logged-models";
import { pageToWire } from "../protocol/proto-json";
import * as models from "../services/logged-models";
import { pathParams, rpc, withPathParams } from "./route";

const byId = (m: { model_id: string }) => m.model_id;

// Readers built outside the route objects, so their types are settled before `rpc` infers from them.
const readFinalizeLoggedModel = withPathParams(FinalizeLoggedModel, "model_id");
const readModelIdParam = pathParams("model_id");
const readSetLoggedModelTags = withPathParams(SetLoggedModelTags, "model_id");
const readModelIdTagKeyParam = pathParams("model_id", "tag_key");
const readLogLoggedModelParams = withPathParams(LogLoggedModelParams, "model_id");

export const loggedModelRoutes = [
  rpc({
    method: "POST",
    path: "/logged-models",
    request: CreateLoggedModel,
    // A model names the run it came from; that run must be readable.
    access: (m) => allOf(onExperiment("update", m.experiment_id), m.source_run_id ? onRun("read", m.source_run_id) : signedIn()),
    handle: async (m, r) => {
      const model = await models.createLoggedModel(r.db, {
        experimentId: m.experiment_id,
        name: m.name,
        // MLflow stores the proto defaults: an absent model_type or source_run_id becomes "".
        modelType: m.model_type ?? "",
        sourceRunId: m.source_run_id ?? "",
        params: m.params.map(keyValue),
        tags: m.tags.map(keyValue),
      });
      return { model: loggedModelToWire(model) };
    },
  }),

  rpc({
    method: "POST",
    path: "/logged-models/search",
    request: SearchLoggedModels,
    // As MLflow 3.18's auth app does: the search runs over the readable experiments only.
    access: scoped("experiment"),
    handle: async (m, r) => {
      const experimentIds = await r.readable("experiment", m.experiment_ids);
      const page = await models.searchLoggedModels(r.db, {
        experimentIds,
        filter: m.filter,
        datasets: m.datasets,
        maxResults: m.max_results,
        orderBy: m.order_by.map((o) => ({
          field_name: o.field_name ?? "",
          ascending: o.ascending ?? true,
          dataset_name: o.dataset_name || null,
          dataset_digest: o.dataset_digest || null,
        })),
        pageToken: m.page_token,
      });
      return pageToWire("models", page.items.map(loggedModelToWire), page.nextPageToken);
    },
  }),

  rpc({
    method: "GET",
    path: "/logged-models/:model_id",
    request: async (c) => ({
      model_id: c.req.param("model_id") ?? "",
      allowDeleted: (new URL(c.req.url).searchParams.get("allow_deleted") ?? "false").toLowerCase() === "true",
    }),
    access: (m) => onLoggedModel("read", byId(m)),
    handle: async (m, r) => ({ model: loggedModelToWire(await models.getLoggedModel(r.db, m.model_id, m.allowDeleted)) }),
  }),

  rpc({
    method: "PATCH",
    path: "/logged-models/:model_id",
    request: readFinalizeLoggedModel,
    access: (m) => onLoggedModel("update", byId(m)),
    handle: async (m, r) => {
      const status = LOGGED_MODEL_STATUSES.indexOf(m.status);
      return { model: loggedModelToWire(await models.finalizeLoggedModel(r.db, m.model_id, status)) };
    },
  }),

  rpc({
    method: "DELETE",
    path: "/logged-models/:model_id",
    request: readModelIdParam,
    access: (m) => onLoggedModel("delete", byId(m)),
    handle: async (m, r) => {
      await models.deleteLoggedModel(r.db, m.model_id);
      return {};
    },
  }),

  rpc({
    method: "PATCH",
    path: "/logged-models/:model_id/tags",
    request: readSetLoggedModelTags,
    access: (m) => onLoggedModel("update", byId(m)),
    handle: async (m, r) => {
      await models.setLoggedModelTags(r.db, m.model_id, m.tags.map(keyValue));
      return {};
    },
  }),

  rpc({
    method: "DELETE",
    path: "/logged-models/:model_id/tags/:tag_key",
    request: readModelIdTagKeyParam,
    access: (m) => onLoggedModel("update", byId(m)),
    handle: async (m, r) => {
      await models.deleteLoggedModelTag(r.db, m.model_id, m.tag_key);
      return {};
    },
  }),

  rpc({
    method: "POST",
    path: "/logged-models/:model_id/params",
    request: readLogLoggedModelParams,
    access: (m) => onLoggedModel("update", byId(m)),
    handle: async (m, r) => {
      await models.logLoggedModelParams(r.db, m.model_id, m.params.map(keyValue));
      return {};
    },
  }),
];
