/**
 * The funnel and summary day states a start counts ahead of requests (src/metrics/prepare.ts,
 * MetricsQueryService.prepare): after a restart on a data directory that holds a workflow's executions, `/healthz`
 * says `day_states: ready` once they are counted, on the store's background lane; the workflow's first funnel then
 * reads only its edges off UTC midnight and its first summary nothing at all, where without them they read every day
 * of their period, and their answers equal the panels counted at once.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { funnel } from '../src/metrics/funnel.js';
import { parsePeriod } from '../src/metrics/period.js';
import { busiestWorkflows } from '../src/metrics/prepare.js';
import { summariesWithTrends } from '../src/metrics/summary.js';
import type { Scope } from '../src/metrics/scope.js';
import { mulberry32 } from '../src/stats/seeded-random.js';
import { addDays, DAY_MS, localDate } from '../src/time/calendar.js';
import { ev, startTestRuntime, type TestRuntime } from './helpers/runtime.js';

const W = 'wf-prepared';
const QUIET = 'wf-quiet';
/** Never asked in these tests: its preparation's statements are all its own. */
const THIRD = 'wf-third';
let rt: TestRuntime;
let account = '';
const now = Date.now();
const today = localDate(new Date(now), 'UTC');
const iso = (ms: number) => new Date(ms).toISOString();

/** Executions of a workflow of three steps, enrolled over the last 60 days, each going as far as its draw says. */
function executions(workflow: string, n: number, seed: number): Record<string, unknown>[] {
  const u = mulberry32(seed);
  const events: Record<string, unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const id = `${workflow}-${i}`;
    let t = now - DAY_MS - Math.floor(u() * 59 * DAY_MS);
    events.push(ev.started(workflow, id, iso(t)));
    let done = true;
    for (const step of ['a', 'b', 'c']) {
      t += 60_000 + Math.floor(u() * 3_600_000);
      events.push(ev.step('started', workflow, id, step, iso(t)));
      if (u() < 0.2) { done = false; break; }
      t += Math.floor(u() * 600_000);
      events.push(ev.step('completed', workflow, id, step, iso(t), { duration_ms: 1000 }));
    }
    events.push(done ? ev.completed(workflow, id, iso(t + 1000)) : ev.exited(workflow, id, iso(t + 1000), 'unsubscribed'));
  }
  return events;
}

before(async () => {
  const first = await startTestRuntime();
  let key: string;
  ({ accountId: account, key } = await first.newAccount('admin'));
  for (const w of [W, QUIET]) {
    const put = await first.call('PUT', `/api/v1/workflows/${w}`, key, { name: w, version: 1, steps: ['a', 'b', 'c'].map((id, i) => ({ step_id: id, name: id, order: i + 1, type: 'action', action_type: 'send_email' })) });
    assert.ok(put.status < 300, put.text);
  }
  const r = await first.call('POST', '/api/v1/events', key, [...executions(W, 400, 3), ...executions(QUIET, 40, 4), ...executions(THIRD, 30, 5)]);
  assert.equal(r.status, 200, r.text);
  await first.stored();
  await first.deps.derived.idle();
  await first.close();
  // a restart on the same data: the preparation is what a start does
  rt = await startTestRuntime({ prepareWorkflows: 1 }, first.dataDir);
});
after(() => rt?.close());

/** The service's 30-day funnel and summary in a timezone, the days each one's counting statements read, and both counted at once. */
async function asked(timezone: string) {
  const period = parsePeriod({ start_date: addDays(today, -30), end_date: addDays(today, -1), timezone });
  const scope: Scope = { account, workflow: W };
  const store = rt.deps.store;
  const original = store.query;
  const days = { funnel: 0, summary: 0 };
  let recording = true;
  store.query = ((sql, params, options) => {
    const panel = sql.includes("'cohort' AS part") ? 'funnel' : sql.includes('AS dur_b') ? 'summary' : undefined;
    if (recording && panel) {
      const p = (params ?? {}) as Record<string, Date>;
      for (let i = 0; `r${i}_from` in p; i++) days[panel] += (p[`r${i}_to`]!.getTime() - p[`r${i}_from`]!.getTime()) / DAY_MS;
    }
    return original.call(store, sql, params, options);
  }) as typeof store.query;
  try {
    const panels = await rt.deps.queries.workflow(scope, period, false);
    const { workflow_id: _w, period: _p, filters: _f, history: _h, ...served } = await panels.funnel() as unknown as Record<string, unknown>;
    const summary = await panels.summary();
    recording = false;
    const [direct] = await summariesWithTrends(store, scope, [period]);
    return { served, direct: await funnel(store, scope, period), summary: { served: { summary: summary.summary, trends: summary.trends }, direct }, days };
  } finally {
    store.query = original;
  }
}

test('the busiest workflows come first, as many as asked', async () => {
  assert.deepEqual(await busiestWorkflows(rt.deps.store, new Date(now - 90 * DAY_MS), 5), [W, QUIET, THIRD].map((workflow) => ({ account, workflow })));
  assert.deepEqual(await busiestWorkflows(rt.deps.store, new Date(now - 90 * DAY_MS), 1), [{ account, workflow: W }]);
});

test('after a start, the busiest workflow\'s first funnel reads only its edges and its first summary nothing; one not prepared reads every day', async () => {
  const health = async () => (await rt.app.inject({ method: 'GET', url: '/healthz' })).json() as { day_states?: string };
  for (let i = 0; i < 200 && (await health()).day_states === 'preparing'; i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal((await health()).day_states, 'ready');

  const prepared = await asked('America/New_York');
  assert.deepEqual(prepared.served, prepared.direct);
  assert.deepEqual(prepared.summary.served, prepared.summary.direct);
  assert.ok(prepared.direct.total_enrolled > 100, 'the window holds executions');
  // New York's days are UTC's shifted by 4–5 hours: the funnel counts the two partial UTC days at the window's ends;
  // the summary takes their quarter hours from the prepared days, today's too (prepared for this data generation)
  assert.ok(prepared.days.funnel > 0 && prepared.days.funnel < 2, `funnel: read ${prepared.days.funnel.toFixed(2)} days of 30`);
  assert.equal(prepared.days.summary, 0, 'summary: nothing read');

  // the workflow not prepared (prepareWorkflows: 1) counts every day of its first window
  const quiet = await rt.deps.queries.workflow({ account, workflow: QUIET }, parsePeriod({ start_date: addDays(today, -30), end_date: addDays(today, -1), timezone: 'Asia/Tokyo' }), false);
  const store = rt.deps.store;
  const original = store.query;
  let statements = 0;
  store.query = ((sql, params, options) => {
    if (sql.includes("'cohort' AS part")) statements += 1;
    return original.call(store, sql, params, options);
  }) as typeof store.query;
  try {
    const f = await quiet.funnel();
    assert.ok(f.total_enrolled > 0);
  } finally {
    store.query = original;
  }
  assert.equal(statements, 1, 'its days counted by the request');
});

test('the preparation runs on the background lane and prepares the latest days first', async () => {
  const store = rt.deps.store;
  const original = store.query;
  const seen: { panel: string; background: boolean; from: number }[] = [];
  store.query = ((sql, params, options) => {
    const from = ((params ?? {}) as Record<string, Date | undefined>).r0_from;
    if (from) seen.push({ panel: sql.includes("'cohort' AS part") ? 'funnel' : 'summary', background: options?.background === true, from: from.getTime() });
    return original.call(store, sql, params, options);
  }) as typeof store.query;
  try {
    await rt.deps.queries.prepare(account, THIRD, 25, 10);
  } finally {
    store.query = original;
  }
  const funnels = seen.filter((s) => s.panel === 'funnel');
  // 25 days, 10 a statement: three funnel statements, and the summary's two (cohort, moments) for each chunk, for
  // today and tomorrow, and for its one version's 27 days (every execution of it, version 1)
  assert.deepEqual([funnels.length, seen.length], [3, 13]);
  assert.ok(seen.every((s) => s.background), 'every statement in the background lane');
  assert.deepEqual(funnels.map((s) => s.from), funnels.map((s) => s.from).sort((a, b) => b - a), 'the latest days first');
});
