/** `/#/runs/<id>`: looks the run up to find its experiment, then opens the run page. */
import { useEffect } from "preact/hooks";
import { api } from "../api";
import { ErrorBox, Spinner, useAsync } from "../components/common";
import { href } from "../router";
import type { Run } from "../types";

export default function RunRedirect({ runId }: { runId: string }) {
  const res = useAsync(() => api.get<{ run: Run }>("/runs/get", { run_id: runId }), [runId]);
  useEffect(() => {
    const run = res.data?.run;
    if (run) window.location.replace(href(`/experiments/${run.info.experiment_id}/runs/${runId}`));
  }, [res.data]);
  return <div class="page">{res.error ? <ErrorBox error={res.error} title="Could not open the run." /> : <Spinner />}</div>;
}
