/**
 * The summary and trends of a period from per-day states (src/metrics/summary-days.ts). Reaching back before the raw
 * window: every count, breakdown, sum and trend bucket equal to the one-pass statement's in timezones off UTC by
 * whole, half and three-quarter hours, at every granularity from the hour to the month, with filters; percentiles
 * within the stated 0.5 % of the exact ones. A new window reads only its edges and today; a late event has its
 * execution's enrolment day read again and moves one count. Inside the raw window (exact states: the days' values, per
 * quarter hour): every figure, the percentiles too, equal to the one-pass statement's, in five timezones and four
 * granularities; a window of closed days reads nothing, not even its edges.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { SummaryAndTrends } from '../src/contract/index.js';
import { parsePeriod, type Granularity } from '../src/metrics/period.js';
import { summariesWithTrends } from '../src/metrics/summary.js';
import type { Scope } from '../src/metrics/scope.js';
import { RELATIVE_ERROR } from '../src/stats/log-buckets.js';
import { mulberry32 } from '../src/stats/seeded-random.js';
import { addDays, DAY_MS, localDate, mondayOf } from '../src/time/calendar.js';
import { ev, startTestRuntime, type TestRuntime } from './helpers/runtime.js';

const W = 'wf-summary-days';
const RETENTION = { rawDays: 30, dailyDays: 730 };
let rt: TestRuntime;
let account: string;
let key: string;
const now = Date.now();
const today = localDate(new Date(now), 'UTC');
const iso = (ms: number) => new Date(ms).toISOString();
/** Enrolled 50 days ago at noon, still active: its completion is the late event. */
const LATE = 'late-0';
const lateEnrolled = Math.floor(now / DAY_MS) * DAY_MS - 50 * DAY_MS + 12 * 3_600_000;

before(async () => {
  rt = await startTestRuntime({ retention: RETENTION });
  ({ accountId: account, key } = await rt.newAccount());
  const u = mulberry32(31);
  const events: Record<string, unknown>[] = [ev.started(W, LATE, iso(lateEnrolled), { enrollment_source: 'api' })];
  for (let i = 0; i < 900; i++) {
    // enrolled over the last 100 days, to the millisecond; the outcome minutes to 12 days later, none after now
    const enrolled = now - 3_600_000 - Math.floor(u() * 100 * DAY_MS);
    const id = `x-${i}`;
    events.push(ev.started(W, id, iso(enrolled), { enrollment_source: u() < 0.3 ? 'api' : 'trigger' }));
    const end = enrolled + Math.floor(Math.exp(u() * 14) * 60_000);
    if (end > now - 60_000) continue;
    const kind = u();
    if (kind < 0.35) events.push(ev.completed(W, id, iso(end)));
    else if (kind < 0.55) events.push(ev.goal(W, id, iso(end)), ev.completed(W, id, iso(end + 1000)));
    else if (kind < 0.7) events.push(ev.failed(W, id, iso(end)));
    else if (kind < 0.85) events.push(ev.exited(W, id, iso(end)));
  }
  const r = await rt.call('POST', '/api/v1/events', key, events);
  assert.equal(r.status, 200, r.text);
  assert.ok(r.json.aggregated_only > 0, 'part of the data set lies before the raw window');
  await rt.stored();
  await rt.deps.derived.idle();
});
after(() => rt.close());

const PERCENTILES = ['duration_hours', 'time_to_conversion_percentiles_hours'] as const;

/** The service's answer (day states) next to the one-pass statement's, and the ranges the day-state statements read. */
async function both(start: string, end: string, timezone: string, granularity: Granularity, filters: Partial<Scope> = {}) {
  const period = parsePeriod({ start_date: start, end_date: end, timezone, granularity });
  const scope: Scope = { account, workflow: W, ...filters };
  const store = rt.deps.store;
  const original = store.query;
  const ranges: [number, number][] = [];
  let onePass = 0;
  store.query = ((sql, params, options) => {
    if (sql.includes('AS dur_b')) {
      const p = (params ?? {}) as Record<string, Date>;
      for (let i = 0; `r${i}_from` in p; i++) ranges.push([p[`r${i}_from`]!.getTime(), p[`r${i}_to`]!.getTime()]);
    }
    if (sql.includes('quantilesExactMerge')) onePass++;
    return original.call(store, sql, params, options);
  }) as typeof store.query;
  try {
    const served = await (await rt.deps.queries.workflow(scope, period, false)).summary();
    const servedOnePass = onePass;
    const [direct] = await summariesWithTrends(store, scope, [period]);
    return { served, direct: direct!, ranges, onePass: servedOnePass };
  } finally {
    store.query = original;
  }
}

/** Equal but for the percentiles, which lie within the stated error of the exact ones (both rounded to 0.01 h). */
function assertClose(served: SummaryAndTrends, direct: SummaryAndTrends, what: string) {
  assert.deepEqual(served.trends, direct.trends, `${what}: trends`);
  const strip = (s: SummaryAndTrends['summary']) => ({ ...s, duration_hours: null, time_to_conversion_percentiles_hours: null });
  assert.deepEqual(strip(served.summary), strip(direct.summary), `${what}: summary`);
  for (const k of PERCENTILES) {
    for (const q of ['p50', 'p90', 'p95'] as const) {
      const [a, b] = [served.summary[k][q], direct.summary[k][q]];
      assert.ok(a !== null && b !== null, `${what}: ${k}.${q} given`);
      assert.ok(Math.abs(a - b) <= RELATIVE_ERROR * Math.abs(b) + 0.01, `${what}: ${k}.${q} ${a} against ${b}`);
    }
  }
}

const span = (ranges: [number, number][]) => ranges.reduce((s, [a, b]) => s + (b - a), 0);
const reads = (ranges: [number, number][], day: number) => ranges.some(([a, b]) => a < day + DAY_MS && day < b);

test('day states give the one-pass statement\'s figures: five timezones, four granularities, filters; percentiles within 0.5 %', async () => {
  const cases: Array<[string, Granularity, Partial<Scope>]> = [
    ['UTC', 'daily', {}],
    ['America/New_York', 'weekly', {}],
    ['Asia/Kolkata', 'monthly', {}],
    ['Asia/Kathmandu', 'daily', { enrollment_source: 'trigger' }],
    ['Australia/Lord_Howe', 'weekly', {}],
    ['Europe/Berlin', 'hourly', {}],
  ];
  let i = 0;
  for (const [tz, granularity, filters] of cases) {
    const start = addDays(today, -(95 - (i % 5)));
    const end = addDays(today, -(i % 3));
    const { served, direct, ranges, onePass } = await both(start, end, tz, granularity, filters);
    assertClose(served, direct, `${tz} ${granularity} ${start}…${end}`);
    assert.ok(direct.summary.total_enrolled > 300 && direct.summary.completed > 100, 'the period holds the executions');
    assert.ok(ranges.length > 0 && onePass === 0, 'answered from day states');
    assert.match(served.period.history!.source, /percentiles within 0\.5 %/);
    assert.equal(served.period.history!.percentile_error, RELATIVE_ERROR);
    i++;
  }
});

test('a new window reuses the kept days: only its edges and today are read', async () => {
  await both(addDays(today, -90), today, 'UTC', 'weekly'); // keeps every closed day of the period
  const again = await both(addDays(today, -87), today, 'Asia/Kolkata', 'daily');
  assertClose(again.served, again.direct, 'Kolkata');
  // Kolkata's first midnight is 18:30 UTC the day before, its last day ends 18:30 UTC today
  assert.ok(span(again.ranges) <= 1.5 * DAY_MS, `read ${span(again.ranges) / 3_600_000} hours`);
});

test('a late event of an execution enrolled on a kept day has that day read again, and moves one count', async () => {
  const start = addDays(today, -89); // a window not asked before: its kept days are reused
  const before = await both(start, today, 'UTC', 'weekly');
  const lateDay = Math.floor(lateEnrolled / DAY_MS) * DAY_MS;
  assert.ok(!reads(before.ranges, lateDay), 'kept before the late event');
  const completedAt = now - 120_000;
  const r = await rt.call('POST', '/api/v1/events', key, [ev.completed(W, LATE, iso(completedAt))]);
  assert.equal(r.json.accepted, 1);
  const after = await both(start, today, 'UTC', 'weekly');
  assert.ok(reads(after.ranges, lateDay), 'the late execution\'s enrolment day is read again');
  assertClose(after.served, after.direct, 'after the late event');
  assert.equal(after.served.summary.completed, before.served.summary.completed + 1);
  assert.equal(after.served.summary.currently_active, before.served.summary.currently_active - 1);
  // the week of the completion (this one, or the last when the test runs just after Monday's midnight)
  const week = after.served.trends.findIndex((t) => t.date === mondayOf(localDate(new Date(completedAt), 'UTC')));
  assert.ok(week >= 0);
  assert.equal(after.served.trends[week]!.completions, before.served.trends[week]!.completions + 1, 'counted in its week\'s completions');
});

test('a period inside the raw window: exact day states, every figure equal to the one-pass statement\'s, percentiles included', async () => {
  const cases: Array<[number, number, string, Granularity, Partial<Scope>]> = [
    [20, 0, 'UTC', 'daily', {}],
    [29, 1, 'America/New_York', 'weekly', {}],
    [27, 0, 'Asia/Kolkata', 'hourly', { enrollment_source: 'api' }],
    [25, 3, 'Asia/Kathmandu', 'monthly', {}],
    [6, 0, 'Australia/Lord_Howe', 'daily', {}],
  ];
  // first, the last 29 closed days, all inside the raw window of 30 (every day counted: their states kept)
  const first = await both(addDays(today, -29), addDays(today, -1), 'UTC', 'daily');
  assert.deepEqual({ summary: first.served.summary, trends: first.served.trends }, first.direct);
  assert.equal(first.served.period.history, undefined);
  assert.equal(span(first.ranges), 29 * DAY_MS);
  for (const [back, to, tz, granularity, filters] of cases) {
    const { served, direct, ranges, onePass } = await both(addDays(today, -back), addDays(today, -to), tz, granularity, filters);
    const what = `${tz} ${granularity} ${back}…${to} days back`;
    assert.equal(onePass, 0, `${what}: answered from day states`);
    // the filtered case keeps days of its own; the others read today at most (once: its state holds until a write)
    if (!filters.enrollment_source) assert.ok(span(ranges) <= (to === 0 ? DAY_MS : 0), `${what}: read ${span(ranges) / 3_600_000} hours`);
    assert.deepEqual({ summary: served.summary, trends: served.trends }, direct, what);
    assert.ok(direct.summary.completed > 5 && direct.summary.goals_achieved > 2, `${what}: percentiles over enough values`);
    assert.equal(served.period.history, undefined, `${what}: no history note`);
  }
  // today's state, counted once for this data generation, serves a window with today in any timezone
  const withToday = await both(addDays(today, -5), today, 'America/New_York', 'hourly');
  assert.deepEqual({ summary: withToday.served.summary, trends: withToday.served.trends }, withToday.direct);
  const todayStart = Math.floor(now / DAY_MS) * DAY_MS;
  assert.ok(!reads(withToday.ranges, todayStart), 'today kept for this generation (New York\'s window reaches into tomorrow, UTC: that day is counted)');
  // a write changes the generation: today is counted again, and the new execution is in the answer
  const r = await rt.call('POST', '/api/v1/events', key, [ev.started(W, 'today-1', iso(now - 120_000)), ev.completed(W, 'today-1', iso(now - 60_000))]);
  assert.equal(r.json.accepted, 2, r.text);
  await rt.stored();
  await rt.deps.derived.idle();
  const written = await both(addDays(today, -5), today, 'America/New_York', 'hourly');
  assert.deepEqual({ summary: written.served.summary, trends: written.served.trends }, written.direct);
  assert.equal(written.served.summary.total_enrolled, withToday.served.summary.total_enrolled + 1);
  assert.ok(reads(written.ranges, todayStart), 'today read again');
  // a window of closed days not asked before reads nothing: the days of its edges off UTC midnight are kept days,
  // of which it takes the quarter hours it covers; its percentiles are still the exact ones
  const again = await both(addDays(today, -26), addDays(today, -2), 'Europe/Berlin', 'daily');
  assert.deepEqual({ summary: again.served.summary, trends: again.served.trends }, again.direct);
  assert.equal(span(again.ranges), 0, `read ${span(again.ranges) / 3_600_000} hours`);
});
