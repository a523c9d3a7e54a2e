/** Parsing the URIs MLflow names things with (`runs:/`, `models:/`), with Python's urlparse rules. */

export interface ParsedUri {
  scheme: string;
  netloc: string;
  path: string;
}

const SCHEME_CHARS = /^[A-Za-z][A-Za-z0-9+\-.]*$/;

/** Python's urlparse (without ;params), enough for MLflow's decisions on URIs. */
export function urlparse(uri: string): ParsedUri {
  let rest = uri;
  let scheme = "";
  const colon = rest.indexOf(":");
  if (colon > 0 && SCHEME_CHARS.test(rest.slice(0, colon))) {
    scheme = rest.slice(0, colon).toLowerCase();
    rest = rest.slice(colon + 1);
  }
  let netloc = "";
  if (rest.startsWith("//")) {
    const end = rest.slice(2).search(/[/?#]/);
    netloc = end < 0 ? rest.slice(2) : rest.slice(2, end + 2);
    rest = end < 0 ? "" : rest.slice(end + 2);
  }
  const hash = rest.indexOf("#");
  if (hash >= 0) rest = rest.slice(0, hash);
  const q = rest.indexOf("?");
  if (q >= 0) rest = rest.slice(0, q);
  return { scheme, netloc, path: rest };
}

export interface ParsedModelUri {
  modelId?: string;
  name?: string;
  version?: string;
  stage?: string;
  alias?: string;
}

/** MLflow's _parse_model_uri for models:/ URIs; null where MLflow raises. */
export function parseModelUri(uri: string): ParsedModelUri | null {
  const p = urlparse(uri);
  if (p.scheme !== "models") return null;
  // urlparse here keeps the fragment (allow_fragments=False) and the query is not part of the path.
  const path = p.path;
  if (!path.startsWith("/") || path.length <= 1) return null;
  const parts = path.replace(/^\/+/, "").split("/");
  if (parts.length > 2 || parts[0]!.trim() === "") return null;
  if (parts.length === 2) {
    const [name, suffix] = parts as [string, string];
    if (suffix.trim() === "") return null;
    if (/^\d+$/.test(suffix)) return { name, version: suffix };
    if (suffix.toLowerCase() === "latest") return { name };
    return { name, stage: suffix };
  }
  if (path.includes("@")) {
    const at = parts[0]!.lastIndexOf("@");
    if (at < 0 || parts[0]!.slice(at + 1).trim() === "") return null;
    return { name: parts[0]!.slice(0, at), alias: parts[0]!.slice(at + 1) };
  }
  return { modelId: parts[0]! };
}

/** Parses a runs:/ URI into its run id; null where MLflow raises. */
export function runIdOfRunsUri(uri: string): string | null {
  const p = urlparse(uri);
  if (p.scheme !== "runs" || !p.path.startsWith("/") || p.path.length <= 1) return null;
  const runId = p.path.slice(1).split("/")[0]!;
  return runId === "" ? null : runId;
}
