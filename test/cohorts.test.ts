/**
 * Cohort matrices (GET …/analytics/cohorts) on five executions, computed by hand, in UTC and Asia/Tokyo, with
 * weeks starting Monday or Sunday, and by month:
 *   A enrolled Mon 2026-10-05 10:00Z, completed Tue 10-06
 *   B enrolled Wed 10-07 10:00Z, completed Wed 10-14
 *   C enrolled Sun 10-11 23:30Z (Mon 10-12 08:30 in Tokyo), failed Tue 10-13 10:00Z
 *   D enrolled Tue 10-13 10:00Z, still active
 *   E enrolled Mon 10-19 10:00Z, converted Tue 11-03 10:00Z
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { cohortMatrix } from '../src/metrics/cohorts.js';
import { parsePeriod } from '../src/metrics/period.js';
import { ev, startTestRuntime, type TestRuntime } from './helpers/runtime.js';

const W = 'wf-cohorts';
let rt: TestRuntime;
let accountId: string;
let key: string;

before(async () => {
  rt = await startTestRuntime();
  ({ accountId, key } = await rt.newAccount());
  const r = await rt.call('POST', '/api/v1/events', key, [
    ev.started(W, 'A', '2026-10-05T10:00:00Z'), ev.completed(W, 'A', '2026-10-06T10:00:00Z'),
    ev.started(W, 'B', '2026-10-07T10:00:00Z'), ev.completed(W, 'B', '2026-10-14T10:00:00Z'),
    ev.started(W, 'C', '2026-10-11T23:30:00Z'), ev.failed(W, 'C', '2026-10-13T10:00:00Z'),
    ev.started(W, 'D', '2026-10-13T10:00:00Z'),
    ev.started(W, 'E', '2026-10-19T10:00:00Z'), ev.goal(W, 'E', '2026-11-03T10:00:00Z'),
  ]);
  assert.equal(r.json.accepted, 9);
  await rt.deps.derived.idle();
});
after(() => rt.close());

async function matrix(query: string) {
  const r = await rt.call('GET', `/api/v1/workflows/${W}/analytics/cohorts?${query}`, key);
  assert.equal(r.status, 200, r.text);
  return r.json;
}
/** Each row as [cohort, size, first n cells' counts]. */
const rows = (m: any, n = 3) => m.matrix.map((row: any) => [row.cohort, row.size, row.cells.slice(0, n).map((c: any) => c?.count ?? null)]);

test('weekly, UTC, Monday: completed by the end of each week since enrolment, with shares', async () => {
  const m = await matrix('start_date=2026-10-05&end_date=2026-10-25&cohort=week&metric=completed');
  assert.equal(m.cohort, 'week');
  assert.equal(m.week_start, 'monday');
  assert.deepEqual(rows(m), [['2026-10-05', 3, [1, 2, 2]], ['2026-10-12', 1, [0, 0, 0]], ['2026-10-19', 1, [0, 0, 1]]]);
  assert.deepEqual(m.matrix[0].cells.slice(0, 2), [{ count: 1, share: 33.33 }, { count: 2, share: 66.67 }]);
  // column 0 over every cohort: 1 completed of 5
  assert.equal(m.average_share[0], 20);
});

test('errored in UTC and in Tokyo: C enrolled on Sunday UTC is Monday in Tokyo, and moves cohort', async () => {
  const utc = await matrix('start_date=2026-10-05&end_date=2026-10-25&metric=errored');
  assert.deepEqual(rows(utc), [['2026-10-05', 3, [0, 1, 1]], ['2026-10-12', 1, [0, 0, 0]], ['2026-10-19', 1, [0, 0, 0]]]);
  const tokyo = await matrix('start_date=2026-10-05&end_date=2026-10-25&metric=errored&timezone=Asia/Tokyo');
  assert.equal(tokyo.period.timezone, 'Asia/Tokyo');
  assert.deepEqual(rows(tokyo), [['2026-10-05', 2, [0, 0, 0]], ['2026-10-12', 2, [1, 1, 1]], ['2026-10-19', 1, [0, 0, 0]]]);
  assert.deepEqual(tokyo.matrix[1].cells[0], { count: 1, share: 50 });
});

test('weeks starting Sunday: other cohorts, and the period\'s last Sunday begins an empty one', async () => {
  const m = await matrix('start_date=2026-10-05&end_date=2026-10-25&metric=completed&week_start=sunday');
  assert.deepEqual(rows(m), [['2026-10-04', 2, [1, 2, 2]], ['2026-10-11', 2, [0, 0, 0]], ['2026-10-18', 1, [0, 0, 1]], ['2026-10-25', 0, [0, 0, 0]]]);
  assert.deepEqual(m.matrix[3].cells[0], { count: 0, share: 0 });
});

test('monthly: completed, converted and still active', async () => {
  const q = 'start_date=2026-10-01&end_date=2026-10-31&cohort=month';
  assert.deepEqual(rows(await matrix(`${q}&metric=completed`)), [['2026-10-01', 5, [2, 3, 3]]]);
  assert.deepEqual(rows(await matrix(`${q}&metric=converted`)), [['2026-10-01', 5, [0, 1, 1]]]);
  // ended in October: A, B, C; in November: E; D never
  assert.deepEqual(rows(await matrix(`${q}&metric=active`)), [['2026-10-01', 5, [2, 1, 1]]]);
});

test('periods that have not begun are null: a triangle up to the week today falls in', async () => {
  const scope = { account: accountId, workflow: W };
  const period = parsePeriod({ start_date: '2026-10-05', end_date: '2026-10-25' });
  const m = await cohortMatrix(rt.deps.store, scope, period, { unit: 'week', metric: 'completed', weekStart: 'monday' }, new Date('2026-10-28T12:00:00Z'));
  // weeks of Oct 5, 12, 19, 26: four columns; E's conversion (Nov 3) is in a week not begun yet
  assert.deepEqual(m.map((row) => row.cells.map((c) => c?.count ?? null)), [[1, 2, 2, 2], [0, 0, 0, null], [0, 0, null, null]]);
});

test('a bad cohort, metric or week start is a 400 naming the parameter', async () => {
  for (const q of ['cohort=day', 'metric=revenue', 'week_start=friday']) {
    const r = await rt.call('GET', `/api/v1/workflows/${W}/analytics/cohorts?${q}`, key);
    assert.equal(r.status, 400, q);
  }
});
