// Browser tests of the GenAI views (issues 16 and 17): the Traces tab, the trace view (span tree,
// timeline, span details, exceptions, a 5,000-span trace), MLflow's deep links to traces,
// assessments, the evaluation results of a run, and the experiment's evaluation datasets.
// Data goes in as the MLflow 3 client sends it (OTLP JSON spans, v3 start-trace infos).
// Run: npm run test:ui  (or this file alone, see ui/README.md)
import assert from "node:assert/strict";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { execFile } from "node:child_process";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { CHROMIUM_ARGS, SCREENSHOTS, axeViolations, startStack } from "./harness.mjs";
import { feedback, seedBigTrace, seedTraces, startTrace } from "./trace-seed.mjs";

const PYTHON = fileURLToPath(new URL("../../.venv/mlflow3/bin/python", import.meta.url));
const CLIENT_SCRIPT = fileURLToPath(new URL("./fixtures/client_traces.py", import.meta.url));

let stack;
let data;
let big;
let browser;
let page;
/** Whether the server answers the assessment RPCs (another branch adds them). */
const pageErrors = [];

async function shot(name) {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: false });
}

function withShot(name, body) {
  return async (t) => {
    try {
      await body(t);
    } catch (e) {
      await shot(`FAILED-${name}`).catch(() => {});
      throw e;
    }
  };
}

const open = (hash) => page.goto(`${stack.url}/${hash}`);
const rows = () => page.locator(".traces-table tbody tr[data-trace-id]");
const v3 = async (method, p, body) => {
  const res = await fetch(`${stack.url}/api/3.0/mlflow${p}`, { method, headers: body ? { "content-type": "application/json" } : {}, body: body ? JSON.stringify(body) : undefined });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {} };
};
const getTrace = async (id) => (await v3("GET", `/traces/get?trace_id=${id}`)).body.trace;

describe("GenAI views: traces, assessments, evaluations, datasets", { timeout: 300_000 }, () => {
  before(async () => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    // UI_TEST_STACK_URL reuses a running stack (handy while iterating on the UI); normally one is started.
    stack = process.env.UI_TEST_STACK_URL ? { url: process.env.UI_TEST_STACK_URL, stop: async () => {} } : await startStack();
    const t0 = Date.now();
    data = await seedTraces(stack.url);
    const { experiment_id: bigExperiment } = await (
      await fetch(`${stack.url}/api/2.0/mlflow/experiments/create`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: `ui-big-trace-${Date.now()}` }) })
    ).json();
    big = { experimentId: bigExperiment, ...(await seedBigTrace(stack.url, bigExperiment)) };
    console.error(`[trace-ui-test] seeded in ${Date.now() - t0} ms`);
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(20_000);
    page.on("pageerror", (e) => pageErrors.push(`pageerror: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error" && !/Failed to load resource/.test(m.text())) pageErrors.push(`console: ${m.text()}`);
    });
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  test("Traces tab lists traces with previews, state, latency, tokens, tags, run link and assessments", withShot("traces-list", async () => {
    await open(`#/experiments/${data.experimentId}/traces`);
    const agent = page.locator(`tr[data-trace-id="${data.agent}"]`);
    await agent.waitFor();
    const text = await agent.innerText();
    assert.match(text, /What is MLflow\?/);
    assert.match(text, /An open source MLOps platform/);
    assert.match(text, /error/i, "state ERROR shown");
    assert.match(text, /1\.20 s/, "latency from execution_duration");
    assert.match(text, /\b42\b/, "total tokens");
    assert.match(text, /env: prod/);
    assert.match(text, /correctness: yes/);
    assert.equal(await agent.locator(".chip.verdict-pass", { hasText: "correctness" }).count(), 1);
    // The eval run's traces link to their run.
    const evalRow = page.locator(`tr[data-trace-id="${data.evalTraces[0]}"]`);
    assert.equal(await evalRow.locator(`a[href*="/runs/${data.runId}"]`).count(), 1);
    assert.equal(await page.getByRole("link", { name: "Traces" }).getAttribute("aria-current"), "page");
    await shot("traces-list");
  }));

  test("the overview charts the experiment's traces from traces/metrics: totals, states, latency, tokens, assessments", withShot("traces-overview", async () => {
    // What the overview must show, read independently through traces/search.
    const all = [];
    let token;
    do {
      const res = await v3("POST", "/traces/search", { locations: [{ type: "MLFLOW_EXPERIMENT", mlflow_experiment: { experiment_id: data.experimentId } }], max_results: 500, page_token: token });
      all.push(...(res.body.traces ?? []));
      token = res.body.next_page_token;
    } while (token);
    const errors = all.filter((t) => t.state === "ERROR").length;
    const correctness = all.flatMap((t) => t.assessments ?? []).filter((a) => a.assessment_name === "correctness" && a.valid !== false).length;
    assert.ok(all.length > 30 && errors > 0 && correctness > 0, "the seed has traces, errors and judged traces");

    await open(`#/experiments/${data.experimentId}/traces`);
    const overview = page.getByTestId("trace-overview");
    await overview.locator('.overview-chart[data-chart="traces"] canvas').waitFor();
    assert.equal(await overview.locator('[data-stat="traces"]').innerText(), all.length.toLocaleString("en-US"));
    assert.match(await overview.locator('[data-stat="errors"]').innerText(), new RegExp(`^${errors} \\(`));
    assert.match(await overview.locator('[data-stat="latency"]').innerText(), /^\d[\d.]* (ms|s) \/ \d[\d.]* (ms|s)$/);
    // A chart per measure, with a legend entry per trace state.
    for (const chart of ["traces", "latency", "tokens"]) assert.equal(await overview.locator(`.overview-chart[data-chart="${chart}"] canvas`).count() > 0, true, chart);
    const legend = await overview.locator('.overview-chart[data-chart="traces"]').innerText();
    assert.match(legend, /ERROR/);
    assert.match(legend, /OK/);
    const row = overview.locator('[data-testid="overview-assessments"] tr[data-assessment="correctness"]');
    assert.equal(await row.locator("td").first().innerText(), String(correctness));
    assert.match(await row.innerText(), /yes × \d+/);

    // The range is in the URL; the last 24 hours hold every seeded trace (they are minutes old).
    await overview.getByRole("button", { name: "24 h" }).click();
    await page.waitForFunction(() => /range=1/.test(location.hash));
    await page.waitForFunction(() => document.querySelector('[data-testid="trace-overview"] button[aria-pressed="true"]')?.textContent === "24 h");
    // 24 hours in hourly buckets (the whole-range view of these minutes-old traces was per minute).
    await page.waitForFunction(() => /Per hour/.test(document.querySelector('[data-testid="trace-overview"]')?.textContent ?? ""));
    assert.equal(await overview.locator('[data-stat="traces"]').innerText(), all.length.toLocaleString("en-US"));
    // Hidden, it asks for nothing and stays hidden on reload.
    await overview.getByRole("button", { name: "Hide" }).click();
    await page.waitForFunction(() => /overview=hidden/.test(location.hash));
    await page.reload();
    await page.locator(`tr[data-trace-id="${data.agent}"]`).waitFor();
    assert.equal(await page.locator(".overview-chart").count(), 0);
    await page.getByRole("button", { name: "Show overview" }).click();
    await page.locator('.overview-chart[data-chart="traces"] canvas').waitFor();
    await shot("traces-overview");
  }));

  test("traces that arrive show on Refresh, and by themselves with auto-refresh on", withShot("traces-refresh", async () => {
    const res = await fetch(`${stack.url}/api/2.0/mlflow/experiments/create`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: `ui-live-traces-${Date.now()}` }) });
    const { experiment_id: experimentId } = await res.json();
    const arrive = (label) => {
      const trace = crypto.randomUUID().replace(/-/g, "");
      return startTrace(stack.url, {
        trace_id: `tr-${trace}`,
        trace_location: { type: "MLFLOW_EXPERIMENT", mlflow_experiment: { experiment_id: experimentId } },
        request_time: new Date().toISOString(),
        execution_duration: "0.100s",
        state: "OK",
        request_preview: `{"question": "${label}"}`,
        response_preview: '"ok"',
        trace_metadata: { "mlflow.trace_schema.version": "3" },
        tags: { "mlflow.trace.spansLocation": "TRACKING_STORE" },
      }).then((info) => info.trace_id);
    };
    const first = await arrive("first");
    await open(`#/experiments/${experimentId}/traces`);
    await page.locator(`tr[data-trace-id="${first}"]`).waitFor();
    assert.equal(await page.locator('[data-stat="traces"]').innerText(), "1");

    const second = await arrive("second");
    await page.waitForTimeout(300);
    assert.equal(await page.locator(`tr[data-trace-id="${second}"]`).count(), 0, "not shown before a refresh");
    await page.getByRole("button", { name: "Refresh traces" }).click();
    await page.locator(`tr[data-trace-id="${second}"]`).waitFor();
    // The overview is read again with the list.
    await page.waitForFunction(() => document.querySelector('[data-stat="traces"]')?.textContent === "2");

    await page.getByLabel("Auto-refresh").check();
    await page.waitForFunction(() => /live=1/.test(location.hash));
    const third = await arrive("third");
    await page.locator(`tr[data-trace-id="${third}"]`).waitFor({ timeout: 15_000 });
    assert.equal(await page.locator(".traces-table tbody tr[data-trace-id]").count(), 3);
    await page.getByLabel("Auto-refresh").uncheck();
    await shot("traces-refresh");
  }));

  test("the filter box sends MLflow's filter language; a bad filter shows the server's error", withShot("traces-filter", async () => {
    await open(`#/experiments/${data.experimentId}/traces`);
    await rows().first().waitFor();
    await page.getByLabel("Filter traces").fill("tags.env = 'prod'");
    await page.getByRole("button", { name: "Search" }).click();
    await page.waitForFunction(() => document.querySelectorAll(".traces-table tbody tr[data-trace-id]").length === 1);
    assert.equal(await rows().first().getAttribute("data-trace-id"), data.agent);
    assert.match(page.url(), /filter=tags\.env/);

    await page.getByLabel("Filter traces").fill("trace.status > 'OK'");
    await page.getByRole("button", { name: "Search" }).click();
    const error = page.locator(".error-box", { hasText: "Could not search traces" });
    await error.waitFor();
    assert.match(await error.innerText(), /INVALID_PARAMETER_VALUE/);

    await page.getByLabel("Filter traces").fill("tags.env = 'nowhere'");
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByText("No traces match this filter.").waitFor();

    // Every example in the help is a filter the server accepts; picking one runs it.
    await page.getByRole("button", { name: "Filter syntax help" }).click();
    const examples = await page.locator(".filter-examples button").allInnerTexts();
    assert.ok(examples.length >= 5);
    for (const filter of examples) {
      const res = await v3("POST", "/traces/search", { locations: [{ type: "MLFLOW_EXPERIMENT", mlflow_experiment: { experiment_id: data.experimentId } }], filter });
      assert.equal(res.status, 200, `${filter}: ${JSON.stringify(res.body)}`);
    }
    await page.locator(".filter-examples button", { hasText: "trace.status = 'ERROR'" }).click();
    await page.waitForFunction((id) => {
      const rows = document.querySelectorAll(".traces-table tbody tr[data-trace-id]");
      return rows.length === 1 && rows[0].getAttribute("data-trace-id") === id;
    }, data.agent);
    assert.equal(await page.getByLabel("Filter traces").inputValue(), "trace.status = 'ERROR'");
  }));

  test("order by latency and by time, on the server", withShot("traces-order", async () => {
    await open(`#/experiments/${data.experimentId}/traces?order=slowest`);
    await rows().first().waitFor();
    assert.equal(await rows().first().getAttribute("data-trace-id"), data.agent, "the 1.2 s agent trace is the slowest");
    await page.getByLabel("Sort traces").selectOption("fastest");
    await page.waitForFunction((id) => document.querySelector(".traces-table tbody tr[data-trace-id]")?.getAttribute("data-trace-id") === id, data.bulk[0]);
    assert.match(page.url(), /order=fastest/);
    // Time header: oldest first puts the earliest bulk trace on top.
    await open(`#/experiments/${data.experimentId}/traces`);
    await rows().first().waitFor();
    await page.getByRole("button", { name: /^Time/ }).click();
    await page.waitForFunction(() => /order=oldest/.test(location.hash));
    await page.waitForFunction((id) => document.querySelector(".traces-table tbody tr[data-trace-id]")?.getAttribute("data-trace-id") === id, data.bulk[0]);
  }));

  test("paging follows the server's page tokens, forward and back", withShot("traces-paging", async () => {
    await open(`#/experiments/${data.experimentId}/traces`);
    // Newest first: the last trace of the evaluation run heads the first page.
    const newest = data.evalTraces[2];
    await page.waitForFunction((id) => document.querySelector(".traces-table tbody tr[data-trace-id]")?.getAttribute("data-trace-id") === id, newest);
    assert.equal(await rows().count(), 25);
    await page.getByRole("button", { name: "Next →" }).click();
    await page.getByText("Page 2").waitFor();
    await page.waitForFunction(() => document.querySelectorAll(".traces-table tbody tr[data-trace-id]").length === 10);
    assert.ok(await page.getByRole("button", { name: "Next →" }).isDisabled(), "no page after the last");
    await page.getByRole("button", { name: "← Previous" }).click();
    await page.waitForFunction(() => document.querySelectorAll(".traces-table tbody tr[data-trace-id]").length === 25);
    await page.waitForFunction((id) => document.querySelector(".traces-table tbody tr[data-trace-id]")?.getAttribute("data-trace-id") === id, newest);
  }));

  test("an experiment without traces shows the empty state", withShot("traces-empty", async () => {
    await open(`#/experiments/${data.emptyExperimentId}/traces`);
    const empty = page.getByTestId("traces-empty");
    await empty.waitFor();
    assert.match(await empty.innerText(), /No traces in this experiment yet/);
  }));

  test("trace view: span tree, timeline, inputs/outputs/attributes/events, the failed span highlighted", withShot("trace-view", async () => {
    await open(`#/experiments/${data.experimentId}/traces`);
    await page.locator(`tr[data-trace-id="${data.agent}"] a.trace-link`).click();
    await page.getByTestId("trace-view").waitFor();
    assert.match(page.url(), new RegExp(`selectedEvaluationId=${data.agent}`));
    const spanRows = page.locator(".span-row");
    await spanRows.first().waitFor();
    assert.deepEqual(await spanRows.locator(".span-name").allInnerTexts(), ["agent", "retrieve_docs", "chat_completion", "lookup_weather"]);
    assert.deepEqual(await spanRows.evaluateAll((els) => els.map((e) => e.getAttribute("aria-level"))), ["1", "2", "2", "2"]);
    // The failing tool and its parent (the path to the failure) are marked.
    const tool = page.locator('.span-row[data-span-id="0000000000000004"]');
    assert.match(await tool.getAttribute("class"), /\bfailed\b/);
    assert.match(await page.locator('.span-row[data-span-id="0000000000000001"]').getAttribute("class"), /failed-below/);
    // Timeline: the tool starts 910 ms into a 1,200 ms trace.
    const left = await tool.locator(".span-bar").evaluate((e) => parseFloat(e.style.left));
    assert.ok(Math.abs(left - (910 / 1200) * 100) < 0.5, `bar left ${left}%`);

    // The root is selected first; pick the LLM span.
    await page.locator('.span-row[data-span-id="0000000000000003"]').click();
    const detail = page.getByTestId("span-detail");
    await page.waitForFunction(() => document.querySelector('[data-testid="span-detail"]')?.getAttribute("data-span-id") === "0000000000000003");
    assert.match(await detail.getByLabel("Span inputs").innerText(), /"content": "What is MLflow\?"/);
    assert.match(await detail.getByLabel("Span outputs").innerText(), /An open source MLOps platform/);
    assert.match(await detail.getByTestId("span-attributes").innerText(), /llm\.model\s+gpt-test/);
    assert.match(await detail.locator(".span-events").innerText(), /first_token[\s\S]*token\.index\s+0/);
    // The LLM span's messages read as a conversation.
    const chat = detail.getByTestId("span-chat");
    assert.deepEqual(await chat.locator(".chat-role").allInnerTexts().then((r) => r.map((x) => x.toLowerCase())), ["user", "assistant"]);
    assert.match(await chat.innerText(), /What is MLflow\?[\s\S]*An open source MLOps platform\./);
    assert.match(page.url(), /spanId=0000000000000003/);

    // The failed span shows its status message and exception first.
    await tool.click();
    const exception = page.getByTestId("span-exception");
    await exception.waitFor();
    assert.match(await exception.innerText(), /weather service unreachable/);
    assert.match(await exception.innerText(), /ConnectionError/);

    // Collapsing the root hides its children; the keyboard expands it again.
    await page.getByRole("button", { name: "Collapse agent" }).click();
    await page.waitForFunction(() => document.querySelectorAll(".span-row").length === 1);
    await page.locator('.span-row[data-span-id="0000000000000001"]').click();
    await page.keyboard.press("ArrowRight");
    await page.waitForFunction(() => document.querySelectorAll(".span-row").length === 4);
    await page.keyboard.press("ArrowDown");
    await page.waitForFunction(() => document.querySelector('[data-testid="span-detail"]')?.getAttribute("data-span-id") === "0000000000000002");
    await shot("trace-view");
  }));

  test("every deep-link form MLflow 3.18 produces opens the trace (and the span)", withShot("trace-deep-links", async () => {
    const e = data.experimentId;
    const t = data.agent;
    const forms = [
      `#/experiments/${e}/traces?selectedEvaluationId=${t}`,
      `#/experiments/${e}/traces?selectedEvaluationId=${t}&traceId=${t}`,
      `#/experiments/${e}/traces?traceId=${t}`,
      `#/experiments/${e}?selectedEvaluationId=${t}&traceId=${t}&compareRunsMode=TRACES`,
      `#/experiments/${e}/traces?selectedEvaluationId=${encodeURIComponent(`trace:/${e}/${t}`)}`,
      `#/experiments/${e}/runs/${data.runId}/traces?selectedEvaluationId=${t}`,
      `static-files/lib/notebook-trace-renderer/index.html?trace_id=${t}&experiment_id=${e}&version=3.18.0`,
    ];
    for (const form of forms) {
      await open(form);
      await page.waitForFunction((id) => document.querySelector('[data-testid="trace-view"]')?.getAttribute("data-trace-id") === id, t);
      await page.locator(".span-row").first().waitFor();
      assert.equal(await page.locator(".span-row").count(), 4, form);
    }
    // spanId selects that span.
    await open(`#/experiments/${e}/traces?selectedEvaluationId=${t}&spanId=0000000000000004`);
    await page.getByTestId("span-exception").waitFor();
    assert.match(await page.locator(".span-row.selected").innerText(), /lookup_weather/);
    // The back link returns to the list.
    await page.getByRole("link", { name: "← All traces" }).click();
    await rows().first().waitFor();
    // A link to a trace that does not exist says so.
    await open(`#/experiments/${e}/traces?selectedEvaluationId=tr-0123456789abcdef0123456789abcdef`);
    const missing = page.locator('[data-testid="trace-view"] .error-box');
    await missing.waitFor();
    assert.match(await missing.innerText(), /was not found/);
  }));

  test("assessments: feedback, expectations, sources, rationale and errors on the trace and on spans", withShot("assessments", async () => {
    await open(`#/experiments/${data.experimentId}/traces?selectedEvaluationId=${data.agent}`);
    const panel = page.getByTestId("trace-assessments");
    await panel.waitFor();
    const item = (name) => panel.locator(`[data-assessment-name="${name}"]`);
    assert.match(await item("correctness").innerText(), /yes[\s\S]*LLM judge · judge-1[\s\S]*matches the documentation/);
    assert.match(await item("correctness").locator(".assessment-value").getAttribute("class"), /verdict-pass/);
    assert.match(await item("relevance").innerText(), /0\.8[\s\S]*Code · relevance_scorer/);
    assert.match(await item("groundedness").innerText(), /RATE_LIMIT: judge quota exceeded/);
    assert.match(await item("expected_facts").innerText(), /expectation[\s\S]*\["open source","MLOps"\]/i);
    // Span-level feedback sits with its span, and the span's row is marked.
    assert.equal(await item("tone").count(), 0);
    assert.equal(await page.locator('.span-row[data-span-id="0000000000000003"] .span-assessed-mark').count(), 1);
    await page.locator('.span-row[data-span-id="0000000000000003"]').click();
    const spanPanel = page.getByTestId("span-assessments");
    await spanPanel.locator('[data-assessment-name="tone"]').waitFor();
    assert.match(await spanPanel.innerText(), /polite[\s\S]*Human · reviewer@example\.com/);
    // A judge's feedback can be overridden, a person's edited.
    assert.equal(await item("correctness").getByRole("button", { name: "Override" }).count(), 1);
    assert.equal(await spanPanel.locator('[data-assessment-name="tone"]').getByRole("button", { name: "Edit" }).count(), 1);
    await panel.scrollIntoViewIfNeeded();
    await shot("assessments");
  }));

  test("assessments RPCs: add feedback, edit a person's, override a judge's, delete", withShot("assessment-edit", async () => {
    const traceId = data.editable;
    await open(`#/experiments/${data.experimentId}/traces?selectedEvaluationId=${traceId}`);
    const panel = page.getByTestId("trace-assessments");
    await panel.waitFor();
    // Add.
    await page.evaluate(() => localStorage.setItem("trace.reviewer", JSON.stringify("ui-tester@example.com")));
    await panel.getByRole("button", { name: "Add assessment" }).click();
    await panel.getByLabel("Assessment name").fill("helpfulness");
    await panel.getByLabel("Assessment value").fill("yes");
    await panel.getByLabel("Rationale").fill("Clear and short.");
    await panel.getByRole("button", { name: "Save" }).click();
    const added = panel.locator('[data-assessment-name="helpfulness"]');
    await added.waitFor();
    assert.match(await added.innerText(), /yes[\s\S]*Human · ui-tester@example\.com[\s\S]*Clear and short\./);
    let stored = (await getTrace(traceId)).trace_info.assessments.find((a) => a.assessment_name === "helpfulness");
    assert.equal(stored.feedback.value, "yes");
    assert.equal(stored.source.source_type, "HUMAN");

    // Edit (PATCH with a field mask).
    await added.getByRole("button", { name: "Edit" }).click();
    await added.getByLabel("Assessment value").fill("no");
    await added.getByRole("button", { name: "Save" }).click();
    await page.waitForFunction(() => document.querySelector('[data-testid="trace-assessments"] [data-assessment-name="helpfulness"] .assessment-value')?.textContent === "no");
    stored = (await getTrace(traceId)).trace_info.assessments.find((a) => a.assessment_name === "helpfulness");
    assert.equal(stored.feedback.value, "no");

    // Override the judge's correctness: the old one is kept, invalid, and names its replacement.
    const judged = panel.locator('[data-assessment-name="correctness"]').filter({ hasText: "LLM judge" });
    await judged.getByRole("button", { name: "Override" }).click();
    await judged.getByLabel("Assessment value").fill("no");
    await judged.getByRole("button", { name: "Save" }).click();
    await panel.locator(".assessment.invalid[data-assessment-name='correctness']").waitFor();
    assert.match(await panel.getByTestId("overridden-note").innerText(), /Overridden by human/);
    const all = (await getTrace(traceId)).trace_info.assessments.filter((a) => a.assessment_name === "correctness");
    assert.equal(all.length, 2);
    assert.equal(all.filter((a) => a.valid !== false).length, 1);
    assert.equal(all.find((a) => a.valid !== false).overrides, all.find((a) => a.valid === false).assessment_id);
    await panel.scrollIntoViewIfNeeded();
    await shot("assessments-overridden");

    // Delete the added feedback.
    await panel.locator('[data-assessment-name="helpfulness"]').getByRole("button", { name: "Delete" }).click();
    await page.locator("dialog").getByRole("button", { name: "Delete" }).click();
    await panel.locator('[data-assessment-name="helpfulness"]').waitFor({ state: "detached" });
    assert.equal((await getTrace(traceId)).trace_info.assessments.filter((a) => a.assessment_name === "helpfulness").length, 0);
  }));

  test("a deep link asks for its trace once, at page load, while the trace view's code is still loading", withShot("trace-prefetch", async () => {
    const fresh = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    try {
      // As MLflow's UI reads a trace: its info and its spans file, each once.
      const asked = [];
      const isTraceRead = (url) => url.includes("/get-trace-artifact") || new RegExp(`/traces/${big.traceId}(\\?|$)`).test(url);
      fresh.on("request", (r) => {
        if (isTraceRead(r.url()) || r.url().includes("/traces/get")) asked.push(r.url());
      });
      await fresh.goto(`${stack.url}/#/experiments/${big.experimentId}/traces?selectedEvaluationId=${big.traceId}`);
      await fresh.locator('.span-row[aria-level="1"]').waitFor();
      assert.equal(asked.length, 2, `info and spans, once each: ${asked.join(", ")}`);
      assert.ok(asked.some((u) => u.includes(`/get-trace-artifact?request_id=${big.traceId}`)), asked.join(", "));
      assert.ok(asked.some((u) => u.includes(`/traces/${big.traceId}`)), asked.join(", "));
      const [spans, chunk] = await fresh.evaluate(() => {
        const entries = performance.getEntriesByType("resource");
        const spans = entries.find((e) => e.name.includes("/get-trace-artifact"));
        const chunk = entries.find((e) => /\/assets\/traces-[^/]*\.js$/.test(e.name));
        return [spans?.startTime, chunk?.responseEnd];
      });
      assert.ok(spans !== undefined && chunk !== undefined, "both requests seen");
      assert.ok(spans < chunk, `the spans were asked for at ${spans} ms, before the Traces tab's code arrived at ${chunk} ms`);
      // Leaving and opening the trace again asks the server again (the prefetched answers are used once).
      await fresh.goto(`${stack.url}/#/experiments/${big.experimentId}/traces`);
      await fresh.goto(`${stack.url}/#/experiments/${big.experimentId}/traces?selectedEvaluationId=${big.traceId}`);
      await fresh.locator('.span-row[aria-level="1"]').waitFor();
      assert.equal(asked.length, 4);
    } finally {
      await fresh.close();
    }
  }));

  test("a 5,000-span trace shows its first rows, virtualised, and a deep span can be selected", withShot("big-trace", async () => {
    const t0 = Date.now();
    await open(`#/experiments/${big.experimentId}/traces?selectedEvaluationId=${big.traceId}`);
    await page.locator('.span-row[aria-level="1"]').waitFor();
    console.error(`[trace-ui-test] 5,000-span trace: first rows after ${Date.now() - t0} ms (not asserted; see bench ui)`);
    assert.match(await page.locator(".spans-pane .toolbar").innerText(), /5,000 of 5,000 spans shown/);
    const rendered = await page.locator(".span-row").count();
    assert.ok(rendered > 5 && rendered < 150, `only visible rows are in the DOM (${rendered})`);
    assert.deepEqual((await page.locator(".span-row .span-name").allInnerTexts()).slice(0, 3), ["root", "step-2", "step-3"]);

    // Find the deepest span of the last chain and select it.
    await page.getByLabel("Find span").fill(big.deepest.name);
    await page.locator(".span-match", { hasText: big.deepest.name }).first().click();
    const row = page.locator(`.span-row[data-span-id="${big.deepest.id}"]`);
    await row.waitFor();
    assert.equal(await row.getAttribute("aria-selected"), "true");
    assert.equal(await row.getAttribute("aria-level"), "100");
    await page.waitForFunction((id) => document.querySelector('[data-testid="span-detail"]')?.getAttribute("data-span-id") === id, big.deepest.id);
    assert.match(await page.getByTestId("span-detail").getByLabel("Span inputs").innerText(), /"k": 5000/);
    // The selected row was scrolled into view.
    const box = await row.boundingBox();
    const pane = await page.locator(".span-scroll").boundingBox();
    assert.ok(box && pane && box.y >= pane.y - 1 && box.y + box.height <= pane.y + pane.height + 1, "selected row visible");
    // Collapsing the root leaves one row.
    await page.getByRole("button", { name: "Collapse all" }).click();
    await page.waitForFunction(() => /1 of 5,000 spans shown/.test(document.querySelector(".spans-pane .toolbar")?.textContent ?? ""));
    await shot("big-trace");
  }));

  test("evaluation results: per-row scores and aggregates, from MLflow's link and from the run page", withShot("evaluation", async () => {
    await open(`#/experiments/${data.experimentId}/evaluation-runs?selectedRunUuid=${data.runId}`);
    const results = page.getByTestId("evaluation-results");
    const table = results.locator(".evaluation-table");
    await table.locator("tbody tr").nth(2).waitFor();
    assert.equal(await table.locator("tbody tr").count(), 3);
    assert.deepEqual(await table.locator('td[data-score="correctness"]').allInnerTexts(), ["yes", "no", "yes"]);
    assert.deepEqual(await table.locator('td[data-score="relevance"]').allInnerTexts(), ["0.9", "0.4", "0.8"]);
    assert.deepEqual(await table.locator('td[data-score="expected_response"]').allInnerTexts(), ["Answer 0", "Answer 1", "Answer 2"]);
    assert.match(await table.locator('td[data-score="correctness"]').nth(1).getAttribute("class"), /verdict-fail/);
    const aggregates = results.getByTestId("evaluation-aggregates");
    assert.match(await aggregates.locator('[data-scorer="correctness"]').innerText(), /66\.7% pass/);
    assert.match(await aggregates.locator('[data-scorer="relevance"]').innerText(), /mean 0\.7\b/);
    assert.match(await results.getByTestId("evaluation-metrics").innerText(), /correctness\/mean\s+0\.6667/);
    await shot("evaluation");

    // The Evaluations tab lists the evaluation runs only, all runs on request.
    await page.getByRole("link", { name: "All runs" }).click();
    await page.locator(`tr[data-run-id="${data.runId}"]`).waitFor();
    assert.equal(await page.locator(`tr[data-run-id="${data.otherRunId}"]`).count(), 0);
    await page.getByRole("link", { name: "Show all runs" }).click();
    await page.locator(`tr[data-run-id="${data.otherRunId}"]`).waitFor();

    // From the run page's Evaluations tab; a row opens the trace.
    await open(`#/experiments/${data.experimentId}/runs/${data.runId}`);
    await page.getByRole("link", { name: "Evaluations" }).click();
    await page.getByTestId("evaluation-results").locator(".evaluation-table tbody tr").first().waitFor();
    await page.getByTestId("evaluation-results").locator(".evaluation-table tbody tr").first().getByRole("link", { name: "1" }).click();
    await page.waitForFunction((id) => document.querySelector('[data-testid="trace-view"]')?.getAttribute("data-trace-id") === id, data.evalTraces[0]);
    assert.match(page.url(), new RegExp(`/runs/${data.runId}/traces\\?selectedEvaluationId=`));
  }));

  test("an evaluation of 400 rows keeps only the rows in view in the DOM and scrolls to the last", withShot("evaluation-virtual", async () => {
    const post = async (p, body) => {
      const res = await fetch(`${stack.url}/api/2.0/mlflow${p}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      assert.equal(res.status, 200, await res.clone().text());
      return res.json();
    };
    const { experiment_id: experimentId } = await post("/experiments/create", { name: `ui-big-evaluation-${Date.now()}` });
    const { run } = await post("/runs/create", { experiment_id: experimentId, tags: [{ key: "mlflow.runType", value: "genai_evaluate" }] });
    const runId = run.info.run_id;
    const total = 400;
    for (let start = 0; start < total; start += 20) {
      await Promise.all(Array.from({ length: Math.min(20, total - start) }, async (_, k) => {
        const i = start + k;
        const trace = crypto.randomUUID().replace(/-/g, "");
        await startTrace(stack.url, {
          trace_id: `tr-${trace}`,
          trace_location: { type: "MLFLOW_EXPERIMENT", mlflow_experiment: { experiment_id: experimentId } },
          request_time: new Date(1_760_000_000_000 + i * 1000).toISOString(),
          execution_duration: "0.050s",
          state: "OK",
          request_preview: `{"question": "Question ${i + 1} ${"with a long tail ".repeat(20)}"}`,
          response_preview: `"Answer ${i + 1}"`,
          trace_metadata: { "mlflow.trace_schema.version": "3", "mlflow.sourceRun": runId },
          tags: { "mlflow.trace.spansLocation": "TRACKING_STORE" },
          assessments: [feedback(trace, "correctness", i % 3 === 0 ? "no" : "yes")],
        });
      }));
    }
    await open(`#/experiments/${experimentId}/evaluation-runs?selectedRunUuid=${runId}`);
    const table = page.getByTestId("evaluation-results").locator(".evaluation-table");
    await table.locator("tbody tr[data-trace-id]").first().waitFor();
    await page.waitForFunction(() => /over 400 rows/.test(document.querySelector('[data-testid="evaluation-aggregates"]')?.textContent ?? ""));
    const rendered = await table.locator("tbody tr[data-trace-id]").count();
    assert.ok(rendered > 5 && rendered < 100, `only the rows in view are in the DOM (${rendered} of ${total})`);
    assert.equal(await table.getAttribute("aria-rowcount"), String(total + 1));
    assert.equal(await table.locator("tbody tr[data-trace-id]").first().locator("td").first().innerText(), "1");
    // Every row is one line: the long request preview is cut, not wrapped.
    const heights = await table.locator("tbody tr[data-trace-id]").evaluateAll((trs) => trs.map((tr) => tr.getBoundingClientRect().height));
    assert.ok(heights.every((h) => Math.abs(h - heights[0]) < 1), `rows of one height: ${heights.slice(0, 5)}`);
    // Scrolled to the end, the last row is in the DOM and in view.
    await page.locator(".evaluation-scroll").evaluate((el) => el.scrollTo(0, el.scrollHeight));
    const last = table.locator("tbody tr[data-trace-id]", { has: page.locator("td:first-child", { hasText: /^400$/ }) });
    await last.waitFor();
    const box = await last.boundingBox();
    const pane = await page.locator(".evaluation-scroll").boundingBox();
    assert.ok(box && pane && box.y + box.height <= pane.y + pane.height + 1, "last row visible");
    assert.ok((await table.locator("tbody tr[data-trace-id]").count()) < 100);
    await shot("evaluation-virtual");
  }));

  test("trace tags are added and removed from the trace view", withShot("trace-tags", async () => {
    await open(`#/experiments/${data.experimentId}/traces?selectedEvaluationId=${data.bulk[5]}`);
    const tags = page.getByTestId("trace-tags");
    await tags.waitFor();
    await tags.getByLabel("Tag key").fill("reviewed");
    await tags.getByLabel("Tag value").fill("by-ui");
    await tags.getByRole("button", { name: "Add / update tag" }).click();
    await tags.locator(".chip", { hasText: "reviewed" }).waitFor();
    assert.equal((await getTrace(data.bulk[5])).trace_info.tags.reviewed, "by-ui");
    await tags.getByRole("button", { name: "Remove tag reviewed" }).click();
    await tags.locator(".chip", { hasText: "reviewed" }).waitFor({ state: "detached" });
    assert.equal((await getTrace(data.bulk[5])).trace_info.tags.reviewed, undefined);
  }));

  test("a run's Traces tab lists only that run's traces", withShot("run-traces", async () => {
    await open(`#/experiments/${data.experimentId}/runs/${data.runId}/traces`);
    await rows().first().waitFor();
    assert.deepEqual((await rows().evaluateAll((els) => els.map((e) => e.getAttribute("data-trace-id")))).sort(), [...data.evalTraces].sort());
  }));

  test("Datasets tab: the experiment's evaluation datasets with counts, digest, tags and a record preview", withShot("datasets", async () => {
    await open(`#/experiments/${data.experimentId}/datasets`);
    const row = page.locator(`tr[data-dataset-id="${data.datasetId}"]`);
    await row.waitFor();
    const text = await row.innerText();
    assert.match(text, /qa-golden-/);
    assert.match(text, /team: search/);
    assert.equal(await row.getByTestId("record-count").innerText(), "3");
    assert.match(await row.locator("td").nth(2).innerText(), /^[0-9a-f]{8,}/, "digest shown");
    await row.getByRole("button", { name: /qa-golden-/ }).click();
    const preview = page.getByTestId("record-preview");
    await preview.waitFor();
    assert.equal(await preview.locator("tbody tr").count(), 3);
    assert.match(await preview.innerText(), /Golden question 0[\s\S]*Golden answer 0/);
    await shot("datasets");
    // An experiment without datasets says so.
    await open(`#/experiments/${data.emptyExperimentId}/datasets`);
    await page.getByTestId("datasets-empty").waitFor();
  }));

  test("selected traces are deleted after a confirmation", withShot("traces-delete", async () => {
    const victims = [data.bulk[10], data.bulk[11]];
    await open(`#/experiments/${data.experimentId}/traces?order=oldest&size=50`);
    await page.locator(`tr[data-trace-id="${victims[1]}"]`).waitFor();
    for (const id of victims) await page.getByLabel(`Select trace ${id}`).check();
    await page.getByRole("button", { name: "Delete 2 traces" }).click();
    // Cancel keeps them.
    await page.locator("dialog").getByRole("button", { name: "Cancel" }).click();
    assert.equal((await v3("GET", `/traces/get?trace_id=${victims[0]}`)).status, 200);
    await page.getByRole("button", { name: "Delete 2 traces" }).click();
    await page.locator("dialog").getByRole("button", { name: "Delete" }).click();
    await page.locator(`tr[data-trace-id="${victims[0]}"]`).waitFor({ state: "detached" });
    assert.equal(await page.locator(`tr[data-trace-id="${victims[1]}"]`).count(), 0);
    for (const id of victims) assert.equal((await v3("GET", `/traces/get?trace_id=${id}`)).status, 404);
  }));

  test("a trace made by the official client (mlflow 3.18) shows in the list and the view, also from its notebook link", withShot("client-trace", async () => {
    assert.ok(fs.existsSync(PYTHON), "no .venv/mlflow3: npm test installs it (scripts/setup.sh)");
    const out = await new Promise((resolve, reject) =>
      execFile(PYTHON, [CLIENT_SCRIPT, stack.url, `client-traces-${Date.now()}`], { timeout: 120_000, env: { ...process.env, MLFLOW_DISABLE_TELEMETRY: "true", DO_NOT_TRACK: "true" } }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout))),
    );
    const client = JSON.parse(out.trim().split("\n").pop());
    await open(`#/experiments/${client.experimentId}/traces`);
    const row = page.locator(`tr[data-trace-id="${client.traceId}"]`);
    await row.waitFor();
    assert.match(await row.innerText(), /agent[\s\S]*What's the weather in Paris\?[\s\S]*Paris is sunny/);
    assert.equal(await row.locator(`a[href*="/runs/${client.runId}"]`).count(), 1);
    // The page the client embeds in notebooks opens the same trace.
    assert.match(client.notebookUrl, /\/static-files\/lib\/notebook-trace-renderer\/index\.html\?trace_id=/);
    await page.goto(client.notebookUrl.replace(/^https?:\/\/[^/]+/, stack.url));
    await page.waitForFunction((id) => document.querySelector('[data-testid="trace-view"]')?.getAttribute("data-trace-id") === id, client.traceId);
    await page.locator(".span-row").nth(3).waitFor();
    assert.deepEqual(await page.locator(".span-row .span-name").allInnerTexts(), ["agent", "lookup_weather", "post_process", "chat"]);
    const tool = page.locator(".span-row", { hasText: "lookup_weather" });
    assert.match(await tool.getAttribute("class"), /\bfailed\b/);
    await tool.click();
    assert.match(await page.getByTestId("span-exception").innerText(), /ValueError[\s\S]*no weather for Paris/);
    await page.locator(".span-row", { hasText: "chat" }).click();
    assert.match(await page.getByTestId("span-chat").innerText(), /What's the weather in Paris\?[\s\S]*Paris is sunny\./);
  }));

  test("a notebook on another origin frames the trace renderer page; the rest of the app refuses to be framed", withShot("notebook-frame", async () => {
    const renderer = `${stack.url}/static-files/lib/notebook-trace-renderer/index.html?trace_id=${data.agent}&experiment_id=${data.experimentId}&version=3.18.0`;
    // A stand-in for a notebook server: another origin (another port) whose page frames ours.
    const notebook = http.createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end(`<!doctype html><title>notebook</title><iframe name="trace" src="${renderer}" width="1200" height="700"></iframe><iframe name="app" src="${stack.url}/#/experiments" width="400" height="300"></iframe>`);
    });
    await new Promise((resolve) => notebook.listen(0, "127.0.0.1", resolve));
    const fresh = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
    try {
      await fresh.goto(`http://127.0.0.1:${notebook.address().port}/`);
      const trace = fresh.frameLocator('iframe[name="trace"]');
      await trace.locator(".span-row").first().waitFor();
      assert.match(await trace.locator(".span-row .span-name").first().innerText(), /\S/);
      // Inside the frame, only trace views: the way back to the list opens MLflow in a tab instead.
      await trace.getByRole("link", { name: /All traces/ }).click();
      const out = trace.getByRole("link", { name: "Open this page in MLflow" });
      await out.waitFor();
      assert.equal(await out.getAttribute("target"), "_blank");
      // The app anywhere else keeps frame-ancestors 'self': the browser refuses to show it.
      await fresh.waitForTimeout(500);
      const app = fresh.frames().find((f) => f.name() === "app");
      assert.ok(app, "the second frame exists");
      assert.equal(await app.locator(".page").count().catch(() => 0), 0, `the app did not render in a foreign frame (${app.url()})`);
    } finally {
      await fresh.close();
      notebook.close();
    }
  }));

  test("accessibility: axe-core finds no serious or critical violations on the GenAI views", withShot("traces-axe", async () => {
    const pages = [
      [`#/experiments/${data.experimentId}/traces`, ".traces-table tbody tr"],
      [`#/experiments/${data.experimentId}/traces?selectedEvaluationId=${data.agent}&spanId=0000000000000004`, '[data-testid="span-exception"]'],
      [`#/experiments/${data.experimentId}/evaluation-runs?selectedRunUuid=${data.runId}`, ".evaluation-table tbody tr"],
      [`#/experiments/${data.experimentId}/datasets`, ".datasets-table tbody tr"],
    ];
    assert.deepEqual(await axeViolations(page, stack.url, pages), []);
  }));

  test("no uncaught errors or console errors across the session", () => {
    assert.deepEqual(pageErrors, []);
  });
});
