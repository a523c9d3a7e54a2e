// The XML the local store reads (CompleteMultipartUpload, Delete) and writes (every response).
// Request documents are small and flat; this parser accepts well-formed XML (declaration,
// comments, CDATA, entities, namespaces, attributes) and refuses anything else, which the store
// answers with MalformedXML as S3 does.

export function xmlEscape(s) {
  return String(s)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;")
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, (c) => `&#x${c.charCodeAt(0).toString(16)};`);
}

function unescapeText(s) {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, e) => {
    if (e[0] === "#") return String.fromCodePoint(e[1] === "x" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    return { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" }[e];
  });
}

/** Parses a document into { name, children, text }; throws on anything not well-formed. */
export function parseXml(source) {
  let i = 0;
  const fail = () => {
    throw new Error("malformed XML");
  };
  const skipMisc = () => {
    for (;;) {
      while (i < source.length && /\s/.test(source[i])) i++;
      if (source.startsWith("<?", i)) {
        const end = source.indexOf("?>", i);
        if (end < 0) fail();
        i = end + 2;
      } else if (source.startsWith("<!--", i)) {
        const end = source.indexOf("-->", i);
        if (end < 0) fail();
        i = end + 3;
      } else return;
    }
  };
  const element = () => {
    if (source[i] !== "<") fail();
    const open = /^<([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/.exec(source.slice(i, i + 4096));
    if (!open) fail();
    i += open[0].length;
    const qualified = open[1];
    const node = { name: qualified.includes(":") ? qualified.slice(qualified.indexOf(":") + 1) : qualified, children: [], text: "" };
    if (open[3] === "/") return node;
    for (;;) {
      if (i >= source.length) fail();
      if (source.startsWith("</", i)) {
        const close = /^<\/([A-Za-z_][\w.:-]*)\s*>/.exec(source.slice(i, i + 512));
        if (!close || close[1] !== qualified) fail();
        i += close[0].length;
        return node;
      }
      if (source.startsWith("<!--", i)) {
        const end = source.indexOf("-->", i);
        if (end < 0) fail();
        i = end + 3;
      } else if (source.startsWith("<![CDATA[", i)) {
        const end = source.indexOf("]]>", i);
        if (end < 0) fail();
        node.text += source.slice(i + 9, end);
        i = end + 3;
      } else if (source[i] === "<") {
        node.children.push(element());
      } else {
        const next = source.indexOf("<", i);
        if (next < 0) fail();
        const raw = source.slice(i, next);
        if (/&(?!(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);)/.test(raw)) fail();
        node.text += unescapeText(raw);
        i = next;
      }
    }
  };
  skipMisc();
  const root = element();
  skipMisc();
  if (i !== source.length) fail();
  return root;
}

export const child = (node, name) => node.children.find((c) => c.name === name);
export const childrenNamed = (node, name) => node.children.filter((c) => c.name === name);

/** `<?xml?>` + root element `name` in S3's namespace around `body`. */
export function document(name, body) {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${name} xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${body}</${name}>`;
}

/** `<tag>value</tag>`, escaped; nothing for undefined. */
export function tag(name, value) {
  return value === undefined || value === null ? "" : `<${name}>${xmlEscape(value)}</${name}>`;
}
