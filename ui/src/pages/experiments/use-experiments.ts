/** The experiments list's data: server-side name and tag filters with cursor pagination. */
import { useEffect, useState } from "preact/hooks";
import { api } from "../../api";
import type { Experiment } from "../../types";

interface SearchResponse {
  experiments?: Experiment[];
  next_page_token?: string;
}

const PAGE_SIZE = 100;

/** Quotes a user string as an MLflow filter literal. */
export const literal = (s: string) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

/**
 * The filter MLflow's experiments search understands: `name ILIKE '%q%'` plus a tag clause from
 * "key=value" (exact) or "key" alone (the tag exists).
 */
export function experimentFilter(search: string, tag: string): string | undefined {
  const clauses: string[] = [];
  if (search.trim()) clauses.push(`name ILIKE ${literal(`%${search.trim()}%`)}`);
  const t = tag.trim();
  if (t) {
    const eq = t.indexOf("=");
    const key = (eq >= 0 ? t.slice(0, eq) : t).trim().replace(/`/g, "");
    clauses.push(eq >= 0 ? `tags.\`${key}\` = ${literal(t.slice(eq + 1).trim())}` : `tags.\`${key}\` IS NOT NULL`);
  }
  return clauses.length ? clauses.join(" AND ") : undefined;
}

export function useExperimentSearch(search: string, tag: string, deleted: boolean) {
  const [items, setItems] = useState<Experiment[]>([]);
  const [token, setToken] = useState<string | undefined>();
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>();
  const [tick, setTick] = useState(0);

  const fetchPage = async (pageToken?: string) => {
    setLoading(true);
    setError(undefined);
    try {
      const res = await api.post<SearchResponse>("/experiments/search", {
        max_results: PAGE_SIZE,
        filter: experimentFilter(search, tag),
        order_by: ["last_update_time DESC"],
        view_type: deleted ? "DELETED_ONLY" : "ACTIVE_ONLY",
        page_token: pageToken,
      });
      setItems((prev) => (pageToken ? [...prev, ...(res.experiments ?? [])] : res.experiments ?? []));
      setToken(res.next_page_token || undefined);
    } catch (e) {
      setError(e);
      if (!pageToken) setItems([]);
    } finally {
      setLoading(false);
    }
  };

  useEffect(() => {
    void fetchPage();
  }, [search, tag, deleted, tick]);

  return { items, token, loading, error, reload: () => setTick((t) => t + 1), loadMore: () => token && void fetchPage(token) };
}
