/** Whether a platform page's period is over, and which of its buckets have begun: fixed instants, by hand. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { begunBuckets, periodJudged } from './period-progress.js';

const now = Date.parse('2026-03-02T09:10:00Z');

test('a platform page\'s period is judged once over, or on the last day of a week or longer, by the date in its timezone', () => {
  assert.equal(periodJudged({ start_date: '2026-03-01', end_date: '2026-03-01', timezone: 'UTC' }, now), true);
  assert.equal(periodJudged({ start_date: '2026-03-02', end_date: '2026-03-02', timezone: 'UTC' }, now), false);
  // 09:10 UTC is 22:10 on March 1 in Honolulu (−10:00): a day ending March 1 there is still running
  assert.equal(periodJudged({ start_date: '2026-03-01', end_date: '2026-03-01', timezone: 'Pacific/Honolulu' }, now), false);
  assert.equal(periodJudged({ start_date: '2026-02-24', end_date: '2026-03-02', timezone: 'UTC' }, now), true);
  // the summary's own as_of wins over the clock
  assert.equal(periodJudged({ start_date: '2026-03-02', end_date: '2026-03-02', timezone: 'UTC', complete: false, as_of: '2026-03-02T09:10:00+00:00' }, Date.parse('2026-03-05T00:00:00Z')), false);
  assert.equal(periodJudged(undefined, now), undefined);
});

test('buckets after now are dropped: days by their local start, hours by their instant', () => {
  const days = [{ date: '2026-03-01' }, { date: '2026-03-02' }, { date: '2026-03-03' }];
  assert.deepEqual(begunBuckets(days, 'UTC', now).map((d) => d.date), ['2026-03-01', '2026-03-02']);
  // in Kolkata (+05:30) March 3 begins at 18:30 UTC on March 2: not yet at 09:10 UTC
  assert.deepEqual(begunBuckets(days, 'Asia/Kolkata', now).map((d) => d.date), ['2026-03-01', '2026-03-02']);
  const hours = ['08:00', '09:00', '10:00'].map((h) => ({ date: `2026-03-02T${h}:00+00:00` }));
  assert.deepEqual(begunBuckets(hours, 'UTC', now).map((d) => d.date), ['2026-03-02T08:00:00+00:00', '2026-03-02T09:00:00+00:00']);
});
