/**
 * The errors page, the workflow list and the export menu in a real browser (Debian's Chromium driven by
 * playwright-core) on a real server (issue 35, points 6 and 9 and the export menu): on a small data set whose
 * figures are counted by hand below, the errors page counts each failure once (auth_expired, not the generic
 * step_failed, is the most frequent), names workflows and steps and links them, filters by workflow through the URL,
 * and opens the failing executions in the workflow page's drill-down with the total the API gives; the list sorts by
 * its new columns with the mouse and the keyboard (aria-sort, the order in the URL), shows the change against the
 * period before and a tooltip per sparkline bucket; every page has its own title; the export menu closes on Escape
 * (focus back on its button) and on a click outside. No console errors. Screenshots land in test/artifacts/.
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
const PERIOD = 'start_date=2026-03-02&end_date=2026-03-03&timezone=UTC';
let rt: TestRuntime | undefined;
let browser: Browser | undefined;
let page: Page;
let base = '';
let key = '';
const consoleErrors: string[] = [];
let skipped = false;

/** A step that starts a second before it fails. */
const stepFailed = (wf: string, ex: string, step: string, ts: string, type: string, message: string) => [
  ev.step('started', wf, ex, step, new Date(Date.parse(ts) - 1000).toISOString(), { action_type: 'crm_update' }),
  ev.step('failed', wf, ex, step, ts, { error_type: type, error_message: message, action_type: 'crm_update' }),
];
const execFailed = (wf: string, ex: string, ts: string, type: string, message: string) => ev.failed(wf, ex, ts, { error_type: type, error_message: message });

/**
 * Lead qualification (wf-leads): e1, e2 fail at the CRM step (auth_expired) and then as executions (step_failed);
 * e3's CRM step is rate limited and it completes; e8 completes; e6 is still active. Newsletter (wf-mail): e5 fails with
 * step_failed and no failed step. Failures: auth_expired 2, rate_limited 1, step_failed 1 (e5's) = 4; events 6.
 * The period before: p1 and p2 enrolled in wf-leads, nobody in wf-mail.
 */
function events() {
  return [
    ev.started('wf-leads', 'p1', '2026-02-28T10:00:00Z'),
    ev.completed('wf-leads', 'p1', '2026-02-28T10:05:00Z'),
    ev.started('wf-leads', 'p2', '2026-03-01T10:00:00Z'),
    ev.completed('wf-leads', 'p2', '2026-03-01T10:05:00Z'),
    ev.started('wf-leads', 'e1', '2026-03-02T09:59:00Z'),
    ...stepFailed('wf-leads', 'e1', 's_crm', '2026-03-02T10:00:01Z', 'auth_expired', 'token expired'),
    { type: 'cost.recorded', workflow_id: 'wf-leads', execution_id: 'e1', timestamp: '2026-03-02T10:00:01Z', action_type: 'crm_update', amount_usd: 0.25 },
    execFailed('wf-leads', 'e1', '2026-03-02T10:00:06Z', 'step_failed', 'step s_crm failed'),
    ev.started('wf-leads', 'e2', '2026-03-02T10:59:00Z'),
    ...stepFailed('wf-leads', 'e2', 's_crm', '2026-03-02T11:00:01Z', 'auth_expired', 'token expired'),
    execFailed('wf-leads', 'e2', '2026-03-02T11:00:06Z', 'step_failed', 'step s_crm failed'),
    ev.started('wf-leads', 'e8', '2026-03-02T15:00:00Z'),
    ev.completed('wf-leads', 'e8', '2026-03-02T15:01:00Z'),
    ev.started('wf-leads', 'e3', '2026-03-03T08:59:00Z'),
    ...stepFailed('wf-leads', 'e3', 's_crm', '2026-03-03T09:00:01Z', 'rate_limited', 'slow down'),
    ev.completed('wf-leads', 'e3', '2026-03-03T09:30:00Z'),
    ev.started('wf-leads', 'e6', '2026-03-03T12:59:00Z'),
    ev.started('wf-mail', 'e5', '2026-03-02T11:59:00Z'),
    execFailed('wf-mail', 'e5', '2026-03-02T12:00:00Z', 'step_failed', 'step s_send failed'),
  ];
}

async function shot(name: string) {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

const figure = async (key: string) => Number(await page.getAttribute(`.card[data-figure="${key}"]`, 'data-value'));
const firstRows = (table: string) => page.$$eval(`table[aria-label="${table}"] tbody tr`, (trs) => trs.map((tr) => tr.getAttribute('data-workflow') ?? tr.getAttribute('data-type')));

before(async () => {
  const chromiumPath = await requireChromium();
  if (!chromiumPath) {
    skipped = true;
    return;
  }
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const webDir = await ensureWebBuild();
  rt = await startTestRuntime({ webDir });
  const account = (await rt.call('POST', '/api/v1/accounts', OPERATOR_KEY, { name: 'Errors' })).json.account_id;
  key = (await rt.call('POST', '/api/v1/api-keys', OPERATOR_KEY, { account_id: account, role: 'admin', name: 'dashboard', user_id: 'ada' })).json.key;
  const register = async (wf: string, body: object) => assert.equal((await rt!.call('PUT', `/api/v1/workflows/${wf}`, key, body)).status, 201);
  await register('wf-leads', {
    name: 'Lead qualification', version: 1,
    steps: [{ step_id: 's_score', name: 'Score lead', order: 1, type: 'action', action_type: 'score' }, { step_id: 's_crm', name: 'Sync to CRM', order: 2, type: 'action', action_type: 'crm_update' }],
  });
  await register('wf-mail', { name: 'Newsletter', version: 1, steps: [{ step_id: 's_send', name: 'Send issue', order: 1, type: 'action', action_type: 'send_email' }] });
  const res = await rt.call('POST', '/api/v1/events', key, events());
  assert.deepEqual(res.json.rejected, [], res.text);
  ({ base, browser, page } = await openBrowserOn(rt.app, chromiumPath, consoleErrors, { viewport: { width: 1440, height: 900 } }));
  await page.goto(`${base}/sign-in#key=${key}`);
  await page.waitForSelector('table[aria-label="Workflows"]');
});

after(async () => {
  await browser?.close();
  await rt?.close();
});

test('errors: each failure once, names linked, a workflow filter in the URL, the failing executions opened', { timeout: 90_000 }, async (t) => {
  if (skipped) return t.skip('Chromium is not installed');
  await page.goto(`${base}/errors?${PERIOD}`);
  await page.waitForSelector('table[aria-label="Error types"] tbody tr');
  assert.equal(await page.title(), 'Errors · Flowlens');
  assert.deepEqual([await figure('total_failures'), await figure('error_types'), await figure('top_type')], [4, 3, 2]);
  assert.equal((await page.innerText('.card[data-figure="top_type"] .card-value')).trim(), 'auth_expired');
  assert.match(await page.innerText('.card[data-figure="top_type"]'), /50\.0% of failures/);
  assert.match(await page.innerText('.card[data-figure="total_failures"]'), /6 error events/);
  assert.equal(await page.getAttribute('.counting-note', 'data-folded'), '2');
  // step_failed keeps its 3 events but counts 1 failure (e5's), after auth_expired
  assert.deepEqual(await firstRows('Error types'), ['auth_expired', 'step_failed', 'rate_limited']);
  assert.equal(await page.getAttribute('table[aria-label="Error types"] tr[data-type="step_failed"]', 'data-failures'), '1');

  // the place of auth_expired: named and linked
  const place = 'table[aria-label="Error messages"] tr[data-type="auth_expired"] li[data-workflow="wf-leads"]';
  assert.match(await page.innerText(place), /^Lead qualification › Sync to CRM · failing executions$/);
  const href = await page.getAttribute(`${place} a:first-child`, 'href');
  assert.equal(href, `/workflows/wf-leads?${PERIOD}`);
  await shot('errors-page');

  // the filter: a workflow by name, in the URL, kept by a reload, in the title
  await page.selectOption('select[aria-label="Workflow"]', 'wf-mail');
  await page.waitForURL(/workflow=wf-mail/);
  await page.waitForFunction(() => document.querySelector('.card[data-figure="total_failures"]')?.getAttribute('data-value') === '1');
  await page.reload();
  await page.waitForSelector('table[aria-label="Error types"] tbody tr');
  assert.equal(await page.inputValue('select[aria-label="Workflow"]'), 'wf-mail');
  assert.equal(await figure('total_failures'), 1);
  // named once the catalog answers
  await page.waitForFunction(() => document.title === 'Newsletter · Errors · Flowlens');
  assert.deepEqual(await firstRows('Error types'), ['step_failed']);
  await page.selectOption('select[aria-label="Workflow"]', '');
  await page.waitForURL((u) => !u.search.includes('workflow='));
  await page.waitForSelector(place);

  // the failing executions of the place: the workflow page's drill-down, with the API's total
  const api = await rt!.call('GET', `/api/v1/workflows/wf-leads/executions?${PERIOD}&status=failed&step_id=s_crm&stage=exited`, key);
  assert.equal(api.json.total, 2, 'e1 and e2 failed and ended at the CRM step');
  await page.click(`${place} a.open-failing`);
  await page.waitForURL(/\/workflows\/wf-leads\?.*drill=status%3Dfailed%26step_id%3Ds_crm%26stage%3Dexited/);
  await page.waitForSelector('h2.drill-heading[data-total="2"]');
  // the step named once the funnel (which names the page's steps) answers
  await page.waitForFunction(() => document.querySelector('h2.drill-heading')?.textContent?.trim() === '2 executions failed, exited at “Sync to CRM”');
  const rows = await page.$$eval('table[aria-label="Executions"] tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-execution')));
  assert.deepEqual(rows, ['e2', 'e1']);
  await page.waitForFunction(() => document.title === 'Lead qualification · Workflows · Flowlens');
  assert.deepEqual(consoleErrors, []);
});

test('the list: change, failure rate, cost and last run; sortable by mouse and keyboard; sparkline tooltips', { timeout: 60_000 }, async (t) => {
  if (skipped) return t.skip('Chromium is not installed');
  await page.goto(`${base}/?${PERIOD}`);
  await page.waitForSelector('table[aria-label="Workflows"] tbody tr');
  assert.equal(await page.title(), 'Workflows · Flowlens');
  const cell = (wf: string, f: string) => page.locator(`tr[data-workflow="${wf}"] td[data-figure="${f}"]`);
  // wf-leads: 5 enrolled against 2 before (a base under 20: the difference), 2 failed of 5, $0.25, last run e6
  assert.equal((await cell('wf-leads', 'enrolled_change_percent').innerText()).replace(/\s+/g, ' ').trim(), '+3 2 before');
  assert.equal(await cell('wf-leads', 'failure_rate').getAttribute('data-value'), '40');
  assert.equal((await cell('wf-leads', 'failure_rate').innerText()).trim(), '40.0%');
  assert.equal((await cell('wf-leads', 'cost_usd').innerText()).trim(), '$0.25');
  assert.equal(await cell('wf-leads', 'last_run_at').getAttribute('data-value'), '2026-03-03T12:59:00.000Z');
  // wf-mail: nobody before, so the change is "new"
  assert.match(await cell('wf-mail', 'enrolled_change_percent').innerText(), /^new/);

  // by mouse: failure rate, highest first, in the URL and in aria-sort
  await page.click('th[data-column="failure_rate"] button');
  await page.waitForURL(/sort=-failure_rate/);
  assert.equal(await page.getAttribute('th[data-column="failure_rate"]', 'aria-sort'), 'descending');
  assert.equal(await page.getAttribute('th[data-column="total_enrolled"]', 'aria-sort'), 'none');
  assert.deepEqual(await firstRows('Workflows'), ['wf-mail', 'wf-leads']);
  // by keyboard: Tab to the cost column's button, Enter; Enter again reverses
  await page.focus('th[data-column="last_run_at"] button');
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Enter');
  await page.waitForURL(/sort=-cost_usd/);
  assert.deepEqual(await firstRows('Workflows'), ['wf-leads', 'wf-mail']);
  await page.keyboard.press('Enter');
  await page.waitForURL(/sort=cost_usd/);
  assert.equal(await page.getAttribute('th[data-column="cost_usd"]', 'aria-sort'), 'ascending');
  assert.deepEqual(await firstRows('Workflows'), ['wf-mail', 'wf-leads']);
  assert.match(await page.innerText('table[aria-label="Workflows"] caption'), /sorted by Cost, ascending/);
  await page.reload();
  await page.waitForSelector('table[aria-label="Workflows"] tbody tr');
  assert.equal(await page.getAttribute('th[data-column="cost_usd"]', 'aria-sort'), 'ascending');

  // sparkline: the bucket under the pointer, or read with the arrow keys (wf-leads: 3 on Mar 2, 2 on Mar 3)
  const spark = 'tr[data-workflow="wf-leads"] svg.sparkline';
  const box = (await page.locator(spark).boundingBox())!;
  await page.mouse.move(box.x + 2, box.y + box.height / 2);
  assert.equal((await page.innerText('tr[data-workflow="wf-leads"] .spark-tip')).trim(), 'Mar 2: 3 new enrollments');
  await page.mouse.move(box.x + box.width - 2, box.y + box.height / 2);
  assert.equal((await page.innerText('tr[data-workflow="wf-leads"] .spark-tip')).trim(), 'Mar 3: 2 new enrollments');
  await shot('workflow-list');
  await page.mouse.move(0, 0);
  await page.focus(spark);
  assert.equal((await page.innerText('tr[data-workflow="wf-leads"] .spark-tip')).trim(), 'Mar 3: 2 new enrollments');
  await page.keyboard.press('ArrowLeft');
  assert.equal((await page.innerText('tr[data-workflow="wf-leads"] .spark-tip')).trim(), 'Mar 2: 3 new enrollments');
  assert.equal(await page.getAttribute(spark, 'aria-describedby'), await page.getAttribute('tr[data-workflow="wf-leads"] .spark-tip', 'id'));
  assert.deepEqual(consoleErrors, []);
});

test('the export menu closes on Escape with focus back on its button, and on a click outside', { timeout: 60_000 }, async (t) => {
  if (skipped) return t.skip('Chromium is not installed');
  await page.goto(`${base}/workflows/wf-leads?${PERIOD}`);
  const menu = 'details.menu';
  await page.waitForSelector(`${menu} summary`);
  await page.focus(`${menu} summary`);
  await page.keyboard.press('Enter');
  await page.waitForSelector(`${menu}[open]`);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-export')), 'csv-executions');
  await page.keyboard.press('Escape');
  await page.waitForSelector(`${menu}:not([open])`);
  assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'SUMMARY');
  await page.click(`${menu} summary`);
  await page.waitForSelector(`${menu}[open]`);
  await page.click('h1');
  await page.waitForSelector(`${menu}:not([open])`);
  // a page title of its own, once the workflow's name has come (the id stands in until then; on a loaded machine the
  // menu can be done with first): the CSV names (one per dataset) are the API's, tested in exports.test.ts
  await page.waitForFunction(() => document.title === 'Lead qualification · Workflows · Flowlens', undefined, { timeout: 15_000 }).catch(() => undefined);
  assert.equal(await page.title(), 'Lead qualification · Workflows · Flowlens');
  assert.deepEqual(consoleErrors, []);
});
