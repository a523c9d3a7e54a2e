/**
 * MLflow's offset page tokens: base64 of Python's json.dumps({"offset": N}). Clients treat tokens as
 * opaque, but matching the format lets a client switch between servers mid-pagination.
 */
import { MlflowError } from "../errors";

export function encodeOffsetToken(offset: number): string {
  return btoa(`{"offset": ${offset}}`);
}

export function decodeOffsetToken(token: string | undefined | null): number {
  if (!token) return 0;
  let parsed: unknown;
  try {
    parsed = JSON.parse(atob(token));
  } catch {
    throw MlflowError.invalidParameter(`Invalid page token, could not base64-decode or JSON-parse: ${token}`);
  }
  const offset = (parsed as { offset?: unknown } | null)?.offset;
  if (typeof offset !== "number" || !Number.isInteger(offset) || offset < 0) {
    throw MlflowError.invalidParameter(`Invalid page token, parsed value=${JSON.stringify(parsed)}`);
  }
  return offset;
}
