/** The artifact proxy's multipart requests (MLflow's mlflow_artifacts.proto) on the wire. */
import { int64, isIntLike, isString, message, repeated, string } from "./message";

const Part = message({ part_number: int64(), etag: string(), url: string() });
export const CreateMultipartUpload = message({ path: string().required().check(isString), num_parts: int64().check(isIntLike) });
export const CompleteMultipartUpload = message({
  path: string().required().check(isString),
  upload_id: string().required().check(isString),
  parts: repeated(Part).required(),
});
export const AbortMultipartUpload = message({ path: string().required().check(isString), upload_id: string().required().check(isString) });
