/**
 * The execution facts writer, real embedded engine: the per-step figures of an execution (time in step from
 * duration_ms or else from the timestamps, completed-after-starting) with hand-computed values, and one write for
 * listed executions of several workflows (the same execution id in two workflows stays two executions; the step
 * durations from timestamps are written only where asked).
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { ev } from '../../test/helpers/runtime.js';
import { openTestStore } from '../../test/helpers/store.js';
import { validateEvent, type EventRow } from '../ingest/validate.js';
import { writeFacts, writeListedFacts } from './execution-facts.js';

const { store } = await openTestStore();
after(() => store.close());

function rows(account: string, events: object[]): EventRow[] {
  return events.map((e) => {
    const v = validateEvent(e, account, new Date());
    if (!v.ok) throw new Error(JSON.stringify(v.errors));
    return v.row;
  });
}

type Step = [id: string, startedMs: number, completed: number, timeSum: number, timeN: number];
async function steps(account: string, workflow: string, execution: string): Promise<Step[]> {
  const [r] = await store.query<{ steps: Array<{ id: string; started_ms: number; completed: number; time_sum: number; time_n: number }> }>(
    `SELECT arraySort(s -> s.1, steps) AS steps FROM execution_facts FINAL
     WHERE account_id = {account:String} AND workflow_id = {workflow:String} AND execution_id = {execution:String} AND NOT is_deleted`,
    { account, workflow, execution },
  );
  assert.ok(r, `facts of ${workflow}/${execution}`);
  return r.steps.map((s) => [s.id, Number(s.started_ms), s.completed, s.time_sum, s.time_n]);
}

const ms = (iso: string) => Date.parse(iso);

test('per step: first start, completed after starting, time from duration_ms or else from the timestamps', async () => {
  await store.insert('events', rows('acc-steps', [
    ev.started('wf', 'x', '2026-01-01T00:00:00Z'),
    // a: completed before it started, without duration: counted once, 0 s (a negative gap counts as 0)
    ev.step('completed', 'wf', 'x', 'a', '2026-01-01T00:01:00Z'),
    ev.step('started', 'wf', 'x', 'a', '2026-01-01T00:02:00Z'),
    // b: one completion with 1.5 s, two without: each of those counts first completion − first start = 180 s
    ev.step('started', 'wf', 'x', 'b', '2026-01-01T00:02:00Z'),
    ev.step('completed', 'wf', 'x', 'b', '2026-01-01T00:05:00Z', { duration_ms: 1500 }),
    ev.step('completed', 'wf', 'x', 'b', '2026-01-01T00:06:00Z'),
    ev.step('completed', 'wf', 'x', 'b', '2026-01-01T00:07:00Z'),
    // c: completed, never started: no start time, not "completed after starting", no time
    ev.step('completed', 'wf', 'x', 'c', '2026-01-01T00:09:00Z'),
    // d: started only
    ev.step('started', 'wf', 'x', 'd', '2026-01-01T00:10:00Z'),
  ]));
  await writeListedFacts(store, [{ account: 'acc-steps', workflow: 'wf', ids: ['x'], fallback: true }]);
  assert.deepEqual(await steps('acc-steps', 'wf', 'x'), [
    ['a', ms('2026-01-01T00:02:00Z'), 1, 0, 1],
    ['b', ms('2026-01-01T00:02:00Z'), 1, 1.5 + 2 * 180, 3],
    ['c', 0, 0, 0, 0],
    ['d', ms('2026-01-01T00:10:00Z'), 0, 0, 0],
  ]);
  // the same figures when the whole workflow is written
  await store.command("TRUNCATE TABLE execution_facts");
  await writeFacts(store, 'acc-steps', 'wf', { all: true });
  assert.equal((await steps('acc-steps', 'wf', 'x')).find((s) => s[0] === 'b')![3], 361.5);
});

test('one write for listed executions of two workflows; step durations from timestamps only where asked', async () => {
  const account = 'acc-listed';
  await store.insert('events', rows(account, [
    ...['wf-1', 'wf-2'].flatMap((wf, i) => [
      ev.started(wf, 'same-id', `2026-02-0${2 + i}T10:00:00Z`),
      ev.step('started', wf, 'same-id', 'send', `2026-02-0${2 + i}T10:00:00Z`),
      ev.step('completed', wf, 'same-id', 'send', `2026-02-0${2 + i}T10:00:0${4 + i}Z`),
    ]),
    ev.started('wf-2', 'other', '2026-02-05T10:00:00Z'),
  ]));
  await writeListedFacts(store, [
    { account, workflow: 'wf-1', ids: ['same-id'], fallback: true },
    { account, workflow: 'wf-2', ids: ['same-id', 'other'], fallback: false },
  ]);
  const facts = await store.query<{ workflow_id: string; execution_id: string; enrolled_at: string }>(
    `SELECT workflow_id, execution_id, toString(enrolled_at) AS enrolled_at FROM execution_facts FINAL
     WHERE account_id = {account:String} ORDER BY workflow_id, execution_id`,
    { account },
  );
  assert.deepEqual(facts, [
    { workflow_id: 'wf-1', execution_id: 'same-id', enrolled_at: '2026-02-02 10:00:00.000' },
    { workflow_id: 'wf-2', execution_id: 'other', enrolled_at: '2026-02-05 10:00:00.000' },
    { workflow_id: 'wf-2', execution_id: 'same-id', enrolled_at: '2026-02-03 10:00:00.000' },
  ]);
  assert.deepEqual(await steps(account, 'wf-1', 'same-id'), [['send', ms('2026-02-02T10:00:00Z'), 1, 4, 1]]);
  assert.deepEqual(await steps(account, 'wf-2', 'same-id'), [['send', ms('2026-02-03T10:00:00Z'), 1, 5, 1]]);
  const durations = await store.query<{ workflow_id: string; duration_ms: number }>(
    'SELECT workflow_id, duration_ms FROM step_durations_from_timestamps FINAL WHERE account_id = {account:String}',
    { account },
  );
  assert.deepEqual(durations, [{ workflow_id: 'wf-1', duration_ms: 4000 }]);
});
