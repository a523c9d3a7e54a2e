/** /logged-models RPCs (MLflow 3 logged models). */
import type { App } from "../app";
import { readMessage, sendJson } from "../protocol/http";
import { isArray, isString, required, type Check, type MessageSpec } from "../protocol/message";
import { loggedModelToWire } from "../protocol/registry-wire";
import * as models from "../services/logged-models";
import { invalidParameterType } from "../errors";
import { rpc } from "./rpc";

const keyValue: MessageSpec = { key: { type: "string" }, value: { type: "string" } };
const kv = (t: { key?: string; value?: string }) => ({ key: t.key ?? "", value: t.value ?? "" });

const isIntLikeStatus: Check = (raw, field) => {
  if (raw.protoParsed) return;
  const v = raw.data[field];
  if (v !== undefined && !(typeof v === "number" && Number.isInteger(v)) && !(typeof v === "string" && /^\s*[-+]?\d+\s*$/.test(v))) {
    throw invalidParameterType(field, v);
  }
};

const isStringList: Check = (raw, field) => {
  const v = raw.data[field];
  if (Array.isArray(v) && v.some((x) => typeof x !== "string")) throw invalidParameterType(field, v);
};

export function registerLoggedModelRoutes(app: App): void {
  rpc(app, "POST", "/logged-models", async (c) => {
    const m = await readMessage<{
      experiment_id?: string;
      name?: string;
      model_type?: string;
      source_run_id?: string;
      params?: { key?: string; value?: string }[];
      tags?: { key?: string; value?: string }[];
    }>(
      c,
      {
        experiment_id: { type: "string" },
        name: { type: "string" },
        model_type: { type: "string" },
        source_run_id: { type: "string" },
        params: { type: "message", repeated: true, fields: keyValue },
        tags: { type: "message", repeated: true, fields: keyValue },
      },
      {
        experiment_id: [isString, required],
        name: [isString],
        model_type: [isString],
        source_run_id: [isString],
        params: [isArray],
        tags: [isArray],
      },
    );
    const model = await models.createLoggedModel(c.var.database().db, {
      experimentId: m.experiment_id!,
      name: m.name,
      // MLflow stores the proto defaults: an absent model_type or source_run_id becomes "".
      modelType: m.model_type ?? "",
      sourceRunId: m.source_run_id ?? "",
      params: (m.params ?? []).map(kv),
      tags: (m.tags ?? []).map(kv),
    });
    return sendJson(c, { model: loggedModelToWire(model) });
  });

  rpc(app, "POST", "/logged-models/search", async (c) => {
    const m = await readMessage<{
      experiment_ids?: string[];
      filter?: string;
      datasets?: { dataset_name?: string; dataset_digest?: string }[];
      max_results?: number;
      order_by?: { field_name?: string; ascending?: boolean; dataset_name?: string; dataset_digest?: string }[];
      page_token?: string;
    }>(
      c,
      {
        experiment_ids: { type: "string", repeated: true },
        filter: { type: "string" },
        datasets: { type: "message", repeated: true, fields: { dataset_name: { type: "string" }, dataset_digest: { type: "string" } } },
        max_results: { type: "int32" },
        order_by: {
          type: "message",
          repeated: true,
          fields: { field_name: { type: "string" }, ascending: { type: "bool" }, dataset_name: { type: "string" }, dataset_digest: { type: "string" } },
        },
        page_token: { type: "string" },
      },
      {
        experiment_ids: [isArray, isStringList, required],
        filter: [isString],
        datasets: [isArray],
        max_results: [isIntLikeStatus],
        order_by: [isArray],
        page_token: [isString],
      },
    );
    const result = await models.searchLoggedModels(c.var.database().db, {
      experimentIds: m.experiment_ids ?? [],
      filter: m.filter,
      datasets: m.datasets ?? [],
      maxResults: m.max_results,
      orderBy: (m.order_by ?? []).map((o) => ({
        field_name: o.field_name ?? "",
        ascending: o.ascending ?? true,
        dataset_name: o.dataset_name || null,
        dataset_digest: o.dataset_digest || null,
      })),
      pageToken: m.page_token,
    });
    const body: Record<string, unknown> = {};
    if (result.models.length > 0) body.models = result.models.map(loggedModelToWire);
    if (result.nextPageToken) body.next_page_token = result.nextPageToken;
    return sendJson(c, body);
  });

  rpc(app, "GET", "/logged-models/:model_id", async (c) => {
    const allowDeleted = (new URL(c.req.url).searchParams.get("allow_deleted") ?? "false").toLowerCase() === "true";
    const model = await models.getLoggedModel(c.var.database().db, c.req.param("model_id")!, allowDeleted);
    return sendJson(c, { model: loggedModelToWire(model) });
  });

  rpc(app, "PATCH", "/logged-models/:model_id", async (c) => {
    const m = await readMessage<{ model_id?: string; status?: string }>(
      c,
      { model_id: { type: "string" }, status: { type: "enum", values: ["LOGGED_MODEL_PENDING", "LOGGED_MODEL_READY", "LOGGED_MODEL_UPLOAD_FAILED"] } },
      { model_id: [isString, required], status: [isIntLikeStatus, required] },
    );
    const status = ["LOGGED_MODEL_STATUS_UNSPECIFIED", "LOGGED_MODEL_PENDING", "LOGGED_MODEL_READY", "LOGGED_MODEL_UPLOAD_FAILED"].indexOf(m.status ?? "");
    const model = await models.finalizeLoggedModel(c.var.database().db, c.req.param("model_id")!, status);
    return sendJson(c, { model: loggedModelToWire(model) });
  });

  rpc(app, "DELETE", "/logged-models/:model_id", async (c) => {
    await models.deleteLoggedModel(c.var.database().db, c.req.param("model_id")!);
    return sendJson(c, {});
  });

  rpc(app, "PATCH", "/logged-models/:model_id/tags", async (c) => {
    const m = await readMessage<{ tags?: { key?: string; value?: string }[] }>(
      c,
      { model_id: { type: "string" }, tags: { type: "message", repeated: true, fields: keyValue } },
      { tags: [isArray] },
    );
    await models.setLoggedModelTags(c.var.database().db, c.req.param("model_id")!, (m.tags ?? []).map(kv));
    return sendJson(c, {});
  });

  rpc(app, "DELETE", "/logged-models/:model_id/tags/:tag_key", async (c) => {
    await models.deleteLoggedModelTag(c.var.database().db, c.req.param("model_id")!, c.req.param("tag_key")!);
    return sendJson(c, {});
  });

  rpc(app, "POST", "/logged-models/:model_id/params", async (c) => {
    const m = await readMessage<{ model_id?: string; params?: { key?: string; value?: string }[] }>(
      c,
      { model_id: { type: "string" }, params: { type: "message", repeated: true, fields: keyValue } },
      { model_id: [isString, required], params: [isArray] },
    );
    await models.logLoggedModelParams(c.var.database().db, c.req.param("model_id")!, (m.params ?? []).map(kv));
    return sendJson(c, {});
  });
}
