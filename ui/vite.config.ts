// Builds the tracking UI into ../public, which wrangler.toml serves as static assets (SPA fallback).
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import { bundleReport } from "./bundle-report.ts";

const here = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root: here,
  base: "/",
  // ui/public holds _headers (security headers for the static assets).
  publicDir: "public",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  // Prints the JavaScript each route loads (gzipped) and holds the first load to its budget.
  plugins: [bundleReport()],
  build: {
    outDir: fileURLToPath(new URL("../public", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
    // Charts, compare and artifact viewers are split into their own chunks by dynamic import().
    chunkSizeWarningLimit: 200,
    modulePreload: { polyfill: false },
  },
});
