/** Derived execution state (CONTRACT §5), whatever order events arrive in. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { getExecutionState } from '../src/store/execution-state.js';
import { ev, startTestRuntime, type TestRuntime } from './helpers/runtime.js';

let rt: TestRuntime;
before(async () => {
  rt = await startTestRuntime();
});
after(() => rt.close());

async function send(key: string, events: unknown[]) {
  const res = await rt.call('POST', '/api/v1/events', key, events);
  assert.equal(res.status, 200);
  assert.deepEqual(res.json.rejected, []);
  // read below straight from the store: the acknowledged events in it first
  await rt.stored();
}

describe('execution state', () => {
  test('status rules, table-driven, with each execution sent in reverse order over separate requests', async () => {
    const { accountId, key } = await rt.newAccount();
    const W = 'wf';
    const cases: Array<{ id: string; events: unknown[]; expect: Record<string, unknown> }> = [
      { id: 'active', events: [ev.started(W, 'active', '2026-02-01T10:00:00Z'), ev.step('started', W, 'active', 's1', '2026-02-01T10:00:01Z'), ev.step('completed', W, 'active', 's1', '2026-02-01T10:00:02Z'), ev.step('started', W, 'active', 's2', '2026-02-01T10:00:03Z')],
        expect: { status: 'active', current_step_id: 's2', completed_at: null } },
      { id: 'done', events: [ev.started(W, 'done', '2026-02-01T10:00:00Z'), ev.completed(W, 'done', '2026-02-01T12:00:00Z')],
        expect: { status: 'completed', completed_at: '2026-02-01 12:00:00.000', current_step_id: null } },
      { id: 'goal', events: [ev.started(W, 'goal', '2026-02-01T10:00:00Z'), ev.goal(W, 'goal', '2026-02-01T11:00:00Z'), ev.goal(W, 'goal', '2026-02-01T11:30:00Z'), ev.exited(W, 'goal', '2026-02-01T13:00:00Z')],
        expect: { status: 'goal_achieved', completed_at: '2026-02-01 11:00:00.000', goal_achieved_at: '2026-02-01 11:00:00.000' } },
      { id: 'goal+done', events: [ev.started(W, 'goal+done', '2026-02-01T10:00:00Z'), ev.goal(W, 'goal+done', '2026-02-01T11:00:00Z'), ev.completed(W, 'goal+done', '2026-02-01T12:00:00Z')],
        expect: { status: 'goal_achieved', completed_at: '2026-02-01 12:00:00.000', goal_achieved_at: '2026-02-01 11:00:00.000' } },
      { id: 'exit', events: [ev.started(W, 'exit', '2026-02-01T10:00:00Z'), ev.exited(W, 'exit', '2026-02-01T10:30:00Z', 'condition_not_met')],
        expect: { status: 'exited', exit_reason: 'condition_not_met', completed_at: null } },
      { id: 'fail-then-exit', events: [ev.started(W, 'fail-then-exit', '2026-02-01T10:00:00Z'), ev.failed(W, 'fail-then-exit', '2026-02-01T10:10:00Z'), ev.exited(W, 'fail-then-exit', '2026-02-01T10:20:00Z', 'manual_removal')],
        expect: { status: 'exited', exit_reason: 'manual_removal' } },
      { id: 'exit-then-fail', events: [ev.started(W, 'exit-then-fail', '2026-02-01T10:00:00Z'), ev.exited(W, 'exit-then-fail', '2026-02-01T10:10:00Z'), ev.failed(W, 'exit-then-fail', '2026-02-01T10:20:00Z')],
        expect: { status: 'error' } },
      { id: 'offset', events: [ev.started(W, 'offset', '2026-02-01T15:30:00+05:30'), ev.completed(W, 'offset', '2026-02-01T05:00:00-05:00')],
        expect: { status: 'completed', enrolled_at: '2026-02-01 10:00:00.000', completed_at: '2026-02-01 10:00:00.000' } },
    ];
    for (const c of cases) for (const e of [...c.events].reverse()) await send(key, [e]);
    for (const c of cases) {
      const s = await getExecutionState(rt.deps.store, accountId, W, c.id);
      assert.ok(s, `state of ${c.id}`);
      for (const [k, v] of Object.entries(c.expect)) assert.deepEqual((s as unknown as Record<string, unknown>)[k], v, `${c.id}.${k}`);
    }
  });

  test('enrolled_at and the enrollment fields come from execution.started even when it arrives last', async () => {
    const { accountId, key } = await rt.newAccount();
    await send(key, [ev.step('started', 'wf', 'late', 's1', '2026-02-01T10:05:00Z'), ev.completed('wf', 'late', '2026-02-01T11:00:00Z')]);
    let s = await getExecutionState(rt.deps.store, accountId, 'wf', 'late');
    assert.equal(s?.enrolled_at, null);
    await send(key, [ev.started('wf', 'late', '2026-02-01T10:00:00Z', { enrollment_source: 'api', variant: 'B', workflow_version: 3, contact_id: 'c-9' })]);
    s = await getExecutionState(rt.deps.store, accountId, 'wf', 'late');
    assert.deepEqual(
      { e: s?.enrolled_at, src: s?.enrollment_source, v: s?.variant, ver: s?.workflow_version, c: s?.contact_id, st: s?.status },
      { e: '2026-02-01 10:00:00.000', src: 'api', v: 'B', ver: 3, c: 'c-9', st: 'completed' },
    );
  });
});
