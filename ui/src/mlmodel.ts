/**
 * MLmodel files: flavors, signature (inputs/outputs/params, which MLflow stores as JSON strings
 * inside the YAML), and the details MLflow's model view shows. Loaded lazily with js-yaml.
 */
import { load } from "js-yaml";

export interface SignatureField {
  name: string;
  type: string;
  optional?: boolean;
  shape?: string;
}

export interface MlModel {
  flavors: { name: string; details: Record<string, unknown> }[];
  inputs: SignatureField[] | null;
  outputs: SignatureField[] | null;
  params: SignatureField[] | null;
  modelUuid?: string;
  created?: string;
  mlflowVersion?: string;
  modelId?: string;
  raw: Record<string, unknown>;
}

function fields(value: unknown): SignatureField[] | null {
  if (typeof value !== "string" && !Array.isArray(value)) return null;
  let list: unknown;
  try {
    list = typeof value === "string" ? JSON.parse(value) : value;
  } catch {
    return null;
  }
  if (!Array.isArray(list)) return null;
  return list.map((f: Record<string, unknown>, i) => {
    const tensor = f["tensor-spec"] as { dtype?: string; shape?: unknown } | undefined;
    const type = String(f.type === "tensor" && tensor ? `tensor (${tensor.dtype ?? "?"})` : f.type ?? "?");
    const out: SignatureField = { name: String(f.name ?? `[${i}]`), type };
    if (f.required === false || f.optional === true) out.optional = true;
    if (tensor?.shape) out.shape = JSON.stringify(tensor.shape);
    if (f.type === "array" && f.items) out.type = `array<${(f.items as { type?: string }).type ?? "?"}>`;
    return out;
  });
}

export function parseMlModel(text: string): MlModel {
  const raw = (load(text) ?? {}) as Record<string, unknown>;
  const flavors = Object.entries((raw.flavors ?? {}) as Record<string, Record<string, unknown>>).map(([name, details]) => ({ name, details: details ?? {} }));
  const sig = (raw.signature ?? {}) as Record<string, unknown>;
  const out: MlModel = { flavors, inputs: fields(sig.inputs), outputs: fields(sig.outputs), params: fields(sig.params), raw };
  if (raw.model_uuid) out.modelUuid = String(raw.model_uuid);
  if (raw.utc_time_created) out.created = String(raw.utc_time_created);
  if (raw.mlflow_version) out.mlflowVersion = String(raw.mlflow_version);
  if (raw.model_id) out.modelId = String(raw.model_id);
  return out;
}
