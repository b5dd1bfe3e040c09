/**
 * The workflow page's cohort heatmap in a real browser (Debian's Chromium driven by playwright-core), on a real
 * server, with the data of test/cohorts.test.ts (computed by hand there): the rows with their sizes and the
 * shares the API gives, switched to months and to another metric, weeks starting Sunday; no console errors.
 * Screenshot in test/artifacts/.
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
const W = 'onboarding';
let rt: TestRuntime | undefined;
let browser: Browser | undefined;
let page: Page;
let base = '';
let key = '';
const consoleErrors: string[] = [];
let skipped = false;

before(async () => {
  const chromiumPath = await requireChromium();
  if (!chromiumPath) {
    skipped = true;
    return;
  }
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const webDir = await ensureWebBuild();
  rt = await startTestRuntime({ webDir });
  const accountId = (await rt.call('POST', '/api/v1/accounts', OPERATOR_KEY, { name: 'Cohorts' })).json.account_id;
  key = (await rt.call('POST', '/api/v1/api-keys', OPERATOR_KEY, { account_id: accountId, role: 'admin', name: 'dashboard' })).json.key;
  await rt.call('PUT', `/api/v1/workflows/${W}`, key, { name: 'Onboarding', version: 1, steps: [] });
  const r = await rt.call('POST', '/api/v1/events', key, [
    ev.started(W, 'A', '2026-10-05T10:00:00Z'), ev.completed(W, 'A', '2026-10-06T10:00:00Z'),
    ev.started(W, 'B', '2026-10-07T10:00:00Z'), ev.completed(W, 'B', '2026-10-14T10:00:00Z'),
    ev.started(W, 'C', '2026-10-11T23:30:00Z'), ev.failed(W, 'C', '2026-10-13T10:00:00Z'),
    ev.started(W, 'D', '2026-10-13T10:00:00Z'),
    ev.started(W, 'E', '2026-10-19T10:00:00Z'), ev.goal(W, 'E', '2026-11-03T10:00:00Z'),
  ]);
  assert.equal(r.json.accepted, 9);
  await rt.deps.derived.idle();
  ({ base, browser, page } = await openBrowserOn(rt.app, chromiumPath, consoleErrors));
});

after(async () => {
  await browser?.close();
  await rt?.close();
});

/** The heatmap's rows as [cohort, size, first three cells' text]. */
async function shown(): Promise<string[][]> {
  return page.$$eval('section[aria-label="Cohorts"] table tbody tr', (trs) =>
    trs.map((tr) => [tr.querySelector('th')!.textContent!.trim(), ...[...tr.querySelectorAll('td')].slice(0, 4).map((td) => td.textContent!.trim())]));
}

test('the workflow page draws the cohort matrix: sizes and shares by week, by month, another metric, Sunday weeks', { timeout: 90_000 }, async (t) => {
  if (skipped) return t.skip('Chromium is not installed');
  await page.goto(`${base}/sign-in#key=${key}`);
  await page.waitForSelector('nav');
  await page.goto(`${base}/workflows/${W}?start_date=2026-10-05&end_date=2026-10-25&timezone=UTC`);
  await page.waitForSelector('section[aria-label="Cohorts"] table tbody tr');
  // weeks from Monday, completed: A in week 0, B in week 1 of the first cohort (3); E converts in week 2 of the third
  assert.deepEqual(await shown(), [
    ['2026-10-05', '3', '33.33%', '66.67%', '66.67%'],
    ['2026-10-12', '1', '0%', '0%', '0%'],
    ['2026-10-19', '1', '0%', '0%', '100%'],
  ]);
  await page.locator('section[aria-label="Cohorts"]').screenshot({ path: path.join(ARTIFACTS, 'workflow-cohorts.png') });

  await page.selectOption('section[aria-label="Cohorts"] select >> nth=1', 'sunday');
  await page.waitForFunction(() => document.querySelector('section[aria-label="Cohorts"] tbody th')?.textContent === '2026-10-04');
  assert.deepEqual((await shown()).map((r) => r.slice(0, 2)), [['2026-10-04', '2'], ['2026-10-11', '2'], ['2026-10-18', '1'], ['2026-10-25', '0']]);

  await page.selectOption('section[aria-label="Cohorts"] select >> nth=0', 'month');
  await page.selectOption('section[aria-label="Cohorts"] select >> nth=1', 'active');
  await page.waitForFunction(() => document.querySelector('section[aria-label="Cohorts"] table')?.getAttribute('aria-label')?.includes('still active by month') ?? false);
  // of 5 enrolled in October: A, B and C ended in October, E in November, D never
  assert.deepEqual((await shown())[0], ['2026-10-01', '5', '40%', '20%', '20%']);
  assert.deepEqual(consoleErrors, []);
});
