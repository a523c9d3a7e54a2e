// S3's error responses: an HTTP status, an error code and a message, sent as an <Error> document.
import crypto from "node:crypto";
import { xmlEscape } from "./xml.mjs";

export class S3Fault extends Error {
  /** `extra`: more <Error> fields (e.g. Key, BucketName), and `headers` for the response. */
  constructor(status, code, message, extra = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.extra = extra;
  }
}

export const faults = {
  noSuchBucket: (bucket) => new S3Fault(404, "NoSuchBucket", "The specified bucket does not exist", { BucketName: bucket }),
  noSuchKey: (key) => new S3Fault(404, "NoSuchKey", "The specified key does not exist.", { Key: key }),
  noSuchUpload: (uploadId) => new S3Fault(404, "NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.", { UploadId: uploadId }),
  preconditionFailed: () => new S3Fault(412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold", { Condition: "If-Match" }),
  malformedXml: () => new S3Fault(400, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema"),
  invalidArgument: (message, name, value) => new S3Fault(400, "InvalidArgument", message, name ? { ArgumentName: name, ArgumentValue: value ?? "" } : {}),
  notImplemented: (what) => new S3Fault(501, "NotImplemented", `${what} is not implemented by the local store.`),
  incompleteBody: () => new S3Fault(400, "IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header."),
};

export function requestId() {
  return crypto.randomBytes(8).toString("hex").toUpperCase();
}

export function errorXml(fault, resource, id) {
  const extra = Object.entries(fault.extra ?? {})
    .map(([k, v]) => `<${k}>${xmlEscape(String(v))}</${k}>`)
    .join("");
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${fault.code}</Code><Message>${xmlEscape(fault.message)}</Message>` +
    `${extra}<Resource>${xmlEscape(resource)}</Resource><RequestId>${id}</RequestId></Error>`
  );
}
