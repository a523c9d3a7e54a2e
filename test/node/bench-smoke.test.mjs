// Smoke test of the benchmark harness (bench/run.mjs): one short scenario end to end against both
// servers — fresh databases on Debian PostgreSQL, seeding, the reference `mlflow server` and ours
// under wrangler dev — and checks that the table and the JSON record carry both servers' numbers
// and the ratio. It does not judge performance. About 30 s on an idle 2-core machine, most of it
// the reference server importing MLflow; the generous timeout is for a machine busy with other suites.
//
//   npm exec -- node --test test/node/bench-smoke.test.mjs
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

test("bench harness runs runs/get against both servers and reports ratios", { timeout: 300_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-smoke-"));
  const json = path.join(dir, "result.json");
  try {
    const stdout = await new Promise((resolve, reject) => {
      execFile(process.execPath, [
        "bench/run.mjs", "--quick", "--only=runs-get", "--concurrency=2", "--seconds=0.3", "--ref-workers=1", `--json=${json}`,
      ], { cwd: ROOT, maxBuffer: 16 << 20 }, (err, out, errOut) => (err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out)));
    });

    const row = stdout.split("\n").find((l) => l.startsWith("runs/get"));
    assert.ok(row, `no runs/get row in:\n${stdout}`);
    assert.match(row, /\s2\s+[\d.]+\s+[\d.]+\s+[\d.]+x\s/, "row has concurrency, both throughputs and the ratio");

    const record = JSON.parse(fs.readFileSync(json, "utf8"));
    assert.equal(record.mode, "quick");
    assert.equal(record.scenarios.length, 1);
    const s = record.scenarios[0];
    assert.equal(s.id, "runs-get");
    assert.equal(s.status, "ok");
    assert.equal(s.concurrency, 2);
    for (const side of ["reference", "ours"]) {
      assert.equal(s[side].errors, 0, `${side} errors: ${s[side].errorSamples}`);
      assert.ok(s[side].requests >= 5, `${side} sent ${s[side].requests} requests`);
      assert.ok(s[side].rps > 0 && s[side].p50 > 0 && s[side].p99 >= s[side].p50, `${side} numbers: ${JSON.stringify(s[side])}`);
      assert.ok(s.rss[side] > 0, `${side} memory sampled`);
    }
    assert.equal(s.ratio.rps, Math.round((s.ours.rps / s.reference.rps) * 100) / 100);
    // Our server reports its database round trips; runs/get is a single statement.
    assert.equal(s.ours.dbRoundTrips, 1);
    assert.equal(s.reference.dbRoundTrips, null);
    assert.deepEqual(s.fingerprint, { reference: "50 params, 50 metrics", ours: "50 params, 50 metrics", match: true });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
