/**
 * The runs page's data: paged runs/search (a small first page, larger later ones), a refresh
 * every 30 s while runs are live, experiment-wide column keys that survive filters, and the names
 * of the logged models the runs produced.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../../api";
import { discoverKeys, loggedModelNames, modelsBySourceRun } from "../../runs-model";
import { FIRST_PAGE, loggedModelsSearchBody, searchRunsBody, type RunsQuery } from "../../runs-search";
import type { LoggedModel, Run } from "../../types";

const AUTO_REFRESH_MS = 30_000;

interface SearchRunsResponse {
  runs?: Run[];
  next_page_token?: string;
}

export function useRuns(q: RunsQuery) {
  const [runs, setRuns] = useState<Run[]>([]);
  const [token, setToken] = useState<string | undefined>();
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>();
  const [tick, setTick] = useState(0);
  const generation = useRef(0);
  const ids = q.experimentIds.join(",");

  const fetchPage = async (pageToken?: string) => {
    const gen = pageToken ? generation.current : ++generation.current;
    setLoading(true);
    if (!pageToken) setError(undefined);
    try {
      const res = await api.post<SearchRunsResponse>("/runs/search", searchRunsBody(q, pageToken));
      if (gen !== generation.current) return;
      setRuns((prev) => (pageToken ? [...prev, ...(res.runs ?? [])] : res.runs ?? []));
      setToken(res.next_page_token || undefined);
    } catch (e) {
      if (gen !== generation.current) return;
      setError(e);
      if (!pageToken) setRuns([]);
      setToken(undefined);
    } finally {
      if (gen === generation.current) setLoading(false);
    }
  };

  useEffect(() => {
    void fetchPage();
  }, [ids, q.filter, q.order, q.deleted, q.since, tick]);

  // While runs are live, refresh the first page now and then (only when nothing beyond it is
  // loaded, so scrolling state is never thrown away).
  const hasLiveRuns = runs.some((r) => r.info.status === "RUNNING");
  useEffect(() => {
    if (!hasLiveRuns || runs.length > FIRST_PAGE) return;
    const timer = setInterval(() => document.visibilityState === "visible" && void fetchPage(), AUTO_REFRESH_MS);
    return () => clearInterval(timer);
  }, [hasLiveRuns, runs.length > FIRST_PAGE, ids, q.filter, q.order, q.deleted, q.since]);

  return {
    runs,
    token,
    loading,
    error,
    reload: () => setTick((t) => t + 1),
    loadMore: () => token && !loading && void fetchPage(token),
  };
}

/** Keys seen in any load of these experiments: a filter that matches nothing keeps the columns. */
export function useColumnKeys(runs: Run[], experimentKey: string) {
  const [keys, setKeys] = useState(() => discoverKeys([]));
  useEffect(() => setKeys(discoverKeys([])), [experimentKey]);
  useEffect(() => {
    const found = discoverKeys(runs);
    setKeys((prev) => {
      const merge = (a: string[], b: string[]) => (b.every((k) => a.includes(k)) ? a : [...new Set([...a, ...b])].sort((x, y) => x.localeCompare(y)));
      const next = { metric: merge(prev.metric, found.metric), param: merge(prev.param, found.param), tag: merge(prev.tag, found.tag) };
      return next.metric === prev.metric && next.param === prev.param && next.tag === prev.tag ? prev : next;
    });
  }, [runs]);
  return keys;
}

/**
 * Names for the Models column: the experiments' logged models (one search, first 1,000). The map is
 * module-wide so column renderers can read it; `version` changes when it grows, to re-render.
 */
export function useLoggedModelNames(experimentIds: string[]): number {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let live = true;
    api
      .post<{ models?: LoggedModel[] }>("/logged-models/search", loggedModelsSearchBody(experimentIds))
      .then((res) => {
        if (!live) return;
        for (const m of res.models ?? []) {
          loggedModelNames.set(m.info.model_id, m.info.name);
          const run = m.info.source_run_id;
          if (run) modelsBySourceRun.set(run, [...new Set([...(modelsBySourceRun.get(run) ?? []), m.info.model_id])]);
        }
        setVersion((v) => v + 1);
      })
      // Older servers have no logged models: the column then shows model ids.
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [experimentIds.join(",")]);
  return version;
}
