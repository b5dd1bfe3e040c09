/**
 * The funnel's counts from per-day states (src/metrics/funnel-days.ts), which the query service keeps and any new
 * window reuses: every figure equal to the funnel counted over the period in one statement (the steps' exact p50 and
 * p95 times included: selected across the days' times once the days are prepared, with no statement over the period;
 * the engine's over the period when more days are missing than a request counts with their times), in timezones off UTC by
 * whole, half and three-quarter hours, with a filter, with steps the catalog does not name; a new window counts only
 * what its kept days do not cover; a late event has its execution's enrolment day counted again, and no other day
 * (of cohort figures, a batch touches its executions' enrolment hours: src/derived/touched-ranges.ts).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { funnel } from '../src/metrics/funnel.js';
import { parsePeriod } from '../src/metrics/period.js';
import type { Scope } from '../src/metrics/scope.js';
import { mulberry32 } from '../src/stats/seeded-random.js';
import { addDays, DAY_MS, localDate } from '../src/time/calendar.js';
import { ev, startTestRuntime, type TestRuntime } from './helpers/runtime.js';

const W = 'wf-funnel-days';
const STEPS = ['a', 'b', 'c', 'd'];
let rt: TestRuntime;
let account = '';
let key = '';
const now = Date.now();
const today = localDate(new Date(now), 'UTC');
const iso = (ms: number) => new Date(ms).toISOString();
/** Enrolled 20 days ago at noon, still in step b: its completion of b and exit are the late events. */
const LATE = 'late-0';
const lateEnrolled = Math.floor(now / DAY_MS) * DAY_MS - 20 * DAY_MS + 12 * 3_600_000;

before(async () => {
  rt = await startTestRuntime();
  ({ accountId: account, key } = await rt.newAccount('admin'));
  const put = await rt.call('PUT', `/api/v1/workflows/${W}`, key, {
    name: 'Onboarding', version: 1,
    steps: STEPS.map((id, i) => ({ step_id: id, name: `Step ${id}`, order: i + 1, type: 'action', action_type: 'send_email' })),
  });
  assert.ok(put.status < 300, put.text);
  const u = mulberry32(7);
  const events: Record<string, unknown>[] = [
    ev.started(W, LATE, iso(lateEnrolled), { variant: 'B' }),
    ev.step('started', W, LATE, 'a', iso(lateEnrolled + 60_000)), ev.step('completed', W, LATE, 'a', iso(lateEnrolled + 120_000)),
    ev.step('started', W, LATE, 'b', iso(lateEnrolled + 180_000)),
  ];
  for (let i = 0; i < 800; i++) {
    const id = `x-${i}`;
    const enrolled = now - 3_600_000 - Math.floor(u() * 60 * DAY_MS);
    events.push(ev.started(W, id, iso(enrolled), { variant: u() < 0.5 ? 'A' : 'B' }));
    let t = enrolled;
    let done = true;
    // through the steps (one in ten also through a step the catalog does not name), stopping in or after one
    const path = u() < 0.1 ? ['a', 'x', ...STEPS.slice(1)] : STEPS;
    for (const step of path) {
      t += Math.floor(u() * 6 * 3_600_000) + 1000;
      if (t > now - 60_000) { done = false; break; }
      events.push(ev.step('started', W, id, step, iso(t)));
      if (u() < 0.15) { done = false; break; } // still in it, or left from it
      t += Math.floor(Math.exp(u() * 10) * 1000);
      if (t > now - 60_000) { done = false; break; }
      events.push(ev.step('completed', W, id, step, iso(t), { duration_ms: Math.floor(u() * 90_000) }));
      if (u() < 0.12) { done = false; break; } // lost after it
    }
    const end = t + 60_000;
    if (end > now - 60_000) continue;
    const kind = u();
    if (done && kind < 0.8) events.push(ev.completed(W, id, iso(end)));
    else if (kind < 0.4) events.push(ev.exited(W, id, iso(end), u() < 0.5 ? 'unsubscribed' : 'bounced'));
    else if (kind < 0.6) events.push(ev.failed(W, id, iso(end)));
  }
  const r = await rt.call('POST', '/api/v1/events', key, events);
  assert.equal(r.status, 200, r.text);
  await rt.stored();
  await rt.deps.derived.idle();
});
after(() => rt?.close());

/** The service's funnel (day states) next to the funnel counted over the period at once, and the ranges its counts read. */
async function both(start: string, end: string, timezone: string, filters: Partial<Scope> = {}) {
  const period = parsePeriod({ start_date: start, end_date: end, timezone });
  const scope: Scope = { account, workflow: W, ...filters };
  const store = rt.deps.store;
  const original = store.query;
  const ranges: [number, number][] = [];
  let recording = true;
  // statements that read the steps' times over the period (STEP_TIMES_SQL): inside the raw window none, the states hold them
  let timeStatements = 0;
  store.query = ((sql, params, options) => {
    if (recording && sql.includes('quantilesExact')) timeStatements++;
    if (recording && sql.includes("'cohort' AS part")) {
      const p = (params ?? {}) as Record<string, Date>;
      for (let i = 0; `r${i}_from` in p; i++) ranges.push([p[`r${i}_from`]!.getTime(), p[`r${i}_to`]!.getTime()]);
    }
    return original.call(store, sql, params, options);
  }) as typeof store.query;
  try {
    const { workflow_id: _w, period: _p, filters: _f, history: _h, ...served } = await (await rt.deps.queries.workflow(scope, period, false)).funnel() as unknown as Record<string, unknown>;
    recording = false;
    const direct = await funnel(store, scope, period);
    return { served, direct, ranges, days: ranges.reduce((s, [a, b]) => s + (b - a) / DAY_MS, 0), timeStatements };
  } finally {
    store.query = original;
  }
}

test('windows whose days were not prepared (before the preparation, a filter\'s) take the engine\'s percentiles; every figure equal', async () => {
  for (const [timezone, days, filters] of [['UTC', 30, {}], ['Asia/Kolkata', 30, { variant: 'B' }]] as const) {
    const { served, direct, timeStatements } = await both(addDays(today, -days), addDays(today, -1), timezone, filters);
    assert.deepEqual(served, direct, `${timezone}, ${days} days`);
    assert.ok(timeStatements >= 1, 'more days missing than a request counts with their times');
  }
});

test('once prepared, every figure equals the funnel counted over the period at once, the steps\' percentiles selected across the days\' times, in three timezones', async () => {
  await rt.deps.queries.prepare(account, W, 90, 10);
  for (const [timezone, days] of [['UTC', 30], ['America/New_York', 45], ['Asia/Kathmandu', 14]] as const) {
    const { served, direct, timeStatements } = await both(addDays(today, -days), addDays(today, -1), timezone);
    assert.deepEqual(served, direct, `${timezone}, ${days} days`);
    assert.equal(timeStatements, 0, 'the steps\' p50 and p95 selected across the days\' times');
    assert.ok((direct.funnel_steps as unknown[]).length === 5, 'the catalog steps and the one it does not name');
    assert.ok(direct.total_enrolled > 0 && direct.funnel_steps.some((s) => s.lost_before > 0), 'losses counted');
  }
});

test('a new window counts only what its kept days do not cover', async () => {
  await both(addDays(today, -40), addDays(today, -5), 'UTC');
  // one day later and in another timezone: its new UTC day, its edges, today at most
  const again = await both(addDays(today, -39), addDays(today, -4), 'Europe/Berlin');
  assert.deepEqual(again.served, again.direct);
  assert.ok(again.days > 0 && again.days <= 3, `read ${again.days.toFixed(2)} days of ${36}`);
});

test('a late event has its execution\'s enrolment day counted again', async () => {
  const window = [addDays(today, -25), addDays(today, -2)] as const;
  const before = await both(window[0], window[1], 'UTC');
  assert.deepEqual(before.served, before.direct);
  // a timezone not asked before (no cached answer) whose days are UTC's: every day kept, nothing counted
  const again = await both(window[0], window[1], 'Africa/Abidjan');
  assert.deepEqual(again.served, before.served);
  assert.equal(again.days, 0, 'every day kept: nothing counted');
  assert.equal(again.timeStatements, 0, 'the steps\' times too');
  const r = await rt.call('POST', '/api/v1/events', key, [
    ev.step('completed', W, LATE, 'b', iso(now - 30_000)),
    ev.exited(W, LATE, iso(now - 20_000), 'late_reason'),
  ]);
  assert.equal(r.json.accepted, 2, r.text);
  await rt.stored();
  await rt.deps.derived.idle();
  const after = await both(window[0], window[1], 'UTC');
  assert.deepEqual(after.served, after.direct);
  // of cohort figures, a batch touches its executions' enrolment hours only (touched-ranges.ts), not their spans
  const lateDay = Math.floor(lateEnrolled / DAY_MS) * DAY_MS;
  assert.ok(after.ranges.length > 0, 'the late execution\'s enrolment day is read again');
  assert.deepEqual(after.ranges.filter(([a, z]) => a < lateDay || z > lateDay + DAY_MS), [], 'and no other day: the days since it stay kept');
  const b = (f: typeof before) => (f.served.funnel_steps as Array<{ step_id: string; completed: number; in_progress: number }>).find((s) => s.step_id === 'b')!;
  assert.equal(b(after).completed, b(before).completed + 1);
  assert.equal(b(after).in_progress, b(before).in_progress - 1);
  const c = (f: typeof before) => (f.served.funnel_steps as Array<{ step_id: string; lost_before_reasons: Record<string, number> }>).find((s) => s.step_id === 'c')!;
  assert.equal(c(after).lost_before_reasons.late_reason, 1, 'lost after b, by its exit reason');
});
