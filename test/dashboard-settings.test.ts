/**
 * The settings area in a real browser (Debian's Chromium driven by playwright-core) on a real server (issue 35,
 * point 5): the Costs page's empty budget state leads to the budget form; a budget and a weekly report are made in
 * their forms and read back from the API with the values typed; a negative budget, a bad e-mail and a negative
 * hourly cost each show the API's field message next to their input; an API key is made and its secret shown once
 * (it signs in; after Done it is nowhere on the page); a workflow is shared with a user; ROI assumptions are set and
 * the ROI figure moves from none to the one computed by hand; the alert rule editor shows the API's refusal beside its
 * field too; axe finds no serious violation in any section, and a form is filled and sent by keyboard; a member sees
 * only the access lists of its own workflows and a viewer the assumptions, neither with a single form.
 * No console errors but the 400s the refusals are. Screenshots land in test/artifacts/.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ev, OPERATOR_KEY, startTestRuntime, type TestRuntime } from './helpers/runtime.js';
import { collectPageErrors, openBrowserOn, requireChromium } from './helpers/services.js';
import { ensureWebBuild } from './helpers/web-build.js';

const ARTIFACTS = path.resolve('test/artifacts');
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const D = 86_400_000;
let rt: TestRuntime | undefined;
let browser: Browser | undefined;
let page: Page;
let base = '';
let adminKey = '';
let viewerKey = '';
let memberKey = '';
const consoleErrors: string[] = [];
let skipped = false;

async function apiJson(url: string, key = adminKey) {
  const res = await rt!.call('GET', url, key);
  assert.equal(res.status, 200, res.text);
  return res.json;
}

/** The console errors but the refusals a test provoked (Chromium logs every 400 answer), then forgets them. */
function unexpectedErrors(): string[] {
  const left = consoleErrors.filter((e) => !/status of 400 \(Bad Request\)/.test(e));
  consoleErrors.length = 0;
  return left;
}

const fieldError = (form: string, input: string) => page.locator(`${form} .field:has([name="${input}"]) [data-field-error]`);

before(async () => {
  const chromiumPath = await requireChromium();
  if (!chromiumPath) {
    skipped = true;
    return;
  }
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const webDir = await ensureWebBuild();
  rt = await startTestRuntime({ webDir, budgetTickMs: 0 });
  const accountId = (await rt.call('POST', '/api/v1/accounts', OPERATOR_KEY, { name: 'Settings' })).json.account_id;
  adminKey = (await rt.call('POST', '/api/v1/api-keys', OPERATOR_KEY, { account_id: accountId, role: 'admin', name: 'dashboard', user_id: 'ada' })).json.key;
  viewerKey = (await rt.call('POST', '/api/v1/api-keys', OPERATOR_KEY, { account_id: accountId, role: 'viewer', name: 'viewer', user_id: 'vera' })).json.key;
  memberKey = (await rt.call('POST', '/api/v1/api-keys', OPERATOR_KEY, { account_id: accountId, role: 'member', name: 'member', user_id: 'mo' })).json.key;
  // leads: 10 minutes saved per run in its catalog; digest: nothing
  assert.ok([200, 201].includes((await rt.call('PUT', '/api/v1/workflows/leads', adminKey, { name: 'Lead sync', version: 1, steps: [], time_saved_seconds_per_execution: 600 })).status));
  assert.ok([200, 201].includes((await rt.call('PUT', '/api/v1/workflows/digest', adminKey, { name: 'Weekly digest', version: 1, steps: [] })).status));
  // mo's own workflow, never run: the only one a member may share
  assert.ok([200, 201].includes((await rt.call('PUT', '/api/v1/workflows/mine', adminKey, { name: 'Mo\'s nurture', version: 1, owner_user_id: 'mo', steps: [] })).status));
  // two days ago: leads 3 complete and 1 fails, each costing $1; digest 1 completes, costing $1
  const t0 = Date.now() - 2 * D;
  const iso = (ms: number) => new Date(ms).toISOString();
  const cost = (wf: string, ex: string, ts: number) => ({ type: 'cost.recorded', workflow_id: wf, execution_id: ex, timestamp: iso(ts), action_type: 'llm', amount_usd: 1 });
  const events: unknown[] = [];
  for (let i = 0; i < 4; i++) {
    const at = t0 + i * 60_000;
    events.push(ev.started('leads', `l${i}`, iso(at)), cost('leads', `l${i}`, at + 1000), i < 3 ? ev.completed('leads', `l${i}`, iso(at + 5000)) : ev.failed('leads', `l${i}`, iso(at + 5000)));
  }
  events.push(ev.started('digest', 'd0', iso(t0)), cost('digest', 'd0', t0 + 1000), ev.completed('digest', 'd0', iso(t0 + 5000)));
  const sent = await rt.call('POST', '/api/v1/events', adminKey, events);
  assert.equal(sent.status, 200, sent.text);

  ({ base, browser, page } = await openBrowserOn(rt.app, chromiumPath, consoleErrors));
  await page.goto(`${base}/sign-in#key=${adminKey}`);
  await page.waitForSelector('nav a[href="/settings"]');
});

after(async () => {
  await browser?.close();
  await rt?.close();
});

test('from the Costs page\'s empty state to a budget: a negative amount is refused next to its field, then one is saved', { timeout: 120_000 }, async (t) => {
  if (skipped) return t.skip('Chromium is not installed');
  await page.goto(`${base}/costs`);
  await page.click('a:has-text("Set a monthly budget")');
  await page.waitForSelector('section[aria-label="Budgets"]');
  assert.match(page.url(), /\/settings\/budgets$/);
  await page.click('button:has-text("New budget")');
  const form = 'form[aria-label="New budget"]';
  await page.fill(`${form} [name="monthly_usd"]`, '-5');
  await page.click(`${form} button[type="submit"]`);
  await fieldError(form, 'monthly_usd').waitFor();
  assert.equal(await fieldError(form, 'monthly_usd').innerText(), 'must be > 0', 'the API\'s own message, beside the amount');
  assert.equal(await page.getAttribute(`${form} [name="monthly_usd"]`, 'aria-invalid'), 'true');
  assert.deepEqual((await apiJson('/api/v1/analytics/costs/budgets')).budgets, []);
  assert.deepEqual(unexpectedErrors(), []);

  await page.fill(`${form} [name="monthly_usd"]`, '250');
  await page.fill(`${form} [name="thresholds"]`, '50, 100');
  await page.fill(`${form} [name="emails"]`, 'ops@example.com');
  await page.click(`${form} button[type="submit"]`);
  await page.waitForSelector('table[aria-label="Budgets"] tr[data-budget="account"]');
  assert.equal(await page.locator(form).count(), 0, 'the form closes once saved');
  const [b] = (await apiJson('/api/v1/analytics/costs/budgets')).budgets;
  assert.deepEqual([b.scope, b.monthly_usd, b.thresholds, b.timezone, b.notify.emails], ['account', 250, [50, 100], 'UTC', ['ops@example.com']]);
  assert.match(await page.innerText('tr[data-budget="account"]'), /\$250\.00[\s\S]*50%, 100%[\s\S]*ops@example\.com/);

  // deleting asks first
  await page.click('tr[data-budget="account"] button:has-text("Delete")');
  await page.waitForSelector('tr[data-budget="account"] button:has-text("Yes, delete")');
  await page.click('tr[data-budget="account"] button:has-text("Cancel")');
  assert.equal((await apiJson('/api/v1/analytics/costs/budgets')).budgets.length, 1, 'Cancel deletes nothing');
  await page.screenshot({ path: path.join(ARTIFACTS, 'settings-budgets.png'), fullPage: true });
});

test('a weekly report with a template and recipients: a bad address is named beside the recipients, then it is scheduled', { timeout: 60_000 }, async (t) => {
  if (skipped) return t.skip('Chromium is not installed');
  await page.click('nav[aria-label="Settings"] a:has-text("Scheduled reports")');
  await page.click('button:has-text("New report")');
  const form = 'form[aria-label="New report"]';
  await page.fill(`${form} [name="name"]`, 'Friday leads');
  await page.selectOption(`${form} [name="workflow_id"]`, 'leads');
  await page.selectOption(`${form} [name="template"]`, 'detailed');
  await page.check(`${form} [name="csv"]`);
  await page.selectOption(`${form} [name="frequency"]`, 'weekly');
  await page.selectOption(`${form} [name="day_of_week"]`, '5');
  await page.fill(`${form} [name="time"]`, '07:30');
  await page.fill(`${form} [name="timezone"]`, 'Europe/Paris');
  await page.fill(`${form} [name="recipients"]`, 'ceo@example.com, not-an-address');
  await page.click(`${form} button[type="submit"]`);
  await fieldError(form, 'recipients').waitFor();
  assert.equal(await fieldError(form, 'recipients').innerText(), 'item 2: must match format "email"');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('name')), 'recipients', 'the keyboard is taken to the field refused');
  assert.deepEqual((await apiJson('/api/v1/reports')).reports, []);
  assert.deepEqual(unexpectedErrors(), []);

  await page.fill(`${form} [name="recipients"]`, 'ceo@example.com, ops@example.com');
  await page.click(`${form} button[type="submit"]`);
  await page.waitForSelector('table[aria-label="Scheduled reports"] tbody tr');
  const [r] = (await apiJson('/api/v1/reports')).reports;
  assert.deepEqual(
    [r.name, r.workflow_id, r.template, r.formats, r.schedule, r.recipients],
    ['Friday leads', 'leads', 'detailed', ['pdf', 'csv'], { frequency: 'weekly', time: '07:30', timezone: 'Europe/Paris', day_of_week: 5 }, ['ceo@example.com', 'ops@example.com']],
  );
  assert.match(await page.innerText(`tr[data-report="${r.report_id}"]`), /Friday leads[\s\S]*Lead sync[\s\S]*detailed[\s\S]*PDF, CSV[\s\S]*Every Friday at 07:30 \(Europe\/Paris\)/);
});

test('an API key: made in the form, its secret shown once with Copy, and it signs in', { timeout: 60_000 }, async (t) => {
  if (skipped) return t.skip('Chromium is not installed');
  await page.click('nav[aria-label="Settings"] a:has-text("API keys")');
  const form = 'form[aria-label="New API key"]';
  await page.fill(`${form} [name="name"]`, 'Reporting robot');
  await page.selectOption(`${form} [name="role"]`, 'member');
  await page.fill(`${form} [name="user_id"]`, 'robot');
  await page.click(`${form} button[type="submit"]`);
  const secret = await page.locator('[data-new-key] input[name="secret"]').inputValue();
  assert.match(secret, /^fl_/);
  assert.equal(await page.locator('[data-new-key] button:has-text("Copy")').count(), 1);
  const made = (await apiJson('/api/v1/api-keys')).api_keys.find((k: { name: string }) => k.name === 'Reporting robot');
  assert.deepEqual([made.role, made.user_id, secret.startsWith(made.prefix)], ['member', 'robot', true]);
  await page.waitForSelector(`table[aria-label="API keys"] tr[data-key="${made.key_id}"]`);
  assert.equal((await rt!.call('GET', '/api/v1/workflows', secret)).status, 200, 'the secret shown is a working key');
  await page.click('[data-new-key] button:has-text("Done")');
  assert.equal(await page.locator('[data-new-key]').count(), 0);
  assert.ok(!(await page.content()).includes(secret), 'never shown again');

  // revoking asks first, then the key stops working
  await page.click(`tr[data-key="${made.key_id}"] button:has-text("Revoke")`);
  await page.click(`tr[data-key="${made.key_id}"] button:has-text("Yes, revoke")`);
  await page.waitForSelector(`tr[data-key="${made.key_id}"]`, { state: 'detached' });
  assert.equal((await rt!.call('GET', '/api/v1/workflows', secret)).status, 401);
});

test('a workflow shared with a user from its access list', { timeout: 60_000 }, async (t) => {
  if (skipped) return t.skip('Chromium is not installed');
  await page.click('nav[aria-label="Settings"] a:has-text("Access")');
  await page.selectOption('section[aria-label="Workflow access"] select[name="workflow"]', 'leads');
  await page.waitForSelector('form[aria-label="Access list"]');
  await page.click('button:has-text("Add a user")');
  await page.fill('form[aria-label="Access list"] [name="user_id"]', 'vera');
  await page.click('form[aria-label="Access list"] button[type="submit"]');
  await page.waitForSelector('form[aria-label="Access list"] [role="status"]:has-text("Saved.")');
  assert.deepEqual((await apiJson('/api/v1/workflows/leads/access')).user_ids, ['vera']);
});

test('ROI assumptions: a negative hourly cost is refused beside it; saved ones move the ROI figure to the value computed by hand', { timeout: 60_000 }, async (t) => {
  if (skipped) return t.skip('Chromium is not installed');
  await page.click('nav[aria-label="Settings"] a:has-text("ROI assumptions")');
  const roi = page.locator('[data-roi]');
  await roi.waitFor();
  // no hourly cost yet: time saved has no value, so there is no ROI
  assert.equal(await roi.getAttribute('data-roi'), '');
  assert.equal(await roi.innerText(), '—');
  const form = 'form[aria-label="ROI assumptions"]';
  assert.equal(await page.innerText(`${form} .field:has([name="minutes-leads"]) .muted`), 'catalog: 10 min');

  await page.fill(`${form} [name="hourly_rate"]`, '-1');
  await page.click(`${form} button[type="submit"]`);
  await fieldError(form, 'hourly_rate').waitFor();
  assert.equal(await fieldError(form, 'hourly_rate').innerText(), 'must be >= 0');
  assert.deepEqual(unexpectedErrors(), []);

  // $60 an hour, 20 minutes a run of leads: 3 succeeded × 20 min = 1 h → $60; digest none. Cost $4 + $1 = $5.
  // ROI = (60 − 5) ÷ 5 = 1,100 %, which reads as a multiple: 12× cost.
  await page.fill(`${form} [name="hourly_rate"]`, '60');
  await page.fill(`${form} [name="minutes-leads"]`, '20');
  await page.click(`${form} button[type="submit"]`);
  await page.waitForSelector('[data-roi="1100"]');
  assert.equal(await page.innerText('[data-value]'), '$60.00');
  const settings = await apiJson('/api/v1/account/settings');
  assert.deepEqual([settings.roi_hourly_rate_usd, settings.roi_time_saved], [60, [{ workflow_id: 'leads', seconds_per_execution: 1200 }]]);
  assert.equal((await apiJson('/api/v1/analytics/roi?range=last_30_days')).totals.roi_percent, 1100);
  await page.screenshot({ path: path.join(ARTIFACTS, 'settings-roi.png'), fullPage: true });
  assert.deepEqual(unexpectedErrors(), []);
});

test('the alert rule editor, with the same helper, shows the API\'s refusal beside the field it is about', { timeout: 60_000 }, async (t) => {
  if (skipped) return t.skip('Chromium is not installed');
  await page.goto(`${base}/alerts`);
  await page.click('button:has-text("New rule")');
  const form = 'form[aria-label="New rule"]';
  await page.fill(`${form} input[name="name"]`, 'Checked too rarely');
  await page.fill(`${form} input[name="threshold"]`, '10');
  // a whole number, as the form checks; the API allows at most a day
  await page.fill(`${form} input[name="interval_minutes"]`, '5000');
  await page.click(`${form} button:has-text("Create rule")`);
  const message = page.locator(`${form} .field:has([name="interval_minutes"]) .form-error`);
  await message.waitFor();
  assert.equal(await message.innerText(), 'must be <= 1440');
  assert.equal(await page.innerText(`${form} [role="alert"]`), 'Not saved: see the messages next to the fields.');
  assert.deepEqual((await apiJson('/api/v1/alerts/rules')).rules, []);
  assert.deepEqual(unexpectedErrors(), []);
});

/** axe-core's serious and critical violations on the page as it is now. */
async function seriousViolations(p: Page): Promise<string[]> {
  if (!(await p.evaluate(() => 'axe' in window))) await p.addScriptTag({ path: AXE });
  const violations = (await p.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, o: object) => Promise<{ violations: unknown[] }> } }).axe;
    return (await axe.run(document, { resultTypes: ['violations'] })).violations;
  })) as Array<{ id: string; impact: string | null; nodes: { target: string[] }[] }>;
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
}

test('every settings section, its form open and a field refused, has no serious accessibility violation; forms are reached by keyboard', { timeout: 90_000 }, async (t) => {
  if (skipped) return t.skip('Chromium is not installed');
  // axe is injected as a script: this context alone lets it past the app's Content-Security-Policy
  const context = await browser!.newContext({ locale: 'en-US', timezoneId: 'UTC', viewport: { width: 1280, height: 900 }, bypassCSP: true });
  const a11y = await context.newPage();
  const errors: string[] = [];
  collectPageErrors(a11y, errors);
  await a11y.goto(`${base}/sign-in#key=${adminKey}`);
  await a11y.waitForSelector('nav a[href="/settings"]');
  for (const [section, open] of [['budgets', 'New budget'], ['reports', 'New report'], ['api-keys', null], ['access', null], ['roi', null]] as const) {
    await a11y.goto(`${base}/settings/${section}`);
    await a11y.waitForSelector('main section.panel');
    if (open) await a11y.click(`button:has-text("${open}")`);
    await a11y.waitForSelector('main form');
    assert.deepEqual(await seriousViolations(a11y), [], section);
  }
  // by keyboard: the amount is reached with Tab from the scope, typed, and the form sent with Enter
  await a11y.goto(`${base}/settings/budgets`);
  await a11y.click('button:has-text("New budget")');
  const form = 'form[aria-label="New budget"]';
  await a11y.focus(`${form} [name="scope"]`);
  await a11y.keyboard.press('Tab');
  assert.equal(await a11y.evaluate(() => document.activeElement?.getAttribute('name')), 'monthly_usd');
  await a11y.keyboard.type('0');
  await a11y.keyboard.press('Enter');
  // the refusal's message is tied to its input, and the page stays clean
  // the new budget goes after the one saved before (the list had loaded before the form could open)
  await a11y.locator(`${form} .field:has([name="monthly_usd"]) [data-field-error]`).waitFor();
  const describedBy = await a11y.getAttribute(`${form} [name="monthly_usd"]`, 'aria-describedby');
  assert.equal(await a11y.locator(`[id="${describedBy}"]`).innerText(), 'must be > 0');
  assert.deepEqual(await seriousViolations(a11y), []);
  // on a phone, every section fits the width: nothing scrolls sideways but a table inside its own box
  await a11y.setViewportSize({ width: 390, height: 844 });
  for (const section of ['budgets', 'reports', 'api-keys', 'access', 'roi']) {
    await a11y.goto(`${base}/settings/${section}`);
    await a11y.waitForSelector('main table, main form');
    assert.ok(await a11y.evaluate(() => document.documentElement.scrollWidth <= 390), `${section} fits 390 px`);
  }
  await a11y.screenshot({ path: path.join(ARTIFACTS, 'settings-phone.png'), fullPage: true });
  await context.close();
  assert.deepEqual(errors.filter((e) => !/status of 400 \(Bad Request\)/.test(e)), []);
});

test('a viewer reads the ROI assumptions and is offered no form', { timeout: 60_000 }, async (t) => {
  if (skipped) return t.skip('Chromium is not installed');
  const context = await browser!.newContext({ locale: 'en-US', timezoneId: 'UTC', viewport: { width: 1280, height: 900 } });
  const viewer = await context.newPage();
  const errors: string[] = [];
  collectPageErrors(viewer, errors);
  await viewer.goto(`${base}/sign-in#key=${viewerKey}`);
  await viewer.waitForSelector('nav a[href="/settings"]');
  await viewer.goto(`${base}/settings/budgets`);
  await viewer.waitForSelector('[data-hourly-rate="60"]');
  assert.deepEqual(await viewer.$$eval('nav[aria-label="Settings"] a', (as) => as.map((a) => a.textContent)), ['ROI assumptions']);
  assert.match(await viewer.innerText('main'), /set by the account's admins/);
  assert.equal(await viewer.innerText('[data-hourly-rate]'), '$60.00 an hour');
  // the workflow shared with vera, with the time the account set for it
  assert.match(await viewer.innerText('table[aria-label="Time saved per run"]'), /Lead sync\s+20 min\s+the account/);
  assert.equal(await viewer.locator('main form, main input, main select, main textarea, main button[type="submit"]').count(), 0);
  await viewer.screenshot({ path: path.join(ARTIFACTS, 'settings-viewer.png'), fullPage: true });
  await context.close();
  assert.deepEqual(errors, [], 'nothing refused: the viewer asked only for what it may read');
  assert.deepEqual(unexpectedErrors(), []);
});

test('a member shares the workflows it owns, and reads the ROI assumptions without a form', { timeout: 60_000 }, async (t) => {
  if (skipped) return t.skip('Chromium is not installed');
  const context = await browser!.newContext({ locale: 'en-US', timezoneId: 'UTC', viewport: { width: 1280, height: 900 } });
  const member = await context.newPage();
  const errors: string[] = [];
  collectPageErrors(member, errors);
  await member.goto(`${base}/sign-in#key=${memberKey}`);
  await member.waitForSelector('nav a[href="/settings"]');
  await member.goto(`${base}/settings`);
  await member.waitForSelector('nav[aria-label="Settings"] a');
  assert.deepEqual(await member.$$eval('nav[aria-label="Settings"] a', (as) => as.map((a) => a.textContent)), ['Access', 'ROI assumptions']);
  await member.waitForSelector('form[aria-label="Access list"]');
  assert.deepEqual(await member.$$eval('select[name="workflow"] option', (os) => os.map((o) => (o as HTMLOptionElement).value)), ['mine']);
  await member.click('nav[aria-label="Settings"] a:has-text("ROI assumptions")');
  await member.waitForSelector('[data-hourly-rate]');
  assert.equal(await member.locator('main form, main input, main button[type="submit"]').count(), 0);
  await context.close();
  assert.deepEqual(errors, []);
});
