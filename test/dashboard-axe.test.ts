/**
 * Accessibility of every page (issue 35): axe-core runs inside the page in Debian's Chromium, on the real app
 * with data, once the page has its content; no violation of serious or critical impact is allowed. Pages: sign-in,
 * the workflow list, a workflow page, overview, costs, errors, activity, alerts, experiments, dashboards, settings,
 * and the not-found page; the first five also at a phone's width (390×844).
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ev, OPERATOR_KEY, startTestRuntime, type TestRuntime } from './helpers/runtime.js';
import { openBrowserOn, requireChromium } from './helpers/services.js';
import { ensureWebBuild } from './helpers/web-build.js';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
let rt: TestRuntime | undefined;
let browser: Browser | undefined;
let page: Page;
let base = '';
let key = '';
const consoleErrors: string[] = [];
let skipped = false;

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
const STEPS = [
  { step_id: 'trigger', name: 'Signed up', order: 1, type: 'trigger' },
  { step_id: 'email', name: 'Welcome email', order: 2, type: 'action', action_type: 'send_email' },
  { step_id: 'wait', name: 'Wait a day', order: 3, type: 'wait' },
];

/** Twelve executions over ten days: completions, a failure, exits, goals, costs and activity, so every panel has content. */
function history() {
  const events: object[] = [];
  for (let i = 0; i < 12; i++) {
    const ex = `ex-${i}`;
    const at = hoursAgo(240 - i * 20);
    events.push(ev.started('onboarding', ex, at, { variant: i % 2 ? 'A' : 'B' }), ev.step('started', 'onboarding', ex, 'trigger', at, { step_type: 'trigger' }), ev.step('completed', 'onboarding', ex, 'trigger', at, { step_type: 'trigger' }));
    events.push(ev.step('started', 'onboarding', ex, 'email', at));
    if (i === 3) {
      events.push(ev.step('failed', 'onboarding', ex, 'email', at), ev.failed('onboarding', ex, at));
      continue;
    }
    events.push(ev.step('completed', 'onboarding', ex, 'email', at, { duration_ms: 900 + i * 10 }));
    events.push({ type: 'cost.recorded', workflow_id: 'onboarding', execution_id: ex, timestamp: at, action_type: 'send_email', step_id: 'email', credits: 2, amount_usd: 0.25 });
    events.push({ type: 'activity', timestamp: at, user_id: i % 2 ? 'ada' : 'grace', session_id: `s-${i}`, action: i % 3 ? 'view_dashboard' : 'login', resource: 'app', duration_ms: 30_000 });
    if (i % 5 === 4) {
      events.push(ev.exited('onboarding', ex, at, 'unsubscribed'));
      continue;
    }
    events.push(ev.step('started', 'onboarding', ex, 'wait', at, { step_type: 'wait' }), ev.step('completed', 'onboarding', ex, 'wait', at, { step_type: 'wait' }), ev.completed('onboarding', ex, at));
    if (i % 2 === 0) events.push(ev.goal('onboarding', ex, at, { value: 49 }));
  }
  return events;
}

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** Waits for the page's content (a heading, no loading skeleton for half a second), then runs axe in it. */
async function seriousViolations(): Promise<string[]> {
  await page.waitForSelector('h1');
  await page.waitForFunction(
    () => {
      const w = window as unknown as { quietSince?: number };
      if (document.querySelector('[aria-busy="true"]')) w.quietSince = undefined;
      else w.quietSince ??= Date.now();
      return w.quietSince !== undefined && Date.now() - w.quietSince > 500;
    },
    undefined,
    { polling: 100, timeout: 20_000 },
  );
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, o: object) => Promise<{ violations: unknown[] }> } }).axe;
    return (await axe.run(document, { resultTypes: ['violations'] })).violations;
  }) as Violation[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id} (${v.help}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}${v.nodes.length > 3 ? ` … ${v.nodes.length} in all` : ''}`);
}

before(async () => {
  const chromiumPath = await requireChromium();
  if (!chromiumPath) {
    skipped = true;
    return;
  }
  const webDir = await ensureWebBuild();
  rt = await startTestRuntime({ webDir });
  const account = (await rt.call('POST', '/api/v1/accounts', OPERATOR_KEY, { name: 'Axe' })).json.account_id;
  key = (await rt.call('POST', '/api/v1/api-keys', OPERATOR_KEY, { account_id: account, role: 'admin', name: 'dashboard', user_id: 'ada' })).json.key;
  await rt.call('PUT', '/api/v1/workflows/onboarding', key, { name: 'Onboarding', version: 1, steps: STEPS });
  assert.deepEqual((await rt.call('POST', '/api/v1/events', key, history())).json.rejected, []);
  // the app's CSP allows only its own scripts: the test lets axe's in
  ({ base, browser, page } = await openBrowserOn(rt.app, chromiumPath, consoleErrors, { viewport: { width: 1440, height: 900 }, bypassCSP: true }));
});

after(async () => {
  await browser?.close();
  await rt?.close();
});

test('every page has no serious or critical accessibility violation (axe-core)', { timeout: 240_000 }, async (t) => {
  if (skipped) return t.skip('Chromium is not installed');
  const found: Record<string, string[]> = {};
  await page.goto(`${base}/sign-in`);
  await page.waitForSelector('input#api-key');
  found['sign-in'] = await seriousViolations();
  await page.fill('input#api-key', key);
  await page.click('button[type=submit]');
  await page.waitForSelector('table[aria-label="Workflows"] tbody tr');
  const q = '?range=last_30_days&timezone=UTC';
  const pages: [string, string, string][] = [
    ['workflows', `/${q}`, 'table[aria-label="Workflows"] tbody tr'],
    ['workflow', `/workflows/onboarding${q}`, '.funnel-step'],
    ['overview', `/overview${q}`, '[data-figure]'],
    ['costs', `/costs${q}`, '[data-figure]'],
    ['errors', `/errors${q}`, 'main .panel'],
    ['activity', `/activity${q}`, 'main .panel'],
    ['alerts', '/alerts', 'main h1'],
    ['experiments', '/experiments', 'main h1'],
    ['dashboards', '/dashboards', 'main h1'],
    ['settings', '/settings', 'main h1'],
    ['not-found', '/no-such-page', '[data-not-found]'],
  ];
  for (const [name, url, ready] of pages) {
    await page.goto(`${base}${url}`);
    await page.waitForSelector(ready);
    found[name] = await seriousViolations();
  }
  await page.setViewportSize({ width: 390, height: 844 });
  for (const [name, url, ready] of pages.filter(([n]) => ['workflows', 'workflow', 'overview', 'costs', 'errors'].includes(n))) {
    await page.goto(`${base}${url}`);
    await page.waitForSelector(ready);
    found[`${name} (phone)`] = await seriousViolations();
  }
  const failing = Object.entries(found).filter(([, v]) => v.length > 0);
  assert.deepEqual(failing, [], failing.map(([p, v]) => `${p}:\n  ${v.join('\n  ')}`).join('\n'));
  assert.equal(Object.keys(found).length, 17);
  assert.deepEqual(consoleErrors.filter((e) => !/status of 404/.test(e)), [], 'the not-found page\'s 404 is the only error');
});
