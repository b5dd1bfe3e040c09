/**
 * Drill-down and insights in a real browser (Debian's Chromium driven by playwright-core) on a real server (issue 28):
 * two weeks of a three-step workflow (an email, a condition some exit at, a CRM update five times slower and failing
 * far more often in the second week, variant B converting better), read in New York's timezone (its DST day in the
 * period). A funnel
 * step's "exited" number opens a list of as many executions, whose total is that number; a row opens the timeline
 * with the API's events in order; a reload shows the same view; summary cards, an exit reason and a trend bucket (a
 * click on the chart, the 23-hour day by its link) open lists whose totals are their figures; Load more pages by
 * cursor; the CSV holds the selection; the insights panel lists the API's observations in order and one opens its
 * drill-down with the total it states (a drop-off, the variant, the failure rate); a phone's width has no horizontal
 * scrolling. No console errors. Screenshots land in test/artifacts/.
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
const W = 'wf-leads';
const PERIOD = 'start_date=2026-03-08&end_date=2026-03-14&timezone=America%2FNew_York';
const PAGE = `/workflows/${W}?${PERIOD}`;
let rt: TestRuntime | undefined;
let browser: Browser | undefined;
let page: Page;
let base = '';
let key = '';
const consoleErrors: string[] = [];
let skipped = false;

/** Two weeks of 200 executions a week (see the file's comment); every execution's events at distinct instants. */
function history() {
  const events: object[] = [];
  for (const week of [0, 1]) {
    for (let i = 0; i < 200; i++) {
      const ex = `w${week}-${String(i).padStart(3, '0')}`;
      const variant = i % 2 ? 'A' : 'B';
      const t0 = Date.parse(`2026-03-0${1 + (i % 7)}T12:00:00Z`) + week * 7 * 86_400_000 + i * 60_000;
      const t = (s: number) => new Date(t0 + s * 1000).toISOString();
      const step = (kind: 'started' | 'completed' | 'failed', s: string, at: string, extra: Record<string, unknown> = {}) =>
        ev.step(kind, W, ex, s, at, { step_type: s === 's2' ? 'condition' : 'action', action_type: s === 's1' ? 'send_email' : s === 's3' ? 'update_crm' : undefined, ...extra });
      events.push(ev.started(W, ex, t(0), { variant, enrollment_source: i % 4 === 0 ? 'api' : 'trigger' }));
      events.push(step('started', 's1', t(1)), step('completed', 's1', t(2), { duration_ms: 1000 }));
      events.push({ type: 'cost.recorded', workflow_id: W, execution_id: ex, timestamp: t(2.5), step_id: 's1', action_type: 'send_email', credits: 1, amount_usd: 0.01 });
      if (i % 10 === 5) {
        events.push(ev.exited(W, ex, t(3), 'unsubscribed')); // completed the email, never reached the condition
        continue;
      }
      events.push(step('started', 's2', t(4)));
      if (i % 10 === 2) {
        events.push(ev.exited(W, ex, t(5), 'condition_not_met')); // exited at the condition
        continue;
      }
      if (week === 1 && i >= 196) continue; // still at the condition
      events.push(step('completed', 's2', t(5)), step('started', 's3', t(6)));
      const crmSeconds = week === 0 ? 1 : 5;
      if (week === 0 ? i % 50 === 0 : i % 10 === 0 || i % 10 === 7) {
        events.push(step('failed', 's3', t(6 + crmSeconds), { duration_ms: crmSeconds * 1000, error_type: 'auth_expired' }), ev.failed(W, ex, t(7 + crmSeconds), { error_type: 'auth_expired' }));
        continue;
      }
      events.push(step('completed', 's3', t(6 + crmSeconds), { duration_ms: crmSeconds * 1000 }));
      // converting: in the first week 1 in 10 of each variant; in the second, 3 in 10 executions of B (of the 5 in 10 it has) and still 1 in 10 of A
      const converts = week === 0 ? i % 10 === 1 || i % 10 === 4 : [4, 6, 8].includes(i % 10) || i % 10 === 1;
      if (converts) events.push(ev.goal(W, ex, t(60), { value: 49 }));
      events.push(ev.completed(W, ex, t(61)));
    }
  }
  return events;
}

async function apiJson(url: string) {
  const res = await rt!.call('GET', url, key);
  assert.equal(res.status, 200, res.text);
  return res.json;
}

async function shot(name: string) {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Waits for the list's heading to give a total, and returns it with the heading's words and the rows shown. */
async function listed() {
  await page.waitForSelector('h2.drill-heading[data-total]:not([data-total=""])');
  await page.waitForSelector('section[aria-label="Executions"]:not(.is-stale)');
  const total = Number(await page.getAttribute('h2.drill-heading', 'data-total'));
  const rows = await page.$$eval('table[aria-label="Executions"] tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-execution')!));
  return { total, heading: (await page.innerText('h2.drill-heading')).trim(), rows };
}

/** Back to the figures (the list's own link), then a click on a link there; the list it opens. */
async function fromFigures(selector: string) {
  if (await page.locator('a:has-text("← All figures")').count()) await page.click('a:has-text("← All figures")');
  await page.waitForSelector('[data-figure="total_enrolled"]');
  await page.click(selector);
  // the new selection: its heading (the previous one's may still be on screen for a moment)
  await page.waitForURL(/drill=/);
  return listed();
}

before(async () => {
  const chromiumPath = await requireChromium();
  if (!chromiumPath) {
    skipped = true;
    return;
  }
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const webDir = await ensureWebBuild();
  rt = await startTestRuntime({ webDir });
  const account = (await rt.call('POST', '/api/v1/accounts', OPERATOR_KEY, { name: 'Drill' })).json.account_id;
  key = (await rt.call('POST', '/api/v1/api-keys', OPERATOR_KEY, { account_id: account, role: 'admin', name: 'dashboard', user_id: 'ada' })).json.key;
  const reg = await rt.call('PUT', `/api/v1/workflows/${W}`, key, {
    name: 'Lead scoring', version: 1,
    steps: [
      { step_id: 's1', name: 'Send email', order: 1, type: 'action', action_type: 'send_email' },
      { step_id: 's2', name: 'Score above 50?', order: 2, type: 'condition' },
      { step_id: 's3', name: 'Update CRM', order: 3, type: 'action', action_type: 'update_crm' },
    ],
  });
  assert.equal(reg.status, 201, reg.text);
  const events = history();
  for (let i = 0; i < events.length; i += 5000) {
    const res: { status: number; text: string; json: { rejected: unknown[] } } = await rt.call('POST', '/api/v1/events', key, events.slice(i, i + 5000));
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json.rejected, []);
  }
  ({ base, browser, page } = await openBrowserOn(rt.app, chromiumPath, consoleErrors));
  await page.goto(`${base}/sign-in#key=${key}`);
  await page.waitForSelector('table[aria-label="Workflows"]');
});

after(async () => {
  await browser?.close();
  await rt?.close();
});

test('a funnel step\'s "exited" number opens as many executions; a row opens its timeline in order; a reload shows the same view', { timeout: 60_000 }, async (t) => {
  if (skipped) return t.skip('Chromium is not installed');
  const funnel = await apiJson(`/api/v1/workflows/${W}/analytics/funnel?${PERIOD}`);
  const s2 = funnel.funnel_steps.find((s: { step_id: string }) => s.step_id === 's2');
  assert.ok(s2.exited > 0 && s2.in_progress > 0, JSON.stringify(s2));
  await page.goto(`${base}${PAGE}`);
  const exited = 'li[data-step="s2"] a[data-stage="exited"]';
  await page.waitForSelector(exited);
  assert.equal(Number(await page.getAttribute(exited, 'data-value')), s2.exited);
  // those who left, apart from those still in the step: "−N left (P%)"
  assert.match((await page.innerText(exited)).trim(), new RegExp(`^−${s2.exited} left \\(\\d+\\.\\d%\\)$`));
  // those still at the condition are "still here", apart and not in red; the loss before it (completed the email,
  // never reached the condition) is shown where it happens; the badge sits on the step that loses the most
  assert.ok(s2.in_progress > 0 && s2.lost_before > 0, JSON.stringify(s2));
  assert.equal((await page.innerText('li[data-step="s2"] .funnel-waiting a[data-stage="in_progress"]')).trim(), `${s2.in_progress} still here`);
  assert.equal(Number(await page.getAttribute('li[data-step="s2"] .funnel-lost', 'data-lost')), s2.lost_before);
  assert.equal((await page.innerText('li[data-step="s2"] .funnel-lost')).trim(), `${s2.lost_before} lost before this step`);
  assert.equal(await page.getAttribute('.funnel-step.is-bottleneck', 'data-step'), funnel.biggest_loss_step);
  assert.equal(await page.locator('.funnel-step.is-bottleneck .badge-danger').innerText(), 'Biggest loss');
  await shot('drilldown-figures');
  await page.click(exited);
  const list = await listed();
  assert.match(page.url(), /drill=step_id%3Ds2%26stage%3Dexited/);
  assert.equal(list.total, s2.exited);
  assert.equal(list.heading, `${s2.exited} executions exited at “Score above 50?”`);
  assert.equal(list.rows.length, s2.exited, 'every execution on one page');
  const api = await apiJson(`/api/v1/workflows/${W}/executions?${PERIOD}&step_id=s2&stage=exited&limit=1000`);
  assert.deepEqual(list.rows, api.executions.map((e: { execution_id: string }) => e.execution_id), 'the API\'s executions, newest first');
  // the row shows how it ended
  const first = `table[aria-label="Executions"] tbody tr[data-execution="${list.rows[0]}"]`;
  assert.match(await page.innerText(first), new RegExp(`^${list.rows[0]}\\s+c-${list.rows[0]}\\s+Mar \\d+, 2026, [\\d:]+ [AP]M\\s+Exited\\s+—\\s+condition not met\\s+—\\s+v1\\s+[AB]\\s+\\$0\\.01$`));

  // a row opens the timeline beside the list
  await page.click(`${first} a`);
  await page.waitForSelector(`aside[aria-label="Execution timeline"][data-execution="${list.rows[0]}"] ol[aria-label="Timeline"] li`);
  assert.match(page.url(), new RegExp(`execution=${list.rows[0]}`));
  const timeline = await apiJson(`/api/v1/workflows/${W}/executions/${list.rows[0]}`);
  const shown = async () => page.$$eval('ol[aria-label="Timeline"] li', (lis) => lis.map((li) => `${li.getAttribute('data-type')} ${li.getAttribute('data-step')}`.trim()));
  const expected = timeline.events.map((e: { type: string; step_id: string | null }) => `${e.type} ${e.step_id ?? ''}`.trim());
  assert.deepEqual(expected, ['execution.started', 'step.started s1', 'step.completed s1', 'cost.recorded s1', 'step.started s2', 'execution.exited']);
  assert.deepEqual(await shown(), expected);
  const text = await page.innerText('aside[aria-label="Execution timeline"]');
  assert.match(text, /Exited \(condition not met\) after/);
  assert.match(text, /Started “Send email” \(action: send email\)[\s\S]*Completed “Send email”[\s\S]*took 1 s/);
  assert.match(text, /cost \$0\.01/);
  await shot('drilldown-timeline');

  // the URL carries the whole view
  await page.reload();
  await page.waitForSelector('ol[aria-label="Timeline"] li');
  const again = await listed();
  assert.deepEqual(again, list);
  assert.deepEqual(await shown(), expected);
  assert.equal(await page.getAttribute(`table[aria-label="Executions"] tr[data-execution="${list.rows[0]}"]`, 'data-selected'), 'true');
  // Close leaves the list; Back returns to the figures
  await page.click('aside[aria-label="Execution timeline"] a:has-text("Close")');
  await page.waitForSelector('aside[aria-label="Execution timeline"]', { state: 'detached' });
  assert.doesNotMatch(page.url(), /execution=/);

  // at a phone's width the list and the timeline fit without horizontal scrolling (the table scrolls in its box)
  await page.setViewportSize({ width: 375, height: 812 });
  await page.goto(`${base}${PAGE}&drill=step_id%3Ds2%26stage%3Dexited&execution=${list.rows[0]}`);
  await page.waitForSelector('ol[aria-label="Timeline"] li');
  const [scroll, width] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(scroll <= width, `the page is ${scroll}px wide in a ${width}px window`);
  await shot('drilldown-phone');
  await page.setViewportSize({ width: 1280, height: 900 });
});

test('summary cards, an exit reason and trend buckets open lists whose totals are their figures; Load more; the CSV', { timeout: 60_000 }, async (t) => {
  if (skipped) return t.skip('Chromium is not installed');
  const summary = await apiJson(`/api/v1/workflows/${W}/analytics?${PERIOD}&compare=previous_period`);
  const s = summary.summary;
  await page.goto(`${base}${PAGE}`);

  const completed = await fromFigures('[data-figure="completed"] a');
  assert.equal(completed.total, s.completed);
  assert.equal(completed.heading, `${s.completed} executions completed`);
  // the CSV link gives the same selection (all of it, not only the rows loaded)
  const csv = await page.evaluate(async () => {
    const a = document.querySelector<HTMLAnchorElement>('a[data-export="csv-drill"]')!;
    const res = await fetch(a.href);
    return { type: res.headers.get('content-type'), text: await res.text() };
  });
  assert.match(csv.type ?? '', /text\/csv/);
  assert.equal(csv.text.trim().split(/\r?\n/).length - 1, s.completed);

  const active = await fromFigures('[data-figure="currently_active"] a');
  assert.equal(active.total, s.currently_active);
  const goals = await fromFigures('[data-figure="goals_achieved"] a');
  assert.equal(goals.total, s.goals_achieved);
  const failed = await fromFigures('a[data-figure-link="errored"]');
  assert.equal(failed.total, s.errored);

  const reason = await fromFigures('ul[aria-label="Exit reasons"] li[data-key="condition_not_met"] a');
  assert.equal(reason.total, s.exit_reasons.condition_not_met);
  assert.equal(reason.heading, `${s.exit_reasons.condition_not_met} executions exited with reason “condition not met”`);

  // every execution: 50 a page, Load more by cursor
  const all = await fromFigures('[data-figure="total_enrolled"] a');
  assert.equal(all.total, s.total_enrolled);
  assert.equal(all.rows.length, 50);
  await page.click('button:has-text("Load more")');
  await page.waitForFunction(() => document.querySelectorAll('table[aria-label="Executions"] tbody tr').length === 100);
  const rows = await page.$$eval('table[aria-label="Executions"] tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-execution')));
  assert.equal(new Set(rows).size, 100, 'each execution once');
  assert.equal(await page.innerText('[data-shown]'), `100 of ${s.total_enrolled} executions shown`);

  // a trend bucket by its link (the keyboard's way): New York's 23-hour March 8
  const day = summary.trends.find((r: { date: string }) => r.date === '2026-03-08');
  await page.click('a:has-text("← All figures")');
  await page.click('details.buckets summary');
  const bucket = await fromFigures('li[data-date="2026-03-08"] a');
  assert.match(page.url(), /enrolled_from%3D2026-03-08T05%3A00%3A00\.000Z%26enrolled_to%3D2026-03-09T04%3A00%3A00\.000Z/);
  assert.equal(bucket.total, day.new_enrollments);
  assert.equal(bucket.heading, `${day.new_enrollments} executions enrolled Mar 8, 2026`);

  // and by a click on the chart: the bucket under the pointer
  await page.click('a:has-text("← All figures")');
  await page.waitForSelector('.chart svg path', { state: 'attached' });
  const box = (await page.locator('.chart').first().boundingBox())!;
  await page.mouse.click(box.x + box.width * 0.55, box.y + box.height * 0.6);
  const picked = await listed();
  const drill = new URLSearchParams(new URL(page.url()).searchParams.get('drill')!);
  const from = drill.get('enrolled_from')!;
  const date = new Date(from).toLocaleDateString('en-CA', { timeZone: 'America/New_York' });
  assert.equal(picked.total, summary.trends.find((r: { date: string }) => r.date === date).new_enrollments, date);
  await shot('drilldown-bucket');
});

test('the insights panel lists the API\'s observations in order; one opens its drill-down with the total it states', { timeout: 60_000 }, async (t) => {
  if (skipped) return t.skip('Chromium is not installed');
  const { insights } = await apiJson(`/api/v1/workflows/${W}/analytics/insights?${PERIOD}`);
  assert.ok(insights.length >= 3, JSON.stringify(insights));
  await page.goto(`${base}${PAGE}`);
  await page.waitForSelector('ol[aria-label="Observations"] li');
  const shown = await page.$$eval('ol[aria-label="Observations"] li', (lis) => lis.map((li) => ({ kind: li.getAttribute('data-kind'), tone: li.getAttribute('data-tone'), title: li.querySelector('.insight-title')!.textContent, text: li.querySelector('.insight-text')!.textContent })));
  assert.deepEqual(shown, insights.map((i: { kind: string; tone: string; title: string; text: string }) => ({ kind: i.kind, tone: i.tone, title: i.title, text: i.text })));
  await shot('drilldown-insights');

  // the step most executions left at: its list holds as many as the observation says
  const left = insights.find((i: { kind: string }) => i.kind === 'drop_off');
  assert.ok(left, 'a drop-off observation');
  const link = `ol[aria-label="Observations"] li[data-kind="drop_off"] a`;
  assert.equal((await page.innerText(link)).trim(), `List the ${left.numbers.exited} executions →`);
  await page.click(link);
  const list = await listed();
  assert.equal(list.total, left.numbers.exited);
  assert.equal(list.heading, `${left.numbers.exited} executions exited at “${/left at "(.+)"$/.exec(left.title)![1]}”`);

  // the planted variant effect, good news: the list is the variant's executions
  const variant = insights.find((i: { kind: string; metric: string }) => i.kind === 'variant_difference' && i.metric === 'conversion_rate');
  assert.ok(variant, 'variant B converts better');
  assert.equal(variant.tone, 'good');
  const ofVariant = await fromFigures('ol[aria-label="Observations"] li[data-kind="variant_difference"][data-metric="conversion_rate"] a');
  assert.equal(ofVariant.total, variant.numbers.n);
  assert.equal(ofVariant.heading, `${variant.numbers.n} executions enrolled, in variant B`);

  // a rate that moved: the failed executions it counts
  const failure = insights.find((i: { kind: string; metric: string }) => i.kind === 'rate_change' && i.metric === 'failure_rate');
  if (failure) {
    const failed = await fromFigures('ol[aria-label="Observations"] li[data-kind="rate_change"][data-metric="failure_rate"] a');
    assert.equal(failed.total, Math.round((failure.numbers.value * failure.numbers.n) / 100));
  }
  // an action's failures are not a count of executions: its link says what it lists
  if (insights.some((i: { kind: string }) => i.kind === 'action_errors')) {
    await page.click('a:has-text("← All figures")');
    assert.match(await page.innerText('ol[aria-label="Observations"] li[data-kind="action_errors"]'), /List the executions → The list is the period’s executions that ended at this step without completing it/);
  }

  // a period with nothing to say says so
  await page.goto(`${base}/workflows/${W}?start_date=2025-01-01&end_date=2025-01-07&timezone=UTC`);
  await page.waitForSelector('section[aria-label="Insights"] .state-empty');
  assert.match(await page.innerText('section[aria-label="Insights"]'), /Nothing stands out in this period/);
  assert.deepEqual(consoleErrors, []);
});
