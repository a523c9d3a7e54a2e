/** /runs/* RPCs. */
import { allOf, onExperiment, onLoggedModels, onRun, scoped } from "../auth/access";
import { keyValue } from "../protocol/message";
import { pageToWire } from "../protocol/proto-json";
import {
  CreateRun,
  DeleteRun,
  DeleteTag,
  GetRun,
  LogBatch,
  LogInputs,
  LogMetric,
  LogOutputs,
  LogParam,
  RestoreRun,
  SearchRuns,
  SetTag,
  UpdateRun,
  runInfoToWire,
  runToWire,
  type Metric,
} from "../protocol/runs";
import * as inputs from "../services/inputs";
import * as runs from "../services/runs";
import { SEARCH_MAX_RESULTS_DEFAULT } from "../services/paging";
import { rpc } from "./route";

const metricInput = (x: Metric): runs.MetricInput => ({
  key: x.key ?? "",
  value: x.value ?? 0,
  timestamp: x.timestamp ?? 0,
  step: x.step,
  model_id: x.model_id,
  dataset_name: x.dataset_name,
  dataset_digest: x.dataset_digest,
});

export const runRoutes = [
  rpc({
    method: "POST",
    path: "/runs/create",
    request: CreateRun,
    // MLflow's client omits experiment_id for the default experiment "0".
    access: (m) => onExperiment("update", m.experiment_id || "0"),
    handle: async (m, r) => {
      const run = await runs.createRun(r.db, {
        experimentId: m.experiment_id,
        // Audit: with auth on, a run created without a user belongs to the authenticated identity.
        userId: m.user_id || r.caller?.username,
        runName: m.run_name,
        startTime: m.start_time,
        tags: m.tags.map(keyValue),
      });
      return { run: runToWire(run, { outputs: false }) };
    },
  }),

  rpc({
    method: "GET",
    path: "/runs/get",
    request: GetRun,
    access: (m) => onRun("read", m.run_id),
    handle: async (m, r) => ({ run: runToWire(await runs.getRun(r.db, m.run_id)) }),
  }),

  rpc({
    method: "POST",
    path: "/runs/update",
    request: UpdateRun,
    access: (m) => onRun("update", m.run_id),
    handle: async (m, r) => {
      const info = await runs.updateRun(r.db, m.run_id, { status: m.status, endTime: m.end_time, name: m.run_name });
      return { run_info: runInfoToWire(info) };
    },
  }),

  rpc({
    method: "POST",
    path: "/runs/delete",
    request: DeleteRun,
    access: (m) => onRun("delete", m.run_id),
    handle: async (m, r) => {
      await runs.deleteRun(r.db, m.run_id);
      return {};
    },
  }),

  rpc({
    method: "POST",
    path: "/runs/restore",
    request: RestoreRun,
    access: (m) => onRun("delete", m.run_id),
    handle: async (m, r) => {
      await runs.restoreRun(r.db, m.run_id);
      return {};
    },
  }),

  rpc({
    method: "POST",
    path: "/runs/log-metric",
    request: LogMetric,
    // A metric naming a logged model is recorded on that model too: the caller must be able to edit it.
    access: (m) => allOf(onRun("update", m.run_id), onLoggedModels("update", [m.model_id])),
    handle: async (m, r) => {
      await runs.logMetric(r.db, m.run_id, metricInput(m));
      return {};
    },
  }),

  rpc({
    method: "POST",
    path: "/runs/log-parameter",
    request: LogParam,
    access: (m) => onRun("update", m.run_id),
    handle: async (m, r) => {
      await runs.logParam(r.db, m.run_id, m.key, m.value ?? "");
      return {};
    },
  }),

  rpc({
    method: "POST",
    path: "/runs/set-tag",
    request: SetTag,
    access: (m) => onRun("update", m.run_id),
    handle: async (m, r) => {
      await runs.setTag(r.db, m.run_id, m.key, m.value ?? "");
      return {};
    },
  }),

  rpc({
    method: "POST",
    path: "/runs/delete-tag",
    request: DeleteTag,
    access: (m) => onRun("update", m.run_id),
    handle: async (m, r) => {
      await runs.deleteTag(r.db, m.run_id, m.key);
      return {};
    },
  }),

  rpc({
    method: "POST",
    path: "/runs/log-batch",
    request: LogBatch,
    access: (m) => allOf(onRun("update", m.run_id), onLoggedModels("update", m.metrics.map((x) => x.model_id))),
    handle: async (m, r) => {
      await runs.logBatch(r.db, m.run_id, { metrics: m.metrics.map(metricInput), params: m.params.map(keyValue), tags: m.tags.map(keyValue) });
      return {};
    },
  }),

  rpc({
    method: "POST",
    path: "/runs/log-inputs",
    request: LogInputs,
    // Linking a logged model as the run's input needs read access to it.
    access: (m) => allOf(onRun("update", m.run_id), onLoggedModels("read", m.models.map((x) => x.model_id))),
    handle: async (m, r) => {
      const datasets = m.datasets.map((d) => ({
        tags: d.tags.map(keyValue),
        dataset: {
          name: d.dataset?.name ?? "",
          digest: d.dataset?.digest ?? "",
          sourceType: d.dataset?.source_type ?? "",
          source: d.dataset?.source ?? "",
          schema: d.dataset?.schema ?? null,
          profile: d.dataset?.profile ?? null,
        },
      }));
      await inputs.logInputs(r.db, m.run_id, datasets, m.models.map((x) => x.model_id ?? ""));
      return {};
    },
  }),

  rpc({
    method: "POST",
    path: "/runs/outputs",
    request: LogOutputs,
    // Claiming a logged model as the run's output edits what the model says about its origin.
    access: (m) => allOf(onRun("update", m.run_id), onLoggedModels("update", m.models.map((x) => x.model_id))),
    handle: async (m, r) => {
      await inputs.logOutputs(r.db, m.run_id, m.models.map((x) => ({ modelId: x.model_id ?? "", step: x.step ?? 0 })));
      return {};
    },
  }),

  rpc({
    method: ["POST", "GET"],
    path: "/runs/search",
    request: SearchRuns,
    // Unreadable experiments are dropped before the query, so the answer says nothing about them.
    access: scoped("experiment"),
    handle: async (m, r) => {
      const experimentIds = await r.readable("experiment", m.experiment_ids);
      if (m.experiment_ids.length > 0 && experimentIds.length === 0) return {};
      const page = await runs.searchRuns(r.db, {
        experimentIds,
        filter: m.filter,
        viewType: m.run_view_type ?? "ACTIVE_ONLY",
        maxResults: m.max_results ?? SEARCH_MAX_RESULTS_DEFAULT,
        orderBy: m.order_by,
        pageToken: m.page_token,
      });
      return pageToWire("runs", page.items.map((x) => runToWire(x)), page.nextPageToken);
    },
  }),
];
