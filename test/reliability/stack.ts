// The live stack the reliability suite drives: scripts/with-stack.mjs starts wrangler dev on a fresh
// PostgreSQL database (plus the stand-ins) and passes where they are in the environment.
export const BASE = process.env.EDGE_MLFLOW_URL ?? "http://127.0.0.1:8787";
export const DATABASE_URL = process.env.EDGE_MLFLOW_DATABASE_URL ?? "";
/** `RELIABILITY_FULL=1` (npm run test:reliability:full): longer, bigger runs, and the soak. */
export const FULL = process.env.RELIABILITY_FULL === "1";
/** Generated inputs are seeded, so a failure can be replayed: RELIABILITY_SEED=<n>. */
export const SEED = Number(process.env.RELIABILITY_SEED ?? 20261201);

export interface Answer {
  status: number;
  text: string;
  json: any;
  headers: Headers;
}

export async function send(method: string, path: string, body?: string | Uint8Array, contentType = "application/json", signal?: AbortSignal): Promise<Answer> {
  const res = await fetch(BASE + path, {
    method,
    body: body as BodyInit | undefined,
    headers: body === undefined ? {} : { "content-type": contentType },
    signal,
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json, headers: res.headers };
}

/** A POST to an MLflow RPC that must succeed; its JSON answer. */
export async function post(rpc: string, body: unknown): Promise<any> {
  const res = await send("POST", `/api/2.0/mlflow${rpc}`, JSON.stringify(body));
  if (res.status !== 200) throw new Error(`${rpc}: ${res.status} ${res.text}`);
  return res.json;
}

export async function get(rpc: string, query: Record<string, string | string[]>): Promise<any> {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) for (const item of Array.isArray(v) ? v : [v]) qs.append(k, item);
  const res = await send("GET", `/api/2.0/mlflow${rpc}?${qs}`);
  if (res.status !== 200) throw new Error(`${rpc}: ${res.status} ${res.text}`);
  return res.json;
}
