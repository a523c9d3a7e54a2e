/**
 * The few S3 XML documents the artifact store reads and writes. S3 responses are small, flat and
 * machine-generated, so a tag scanner is enough; a full XML parser would be dead weight in a Worker.
 */

export function xmlEscape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

export function xmlUnescape(s: string): string {
  return s
    .replace(/&#x([0-9a-fA-F]+);/g, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(parseInt(d, 10)))
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}

/** Inner texts of every `<tag>…</tag>` in `xml`, unescaped. */
export function tagValues(xml: string, tag: string): string[] {
  const out: string[] = [];
  const re = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, "g");
  for (const m of xml.matchAll(re)) out.push(xmlUnescape(m[1]!));
  return out;
}

export function tagValue(xml: string, tag: string): string | undefined {
  return tagValues(xml, tag)[0];
}

/** Raw inner XML of every `<tag>…</tag>` block (for elements with children, e.g. Contents). */
function blocks(xml: string, tag: string): string[] {
  const re = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, "g");
  return [...xml.matchAll(re)].map((m) => m[1]!);
}

export interface ListedObject {
  key: string;
  size: number;
}

export interface ListPage {
  objects: ListedObject[];
  /** "Directories" under a delimiter listing, each ending with the delimiter. */
  commonPrefixes: string[];
  nextContinuationToken: string | undefined;
}

/** ListObjectsV2's ListBucketResult. */
export function parseListPage(xml: string): ListPage {
  const objects = blocks(xml, "Contents").map((b) => ({ key: tagValue(b, "Key") ?? "", size: Number(tagValue(b, "Size") ?? 0) }));
  const commonPrefixes = blocks(xml, "CommonPrefixes").map((b) => tagValue(b, "Prefix") ?? "");
  const truncated = tagValue(xml, "IsTruncated") === "true";
  return { objects, commonPrefixes, nextContinuationToken: truncated ? tagValue(xml, "NextContinuationToken") : undefined };
}

export interface S3ErrorBody {
  code: string;
  message: string;
}

/** An S3 `<Error>` document (also returned with status 200 by CompleteMultipartUpload). */
export function parseError(xml: string): S3ErrorBody | undefined {
  if (!xml.includes("<Error>")) return undefined;
  return { code: tagValue(xml, "Code") ?? "", message: tagValue(xml, "Message") ?? "" };
}

export function deleteObjectsXml(keys: string[]): string {
  const objects = keys.map((k) => `<Object><Key>${xmlEscape(k)}</Key></Object>`).join("");
  return `<?xml version="1.0" encoding="UTF-8"?><Delete><Quiet>true</Quiet>${objects}</Delete>`;
}

export function completeMultipartXml(parts: { partNumber: number; etag: string }[]): string {
  const body = parts.map((p) => `<Part><PartNumber>${p.partNumber}</PartNumber><ETag>${xmlEscape(p.etag)}</ETag></Part>`).join("");
  return `<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUpload>${body}</CompleteMultipartUpload>`;
}

export interface ListedPart {
  partNumber: number;
  etag: string;
  size: number;
}

/** ListParts' ListPartsResult. */
export function parseListParts(xml: string): { parts: ListedPart[]; nextPartNumberMarker: string | undefined } {
  const parts = blocks(xml, "Part").map((b) => ({
    partNumber: Number(tagValue(b, "PartNumber") ?? 0),
    etag: tagValue(b, "ETag") ?? "",
    size: Number(tagValue(b, "Size") ?? 0),
  }));
  const truncated = tagValue(xml, "IsTruncated") === "true";
  return { parts, nextPartNumberMarker: truncated ? tagValue(xml, "NextPartNumberMarker") : undefined };
}

/** CopyObject's CopyObjectResult, or the `<Error>` S3 may send after a 200 status line. */
export function parseCopyResult(xml: string): { etag: string } | S3ErrorBody {
  const error = parseError(xml);
  if (error) return error;
  return { etag: tagValue(xml, "ETag") ?? "" };
}
