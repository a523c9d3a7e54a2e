/** Calls into the Worker under test, the way the MLflow client would. */
import { exports } from "cloudflare:workers";

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
  /** Postgres statements the request cost, from the Server-Timing header. */
  roundTrips: number;
}

export async function call<T = any>(method: string, path: string, payload?: unknown): Promise<ApiResponse<T>> {
  let url = `http://localhost${path}`;
  const init: RequestInit = { method };
  if (method === "GET" && payload && typeof payload === "object") {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(payload as Record<string, unknown>)) {
      for (const item of Array.isArray(v) ? v : [v]) qs.append(k, String(item));
    }
    url += `?${qs}`;
  } else if (payload !== undefined) {
    init.body = typeof payload === "string" ? payload : JSON.stringify(payload);
    init.headers = { "content-type": "application/json" };
  }
  const res = await (exports as any).default.fetch(url, init);
  const text = await res.text();
  let body: any = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  const timing = res.headers.get("server-timing") ?? "";
  const roundTrips = Number(/dur=(\d+)/.exec(timing)?.[1] ?? 0);
  return { status: res.status, body, text, headers: res.headers, roundTrips };
}

export const api = {
  get: <T = any>(rpc: string, params?: Record<string, unknown>) => call<T>("GET", `/api/2.0/mlflow${rpc}`, params),
  post: <T = any>(rpc: string, body?: unknown) => call<T>("POST", `/api/2.0/mlflow${rpc}`, body ?? {}),
  patch: <T = any>(rpc: string, body?: unknown) => call<T>("PATCH", `/api/2.0/mlflow${rpc}`, body ?? {}),
  del: <T = any>(rpc: string, body?: unknown) => call<T>("DELETE", `/api/2.0/mlflow${rpc}`, body ?? {}),
};

let counter = 0;
export function uniqueName(prefix = "exp"): string {
  counter++;
  return `${prefix}-${Date.now().toString(36)}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

export async function newExperiment(): Promise<string> {
  const res = await api.post("/experiments/create", { name: uniqueName() });
  if (res.status !== 200) throw new Error(`create experiment failed: ${res.text}`);
  return res.body.experiment_id;
}

export async function newRun(experimentId?: string): Promise<string> {
  const res = await api.post("/runs/create", { experiment_id: experimentId ?? (await newExperiment()), start_time: Date.now() });
  if (res.status !== 200) throw new Error(`create run failed: ${res.text}`);
  return res.body.run.info.run_id;
}
