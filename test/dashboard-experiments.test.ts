/**
 * The experiment pages and the workflow page's versions section in a real browser (Debian's Chromium driven by
 * playwright-core), on a real server: the list, an experiment's variants with the API's enrolled counts, the
 * error bars of the primary metric, the evaluation's reasons, evaluating by hand until the rule decides, the
 * sample-ratio-mismatch banner on a 600/400 split planned 50/50, a viewer without buttons, and the versions of a
 * workflow side by side (one version in the period is an empty state, not an error), no sideways scrolling at phone
 * width, no console errors.
 * Screenshots land in test/artifacts/.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ev, OPERATOR_KEY, startTestRuntime, type TestRuntime } from './helpers/runtime.js';
import { openBrowserOn, requireChromium } from './helpers/services.js';
import { ensureWebBuild } from './helpers/web-build.js';

const ARTIFACTS = path.resolve('test/artifacts');
const DAY = 86_400_000;
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
let rt: TestRuntime | undefined;
let browser: Browser | undefined;
let page: Page;
let base = '';
let accountId = '';
let adminKey = '';
let viewerKey = '';
let discount = '';
let skewed = '';
const consoleErrors: string[] = [];
let skipped = false;

async function apiJson(url: string) {
  const res = await rt!.call('GET', url, adminKey);
  assert.equal(res.status, 200, res.text);
  return res.json;
}

async function shot(name: string) {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** A running experiment, started `daysAgo` days ago (the start moved back in the store, so past enrollments count). */
async function runningExperiment(body: Record<string, unknown>, daysAgo: number): Promise<{ id: string; startMs: number }> {
  const created = await rt!.call('POST', '/api/v1/experiments', adminKey, body);
  assert.equal(created.status, 201, created.text);
  const id = created.json.experiment_id as string;
  assert.equal((await rt!.call('POST', `/api/v1/experiments/${id}/start`, adminKey)).status, 200);
  const startMs = Date.now() - daysAgo * DAY;
  const e = await rt!.deps.experiments.get(accountId, id);
  await rt!.deps.experiments.records.save(accountId, { ...e, started_at: iso(startMs) });
  return { id, startMs };
}

/**
 * `n` executions per variant spread over the days since the start: a share of them convert (`rates`), every one
 * completes after 1–4 h but one in twenty fails, the same way in every variant; versions 1 and 2 alternate.
 */
function executions(wf: string, startMs: number, counts: Record<string, number>, rates: Record<string, number>) {
  const events: object[] = [];
  const span = Date.now() - 2 * HOUR - (startMs + HOUR);
  for (const [variant, n] of Object.entries(counts)) {
    for (let i = 0; i < n; i++) {
      const t = startMs + HOUR + Math.floor((span * i) / n);
      const ex = `${wf}-${variant}-${i}`;
      const version = { workflow_version: 1 + (i % 2) };
      events.push(ev.started(wf, ex, iso(t), { variant, ...version }));
      if (i < Math.round(n * rates[variant]!)) events.push(ev.goal(wf, ex, iso(t + HOUR / 2), version));
      events.push(i % 20 === 7 ? ev.failed(wf, ex, iso(t + HOUR), version) : ev.completed(wf, ex, iso(t + (1 + (i % 4)) * HOUR), version));
    }
  }
  return events;
}

before(async () => {
  const chromiumPath = await requireChromium();
  if (!chromiumPath) {
    skipped = true;
    return;
  }
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const webDir = await ensureWebBuild();
  rt = await startTestRuntime({ webDir, experimentTickMs: 0 });
  accountId = (await rt.call('POST', '/api/v1/accounts', OPERATOR_KEY, { name: 'Experiments' })).json.account_id;
  adminKey = (await rt.call('POST', '/api/v1/api-keys', OPERATOR_KEY, { account_id: accountId, role: 'admin', name: 'dashboard', user_id: 'ada' })).json.key;
  viewerKey = (await rt.call('POST', '/api/v1/api-keys', OPERATOR_KEY, { account_id: accountId, role: 'viewer', name: 'viewer', user_id: 'vera' })).json.key;
  for (const version of [1, 2]) assert.ok([200, 201].includes((await rt.call('PUT', '/api/v1/workflows/checkout', adminKey, { name: 'Checkout', version, steps: [] })).status));
  await rt.call('PUT', '/api/v1/workflows/skewed', adminKey, { name: 'Skewed flow', version: 1, steps: [] });
  assert.equal((await rt.call('PUT', '/api/v1/workflows/checkout/access', adminKey, { user_ids: ['vera'] })).status, 200);

  const plan = { variants: [{ key: 'A' }, { key: 'B' }], primary_metric: 'conversion_rate', power: { baseline_rate_percent: 10, mde_relative_percent: 100 }, minimum_sample_per_variant: 100 };
  const a = await runningExperiment({ ...plan, workflow_id: 'checkout', name: 'Discount in the first email', hypothesis: 'A discount converts more.', secondary_metrics: ['completion_rate'], minimum_days: 3 }, 6);
  const b = await runningExperiment({ ...plan, workflow_id: 'skewed', name: 'Broken split', minimum_days: 1 }, 3);
  discount = a.id;
  skewed = b.id;
  const events = [...executions('checkout', a.startMs, { A: 200, B: 200 }, { A: 0.1, B: 0.25 }), ...executions('skewed', b.startMs, { A: 600, B: 400 }, { A: 0.1, B: 0.1 })];
  // the skewed workflow has one version only
  for (const e of events as Array<Record<string, unknown>>) if (e.workflow_id === 'skewed') delete e.workflow_version;
  const ingested = await rt.call('POST', '/api/v1/events', adminKey, events);
  assert.equal(ingested.status, 200, ingested.text);
  assert.deepEqual(ingested.json.rejected, []);

  ({ base, browser, page } = await openBrowserOn(rt.app, chromiumPath, consoleErrors));
});

after(async () => {
  await browser?.close();
  await rt?.close();
});

test('the experiments list: every experiment with its workflow, status and primary metric', { timeout: 60_000 }, async (t) => {
  if (skipped) return t.skip('Chromium is not installed');
  await page.goto(`${base}/sign-in#key=${adminKey}`);
  await page.waitForSelector('nav a:has-text("Experiments")');
  await page.click('nav a:has-text("Experiments")');
  await page.waitForSelector('table[aria-label="Experiments"] tbody tr');
  assert.match(page.url(), /\/experiments$/);
  for (const id of [discount, skewed]) assert.equal(await page.getAttribute(`tr[data-experiment="${id}"] [data-status]`, 'data-status'), 'running');
  const row = await page.innerText(`tr[data-experiment="${discount}"]`);
  assert.match(row, /Discount in the first email/);
  assert.match(row, /Checkout/);
  assert.match(row, /Conversion rate/, 'the metric catalog\'s label');
  await shot('experiments');
});

test('an experiment: variants with the API\'s figures, error bars, the rule\'s reasons; evaluating by hand decides', { timeout: 60_000 }, async (t) => {
  if (skipped) return t.skip('Chromium is not installed');
  await page.click(`tr[data-experiment="${discount}"] a:has-text("Discount")`);
  await page.waitForSelector('table[aria-label="Variants"]');
  const r = await apiJson(`/api/v1/experiments/${discount}/results`);
  assert.deepEqual(r.variants.map((v: { enrolled: number }) => v.enrolled), [200, 200]);
  for (const v of r.variants) {
    assert.equal(Number(await page.getAttribute(`tr[data-figure="enrolled"] td[data-variant="${v.key}"]`, 'data-value')), v.enrolled);
    assert.equal(Number(await page.getAttribute(`tr[data-metric="conversion_rate"] td[data-variant="${v.key}"]`, 'data-value')), v.metrics.conversion_rate.value);
  }
  assert.equal(await page.locator('[data-srm]').count(), 0, 'no SRM banner on an even split');
  // the error bars, drawn by ECharts in SVG: per interval (the fixed-horizon 95% one, the always-valid one) a line and two caps
  await page.waitForSelector('[data-arm="B"] .chart svg path[stroke-width="2"]', { state: 'attached' });
  assert.match(await page.getAttribute('[data-arm="B"] .chart', 'aria-label') ?? '', /95% confidence interval and its always-valid interval/);
  assert.equal(await page.locator('[data-arm="B"] .chart svg path[stroke-width="2"]').count(), 6);
  assert.ok(r.arms[0].primary.ci && r.arms[0].sequential.ci, 'both intervals exist');
  const arm = r.arms[0];
  assert.equal(Number(await page.getAttribute('[data-arm="B"] [data-figure="chance_to_beat"]', 'data-value')), arm.bayesian.chance_to_beat);
  assert.equal(await page.getAttribute('[data-arm="B"] .verdict', 'data-verdict'), arm.primary.verdict);
  assert.equal(await page.locator('table[aria-label="Guardrails of B"] tbody tr').count(), arm.guardrails.length);
  assert.equal(await page.locator('table[aria-label="Secondary metrics of B"] tbody tr[data-metric="completion_rate"]').count(), 1);
  // the evaluation's reasons, each a line
  assert.equal(await page.getAttribute('[aria-label="Evaluation"]', 'data-outcome'), r.evaluation.outcome);
  assert.deepEqual(await page.$$eval('ul[aria-label="Reasons"] li', (els) => els.map((e) => e.textContent)), r.evaluation.reasons);
  assert.equal(r.evaluation.outcome, 'winner', 'the test data make B win');
  assert.equal(await page.getAttribute('[data-progress="variant-A"]', 'data-value'), '200');
  await page.waitForSelector('text=No decision yet.');
  await shot('experiment');

  // the rule decides when asked; the page shows the decision without a reload
  await page.click('button:has-text("Evaluate now")');
  await page.waitForSelector('h1 [data-status="decided"]');
  await page.waitForSelector('table[aria-label="Decisions"] tr[data-source="rule"]');
  assert.match(await page.innerText('[role="status"]'), /Decided: B/);
  assert.match(await page.innerText('table[aria-label="Decisions"] tbody'), /B/);
  assert.equal(await page.locator('button:has-text("Evaluate now")').count(), 0, 'a decided experiment is not evaluated again');
});

test('a 600/400 split planned 50/50 shows the sample-ratio-mismatch banner and no winner', { timeout: 60_000 }, async (t) => {
  if (skipped) return t.skip('Chromium is not installed');
  // (in the app: the server does not answer /experiments/… with the app yet — see the last test)
  await page.click('a:has-text("← Experiments")');
  await page.click(`tr[data-experiment="${skewed}"] a:has-text("Broken split")`);
  await page.waitForSelector('[data-srm="flagged"]');
  const r = await apiJson(`/api/v1/experiments/${skewed}/results`);
  assert.deepEqual(r.variants.map((v: { enrolled: number }) => v.enrolled), [600, 400]);
  assert.equal(r.srm.flagged, true);
  assert.ok(r.srm.p_value < 0.001);
  const banner = await page.innerText('[data-srm="flagged"]');
  assert.match(banner, /split is broken, so no winner is picked/);
  assert.match(banner, /A 600 \(60\.0%\), B 400 \(40\.0%\)/);
  assert.equal(await page.getAttribute('[aria-label="Evaluation"]', 'data-outcome'), 'continue');
  assert.match(await page.innerText('ul[aria-label="Reasons"]'), /Sample-ratio mismatch/);
  assert.equal(Number(await page.getAttribute('tr[data-figure="enrolled"] td[data-variant="A"]', 'data-value')), 600);
  await shot('experiment-srm');
  // at phone width the page does not scroll sideways (wide tables scroll inside their panel)
  await page.setViewportSize({ width: 375, height: 812 });
  await page.waitForTimeout(300);
  const [scroll, width] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(scroll <= width, `the experiment page is ${scroll}px wide in a ${width}px window`);
  await shot('experiment-phone');
  await page.setViewportSize({ width: 1280, height: 900 });
});

test('the workflow page compares its versions; one version in the period is an empty state', { timeout: 60_000 }, async (t) => {
  if (skipped) return t.skip('Chromium is not installed');
  await page.goto(`${base}/workflows/checkout?range=last_30_days&timezone=UTC`);
  await page.waitForSelector('[data-figure="total_enrolled"]');
  await page.click('button:has-text("Compare versions")');
  await page.waitForSelector('table[aria-label="Versions compared"]');
  const v = await apiJson('/api/v1/workflows/checkout/analytics/versions?range=last_30_days&timezone=UTC');
  assert.deepEqual(v.versions.map((x: { version: number }) => x.version), [1, 2]);
  for (const x of v.versions) assert.equal(Number(await page.getAttribute(`tr[data-figure="enrolled"] td[data-version="${x.version}"]`, 'data-value')), x.enrolled);
  const conversion = v.comparisons[0].metrics.find((m: { metric: string }) => m.metric === 'conversion_rate');
  const cell = 'tr[data-metric="conversion_rate"] td[data-version="2"]';
  assert.equal(await page.getAttribute(cell, 'data-verdict'), conversion.verdict);
  assert.equal(await page.getAttribute(`${cell} [data-significant]`, 'data-significant'), String(conversion.significant));
  assert.match(await page.innerText(cell), /pp/);
  await page.locator('section[aria-label="Versions"]').screenshot({ path: path.join(ARTIFACTS, 'workflow-versions.png') });

  await page.goto(`${base}/workflows/skewed?range=last_30_days&timezone=UTC`);
  await page.waitForSelector('[data-figure="total_enrolled"]');
  await page.click('button:has-text("Compare versions")');
  await page.waitForSelector('section[aria-label="Versions"] .state-empty');
  assert.match(await page.innerText('section[aria-label="Versions"]'), /Only one version in this period/);
  assert.equal(await page.locator('section[aria-label="Versions"] .state-error').count(), 0);
  // the refused comparison's 400 is the expected answer
  const unexpected = consoleErrors.filter((e) => !/status of 400/.test(e));
  assert.deepEqual(unexpected, []);
  consoleErrors.length = 0;
});

test('a viewer reads an experiment without its buttons', { timeout: 60_000 }, async (t) => {
  if (skipped) return t.skip('Chromium is not installed');
  const context = await browser!.newContext({ locale: 'en-US', timezoneId: 'UTC', viewport: { width: 1280, height: 900 } });
  const viewer = await context.newPage();
  viewer.on('pageerror', (e) => consoleErrors.push(String(e)));
  await viewer.goto(`${base}/sign-in#key=${viewerKey}`);
  await viewer.click('nav a:has-text("Experiments")');
  // the skewed flow is not shared with the viewer: its experiment is not listed
  await viewer.waitForSelector(`tr[data-experiment="${discount}"]`);
  assert.equal(await viewer.locator(`tr[data-experiment="${skewed}"]`).count(), 0);
  await viewer.click(`tr[data-experiment="${discount}"] a:has-text("Discount")`);
  await viewer.waitForSelector('table[aria-label="Variants"]');
  await viewer.waitForSelector('text=Read-only');
  for (const label of ['Start', 'Stop', 'Evaluate now', 'Decide…', 'Roll back']) assert.equal(await viewer.locator(`.experiment-actions button:has-text("${label}"), summary:has-text("${label}")`).count(), 0, label);
  await context.close();
  assert.deepEqual(consoleErrors, []);
});

test('a link to the experiment pages opens them', { timeout: 60_000 }, async (t) => {
  if (skipped) return t.skip('Chromium is not installed');
  for (const url of ['/experiments', `/experiments/${skewed}`]) assert.equal((await page.goto(`${base}${url}`))?.status(), 200, url);
  await page.waitForSelector('[data-srm="flagged"]');
});
