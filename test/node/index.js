// Makes `node --test test/node/` work on Node 22, where --test takes file globs, not directories:
// the directory resolves to this file, which loads every *.test.mjs next to it. When test discovery
// picks this file up on its own (`node --test` with no arguments), it does nothing, so tests do not
// run twice.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
if (path.resolve(process.argv[1] ?? "") === here) {
  for (const f of fs.readdirSync(here).filter((n) => n.endsWith(".test.mjs")).sort()) {
    await import(pathToFileURL(path.join(here, f)).href);
  }
}
