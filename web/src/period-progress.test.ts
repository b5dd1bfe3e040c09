/** Whether a platform page's period is over, and which of its buckets have begun: fixed instants, by hand. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { begunBuckets, periodComplete } from './period-progress.js';

const now = Date.parse('2026-03-02T09:10:00Z');

test('a period is over once its last date is before today in its timezone; the API\'s own answer wins', () => {
  assert.equal(periodComplete({ end_date: '2026-03-01', timezone: 'UTC' }, now), true);
  assert.equal(periodComplete({ end_date: '2026-03-02', timezone: 'UTC' }, now), false);
  // 09:10 UTC is 22:10 on March 1 in Honolulu (−10:00): a period ending March 1 there is still running
  assert.equal(periodComplete({ end_date: '2026-03-01', timezone: 'Pacific/Honolulu' }, now), false);
  assert.equal(periodComplete({ end_date: '2026-03-02', timezone: 'UTC', complete: true }, now), true);
  assert.equal(periodComplete(undefined, now), undefined);
});

test('buckets after now are dropped: days by their local start, hours by their instant', () => {
  const days = [{ date: '2026-03-01' }, { date: '2026-03-02' }, { date: '2026-03-03' }];
  assert.deepEqual(begunBuckets(days, 'UTC', now).map((d) => d.date), ['2026-03-01', '2026-03-02']);
  // in Kolkata (+05:30) March 3 begins at 18:30 UTC on March 2: not yet at 09:10 UTC
  assert.deepEqual(begunBuckets(days, 'Asia/Kolkata', now).map((d) => d.date), ['2026-03-01', '2026-03-02']);
  const hours = ['08:00', '09:00', '10:00'].map((h) => ({ date: `2026-03-02T${h}:00+00:00` }));
  assert.deepEqual(begunBuckets(hours, 'UTC', now).map((d) => d.date), ['2026-03-02T08:00:00+00:00', '2026-03-02T09:00:00+00:00']);
});
