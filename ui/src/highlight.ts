/**
 * Syntax highlighting for artifact previews (loaded lazily): highlight.js core with the languages
 * artifacts are usually written in. Output is highlight.js's escaped HTML (text is escaped, only
 * its own <span class> markup is added).
 */
import hljs from "highlight.js/lib/core";
import bash from "highlight.js/lib/languages/bash";
import ini from "highlight.js/lib/languages/ini";
import javascript from "highlight.js/lib/languages/javascript";
import json from "highlight.js/lib/languages/json";
import python from "highlight.js/lib/languages/python";
import sql from "highlight.js/lib/languages/sql";
import xml from "highlight.js/lib/languages/xml";
import yaml from "highlight.js/lib/languages/yaml";

hljs.registerLanguage("bash", bash);
hljs.registerLanguage("ini", ini);
hljs.registerLanguage("javascript", javascript);
hljs.registerLanguage("json", json);
hljs.registerLanguage("python", python);
hljs.registerLanguage("sql", sql);
hljs.registerLanguage("xml", xml);
hljs.registerLanguage("yaml", yaml);

const BY_EXTENSION: Record<string, string> = {
  json: "json", jsonl: "json", geojson: "json", ipynb: "json",
  yaml: "yaml", yml: "yaml", mlmodel: "yaml", mlproject: "yaml",
  py: "python", sh: "bash", bash: "bash", toml: "ini", ini: "ini", cfg: "ini", conf: "ini", properties: "ini",
  js: "javascript", ts: "javascript", mjs: "javascript", xml: "xml", html: "xml", svg: "xml", sql: "sql",
};

export function languageOf(name: string): string | undefined {
  const base = name.split("/").pop() ?? name;
  if (base === "MLmodel" || base === "MLproject") return "yaml";
  const ext = base.includes(".") ? base.split(".").pop()!.toLowerCase() : "";
  return BY_EXTENSION[ext];
}

/** Highlighted HTML, or null when the language is unknown or the text too long to highlight fast. */
export function highlight(text: string, language: string | undefined): string | null {
  if (!language || text.length > 400_000) return null;
  return hljs.highlight(text, { language, ignoreIllegals: true }).value;
}
