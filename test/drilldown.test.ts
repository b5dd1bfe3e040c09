/**
 * Drill-down (issue 28): every figure of the summary and the funnel opens the executions behind it, and the count
 * listed equals the figure — statuses, exit reasons, sources, every step at every stage, in two timezones; pages
 * return each execution once, also while events arrive; the CSV holds the same selection; an execution's timeline.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ev, startTestRuntime, type TestRuntime } from './helpers/runtime.js';

let rt: TestRuntime;
let key = '';
const W = 'wf-drill';
const at = (day: number, h: number, m = 0) => `2026-03-${String(day).padStart(2, '0')}T${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:00Z`;

before(async () => {
  rt = await startTestRuntime();
  ({ key } = await rt.newAccount('admin'));
  const reg = await rt.call('PUT', `/api/v1/workflows/${W}`, key, {
    name: 'Drill', version: 1,
    steps: [{ step_id: 's1', name: 'Email', order: 1, type: 'action' }, { step_id: 's2', name: 'Check', order: 2, type: 'condition' }, { step_id: 's3', name: 'Wait', order: 3, type: 'wait' }],
  });
  assert.equal(reg.status, 201, reg.text);
  const step = (kind: 'started' | 'completed' | 'failed', ex: string, s: string, t: string) => ev.step(kind, W, ex, s, t);
  const events = [
    // e1: all three steps, completed
    ev.started(W, 'e1', at(2, 10)), step('started', 'e1', 's1', at(2, 10, 1)), step('completed', 'e1', 's1', at(2, 10, 2)), step('started', 'e1', 's2', at(2, 10, 3)),
    step('completed', 'e1', 's2', at(2, 10, 4)), step('started', 'e1', 's3', at(2, 10, 5)), step('completed', 'e1', 's3', at(2, 12)), ev.completed(W, 'e1', at(2, 12, 1)),
    // e2: waiting at s2 (in progress)
    ev.started(W, 'e2', at(2, 11), { enrollment_source: 'api' }), step('started', 'e2', 's1', at(2, 11, 1)), step('completed', 'e2', 's1', at(2, 11, 2)), step('started', 'e2', 's2', at(2, 11, 3)),
    // e3: completed s1, never entered s2, exited (lost between s1 and s2)
    ev.started(W, 'e3', at(2, 12)), step('started', 'e3', 's1', at(2, 12, 1)), step('completed', 'e3', 's1', at(2, 12, 2)), ev.exited(W, 'e3', at(2, 12, 3), 'unsubscribed'),
    // e4: failed at s1
    ev.started(W, 'e4', at(2, 13)), step('started', 'e4', 's1', at(2, 13, 1)), step('failed', 'e4', 's1', at(2, 13, 2)), ev.failed(W, 'e4', at(2, 13, 3)),
    // e5: s1 and s2, then a goal (converted)
    ev.started(W, 'e5', at(2, 23, 30)), step('started', 'e5', 's1', at(2, 23, 31)), step('completed', 'e5', 's1', at(2, 23, 32)), step('started', 'e5', 's2', at(2, 23, 33)),
    step('completed', 'e5', 's2', at(2, 23, 34)), ev.goal(W, 'e5', at(2, 23, 40)),
    // e6: the next day, waiting at s1
    ev.started(W, 'e6', at(3, 9)), step('started', 'e6', 's1', at(3, 9, 1)),
    // e7: exited at s2 (entered, not completed, ended)
    ev.started(W, 'e7', at(3, 10)), step('started', 'e7', 's1', at(3, 10, 1)), step('completed', 'e7', 's1', at(3, 10, 2)), step('started', 'e7', 's2', at(3, 10, 3)), ev.exited(W, 'e7', at(3, 10, 4), 'condition_not_met'),
  ];
  assert.equal((await rt.call('POST', '/api/v1/events', key, events)).json.accepted, events.length);
});
after(() => rt?.close());

const drill = async (q: string) => {
  const r = await rt.call('GET', `/api/v1/workflows/${W}/executions?${q}&limit=1000`, key);
  assert.equal(r.status, 200, r.text);
  return r.json as { total: number; executions: Array<{ execution_id: string }>; next_cursor: string | null };
};

for (const timezone of ['UTC', 'America/New_York']) {
  test(`every figure opens as many executions as it counts (${timezone})`, async () => {
    const period = `start_date=2026-03-01&end_date=2026-03-03&timezone=${timezone}`;
    const summary = (await rt.call('GET', `/api/v1/workflows/${W}/analytics?${period}`, key)).json.summary;
    const funnel = (await rt.call('GET', `/api/v1/workflows/${W}/analytics/funnel?${period}`, key)).json;
    const all = await drill(period);
    assert.equal(all.total, summary.total_enrolled);
    assert.equal(all.executions.length, all.total);
    assert.equal((await drill(`${period}&status=succeeded`)).total, summary.completed);
    assert.equal((await drill(`${period}&status=converted`)).total, summary.goals_achieved);
    assert.equal((await drill(`${period}&status=active`)).total, summary.currently_active);
    assert.equal((await drill(`${period}&status=exited`)).total, summary.exited);
    assert.equal((await drill(`${period}&status=failed`)).total, summary.errored);
    for (const [reason, n] of Object.entries(summary.exit_reasons as Record<string, number>)) assert.equal((await drill(`${period}&exit_reason=${reason}`)).total, n, reason);
    for (const [source, n] of Object.entries(summary.enrollment_sources as Record<string, number>)) assert.equal((await drill(`${period}&enrollment_source=${source}`)).total, n, source);
    for (const s of funnel.funnel_steps as Array<Record<string, number> & { step_id: string }>) {
      for (const stage of ['entered', 'completed', 'dropped_off', 'in_progress', 'exited'] as const) {
        assert.equal((await drill(`${period}&step_id=${s.step_id}&stage=${stage}`)).total, s[stage], `${s.step_id} ${stage}`);
      }
    }
    // lost between a step and the next: the next step's lost_before
    const steps = funnel.funnel_steps as Array<{ step_id: string; lost_before: number }>;
    for (let i = 1; i < steps.length; i++) assert.equal((await drill(`${period}&step_id=${steps[i - 1]!.step_id}&stage=lost_after`)).total, steps[i]!.lost_before);
  });
}

test('hand-computed: 7 executions; s1 entered by all 7, completed by 5 (e4 failed, e6 waits); s2 lost e3; the trend bucket of March 2 (UTC) holds 5', async () => {
  const period = 'start_date=2026-03-01&end_date=2026-03-03';
  assert.equal((await drill(period)).total, 7);
  assert.deepEqual((await drill(`${period}&step_id=s1&stage=dropped_off`)).executions.map((e) => e.execution_id).sort(), ['e4', 'e6']);
  assert.deepEqual((await drill(`${period}&step_id=s1&stage=lost_after`)).executions.map((e) => e.execution_id), ['e3']);
  assert.deepEqual((await drill(`${period}&step_id=s2&stage=in_progress`)).executions.map((e) => e.execution_id), ['e2']);
  assert.deepEqual((await drill(`${period}&step_id=s2&stage=exited`)).executions.map((e) => e.execution_id), ['e7']);
  const day = await drill(`${period}&enrolled_from=2026-03-02T00:00:00Z&enrolled_to=2026-03-03T00:00:00Z`);
  assert.equal(day.total, 5);
  // New York's March 2 ends at 05:00 UTC on March 3: e5 (23:30 UTC on the 2nd) is in it, e6 and e7 are not
  assert.equal((await drill('start_date=2026-03-02&end_date=2026-03-02&timezone=America/New_York')).total, 5);
});

test('pages: newest first, each execution once, also while events arrive; a bad cursor is a 400', async () => {
  const period = 'start_date=2026-03-01&end_date=2026-03-05';
  const seen: string[] = [];
  let cursor: string | null = null;
  let first = true;
  do {
    const r: { status: number; json: { total: number; executions: Array<{ execution_id: string; enrolled_at: string }>; next_cursor: string | null }; text: string } = await rt.call('GET', `/api/v1/workflows/${W}/executions?${period}&limit=2${cursor ? `&cursor=${cursor}` : ''}`, key);
    assert.equal(r.status, 200, r.text);
    seen.push(...r.json.executions.map((e) => e.execution_id));
    cursor = r.json.next_cursor;
    if (first) {
      // a new execution enrolled later arrives after the first page: it sorts before it, so the next pages are unchanged
      await rt.call('POST', '/api/v1/events', key, [ev.started(W, 'e8', at(4, 9))]);
      first = false;
    }
  } while (cursor);
  assert.deepEqual(seen, ['e7', 'e6', 'e5', 'e4', 'e3', 'e2', 'e1']);
  const bad = await rt.call('GET', `/api/v1/workflows/${W}/executions?${period}&cursor=nonsense`, key);
  assert.equal(bad.status, 400);
  assert.equal((await rt.call('GET', `/api/v1/workflows/${W}/executions?${period}&step_id=s1`, key)).status, 400, 'step_id needs a stage');
});

test('the CSV holds the same selection; the timeline lists an execution\'s events in order', async () => {
  const csv = await rt.call('GET', `/api/v1/workflows/${W}/executions?start_date=2026-03-01&end_date=2026-03-03&step_id=s1&stage=completed&format=csv`, key);
  assert.equal(csv.status, 200);
  assert.match(String(csv.headers['content-type']), /text\/csv/);
  const lines = csv.text.trim().split(/\r?\n/);
  assert.equal(lines[0], 'execution_id,contact_id,status,enrollment_source,enrolled_at,completed_at,goal_achieved_at,exit_reason,current_step_id,duration_seconds');
  assert.deepEqual(lines.slice(1).map((l) => l.split(',')[0]!.replaceAll('"', '')).sort(), ['e1', 'e2', 'e3', 'e5', 'e7']);
  const t = await rt.call('GET', `/api/v1/workflows/${W}/executions/e1`, key);
  assert.equal(t.status, 200, t.text);
  assert.equal(t.json.execution.status, 'completed');
  assert.equal(t.json.execution.duration_hours, 2 + 1 / 60);
  assert.deepEqual(t.json.events.map((e: { type: string; step_id: string | null }) => `${e.type}${e.step_id ? ` ${e.step_id}` : ''}`), [
    'execution.started', 'step.started s1', 'step.completed s1', 'step.started s2', 'step.completed s2', 'step.started s3', 'step.completed s3', 'execution.completed',
  ]);
  assert.equal((await rt.call('GET', `/api/v1/workflows/${W}/executions/nope`, key)).status, 404);
});

test('an action row opens its runs: as many as its executions, successes and failures (events by their own time), in two timezones', async () => {
  for (const timezone of ['UTC', 'America/New_York']) {
    const period = `start_date=2026-03-01&end_date=2026-03-03&timezone=${timezone}`;
    const actions = (await rt.call('GET', `/api/v1/workflows/${W}/analytics/actions?${period}`, key)).json.actions as Array<{ action_id: string; executions: number; successes: number; failures: number }>;
    assert.ok(actions.length > 0);
    for (const a of actions) {
      assert.equal((await drill(`${period}&action_id=${a.action_id}`)).total, a.executions, `${timezone} ${a.action_id}`);
      assert.equal((await drill(`${period}&action_id=${a.action_id}&outcome=success`)).total, a.successes);
      const failed = await drill(`${period}&action_id=${a.action_id}&outcome=failure`);
      assert.equal(failed.total, a.failures);
      assert.equal(failed.executions.length, a.failures);
    }
  }
  // s1's one failure is e4's run, with the execution it belongs to
  const runs = (await drill('start_date=2026-03-01&end_date=2026-03-03&action_id=s1&outcome=failure')).executions as unknown as Array<{ execution_id: string; status: string; run: { outcome: string } }>;
  assert.deepEqual(runs.map((r) => [r.execution_id, r.status, r.run.outcome]), [['e4', 'error', 'failure']]);
  const mixed = await rt.call('GET', `/api/v1/workflows/${W}/executions?start_date=2026-03-01&end_date=2026-03-03&action_id=s1&status=failed`, key);
  assert.equal(mixed.status, 400, 'runs by their own time do not combine with the cohort\'s filters');
});
