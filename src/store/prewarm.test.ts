/**
 * The engine's caches for the panels' reads, real embedded engine: mark-cache prewarming (after it, a panel's read
 * of the cohort facts loads no marks itself); reads through the block cache, and its prewarming (after it, a
 * panel's read decompresses no block itself).
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { ev } from '../../test/helpers/runtime.js';
import { openTestStore } from '../../test/helpers/store.js';
import { storeSink } from '../ingest/sinks.js';
import { parsePeriod } from '../metrics/period.js';
import { summaryWithTrends } from '../metrics/summary.js';
import { funnel } from '../metrics/funnel.js';
import { prewarmBlockCache, prewarmMarks } from './prewarm.js';

const { store } = await openTestStore();
after(() => store.close());

const counter = async (event: string) =>
  Number((await store.query<{ n: number }>('SELECT sum(value) AS n FROM system.events WHERE event = {event:String}', { event }))[0]?.n ?? 0);
const misses = () => counter('MarkCacheMisses');
/** Stores events of account `default` the way a seed does (facts written). */
async function ingest(events: object[]): Promise<void> {
  const sink = storeSink(store, 'default');
  await sink.send(events);
  await sink.close();
}

test('after prewarming, the summary of a workflow misses no mark in the cache', async (t) => {
  if (store.kind !== 'embedded') return t.skip('prewarming is for the embedded engine');
  await ingest(
    Array.from({ length: 50 }, (_, i) => [
      ev.started('wf-warm', `x${i}`, '2026-03-02T10:00:00Z'),
      ev.completed('wf-warm', `x${i}`, '2026-03-03T10:00:00Z'),
    ]).flat(),
  );
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

test('panel reads go through the block cache, which prewarming fills; the deduplication lookup stays out of it', async (t) => {
  if (store.kind !== 'embedded') return t.skip('the block cache is the embedded engine\'s');
  await ingest(
    Array.from({ length: 40 }, (_, i) => [
      ev.started('wf-blocks', `b${i}`, '2026-04-06T10:00:00Z'),
      ev.step('started', 'wf-blocks', `b${i}`, 'send', '2026-04-06T10:00:01Z'),
      ev.step('completed', 'wf-blocks', `b${i}`, 'send', '2026-04-06T10:00:03Z', { duration_ms: 2000 }),
      ev.completed('wf-blocks', `b${i}`, '2026-04-07T10:00:00Z'),
    ]).flat(),
  );
  const scope = { account: 'default', workflow: 'wf-blocks' };
  const period = parsePeriod({ start_date: '2026-04-01', end_date: '2026-04-30' });
  const read = async () => {
    const [s, f] = [(await summaryWithTrends(store, scope, period)).summary, await funnel(store, scope, period)];
    assert.equal(s.completed, 40);
    assert.deepEqual(f.funnel_steps.map((x) => [x.step_id, x.entered, x.average_time_seconds]), [['send', 40, 2]]);
  };
  const blocks = async () => ({ hits: await counter('UncompressedCacheHits'), misses: await counter('UncompressedCacheMisses') });

  await store.command('SYSTEM DROP UNCOMPRESSED CACHE');
  let before = await blocks();
  await read();
  let now = await blocks();
  assert.ok(now.misses > before.misses, 'a cold cache misses (so the checks below can fail)');
  before = now;
  await read();
  now = await blocks();
  assert.equal(now.misses, before.misses, 'the same read again decompresses nothing');
  assert.ok(now.hits > before.hits, 'it reads the cached blocks');

  await store.command('SYSTEM DROP UNCOMPRESSED CACHE');
  await prewarmBlockCache(store, 64, (msg, err) => assert.ok(!err, `${msg}: ${String(err)}`));
  before = await blocks();
  await read();
  now = await blocks();
  assert.equal(now.misses, before.misses, 'after prewarming, the panels decompress no block themselves');
  assert.ok(now.hits > before.hits);

  // the deduplication lookup's probes neither read nor fill the cache
  before = await blocks();
  await store.query('SELECT count() AS n FROM event_ids WHERE NOT ignore(id_hash)', {}, { blockCache: false });
  assert.deepEqual(await blocks(), before);
});
