/**
 * Platform users' retention (GET /api/v1/analytics/activity/cohorts) on six users' activity, computed by hand
 * (weeks from Monday, UTC unless said):
 *   u1 first seen Mon 2026-11-02, active again 11-03, 11-10 (week 1), 11-24 (week 3)
 *   u2 first seen Wed 11-04, active again 11-17 (week 2)
 *   u3 first seen Tue 11-10, active again 11-11 (same week), 11-18 (week 1)
 *   u4 first seen 10-20, before the period: not in any cohort, though active on 11-03
 *   u5 first seen Mon 11-16, never again
 *   u6 first seen Sun 11-08 20:00Z (Mon 11-09 05:00 in Tokyo), never again
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { PeriodOut } from '../src/metrics/panels.js';
import { parsePeriod } from '../src/metrics/period.js';
import { activityCohorts } from '../src/metrics/platform/activity-cohorts.js';
import { OPERATOR_KEY, startTestRuntime, type TestRuntime } from './helpers/runtime.js';

let rt: TestRuntime;
let admin = '';
let member = '';
let accountId = '';
const act = (user: string, ts: string) => ({ type: 'activity', user_id: user, session_id: `s-${user}-${ts.slice(0, 10)}`, action: 'view_dashboard', resource: 'workflow', timestamp: ts, duration_ms: 1000 });
const P = 'start_date=2026-11-02&end_date=2026-11-22';

before(async () => {
  rt = await startTestRuntime({ budgetTickMs: 0 });
  const acc = await rt.newAccount('admin');
  ({ accountId } = acc);
  admin = acc.key;
  member = (await rt.call('POST', '/api/v1/api-keys', OPERATOR_KEY, { account_id: accountId, role: 'member', name: 'm', user_id: 'u2' })).json.key;
  const events = [
    act('u1', '2026-11-02T10:00:00Z'), act('u1', '2026-11-03T10:00:00Z'), act('u1', '2026-11-10T10:00:00Z'), act('u1', '2026-11-24T10:00:00Z'),
    act('u2', '2026-11-04T10:00:00Z'), act('u2', '2026-11-17T10:00:00Z'),
    act('u3', '2026-11-10T10:00:00Z'), act('u3', '2026-11-11T10:00:00Z'), act('u3', '2026-11-18T10:00:00Z'),
    act('u4', '2026-10-20T10:00:00Z'), act('u4', '2026-11-03T10:00:00Z'),
    act('u5', '2026-11-16T10:00:00Z'),
    act('u6', '2026-11-08T20:00:00Z'),
  ];
  const r = await rt.call('POST', '/api/v1/events', admin, events);
  assert.equal(r.json.accepted, events.length, r.text);
});
after(async () => rt?.close());

async function matrix(query: string) {
  const r = await rt.call('GET', `/api/v1/analytics/activity/cohorts?${P}&${query}`, admin);
  assert.equal(r.status, 200, r.text);
  return r.json;
}
/** Each row as [cohort, size, first n cells' counts]. */
const rows = (m: any, n = 3) => m.matrix.map((row: any) => [row.cohort, row.size, row.cells.slice(0, n).map((c: any) => c?.count ?? null)]);

test('weekly from Monday, UTC: users first seen each week, and how many were active in each week since', async () => {
  const m = await matrix('');
  assert.deepEqual([m.cohort, m.week_start], ['week', 'monday']);
  assert.deepEqual(rows(m), [['2026-11-02', 3, [3, 1, 1]], ['2026-11-09', 1, [1, 1, 0]], ['2026-11-16', 1, [1, 0, 0]]]);
  assert.deepEqual(m.matrix[0].cells.slice(0, 2), [{ count: 3, share: 100 }, { count: 1, share: 33.33 }]);
});

test('in Tokyo u6 is first seen on Monday the 9th: it moves cohort; Sunday weeks give other cohorts', async () => {
  assert.deepEqual(rows(await matrix('timezone=Asia/Tokyo')), [['2026-11-02', 2, [2, 1, 1]], ['2026-11-09', 2, [2, 1, 0]], ['2026-11-16', 1, [1, 0, 0]]]);
  // Sunday weeks: Nov 1 (u1, u2), Nov 8 (u3, u6), Nov 15 (u5), Nov 22 (nobody)
  assert.deepEqual(rows(await matrix('week_start=sunday')), [['2026-11-01', 2, [2, 1, 1]], ['2026-11-08', 2, [2, 1, 0]], ['2026-11-15', 1, [1, 0, 0]], ['2026-11-22', 0, [0, 0, 0]]]);
  // by month: all five first seen in November; active in December: nobody
  assert.deepEqual(rows(await matrix('cohort=month'), 2), [['2026-11-01', 5, [5, 0]]]);
});

test('the triangle: periods not begun by now are null', async () => {
  const period = parsePeriod({ start_date: '2026-11-02', end_date: '2026-11-22' });
  const m = await activityCohorts(rt.deps.store, accountId, period, { unit: 'week', weekStart: 'monday' }, PeriodOut(period), new Date('2026-11-25T12:00:00Z'));
  // weeks of Nov 2, 9, 16, 23: four columns; u1's activity on the 24th is week 3 of the first cohort
  assert.deepEqual(m.matrix.map((r) => r.cells.map((c) => c?.count ?? null)), [[3, 1, 1, 1], [1, 1, 0, null], [1, 0, null, null]]);
  assert.deepEqual(m.average_share, [100, 40, 25, 33.33]);
});

test('for admins only; a bad cohort is a 400', async () => {
  assert.equal((await rt.call('GET', `/api/v1/analytics/activity/cohorts?${P}`, member)).status, 403);
  assert.equal((await rt.call('GET', `/api/v1/analytics/activity/cohorts?${P}&cohort=day`, admin)).status, 400);
});
