/**
 * Model-version source validation (the MLflow CVE-2023-1177 / CVE-2024-1558 class): a source must
 * not make the server read local files, reach outside the artifact store through `..` (plain or
 * percent-encoded), or connect to hosts it was not configured for. Rules and messages follow
 * MLflow 3.18's handlers; URL parsing follows Python's urllib.parse.
 */
import { MlflowError } from "../errors";
import { parseModelUri, runIdOfRunsUri, urlparse, type ParsedModelUri, type ParsedUri } from "../lib/mlflow-uris";

export { parseModelUri, runIdOfRunsUri, urlparse, type ParsedModelUri, type ParsedUri };




function hostname(netloc: string): string {
  const afterAt = netloc.slice(netloc.lastIndexOf("@") + 1);
  const host = afterAt.startsWith("[") ? afterAt.slice(1, afterAt.indexOf("]")) : afterAt.split(":")[0]!;
  return host.toLowerCase();
}

function port(netloc: string): number | null | "malformed" {
  const afterAt = netloc.slice(netloc.lastIndexOf("@") + 1);
  const m = /:([^:\]]*)$/.exec(afterAt.startsWith("[") ? afterAt.slice(afterAt.indexOf("]") + 1) : afterAt);
  if (!m || m[1] === "") return null;
  if (!/^\d+$/.test(m[1]!) || Number(m[1]) > 65535) return "malformed";
  return Number(m[1]);
}

/** Python's is_local_uri (on a POSIX server): no scheme, or file: without a remote host. */
export function isLocalUri(uri: string): boolean {
  const p = urlparse(uri);
  return p.scheme === "" || p.scheme === "file";
}

function unquotePlus(s: string): string {
  const plus = s.replace(/\+/g, " ");
  return plus.replace(/(%[0-9A-Fa-f]{2})+/g, (seq) => {
    try {
      return decodeURIComponent(seq);
    } catch {
      return seq.replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    }
  });
}

function unquote(s: string): string {
  return s.replace(/(%[0-9A-Fa-f]{2})+/g, (seq) => {
    try {
      return decodeURIComponent(seq);
    } catch {
      return seq;
    }
  });
}

function iterate(s: string, f: (x: string) => string): string {
  for (let i = 0; i < 100; i++) {
    const next = f(s);
    if (next === s) return s;
    s = next;
  }
  return s;
}

/**
 * Rejects relative references in a source: after repeated percent-decoding, the URI path must be
 * absolute and already normalised (no `.`/`..` segments, no NUL).
 */
export function assertNoRelativePaths(source: string): void {
  const invalid = () =>
    MlflowError.invalidParameter(
      `Invalid model version source: '${source}'. If supplying a source as an http, https, local file path, ftp, objectstore, or mlflow-artifacts uri, an absolute path must be provided without relative path references present. Please provide an absolute path.`,
    );
  const decoded = iterate(source, unquotePlus);
  const path = urlparse(decoded).path.replace(/\/+$/, "").replace(/\/+/g, "/");
  if (path.includes("\u0000") || decoded.split("/").some((p) => p === "..")) throw invalid();
  // Python compares the path with Path(path).resolve(): relative or non-normalised paths differ.
  if (!path.startsWith("/") || path.split("/").some((seg, i) => i > 0 && (seg === "." || seg === ".." || seg === ""))) throw invalid();
}

const HOST_ADDRESSED = new Set(["ftp", "sftp", "hdfs", "viewfs", "http", "https", "mlflow-artifacts", "r2", "b2", "abfss"]);
const FAMILY: Record<string, string> = { viewfs: "hdfs", https: "http", "mlflow-artifacts": "http" };
const DEFAULT_PORTS: Record<string, (number | null)[]> = {
  ftp: [21],
  sftp: [22],
  http: [80],
  https: [443],
  "mlflow-artifacts": [80, 443],
  r2: [443],
  b2: [443],
  abfss: [443],
};

/** (family, host, port) targets a URI would make the server connect to; null when none. */
function hostTargets(uri: string): string[] | null {
  const p = urlparse(uri);
  if (!HOST_ADDRESSED.has(p.scheme)) return null;
  if (p.scheme === "mlflow-artifacts" && !p.netloc) return null;
  if (/[\\\s]/.test(p.netloc)) return [`malformed|${p.netloc}`];
  const prt = port(p.netloc);
  if (prt === "malformed") return [`malformed|${p.netloc}`];
  const family = FAMILY[p.scheme] ?? p.scheme;
  const ports = prt !== null ? [prt] : (DEFAULT_PORTS[p.scheme] ?? [null]);
  return ports.map((x) => `${family}|${hostname(p.netloc)}|${x}`);
}

/** MLflow's host policy: a source may only name the host of the server's own artifact root. */
export function assertHostAllowed(source: string, field: string, artifactRoot: string): void {
  const targets = hostTargets(source);
  if (targets === null) return;
  const trusted = new Set(hostTargets(artifactRoot) ?? []);
  if (targets.some((t) => trusted.has(t))) return;
  const scheme = urlparse(source).scheme;
  throw MlflowError.invalidParameter(
    `'${field}' cannot use the '${scheme}' scheme: the '${scheme}' scheme addresses a host other than the tracking server's configured artifact storage, so the server would connect to the host named in the URI. Set the MLFLOW_ALLOWED_HOST_ADDRESSED_ARTIFACT_SCHEMES environment variable on the server to allow it.`,
  );
}

function uriParts(uri: string): { scheme: string; netloc: string; parts: string[] } {
  const p = urlparse(uri);
  return { scheme: p.scheme, netloc: p.netloc.toLowerCase(), parts: p.path.split("/").filter((x) => x).map((x) => iterate(x, unquote)) };
}

/** Whether `source` lies inside `root` (same scheme and authority, path prefix by segments). */
export function isWithinRoot(source: string, root: string): boolean {
  const s = uriParts(source);
  const r = uriParts(root);
  return s.scheme === r.scheme && s.netloc === r.netloc && r.parts.length > 0 && r.parts.every((p, i) => s.parts[i] === p);
}

export function isMlflowArtifactSource(source: string): boolean {
  const { scheme, parts } = uriParts(source);
  if (scheme === "mlflow-artifacts") return true;
  if (scheme !== "http" && scheme !== "https") return false;
  const route = ["api", "2.0", "mlflow-artifacts", "artifacts"];
  for (let i = 0; i + route.length <= parts.length; i++) if (route.every((r, j) => parts[i + j] === r)) return true;
  return false;
}



export function invalidSourceFor(source: string, idName: "run_id" | "model_id"): MlflowError {
  return MlflowError.invalidParameter(
    `Invalid model version source: '${source}'. The ${idName} request parameter must identify the resource that contains the source.`,
  );
}

