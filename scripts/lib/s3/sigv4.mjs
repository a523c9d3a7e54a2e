// AWS Signature Version 4 verification, as S3 does it, for both ways a request can carry a
// signature: the Authorization header and presigned query parameters (X-Amz-*).
//
// The canonical request is rebuilt from what arrived: the key decoded from the path and encoded
// again with RFC 3986 rules (S3 does not normalise paths otherwise), the query parameters decoded
// and re-encoded the same way and sorted, the signed headers' trimmed values, and the payload hash
// the client declared (`x-amz-content-sha256`, or UNSIGNED-PAYLOAD for presigned URLs).
import crypto from "node:crypto";
import { S3Fault } from "./errors.mjs";

const ALGORITHM = "AWS4-HMAC-SHA256";
/** S3 refuses header-signed requests whose X-Amz-Date is further than this from its clock. */
const MAX_SKEW_MS = 15 * 60 * 1000;
/** Presigned URLs live at most 7 days. */
const MAX_EXPIRES_SECONDS = 604800;

/** RFC 3986 percent-encoding of every byte outside the unreserved set (S3's UriEncode). */
export function uriEncode(value, keepSlash = false) {
  let out = "";
  for (const byte of Buffer.from(value, "utf8")) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-._~]/.test(c) || (keepSlash && c === "/")) out += c;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

const hmac = (key, data) => crypto.createHmac("sha256", key).update(data, "utf8").digest();
export const sha256Hex = (data) => crypto.createHash("sha256").update(data).digest("hex");

function signingKey(secret, date, region, service) {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), "aws4_request");
}

/** `20260101T120000Z` → epoch ms, or NaN. */
function parseAmzDate(value) {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value ?? "");
  if (!m) return NaN;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

function canonicalQuery(params, skip) {
  return params
    .filter(([name]) => name !== skip)
    .map(([name, value]) => [uriEncode(name), uriEncode(value)])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join("&");
}

function canonicalHeaderValue(values) {
  return values.map((v) => v.trim().replace(/\s+/g, " ")).join(",");
}

/** Splits `Credential=AK/20260101/region/s3/aws4_request`. */
function parseCredential(credential) {
  const parts = (credential ?? "").split("/");
  if (parts.length !== 5 || parts[4] !== "aws4_request") return null;
  const [accessKeyId, date, region, service] = parts;
  return { accessKeyId, date, region, service };
}

/**
 * Verifies the request's signature; throws an S3Fault (403/400) when it does not hold.
 * `req`: { method, path (as sent, still encoded), params ([name, value] decoded), headers (Node's
 * lower-cased IncomingHttpHeaders), headersDistinct }. `credentials`: accessKeyId → secret.
 * `regions`: the regions this store answers to (R2 accepts `auto`, `us-east-1` and empty).
 * Returns { accessKeyId, presigned, payloadHash }.
 */
export function verifySignature(req, { credentials, regions, now = Date.now() }) {
  const authorization = req.headers.authorization;
  const query = new Map(req.params);
  let presigned = false;
  let credential, signedHeaders, signature, amzDate, payloadHash;
  // Signature Version 2, which R2 (and S3 in every region opened since 2014) does not take.
  if ((authorization !== undefined && /^AWS\s/.test(authorization)) || (query.has("AWSAccessKeyId") && query.has("Signature"))) {
    throw new S3Fault(400, "InvalidRequest", "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.");
  }
  if (authorization !== undefined) {
    const m = /^AWS4-HMAC-SHA256\s+(.*)$/.exec(authorization);
    if (!m) throw new S3Fault(400, "AuthorizationHeaderMalformed", "The authorization header is malformed; only AWS4-HMAC-SHA256 is supported.");
    const fields = new Map(m[1].split(",").map((kv) => {
      const i = kv.indexOf("=");
      return [kv.slice(0, i).trim(), kv.slice(i + 1).trim()];
    }));
    credential = fields.get("Credential");
    signedHeaders = fields.get("SignedHeaders");
    signature = fields.get("Signature");
    amzDate = req.headers["x-amz-date"];
    payloadHash = req.headers["x-amz-content-sha256"];
    if (!credential || !signedHeaders || !signature) {
      throw new S3Fault(400, "AuthorizationHeaderMalformed", "The authorization header is malformed.");
    }
    if (payloadHash === undefined) throw new S3Fault(400, "InvalidRequest", "Missing required header for this request: x-amz-content-sha256");
    if (amzDate === undefined) {
      throw new S3Fault(403, "AccessDenied", "AWS authentication requires a valid Date or x-amz-date header");
    }
  } else if (query.has("X-Amz-Algorithm") || query.has("X-Amz-Credential") || query.has("X-Amz-Signature")) {
    presigned = true;
    if (query.get("X-Amz-Algorithm") !== ALGORITHM) {
      throw new S3Fault(400, "AuthorizationQueryParametersError", "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
    }
    credential = query.get("X-Amz-Credential");
    signedHeaders = query.get("X-Amz-SignedHeaders");
    signature = query.get("X-Amz-Signature");
    amzDate = query.get("X-Amz-Date");
    payloadHash = query.get("X-Amz-Content-Sha256") ?? "UNSIGNED-PAYLOAD";
    const expires = query.get("X-Amz-Expires");
    if (!credential || !signedHeaders || !signature || !amzDate || expires === undefined) {
      throw new S3Fault(400, "AuthorizationQueryParametersError", "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.");
    }
    if (!/^\d+$/.test(expires) || Number(expires) > MAX_EXPIRES_SECONDS || Number(expires) < 1) {
      throw new S3Fault(400, "AuthorizationQueryParametersError", "X-Amz-Expires must be between 1 and 604800 seconds");
    }
    const signedAt = parseAmzDate(amzDate);
    if (Number.isNaN(signedAt)) throw new S3Fault(400, "AuthorizationQueryParametersError", "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
    if (now > signedAt + Number(expires) * 1000) throw new S3Fault(403, "AccessDenied", "Request has expired");
    if (signedAt > now + MAX_SKEW_MS) throw new S3Fault(403, "AccessDenied", "Request is not valid yet");
  } else {
    throw new S3Fault(403, "AccessDenied", "Anonymous access is forbidden for this operation");
  }

  const scope = parseCredential(credential);
  if (!scope) throw new S3Fault(400, "AuthorizationHeaderMalformed", `The credential '${credential}' is malformed.`);
  const secret = credentials.get(scope.accessKeyId);
  if (secret === undefined) throw new S3Fault(403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.");
  if (scope.service !== "s3") throw new S3Fault(400, "AuthorizationHeaderMalformed", `The authorization header is malformed; incorrect service '${scope.service}'. This endpoint belongs to 's3'.`);
  if (!regions.includes(scope.region)) {
    throw new S3Fault(400, "AuthorizationHeaderMalformed", `The authorization header is malformed; the region '${scope.region}' is wrong; expecting '${regions[0]}'`);
  }
  const signedAt = parseAmzDate(amzDate);
  if (Number.isNaN(signedAt)) throw new S3Fault(403, "AccessDenied", "AWS authentication requires a valid Date or x-amz-date header");
  if (amzDate.slice(0, 8) !== scope.date) {
    throw new S3Fault(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided (credential date differs from X-Amz-Date).");
  }
  if (!presigned && Math.abs(now - signedAt) > MAX_SKEW_MS) {
    throw new S3Fault(403, "RequestTimeTooSkewed", "The difference between the request time and the current time is too large.");
  }

  const headerNames = signedHeaders.split(";");
  if (!headerNames.includes("host")) {
    throw new S3Fault(400, "AuthorizationHeaderMalformed", "The authorization header is malformed; 'host' must be a signed header.");
  }
  let canonicalHeaders = "";
  for (const name of headerNames) {
    const values = req.headersDistinct[name];
    canonicalHeaders += `${name}:${values ? canonicalHeaderValue(values) : ""}\n`;
  }
  const canonicalRequest = [
    req.method,
    canonicalUri(req.path),
    canonicalQuery(req.params, presigned ? "X-Amz-Signature" : null),
    canonicalHeaders,
    signedHeaders,
    payloadHash,
  ].join("\n");
  const stringToSign = [ALGORITHM, amzDate, `${scope.date}/${scope.region}/${scope.service}/aws4_request`, sha256Hex(canonicalRequest)].join("\n");
  const expected = hmac(signingKey(secret, scope.date, scope.region, scope.service), stringToSign).toString("hex");
  const given = Buffer.from(signature, "utf8");
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, Buffer.from(expected, "utf8"))) {
    throw new S3Fault(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method.");
  }
  return { accessKeyId: scope.accessKeyId, presigned, payloadHash };
}

/** The canonical URI of a path as sent: each segment decoded, then encoded with RFC 3986 rules. */
export function canonicalUri(rawPath) {
  return rawPath
    .split("/")
    .map((segment) => uriEncode(decodeURIComponent(segment)))
    .join("/");
}
