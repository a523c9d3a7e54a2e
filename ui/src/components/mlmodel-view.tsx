/** An MLmodel file as MLflow users read it: flavors, then the signature's inputs, outputs and params. */
import { useEffect, useState } from "preact/hooks";
import type { MlModel, SignatureField } from "../mlmodel";
import { ErrorBox, Spinner } from "./common";

let parser: Promise<typeof import("../mlmodel")> | undefined;

export function useMlModel(text: string | undefined): { model?: MlModel; error?: unknown } {
  const [state, setState] = useState<{ model?: MlModel; error?: unknown }>({});
  useEffect(() => {
    if (text === undefined) return;
    let live = true;
    parser ??= import("../mlmodel");
    parser.then(
      (m) => {
        if (!live) return;
        try {
          setState({ model: m.parseMlModel(text) });
        } catch (error) {
          setState({ error });
        }
      },
      (error) => live && setState({ error }),
    );
    return () => {
      live = false;
    };
  }, [text]);
  return state;
}

function FieldTable({ title, fields }: { title: string; fields: SignatureField[] }) {
  return (
    <div class="signature-part">
      <h4>{title}</h4>
      <table class="table compact">
        <thead>
          <tr>
            <th>Name</th>
            <th>Type</th>
          </tr>
        </thead>
        <tbody>
          {fields.map((f) => (
            <tr key={f.name}>
              <td class="mono">
                {f.name}
                {f.optional ? <span class="muted"> (optional)</span> : ""}
              </td>
              <td class="mono">
                {f.type}
                {f.shape ? <span class="muted"> {f.shape}</span> : ""}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function Signature({ model }: { model: MlModel }) {
  if (!model.inputs && !model.outputs) return <p class="muted">No model signature was logged with this model.</p>;
  return (
    <div class="signature" data-testid="model-signature">
      {model.inputs && <FieldTable title="Inputs" fields={model.inputs} />}
      {model.outputs && <FieldTable title="Outputs" fields={model.outputs} />}
      {model.params && <FieldTable title="Parameters" fields={model.params} />}
    </div>
  );
}

export function MlModelView({ text }: { text: string }) {
  const { model, error } = useMlModel(text);
  if (error) return <ErrorBox error={error} title="Could not read this MLmodel file." />;
  if (!model) return <Spinner />;
  return (
    <div class="mlmodel-view" data-testid="mlmodel-view">
      <h4>Flavors</h4>
      <div class="tag-list">
        {model.flavors.map((f) => (
          <span key={f.name} class="chip" title={JSON.stringify(f.details)}>
            {f.name}
            {typeof f.details.loader_module === "string" && <span class="muted mono"> {f.details.loader_module}</span>}
          </span>
        ))}
      </div>
      <h4>Signature</h4>
      <Signature model={model} />
      <table class="details small-text">
        <tbody>
          {model.modelId && (
            <tr>
              <th>Model ID</th>
              <td class="mono">{model.modelId}</td>
            </tr>
          )}
          {model.mlflowVersion && (
            <tr>
              <th>MLflow version</th>
              <td>{model.mlflowVersion}</td>
            </tr>
          )}
          {model.created && (
            <tr>
              <th>Created (UTC)</th>
              <td>{model.created}</td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
