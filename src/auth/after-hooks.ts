/**
 * Work done after a handler succeeded: creators get MANAGE on what they created (as in MLflow), and
 * search responses drop what the caller may not read.
 */
import type { Context } from "hono";
import { writeGrant } from "../db/auth";
import type { AuthState } from "./state";
import type { AfterHook } from "./rules";
import { readableExperimentIds, readableModelNames } from "./visibility";

type Json = Record<string, unknown>;

async function responseJson(c: Context): Promise<Json | null> {
  if (c.res.status !== 200 || !(c.res.headers.get("content-type") ?? "").includes("application/json")) return null;
  try {
    return (await c.res.clone().json()) as Json;
  } catch {
    return null;
  }
}

function replaceJson(c: Context, body: Json): void {
  const headers = new Headers(c.res.headers);
  headers.delete("content-length");
  c.res = new Response(JSON.stringify(body), { status: c.res.status, headers });
}

async function filterList(c: Context, body: Json, listKey: string, idOf: (item: Json) => string | undefined, kind: "experiment" | "model"): Promise<void> {
  const items = Array.isArray(body[listKey]) ? (body[listKey] as Json[]) : [];
  if (items.length === 0) return;
  const ids = items.map(idOf).filter((x): x is string => x !== undefined);
  const ok = kind === "experiment" ? await readableExperimentIds(c, ids) : await readableModelNames(c, ids);
  const kept = items.filter((item) => {
    const id = idOf(item);
    return id !== undefined && ok.has(id);
  });
  if (kept.length !== items.length) replaceJson(c, { ...body, [listKey]: kept });
}

const str = (v: unknown) => (v === undefined || v === null ? undefined : String(v));

export async function runAfterHook(c: Context, hook: AfterHook, state: AuthState): Promise<void> {
  const body = await responseJson(c);
  if (!body) return;
  const db = () => c.var.database().db;
  const { principal } = state;
  switch (hook) {
    case "grant_experiment_creator": {
      const id = str(body.experiment_id);
      if (id) await writeGrant(db(), "experiment", { resourceId: id, userId: principal.userId, permission: "MANAGE" }, "upsert");
      return;
    }
    case "grant_model_creator": {
      const name = str((body.registered_model as Json | undefined)?.name);
      if (name) await writeGrant(db(), "registered_model", { resourceId: name, userId: principal.userId, permission: "MANAGE" }, "upsert");
      return;
    }
    case "filter_experiments":
      return filterList(c, body, "experiments", (e) => str(e.experiment_id), "experiment");
    case "filter_runs":
      return filterList(c, body, "runs", (r) => str((r.info as Json | undefined)?.experiment_id), "experiment");
    case "filter_logged_models":
      return filterList(c, body, "models", (m) => str((m.info as Json | undefined)?.experiment_id), "experiment");
    case "filter_models":
      return filterList(c, body, "registered_models", (m) => str(m.name), "model");
    case "filter_model_versions":
      return filterList(c, body, "model_versions", (m) => str(m.name), "model");
  }
}
