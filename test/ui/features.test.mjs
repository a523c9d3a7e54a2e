// Browser tests of issue 18: the reviewer's bugs (each test failed before its fix), logged models,
// registry editing, the chart view, the runs table's tools, run page, artifacts, compare, settings,
// keyboard-only use and an axe-core accessibility check. Real Worker, PGlite, S3 server, Chromium.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { chromium } from "playwright-core";
import { CHROMIUM_ARGS, SCREENSHOTS, axeViolations, restClient, seed, seedFeatures, startStack } from "./harness.mjs";


let stack;
let base;
let feat;
let browser;
let page;
const pageErrors = [];

async function shot(name) {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: false });
}

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

const open = (hash) => page.goto(`${stack.url}/${hash}`);
const hashParam = (name) => page.evaluate((n) => new URLSearchParams(location.hash.split("?")[1] ?? "").get(n), name);
const rest = () => restClient(stack.url);

describe("issue 18: daily MLflow use and the reviewer's bugs", { timeout: 200_000 }, () => {
  before(async () => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    stack = await startStack();
    base = await seed(stack.url);
    feat = await seedFeatures(stack.url);
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: stack.url });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    page.on("pageerror", (e) => pageErrors.push(`pageerror: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() !== "error" || /Failed to load resource/.test(m.text())) return;
      pageErrors.push(`console: ${m.text()}`);
    });
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  // ---- bugs ----

  test("bug: the Aliases column of the versions table shows the model's aliases", withShot("bug-aliases-column", async () => {
    await open("#/models/ui-classifier");
    const row = page.locator('.versions-table tr[data-version="2"]');
    await row.waitFor();
    assert.match(await row.locator(".aliases-cell").innerText(), /@champion/);
    assert.equal((await page.locator('.versions-table tr[data-version="1"] .aliases-cell').innerText()).trim(), "");
  }));

  test("bug: a long metric name in a column header is clipped at its end and keeps its badge", withShot("bug-long-metric-header", async () => {
    await open(`#/experiments/${feat.experimentId}?cols=${encodeURIComponent("m:validation_accuracy_score_long_name")}`);
    const head = page.locator('.grid-head [data-column="m:validation_accuracy_score_long_name"]');
    await head.waitFor();
    const geo = await head.evaluate((cell) => {
      const badge = cell.querySelector(".kind-tag").getBoundingClientRect();
      const label = cell.querySelector(".head-label");
      const c = cell.getBoundingClientRect();
      const l = label.getBoundingClientRect();
      return { badgeLeft: badge.left, badgeRight: badge.right, badgeWidth: badge.width, cellLeft: c.left, cellRight: c.right, labelLeft: l.left, labelRight: l.right, overflow: getComputedStyle(label).textOverflow, clipped: label.scrollWidth > label.clientWidth };
    });
    assert.ok(geo.badgeWidth > 0 && geo.badgeLeft >= geo.cellLeft && geo.badgeRight <= geo.cellRight, `badge outside its cell: ${JSON.stringify(geo)}`);
    assert.ok(geo.labelLeft >= geo.badgeRight - 0.5, `label starts before the badge: ${JSON.stringify(geo)}`);
    assert.ok(geo.labelRight <= geo.cellRight + 0.5, `label runs past the cell: ${JSON.stringify(geo)}`);
    assert.equal(geo.overflow, "ellipsis");
    assert.ok(geo.clipped, "the long name should be cut (with an ellipsis) at its end");
    assert.equal(await head.getAttribute("title"), "validation_accuracy_score_long_name (sort)");
  }));

  test("bug: charts of more than 12 runs have a legend, a tooltip naming the run, and distinct colours", withShot("bug-many-runs-charts", async () => {
    await open(`#/compare-runs?runs=${feat.runs.join(",")}&metrics=loss`);
    const card = page.locator('.chart-card[data-metric="loss"]');
    await card.scrollIntoViewIfNeeded();
    await card.locator("canvas").first().waitFor();
    const entries = card.locator(".chart-legend li");
    assert.equal(await entries.count(), 15);
    const colours = await entries.locator(".swatch").evaluateAll((els) => els.map((e) => getComputedStyle(e).backgroundColor));
    assert.equal(new Set(colours).size, 15, `colours repeat: ${colours}`);
    const over = card.locator(".u-over");
    const box = await over.boundingBox();
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
    await page.mouse.move(box.x + box.width * 0.52, box.y + box.height * 0.55);
    const tip = card.locator(".chart-tooltip");
    await tip.waitFor();
    assert.match(await tip.innerText(), /feat-\d\d[\s\S]*at step \d/);
    await shot("charts-15-runs");
  }));

  test("bug: a transient 503 with Retry-After is retried with a quiet note, not a red error", withShot("bug-503-retry", async () => {
    let failures = 0;
    await page.route("**/ajax-api/2.0/mlflow/runs/search", async (route) => {
      if (failures < 2) {
        failures++;
        await route.fulfill({ status: 503, headers: { "content-type": "application/json", "retry-after": "1" }, body: JSON.stringify({ error_code: "TEMPORARILY_UNAVAILABLE", message: "database is starting" }) });
      } else await route.continue();
    });
    try {
      await open(`#/experiments/${feat.experimentId}`);
      await page.getByTestId("retrying").waitFor();
      await page.locator(`[data-run-id="${feat.runs[0]}"]`).waitFor();
      assert.equal(failures, 2);
      assert.equal(await page.locator(".error-box").count(), 0);
      assert.equal(await page.getByTestId("retrying").count(), 0);
    } finally {
      await page.unroute("**/ajax-api/2.0/mlflow/runs/search");
    }
  }));

  test("bug: deleting a run from its page asks first; Cancel keeps it", withShot("bug-delete-confirm", async () => {
    const id = base.runs.children[2];
    await open(`#/experiments/${base.experimentId}/runs/${id}`);
    await page.locator("h1", { hasText: "trial-2" }).waitFor();
    await page.getByRole("button", { name: "Delete", exact: true }).click();
    const dialog = page.locator("dialog", { hasText: "Delete run trial-2?" });
    await dialog.waitFor();
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "detached" });
    assert.equal((await rest().get(`runs/get?run_id=${id}`)).run.info.lifecycle_stage, "active");
    await page.getByRole("button", { name: "Delete", exact: true }).click();
    await page.locator("dialog").getByRole("button", { name: "Delete run" }).click();
    await page.locator(".badge", { hasText: "deleted" }).waitFor();
    assert.equal((await rest().get(`runs/get?run_id=${id}`)).run.info.lifecycle_stage, "deleted");
    await rest().post("runs/restore", { run_id: id });
  }));

  test("bug: headers are focusable and sort from the keyboard; / focuses the filter", withShot("bug-keyboard-sort", async () => {
    await open(`#/experiments/${feat.experimentId}`);
    await page.locator(`[data-run-id="${feat.runs[0]}"]`).waitFor();
    await page.locator("body").click({ position: { x: 5, y: 300 } });
    await page.keyboard.press("/");
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("aria-label")), "Filter runs");
    const lr = page.locator('.grid-head [data-column="p:lr"]');
    assert.equal(await lr.getAttribute("tabindex"), "0");
    await lr.focus();
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => new URLSearchParams(location.hash.split("?")[1]).get("order") === "params.`lr` DESC");
    assert.equal(await lr.getAttribute("aria-sort"), "descending");
    await lr.focus();
    await page.keyboard.press(" ");
    await page.waitForFunction(() => new URLSearchParams(location.hash.split("?")[1]).get("order") === "params.`lr` ASC");
  }));

  test("bug: parallel coordinates keep labels off the lines and show a constant axis's value", withShot("bug-parallel", async () => {
    await open(`#/compare-runs?runs=${feat.runs.slice(0, 6).join(",")}`);
    const plot = page.getByTestId("parallel");
    await plot.waitFor();
    await plot.getByRole("button", { name: "param batch" }).waitFor();
    if ((await plot.getByRole("button", { name: "param batch" }).getAttribute("aria-pressed")) !== "true") await plot.getByRole("button", { name: "param batch" }).click();
    const batchAxis = plot.locator('.pc-axis[data-axis="p:batch"]');
    await batchAxis.waitFor();
    const ticks = await batchAxis.locator(".pc-tick").allTextContents();
    assert.deepEqual(ticks, ["32"], `constant axis ticks: ${ticks}`);
    const geo = await plot.evaluate((el) => {
      const labels = [...el.querySelectorAll(".pc-label")].map((t) => t.getBoundingClientRect());
      const lines = [...el.querySelectorAll(".pc-line")].map((l) => l.getBoundingClientRect());
      return { labelBottom: Math.max(...labels.map((r) => r.bottom)), linesTop: Math.min(...lines.map((r) => r.top)) };
    });
    assert.ok(geo.labelBottom <= geo.linesTop, `axis labels overlap the lines: ${JSON.stringify(geo)}`);
    // The categorical optimizer axis is labelled by its values.
    const opt = await plot.locator('.pc-axis[data-axis="p:optimizer"] .pc-tick').allTextContents();
    assert.deepEqual(opt, ["adam", "sgd"]);
  }));

  test("bug: a missing experiment or model is a not-found page; a missing user is a dash", withShot("bug-not-found", async () => {
    await open("#/experiments/987654");
    await page.getByTestId("not-found").waitFor();
    assert.equal(await page.getByLabel("Filter runs").count(), 0);
    assert.doesNotMatch(await page.locator("main").innerText(), /No runs/);
    await open("#/models/no-such-model");
    await page.getByTestId("not-found").waitFor();
    assert.equal(await page.locator("h2", { hasText: "Versions" }).count(), 0);
    await open(`#/experiments/${feat.experimentId}?cols=a:user`);
    const row = page.locator(`[data-run-id="${feat.runs[14]}"]`);
    await row.waitFor();
    assert.match(await row.innerText(), /—/);
    assert.doesNotMatch(await row.innerText(), /unknown/);
    await open("#/models/iris-registry");
    const created = page.locator('.versions-table tr[data-version="1"] td').nth(3);
    await created.waitFor();
    assert.ok(["—", "tester"].includes((await created.innerText()).trim()) || !/unknown/.test(await created.innerText()));
  }));

  // ---- logged models ----

  test("logged models: the Models tab lists them with per-dataset metrics, sorts, and opens the model page", withShot("logged-models", async () => {
    await open(`#/experiments/${feat.experimentId}/models`);
    const row = page.locator(`tr[data-model-id="${feat.modelId}"]`);
    await row.waitFor();
    const headers = await page.locator(".logged-models-table thead th").allInnerTexts();
    assert.ok(headers.some((h) => /accuracy \(eval_ds\)/.test(h)), `metric per dataset missing: ${headers}`);
    assert.match(await row.innerText(), /0\.9731/);
    await row.getByRole("link", { name: "iris-registry v1" }).waitFor();
    await page.getByRole("button", { name: /^Name/ }).click();
    await page.waitForFunction(() => new URLSearchParams(location.hash.split("?")[1]).get("msort") === "name");
    await row.getByRole("link", { name: "iris-clf" }).click();
    await page.locator("h1", { hasText: "iris-clf" }).waitFor();
    assert.match(await page.getByTestId("model-params").innerText(), /max_depth\s+4/);
    assert.match(await page.getByTestId("model-metrics").innerText(), /accuracy\s+eval_ds/);
    await page.getByTestId("source-run").getByRole("link", { name: "feat-00" }).waitFor();
    await page.getByTestId("registrations").getByRole("link", { name: "iris-registry v1" }).waitFor();
    await page.getByTestId("model-signature").filter({ hasText: "sepal_length" }).waitFor();
    await shot("logged-model");
    await page.getByRole("link", { name: "Artifacts" }).click();
    await page.locator(".tree-item", { hasText: "MLmodel" }).click();
    await page.getByTestId("mlmodel-view").filter({ hasText: "sklearn" }).waitFor();
    // The run links to its model; the version links to it too.
    await open(`#/experiments/${feat.experimentId}/runs/${feat.runs[0]}`);
    await page.getByTestId("logged-models").getByRole("link", { name: "iris-clf" }).waitFor();
    await open("#/models/iris-registry/versions/1");
    await page.getByTestId("version-logged-model").getByRole("link", { name: feat.modelId }).click();
    await page.locator("h1", { hasText: "iris-clf" }).waitFor();
  }));

  // ---- registry editing ----

  test("registry: create a model, markdown description, tags, aliases add/move/remove, stage, compare, delete", withShot("registry-editing", async () => {
    await open("#/models");
    await page.getByRole("button", { name: "Create model" }).click();
    await page.locator("dialog input[name=name]").fill("made-in-ui");
    await page.locator("dialog").getByRole("button", { name: "Create" }).click();
    await page.locator("h1", { hasText: "made-in-ui" }).waitFor();
    await page.getByRole("button", { name: "Edit model description" }).click();
    await page.getByLabel("Model description").fill("## Usage\n\nCall `predict`.");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByTestId("description").locator("h2", { hasText: "Usage" }).waitFor();
    await page.getByLabel("Tag key").fill("owner");
    await page.getByLabel("Tag value").fill("ml-team");
    await page.getByRole("button", { name: "Add / update tag" }).click();
    await page.locator(".chip", { hasText: "owner" }).waitFor();
    assert.equal((await rest().get("registered-models/get?name=made-in-ui")).registered_model.description, "## Usage\n\nCall `predict`.");

    // Two versions registered from the run's model directory (artifacts → Register model).
    for (let i = 0; i < 2; i++) {
      await open(`#/experiments/${feat.experimentId}/runs/${feat.runs[0]}/artifacts/model/MLmodel`);
      await page.getByRole("button", { name: "Register model" }).click();
      await page.locator("dialog input[name=model-name]").fill("made-in-ui");
      await page.locator("dialog").getByRole("button", { name: "Register" }).click();
      await page.locator("h1", { hasText: `made-in-ui v${i + 1}` }).waitFor();
    }
    await page.getByTestId("version-source-run").getByRole("link", { name: "feat-00" }).waitFor();
    assert.equal((await rest().get("model-versions/get?name=made-in-ui&version=2")).model_version.source, `runs:/${feat.runs[0]}/model`);

    // Aliases: add on v2, move to v1, remove.
    await page.getByLabel("Alias", { exact: true }).fill("prod");
    await page.getByRole("button", { name: "Set alias" }).click();
    await page.locator(".alias-chip", { hasText: "@prod → v2" }).waitFor();
    await open("#/models/made-in-ui");
    await page.locator(".alias-chip", { hasText: "@prod → v2" }).waitFor();
    await page.getByLabel("Alias", { exact: true }).fill("prod");
    await page.getByLabel("Version", { exact: true }).fill("1");
    await page.getByRole("button", { name: "Set alias" }).click();
    await page.locator(".alias-chip", { hasText: "@prod → v1" }).waitFor();
    assert.match(await page.locator('.versions-table tr[data-version="1"] .aliases-cell').innerText(), /@prod/);
    await page.getByRole("button", { name: "Remove alias prod" }).click();
    await page.locator(".alias-chip").waitFor({ state: "detached" });

    // Stage transition on a version.
    await open("#/models/made-in-ui/versions/1");
    const transitioned = page.waitForResponse((r) => r.url().includes("/model-versions/transition-stage"));
    await page.getByLabel("Stage", { exact: true }).selectOption("Staging");
    assert.equal((await transitioned).status(), 200);
    assert.equal((await rest().get("model-versions/get?name=made-in-ui&version=1")).model_version.current_stage, "Staging");

    // Compare the two versions.
    await open("#/models/made-in-ui");
    await page.getByLabel("Select version 1").check();
    await page.getByLabel("Select version 2").check();
    await page.getByRole("button", { name: /Compare 2 versions/ }).click();
    await page.getByTestId("compare-versions").filter({ hasText: "optimizer" }).waitFor();
    assert.match(await page.getByTestId("compare-versions").innerText(), /Staging/);

    // Delete a version, then the model, each confirmed.
    await open("#/models/made-in-ui/versions/2");
    await page.getByRole("button", { name: "Delete version" }).click();
    await page.locator("dialog").getByRole("button", { name: "Delete version" }).click();
    await page.waitForFunction(() => location.hash === "#/models/made-in-ui");
    await page.locator('.versions-table tr[data-version="1"]').waitFor();
    assert.equal(await page.locator('.versions-table tr[data-version="2"]').count(), 0);
    await page.getByRole("button", { name: "Delete model" }).click();
    await page.locator("dialog").getByRole("button", { name: "Delete model" }).click();
    await page.waitForFunction(() => location.hash === "#/models");
    await assert.rejects(rest().get("registered-models/get?name=made-in-ui"), /RESOURCE_DOES_NOT_EXIST/);
  }));

  test("registry: register a version from a logged model", withShot("register-logged-model", async () => {
    await open(`#/experiments/${feat.experimentId}/models/${feat.modelId}`);
    await page.getByRole("button", { name: "Register model" }).click();
    await page.locator("dialog input[name=model-name]").fill("from-logged-model");
    await page.locator("dialog").getByRole("button", { name: "Register" }).click();
    await page.locator("h1", { hasText: "from-logged-model v1" }).waitFor();
    const { model_version: v } = await rest().get("model-versions/get?name=from-logged-model&version=1");
    assert.equal(v.source.startsWith(`models:/${feat.modelId}`) || v.model_id === feat.modelId, true, JSON.stringify(v));
  }));

  // ---- chart view ----

  test("chart view: runs list with colours, sections, bar for a once-logged metric, eye, pin, remove, reorder, saved view", withShot("chart-view", async () => {
    await open(`#/experiments/${feat.experimentId}?mode=chart`);
    await page.locator(".chart-runs li").first().waitFor();
    assert.equal(await page.locator(".chart-runs li").count(), 15);
    assert.equal(await page.locator('.chart-runs [aria-pressed="true"][aria-label^="Hide"]').count(), 10);
    await page.locator('.chart-section[data-section="System metrics"]').waitFor();
    await page.locator('.chart-section[data-section="Model metrics"]').waitFor();
    const bar = page.locator('.chart-card[data-metric="validation_accuracy_score_long_name"]');
    await bar.scrollIntoViewIfNeeded();
    await page.waitForFunction(() => document.querySelector('.chart-card[data-metric="validation_accuracy_score_long_name"]')?.dataset.kind === "bar");
    assert.equal(await bar.locator(".bar-row").count(), 10);
    assert.match(await bar.locator(".bar-row").first().innerText(), /feat-\d\d[\s\S]*0\.\d+/);
    const loss = page.locator('.chart-card[data-metric="loss"]');
    await loss.scrollIntoViewIfNeeded();
    await loss.locator("canvas").first().waitFor();
    assert.equal(await loss.locator(".chart-legend li").count(), 10);
    // Colours match the table's swatches.
    const listColour = await page.locator(`.chart-runs li[data-run-id="${feat.runs[14]}"] .swatch`).evaluate((e) => getComputedStyle(e).backgroundColor);
    const legendColour = await loss.locator(".chart-legend li", { hasText: "feat-14" }).locator(".swatch").evaluate((e) => getComputedStyle(e).backgroundColor);
    assert.equal(listColour, legendColour);
    // Hide a run with its eye; pin another.
    await page.getByRole("button", { name: "Hide feat-14 in charts" }).click();
    await page.waitForFunction(() => new URLSearchParams(location.hash.split("?")[1]).get("show") === "custom");
    await page.waitForFunction(() => document.querySelectorAll('.chart-card[data-metric="loss"] .chart-legend li').length === 9);
    await page.getByRole("button", { name: "Pin feat-00" }).click();
    await page.waitForFunction((id) => new URLSearchParams(location.hash.split("?")[1]).get("pin") === id, feat.runs[0]);
    assert.equal(await page.locator(".chart-runs li").first().getAttribute("data-run-id"), feat.runs[0]);
    // Remove a chart, move one, switch one to bars; all in the URL.
    await page.getByRole("button", { name: "Remove chart system/cpu_utilization_percentage" }).click();
    await page.waitForFunction(() => !document.querySelector('.chart-card[data-metric="system/cpu_utilization_percentage"]'));
    assert.doesNotMatch((await hashParam("charts")) ?? "", /cpu/);
    await page.getByRole("button", { name: "Move validation_accuracy_score_long_name earlier" }).click();
    assert.match(await hashParam("charts"), /validation_accuracy_score_long_name,loss/);
    await page.getByLabel("Chart type of loss").selectOption("bar");
    await page.waitForFunction(() => document.querySelector('.chart-card[data-metric="loss"]')?.dataset.kind === "bar");
    // Add it back; save the layout as a named view; reset; apply the view.
    await page.getByLabel("Add chart").selectOption("system/cpu_utilization_percentage");
    await page.locator('.chart-card[data-metric="system/cpu_utilization_percentage"]').waitFor();
    const layout = await hashParam("charts");
    await page.getByRole("button", { name: /^Views/ }).click();
    await page.getByLabel("View name").fill("bars first");
    await page.getByRole("button", { name: "Save view" }).click();
    await page.getByRole("button", { name: "Reset layout" }).click();
    await page.waitForFunction(() => !new URLSearchParams(location.hash.split("?")[1]).has("charts"));
    if (!(await page.getByRole("dialog", { name: "Saved chart views" }).isVisible())) await page.getByRole("button", { name: /^Views/ }).click();
    await page.getByRole("button", { name: "bars first", exact: true }).click();
    await page.waitForFunction((l) => new URLSearchParams(location.hash.split("?")[1]).get("charts") === l, layout);
    await shot("chart-view");
  }));

  test("a link to the chart view reads its experiment, runs and logged models once each, asked for before the page's code arrives", withShot("chart-view-prefetch", async () => {
    const fresh = await page.context().newPage();
    try {
      const asked = [];
      const first = ["/experiments/get", "/runs/search", "/logged-models/search"];
      fresh.on("request", (r) => {
        const hit = first.find((p) => r.url().includes(p));
        if (hit) asked.push(hit);
      });
      await fresh.goto(`${stack.url}/#/experiments/${feat.experimentId}?mode=chart`);
      await fresh.locator('.chart-card[data-metric="loss"] canvas').first().waitFor();
      assert.deepEqual(asked.sort(), [...first].sort(), "each first read once: the page took the early answers");
      const [search, chunk] = await fresh.evaluate(() => {
        const entries = performance.getEntriesByType("resource");
        return [entries.find((e) => e.name.includes("/runs/search"))?.startTime, entries.find((e) => /\/assets\/runs-[^/]*\.js$/.test(e.name))?.responseEnd];
      });
      assert.ok(search !== undefined && chunk !== undefined, "both seen");
      assert.ok(search < chunk, `runs/search asked for at ${search} ms, before the runs page's code arrived at ${chunk} ms`);
      // A time window makes the first search depend on the clock: the page asks for it itself, once.
      await fresh.goto("about:blank");
      asked.length = 0;
      await fresh.goto(`${stack.url}/#/experiments/${feat.experimentId}?since=1y`);
      await fresh.locator("[data-run-id]").first().waitFor();
      assert.equal(asked.filter((p) => p === "/runs/search").length, 1, asked.join(", "));
    } finally {
      await fresh.close();
    }
  }));

  // ---- runs table ----

  test("runs table: Dataset and Models columns, keyboard sort menu, group by, filter autocomplete and help", withShot("runs-table-tools", async () => {
    await open(`#/experiments/${feat.experimentId}`);
    const first = page.locator(`[data-run-id="${feat.runs[0]}"]`);
    await first.waitFor();
    await page.waitForFunction((id) => document.querySelector(`[data-run-id="${id}"]`)?.textContent?.includes("iris-clf"), feat.runs[0]);
    assert.match(await first.innerText(), /iris \(training\)/);
    // Sort menu from the keyboard.
    await page.getByRole("button", { name: /^Sort:/ }).focus();
    await page.keyboard.press("Enter");
    await page.keyboard.type("optim");
    // The key list comes from the runs page; Enter picks the highlighted option once it is there.
    await page.locator("#sort-options li.active", { hasText: "optimizer" }).waitFor();
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => new URLSearchParams(location.hash.split("?")[1]).get("order") === "params.`optimizer` DESC");
    // Group by a param, with averaged metrics in the group rows.
    await page.getByLabel("Group by").selectOption("p:optimizer");
    await page.locator('.group-row[data-group="adam"]').waitFor();
    await page.locator('.group-row[data-group="sgd"]').waitFor();
    assert.match(await page.locator('.group-row[data-group="sgd"]').innerText(), /\(5\)/);
    await page.getByLabel("Group by").selectOption("");
    // Autocomplete of keys in the filter.
    const filter = page.getByLabel("Filter runs");
    await filter.fill("");
    await filter.type("params.opt");
    await page.getByRole("listbox", { name: "Filter suggestions" }).getByRole("option", { name: /optimizer/ }).waitFor();
    await page.keyboard.press("Tab");
    assert.equal(await filter.inputValue(), "params.optimizer ");
    await filter.type("= 'sgd'");
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.querySelectorAll(".grid-row[data-run-id]").length === 5);
    await page.getByRole("button", { name: "Filter syntax help" }).click();
    await page.getByRole("dialog", { name: "Filter syntax" }).waitFor();
  }));

  test("experiments list: tags column and tag filter; compare two experiments' runs in one table", withShot("experiments-tags-compare", async () => {
    await open("#/experiments");
    const row = page.locator(`tr[data-experiment-id="${feat.otherId}"]`);
    await row.waitFor();
    assert.match(await row.innerText(), /team: nlp/);
    await page.getByLabel("Filter by tag").fill("team=nlp");
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await page.waitForFunction(() => new URLSearchParams(location.hash.split("?")[1]).get("tag") === "team=nlp");
    await page.locator(`tr[data-experiment-id="${feat.experimentId}"]`).waitFor({ state: "detached" });
    await open("#/experiments");
    await page.getByLabel("Select feat-exp").check();
    await page.getByLabel("Select feat-other").check();
    await page.getByRole("button", { name: /Compare 2 experiments/ }).click();
    await page.locator("h1", { hasText: "Comparing 2 experiments" }).waitFor();
    await page.locator(".grid-row", { hasText: "other-run" }).waitFor();
    await page.locator(`[data-run-id="${feat.runs[3]}"]`).waitFor();
    assert.ok((await page.locator(".grid-head .cell").allInnerTexts()).some((h) => /Experiment/.test(h)));
  }));

  // ---- run page ----

  test("run page: system metrics tab, full-precision values on hover and copy, prompts and logged models", withShot("run-page-extras", async () => {
    await open(`#/experiments/${feat.experimentId}/runs/${feat.runs[1]}`);
    await page.locator("h1", { hasText: "feat-01" }).waitFor();
    const value = page.getByTestId("metrics").locator(".exact-value").filter({ has: page.locator(".mono", { hasText: "0.510123" }) });
    await value.waitFor();
    // The seeded value, computed as the seed computed it (a double with all its digits).
    const exact = String(0.5 + 1 / 100 + 0.000123456789);
    assert.equal(await value.getAttribute("title"), exact);
    await value.getByRole("button").click();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), exact);
    await page.getByTestId("prompts").getByRole("link", { name: "qa-prompt v1" }).waitFor();
    assert.doesNotMatch(await page.getByTestId("metrics").innerText(), /^$/);
    await page.getByRole("link", { name: "System metrics" }).click();
    await page.locator('.chart-card[data-metric="system/cpu_utilization_percentage"] canvas').first().waitFor();
    assert.equal(await page.locator('.chart-card[data-metric="loss"]').count(), 0);
  }));

  // ---- artifacts ----

  test("artifacts: markdown (sanitised), highlighted JSON, sortable CSV, audio, GeoJSON", withShot("artifact-previews", async () => {
    const baseUrl = `#/experiments/${feat.experimentId}/runs/${feat.runs[0]}/artifacts`;
    await open(`${baseUrl}/README.md`);
    await page.locator(".preview-markdown h1", { hasText: "Results" }).waitFor();
    assert.equal(await page.locator(".preview-markdown script").count(), 0);
    assert.equal(await page.locator(".preview-markdown a").getAttribute("rel"), "noopener noreferrer");
    await open(`${baseUrl}/config.json`);
    await page.locator('[data-highlighted="true"] .hljs-attr', { hasText: "optimizer" }).waitFor();
    await open(`${baseUrl}/points.csv`);
    await page.locator("table.csv td", { hasText: "10" }).waitFor();
    await page.locator("table.csv").getByRole("button", { name: "score" }).click();
    assert.deepEqual(await page.locator("table.csv tbody tr td:nth-child(2)").allInnerTexts(), ["2", "3", "10"]);
    await page.locator("table.csv").getByRole("button", { name: /score/ }).click();
    assert.deepEqual(await page.locator("table.csv tbody tr td:nth-child(2)").allInnerTexts(), ["10", "3", "2"]);
    await open(`${baseUrl}/sound.wav`);
    await page.waitForFunction(() => {
      const a = document.querySelector('[data-testid="audio-preview"]');
      return a && a.readyState >= 1 && a.duration > 0;
    });
    await open(`${baseUrl}/area.geojson`);
    await page.getByTestId("geojson-view").locator("path.geo-area").waitFor();
    assert.equal(await page.getByTestId("geojson-view").locator("circle.geo-point").count(), 1);
    await shot("geojson");
  }));

  // ---- compare ----

  test("compare: box and contour plots, categorical axes, artifacts common to the runs", withShot("compare-plots-extra", async () => {
    await open(`#/compare-runs?runs=${feat.runs.slice(0, 6).join(",")}`);
    const box = page.getByTestId("box");
    await box.waitFor();
    await box.getByLabel("Box plot groups").selectOption("p:optimizer");
    await box.getByLabel("Box plot value").selectOption("m:validation_accuracy_score_long_name");
    assert.equal(await box.locator(".box").count(), 2);
    assert.equal(await box.locator(".box circle").count(), 6);
    const contour = page.getByTestId("contour");
    await contour.getByLabel("Contour X").selectOption("p:lr");
    await contour.getByLabel("Contour Y").selectOption("m:loss");
    await contour.getByLabel("Contour Z").selectOption("m:validation_accuracy_score_long_name");
    assert.ok((await contour.locator("rect").count()) > 100);
    const common = page.getByTestId("common-artifacts");
    await common.locator("th", { hasText: "plots/curve.txt" }).waitFor({ state: "detached" }).catch(() => {});
    await open(`#/compare-runs?runs=${feat.runs[0]},${feat.runs[1]}`);
    await page.getByTestId("common-artifacts").locator("th", { hasText: "plots/curve.txt" }).waitFor();
    assert.equal(await page.getByTestId("common-artifacts").locator("th", { hasText: "README.md" }).count(), 0);
  }));

  // ---- settings (auth off) ----

  test("settings: theme choice and the auth-off notice", withShot("settings", async () => {
    await open("#/settings");
    await page.getByText("Authentication is off").waitFor();
    await page.getByLabel("Dark").check();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "dark");
    await page.getByLabel("Follow the system").check();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), undefined);
  }));

  // ---- keyboard and accessibility ----

  test("keyboard only: from the runs table to a run and its artifacts", withShot("keyboard-only", async () => {
    await open(`#/experiments/${feat.experimentId}`);
    await page.locator(`[data-run-id="${feat.runs[0]}"]`).waitFor();
    const link = page.locator(`[data-run-id="${feat.runs[0]}"] .name-cell a`);
    // Tab until the first run's link has focus (checkboxes and headers come before it).
    for (let i = 0; i < 80 && !(await link.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press("Tab");
    assert.ok(await link.evaluate((el) => el === document.activeElement), "the run link is reachable with Tab");
    await page.keyboard.press("Enter");
    await page.locator("h1", { hasText: "feat-00" }).waitFor();
    const artifacts = page.getByRole("link", { name: "Artifacts" });
    for (let i = 0; i < 40 && !(await artifacts.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press("Tab");
    assert.ok(await artifacts.evaluate((el) => el === document.activeElement), "the Artifacts tab is reachable with Tab");
    await page.keyboard.press("Enter");
    await page.locator(".tree-item", { hasText: "README.md" }).waitFor();
    const readme = page.locator(".tree-item", { hasText: "README.md" });
    for (let i = 0; i < 40 && !(await readme.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await page.locator(".preview-markdown h1", { hasText: "Results" }).waitFor();
  }));

  test("accessibility: axe-core finds no serious or critical violations on the main pages", withShot("axe", async () => {
    const pages = [
      ["#/experiments", ".experiments-table tbody tr"],
      [`#/experiments/${feat.experimentId}`, `[data-run-id="${feat.runs[0]}"]`],
      [`#/experiments/${feat.experimentId}?mode=chart`, ".chart-runs li"],
      [`#/experiments/${feat.experimentId}/runs/${feat.runs[0]}`, '[data-testid="params"]'],
      [`#/experiments/${feat.experimentId}/models`, ".logged-models-table"],
      [`#/experiments/${feat.experimentId}/models/${feat.modelId}`, '[data-testid="model-signature"]'],
      ["#/models/iris-registry", ".versions-table"],
      ["#/models/iris-registry/versions/1", '[data-testid="version-source-run"]'],
      [`#/compare-runs?runs=${feat.runs.slice(0, 3).join(",")}`, ".compare-table"],
      ["#/settings", '[data-testid="account"]'],
    ];
    assert.deepEqual(await axeViolations(page, stack.url, pages), []);
  }));

  test("no uncaught errors or console errors across the session", () => {
    assert.deepEqual(pageErrors, []);
  });
});
