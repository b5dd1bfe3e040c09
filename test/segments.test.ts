/**
 * The enrollment_source and exit_reason filters on every workflow panel, and the segments of a cohort
 * (GET …/analytics/segments), on six executions enrolled in November 2026 (and one in October, outside the
 * period), computed by hand:
 *   A bulk,    v1, plan=pro seats=3  s1 started + completed (action run ok)      completed
 *   B bulk,    v1, plan=free         s1 started + completed (action run ok)      converted (completes)
 *   C api,     v2, plan=pro          s1 started                                  exited unsubscribed
 *   D api,     v2, no metadata       s1 started + failed (action run failed)     failed
 *   E trigger, v2, variant B, plan=pro                                           exited bounced
 *   F bulk,    v1, plan=team                                                     active
 *   G bulk,    v1, enrolled 2026-10-20                                           completed (not in the period)
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ev, startTestRuntime, type TestRuntime } from './helpers/runtime.js';
import { openSse } from './helpers/sse.js';

const W = 'wf-segments';
const P = 'start_date=2026-11-01&end_date=2026-11-30';
let rt: TestRuntime;
let key: string;

before(async () => {
  rt = await startTestRuntime();
  ({ key } = await rt.newAccount());
  const v2 = { workflow_version: 2 };
  const r = await rt.call('POST', '/api/v1/events', key, [
    ev.started(W, 'A', '2026-11-02T10:00:00Z', { enrollment_source: 'bulk', metadata: { plan: 'pro', seats: 3 } }),
    ev.step('started', W, 'A', 's1', '2026-11-02T10:01:00Z'), ev.step('completed', W, 'A', 's1', '2026-11-02T10:02:00Z', { duration_ms: 1000 }),
    ev.completed(W, 'A', '2026-11-02T11:00:00Z'),
    ev.started(W, 'B', '2026-11-03T10:00:00Z', { enrollment_source: 'bulk', metadata: { plan: 'free' } }),
    ev.step('started', W, 'B', 's1', '2026-11-03T10:01:00Z'), ev.step('completed', W, 'B', 's1', '2026-11-03T10:02:00Z', { duration_ms: 3000 }),
    ev.goal(W, 'B', '2026-11-03T12:00:00Z'),
    ev.started(W, 'C', '2026-11-04T10:00:00Z', { enrollment_source: 'api', metadata: { plan: 'pro' }, ...v2 }),
    ev.step('started', W, 'C', 's1', '2026-11-04T10:01:00Z', v2),
    ev.exited(W, 'C', '2026-11-04T12:00:00Z', 'unsubscribed'),
    ev.started(W, 'D', '2026-11-05T10:00:00Z', { enrollment_source: 'api', ...v2 }),
    ev.step('started', W, 'D', 's1', '2026-11-05T10:01:00Z', v2), ev.step('failed', W, 'D', 's1', '2026-11-05T10:02:00Z', { duration_ms: 500, ...v2 }),
    ev.failed(W, 'D', '2026-11-05T10:03:00Z'),
    ev.started(W, 'E', '2026-11-06T10:00:00Z', { variant: 'B', metadata: { plan: 'pro' }, ...v2 }),
    ev.exited(W, 'E', '2026-11-06T12:00:00Z', 'bounced'),
    ev.started(W, 'F', '2026-11-07T10:00:00Z', { enrollment_source: 'bulk', metadata: { plan: 'team' } }),
    ev.started(W, 'G', '2026-10-20T10:00:00Z', { enrollment_source: 'bulk', metadata: { plan: 'pro' } }),
    ev.completed(W, 'G', '2026-10-20T11:00:00Z'),
  ]);
  assert.equal(r.json.accepted, 20, r.text);
  await rt.deps.derived.idle();
});
after(() => rt.close());

async function get(path: string, query: string) {
  const r = await rt.call('GET', `/api/v1/workflows/${W}/${path}?${P}${query ? `&${query}` : ''}`, key);
  assert.equal(r.status, 200, `${path}?${query}: ${r.text}`);
  return r.json;
}
/** The summary's cohort figures: enrolled, completed, goals achieved, errored, exited, completion rate. */
const figures = (s: any) => [s.total_enrolled, s.completed, s.goals_achieved, s.errored, s.exited, s.completion_rate];

test('summary with and without each filter; the answer echoes the filters', async () => {
  const all = await get('analytics', '');
  assert.deepEqual(figures(all.summary), [6, 2, 1, 1, 2, 33.33]);
  assert.deepEqual(all.filters, { version: null, variant: null, enrollment_source: null, exit_reason: null });
  const bulk = await get('analytics', 'enrollment_source=bulk');
  assert.deepEqual(figures(bulk.summary), [3, 2, 1, 0, 0, 66.67]);
  assert.deepEqual(bulk.filters, { version: null, variant: null, enrollment_source: 'bulk', exit_reason: null });
  assert.deepEqual(figures((await get('analytics', 'enrollment_source=api')).summary), [2, 0, 0, 1, 1, 0]);
  assert.deepEqual(figures((await get('analytics', 'exit_reason=unsubscribed')).summary), [1, 0, 0, 0, 1, 0]);
  // both, and with the version: C is api, v2, unsubscribed; nothing is api and v1
  assert.deepEqual(figures((await get('analytics', 'enrollment_source=api&exit_reason=unsubscribed&version=2')).summary), [1, 0, 0, 0, 1, 0]);
  assert.deepEqual(figures((await get('analytics', 'enrollment_source=api&version=1')).summary), [0, 0, 0, 0, 0, 0]);
  // trends: the one bucket of Nov 2 (A) is bulk's, not api's
  const trend = (t: any[], date: string) => t.find((b) => b.date === date)?.new_enrollments;
  assert.equal(trend(bulk.trends, '2026-11-02'), 1);
  assert.equal(trend((await get('analytics', 'enrollment_source=api')).trends, '2026-11-02'), 0);
});

test('funnel and actions with the source filter: bulk entered and ran s1 twice, api twice with one failure', async () => {
  const s1 = (f: any) => f.funnel_steps.find((s: any) => s.step_id === 's1');
  assert.deepEqual([s1(await get('analytics/funnel', '')).entered, s1(await get('analytics/funnel', '')).completed], [4, 2]);
  const bulk = s1(await get('analytics/funnel', 'enrollment_source=bulk'));
  assert.deepEqual([bulk.entered, bulk.completed], [2, 2]);
  const api = s1(await get('analytics/funnel', 'enrollment_source=api'));
  assert.deepEqual([api.entered, api.completed], [2, 0]);
  const run = (a: any) => { const x = a.actions.find((r: any) => r.action_id === 's1'); return [x?.executions ?? 0, x?.successes ?? 0, x?.failures ?? 0]; };
  assert.deepEqual(run(await get('analytics/actions', '')), [3, 2, 1]);
  const apiActions = await get('analytics/actions', 'enrollment_source=api');
  assert.equal(apiActions.source, 'raw');
  assert.deepEqual(run(apiActions), [1, 0, 1]);
  assert.deepEqual(run(await get('analytics/actions', 'enrollment_source=bulk')), [2, 2, 0]);
  assert.deepEqual(run(await get('analytics/actions', 'exit_reason=bounced')), [0, 0, 0]);
});

test('cohorts, drill-down and the CSV export with the filters', async () => {
  const sizes = (m: any) => m.matrix.map((r: any) => r.size);
  assert.deepEqual(sizes(await get('analytics/cohorts', 'cohort=month')), [6]);
  const bulk = await get('analytics/cohorts', 'cohort=month&enrollment_source=bulk&metric=completed');
  assert.deepEqual([sizes(bulk), bulk.matrix[0].cells[0].count], [[3], 2]);
  assert.deepEqual(sizes(await get('analytics/cohorts', 'cohort=month&exit_reason=bounced')), [1]);
  const drill = await get('executions', 'exit_reason=bounced');
  assert.deepEqual([drill.total, drill.executions.map((e: any) => e.execution_id)], [1, ['E']]);
  assert.deepEqual((await get('executions', 'enrollment_source=bulk')).executions.map((e: any) => e.execution_id), ['F', 'B', 'A']);
  const csv = await rt.call('GET', `/api/v1/workflows/${W}/analytics/export?${P}&dataset=executions&enrollment_source=api`, key);
  assert.equal(csv.status, 200, csv.text);
  const lines = csv.text.trim().split('\n');
  assert.equal(lines.length, 3, csv.text);
  assert.ok(lines.slice(1).every((l) => /(^|,)"?api"?(,|$)/.test(l)), csv.text);
});

test('the versions compared and the live stream with the filters', async () => {
  const enrolled = (v: any) => v.versions.map((x: any) => [x.version, x.enrolled]);
  assert.deepEqual(enrolled(await get('analytics/versions', '')), [[1, 3], [2, 3]]);
  // v1's three are all bulk, v2 has both api executions; of v2's, C exited unsubscribed
  assert.deepEqual(enrolled(await get('analytics/versions', 'versions=1,2&enrollment_source=api')), [[1, 0], [2, 2]]);
  assert.deepEqual(enrolled(await get('analytics/versions', 'versions=1,2&exit_reason=unsubscribed')), [[1, 0], [2, 1]]);
  await rt.app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(rt.app.server.address() as { port: number }).port}`;
  const snapshot = async (q: string) => {
    const s = await openSse(`${base}/api/v1/workflows/${W}/analytics/stream?${P}${q}`, { authorization: `Bearer ${key}` });
    try {
      assert.equal(s.status, 200);
      return (await s.next((m) => m.event === 'metrics_update')).data.changes;
    } finally {
      s.close();
    }
  };
  const [all, bulk] = [await snapshot(''), await snapshot('&enrollment_source=bulk')];
  assert.deepEqual([all.total_enrolled, all.completed], [6, 2]);
  assert.deepEqual([bulk.total_enrolled, bulk.completed], [3, 2]);
});

/** Each segment as [value, enrolled, completed, completion rate, converted, conversion rate, failed, share]. */
const rows = (a: any) => a.segments.map((s: any) => [s.value, s.enrolled, s.completed, s.completion_rate, s.converted, s.conversion_rate, s.failed, s.share_of_enrolled]);

test('segments by enrollment source, largest first; top folds the rest into other; totals equal the summary', async () => {
  const a = await get('analytics/segments', 'by=enrollment_source');
  assert.equal(a.by, 'enrollment_source');
  assert.deepEqual(rows(a), [
    ['bulk', 3, 2, 66.67, 1, 33.33, 0, 50],
    ['api', 2, 0, 0, 0, 0, 1, 33.33],
    ['trigger', 1, 0, 0, 0, 0, 0, 16.67],
  ]);
  assert.equal(a.other, null);
  assert.deepEqual(a.totals, { enrolled: 6, completed: 2, completion_rate: 33.33, converted: 1, conversion_rate: 16.67, failed: 1 });
  const top = await get('analytics/segments', 'by=enrollment_source&top=2');
  assert.deepEqual(rows(top).map((r: any[]) => r[0]), ['bulk', 'api']);
  assert.deepEqual(top.other, { segments: 1, enrolled: 1, completed: 0, completion_rate: 0, converted: 0, conversion_rate: 0, failed: 0, share_of_enrolled: 16.67 });
  assert.deepEqual(top.totals, a.totals);
});

test('segments by exit reason (null: did not exit), version and variant; with a filter', async () => {
  assert.deepEqual(rows(await get('analytics/segments', 'by=exit_reason')), [
    [null, 4, 2, 50, 1, 25, 1, 66.67],
    ['bounced', 1, 0, 0, 0, 0, 0, 16.67],
    ['unsubscribed', 1, 0, 0, 0, 0, 0, 16.67],
  ]);
  assert.deepEqual(rows(await get('analytics/segments', 'by=version')).map((r: any[]) => r.slice(0, 3)), [['1', 3, 2], ['2', 3, 0]]);
  assert.deepEqual(rows(await get('analytics/segments', 'by=variant')).map((r: any[]) => r.slice(0, 2)), [[null, 5], ['B', 1]]);
  const api = await get('analytics/segments', 'by=exit_reason&enrollment_source=api');
  assert.deepEqual(rows(api).map((r: any[]) => r.slice(0, 2)), [[null, 1], ['unsubscribed', 1]]);
  assert.equal(api.filters.enrollment_source, 'api');
});

test('segments by an attribute of execution.started: a string as sent, a number as its JSON text, absent as null', async () => {
  const plan = await get('analytics/segments', 'by=attribute&attribute=plan');
  assert.equal(plan.attribute, 'plan');
  assert.deepEqual(rows(plan), [
    ['pro', 3, 1, 33.33, 0, 0, 0, 50],
    [null, 1, 0, 0, 0, 0, 1, 16.67],
    ['free', 1, 1, 100, 1, 100, 0, 16.67],
    ['team', 1, 0, 0, 0, 0, 0, 16.67],
  ]);
  assert.deepEqual(rows(await get('analytics/segments', 'by=attribute&attribute=seats')).map((r: any[]) => r.slice(0, 2)), [[null, 5], ['3', 1]]);
  assert.deepEqual(rows(await get('analytics/segments', 'by=attribute&attribute=plan&enrollment_source=bulk')).map((r: any[]) => r.slice(0, 2)), [['free', 1], ['pro', 1], ['team', 1]]);
  // a key no event has: every execution in the null segment
  assert.deepEqual(rows(await get('analytics/segments', 'by=attribute&attribute=nothing.here')).map((r: any[]) => r.slice(0, 2)), [[null, 6]]);
});

test('bad segment requests are 400s naming the parameter', async () => {
  for (const [q, path] of [
    ['by=attribute', '/attribute'],
    ['by=version&attribute=plan', '/attribute'],
    ["by=attribute&attribute=plan'%20OR%201", '/attribute'],
    ['by=contact', '/by'],
    ['', '/by'],
    ['by=version&top=0', '/top'],
    ['by=version&enrollment_source=', '/enrollment_source'],
  ] as const) {
    const r = await rt.call('GET', `/api/v1/workflows/${W}/analytics/segments?${P}&${q}`, key);
    assert.equal(r.status, 400, `${q}: ${r.text}`);
    assert.match(String(r.headers['content-type']), /application\/problem\+json/);
    assert.ok(JSON.stringify(r.json).includes(path), `${q}: ${r.text}`);
  }
});
