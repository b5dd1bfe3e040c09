/** Mark-cache prewarming: after it, a panel's read of the cohort facts loads no marks itself. Real embedded engine. */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { ev } from '../../test/helpers/runtime.js';
import { openTestStore } from '../../test/helpers/store.js';
import { storeSink } from '../ingest/sinks.js';
import { parsePeriod } from '../metrics/period.js';
import { summaryWithTrends } from '../metrics/summary.js';
import { prewarmMarks } from './prewarm.js';

const { store } = await openTestStore();
after(() => store.close());

const misses = async () =>
  Number((await store.query<{ n: number }>("SELECT sum(value) AS n FROM system.events WHERE event = 'MarkCacheMisses'"))[0]?.n ?? 0);

test('after prewarming, the summary of a workflow misses no mark in the cache', async (t) => {
  if (store.kind !== 'embedded') return t.skip('prewarming is for the embedded engine');
  const sink = storeSink(store, 'default');
  await sink.send(
    Array.from({ length: 50 }, (_, i) => [
      ev.started('wf-warm', `x${i}`, '2026-03-02T10:00:00Z'),
      ev.completed('wf-warm', `x${i}`, '2026-03-03T10:00:00Z'),
    ]).flat(),
  );
  await sink.close();
  const read = async () => (await summaryWithTrends(store, { account: 'default', workflow: 'wf-warm' }, parsePeriod({ start_date: '2026-03-01', end_date: '2026-03-31' }))).summary;

  // cold: the read loads marks itself (so the check below can fail)
  await store.command('SYSTEM DROP MARK CACHE');
  let before = await misses();
  assert.equal((await read()).completed, 50);
  assert.ok((await misses()) > before, 'a cold cache misses');

  await store.command('SYSTEM DROP MARK CACHE');
  await prewarmMarks(store, (msg, err) => assert.ok(!err, `${msg}: ${String(err)}`));
  before = await misses();
  assert.equal((await read()).completed, 50);
  assert.equal(await misses(), before, 'no mark loaded by the read');
});
