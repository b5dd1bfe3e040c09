/**
 * The server goes away under an open workflow page and comes back (issue 35, point 7), in a real browser on the
 * real app: while it is down, one banner says so, every panel keeps its figures marked "as of" their time, a click
 * on another period shows no error boxes; when the same data directory is served again on the same port, the
 * banner goes, the figures are refetched (including events sent during the restart) — all without a reload.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ev, OPERATOR_KEY, startTestRuntime, type TestRuntime } from './helpers/runtime.js';
import { collectPageErrors, launchChromium, requireChromium } from './helpers/services.js';
import { tempDir } from './helpers/store.js';
import { ensureWebBuild } from './helpers/web-build.js';

let rt: TestRuntime | undefined;
let browser: Browser | undefined;
let page: Page;
let base = '';
let port = 0;
let key = '';
let webDir = '';
const dataDir = tempDir();
const consoleErrors: string[] = [];
let skipped = false;

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
const STEPS = [
  { step_id: 'trigger', name: 'Signed up', order: 1, type: 'trigger' },
  { step_id: 'email', name: 'Welcome email', order: 2, type: 'action', action_type: 'send_email' },
];

/** `n` executions from `from` on, each through both steps and completed an hour after it started. */
function executions(from: number, n: number, startHoursAgo: number) {
  return Array.from({ length: n }, (_, k) => {
    const ex = `ex-${from + k}`;
    const at = hoursAgo(startHoursAgo - k);
    const done = hoursAgo(startHoursAgo - k - 1);
    return [
      ev.started('onboarding', ex, at),
      ev.step('started', 'onboarding', ex, 'trigger', at, { step_type: 'trigger' }),
      ev.step('completed', 'onboarding', ex, 'trigger', at, { step_type: 'trigger' }),
      ev.step('started', 'onboarding', ex, 'email', at),
      ev.step('completed', 'onboarding', ex, 'email', done, { duration_ms: 800 }),
      ev.completed('onboarding', ex, done),
    ];
  }).flat();
}

async function serve(): Promise<void> {
  rt = await startTestRuntime({ webDir, sseCoalesceMs: 50 }, dataDir);
  await rt.app.listen({ port, host: '127.0.0.1' });
  port = (rt.app.server.address() as { port: number }).port;
}

const figure = (name: string) => page.getAttribute(`[data-figure="${name}"]`, 'data-value').then(Number);

before(async () => {
  const chromiumPath = await requireChromium();
  if (!chromiumPath) {
    skipped = true;
    return;
  }
  webDir = await ensureWebBuild();
  await serve();
  base = `http://127.0.0.1:${port}`;
  const account = (await rt!.call('POST', '/api/v1/accounts', OPERATOR_KEY, { name: 'Resilience' })).json.account_id;
  key = (await rt!.call('POST', '/api/v1/api-keys', OPERATOR_KEY, { account_id: account, role: 'admin', name: 'dashboard', user_id: 'ada' })).json.key;
  await rt!.call('PUT', '/api/v1/workflows/onboarding', key, { name: 'Onboarding', version: 1, steps: STEPS });
  // 6 executions about 8 days ago: in the last 30 days, not in the last 7
  assert.deepEqual((await rt!.call('POST', '/api/v1/events', key, executions(0, 6, 200))).json.rejected, []);
  browser = await launchChromium(chromiumPath);
  const context = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC', viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  collectPageErrors(page, consoleErrors);
});

after(async () => {
  await browser?.close();
  // the requests the closed page left (the insights panel's) finish first: closing the store under them leaves a
  // rejection nobody handles on the server (seen here: series → ResultCache → insights, ChdbClosedError)
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  await rt?.close();
});

test('the server stops and restarts under an open page: one banner, stale marks with their time, recovery without a reload', { timeout: 120_000 }, async (t) => {
  if (skipped) return t.skip('Chromium is not installed');
  await page.goto(`${base}/sign-in`);
  await page.fill('input#api-key', key);
  await page.click('button[type=submit]');
  await page.waitForSelector('table[aria-label="Workflows"] tbody tr');
  await page.goto(`${base}/workflows/onboarding?range=last_30_days&timezone=UTC`);
  await page.waitForSelector('[data-live="live"]');
  await page.waitForSelector('.funnel-step');
  assert.equal(await figure('total_enrolled'), 6);
  // "last updated" is on the page from the first figures on
  const updated = page.locator('[data-last-updated]');
  assert.match(await updated.innerText(), /^Updated \d\d:\d\d$/);
  const firstUpdate = Number(await updated.getAttribute('data-last-updated'));
  await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
  assert.equal(await page.locator('.stale-note').count(), 0, 'current figures carry no stale mark');
  // a second tab, on a page without a live stream
  const overview = await page.context().newPage();
  collectPageErrors(overview, consoleErrors);
  await overview.goto(`${base}/overview?range=last_30_days&timezone=UTC`);
  await overview.waitForSelector('[data-figure="executions"]');
  assert.equal(await overview.getAttribute('[data-figure="executions"]', 'data-value'), '6');

  // the server goes away: the broken live stream raises one banner; the figures stay, each panel marked with their time
  await rt!.close();
  rt = undefined;
  await page.waitForSelector('[data-connection="down"]', { timeout: 15_000 });
  assert.equal(await page.locator('[role="alert"][data-connection="down"]').count(), 1);
  assert.match(await page.locator('[data-connection="down"]').innerText(), /Cannot reach the server\. The figures shown are as of \d\d:\d\d\. Retrying automatically/);
  assert.equal(await figure('total_enrolled'), 6, 'the summary keeps its figures');
  assert.equal(await page.locator('.funnel-step').count(), 2, 'the funnel keeps its steps');
  const marks = await page.locator('.stale-note').allInnerTexts();
  assert.ok(marks.length >= 4, `summary, trends, funnel, exits and actions are marked: ${marks.join(' | ')}`);
  for (const m of marks) assert.match(m, /^as of \d\d:\d\d$/);

  // a click while it is away asks again in the background: still the old figures, marked, and no error boxes
  await page.click('.controls button:has-text("Last 7 days")');
  assert.match(page.url(), /range=last_7_days/);
  await page.waitForTimeout(2_500);
  assert.equal(await page.locator('.state-error').count(), 0);
  assert.doesNotMatch(await page.locator('main').innerText(), /Failed to fetch|Could not load/);
  assert.equal(await figure('total_enrolled'), 6, 'the previous figures stay while the new ones cannot be fetched');
  assert.ok((await page.locator('.stale-note').count()) >= 4);
  // the other tab learns it at its next request (a click): the same banner, its figures kept, the page marked "as of"
  await overview.click('.controls button:has-text("Last 7 days")');
  await overview.waitForSelector('[data-connection="down"]', { timeout: 15_000 });
  assert.match(await overview.locator('h1 .stale-note').innerText(), /^as of \d\d:\d\d$/);
  assert.equal(await overview.getAttribute('[data-figure="executions"]', 'data-value'), '6');
  assert.equal(await overview.locator('.state-error').count(), 0);

  // back on the same data and port, with two executions sent meanwhile (in the last 7 days): no reload needed
  await serve();
  assert.deepEqual((await rt!.call('POST', '/api/v1/events', key, executions(6, 2, 30))).json.rejected, []);
  const api = (await rt!.call('GET', '/api/v1/workflows/onboarding/analytics?range=last_7_days&timezone=UTC', key)).json;
  assert.equal(api.summary.total_enrolled, 2, 'only the two new executions are in the last 7 days');
  await page.waitForSelector('[data-connection="down"]', { state: 'detached', timeout: 30_000 });
  await page.waitForFunction(() => document.querySelector('[data-figure="total_enrolled"]')?.getAttribute('data-value') === '2' && document.querySelectorAll('.stale-note').length === 0, undefined, { timeout: 30_000 });
  await page.waitForSelector('[data-live="live"]', { timeout: 30_000 });
  assert.deepEqual(
    { enrolled: await figure('total_enrolled'), completed: await figure('completed') },
    { enrolled: api.summary.total_enrolled, completed: api.summary.completed },
  );
  assert.equal(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded), true, 'the page was not reloaded');
  assert.ok(Number(await updated.getAttribute('data-last-updated')) > firstUpdate, 'the last update moved on');
  // the other tab recovers too (its probe of /healthz), with the period it was asked for meanwhile
  await overview.waitForSelector('[data-connection="down"]', { state: 'detached', timeout: 30_000 });
  await overview.waitForFunction(() => document.querySelector('[data-figure="executions"]')?.getAttribute('data-value') === '2', undefined, { timeout: 30_000 });
  assert.equal(await overview.locator('.stale-note').count(), 0);
  await overview.close();

  // live again: an event sent now reaches the page through the reopened stream
  assert.deepEqual((await rt!.call('POST', '/api/v1/events', key, executions(8, 1, 2))).json.rejected, []);
  await page.waitForFunction(() => document.querySelector('[data-figure="total_enrolled"]')?.getAttribute('data-value') === '3', undefined, { timeout: 15_000 });
  // while the server was away, the browser logged its refused requests; nothing else went wrong
  assert.deepEqual(consoleErrors.filter((e) => !/ERR_CONNECTION_REFUSED|Failed to load resource|EventSource/.test(e)), []);
});
