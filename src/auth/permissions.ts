/**
 * MLflow's basic-auth permission model: five named levels, each a set of capabilities, ordered so the
 * stronger of two grants can be picked. Names and semantics match `mlflow.server.auth.permissions`.
 */
import { MlflowError } from "../errors";

export const PERMISSION_NAMES = ["NO_PERMISSIONS", "READ", "USE", "EDIT", "MANAGE"] as const;
export type PermissionName = (typeof PERMISSION_NAMES)[number];

/** What a rule asks of the caller on a resource. */
export type Capability = "read" | "use" | "update" | "delete" | "manage";

const CAPABILITIES: Record<PermissionName, readonly Capability[]> = {
  NO_PERMISSIONS: [],
  READ: ["read"],
  USE: ["read", "use"],
  EDIT: ["read", "use", "update"],
  MANAGE: ["read", "use", "update", "delete", "manage"],
};

export function isPermissionName(value: unknown): value is PermissionName {
  return typeof value === "string" && (PERMISSION_NAMES as readonly string[]).includes(value);
}

/** Validates a client-supplied permission with MLflow's error code and message shape. */
export function parsePermission(value: unknown): PermissionName {
  if (!isPermissionName(value)) {
    throw MlflowError.invalidParameter(
      `Invalid permission '${String(value)}'. Valid permissions are: ${PERMISSION_NAMES.map((p) => `'${p}'`).join(", ")}`,
    );
  }
  return value;
}

export function allows(permission: PermissionName, capability: Capability): boolean {
  return CAPABILITIES[permission].includes(capability);
}
