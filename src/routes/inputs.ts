/** Run inputs and outputs (datasets, logged models) and the UI's dataset summaries. */
import type { App } from "../app";
import { readMessage, sendJson } from "../protocol/http";
import { isArray, isString, required, type MessageSpec } from "../protocol/message";
import * as inputs from "../services/inputs";
import { rpc } from "./rpc";

const datasetSpec: MessageSpec = {
  name: { type: "string" },
  digest: { type: "string" },
  source_type: { type: "string" },
  source: { type: "string" },
  schema: { type: "string" },
  profile: { type: "string" },
};

interface WireDatasetInput {
  tags?: { key?: string; value?: string }[];
  dataset?: { name?: string; digest?: string; source_type?: string; source?: string; schema?: string; profile?: string };
}

export function registerInputRoutes(app: App): void {
  rpc(app, "POST", "/runs/log-inputs", async (c) => {
    const m = await readMessage<{ run_id?: string; datasets?: WireDatasetInput[]; models?: { model_id?: string }[] }>(
      c,
      {
        run_id: { type: "string" },
        datasets: {
          type: "message",
          repeated: true,
          fields: {
            tags: { type: "message", repeated: true, fields: { key: { type: "string" }, value: { type: "string" } } },
            dataset: { type: "message", fields: datasetSpec },
          },
        },
        models: { type: "message", repeated: true, fields: { model_id: { type: "string" } } },
      },
      { run_id: [required, isString], datasets: [isArray], models: [isArray] },
    );
    const datasets = (m.datasets ?? []).map((d) => ({
      tags: (d.tags ?? []).map((t) => ({ key: t.key ?? "", value: t.value ?? "" })),
      dataset: {
        name: d.dataset?.name ?? "",
        digest: d.dataset?.digest ?? "",
        sourceType: d.dataset?.source_type ?? "",
        source: d.dataset?.source ?? "",
        schema: d.dataset?.schema ?? null,
        profile: d.dataset?.profile ?? null,
      },
    }));
    await inputs.logInputs(
      c.var.database().db,
      m.run_id!,
      datasets,
      (m.models ?? []).map((x) => x.model_id ?? ""),
    );
    return sendJson(c, {});
  });

  rpc(app, "POST", "/runs/outputs", async (c) => {
    const m = await readMessage<{ run_id?: string; models?: { model_id?: string; step?: number }[] }>(
      c,
      { run_id: { type: "string" }, models: { type: "message", repeated: true, fields: { model_id: { type: "string" }, step: { type: "int64" } } } },
      { run_id: [required, isString], models: [required, isArray] },
    );
    await inputs.logOutputs(
      c.var.database().db,
      m.run_id!,
      (m.models ?? []).map((x) => ({ modelId: x.model_id ?? "", step: x.step ?? 0 })),
    );
    return sendJson(c, {});
  });

  // MLflow serves this one only under /ajax-api (the UI's route); its /api twin is a broken path.
  app.post("/ajax-api/2.0/mlflow/experiments/search-datasets", async (c) => {
    const m = await readMessage<{ experiment_ids?: string[] }>(c, { experiment_ids: { type: "string", repeated: true } });
    const summaries = await inputs.searchDatasets(c.var.database().db, m.experiment_ids ?? []);
    const body: Record<string, unknown> = {};
    if (summaries.length > 0) {
      body.dataset_summaries = summaries.map((s) => {
        const out: Record<string, unknown> = { experiment_id: String(s.experiment_id), name: s.name, digest: s.digest };
        if (s.context) out.context = s.context;
        return out;
      });
    }
    return sendJson(c, body);
  });
}
