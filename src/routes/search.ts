/** runs/search and experiments/search (POST for the client, GET for UIs). */
import type { App } from "../app";
import { MlflowError } from "../errors";
import { readMessage, sendJson } from "../protocol/http";
import { isArray, isIntLike, isString, type Check } from "../protocol/message";
import { experimentToWire, runToWire } from "../protocol/wire";
import { SEARCH_MAX_RESULTS_DEFAULT, SEARCH_MAX_RESULTS_THRESHOLD, VIEW_TYPES, searchExperiments, searchRuns, type ViewType } from "../services/search";
import { rpc } from "./rpc";

const allStrings: Check = (raw, field) => {
  const v = raw.data[field];
  if (Array.isArray(v) && !v.every((x) => typeof x === "string")) {
    throw MlflowError.invalidParameter(
      `Invalid value ${JSON.stringify(v)} for parameter '${field}' supplied. See the API docs for more information about request parameters.`,
    );
  }
};

const atMostThreshold: Check = (raw, field) => {
  const v = raw.data[field];
  if (v !== undefined && Number(v) > SEARCH_MAX_RESULTS_THRESHOLD) {
    throw MlflowError.invalidParameter(
      `Invalid value ${v} for parameter '${field}' supplied. See the API docs for more information about request parameters.`,
    );
  }
};

export function registerSearchRoutes(app: App): void {
  rpc(app, ["POST", "GET"], "/runs/search", async (c) => {
    const m = await readMessage<{
      experiment_ids?: string[];
      filter?: string;
      run_view_type?: ViewType;
      max_results?: number;
      order_by?: string[];
      page_token?: string;
    }>(
      c,
      {
        experiment_ids: { type: "string", repeated: true },
        filter: { type: "string" },
        run_view_type: { type: "enum", values: VIEW_TYPES },
        max_results: { type: "int32" },
        order_by: { type: "string", repeated: true },
        page_token: { type: "string" },
      },
      {
        experiment_ids: [isArray],
        filter: [isString],
        max_results: [isIntLike, atMostThreshold],
        order_by: [isArray, allStrings],
      },
    );
    const page = await searchRuns(c.var.database().db, {
      experimentIds: m.experiment_ids ?? [],
      filter: m.filter,
      viewType: m.run_view_type ?? "ACTIVE_ONLY",
      maxResults: m.max_results ?? SEARCH_MAX_RESULTS_DEFAULT,
      orderBy: m.order_by ?? [],
      pageToken: m.page_token,
    });
    const body: Record<string, unknown> = {};
    if (page.items.length > 0) body.runs = page.items.map((r) => runToWire(r));
    if (page.nextPageToken) body.next_page_token = page.nextPageToken;
    return sendJson(c, body);
  });

  rpc(app, ["POST", "GET"], "/experiments/search", async (c) => {
    const m = await readMessage<{ max_results?: number; page_token?: string; filter?: string; order_by?: string[]; view_type?: ViewType }>(
      c,
      {
        max_results: { type: "int64" },
        page_token: { type: "string" },
        filter: { type: "string" },
        order_by: { type: "string", repeated: true },
        view_type: { type: "enum", values: VIEW_TYPES },
      },
      { view_type: [isIntLike], max_results: [isIntLike], order_by: [isArray], filter: [isString], page_token: [isString] },
    );
    const page = await searchExperiments(c.var.database().db, {
      filter: m.filter,
      viewType: m.view_type,
      maxResults: m.max_results,
      orderBy: m.order_by ?? [],
      pageToken: m.page_token,
    });
    const body: Record<string, unknown> = {};
    if (page.items.length > 0) body.experiments = page.items.map(experimentToWire);
    if (page.nextPageToken) body.next_page_token = page.nextPageToken;
    return sendJson(c, body);
  });
}
