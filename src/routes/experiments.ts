/** /experiments/* RPCs (search lives with the search module). */
import type { App } from "../app";
import { readMessage, sendJson } from "../protocol/http";
import { isArray, isString, required, type MessageSpec } from "../protocol/message";
import { experimentToWire } from "../protocol/wire";
import * as experiments from "../services/experiments";
import { rpc } from "./rpc";

const keyValue: MessageSpec = { key: { type: "string" }, value: { type: "string" } };
const byId: MessageSpec = { experiment_id: { type: "string" } };
const idSchema = { experiment_id: [required, isString] };

export function registerExperimentRoutes(app: App): void {
  rpc(app, "POST", "/experiments/create", async (c) => {
    const m = await readMessage<{ name: string; artifact_location?: string; tags?: { key?: string; value?: string }[] }>(
      c,
      { name: { type: "string" }, artifact_location: { type: "string" }, tags: { type: "message", repeated: true, fields: keyValue } },
      { name: [required, isString], artifact_location: [isString], tags: [isArray] },
    );
    const id = await experiments.createExperiment(c.var.database().db, c.var.config.defaultArtifactRoot, {
      name: m.name,
      artifactLocation: m.artifact_location,
      tags: (m.tags ?? []).map((t) => ({ key: t.key ?? "", value: t.value })),
    });
    return sendJson(c, { experiment_id: id });
  });

  rpc(app, "GET", "/experiments/get", async (c) => {
    const m = await readMessage<{ experiment_id: string }>(c, byId, idSchema);
    const row = await experiments.getExperiment(c.var.database().db, m.experiment_id);
    return sendJson(c, { experiment: experimentToWire(row) });
  });

  rpc(app, "GET", "/experiments/get-by-name", async (c) => {
    const m = await readMessage<{ experiment_name: string }>(
      c,
      { experiment_name: { type: "string" } },
      { experiment_name: [required, isString] },
    );
    const row = await experiments.getExperimentByName(c.var.database().db, m.experiment_name);
    return sendJson(c, { experiment: experimentToWire(row) });
  });

  rpc(app, "POST", "/experiments/delete", async (c) => {
    const m = await readMessage<{ experiment_id: string }>(c, byId, idSchema);
    await experiments.deleteExperiment(c.var.database().db, m.experiment_id);
    return sendJson(c, {});
  });

  rpc(app, "POST", "/experiments/restore", async (c) => {
    const m = await readMessage<{ experiment_id: string }>(c, byId, idSchema);
    await experiments.restoreExperiment(c.var.database().db, m.experiment_id);
    return sendJson(c, {});
  });

  rpc(app, "POST", "/experiments/update", async (c) => {
    const m = await readMessage<{ experiment_id: string; new_name: string }>(
      c,
      { ...byId, new_name: { type: "string" } },
      { ...idSchema, new_name: [isString, required] },
    );
    await experiments.renameExperiment(c.var.database().db, m.experiment_id, m.new_name);
    return sendJson(c, {});
  });

  rpc(app, "POST", "/experiments/set-experiment-tag", async (c) => {
    const m = await readMessage<{ experiment_id: string; key: string; value?: string }>(
      c,
      { ...byId, ...keyValue },
      { ...idSchema, key: [required, isString], value: [isString] },
    );
    await experiments.setExperimentTag(c.var.database().db, m.experiment_id, m.key, m.value ?? "");
    return sendJson(c, {});
  });

  rpc(app, "POST", "/experiments/delete-experiment-tag", async (c) => {
    const m = await readMessage<{ experiment_id: string; key: string }>(
      c,
      { ...byId, key: { type: "string" } },
      { ...idSchema, key: [required, isString] },
    );
    await experiments.deleteExperimentTag(c.var.database().db, m.experiment_id, m.key);
    return sendJson(c, {});
  });
}
