/** The embedded engine's allocator: the options engine-module.ts gives it, and freed memory kept over a pause (page faults counted). */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { allocatorOptions } from './engine-module.js';
import type { Store } from './store.js';
import { openTestStore } from '../../test/helpers/store.js';

test('the allocator options hold freed memory for the configured time, after any options already given', () => {
  assert.equal(allocatorOptions(3600, undefined), 'dirty_decay_ms:3600000');
  assert.equal(allocatorOptions(0, ''), 'dirty_decay_ms:0');
  assert.equal(allocatorOptions(60, 'narenas:2,dirty_decay_ms:1000'), 'narenas:2,dirty_decay_ms:1000,dirty_decay_ms:60000');
});

let store: Store;
before(async () => ((store = (await openTestStore()).store)));
after(() => store.close());

/** Page faults of this process while a query that works through ≈200 MB of memory runs. */
async function faultsOfBigQuery(): Promise<number> {
  const before = process.resourceUsage().minorPageFault;
  await store.query('SELECT length(groupArray(number)) AS n FROM numbers(20000000)');
  return process.resourceUsage().minorPageFault - before;
}

test('memory a query freed is still the engine\'s after a pause longer than the allocator\'s own 5 s', { skip: process.env.FLOWLENS_TEST_CLICKHOUSE_URL ? 'a ClickHouse server manages its own memory' : false }, async () => {
  const first = await faultsOfBigQuery();
  await faultsOfBigQuery();
  await new Promise((r) => setTimeout(r, 7_000));
  const afterPause = await faultsOfBigQuery();
  // given back, the ≈200 MB are faulted in again (≈50,000 faults of 4 KiB, like the first run); held, almost none
  assert.ok(first > 20_000, `the first run faulted ${first} pages in; expected its memory to be new`);
  assert.ok(afterPause < first / 4, `after the pause the query faulted ${afterPause} pages in, against ${first} the first time`);
});
