/** /registered-models/* RPCs (prompts are registered models too). */
import { onModel, scoped, signedIn } from "../auth/access";
import { keyValue } from "../protocol/message";
import { modelVersionToWire } from "../protocol/model-versions";
import { pageToWire } from "../protocol/proto-json";
import {
  CreateRegisteredModel,
  DeleteRegisteredModel,
  DeleteRegisteredModelAlias,
  DeleteRegisteredModelTag,
  GetLatestVersions,
  GetModelVersionByAlias,
  GetRegisteredModel,
  RenameRegisteredModel,
  SearchRegisteredModels,
  SetRegisteredModelAlias,
  SetRegisteredModelTag,
  UpdateRegisteredModel,
  registeredModelToWire,
} from "../protocol/registered-models";
import * as models from "../services/registered-models";
import { rpc } from "./route";
import { emitWebhookEvent } from "../webhooks/dispatch";
import { aliasCreated, aliasDeleted, promptTagDeleted, promptTagSet, registeredModelCreated } from "../webhooks/registry-events";

const byName = (m: { name: string }) => m.name;

export const registeredModelRoutes = [
  rpc({
    method: "POST",
    path: "/registered-models/create",
    request: CreateRegisteredModel,
    access: signedIn({ grantCreator: "registered_model", idOf: (body) => (body.registered_model as { name?: string } | undefined)?.name }),
    handle: async (m, r) => {
      const model = await models.createRegisteredModel(r.db, { name: m.name, description: m.description, tags: m.tags.map(keyValue) });
      emitWebhookEvent(r.c, registeredModelCreated(m.name, m.tags.map(keyValue), m.description ?? ""));
      return { registered_model: registeredModelToWire(model) };
    },
  }),

  rpc({
    method: "GET",
    path: "/registered-models/get",
    request: GetRegisteredModel,
    access: (m) => onModel("read", byName(m)),
    handle: async (m, r) => ({ registered_model: registeredModelToWire(await models.getRegisteredModel(r.db, m.name)) }),
  }),

  rpc({
    method: "PATCH",
    path: "/registered-models/update",
    request: UpdateRegisteredModel,
    access: (m) => onModel("update", byName(m)),
    handle: async (m, r) => ({ registered_model: registeredModelToWire(await models.updateRegisteredModel(r.db, m.name, m.description ?? "")) }),
  }),

  rpc({
    method: "POST",
    path: "/registered-models/rename",
    request: RenameRegisteredModel,
    access: (m) => onModel("update", byName(m)),
    handle: async (m, r) => ({ registered_model: registeredModelToWire(await models.renameRegisteredModel(r.db, m.name, m.new_name)) }),
  }),

  rpc({
    method: "DELETE",
    path: "/registered-models/delete",
    request: DeleteRegisteredModel,
    access: (m) => onModel("delete", byName(m)),
    handle: async (m, r) => {
      await models.deleteRegisteredModel(r.db, m.name);
      return {};
    },
  }),

  rpc({
    method: "GET",
    path: "/registered-models/search",
    request: SearchRegisteredModels,
    access: scoped("registered_model"),
    handle: async (m, r) => {
      const page = await models.searchRegisteredModels(r.db, {
        filter: m.filter,
        maxResults: Number(m.max_results ?? 100),
        orderBy: m.order_by,
        pageToken: m.page_token || undefined,
        scope: await r.readScope("registered_model"),
      });
      return pageToWire("registered_models", page.items.map(registeredModelToWire), page.nextPageToken);
    },
  }),

  rpc({
    method: ["POST", "GET"],
    path: "/registered-models/get-latest-versions",
    request: GetLatestVersions,
    access: (m) => onModel("read", byName(m)),
    handle: async (m, r) => {
      const versions = await models.getLatestVersions(r.db, m.name, m.stages);
      return versions.length > 0 ? { model_versions: versions.map(modelVersionToWire) } : {};
    },
  }),

  rpc({
    method: "POST",
    path: "/registered-models/set-tag",
    request: SetRegisteredModelTag,
    access: (m) => onModel("update", byName(m)),
    handle: async (m, r) => {
      await models.setRegisteredModelTag(r.db, m.name, m.key, m.value ?? "");
      emitWebhookEvent(r.c, promptTagSet(m.name, m.key, m.value ?? ""));
      return {};
    },
  }),

  rpc({
    method: "DELETE",
    path: "/registered-models/delete-tag",
    request: DeleteRegisteredModelTag,
    access: (m) => onModel("delete", byName(m)),
    handle: async (m, r) => {
      await models.deleteRegisteredModelTag(r.db, m.name, m.key);
      emitWebhookEvent(r.c, promptTagDeleted(m.name, m.key));
      return {};
    },
  }),

  rpc({
    method: "POST",
    path: "/registered-models/alias",
    request: SetRegisteredModelAlias,
    access: (m) => onModel("update", byName(m)),
    handle: async (m, r) => {
      await models.setAlias(r.db, m.name, m.alias, m.version);
      emitWebhookEvent(r.c, aliasCreated(m.name, m.alias, m.version));
      return {};
    },
  }),

  rpc({
    method: "DELETE",
    path: "/registered-models/alias",
    request: DeleteRegisteredModelAlias,
    access: (m) => onModel("delete", byName(m)),
    handle: async (m, r) => {
      await models.deleteAlias(r.db, m.name, m.alias);
      emitWebhookEvent(r.c, aliasDeleted(m.name, m.alias));
      return {};
    },
  }),

  rpc({
    method: "GET",
    path: "/registered-models/alias",
    request: GetModelVersionByAlias,
    access: (m) => onModel("read", byName(m)),
    handle: async (m, r) => ({ model_version: modelVersionToWire(await models.getVersionByAlias(r.db, m.name, m.alias)) }),
  }),
];
