/** Run-relative artifact requests (ListArtifacts and the logged-model listing) on the wire. */
import { isString, message, string, withRunId } from "./message";

export const ListArtifacts = message({
  run_id: string().check(isString).required(),
  run_uuid: string(),
  path: string().check(isString),
  page_token: string().check(isString),
}).map(withRunId);

export const ListLoggedModelArtifacts = message({ artifact_directory_path: string().check(isString) });
