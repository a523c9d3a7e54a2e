/** Model registry RPCs: /registered-models/* and /model-versions/*. */
import type { Context } from "hono";
import type { App, AppEnv } from "../app";
import { invalidParameterType } from "../errors";
import { readMessage, sendJson } from "../protocol/http";
import { isArray, isBool, isIntLike, isString, required, type Check, type MessageSpec } from "../protocol/message";
import { modelVersionToWire, registeredModelToWire } from "../protocol/registry-wire";
import { createModelVersion } from "../services/model-versions";
import * as registry from "../services/registry";
import { rpc } from "./rpc";

const tagSpec: MessageSpec = { key: { type: "string" }, value: { type: "string" } };
const kv = (t: { key?: string; value?: string }) => ({ key: t.key ?? "", value: t.value ?? "" });
const db = (c: Context<AppEnv>) => c.var.database().db;

/** MLflow's `lambda x: _assert_less_than_or_equal(int(x), max)` on the raw value. */
const atMost =
  (max: number): Check =>
  (raw, field) => {
    const v = raw.data[field];
    if (v !== undefined && v !== null && Number(v) > max) throw invalidParameterType(field, v);
  };

const stringItems: Check = (raw, field) => {
  const v = raw.data[field];
  if (Array.isArray(v) && !v.every((x) => typeof x === "string")) throw invalidParameterType(field, v);
};

interface NameVersion {
  name?: string;
  version?: string;
}
const nameVersion: MessageSpec = { name: { type: "string" }, version: { type: "string" } };
const nameVersionChecks = { name: [isString, required], version: [isString, required] };

function registerModelRoutes(app: App): void {
  rpc(app, "POST", "/registered-models/create", async (c) => {
    const m = await readMessage<{ name?: string; tags?: { key?: string; value?: string }[]; description?: string }>(
      c,
      { name: { type: "string" }, tags: { type: "message", repeated: true, fields: tagSpec }, description: { type: "string" } },
      { name: [isString, required], tags: [isArray], description: [isString] },
    );
    const model = await registry.createRegisteredModel(db(c), { name: m.name, description: m.description, tags: (m.tags ?? []).map(kv) });
    return sendJson(c, { registered_model: registeredModelToWire(model) });
  });

  rpc(app, "GET", "/registered-models/get", async (c) => {
    const m = await readMessage<{ name?: string }>(c, { name: { type: "string" } }, { name: [isString, required] });
    return sendJson(c, { registered_model: registeredModelToWire(await registry.getRegisteredModel(db(c), m.name)) });
  });

  rpc(app, "PATCH", "/registered-models/update", async (c) => {
    const m = await readMessage<{ name?: string; description?: string }>(
      c,
      { name: { type: "string" }, description: { type: "string" } },
      { name: [isString, required], description: [isString] },
    );
    const model = await registry.updateRegisteredModel(db(c), m.name!, m.description ?? "");
    return sendJson(c, { registered_model: registeredModelToWire(model) });
  });

  rpc(app, "POST", "/registered-models/rename", async (c) => {
    const m = await readMessage<{ name?: string; new_name?: string }>(
      c,
      { name: { type: "string" }, new_name: { type: "string" } },
      { name: [isString, required], new_name: [isString, required] },
    );
    const model = await registry.renameRegisteredModel(db(c), m.name!, m.new_name);
    return sendJson(c, { registered_model: registeredModelToWire(model) });
  });

  rpc(app, "DELETE", "/registered-models/delete", async (c) => {
    const m = await readMessage<{ name?: string }>(c, { name: { type: "string" } }, { name: [isString, required] });
    await registry.deleteRegisteredModel(db(c), m.name!);
    return sendJson(c, {});
  });

  rpc(app, "GET", "/registered-models/search", async (c) => {
    const m = await readMessage<{ filter?: string; max_results?: number; order_by?: string[]; page_token?: string }>(
      c,
      { filter: { type: "string" }, max_results: { type: "int64" }, order_by: { type: "string", repeated: true }, page_token: { type: "string" } },
      { filter: [isString], max_results: [isIntLike, atMost(1000)], order_by: [isArray, stringItems], page_token: [isString] },
    );
    const result = await registry.searchRegisteredModels(db(c), {
      filter: m.filter,
      maxResults: m.max_results ?? 100,
      orderBy: m.order_by,
      pageToken: m.page_token || undefined,
    });
    const body: Record<string, unknown> = {};
    if (result.models.length > 0) body.registered_models = result.models.map(registeredModelToWire);
    if (result.nextPageToken) body.next_page_token = result.nextPageToken;
    return sendJson(c, body);
  });

  rpc(app, ["POST", "GET"], "/registered-models/get-latest-versions", async (c) => {
    const m = await readMessage<{ name?: string; stages?: string[] }>(
      c,
      { name: { type: "string" }, stages: { type: "string", repeated: true } },
      { name: [isString, required], stages: [isArray, stringItems] },
    );
    const versions = await registry.getLatestVersions(db(c), m.name!, m.stages ?? []);
    return sendJson(c, versions.length > 0 ? { model_versions: versions.map(modelVersionToWire) } : {});
  });

  rpc(app, "POST", "/registered-models/set-tag", async (c) => {
    const m = await readMessage<{ name?: string; key?: string; value?: string }>(
      c,
      { name: { type: "string" }, ...tagSpec },
      { name: [isString, required], key: [isString, required], value: [isString] },
    );
    await registry.setRegisteredModelTag(db(c), m.name!, m.key!, m.value ?? "");
    return sendJson(c, {});
  });

  rpc(app, "DELETE", "/registered-models/delete-tag", async (c) => {
    const m = await readMessage<{ name?: string; key?: string }>(
      c,
      { name: { type: "string" }, key: { type: "string" } },
      { name: [isString, required], key: [isString, required] },
    );
    await registry.deleteRegisteredModelTag(db(c), m.name!, m.key!);
    return sendJson(c, {});
  });

  rpc(app, "POST", "/registered-models/alias", async (c) => {
    const m = await readMessage<{ name?: string; alias?: string; version?: string }>(
      c,
      { name: { type: "string" }, alias: { type: "string" }, version: { type: "string" } },
      { name: [isString, required], alias: [isString, required], version: [isString, required] },
    );
    await registry.setAlias(db(c), m.name!, m.alias!, m.version!);
    return sendJson(c, {});
  });

  rpc(app, "DELETE", "/registered-models/alias", async (c) => {
    const m = await readMessage<{ name?: string; alias?: string }>(
      c,
      { name: { type: "string" }, alias: { type: "string" } },
      { name: [isString, required], alias: [isString, required] },
    );
    await registry.deleteAlias(db(c), m.name!, m.alias!);
    return sendJson(c, {});
  });

  rpc(app, "GET", "/registered-models/alias", async (c) => {
    const m = await readMessage<{ name?: string; alias?: string }>(
      c,
      { name: { type: "string" }, alias: { type: "string" } },
      { name: [isString, required], alias: [isString, required] },
    );
    return sendJson(c, { model_version: modelVersionToWire(await registry.getVersionByAlias(db(c), m.name!, m.alias!)) });
  });
}

function registerVersionRoutes(app: App): void {
  rpc(app, "POST", "/model-versions/create", async (c) => {
    const m = await readMessage<{
      name?: string;
      source?: string;
      run_id?: string;
      tags?: { key?: string; value?: string }[];
      run_link?: string;
      description?: string;
      model_id?: string;
    }>(
      c,
      {
        name: { type: "string" },
        source: { type: "string" },
        run_id: { type: "string" },
        tags: { type: "message", repeated: true, fields: tagSpec },
        run_link: { type: "string" },
        description: { type: "string" },
        model_id: { type: "string" },
      },
      {
        name: [isString, required],
        source: [isString, required],
        run_id: [isString],
        tags: [isArray],
        run_link: [isString],
        description: [isString],
        model_id: [isString],
      },
    );
    const mv = await createModelVersion(db(c), c.var.config.defaultArtifactRoot, {
      name: m.name,
      source: m.source,
      runId: m.run_id,
      modelId: m.model_id,
      runLink: m.run_link,
      description: m.description,
      tags: (m.tags ?? []).map(kv),
    });
    return sendJson(c, { model_version: modelVersionToWire(mv) });
  });

  rpc(app, "GET", "/model-versions/get", async (c) => {
    const m = await readMessage<NameVersion>(c, nameVersion, nameVersionChecks);
    return sendJson(c, { model_version: modelVersionToWire(await registry.getModelVersion(db(c), m.name!, m.version!)) });
  });

  rpc(app, "PATCH", "/model-versions/update", async (c) => {
    const m = await readMessage<NameVersion & { description?: string }>(
      c,
      { ...nameVersion, description: { type: "string" } },
      { ...nameVersionChecks, description: [isString] },
    );
    const mv = await registry.updateModelVersion(db(c), m.name!, m.version!, m.description ?? null);
    return sendJson(c, { model_version: modelVersionToWire(mv) });
  });

  rpc(app, "POST", "/model-versions/transition-stage", async (c) => {
    const m = await readMessage<NameVersion & { stage?: string; archive_existing_versions?: boolean }>(
      c,
      { ...nameVersion, stage: { type: "string" }, archive_existing_versions: { type: "bool" } },
      { ...nameVersionChecks, stage: [isString, required], archive_existing_versions: [isBool] },
    );
    const mv = await registry.transitionStage(db(c), m.name!, m.version!, m.stage!, m.archive_existing_versions ?? false);
    return sendJson(c, { model_version: modelVersionToWire(mv) });
  });

  rpc(app, "DELETE", "/model-versions/delete", async (c) => {
    const m = await readMessage<NameVersion>(c, nameVersion, nameVersionChecks);
    await registry.deleteModelVersion(db(c), m.name!, m.version!);
    return sendJson(c, {});
  });

  rpc(app, "GET", "/model-versions/get-download-uri", async (c) => {
    const m = await readMessage<NameVersion>(c, nameVersion);
    return sendJson(c, { artifact_uri: await registry.getDownloadUri(db(c), m.name ?? "", m.version ?? "") });
  });

  rpc(app, "GET", "/model-versions/search", async (c) => {
    const m = await readMessage<{ filter?: string; max_results?: number; order_by?: string[]; page_token?: string }>(
      c,
      { filter: { type: "string" }, max_results: { type: "int64" }, order_by: { type: "string", repeated: true }, page_token: { type: "string" } },
      { filter: [isString], max_results: [isIntLike, atMost(200_000)], order_by: [isArray, stringItems], page_token: [isString] },
    );
    const result = await registry.searchModelVersions(db(c), {
      filter: m.filter,
      maxResults: m.max_results ?? 200_000,
      orderBy: m.order_by,
      pageToken: m.page_token || undefined,
    });
    const body: Record<string, unknown> = {};
    if (result.versions.length > 0) body.model_versions = result.versions.map(modelVersionToWire);
    if (result.nextPageToken) body.next_page_token = result.nextPageToken;
    return sendJson(c, body);
  });

  rpc(app, "POST", "/model-versions/set-tag", async (c) => {
    const m = await readMessage<NameVersion & { key?: string; value?: string }>(
      c,
      { ...nameVersion, ...tagSpec },
      { ...nameVersionChecks, key: [isString, required], value: [isString] },
    );
    await registry.setModelVersionTag(db(c), m.name!, m.version!, m.key!, m.value ?? "");
    return sendJson(c, {});
  });

  rpc(app, "DELETE", "/model-versions/delete-tag", async (c) => {
    const m = await readMessage<NameVersion & { key?: string }>(
      c,
      { ...nameVersion, key: { type: "string" } },
      { ...nameVersionChecks, key: [isString, required] },
    );
    await registry.deleteModelVersionTag(db(c), m.name!, m.version!, m.key!);
    return sendJson(c, {});
  });
}

export function registerRegistryRoutes(app: App): void {
  registerModelRoutes(app);
  registerVersionRoutes(app);
}
