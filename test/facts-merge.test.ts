/**
 * execution_facts weeks end up as one part once nobody writes to them (migration 016): cohort reads with
 * FINAL then cost what a single part costs. The derived writer's own compaction merges a week at most every
 * 10 s, so writes that come within those 10 s leave the week in several parts unless the engine merges it.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ev, startTestRuntime, type TestRuntime } from './helpers/runtime.js';

let rt: TestRuntime;
before(async () => {
  rt = await startTestRuntime();
});
after(() => rt.close());

const WEEK = '20260202'; // the Monday of the events below
async function partsOfWeek(): Promise<number> {
  const [r] = await rt.deps.store.query<{ n: number }>(
    `SELECT count() AS n FROM system.parts
     WHERE database = currentDatabase() AND table = 'execution_facts' AND active AND partition_id = {p:String}`,
    { p: WEEK },
  );
  return Number(r!.n);
}

test('a week written to several times within seconds is merged into one part once its parts are 10 s old', async () => {
  const { key } = await rt.newAccount();
  const send = async (events: unknown[]) => {
    const res = await rt.call('POST', '/api/v1/events', key, events);
    assert.equal(res.status, 200);
    await rt.deps.derived.idle();
  };
  await send(Array.from({ length: 20 }, (_, i) => ev.started('wf', `e${i}`, `2026-02-0${3 + (i % 4)}T10:00:00Z`)));
  // three more writes of the same week's facts, each right after the last one's compaction
  for (let i = 0; i < 3; i++) await send([ev.completed('wf', `e${i}`, '2026-02-07T12:00:00Z')]);
  const before = await partsOfWeek();
  assert.ok(before > 1, `the writes left the week in ${before} part(s): the case this test is about did not happen`);

  const deadline = Date.now() + 45_000;
  let parts = before;
  while (parts > 1 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 1000));
    parts = await partsOfWeek();
  }
  assert.equal(parts, 1, `the week still has ${parts} parts 45 s after its last write (had ${before})`);

  // the merge keeps the current row of each execution
  const res = await rt.call('GET', `/api/v1/workflows/wf/analytics?start_date=2026-02-02&end_date=2026-02-08`, key);
  assert.equal(res.status, 200);
  assert.equal(res.json.summary.total_enrolled, 20);
  assert.equal(res.json.summary.completed, 3);
});
