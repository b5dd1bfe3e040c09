/**
 * Monthly cohort matrices from per-day states (src/metrics/cohort-month-keys.ts):
 * - the coarse key of an instant keeps its local month in every timezone in use (offsets −12 h to +14 h, half and
 *   quarter hours, DST at half hours, clocks that skip midnight), checked against the calendar's own local dates,
 *   and the engine computes the same key as the JS;
 * - on executions enrolled around the last three month boundaries, the service's matrix (kept day states and the
 *   period's edges counted afresh) equals the one-pass statement in eight timezones, four metrics and many periods;
 * - a second window reuses the kept days (only its edges and today are read), a late event of an execution
 *   enrolled on a kept day has that day read again and moves one count as worked out by hand, and a live event of
 *   today reads no kept day again.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cohortMatrix, COHORT_METRICS, type CohortRequest } from '../src/metrics/cohorts.js';
import { dayRanges, KEY_SQL, keyOf, localMonth, splitOverlappedDays, splitPeriod } from '../src/metrics/cohort-month-keys.js';
import { parsePeriod } from '../src/metrics/period.js';
import { addDays, DAY_MS, localDate } from '../src/time/calendar.js';
import { ev, startTestRuntime, type TestRuntime } from './helpers/runtime.js';

const ZONES = [
  'UTC', 'Asia/Kolkata', 'Asia/Kathmandu', 'Pacific/Kiritimati', 'Etc/GMT+12', 'America/St_Johns', 'Australia/Lord_Howe',
  'Pacific/Chatham', 'America/New_York', 'America/Santiago', 'Europe/Berlin',
];
/** The local month of an instant by the calendar (Intl): year × 12 + month − 1. */
const intlMonth = (ms: number, tz: string) => {
  const d = localDate(new Date(ms), tz);
  return Number(d.slice(0, 4)) * 12 + Number(d.slice(5, 7)) - 1;
};
/** A seeded uniform [0, 1) (mulberry32). */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('the key of an instant keeps its local month', () => {
  test('at and just before every quarter hour within a day of six month boundaries (DST changes and a skipped midnight among them), in eleven zones', () => {
    // Santiago's clocks skip 2026-09-06 00:00; New York and Berlin change near the end of October and March
    const boundaries = ['2026-01-01', '2026-03-01', '2026-04-01', '2026-09-01', '2026-11-01', '2027-01-01'].map((d) => Date.parse(`${d}T00:00:00Z`));
    let checked = 0;
    for (const tz of ZONES) {
      const starts = new Map<number, number>();
      for (const b of boundaries) {
        for (let q = b - DAY_MS; q < b + DAY_MS; q += 900_000) {
          for (const t of [q - 1, q]) {
            assert.equal(localMonth(t, tz, starts), intlMonth(t, tz), `${tz} ${new Date(t).toISOString()}`);
            assert.equal(localMonth(keyOf(t), tz, starts), intlMonth(t, tz), `key of ${tz} ${new Date(t).toISOString()}`);
            checked++;
          }
        }
      }
    }
    assert.ok(checked > 25_000, String(checked));
  });

  test('5,000 random instants over two years, to the millisecond', () => {
    const u = random(31);
    const lo = Date.parse('2025-01-01T00:00:00Z');
    for (let i = 0; i < 5_000; i++) {
      const t = lo + Math.floor(u() * 730 * DAY_MS);
      const tz = ZONES[i % ZONES.length]!;
      assert.equal(localMonth(keyOf(t), tz), intlMonth(t, tz), `${tz} ${new Date(t).toISOString()}`);
    }
  });

  test('the key is the day start inside a month and the quarter hour on its first and last days', () => {
    assert.equal(keyOf(Date.parse('2026-10-15T13:37:12.345Z')), Date.parse('2026-10-15T00:00:00Z'));
    assert.equal(keyOf(Date.parse('2026-10-31T13:37:12.345Z')), Date.parse('2026-10-31T13:30:00Z'));
    assert.equal(keyOf(Date.parse('2026-11-01T00:14:59.999Z')), Date.parse('2026-11-01T00:00:00Z'));
    assert.equal(keyOf(Date.parse('2026-02-28T23:59:00Z')), Date.parse('2026-02-28T23:45:00Z'));
    assert.equal(keyOf(Date.parse('2028-02-28T23:59:00Z')), Date.parse('2028-02-28T00:00:00Z')); // a leap year: the 29th is the last
  });
});

test('a period splits into whole closed UTC days of the window and the rest; days to read go in runs, the closest joined', () => {
  const h = 3_600_000;
  // Kolkata's 3 days from 18:30 UTC, now in the second day's afternoon, the window from the first whole day
  assert.deepEqual(splitPeriod(10 * DAY_MS - 5.5 * h, 13 * DAY_MS - 5.5 * h, 11 * DAY_MS + 15 * h, 0), { days: [10], rest: [[10 * DAY_MS - 5.5 * h, 10 * DAY_MS], [11 * DAY_MS, 13 * DAY_MS - 5.5 * h]] });
  // the window begins on day 12: days before it are counted afresh
  assert.deepEqual(splitPeriod(10 * DAY_MS, 15 * DAY_MS, 20 * DAY_MS, 11.5 * DAY_MS), { days: [12, 13, 14], rest: [[10 * DAY_MS, 12 * DAY_MS]] });
  assert.deepEqual(splitPeriod(10 * DAY_MS, 11 * DAY_MS, 10 * DAY_MS + h, null), { days: [], rest: [[10 * DAY_MS, 11 * DAY_MS]] });
  // when a day's state gives any range of its quarter hours: every day the period overlaps, today and later too
  assert.deepEqual(splitOverlappedDays(10 * DAY_MS - 5.5 * h, 13 * DAY_MS - 5.5 * h, 11 * DAY_MS + 15 * h, 0), { days: [9, 10, 11, 12], rest: [] });
  assert.deepEqual(splitOverlappedDays(10 * DAY_MS + 4 * h, 15 * DAY_MS, 20 * DAY_MS, 11.5 * DAY_MS), { days: [12, 13, 14], rest: [[10 * DAY_MS + 4 * h, 12 * DAY_MS]] });
  // ends off quarter hours: as splitPeriod
  assert.deepEqual(splitOverlappedDays(10 * DAY_MS + 60_000, 12 * DAY_MS, 20 * DAY_MS, null), splitPeriod(10 * DAY_MS + 60_000, 12 * DAY_MS, 20 * DAY_MS, null));
  assert.deepEqual(dayRanges([3, 4, 5, 9, 300]), [[3 * DAY_MS, 6 * DAY_MS], [9 * DAY_MS, 10 * DAY_MS], [300 * DAY_MS, 301 * DAY_MS]]);
  assert.deepEqual(dayRanges([1, 3, 10, 11, 30], 2), [[1 * DAY_MS, 12 * DAY_MS], [30 * DAY_MS, 31 * DAY_MS]]);
  assert.deepEqual(dayRanges([]), []);
});

const W = 'wf-month-keys';
let rt: TestRuntime;
let key: string;
let account: string;
const now = Date.now();
const today = localDate(new Date(now), 'UTC');
/** The first days of the last three months (UTC), the oldest first. */
const boundaries = [2, 1, 0].map((k) => {
  const d = new Date(Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth() - k, 1));
  return d.getTime();
});
const iso = (ms: number) => new Date(ms).toISOString();
/** One execution enrolled 10 days before the oldest boundary at noon, active: its completion is the late event. */
const LATE = 'late-0';
const lateEnrolled = boundaries[0]! - 10 * DAY_MS + 12 * 3_600_000;

before(async () => {
  rt = await startTestRuntime();
  ({ accountId: account, key } = await rt.newAccount());
  const u = random(7);
  const events: Record<string, unknown>[] = [ev.started(W, LATE, iso(lateEnrolled))];
  let n = 0;
  for (const b of boundaries) {
    for (let i = 0; i < 120; i++) {
      // within ±40 hours of the boundary, to the millisecond; a few mid-month
      const enrolled = i < 100 ? b + Math.floor((u() * 2 - 1) * 40 * 3_600_000) : b - Math.floor(u() * 25 * DAY_MS);
      if (enrolled > now - 3_600_000) continue;
      const id = `x-${n++}`;
      events.push(ev.started(W, id, iso(enrolled)));
      // the outcome some hours to 40 days later, often near a boundary too; none after now
      const end = Math.min(enrolled + Math.floor(u() * (u() < 0.5 ? 3 : 40) * DAY_MS), now - 60_000);
      const kind = u();
      if (kind < 0.3) events.push(ev.completed(W, id, iso(end)));
      else if (kind < 0.5) events.push(ev.goal(W, id, iso(end)), ev.completed(W, id, iso(end + 1000)));
      else if (kind < 0.65) events.push(ev.failed(W, id, iso(end)));
      else if (kind < 0.8) events.push(ev.exited(W, id, iso(end)));
    }
  }
  for (let i = 0; i < events.length; i += 5000) {
    const r = await rt.call('POST', '/api/v1/events', key, events.slice(i, i + 5000));
    assert.equal(r.status, 200, r.text);
  }
  await rt.stored();
  await rt.deps.derived.idle();
});
after(() => rt.close());

const scope = () => ({ account, workflow: W });
const month = (metric: CohortRequest['metric']): CohortRequest => ({ unit: 'month', metric, weekStart: 'monday' });

/** The service's matrix (day states) next to the one-pass statement's, and the ranges of enrolment time the day-state statements read. */
async function both(start: string, end: string, tz: string, metric: CohortRequest['metric']) {
  const period = parsePeriod({ start_date: start, end_date: end, timezone: tz });
  const store = rt.deps.store;
  const original = store.query;
  const ranges: [number, number][] = [];
  store.query = ((sql, params, options) => {
    if (sql.includes('AS ek')) {
      const p = (params ?? {}) as Record<string, Date>;
      for (let i = 0; `r${i}_from` in p; i++) ranges.push([p[`r${i}_from`]!.getTime(), p[`r${i}_to`]!.getTime()]);
    }
    return original.call(store, sql, params, options);
  }) as typeof store.query;
  try {
    const served = await rt.deps.queries.cohorts(scope(), period, month(metric));
    const direct = await cohortMatrix(store, scope(), period, month(metric));
    return { served: served.matrix, direct, ranges, period };
  } finally {
    store.query = original;
  }
}

/** Whether a range read covers any of the UTC day starting at `day` (ms). */
const reads = (ranges: [number, number][], day: number) => ranges.some(([a, b]) => a < day + DAY_MS && day < b);
const span = (ranges: [number, number][]) => ranges.reduce((s, [a, b]) => s + (b - a), 0);

test('the matrix from day states equals the one-pass statement: eight timezones, four metrics, many periods', async () => {
  const first = localDate(new Date(boundaries[0]! - 12 * DAY_MS), 'UTC');
  let i = 0;
  for (const tz of ZONES.slice(0, 8)) {
    for (const metric of COHORT_METRICS) {
      const start = addDays(first, i % 9);
      const end = addDays(today, -(i % 4));
      const { served, direct } = await both(start, end, tz, metric);
      assert.deepEqual(served, direct, `${tz} ${metric} ${start}…${end}`);
      assert.ok(direct.reduce((s, row) => s + row.size, 0) > 200, 'the periods hold the executions');
      i++;
    }
  }
});

test('a new window reuses the kept days: only its edges and today are read', async () => {
  const first = localDate(new Date(boundaries[0]! - 20 * DAY_MS), 'UTC');
  await both(first, today, 'UTC', 'completed'); // keeps every closed day of the period
  const again = await both(addDays(first, 3), addDays(today, -1), 'Asia/Kolkata', 'completed');
  assert.deepEqual(again.served, again.direct);
  // Kolkata's first midnight is 18:30 UTC the day before (5.5 hours of it), the last day ends 18:30 UTC today
  assert.ok(span(again.ranges) <= DAY_MS, `read ${span(again.ranges) / 3_600_000} hours`);
});

test('a late event of an execution enrolled on a kept day has that day read again, and moves one count', async () => {
  const first = localDate(new Date(boundaries[0]! - 20 * DAY_MS), 'UTC');
  const before = await both(first, today, 'UTC', 'completed');
  const lateDay = Math.floor(lateEnrolled / DAY_MS) * DAY_MS;
  assert.ok(!reads(before.ranges, lateDay), 'kept before the late event');
  // its cohort is the month before the oldest boundary; completed now, in the month today falls in
  const cohort = localDate(new Date(lateEnrolled), 'UTC').slice(0, 7) + '-01';
  const row = before.served.findIndex((r) => r.cohort === cohort);
  const k = (new Date(now).getUTCFullYear() * 12 + new Date(now).getUTCMonth()) - (Number(cohort.slice(0, 4)) * 12 + Number(cohort.slice(5, 7)) - 1);
  assert.ok(row >= 0 && before.served[row]!.cells[k] !== null, 'the late execution\'s cohort and column are in the matrix');

  const r = await rt.call('POST', '/api/v1/events', key, [ev.completed(W, LATE, iso(Date.now() - 60_000))]);
  assert.equal(r.json.accepted, 1);
  const after = await both(first, today, 'UTC', 'completed');
  assert.ok(reads(after.ranges, lateDay), 'the late execution\'s enrolment day is read again');
  // a day's state holds the executions enrolled on it: the days the late execution spans since stay kept
  const todayStart = Math.floor(now / DAY_MS) * DAY_MS;
  assert.deepEqual(after.ranges.filter(([a, b]) => !(a >= lateDay && b <= lateDay + DAY_MS) && a < todayStart).map(([a, b]) => `${iso(a)}…${iso(b)}`), [], 'no other kept day is read');
  assert.deepEqual(after.served, after.direct);
  assert.equal(after.served[row]!.cells[k]!.count, before.served[row]!.cells[k]!.count + 1);
  assert.deepEqual(after.served[row]!.cells.slice(0, k), before.served[row]!.cells.slice(0, k), 'earlier columns unchanged');
});

test('a live event of today reads no kept day again', async () => {
  const first = localDate(new Date(boundaries[0]! - 20 * DAY_MS), 'UTC');
  await both(first, today, 'UTC', 'converted');
  const r = await rt.call('POST', '/api/v1/events', key, [ev.started(W, 'live-0', iso(Date.now() - 30_000))]);
  assert.equal(r.json.accepted, 1);
  const after = await both(addDays(first, 1), today, 'UTC', 'converted');
  assert.deepEqual(after.served, after.direct);
  const todayStart = Math.floor(now / DAY_MS) * DAY_MS;
  assert.ok(after.ranges.every(([a]) => a >= todayStart), `only today is read: ${after.ranges.map(([a, b]) => `${iso(a)}…${iso(b)}`).join(', ')}`);
});

test('the engine computes the same key as keyOf', async () => {
  const u = random(5);
  const instants = Array.from({ length: 2000 }, (_, i) => (i < 1000 ? boundaries[i % 3]! + Math.floor((u() * 2 - 1) * 2 * DAY_MS) : Date.parse('2025-01-01T00:00:00Z') + Math.floor(u() * 730 * DAY_MS)));
  const rows = await rt.deps.store.query<{ ms: number; k: number }>(
    `SELECT toUnixTimestamp64Milli(at) AS ms, ${KEY_SQL('at')} AS k FROM (SELECT arrayJoin(arrayMap(x -> fromUnixTimestamp64Milli(x, 'UTC'), {ts:Array(Int64)})) AS at)`,
    { ts: instants },
  );
  assert.equal(rows.length, instants.length);
  for (const row of rows) assert.equal(Number(row.k), keyOf(Number(row.ms)), iso(Number(row.ms)));
});
