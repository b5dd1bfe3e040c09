/**
 * The derived tables the panels read with FINAL end up as one part a partition once nobody writes to them
 * (migrations 016 and 017): a week of execution_facts whose parts are all 10 s old, a month of
 * step_durations_from_timestamps whose parts are all 30 s old. The derived writer's own compaction merges a
 * week of facts at most every 10 s, and the step durations not at all, so writes that come within seconds of
 * each other leave several parts unless the engine merges them.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ev, startTestRuntime, type TestRuntime } from './helpers/runtime.js';

let rt: TestRuntime;
before(async () => {
  rt = await startTestRuntime();
});
after(() => rt.close());

// the Monday of the events below (execution_facts: weeks of enrolled_at) and their month (step durations: months of ts)
const PARTITIONS = { execution_facts: '20260202', step_durations_from_timestamps: '202602' } as const;
type Table = keyof typeof PARTITIONS;

async function parts(table: Table): Promise<number> {
  const [r] = await rt.query<{ n: number }>(
    `SELECT count() AS n FROM system.parts
     WHERE database = currentDatabase() AND table = {t:String} AND active AND partition_id = {p:String}`,
    { t: table, p: PARTITIONS[table] },
  );
  return Number(r!.n);
}

test('a week of facts and a month of step durations written several times within seconds end up as one part each', async () => {
  const { key } = await rt.newAccount();
  const send = async (events: unknown[]) => {
    const res = await rt.call('POST', '/api/v1/events', key, events);
    assert.equal(res.status, 200);
    assert.deepEqual(res.json.rejected, []);
    await rt.deps.derived.idle();
  };
  await send(Array.from({ length: 20 }, (_, i) => ev.started('wf', `e${i}`, `2026-02-0${3 + (i % 4)}T10:00:00Z`)));
  // three more writes of the same week's facts, each right after the last one's compaction; each adds a step
  // completed without duration_ms, so its duration comes from the timestamps
  for (let i = 0; i < 3; i++) {
    await send([
      ev.step('started', 'wf', `e${i}`, 'send', '2026-02-07T11:00:00Z'),
      ev.step('completed', 'wf', `e${i}`, 'send', '2026-02-07T11:00:30Z'),
      ev.completed('wf', `e${i}`, '2026-02-07T12:00:00Z'),
    ]);
  }
  const before = { execution_facts: await parts('execution_facts'), step_durations_from_timestamps: await parts('step_durations_from_timestamps') };
  for (const [table, n] of Object.entries(before)) {
    assert.ok(n > 1, `the writes left ${table} in ${n} part(s): the case this test is about did not happen`);
  }

  const deadline = Date.now() + 60_000;
  const now = { ...before };
  while ((now.execution_facts > 1 || now.step_durations_from_timestamps > 1) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 1000));
    for (const table of Object.keys(PARTITIONS) as Table[]) now[table] = await parts(table);
  }
  assert.deepEqual(now, { execution_facts: 1, step_durations_from_timestamps: 1 }, `parts 60 s after the last write (before: ${JSON.stringify(before)})`);

  // the merges keep the current row of each execution and each step duration
  const summary = await rt.call('GET', '/api/v1/workflows/wf/analytics?start_date=2026-02-02&end_date=2026-02-08', key);
  assert.equal(summary.status, 200);
  assert.equal(summary.json.summary.total_enrolled, 20);
  assert.equal(summary.json.summary.completed, 3);
  const actions = await rt.call('GET', '/api/v1/workflows/wf/analytics/actions?start_date=2026-02-02&end_date=2026-02-08', key);
  assert.equal(actions.status, 200);
  const send_ = actions.json.actions.find((a: { action_id: string }) => a.action_id === 'send');
  assert.equal(send_.executions, 3);
  assert.equal(send_.average_duration_ms, 30_000);
});
