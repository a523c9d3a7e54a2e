/**
 * protobuf's well-known Timestamp and Duration in proto JSON, at millisecond precision as MLflow
 * converts them (`FromMilliseconds` / `ToMilliseconds`): RFC 3339 strings in UTC ("…T22:13:20Z",
 * "…20.123Z") and seconds with a fraction ("1.500s").
 */

/** Timestamp JSON for epoch milliseconds: no fraction for whole seconds, else 3 digits. */
export function timestampJson(ms: bigint): string {
  const iso = new Date(Number(ms)).toISOString();
  return iso.endsWith(".000Z") ? `${iso.slice(0, -5)}Z` : iso;
}

/** Duration JSON for milliseconds: "0s", "1s", "1.500s", "-0.250s". */
export function durationJson(ms: bigint): string {
  const neg = ms < 0n;
  const abs = neg ? -ms : ms;
  const frac = abs % 1000n;
  return `${neg ? "-" : ""}${abs / 1000n}${frac === 0n ? "" : `.${frac.toString().padStart(3, "0")}`}s`;
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

/** Epoch milliseconds of a Timestamp JSON string (nanoseconds dropped, as ToMilliseconds does); null if malformed. */
export function parseTimestampJson(text: string): bigint | null {
  const m = TIMESTAMP.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, sign, oh, om] = m;
  const base = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(base)) return null;
  const offsetMin = sign ? (sign === "-" ? -1 : 1) * (Number(oh) * 60 + Number(om)) : 0;
  const fracMs = frac ? BigInt(frac.padEnd(9, "0")) / 1_000_000n : 0n;
  return BigInt(base) - BigInt(offsetMin * 60_000) + fracMs;
}

const DURATION = /^(-)?(\d+)(?:\.(\d{1,9}))?s$/;

/** Milliseconds of a Duration JSON string; null if malformed. */
export function parseDurationJson(text: string): bigint | null {
  const m = DURATION.exec(text);
  if (!m) return null;
  const ms = BigInt(m[2]!) * 1000n + (m[3] ? BigInt(m[3].padEnd(9, "0")) / 1_000_000n : 0n);
  return m[1] ? -ms : ms;
}
