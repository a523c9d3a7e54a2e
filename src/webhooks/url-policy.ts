/**
 * Where a webhook may send requests (MLflow 3.18's `_validate_webhook_url`): an allowed scheme
 * (`WEBHOOK_ALLOWED_SCHEMES`, default https only), a host, and — unless
 * `WEBHOOK_ALLOW_PRIVATE_IPS` is true, which MLflow intends for local development only — every
 * address the host resolves to must be public in Python's `ipaddress.is_global` sense, with IPv6
 * forms that embed an IPv4 address (mapped, 6to4, NAT64) judged by that address.
 *
 * A Worker cannot call getaddrinfo, so names are resolved with DNS over HTTPS
 * (`WEBHOOK_DNS_RESOLVER`, a JSON DoH endpoint such as Cloudflare's). The check runs when a webhook
 * is saved and again before every delivery attempt, as MLflow does; MLflow additionally checks the
 * connected socket's peer, which a Worker's fetch does not expose (see README, Webhooks).
 */
import { MlflowError } from "../errors";
import { pyRepr } from "../lib/python-repr";

export interface UrlPolicy {
  allowedSchemes: string[];
  allowPrivateIps: boolean;
  /** JSON DoH endpoint, e.g. https://cloudflare-dns.com/dns-query */
  dnsResolver: string;
}

const bad = (message: string): never => {
  throw MlflowError.invalidParameter(message);
};

// ---- addresses ----------------------------------------------------------------------------------

/** Python 3.11's non-global IPv4 ranges: `_private_networks` plus the shared 100.64.0.0/10. */
const V4_NOT_GLOBAL: [string, number][] = [
  ["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16], ["172.16.0.0", 12], ["192.0.0.0", 29],
  ["192.0.0.170", 31], ["192.0.2.0", 24], ["192.168.0.0", 16], ["198.18.0.0", 15], ["198.51.100.0", 24], ["203.0.113.0", 24],
  ["240.0.0.0", 4], ["255.255.255.255", 32],
];
/** Python 3.11's IPv6 `_private_networks`. */
const V6_NOT_GLOBAL: [string, number][] = [
  ["::1", 128], ["::", 128], ["::ffff:0:0", 96], ["100::", 64], ["2001::", 23], ["2001:2::", 48], ["2001:db8::", 32], ["2001:10::", 28], ["fc00::", 7], ["fe80::", 10],
];

function v4ToInt(ip: string): bigint | null {
  const parts = ip.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255)) return null;
  return parts.reduce((n, p) => (n << 8n) | BigInt(p), 0n);
}

function v6ToInt(ip: string): bigint | null {
  let s = ip.toLowerCase();
  if (s.includes("%")) return null;
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (tail) {
    const v4 = v4ToInt(tail[1]!);
    if (v4 === null) return null;
    s = s.slice(0, -tail[1]!.length) + `${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = s.split("::");
  if (halves.length > 2) return null;
  const groups = (h: string) => (h === "" ? [] : h.split(":"));
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  const fill = halves.length === 2 ? 8 - head.length - rest.length : 0;
  if (fill < 0 || (halves.length === 1 && head.length !== 8)) return null;
  const all = [...head, ...Array(fill).fill("0"), ...rest];
  if (all.length !== 8 || !all.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null;
  return all.reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n);
}

const inRanges = (n: bigint, bits: number, ranges: [string, number][], parse: (s: string) => bigint | null) =>
  ranges.some(([base, len]) => n >> BigInt(bits - len) === parse(base)! >> BigInt(bits - len));

/** Python's `_is_public_ip` as MLflow uses it; null when `ip` is not an address. */
export function isPublicIp(ip: string): boolean | null {
  const v4 = v4ToInt(ip);
  if (v4 !== null) return !inRanges(v4, 32, V4_NOT_GLOBAL, v4ToInt);
  const v6 = v6ToInt(ip);
  if (v6 === null) return null;
  // IPv4-mapped, 6to4 and NAT64 addresses carry an IPv4 address: judge that one.
  let embedded: bigint | null = null;
  if (v6 >> 32n === 0xffffn) embedded = v6 & 0xffffffffn;
  else if (v6 >> 112n === 0x2002n) embedded = (v6 >> 80n) & 0xffffffffn;
  else if (v6 >> 32n === 0x0064ff9b0000000000000000n) embedded = v6 & 0xffffffffn;
  if (embedded !== null) return !inRanges(embedded, 32, V4_NOT_GLOBAL, v4ToInt);
  return !inRanges(v6, 128, V6_NOT_GLOBAL, v6ToInt);
}

// ---- names ----------------------------------------------------------------------------------------

/** Addresses a name resolves to (A and AAAA) by DNS over HTTPS. */
async function resolve(hostname: string, resolver: string): Promise<string[]> {
  const lookup = async (type: "A" | "AAAA") => {
    const url = new URL(resolver);
    url.searchParams.set("name", hostname);
    url.searchParams.set("type", type);
    const res = await fetch(url, { headers: { accept: "application/dns-json" }, signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw new Error(`resolver answered ${res.status}`);
    const body = (await res.json()) as { Status?: number; Answer?: { type: number; data: string }[] };
    if (body.Status !== 0 && body.Status !== 3) throw new Error(`resolver status ${body.Status}`);
    return (body.Answer ?? []).filter((a) => a.type === (type === "A" ? 1 : 28)).map((a) => a.data);
  };
  const [a, aaaa] = await Promise.all([lookup("A"), lookup("AAAA")]);
  return [...a, ...aaaa];
}

/** A URL's scheme and hostname as Python's urlparse gives them (hostname lowercased, no brackets). */
function parse(url: string): { scheme: string; hostname: string } {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url);
  const scheme = m ? m[1]!.toLowerCase() : "";
  let hostname = "";
  try {
    hostname = new URL(url).hostname.replace(/^\[|\]$/g, "").toLowerCase();
  } catch {
    hostname = "";
  }
  return { scheme, hostname };
}

/** Checks a webhook URL; throws INVALID_PARAMETER_VALUE with MLflow's messages. */
export async function validateWebhookUrl(url: string, policy: UrlPolicy): Promise<void> {
  if (url.trim() === "") bad(`Webhook URL cannot be empty or just whitespace: ${pyRepr(url)}`);
  const { scheme, hostname } = parse(url);
  if (!policy.allowedSchemes.includes(scheme)) bad(`Invalid webhook URL scheme: ${pyRepr(scheme)}. Allowed schemes are: ${policy.allowedSchemes.join(", ")}.`);
  if (!hostname) bad(`Webhook URL must include a hostname: ${pyRepr(url)}`);
  if (policy.allowPrivateIps) return;
  let addresses: string[];
  if (isPublicIp(hostname) !== null) addresses = [hostname];
  else if (hostname === "localhost" || hostname.endsWith(".localhost")) addresses = ["127.0.0.1"];
  else {
    try {
      addresses = await resolve(hostname, policy.dnsResolver);
    } catch (e) {
      return bad(`Cannot resolve Webhook URL hostname ${pyRepr(hostname)}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (addresses.length === 0) bad(`Cannot resolve Webhook URL hostname ${pyRepr(hostname)}: no addresses`);
  }
  for (const ip of addresses) {
    if (isPublicIp(ip) !== true) bad(`Webhook URL must not resolve to a non-public IP address. ${pyRepr(hostname)} resolves to ${ip}.`);
  }
}
