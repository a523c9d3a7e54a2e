/**
 * A chart card for one metric (or several overlaid) across runs. It fetches only once scrolled
 * into view; draws a line chart when any run has more than one step and labelled bars otherwise;
 * a drag-zoom on the step axis refetches that step range at full density.
 */
import type { ComponentChildren } from "preact";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { chartKind, fetchHistories, toSeries, type History, type XAxis } from "../chart-data";
import { runColor, spreadColors } from "../colors";
import { useInView } from "../hooks";
import { runName } from "../runs-model";
import type { Run } from "../types";
import { BarChart, type Bar } from "./bar-chart";
import { ErrorBox, Spinner } from "./common";
import { LineChart, type LineSeries } from "./line-chart";

export interface ChartSettings {
  axis: XAxis;
  smoothing: number;
  log: boolean;
}

interface Props {
  keys: string[];
  runs: Run[];
  settings: ChartSettings;
  /** Changes when new metric values are known to exist (live runs): the card refetches. */
  version?: string | undefined;
  /** Forced kind (the chart view lets the user pick); default: by the data. */
  kind?: "line" | "bar" | undefined;
  /** Extra controls in the card header (chart view: move, remove, type). */
  controls?: ComponentChildren;
  title?: string;
}

export function MetricCard({ keys, runs, settings, version, kind, controls, title }: Props) {
  const boxRef = useRef<HTMLDivElement>(null);
  const visible = useInView(boxRef);
  const [fetched, setFetched] = useState<{ histories: Map<string, History>; withTimes: boolean } | undefined>();
  const [error, setError] = useState<unknown>();
  const [zoom, setZoom] = useState<{ series: LineSeries[]; range: [number, number] } | undefined>();
  const runIds = runs.map((r) => r.info.run_id);
  const runKey = runIds.join(",");

  // Timestamps only for a time axis: the step axis (the default) needs steps and values alone.
  // Switching to a time axis refetches; until then the histories without timestamps are not drawn.
  const timestamps = settings.axis !== "step";
  const data = fetched && (fetched.withTimes || !timestamps) ? fetched.histories : undefined;
  useEffect(() => {
    if (!visible || runIds.length === 0) return;
    let live = true;
    fetchHistories(keys, runIds, { timestamps }).then(
      (histories) => live && (setFetched({ histories, withTimes: timestamps }), setError(undefined), setZoom(undefined)),
      (e) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [visible, keys.join("\n"), runKey, version, timestamps]);

  const colors = useMemo(() => (runs.length === 1 ? spreadColors(keys.length) : []), [runs.length, keys.length]);
  const buildSeries = (histories: Map<string, History>): LineSeries[] => {
    const out: LineSeries[] = [];
    keys.forEach((k, ki) => {
      for (const run of runs) {
        const h = histories.get(k)?.get(run.info.run_id);
        if (!h?.steps.length) continue;
        const label = runs.length > 1 ? (keys.length > 1 ? `${runName(run)} · ${k}` : runName(run)) : k;
        const color = runs.length === 1 ? colors[ki]! : runColor(run);
        out.push({ id: `${run.info.run_id}:${k}`, label, color, ...toSeries(h, run, settings.axis, settings.smoothing, settings.log) });
      }
    });
    return out;
  };
  const series = useMemo(() => (data ? buildSeries(data) : []), [data, settings.axis, settings.smoothing, settings.log, colors]);
  const drawAs = kind ?? (data ? ([...data.values()].some((h) => chartKind(h) === "line") ? "line" : "bar") : "line");
  const bars: Bar[] = useMemo(() => {
    if (!data || drawAs !== "bar") return [];
    const out: Bar[] = [];
    keys.forEach((k, ki) => {
      for (const run of runs) {
        const h = data.get(k)?.get(run.info.run_id);
        if (!h?.steps.length) continue;
        out.push({
          id: `${run.info.run_id}:${k}`,
          label: runs.length > 1 ? (keys.length > 1 ? `${runName(run)} · ${k}` : runName(run)) : k,
          color: runs.length === 1 ? colors[ki]! : runColor(run),
          value: h.values[h.values.length - 1]!,
        });
      }
    });
    return out;
  }, [data, drawAs, colors]);

  const refine = async (min: number, max: number) => {
    if (settings.axis !== "step") {
      setZoom({ series, range: [min, max] });
      return;
    }
    try {
      const detail = await fetchHistories(keys, runIds, { range: [min, max], timestamps });
      setZoom({ series: buildSeries(detail), range: [min, max] });
    } catch (e) {
      setError(e);
    }
  };

  const empty = data && ![...data.values()].some((h) => h.size > 0);
  return (
    <div class="card chart-card" ref={boxRef} data-metric={keys.join(",")} data-kind={data ? drawAs : undefined}>
      <div class="card-head">
        <h3 class="mono chart-title" title={title ?? keys.join(", ")}>
          {title ?? keys.join(", ")}
        </h3>
        {zoom && (
          <button type="button" class="small" onClick={() => setZoom(undefined)}>
            Reset zoom
          </button>
        )}
        {controls}
      </div>
      <ErrorBox error={error} title="Could not load metric history." />
      {!data && !error && <Spinner still />}
      {empty && <p class="muted">No history.</p>}
      {data && !empty && drawAs === "bar" && <BarChart bars={bars} />}
      {data && !empty && drawAs === "line" && (
        <LineChart key={zoom ? "z" : "n"} series={zoom ? zoom.series : series} axis={settings.axis} log={settings.log} onZoom={refine} onResetZoom={() => setZoom(undefined)} zoomData={zoom} />
      )}
    </div>
  );
}
