// Browser tests of the tracking UI against the real local stack (PGlite, S3 server, wrangler dev)
// and Debian's Chromium. Run: npm run test:ui
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { chromium } from "playwright-core";
import { CHROMIUM_ARGS, SCREENSHOTS, restClient, seed, seedManyRuns, startStack } from "./harness.mjs";

let stack;
let data;
let manyRuns;
let browser;
let page;
const pageErrors = [];
const blockedScripts = [];

async function shot(name) {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: false });
}

/** Runs a test body; on failure keeps a screenshot of the page for diagnosis. */
function withShot(name, body) {
  return async () => {
    try {
      await body();
    } catch (e) {
      await shot(`FAILED-${name}`).catch(() => {});
      throw e;
    }
  };
}

async function open(hash) {
  await page.goto(`${stack.url}/${hash}`);
}

describe("tracking UI", { timeout: 120_000 }, () => {
  before(async () => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    const t0 = Date.now();
    stack = await startStack();
    const t1 = Date.now();
    data = await seed(stack.url);
    // Seeded while the other tests run; only the pagination test waits for it.
    manyRuns = seedManyRuns(stack.url);
    manyRuns.catch(() => {});
    console.error(`[ui-test] stack ready in ${t1 - t0} ms, seeded in ${Date.now() - t1} ms`);
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    // Generous: the whole stack shares a loaded CI machine with the browser.
    page.setDefaultTimeout(20_000);
    // View state lives in the hash's query string.
    await page.addInitScript(() => {
      window.hashParam = (name) => new URLSearchParams(location.hash.split("?")[1] ?? "").get(name);
    });
    page.on("pageerror", (e) => pageErrors.push(`pageerror: ${e.message}`));
    page.on("console", (m) => {
      // Expected HTTP errors (e.g. the invalid filter's 400) are shown in the page, not bugs.
      if (m.type() !== "error" || /Failed to load resource/.test(m.text())) return;
      // The sandboxed HTML preview refusing the artifact's script is the point of the sandbox.
      if (/Blocked script execution in 'about:srcdoc'/.test(m.text())) blockedScripts.push(m.text());
      else pageErrors.push(`console: ${m.text()}`);
    });
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  test("experiments list renders the seeded experiment", withShot("experiments-list-renders-the-seeded-expe", async () => {
    await open("#/experiments");
    const link = page.locator(".experiments-table a", { hasText: "ui-seeded" });
    await link.waitFor();
    const row = page.locator(`tr[data-experiment-id="${data.experimentId}"]`);
    assert.match(await row.innerText(), /Seeded by the UI tests\./);
    await shot("experiments");
  }));

  test("create, rename and delete an experiment through the UI", withShot("create-rename-and-delete-an-experiment-t", async () => {
    await open("#/experiments");
    await page.getByRole("button", { name: "New experiment" }).click();
    await page.locator("dialog input[name=name]").fill("made-in-browser");
    await page.locator("dialog").getByRole("button", { name: "Create" }).click();
    const row = page.locator("tr", { has: page.locator("a", { hasText: /^made-in-browser$/ }) });
    await row.waitFor();
    const { experiment } = await restClient(stack.url).get("experiments/get-by-name?experiment_name=made-in-browser");
    assert.equal(experiment.lifecycle_stage, "active");

    await row.getByRole("button", { name: "Rename" }).click();
    await page.locator("dialog input[name=name]").fill("renamed-in-browser");
    await page.locator("dialog").getByRole("button", { name: "Rename" }).click();
    const renamed = page.locator("tr", { has: page.locator("a", { hasText: /^renamed-in-browser$/ }) });
    await renamed.waitFor();

    await renamed.getByRole("button", { name: "Delete" }).click();
    await page.locator("dialog").getByRole("button", { name: "Delete" }).click();
    await renamed.waitFor({ state: "detached" });
    const after = await restClient(stack.url).get(`experiments/get?experiment_id=${experiment.experiment_id}`);
    assert.equal(after.experiment.lifecycle_stage, "deleted");
    assert.equal(after.experiment.name, "renamed-in-browser");
  }));

  test("runs table shows seeded runs with metric and param columns; nested runs expand", withShot("runs-table-shows-seeded-runs-with-metric", async () => {
    await open(`#/experiments/${data.experimentId}`);
    await page.locator(`[data-run-id="${data.runs.first}"]`).waitFor();
    const headers = await page.locator(".grid-head .cell").allInnerTexts();
    assert.ok(headers.some((h) => /loss/.test(h)), `metric column missing: ${headers}`);
    assert.ok(headers.some((h) => /lr/.test(h)), `param column missing: ${headers}`);
    const alpha = await page.locator(`[data-run-id="${data.runs.first}"]`).innerText();
    assert.match(alpha, /alpha/);
    assert.match(alpha, /0\.1/);
    // Children hide under their parent until expanded.
    assert.equal(await page.locator(`[data-run-id="${data.runs.children[0]}"]`).count(), 0);
    await page.locator(`[data-run-id="${data.runs.parent}"] .expander`).click();
    await page.locator(`[data-run-id="${data.runs.children[0]}"]`).waitFor();
    await shot("runs-table");
  }));

  test("sorting by a metric goes to the server and into the URL", withShot("sorting-by-a-metric-goes-to-the-server-a", async () => {
    await open(`#/experiments/${data.experimentId}`);
    await page.locator(`[data-run-id="${data.runs.first}"]`).waitFor();
    await page.locator('.grid-head [data-column="p:lr"]').click();
    await page.waitForFunction(() => hashParam("order") === "params.`lr` DESC");
    await page.waitForFunction(() => document.querySelectorAll(".grid-row[data-run-id]")[0]?.textContent?.includes("sweep"));
    await page.locator('.grid-head [data-column="p:lr"]').click();
    await page.waitForFunction(() => hashParam("order") === "params.`lr` ASC");
    await page.waitForFunction(() => document.querySelectorAll(".grid-row[data-run-id]")[0]?.textContent?.includes("alpha"));
  }));

  test("a filter narrows the runs; an invalid filter shows the server's error", withShot("a-filter-narrows-the-runs-an-invalid-fil", async () => {
    await open(`#/experiments/${data.experimentId}`);
    await page.locator(`[data-run-id="${data.runs.first}"]`).waitFor();
    await page.getByLabel("Filter runs").fill("params.lr = '0.5'");
    await page.getByRole("button", { name: "Search" }).click();
    await page.waitForFunction(() => document.querySelectorAll(".grid-row[data-run-id]").length === 1);
    assert.match(await page.locator(".grid-row[data-run-id]").innerText(), /beta/);
    assert.equal(await page.evaluate(() => hashParam("filter")), "params.lr = '0.5'");

    await page.getByLabel("Filter runs").fill("metrics.loss >>> 1");
    await page.getByRole("button", { name: "Search" }).click();
    const error = page.locator(".error-box");
    await error.waitFor();
    assert.match(await error.innerText(), /Invalid filter\..*INVALID_PARAMETER_VALUE/s);
    await shot("filter-error");
  }));

  test("created-within window and CSV download of the table", withShot("created-within-window-and-csv-download-o", async () => {
    await open(`#/experiments/${data.experimentId}`);
    await page.locator(`[data-run-id="${data.runs.first}"]`).waitFor();
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Download CSV" }).click();
    const csv = fs.readFileSync(await (await download).path(), "utf8");
    const [header, ...lines] = csv.trim().split("\r\n");
    assert.match(header, /^run_id,run_name,created,.*metrics\.loss.*params\.lr/);
    assert.ok(lines.some((l) => l.startsWith(`${data.runs.first},alpha,`)));
    // Seeded runs started an hour ago (alpha) up to 200 s later (live).
    await page.getByLabel("Created within").selectOption("1h");
    await page.locator(`[data-run-id="${data.runs.first}"]`).waitFor({ state: "detached" });
    await page.locator(`[data-run-id="${data.runs.running}"]`).waitFor();
    assert.equal(await page.evaluate(() => hashParam("since")), "1h");
  }));

  test("column chooser removes a column and stores the choice in the URL", withShot("column-chooser-removes-a-column-and-stor", async () => {
    await open(`#/experiments/${data.experimentId}`);
    await page.locator(`[data-run-id="${data.runs.first}"]`).waitFor();
    await page.getByRole("button", { name: /^Columns/ }).click();
    await page.locator(".column-chooser label", { hasText: /^accuracy$/ }).locator("input").uncheck();
    await page.waitForFunction(() => !document.querySelector('.grid-head [data-column="m:accuracy"]'));
    assert.match(page.url(), /cols=/);
    // The URL alone reproduces the view.
    const shared = page.url();
    await page.goto("about:blank");
    await page.goto(shared);
    await page.locator(`[data-run-id="${data.runs.first}"]`).waitFor();
    assert.equal(await page.locator('.grid-head [data-column="m:accuracy"]').count(), 0);
    assert.equal(await page.locator('.grid-head [data-column="m:loss"]').count(), 1);
  }));

  test("the client's deep link opens the run page with params, metrics and description", withShot("the-client-s-deep-link-opens-the-run-pag", async () => {
    await open(`#/experiments/${data.experimentId}/runs/${data.runs.first}`);
    await page.locator("h1", { hasText: "alpha" }).waitFor();
    assert.match(await page.getByTestId("params").innerText(), /lr\s+0\.1/);
    assert.match(await page.getByTestId("metrics").innerText(), /loss/);
    assert.match(await page.getByTestId("metrics").innerText(), /accuracy/);
    await page.getByTestId("model-versions").filter({ hasText: "ui-classifier v1" }).waitFor();
    await page.getByRole("button", { name: "Edit run description" }).click();
    await page.getByLabel("Run description").fill("A note from **the browser**");
    await page.getByRole("button", { name: "Save" }).click();
    // Markdown is rendered: the bold part is a <strong>.
    await page.getByTestId("description").locator("strong", { hasText: "the browser" }).waitFor();
    const { run } = await restClient(stack.url).get(`runs/get?run_id=${data.runs.first}`);
    assert.equal(run.data.tags.find((t) => t.key === "mlflow.note.content")?.value, "A note from **the browser**");
    await shot("run-overview");
  }));

  test("path-style and /runs/<id> links resolve to the run page", withShot("path-style-and-runs-id-links-resolve-to", async () => {
    await page.goto(`${stack.url}/experiments/${data.experimentId}/runs/${data.runs.second}`);
    await page.locator("h1", { hasText: "beta" }).waitFor();
    await open(`#/runs/${data.runs.second}`);
    await page.waitForFunction((id) => location.hash.startsWith(`#/experiments/${id}/runs/`), data.experimentId);
    await page.locator("h1", { hasText: "beta" }).waitFor();
  }));

  test("metric charts draw on canvas; axis, smoothing and log scale live in the URL", withShot("metric-charts-draw-on-canvas-axis-smooth", async () => {
    await open(`#/experiments/${data.experimentId}/runs/${data.runs.first}`);
    await page.getByRole("link", { name: "Model metrics" }).click();
    await page.locator('.chart-card[data-metric="loss"] canvas').waitFor();
    const box = await page.locator('.chart-card[data-metric="loss"] canvas').boundingBox();
    assert.ok(box && box.width > 200 && box.height > 100, `canvas too small: ${JSON.stringify(box)}`);
    await page.getByLabel("X axis").selectOption("relative");
    await page.getByLabel("Log scale").check();
    await page.waitForFunction(() => /x=relative/.test(location.hash) && /log=1/.test(location.hash));
    await page.locator('.chart-card[data-metric="loss"] canvas').waitFor();
    await shot("run-charts");
  }));

  test("artifact browser previews text, CSV, YAML, image, PDF and sandboxed HTML", withShot("artifact-browser-previews-text-csv-yaml", async () => {
    await open(`#/experiments/${data.experimentId}/runs/${data.runs.first}/artifacts`);
    await page.locator(".tree-item", { hasText: "notes.txt" }).click();
    await page.getByTestId("artifact-text").filter({ hasText: "hello from the artifact store" }).waitFor();

    await page.locator(".tree-item", { hasText: "data" }).click();
    await page.locator(".tree-item", { hasText: "table.csv" }).click();
    await page.locator("table.csv td", { hasText: "0.87" }).waitFor();

    await page.locator(".tree-item", { hasText: "model" }).click();
    await page.locator(".tree-item", { hasText: "MLmodel" }).click();
    // MLmodel files are shown as MLflow shows them: flavors (and signature), the YAML behind a toggle.
    await page.getByTestId("mlmodel-view").filter({ hasText: "python_function" }).waitFor();
    assert.match(await page.getByTestId("mlmodel-view").innerText(), /mlflow\.sklearn/);

    await page.locator(".tree-item", { hasText: "plots" }).click();
    await page.locator(".tree-item", { hasText: "dot.png" }).click();
    await page.waitForFunction(() => document.querySelector("img.preview-image")?.naturalWidth === 1);

    // PDFs are shown from a blob: URL (the server serves artifacts as sandboxed attachments).
    await page.locator(".tree-item", { hasText: "paper.pdf" }).click();
    const pdf = page.locator('iframe[title="PDF preview"]');
    await pdf.waitFor();
    assert.match(await pdf.getAttribute("src"), /^blob:/);

    await page.locator(".tree-item", { hasText: "report.html" }).click();
    const frame = page.locator('iframe[title="HTML preview"]');
    await frame.waitFor();
    assert.equal(await frame.getAttribute("sandbox"), "");
    assert.equal(await page.frameLocator('iframe[title="HTML preview"]').locator("h1").innerText(), "Report");
    assert.notEqual(await page.title(), "pwned");
    assert.equal(blockedScripts.length, 1, "the artifact's script should have been blocked by the sandbox");
    await shot("artifacts");
  }));

  test("compare: select runs in the table, transposed table with only-differences, overlaid charts", withShot("compare-select-runs-in-the-table-transpo", async () => {
    await open(`#/experiments/${data.experimentId}`);
    await page.locator(`[data-run-id="${data.runs.first}"]`).waitFor();
    await page.locator(`[data-run-id="${data.runs.first}"] input[type=checkbox]`).check();
    await page.locator(`[data-run-id="${data.runs.second}"] input[type=checkbox]`).check();
    await page.getByRole("button", { name: "Compare" }).click();
    await page.locator(".compare-table").waitFor();
    const headers = await page.locator(".compare-table thead th").allInnerTexts();
    assert.deepEqual(headers.slice(1).sort(), ["alpha", "beta"]);
    assert.equal(await page.locator(".compare-table th", { hasText: /^model$/ }).count(), 1);
    await page.getByLabel("Only differences").check();
    await page.waitForFunction(() => ![...document.querySelectorAll(".compare-table th")].some((th) => th.textContent === "model"));
    assert.equal(await page.locator(".compare-table th", { hasText: /^lr$/ }).count(), 1);
    // Chart cards load when scrolled into view.
    await page.locator('.chart-card[data-metric="loss"]').scrollIntoViewIfNeeded();
    await page.locator('.chart-card[data-metric="loss"] canvas').waitFor();
    assert.equal(await page.getByTestId("scatter").locator("circle").count(), 2);
    assert.equal(await page.getByTestId("parallel").locator("polyline").count(), 2);
    await shot("compare");
    await page.getByTestId("scatter").scrollIntoViewIfNeeded();
    await shot("compare-plots");
  }));

  test("delete runs from the table, find them in the Deleted view, restore them", withShot("delete-runs-from-the-table-find-them-in", async () => {
    await open(`#/experiments/${data.experimentId}`);
    const live = page.locator(`[data-run-id="${data.runs.running}"]`);
    await live.locator("input[type=checkbox]").check();
    await page.getByRole("button", { name: "Delete", exact: true }).click();
    // Deleting asks first; the run stays until confirmed.
    await page.locator("dialog", { hasText: "Delete 1 run?" }).getByRole("button", { name: "Delete" }).click();
    await live.waitFor({ state: "detached" });
    await page.getByRole("button", { name: "Deleted", exact: true }).click();
    await live.locator("input[type=checkbox]").check();
    await page.getByRole("button", { name: "Restore", exact: true }).click();
    await live.waitFor({ state: "detached" });
    const { run } = await restClient(stack.url).get(`runs/get?run_id=${data.runs.running}`);
    assert.equal(run.info.lifecycle_stage, "active");
  }));

  test("rename a run and edit the experiment description", withShot("rename-a-run-and-edit-the-experiment-des", async () => {
    await open(`#/experiments/${data.experimentId}/runs/${data.runs.second}`);
    await page.locator("h1", { hasText: "beta" }).waitFor();
    await page.getByRole("button", { name: "Rename" }).click();
    await page.locator("dialog input[name=run_name]").fill("beta-renamed");
    await page.locator("dialog").getByRole("button", { name: "Rename" }).click();
    await page.locator("h1", { hasText: "beta-renamed" }).waitFor();

    await open(`#/experiments/${data.experimentId}`);
    await page.getByRole("button", { name: "Edit experiment description" }).click();
    await page.getByLabel("Experiment description").fill("Updated from the runs page");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByTestId("description").filter({ hasText: "Updated from the runs page" }).waitFor();
    const { experiment } = await restClient(stack.url).get(`experiments/get?experiment_id=${data.experimentId}`);
    assert.equal(experiment.tags.find((t) => t.key === "mlflow.note.content")?.value, "Updated from the runs page");
  }));

  test("zooming a step chart refetches that step range", withShot("zooming-a-step-chart-refetches-that-step", async () => {
    await open(`#/experiments/${data.experimentId}/runs/${data.runs.first}/model-metrics?metrics=loss`);
    const over = page.locator('.chart-card[data-metric="loss"] .u-over');
    await over.waitFor();
    const box = await over.boundingBox();
    const ranged = page.waitForRequest((r) => r.url().includes("get-history-chart") && r.url().includes("start_step="));
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    const url = new URL((await ranged).url());
    const start = Number(url.searchParams.get("start_step"));
    const end = Number(url.searchParams.get("end_step"));
    assert.ok(start >= 10 && end <= 35 && start < end, `unexpected range ${start}..${end}`);
    await page.getByRole("button", { name: "Reset zoom" }).waitFor();
  }));

  test("model registry: list, versions with aliases, set an alias, version links to its run", withShot("model-registry-list-versions-with-aliase", async () => {
    await open("#/models");
    await page.locator("a", { hasText: "ui-classifier" }).click();
    await page.locator("h1", { hasText: "ui-classifier" }).waitFor();
    await page.locator(".chip", { hasText: "@champion → v2" }).waitFor();
    await page.locator("table tbody tr").nth(1).waitFor();
    assert.equal(await page.locator("table tbody tr").count(), 2);
    await page.getByLabel("Alias", { exact: true }).fill("staging");
    await page.getByLabel("Version", { exact: true }).fill("1");
    await page.getByRole("button", { name: "Set alias" }).click();
    await page.locator(".chip", { hasText: "@staging → v1" }).waitFor();
    await shot("model");
    await page.locator("a", { hasText: /^v1$/ }).first().click();
    await page.locator("h1", { hasText: "ui-classifier v1" }).waitFor();
    // The link shows the run's id until the run is read, then its name: find it by where it goes.
    await page.locator(`a[href*="/runs/${data.runs.first}"]`).first().click();
    await page.locator("h1", { hasText: "alpha" }).waitFor();
    await page.getByTestId("model-versions").filter({ hasText: "ui-classifier v1" }).waitFor();
  }));

  test("300 runs: only visible rows are in the DOM, scrolling loads the next page", withShot("300-runs-only-visible-rows-are-in-the-do", async () => {
    const big = await manyRuns;
    await open(`#/experiments/${big.experimentId}`);
    await page.locator(".grid-row[data-run-id]").first().waitFor();
    const rendered = await page.locator(".grid-row[data-run-id]").count();
    assert.ok(rendered > 10 && rendered < 80, `rendered ${rendered} rows`);
    // Scroll to the end until the later page (runs beyond the first 200) has loaded.
    await page.waitForFunction(
      (total) => {
        const grid = document.querySelector(".grid-scroll");
        grid.scrollTop = grid.scrollHeight;
        return document.querySelector(".runs-page")?.textContent?.includes(`${total} runs`);
      },
      big.total,
      { polling: 200 },
    );
    await page.locator(".grid-row", { hasText: "bulk-0000" }).waitFor();
    assert.ok((await page.locator(".grid-row[data-run-id]").count()) < 80);
  }));

  test("dark theme applies from the toggle and persists", withShot("dark-theme-applies-from-the-toggle-and-p", async () => {
    await open(`#/experiments/${data.experimentId}`);
    await page.locator(`[data-run-id="${data.runs.first}"]`).waitFor();
    await page.getByRole("button", { name: /^Theme/ }).click();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "dark");
    await page.reload();
    await page.locator(`[data-run-id="${data.runs.first}"]`).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "dark");
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(bg, "rgb(15, 19, 24)");
    await shot("runs-dark");
  }));

  test("static assets carry security headers, and the UI runs under that CSP", async () => {
    const res = await fetch(`${stack.url}/`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
    assert.match(res.headers.get("content-security-policy") ?? "", /script-src 'self'/);
    assert.equal(res.headers.get("x-frame-options"), "SAMEORIGIN");
  });

  test("no uncaught errors or console errors across the session", () => {
    assert.deepEqual(pageErrors, []);
  });
});
