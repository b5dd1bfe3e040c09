/**
 * The workflow page's "Unified report" panel in a real browser (Debian's Chromium driven by playwright-core) on a
 * real server: the figures the API gives, the attribution model selector changing the CRM figures, and the empty
 * state naming the integration to connect (this account has a CRM, no GA4), the export menu's unified CSV. No
 * console errors.
 *
 * Data (March 2026): wf-a enrols p1 (Mar 2) and p2 (Mar 5); wf-b enrols p1 on Mar 4. HubSpot deal D1 (p1) won on
 * Mar 20 for 900 USD: first touch wf-a (1 deal, $900), last touch wf-b (0 for wf-a), linear ½ ($450).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { IntegrationStore } from '../src/integrations/store.js';
import { ev, OPERATOR_KEY, startTestRuntime, type TestRuntime } from './helpers/runtime.js';
import { openBrowserOn, requireChromium } from './helpers/services.js';
import { ensureWebBuild } from './helpers/web-build.js';

let rt: TestRuntime | undefined;
let browser: Browser | undefined;
let page: Page;
let base = '';
const consoleErrors: string[] = [];
let skipped = false;

before(async () => {
  const chromiumPath = await requireChromium();
  if (!chromiumPath) {
    skipped = true;
    return;
  }
  const webDir = await ensureWebBuild();
  rt = await startTestRuntime({ webDir });
  const account = (await rt.call('POST', '/api/v1/accounts', OPERATOR_KEY, { name: 'Unified' })).json.account_id as string;
  const key = (await rt.call('POST', '/api/v1/api-keys', OPERATOR_KEY, { account_id: account, role: 'admin', name: 'dashboard', user_id: 'ada' })).json.key as string;
  const events = [
    ev.started('wf-a', 'a1', '2026-03-02T10:00:00Z', { contact_id: 'p1' }), ev.started('wf-a', 'a2', '2026-03-05T10:00:00Z', { contact_id: 'p2' }),
    ev.started('wf-b', 'b1', '2026-03-04T10:00:00Z', { contact_id: 'p1' }),
  ];
  assert.equal((await rt.call('POST', '/api/v1/events', key, events)).json.accepted, 3);
  await rt.deps.derived.idle();
  const integrations = new IntegrationStore(rt.deps.store);
  const now = new Date().toISOString();
  await integrations.save({ account_id: account, id: 'hs', kind: 'hubspot', name: 'HubSpot', config: {}, credentials_enc: '', schedule_minutes: 0, enabled: true, created_at: now, updated_at: now });
  const rec = { modified_at: '2026-03-08T00:00:00.000Z', field_modified_at: {}, amount: null, currency: '', closed_won_at: null };
  await integrations.writeRecords(account, 'hs', 'hubspot', [
    { ...rec, object: 'contact', external_id: 'h1', contact_key: 'p1', fields: {} },
    { ...rec, object: 'deal', external_id: 'D1', contact_key: '', fields: { 'flowlens.related': 'h1' }, amount: 900, currency: 'USD', closed_won_at: '2026-03-20T09:00:00.000Z' },
  ]);
  ({ base, browser, page } = await openBrowserOn(rt.app, chromiumPath, consoleErrors));
  await page.goto(`${base}/sign-in#key=${key}`);
  await page.waitForSelector('table[aria-label="Workflows"]');
});

after(async () => {
  await browser?.close();
  await rt?.close();
});

const cell = (figure: string) => page.locator(`section[aria-label="Unified report"] tr[data-unified="${figure}"] td.num`).innerText();

test('the panel shows the figures, the model changes the CRM ones, and says GA4 is not connected', { timeout: 120_000 }, async (t) => {
  if (skipped) return t.skip('Chromium is not installed');
  await page.goto(`${base}/workflows/wf-a?start_date=2026-03-01&end_date=2026-03-31&timezone=UTC`);
  const panel = page.locator('section[aria-label="Unified report"]');
  await panel.locator('tr[data-unified="deals_won"]').waitFor();
  assert.equal(await cell('enrolled'), '2');
  assert.match(await panel.locator('tr[data-unified="deals_won"]').innerText(), /Linear/);
  assert.equal(await cell('deals_won'), '0.5');
  assert.equal(await cell('revenue'), '$450.00');
  assert.match(await panel.locator('[data-empty="ga4"]').innerText(), /Google Analytics 4/);
  assert.equal(await panel.locator('[data-empty="crm"]').count(), 0);
  assert.equal(await panel.locator('tr[data-unified="sessions"]').count(), 0);
  assert.match(await panel.locator('tr[data-unified="revenue"]').innerText(), /HubSpot: never synced/);

  await panel.locator('select[aria-label="Attribution model"]').selectOption('first_touch');
  await panel.locator('tr[data-unified="deals_won"]', { hasText: 'First touch' }).waitFor();
  assert.equal(await cell('deals_won'), '1');
  assert.equal(await cell('revenue'), '$900.00');
  await panel.locator('select[aria-label="Attribution model"]').selectOption('last_touch');
  await panel.locator('tr[data-unified="deals_won"]', { hasText: 'Last touch' }).waitFor();
  assert.equal(await cell('deals_won'), '0');

  // the export menu downloads the same report as CSV, the CRM figures under each model
  await page.click('summary:has-text("Export")');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('a[data-export="csv-unified"]')]);
  const csv = fs.readFileSync((await download.path())!, 'utf8').split(/\r?\n/);
  assert.equal(csv[0], 'section,figure,model,value,currency,source,last_successful_sync_at');
  for (const line of ['internal,enrolled,,2,,flowlens,', 'crm,deals_won,first_touch,1,,HubSpot (hubspot hs),never', 'crm,deals_won,linear,0.5,,HubSpot (hubspot hs),never', 'ga4,not_connected,,,,,']) {
    assert.ok(csv.includes(line), `${line} in\n${csv.join('\n')}`);
  }
  assert.deepEqual(consoleErrors, []);
});
