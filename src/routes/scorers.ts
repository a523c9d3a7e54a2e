/**
 * /api/3.0/mlflow/scorers/* RPCs: register (a new version each call), list (latest versions),
 * versions, get, delete (one version or all), and the online scoring config routes
 * (GET scorers/online-configs, PUT scorers/online-config), which MLflow serves outside its protos.
 *
 * Permissions follow MLflow's auth app with scorer grants falling back to the experiment's:
 * registering and online configs need EDIT on the experiment, reading READ, deleting MANAGE.
 */
import { onExperiment, onOnlineConfigsOf, scoped } from "../auth/access";
import type { AppContext } from "../app-env";
import { requestData } from "../protocol/http";
import {
  DeleteScorer,
  filterString,
  GetOnlineScoringConfigs,
  GetScorer,
  ListScorers,
  ListScorerVersions,
  onlineConfigResponse,
  onlineConfigsResponse,
  RegisterScorer,
  registeredScorerToWire,
  sampleRate,
  scorerToWire,
  UpsertOnlineScoringConfig,
} from "../protocol/scorers";
import { listIf } from "../protocol/proto-json";
import * as scorers from "../services/scorers";
import { route, rpc, rpcPaths } from "./route";

/** ListScorers, plus whether `experiment_ids` was sent at all (absent and [] mean different things). */
const readListScorers = Object.assign(
  async (c: AppContext) => {
    const data = await requestData(c, ListScorers);
    const m = ListScorers.decode(data);
    return { ...m, has_experiment_ids: "experiment_ids" in data || "experimentIds" in data };
  },
  { message: ListScorers as never },
);

const customScorersEnabled = (c: AppContext) => String((c.env as { SERVER_ENABLE_CUSTOM_SCORERS?: string }).SERVER_ENABLE_CUSTOM_SCORERS ?? "").toLowerCase() === "true";

const scorersAnswer = (list: scorers.ScorerVersion[]) => {
  const out = {};
  listIf(out, "scorers", list.map(scorerToWire));
  return out;
};

export const scorerRoutes = [
  rpc({
    method: "POST",
    path: "/scorers/register",
    version: 3,
    request: RegisterScorer,
    access: (m) => onExperiment("update", m.experiment_id),
    handle: async (m, r) =>
      registeredScorerToWire(
        await scorers.registerScorer(r.db, { experimentId: m.experiment_id, name: m.name, serialized: m.serialized_scorer, customScorersEnabled: customScorersEnabled(r.c) }),
      ),
  }),

  rpc({
    method: "GET",
    path: "/scorers/list",
    version: 3,
    request: readListScorers,
    // One experiment: READ on it. Otherwise any caller, answered with what they may read.
    access: (m) => (m.experiment_id ? onExperiment("read", m.experiment_id) : scoped("experiment")),
    handle: async (m, r) => {
      const list = await scorers.listScorers(r.db, {
        experimentId: m.experiment_id || undefined,
        experimentIds: m.has_experiment_ids ? m.experiment_ids : undefined,
        scope: m.experiment_id ? null : await r.readScope("experiment"),
      });
      return scorersAnswer(list);
    },
  }),

  rpc({
    method: "GET",
    path: "/scorers/versions",
    version: 3,
    request: ListScorerVersions,
    access: (m) => onExperiment("read", m.experiment_id),
    handle: async (m, r) => scorersAnswer(await scorers.listScorerVersions(r.db, m.experiment_id, m.name)),
  }),

  rpc({
    method: "GET",
    path: "/scorers/get",
    version: 3,
    request: GetScorer,
    access: (m) => onExperiment("read", m.experiment_id),
    handle: async (m, r) => ({ scorer: scorerToWire(await scorers.getScorer(r.db, m.experiment_id, m.name, m.version)) }),
  }),

  rpc({
    method: "DELETE",
    path: "/scorers/delete",
    version: 3,
    request: DeleteScorer,
    access: (m) => onExperiment("delete", m.experiment_id),
    handle: async (m, r) => {
      await scorers.deleteScorer(r.db, m.experiment_id, m.name, m.version);
      return {};
    },
  }),

  route({
    method: "GET",
    paths: rpcPaths("/scorers/online-configs", 3),
    request: GetOnlineScoringConfigs,
    access: (m) => onOnlineConfigsOf("read", m.scorer_ids),
    handle: async (m, r) => onlineConfigsResponse(await scorers.getOnlineScoringConfigs(r.db, m.scorer_ids)),
  }),

  route({
    method: "PUT",
    paths: rpcPaths("/scorers/online-config", 3),
    request: UpsertOnlineScoringConfig,
    access: (m) => onExperiment("update", m.experiment_id),
    handle: async (m, r) => {
      const config = await scorers.upsertOnlineScoringConfig(r.db, {
        experimentId: m.experiment_id,
        name: m.name,
        sampleRate: sampleRate(m.sample_rate),
        filterString: filterString(m.filter_string),
      });
      return onlineConfigResponse(config);
    },
  }),
];
