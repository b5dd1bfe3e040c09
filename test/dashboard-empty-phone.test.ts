/**
 * Empty and unknown, and the phone's first screen (issue 35, points 8 and 10), in a real browser on the real app:
 * a range without data says so (with when data last arrived) instead of zeros and a funnel of "no drop-off"; an
 * unknown address gets the app's own not-found page (status 404), an unknown workflow a "no such workflow" page;
 * at 390×844 the navigation is one row, the period picker one select, the first figure inside the first screen,
 * the trends legend not paged, tables keep their first column in view.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ev, OPERATOR_KEY, startTestRuntime, type TestRuntime } from './helpers/runtime.js';
import { openBrowserOn, requireChromium } from './helpers/services.js';
import { ensureWebBuild } from './helpers/web-build.js';

let rt: TestRuntime | undefined;
let browser: Browser | undefined;
let page: Page;
let base = '';
let key = '';
const consoleErrors: string[] = [];
/** The requests that were answered 404 (the console says only "status of 404"). */
const notFound: string[] = [];
let skipped = false;

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
const STEPS = [
  { step_id: 'trigger', name: 'Signed up', order: 1, type: 'trigger' },
  { step_id: 'email', name: 'Welcome email', order: 2, type: 'action', action_type: 'send_email' },
];
/** The latest event: 5 hours ago. */
const LAST_EVENT = hoursAgo(5);

function history() {
  const events: object[] = [];
  for (let i = 0; i < 8; i++) {
    const ex = `ex-${i}`;
    const at = i === 7 ? LAST_EVENT : hoursAgo(100 - i * 10);
    events.push(ev.started('onboarding', ex, at), ev.step('started', 'onboarding', ex, 'trigger', at, { step_type: 'trigger' }), ev.step('completed', 'onboarding', ex, 'trigger', at, { step_type: 'trigger' }));
    events.push(ev.step('started', 'onboarding', ex, 'email', at), ev.step('completed', 'onboarding', ex, 'email', at, { duration_ms: 700 }), ev.completed('onboarding', ex, at));
    events.push({ type: 'cost.recorded', workflow_id: 'onboarding', execution_id: ex, timestamp: at, action_type: 'send_email', step_id: 'email', credits: 1, amount_usd: 0.5 });
  }
  return events;
}

before(async () => {
  const chromiumPath = await requireChromium();
  if (!chromiumPath) {
    skipped = true;
    return;
  }
  const webDir = await ensureWebBuild();
  rt = await startTestRuntime({ webDir });
  const account = (await rt.call('POST', '/api/v1/accounts', OPERATOR_KEY, { name: 'Empty' })).json.account_id;
  key = (await rt.call('POST', '/api/v1/api-keys', OPERATOR_KEY, { account_id: account, role: 'admin', name: 'dashboard', user_id: 'ada' })).json.key;
  await rt.call('PUT', '/api/v1/workflows/onboarding', key, { name: 'Onboarding', version: 1, steps: STEPS });
  await rt.call('PUT', '/api/v1/workflows/quiet', key, { name: 'Quiet', version: 1, steps: STEPS });
  assert.deepEqual((await rt.call('POST', '/api/v1/events', key, history())).json.rejected, []);
  ({ base, browser, page } = await openBrowserOn(rt.app, chromiumPath, consoleErrors));
  page.on('response', (r) => {
    if (r.status() === 404) notFound.push(new URL(r.url()).pathname);
  });
  await page.goto(`${base}/sign-in`);
  await page.fill('input#api-key', key);
  await page.click('button[type=submit]');
  await page.waitForSelector('table[aria-label="Workflows"] tbody tr');
});

after(async () => {
  await browser?.close();
  await rt?.close();
});

test('a range without data says so, with when data last arrived; no zero rates, no funnel of zeros', { timeout: 60_000 }, async (t) => {
  if (skipped) return t.skip('Chromium is not installed');
  const detail = (await rt!.call('GET', '/api/v1/workflows/onboarding', key)).json;
  assert.equal(Date.parse(detail.last_event_at), Date.parse(LAST_EVENT), 'the API says when the latest event arrived');
  const api = (await rt!.call('GET', '/api/v1/workflows/onboarding/analytics/funnel?start_date=2025-01-01&end_date=2025-01-07&timezone=UTC', key)).json;
  assert.equal(api.total_enrolled, 0);
  await page.goto(`${base}/workflows/onboarding?start_date=2025-01-01&end_date=2025-01-07&timezone=UTC`);
  await page.waitForSelector('[data-no-data]');
  await page.waitForFunction(() => document.querySelectorAll('[data-no-data]').length === 3);
  await page.waitForSelector('section[aria-label="Summary"] [data-last-event-at]');
  const summary = await page.locator('section[aria-label="Summary"]').innerText();
  assert.match(summary, /^No data in this range\. Data last arrived .+ \(5 hours ago\)\.$/);
  assert.equal(await page.getAttribute('section[aria-label="Summary"] [data-last-event-at]', 'data-last-event-at'), detail.last_event_at);
  assert.equal(await page.locator('[data-figure]').count(), 0, 'no cards of zeros');
  assert.equal(await page.locator('.funnel-step').count(), 0, 'no funnel of zeros');
  assert.doesNotMatch(await page.locator('main').innerText(), /no drop-off|0\.0%|0 of 0/);
  // the same period with data shows figures again
  await page.goto(`${base}/workflows/onboarding?range=last_7_days&timezone=UTC`);
  await page.waitForSelector('[data-figure="total_enrolled"]');
  assert.equal(await page.getAttribute('[data-figure="total_enrolled"]', 'data-value'), '8');
  assert.equal(await page.locator('[data-no-data]').count(), 0);
  // a workflow that never received an event says that
  await page.goto(`${base}/workflows/quiet?range=last_7_days&timezone=UTC`);
  await page.waitForSelector('section[aria-label="Summary"] [data-no-data]:has-text("No data has arrived")');
  assert.match(await page.locator('section[aria-label="Summary"]').innerText(), /^No data in this range\. No data has arrived for this workflow yet\.$/);
  assert.deepEqual(consoleErrors, []);
});

test('an unknown address gets the app\'s not-found page; an unknown workflow a "no such workflow" page', { timeout: 60_000 }, async (t) => {
  if (skipped) return t.skip('Chromium is not installed');
  const res = await page.goto(`${base}/no-such-page?x=1`);
  assert.equal(res?.status(), 404);
  await page.waitForSelector('[data-not-found]');
  assert.equal(await page.locator('h1').innerText(), 'Page not found');
  assert.equal(await page.locator('nav[aria-label="Main"]').count(), 1, 'inside the app, with its navigation');
  await page.click('[data-not-found] a:has-text("Go to the workflows")');
  await page.waitForSelector('table[aria-label="Workflows"] tbody tr');

  await page.goto(`${base}/workflows/no-such-workflow?range=last_7_days`);
  await page.waitForSelector('[data-not-found]');
  assert.equal(await page.locator('h1').innerText(), 'No such workflow');
  assert.match(await page.locator('[data-not-found]').innerText(), /There is no workflow “no-such-workflow”/);
  assert.equal(await page.locator('button:has-text("Try again")').count(), 0);
  // leave the page (its requests end), then: the page's own 404 and the API's for the workflow and its panels are
  // the expected answers; nothing else went wrong
  await page.goto(`${base}/?range=last_7_days&timezone=UTC`);
  await page.waitForSelector('table[aria-label="Workflows"] tbody tr');
  assert.deepEqual(notFound.filter((p) => p !== '/no-such-page' && p !== '/api/v1/workflows/no-such-workflow' && !p.startsWith('/api/v1/workflows/no-such-workflow/analytics')), []);
  assert.ok(notFound.includes('/api/v1/workflows/no-such-workflow'));
  assert.deepEqual(consoleErrors.filter((e) => !/status of 404/.test(e)), []);
  consoleErrors.length = 0;
  notFound.length = 0;
});

test('a phone (390×844): one-row navigation, a period select, the first figure in the first screen, a legend not paged, tables keep their first column', { timeout: 60_000 }, async (t) => {
  if (skipped) return t.skip('Chromium is not installed');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${base}/workflows/onboarding?range=last_7_days&timezone=UTC&compare=previous_period`);
  await page.waitForSelector('[data-figure="total_enrolled"]');
  await page.waitForSelector('.chart svg path', { state: 'attached' });
  const first = await page.locator('[data-figure]').first().boundingBox();
  assert.ok(first && first.y + first.height < 844, `the first figure ends at ${first && first.y + first.height}px`);
  // the navigation: one row (every link at the same height) that scrolls sideways rather than wrapping
  const navTops = await page.$$eval('nav[aria-label="Main"] a', (as) => [...new Set(as.map((a) => Math.round(a.getBoundingClientRect().top)))]);
  assert.equal(navTops.length, 1, `nav rows at ${navTops.join(', ')}`);
  assert.ok(await page.$eval('nav[aria-label="Main"]', (n) => n.scrollWidth > n.clientWidth && getComputedStyle(n).overflowX === 'auto'));
  // the period: one select, the preset buttons hidden
  assert.ok(await page.locator('select[aria-label="Period"]').isVisible());
  assert.equal(await page.locator('.controls .segmented').isVisible(), false);
  await page.selectOption('select[aria-label="Period"]', 'last_30_days');
  await page.waitForURL(/range=last_30_days/);
  // the legend wraps (all six names drawn), never a "1/4" pager
  await page.waitForSelector('.chart svg path', { state: 'attached' });
  const legend = await page.$eval('.chart svg', (svg) => svg.textContent ?? '');
  assert.doesNotMatch(legend, /\b\d+\/\d+\b/);
  for (const name of ['Enrolled', 'Completed', 'Converted']) assert.ok(legend.includes(`${name} (previous period)`), `${name}: ${legend}`);
  // the page does not scroll sideways; a wide table scrolls inside itself with its first column in place
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
  assert.deepEqual({ consoleErrors, notFound }, { consoleErrors: [], notFound: [] });
  await page.goto(`${base}/overview?range=last_7_days&timezone=UTC`);
  const table = page.locator('.table-scroll', { has: page.locator('table[aria-label="Return on investment"]') });
  await table.waitFor();
  assert.ok(await table.evaluate((el) => el.scrollWidth > el.clientWidth), 'the ROI table is wider than a phone');
  const before = await table.locator('tbody td').first().boundingBox();
  await table.evaluate((el) => el.scrollBy(200, 0));
  const afterScroll = await table.locator('tbody td').first().boundingBox();
  assert.equal(Math.round(afterScroll!.x), Math.round(before!.x), 'the key column stays in view');
  assert.notEqual(Math.round((await table.locator('tbody td').nth(1).boundingBox())!.x), 0);
  assert.deepEqual({ consoleErrors, notFound }, { consoleErrors: [], notFound: [] });
  await page.setViewportSize({ width: 1280, height: 900 });
});
