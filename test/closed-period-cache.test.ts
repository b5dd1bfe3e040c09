/**
 * Answers about a closed period are kept across the generations that did not touch it (issue 30): the previous
 * period of a compare is not recomputed while live events arrive in the current one, and is recomputed after a
 * late event in it — dated inside it, or of an execution enrolled in it — and after a catalog change. Counted on
 * the real embedded store: every engine statement the panels run is seen, and those computing the previous
 * period are told apart by their period parameters. The figures are checked against a fresh computation and
 * against the change worked out by hand.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ev, startTestRuntime, type TestRuntime } from './helpers/runtime.js';
import { actionsBody, funnelBody, summaryBody } from '../src/metrics/panels.js';
import { parsePeriod, previousPeriod, type Period } from '../src/metrics/period.js';
import { addDays, localDate } from '../src/time/calendar.js';

let rt: TestRuntime;
let key: string;
let account: string;
const W = 'wf-closed';

const now = new Date();
const today = localDate(now, 'UTC');
// the current period (open: it holds today) and the one before it (closed)
const period: Period = parsePeriod({ start_date: addDays(today, -6), end_date: today });
const prev = previousPeriod(period);
/** An instant of the previous period: its `day`-th day (0-based) at `time` UTC. */
const inPrev = (day: number, time: string) => `${addDays(prev.startDate, day)}T${time}Z`;
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000).toISOString();

const query = (panel: string) => `/api/v1/workflows/${W}/analytics${panel}?start_date=${period.startDate}&end_date=${period.endDate}&compare=previous_period`;

/**
 * The three panels of the compare, how many engine statements computed the previous period, and how many computed
 * figures of a period of the workflow (the requests' access checks and the engine's background reads aside).
 */
async function compare(): Promise<{ summary: any; funnel: any; actions: any; previous: number; periods: number }> {
  const store = rt.deps.store;
  const original = store.query;
  let previous = 0;
  let periods = 0;
  store.query = ((sql, params, options) => {
    // a statement about the previous period binds its bounds as one of its periods (from/to, from1/to1, …)
    const values = (params ?? {}) as Record<string, unknown>;
    const about = Object.keys(values).some((k) => /^from\d*$/.test(k) && sameInstant(values[k], prev.from) && sameInstant(values[k.replace('from', 'to')], prev.to));
    if (about) previous++;
    if (values.workflow === W && Object.keys(values).some((k) => /^from\d*$/.test(k))) periods++;
    return original.call(store, sql, params, options);
  }) as typeof store.query;
  try {
    const [summary, funnel, actions] = await Promise.all(['', '/funnel', '/actions'].map((p) => rt.call('GET', query(p), key)));
    for (const r of [summary!, funnel!, actions!]) assert.equal(r.status, 200, r.text);
    return { summary: summary!.json, funnel: funnel!.json, actions: actions!.json, previous, periods };
  } finally {
    store.query = original;
  }
}

function sameInstant(v: unknown, d: Date): boolean {
  if (v instanceof Date) return v.getTime() === d.getTime();
  return typeof v === 'string' && Date.parse(v.includes('T') ? v : `${v.replace(' ', 'T')}Z`) === d.getTime();
}

/** The panels computed now from the store, with no cache: what the kept answers must equal. */
async function fresh() {
  const scope = { account, workflow: W };
  const json = (x: unknown) => JSON.parse(JSON.stringify(x));
  return {
    summary: json(await summaryBody(rt.deps.store, scope, period, true)),
    funnel: json(await funnelBody(rt.deps.store, scope, period, true)),
    actions: json(await actionsBody(rt.deps.store, scope, period, true)),
  };
}

/** The figures of a summary answer that do not depend on the instant it was served at (period progress, same elapsed). */
function figures(summary: any) {
  const { period: _p, same_elapsed: _s, ...comparison } = summary.comparison;
  return { summary: summary.summary, trends: summary.trends, comparison };
}

async function assertFresh(got: { summary: any; funnel: any; actions: any }) {
  const want = await fresh();
  assert.deepEqual(figures(got.summary), figures(want.summary));
  assert.deepEqual(got.funnel, want.funnel);
  assert.deepEqual(got.actions, want.actions);
}

const post = async (events: unknown[]) => {
  const res = await rt.call('POST', '/api/v1/events', key, events);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.accepted, events.length, res.text);
};

before(async () => {
  rt = await startTestRuntime();
  ({ key, accountId: account } = await rt.newAccount());
  const done = { duration_ms: 1000 };
  await post([
    // the previous period: p1 completes with one action, p2 stays active after one action, p3 fails its action
    ev.started(W, 'p1', inPrev(1, '10:00:00')),
    ev.step('started', W, 'p1', 'a', inPrev(1, '10:00:01')),
    ev.step('completed', W, 'p1', 'a', inPrev(1, '10:00:02'), done),
    ev.completed(W, 'p1', inPrev(1, '11:00:00')),
    ev.started(W, 'p2', inPrev(2, '09:00:00')),
    ev.step('started', W, 'p2', 'a', inPrev(2, '09:00:01')),
    ev.step('completed', W, 'p2', 'a', inPrev(2, '09:00:02'), done),
    ev.started(W, 'p3', inPrev(3, '08:00:00')),
    ev.step('started', W, 'p3', 'a', inPrev(3, '08:00:01')),
    ev.step('failed', W, 'p3', 'a', inPrev(3, '08:00:02')),
    // the current period: c1, enrolled two hours ago
    ev.started(W, 'c1', minutesAgo(120)),
    ev.step('started', W, 'c1', 'a', minutesAgo(119)),
  ]);
});

after(async () => {
  await rt?.close();
});

describe('a kept answer for a closed period', () => {
  test('is not recomputed for live events in the current period, and equals a fresh computation', async () => {
    const first = await compare();
    assert.ok(first.previous > 0, 'the first compare computes the previous period');
    const c = first.summary.comparison.summary;
    assert.deepEqual([c.total_enrolled, c.completed, c.currently_active, c.errored], [3, 1, 2, 0], 'p1 completed, p2 and p3 active (p3 only failed its action)');
    await assertFresh(first);

    // live events: a new execution and a step of c1, both in the current period
    await post([ev.started(W, 'c2', minutesAgo(1)), ev.step('completed', W, 'c1', 'a', minutesAgo(1), { duration_ms: 500 })]);
    const second = await compare();
    assert.equal(second.previous, 0, 'the previous period is kept: no statement computes it');
    assert.ok(second.periods > 0, 'the current period is recomputed');
    assert.equal(second.summary.summary.total_enrolled, first.summary.summary.total_enrolled + 1, 'c2 counts in the current period');
    assert.deepEqual(second.summary.comparison.summary, first.summary.comparison.summary);
    await assertFresh(second);
  });

  test('is recomputed after a late event dated inside it, and its figures change by exactly that event', async () => {
    const before = await compare();
    // p4: enrolled late in the previous period (its 5th day), completed the same day
    await post([ev.started(W, 'p4', inPrev(4, '15:00:00')), ev.completed(W, 'p4', inPrev(4, '16:00:00'))]);
    const after = await compare();
    assert.ok(after.previous > 0, 'the previous period is recomputed');
    const [b, a] = [before.summary.comparison.summary, after.summary.comparison.summary];
    assert.deepEqual([a.total_enrolled - b.total_enrolled, a.completed - b.completed, a.currently_active - b.currently_active], [1, 1, 0]);
    // its trends: one more enrollment and completion on its 5th day
    const day5 = (s: any) => s.comparison.trends.find((t: { date: string }) => t.date === addDays(prev.startDate, 4));
    assert.deepEqual([day5(after.summary).new_enrollments - day5(before.summary).new_enrollments, day5(after.summary).completions - day5(before.summary).completions], [1, 1]);
    assert.equal(after.funnel.comparison.total_enrolled, before.funnel.comparison.total_enrolled + 1);
    await assertFresh(after);
    // nothing more arrives: the next compare computes nothing
    assert.equal((await compare()).periods, 0);
  });

  test('is recomputed after an event of an execution enrolled in it, dated in the current period', async () => {
    const before = await compare();
    // p2 (enrolled in the previous period, active) completes now, and its action runs again now
    await post([ev.step('completed', W, 'p2', 'a', minutesAgo(1), { duration_ms: 3000 }), ev.completed(W, 'p2', minutesAgo(1))]);
    const after = await compare();
    assert.ok(after.previous > 0, 'the previous period is recomputed');
    const [b, a] = [before.summary.comparison.summary, after.summary.comparison.summary];
    // p2 leaves the active and joins the completed of its cohort; the action event counts now, in the current period
    assert.deepEqual([a.total_enrolled - b.total_enrolled, a.completed - b.completed, a.currently_active - b.currently_active], [0, 1, -1]);
    assert.deepEqual(after.actions.comparison.actions, before.actions.comparison.actions, 'actions are by their own time: the previous period has none more');
    const executions = (x: any) => x.actions.find((r: { action_id: string }) => r.action_id === 'a')?.executions ?? 0;
    assert.equal(executions(after.actions), executions(before.actions) + 1);
    await assertFresh(after);
  });

  test('is recomputed after an event dated inside it of an execution enrolled after it (a sender whose clock is behind)', async () => {
    const before = await compare();
    // c1 was enrolled two hours ago; one of its action events carries a time in the previous period
    await post([ev.step('completed', W, 'c1', 'b', inPrev(5, '12:00:00'), { duration_ms: 700 })]);
    const after = await compare();
    assert.ok(after.previous > 0, 'the previous period is recomputed');
    const executions = (x: any, id: string) => x.actions.find((r: { action_id: string }) => r.action_id === id)?.executions ?? 0;
    assert.equal(executions(after.actions.comparison, 'b'), executions(before.actions.comparison, 'b') + 1, 'actions count by their own time');
    assert.deepEqual(after.summary.comparison.summary, before.summary.comparison.summary, 'its cohort is the current period');
    await assertFresh(after);
  });

  test('is kept when an event far outside it arrives', async () => {
    const before = await compare();
    // an execution enrolled 60 days ago, and its completion 59 days ago: both long before the previous period
    const old = (days: number) => new Date(prev.from.getTime() - days * 86_400_000).toISOString();
    await post([ev.started(W, 'old1', old(60)), ev.step('started', W, 'old1', 'a', old(60)), ev.step('completed', W, 'old1', 'a', old(59), { duration_ms: 1000 }), ev.completed(W, 'old1', old(59))]);
    const after = await compare();
    assert.equal(after.previous, 0, 'the previous period is kept');
    assert.deepEqual(figures(after.summary).comparison, figures(before.summary).comparison);
    assert.deepEqual(after.funnel.comparison, before.funnel.comparison);
    assert.deepEqual(after.actions.comparison, before.actions.comparison);
    await assertFresh(after);
  });

  test('is recomputed after the catalog changes (everything of the workflow is invalidated)', async () => {
    await compare();
    const reg = await rt.call('PUT', `/api/v1/workflows/${W}`, key, {
      name: 'Closed', version: 1, steps: [{ step_id: 'a', name: 'Send it', order: 1, type: 'action', action_type: 'send_email' }],
    });
    assert.equal(reg.status, 201, reg.text);
    const after = await compare();
    assert.ok(after.previous > 0, 'the previous period is recomputed');
    assert.equal(after.actions.comparison.actions[0].action_name, 'Send it');
    await assertFresh(after);
  });
});
