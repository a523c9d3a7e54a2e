/** /runs/* RPCs. */
import type { App } from "../app";
import { readMessage, sendJson } from "../protocol/http";
import { isArray, isFloatLike, isIntLike, isString, required, type MessageSpec } from "../protocol/message";
import { runInfoToWire, runToWire } from "../protocol/wire";
import { authenticatedUsername } from "../auth/state";
import * as runs from "../services/runs";
import { rpc } from "./rpc";

const RUN_STATUSES = ["RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED"] as const;
const keyValue: MessageSpec = { key: { type: "string" }, value: { type: "string" } };
const runRef: MessageSpec = { run_id: { type: "string" }, run_uuid: { type: "string" } };
const metricFields: MessageSpec = {
  key: { type: "string" },
  value: { type: "double" },
  timestamp: { type: "int64" },
  step: { type: "int64" },
  model_id: { type: "string" },
  dataset_name: { type: "string" },
  dataset_digest: { type: "string" },
};

interface RunRef {
  run_id?: string;
  run_uuid?: string;
}
interface KeyValue {
  key?: string;
  value?: string;
}
interface WireMetric {
  key?: string;
  value?: number;
  timestamp?: number;
  step?: number;
  model_id?: string;
  dataset_name?: string;
  dataset_digest?: string;
}

const runIdOf = (m: RunRef) => m.run_id || m.run_uuid || "";
const kv = (t: KeyValue) => ({ key: t.key ?? "", value: t.value ?? "" });

/** MLflow's LogBatch schema: each entry's required fields, reported with their JSON path. */
function requireEntries(items: unknown, name: string, fields: string[]): void {
  if (!Array.isArray(items)) return;
  items.forEach((item, idx) => {
    for (const f of fields) {
      const v = (item as Record<string, unknown> | null)?.[f];
      if (v === undefined || v === null || v === "") {
        throw runs.missingEntryField(`${name}[${idx}].${f}`);
      }
    }
  });
}

export function registerRunRoutes(app: App): void {
  rpc(app, "POST", "/runs/create", async (c) => {
    const m = await readMessage<{ experiment_id?: string; user_id?: string; run_name?: string; start_time?: number; tags?: KeyValue[] }>(
      c,
      {
        experiment_id: { type: "string" },
        user_id: { type: "string" },
        run_name: { type: "string" },
        start_time: { type: "int64" },
        tags: { type: "message", repeated: true, fields: keyValue },
      },
      { experiment_id: [isString], start_time: [isIntLike], run_name: [isString] },
    );
    const run = await runs.createRun(c.var.database().db, {
      experimentId: m.experiment_id,
      // Audit: with auth on, a run created without a user belongs to the authenticated identity.
      userId: m.user_id || authenticatedUsername(c),
      runName: m.run_name,
      startTime: m.start_time,
      tags: (m.tags ?? []).map(kv),
    });
    return sendJson(c, { run: runToWire(run, { outputs: false }) });
  });

  rpc(app, "GET", "/runs/get", async (c) => {
    const m = await readMessage<RunRef>(c, runRef, { run_id: [required, isString] });
    const run = await runs.getRun(c.var.database().db, runIdOf(m));
    return sendJson(c, { run: runToWire(run) });
  });

  rpc(app, "POST", "/runs/update", async (c) => {
    const m = await readMessage<RunRef & { status?: string; end_time?: number; run_name?: string }>(
      c,
      { ...runRef, status: { type: "enum", values: RUN_STATUSES }, end_time: { type: "int64" }, run_name: { type: "string" } },
      { run_id: [required, isString], end_time: [isIntLike], status: [isString], run_name: [isString] },
    );
    const info = await runs.updateRun(c.var.database().db, runIdOf(m), { status: m.status, endTime: m.end_time, name: m.run_name });
    return sendJson(c, { run_info: runInfoToWire(info) });
  });

  rpc(app, "POST", "/runs/delete", async (c) => {
    const m = await readMessage<RunRef>(c, { run_id: { type: "string" } }, { run_id: [required, isString] });
    await runs.deleteRun(c.var.database().db, m.run_id!);
    return sendJson(c, {});
  });

  rpc(app, "POST", "/runs/restore", async (c) => {
    const m = await readMessage<RunRef>(c, { run_id: { type: "string" } }, { run_id: [required, isString] });
    await runs.restoreRun(c.var.database().db, m.run_id!);
    return sendJson(c, {});
  });

  rpc(app, "POST", "/runs/log-metric", async (c) => {
    const m = await readMessage<RunRef & WireMetric>(
      c,
      { ...runRef, ...metricFields },
      {
        run_id: [required, isString],
        key: [required, isString],
        value: [required, isFloatLike],
        timestamp: [isIntLike, required],
        step: [isIntLike],
        model_id: [isString],
        dataset_name: [isString],
        dataset_digest: [isString],
      },
    );
    await runs.logBatch(
      c.var.database().db,
      runIdOf(m),
      {
        metrics: [{ key: m.key!, value: m.value!, timestamp: m.timestamp!, step: m.step, model_id: m.model_id, dataset_name: m.dataset_name, dataset_digest: m.dataset_digest }],
        params: [],
        tags: [],
      },
      "metric",
    );
    return sendJson(c, {});
  });

  rpc(app, "POST", "/runs/log-parameter", async (c) => {
    const m = await readMessage<RunRef & KeyValue>(c, { ...runRef, ...keyValue }, {
      run_id: [required, isString],
      key: [required, isString],
      value: [isString],
    });
    await runs.logBatch(c.var.database().db, runIdOf(m), { metrics: [], params: [kv(m)], tags: [] }, "param");
    return sendJson(c, {});
  });

  rpc(app, "POST", "/runs/set-tag", async (c) => {
    const m = await readMessage<RunRef & KeyValue>(c, { ...runRef, ...keyValue }, {
      run_id: [required, isString],
      key: [required, isString],
      value: [isString],
    });
    await runs.logBatch(c.var.database().db, runIdOf(m), { metrics: [], params: [], tags: [kv(m)] }, "tag");
    return sendJson(c, {});
  });

  rpc(app, "POST", "/runs/delete-tag", async (c) => {
    const m = await readMessage<RunRef & { key: string }>(c, { run_id: { type: "string" }, key: { type: "string" } }, {
      run_id: [required, isString],
      key: [required, isString],
    });
    await runs.deleteTag(c.var.database().db, m.run_id!, m.key);
    return sendJson(c, {});
  });

  rpc(app, "POST", "/runs/log-batch", async (c) => {
    const m = await readMessage<{ run_id: string; metrics?: WireMetric[]; params?: KeyValue[]; tags?: KeyValue[] }>(
      c,
      {
        run_id: { type: "string" },
        metrics: { type: "message", repeated: true, fields: metricFields },
        params: { type: "message", repeated: true, fields: keyValue },
        tags: { type: "message", repeated: true, fields: keyValue },
      },
      {
        run_id: [isString, required],
        metrics: [isArray, (raw) => requireEntries(raw.data.metrics, "metrics", ["key", "value", "timestamp"])],
        params: [isArray, (raw) => requireEntries(raw.data.params, "params", ["key"])],
        tags: [isArray, (raw) => requireEntries(raw.data.tags, "tags", ["key"])],
      },
    );
    await runs.logBatch(c.var.database().db, m.run_id, {
      metrics: (m.metrics ?? []).map((x) => ({
        key: x.key ?? "",
        value: x.value ?? 0,
        timestamp: x.timestamp ?? 0,
        step: x.step,
        model_id: x.model_id,
        dataset_name: x.dataset_name,
        dataset_digest: x.dataset_digest,
      })),
      params: (m.params ?? []).map(kv),
      tags: (m.tags ?? []).map(kv),
    });
    return sendJson(c, {});
  });
}
