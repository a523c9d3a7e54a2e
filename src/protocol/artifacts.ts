/** Run-relative artifact requests (ListArtifacts and the logged-model listing) on the wire. */
import { MlflowError } from "../errors";
import { int64, isIntLike, isString, message, string, withRunId } from "./message";

export const ListArtifacts = message({
  run_id: string().check(isString).required(),
  run_uuid: string(),
  path: string().check(isString),
  page_token: string().check(isString),
}).map(withRunId);

export const ListLoggedModelArtifacts = message({ artifact_directory_path: string().check(isString) });

/** POST /artifacts/presigned-upload-url: exactly one of run_id and model_id (checked before access). */
export const CreatePresignedUploadUrl = message({
  run_id: string().check(isString),
  model_id: string().check(isString),
  path: string().required().check(isString),
  expiration: int64().check(isIntLike),
}).map((m) => {
  if (Boolean(m.run_id) === Boolean(m.model_id)) throw MlflowError.invalidParameter("Exactly one of run_id and model_id must be provided.");
  return m;
});

/** POST /artifacts/presigned-download-url. */
export const CreatePresignedDownloadUrl = message({
  run_id: string().required().check(isString),
  path: string().required().check(isString),
  expiration: int64().check(isIntLike),
});
