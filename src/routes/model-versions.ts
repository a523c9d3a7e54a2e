/** /model-versions/* RPCs. */
import { allOf, custom, onModel, scoped } from "../auth/access";
import { canReadVersionSource } from "../auth/model-version-source";
import { keyValue } from "../protocol/message";
import {
  CreateModelVersion,
  DeleteModelVersion,
  DeleteModelVersionTag,
  GetModelVersion,
  GetModelVersionDownloadUri,
  SearchModelVersions,
  SetModelVersionTag,
  TransitionModelVersionStage,
  UpdateModelVersion,
  modelVersionToWire,
} from "../protocol/model-versions";
import { pageToWire } from "../protocol/proto-json";
import { createModelVersion } from "../services/model-version-create";
import * as versions from "../services/model-versions";
import { rpc } from "./route";
import { emitWebhookEvent } from "../webhooks/dispatch";
import { modelVersionCreated, modelVersionTagDeleted, modelVersionTagSet } from "../webhooks/registry-events";

const byName = (m: { name?: string }) => m.name;

export const modelVersionRoutes = [
  rpc({
    method: "POST",
    path: "/model-versions/create",
    request: CreateModelVersion,
    // The version's files and source become readable through the model: the caller must be able to read them.
    access: (m) => allOf(onModel("update", m.name), custom("read on the version's source", (check, config) => canReadVersionSource(m, check, config))),
    handle: async (m, r) => {
      const mv = await createModelVersion(r.db, r.config.defaultArtifactRoot, {
        name: m.name,
        source: m.source,
        runId: m.run_id,
        modelId: m.model_id,
        runLink: m.run_link,
        description: m.description,
        tags: m.tags.map(keyValue),
      });
      emitWebhookEvent(r.c, modelVersionCreated({ name: mv.name, version: mv.version, source: mv.source ?? "", runId: mv.run_id, tags: m.tags.map(keyValue), description: m.description ?? "" }));
      return { model_version: modelVersionToWire(mv) };
    },
  }),

  rpc({
    method: "GET",
    path: "/model-versions/get",
    request: GetModelVersion,
    access: (m) => onModel("read", byName(m)),
    handle: async (m, r) => ({ model_version: modelVersionToWire(await versions.getModelVersion(r.db, m.name, m.version)) }),
  }),

  rpc({
    method: "PATCH",
    path: "/model-versions/update",
    request: UpdateModelVersion,
    access: (m) => onModel("update", byName(m)),
    handle: async (m, r) => ({ model_version: modelVersionToWire(await versions.updateModelVersion(r.db, m.name, m.version, m.description ?? null)) }),
  }),

  rpc({
    method: "POST",
    path: "/model-versions/transition-stage",
    request: TransitionModelVersionStage,
    access: (m) => onModel("update", byName(m)),
    handle: async (m, r) => {
      const mv = await versions.transitionStage(r.db, m.name, m.version, m.stage, m.archive_existing_versions ?? false);
      return { model_version: modelVersionToWire(mv) };
    },
  }),

  rpc({
    method: "DELETE",
    path: "/model-versions/delete",
    request: DeleteModelVersion,
    access: (m) => onModel("delete", byName(m)),
    handle: async (m, r) => {
      await versions.deleteModelVersion(r.db, m.name, m.version);
      return {};
    },
  }),

  rpc({
    method: "GET",
    path: "/model-versions/get-download-uri",
    request: GetModelVersionDownloadUri,
    access: (m) => onModel("read", byName(m)),
    handle: async (m, r) => ({ artifact_uri: await versions.getDownloadUri(r.db, m.name ?? "", m.version ?? "") }),
  }),

  rpc({
    method: "GET",
    path: "/model-versions/search",
    request: SearchModelVersions,
    access: scoped("registered_model"),
    handle: async (m, r) => {
      const page = await versions.searchModelVersions(r.db, {
        filter: m.filter,
        maxResults: Number(m.max_results ?? 200_000),
        orderBy: m.order_by,
        pageToken: m.page_token || undefined,
        scope: await r.readScope("registered_model"),
      });
      return pageToWire("model_versions", page.items.map(modelVersionToWire), page.nextPageToken);
    },
  }),

  rpc({
    method: "POST",
    path: "/model-versions/set-tag",
    request: SetModelVersionTag,
    access: (m) => onModel("update", byName(m)),
    handle: async (m, r) => {
      await versions.setModelVersionTag(r.db, m.name, m.version, m.key, m.value ?? "");
      emitWebhookEvent(r.c, modelVersionTagSet(m.name, m.version, m.key, m.value ?? ""));
      return {};
    },
  }),

  rpc({
    method: "DELETE",
    path: "/model-versions/delete-tag",
    request: DeleteModelVersionTag,
    access: (m) => onModel("delete", byName(m)),
    handle: async (m, r) => {
      await versions.deleteModelVersionTag(r.db, m.name, m.version, m.key);
      emitWebhookEvent(r.c, modelVersionTagDeleted(m.name, m.version, m.key));
      return {};
    },
  }),
];
