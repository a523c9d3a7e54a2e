/**
 * Artifact previews chosen by file name. Text-like files are read with a Range request and the
 * stream is cut at a limit, so a multi-GB log never hangs the tab; code, JSON and YAML are
 * highlighted, markdown rendered (sanitised), CSV shown as a sortable table, MLmodel files as
 * flavors and signature, GeoJSON drawn as SVG; HTML renders in a sandboxed iframe; images, audio,
 * video and PDFs are handed to the browser.
 */
import { useEffect, useMemo, useState } from "preact/hooks";
import { sourceFileUrl, type ArtifactSource } from "../api";
import { parseCsv } from "../csv";
import { formatBytes } from "../format";
import { num } from "../json";
import type { Int64 } from "../types";
import { ErrorBox, Markdown, Spinner } from "./common";
import { GeoJsonView } from "./geojson-view";
import { MlModelView } from "./mlmodel-view";

const PREVIEW_BYTES = 1 << 20;
const FULL_LIMIT = 50 << 20;
const CSV_ROWS = 200;
const PDF_LIMIT = 30 << 20;

const IMAGE = /\.(png|jpe?g|gif|bmp|webp|svg|ico)$/i;
const AUDIO = /\.(mp3|wav|m4a|aac|flac|opus|oga|ogg|wma)$/i;
const VIDEO = /\.(mp4|webm|mov|ogv|mkv)$/i;
const MARKDOWN = /\.(md|markdown)$/i;
const GEOJSON = /\.geojson$/i;
const MLMODEL = /(^|\/)MLmodel$/;
const HTML = /\.html?$/i;
const PDF = /\.pdf$/i;
const CSV = /\.(csv|tsv)$/i;
const JSON_FILE = /\.(json|jsonl|geojson)$/i;
const TEXT = /(^|\/)(MLmodel|MLproject|Dockerfile|LICENSE|README)$|\.(txt|log|err|out|cfg|conf|ini|properties|toml|ya?ml|xml|js|ts|py|md|rst|sh|sql|r|java|scala|go|rs|c|h|cpp|jsonnet|pbtxt|env|lock)$/i;

interface Head {
  bytes: Uint8Array<ArrayBuffer>;
  total?: number;
  truncated: boolean;
  contentType: string;
}

/** Reads at most `limit` bytes: asks for a Range, and stops reading even if the server ignores it. */
async function readHead(url: string, limit: number): Promise<Head> {
  // no-store: Chrome can answer a Range request from a cached compressed full response with the
  // wrong number of bytes; previews are small reads, so skipping the cache costs little.
  const res = await fetch(url, { headers: { Range: `bytes=0-${limit - 1}` }, cache: "no-store" });
  if (!res.ok) {
    const text = await res.text().catch(() => "");
    let message = text.slice(0, 300);
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? message;
    } catch {
      /* not JSON */
    }
    throw new Error(`HTTP ${res.status}${message ? `: ${message}` : ""}`);
  }
  const range = res.headers.get("content-range");
  const total = range ? Number(range.split("/")[1]) : Number(res.headers.get("content-length") ?? NaN);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body!.getReader();
  while (size < limit) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
  }
  await reader.cancel().catch(() => undefined);
  const bytes = new Uint8Array(Math.min(size, limit));
  let offset = 0;
  for (const c of chunks) {
    const part = c.subarray(0, Math.max(0, bytes.length - offset));
    bytes.set(part, offset);
    offset += part.length;
  }
  const knownTotal = Number.isFinite(total) ? total : undefined;
  return { bytes, total: knownTotal, truncated: knownTotal !== undefined ? bytes.length < knownTotal : size > limit, contentType: res.headers.get("content-type") ?? "" };
}

function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 4096);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return true;
  return false;
}

export function ArtifactPreview({ source, path, size }: { source: ArtifactSource; path: string; size?: Int64 | undefined }) {
  const url = sourceFileUrl(source, path);
  const name = path.split("/").pop() ?? path;
  return (
    <div class="preview">
      <div class="card-head">
        <h3 class="mono">{path}</h3>
        <span class="muted">{formatBytes(size)}</span>
        <span class="grow" />
        <a class="button small" href={url} download={name}>
          Download
        </a>
      </div>
      {IMAGE.test(name) ? (
        <img class="preview-image" src={url} alt={name} />
      ) : AUDIO.test(name) ? (
        <audio class="preview-media" controls preload="metadata" src={url} data-testid="audio-preview" />
      ) : VIDEO.test(name) ? (
        <video class="preview-media" controls preload="metadata" src={url} data-testid="video-preview" />
      ) : PDF.test(name) ? (
        <PdfPreview url={url} />
      ) : (
        <TextLike url={url} name={name} size={size} />
      )}
    </div>
  );
}

/**
 * The server sends artifacts as attachments under a sandboxing CSP, which a PDF viewer cannot run
 * in; so the bytes (size-capped, after a Range probe) are shown from a local blob URL instead.
 */
function PdfPreview({ url }: { url: string }) {
  const [state, setState] = useState<{ blobUrl?: string; note?: string; error?: unknown }>({});
  useEffect(() => {
    let live = true;
    let blobUrl: string | undefined;
    (async () => {
      const probe = await readHead(url, 1024);
      if (new TextDecoder().decode(probe.bytes.subarray(0, 5)) !== "%PDF-") return { note: "This file is not a PDF; download it instead." };
      if ((probe.total ?? Infinity) > PDF_LIMIT) return { note: `Larger than ${formatBytes(PDF_LIMIT)}; download it to view.` };
      const full = await readHead(url, PDF_LIMIT);
      blobUrl = URL.createObjectURL(new Blob([full.bytes], { type: "application/pdf" }));
      return { blobUrl };
    })().then(
      (s) => (live ? setState(s) : s.blobUrl && URL.revokeObjectURL(s.blobUrl)),
      (error) => live && setState({ error }),
    );
    return () => {
      live = false;
      if (blobUrl) URL.revokeObjectURL(blobUrl);
    };
  }, [url]);
  if (state.error) return <ErrorBox error={state.error} />;
  if (state.note) return <p class="muted">{state.note}</p>;
  if (!state.blobUrl) return <Spinner />;
  return <iframe class="preview-frame" src={state.blobUrl} title="PDF preview" />;
}

function TextLike({ url, name, size }: { url: string; name: string; size?: Int64 | undefined }) {
  const [limit, setLimit] = useState(PREVIEW_BYTES);
  const [head, setHead] = useState<Head | undefined>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    let live = true;
    setHead(undefined);
    setError(undefined);
    readHead(url, limit).then(
      (h) => live && setHead(h),
      (e) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [url, limit]);
  useEffect(() => setLimit(PREVIEW_BYTES), [url]);
  if (error) return <ErrorBox error={error} title="Could not read the file." />;
  if (!head) return <Spinner />;
  const known = HTML.test(name) || CSV.test(name) || JSON_FILE.test(name) || TEXT.test(name);
  if (!known && looksBinary(head.bytes)) return <p class="muted">No preview for this file type.</p>;
  let text = new TextDecoder().decode(head.bytes);
  if (head.truncated) text = text.slice(0, Math.max(text.lastIndexOf("\n"), 0) || text.length);
  const total = head.total ?? (size !== undefined ? num(size) : undefined);
  const more = head.truncated && (
    <div class="truncated">
      Showing the first {formatBytes(head.bytes.length)}
      {total ? ` of ${formatBytes(total)}` : ""}.{" "}
      {(total ?? Infinity) <= FULL_LIMIT && (
        <button type="button" class="small" onClick={() => setLimit(FULL_LIMIT)}>
          Load full file
        </button>
      )}
    </div>
  );
  if (HTML.test(name)) {
    return (
      <>
        {more}
        {/* No allow-scripts, no same-origin: the page cannot act as the user. */}
        <iframe class="preview-frame" sandbox="" srcdoc={text} title="HTML preview" />
      </>
    );
  }
  if (CSV.test(name)) return <CsvTable text={text} delimiter={/\.tsv$/i.test(name) ? "\t" : ","} note={more} />;
  if (MARKDOWN.test(name)) {
    return (
      <>
        {more}
        <Markdown text={text} class="preview-markdown" />
      </>
    );
  }
  if (MLMODEL.test(name) && !head.truncated) {
    return (
      <>
        <MlModelView text={text} />
        <details class="raw-file">
          <summary>MLmodel file</summary>
          <Code text={text} name={name} />
        </details>
      </>
    );
  }
  if (GEOJSON.test(name) && !head.truncated) {
    return (
      <>
        <GeoJsonView text={text} />
        <details class="raw-file">
          <summary>GeoJSON source</summary>
          <Code text={text} name={name} />
        </details>
      </>
    );
  }
  if (JSON_FILE.test(name) && !head.truncated && !/\d{16}/.test(text)) {
    try {
      text = JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      /* show as-is: JSON lines or invalid JSON */
    }
  }
  return (
    <>
      {more}
      <Code text={text} name={name} />
    </>
  );
}

let highlighter: Promise<typeof import("../highlight")> | undefined;

/** Text with syntax colours when the file type is known (highlight.js loads on first use). */
function Code({ text, name }: { text: string; name: string }) {
  const [html, setHtml] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setHtml(null);
    highlighter ??= import("../highlight");
    highlighter.then((h) => live && setHtml(h.highlight(text, h.languageOf(name))));
    return () => {
      live = false;
    };
  }, [text, name]);
  if (html === null) {
    return (
      <pre class="preview-text" data-testid="artifact-text">
        {text}
      </pre>
    );
  }
  return <pre class="preview-text hljs" data-testid="artifact-text" data-highlighted="true" dangerouslySetInnerHTML={{ __html: html }} />;
}

/** Numbers sort as numbers, everything else as text; empty cells last. */
function compareCells(a: string | undefined, b: string | undefined): number {
  if (!a) return b ? 1 : 0;
  if (!b) return -1;
  const x = Number(a);
  const y = Number(b);
  if (Number.isFinite(x) && Number.isFinite(y)) return x - y;
  return a.localeCompare(b, undefined, { numeric: true });
}

function CsvTable({ text, delimiter, note }: { text: string; delimiter: string; note: preact.ComponentChildren }) {
  const rows = useMemo(() => parseCsv(text, delimiter, CSV_ROWS + 1), [text, delimiter]);
  const [sort, setSort] = useState<{ col: number; asc: boolean } | null>(null);
  const [header, ...unsorted] = rows;
  const body = useMemo(() => {
    if (!sort) return unsorted;
    const out = [...unsorted].sort((r1, r2) => compareCells(r1[sort.col], r2[sort.col]));
    return sort.asc ? out : out.reverse();
  }, [rows, sort]);
  if (!header) return <p class="muted">Empty file.</p>;
  return (
    <>
      {note}
      <div class="csv-wrap">
        <table class="table compact csv">
          <thead>
            <tr>
              {header.map((h, i) => (
                <th key={i} aria-sort={sort?.col === i ? (sort.asc ? "ascending" : "descending") : undefined}>
                  <button type="button" class="link sort-head" onClick={() => setSort(sort?.col === i ? { col: i, asc: !sort.asc } : { col: i, asc: true })}>
                    {h}
                    {sort?.col === i ? (sort.asc ? " ▲" : " ▼") : ""}
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {body.map((r, i) => (
              <tr key={i}>
                {r.map((c, j) => (
                  <td key={j}>{c}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {body.length >= CSV_ROWS && <p class="muted small-text">First {CSV_ROWS} rows shown.</p>}
    </>
  );
}
