/** /experiments/* RPCs. */
import { onExperiment, onExperimentName, onExperiments, scoped, signedIn } from "../auth/access";
import {
  CreateExperiment,
  DeleteExperiment,
  DeleteExperimentTag,
  GetExperiment,
  GetExperimentByName,
  RestoreExperiment,
  SearchDatasets,
  SearchExperiments,
  SetExperimentTag,
  UpdateExperiment,
  datasetSummaryToWire,
  experimentToWire,
} from "../protocol/experiments";
import { pageToWire } from "../protocol/proto-json";
import * as experiments from "../services/experiments";
import { searchDatasets } from "../services/inputs";
import { rpc } from "./route";

export const experimentRoutes = [
  rpc({
    method: "POST",
    path: "/experiments/create",
    request: CreateExperiment,
    access: signedIn({ grantCreator: "experiment", idOf: (body) => body.experiment_id }),
    handle: async (m, r) => {
      const id = await experiments.createExperiment(r.db, r.config, {
        name: m.name,
        artifactLocation: m.artifact_location,
        tags: m.tags.map((t) => ({ key: t.key ?? "", value: t.value })),
        permissionsEnforced: r.caller !== undefined,
      });
      return { experiment_id: id };
    },
  }),

  rpc({
    method: "GET",
    path: "/experiments/get",
    request: GetExperiment,
    access: (m) => onExperiment("read", m.experiment_id),
    handle: async (m, r) => ({ experiment: experimentToWire(await experiments.getExperiment(r.db, m.experiment_id)) }),
  }),

  rpc({
    method: "GET",
    path: "/experiments/get-by-name",
    request: GetExperimentByName,
    access: (m) => onExperimentName("read", m.experiment_name),
    handle: async (m, r) => ({ experiment: experimentToWire(await experiments.getExperimentByName(r.db, m.experiment_name)) }),
  }),

  rpc({
    method: "POST",
    path: "/experiments/delete",
    request: DeleteExperiment,
    access: (m) => onExperiment("delete", m.experiment_id),
    handle: async (m, r) => {
      await experiments.deleteExperiment(r.db, m.experiment_id);
      return {};
    },
  }),

  rpc({
    method: "POST",
    path: "/experiments/restore",
    request: RestoreExperiment,
    access: (m) => onExperiment("delete", m.experiment_id),
    handle: async (m, r) => {
      await experiments.restoreExperiment(r.db, m.experiment_id);
      return {};
    },
  }),

  rpc({
    method: "POST",
    path: "/experiments/update",
    request: UpdateExperiment,
    access: (m) => onExperiment("update", m.experiment_id),
    handle: async (m, r) => {
      await experiments.renameExperiment(r.db, m.experiment_id, m.new_name);
      return {};
    },
  }),

  rpc({
    method: "POST",
    path: "/experiments/set-experiment-tag",
    request: SetExperimentTag,
    access: (m) => onExperiment("update", m.experiment_id),
    handle: async (m, r) => {
      await experiments.setExperimentTag(r.db, m.experiment_id, m.key, m.value ?? "");
      return {};
    },
  }),

  rpc({
    method: "POST",
    path: "/experiments/delete-experiment-tag",
    request: DeleteExperimentTag,
    access: (m) => onExperiment("update", m.experiment_id),
    handle: async (m, r) => {
      await experiments.deleteExperimentTag(r.db, m.experiment_id, m.key);
      return {};
    },
  }),

  rpc({
    method: ["POST", "GET"],
    path: "/experiments/search",
    request: SearchExperiments,
    access: scoped("experiment"),
    handle: async (m, r) => {
      const page = await experiments.searchExperiments(r.db, {
        filter: m.filter,
        viewType: m.view_type,
        maxResults: m.max_results === undefined ? undefined : Number(m.max_results),
        orderBy: m.order_by,
        pageToken: m.page_token,
        scope: await r.readScope("experiment"),
      });
      return pageToWire("experiments", page.items.map(experimentToWire), page.nextPageToken);
    },
  }),

  // MLflow serves this one only under /ajax-api (the UI's route).
  rpc({
    method: "POST",
    path: "/experiments/search-datasets",
    only: "ajax-api",
    request: SearchDatasets,
    access: (m) => onExperiments("read", m.experiment_ids),
    handle: async (m, r) => {
      const summaries = await searchDatasets(r.db, m.experiment_ids);
      return summaries.length > 0 ? { dataset_summaries: summaries.map(datasetSummaryToWire) } : {};
    },
  }),
];
