/**
 * GeoJSON drawn as SVG over the features' own bounding box (equirectangular, latitude-corrected):
 * no tile server, so it works offline and under a strict CSP. Points, lines and polygons, with
 * each feature's properties on hover.
 */
import { useMemo } from "preact/hooks";

type Position = number[];
interface Geometry {
  type: string;
  coordinates?: unknown;
  geometries?: Geometry[];
}
interface Feature {
  geometry: Geometry | null;
  properties?: Record<string, unknown> | null;
}

function features(doc: unknown): Feature[] {
  const d = doc as { type?: string; features?: Feature[]; geometry?: Geometry };
  if (d?.type === "FeatureCollection") return d.features ?? [];
  if (d?.type === "Feature") return [d as Feature];
  if (d && typeof d.type === "string") return [{ geometry: d as Geometry }];
  return [];
}

function positions(g: Geometry | null, out: Position[] = []): Position[] {
  if (!g) return out;
  if (g.type === "GeometryCollection") (g.geometries ?? []).forEach((x) => positions(x, out));
  else {
    const walk = (c: unknown) => {
      if (Array.isArray(c) && typeof c[0] === "number") out.push(c as Position);
      else if (Array.isArray(c)) c.forEach(walk);
    };
    walk(g.coordinates);
  }
  return out;
}

const W = 640;
const H = 400;

export function GeoJsonView({ text }: { text: string }) {
  const parsed = useMemo(() => {
    try {
      return { list: features(JSON.parse(text)) };
    } catch (e) {
      return { error: String(e) };
    }
  }, [text]);
  if ("error" in parsed) return <p class="muted">Not valid GeoJSON: {parsed.error}</p>;
  const list = parsed.list;
  const all = list.flatMap((f) => positions(f.geometry));
  if (all.length === 0) return <p class="muted">No geometries.</p>;
  const xs = all.map((p) => p[0]!);
  const ys = all.map((p) => p[1]!);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const k = Math.cos((((y0 + y1) / 2) * Math.PI) / 180) || 1;
  const spanX = Math.max((x1 - x0) * k, 1e-9);
  const spanY = Math.max(y1 - y0, 1e-9);
  const scale = Math.min((W - 40) / spanX, (H - 40) / spanY);
  const px = (p: Position) => `${20 + (p[0]! - x0) * k * scale},${H - 20 - (p[1]! - y0) * scale}`;
  const path = (ring: Position[], close: boolean) => `M${ring.map(px).join("L")}${close ? "Z" : ""}`;
  const draw = (g: Geometry | null, key: string, title: string): preact.JSX.Element[] => {
    if (!g) return [];
    const c = g.coordinates as never;
    switch (g.type) {
      case "Point":
        return [<circle key={key} cx={px(c).split(",")[0]} cy={px(c).split(",")[1]} r={4} class="geo-point"><title>{title}</title></circle>];
      case "MultiPoint":
        return (c as Position[]).flatMap((p, i) => draw({ type: "Point", coordinates: p }, `${key}.${i}`, title));
      case "LineString":
        return [<path key={key} d={path(c, false)} class="geo-line"><title>{title}</title></path>];
      case "MultiLineString":
        return (c as Position[][]).map((l, i) => <path key={`${key}.${i}`} d={path(l, false)} class="geo-line"><title>{title}</title></path>);
      case "Polygon":
        return [<path key={key} d={(c as Position[][]).map((r) => path(r, true)).join("")} class="geo-area" fill-rule="evenodd"><title>{title}</title></path>];
      case "MultiPolygon":
        return (c as Position[][][]).map((poly, i) => <path key={`${key}.${i}`} d={poly.map((r) => path(r, true)).join("")} class="geo-area" fill-rule="evenodd"><title>{title}</title></path>);
      case "GeometryCollection":
        return (g.geometries ?? []).flatMap((x, i) => draw(x, `${key}.${i}`, title));
      default:
        return [];
    }
  };
  return (
    <figure class="geojson" data-testid="geojson-view">
      <svg viewBox={`0 0 ${W} ${H}`} class="plot-svg geo-map" role="img" aria-label={`${list.length} GeoJSON features`}>
        {list.flatMap((f, i) => draw(f.geometry, String(i), f.properties ? Object.entries(f.properties).map(([k2, v]) => `${k2}: ${String(v)}`).join("\n") : `feature ${i + 1}`))}
      </svg>
      <figcaption class="muted small-text">
        {list.length} feature{list.length === 1 ? "" : "s"} · lon {x0.toFixed(3)} … {x1.toFixed(3)}, lat {y0.toFixed(3)} … {y1.toFixed(3)}
      </figcaption>
    </figure>
  );
}
