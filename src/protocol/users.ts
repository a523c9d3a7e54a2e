/** The auth management API's requests (MLflow's basic-auth app, and our bearer tokens) on the wire. */
import { anyValue, canonicalExperimentId, experimentId, message, string } from "./message";

export const Username = message({ username: string() });
export const Credentials = message({ username: string(), password: string() });
export const UpdatePassword = message({ username: string(), password: string(), current_password: string() });
export const UpdateAdmin = message({ username: string(), is_admin: anyValue() });
export const ExperimentGrant = message({ experiment_id: experimentId(), username: string(), permission: string() });
export const ModelGrant = message({ name: string(), username: string(), permission: string() });
export const GrantV3 = message({ username: string(), resource_type: string(), resource_id: string(), permission: string() }).map((m) => ({
  ...m,
  resource_id: m.resource_type === "experiment" ? (canonicalExperimentId(m.resource_id) as string | undefined) : m.resource_id,
}));
export const CreateToken = message({ username: string(), name: string(), expires_in_days: anyValue() });
export const RevokeToken = message({ id: anyValue() });
export const None = message({});
