/** How far a period has run: hand-computed instants, in UTC and in Kolkata (+05:30). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePeriod } from './period.js';
import { periodProgress } from './period-progress.js';

test('today at 09:10 UTC, hourly: 10 buckets begun (00:00 … 09:00), the 09:00 one in progress', () => {
  const now = new Date('2026-03-02T09:10:00Z');
  const p = parsePeriod({ range: 'today', granularity: 'hourly' }, now);
  assert.deepEqual(periodProgress(p, now), { complete: false, as_of: '2026-03-02T09:10:00+00:00', buckets_begun: 10, bucket_in_progress: '2026-03-02T09:00:00+00:00' });
});

test('last 7 days read on their last day, daily: 7 begun, the last in progress; weekly: the week that began before the period counts from its start', () => {
  const now = new Date('2026-03-04T12:00:00Z'); // a Wednesday
  const d = parsePeriod({ range: 'last_7_days' }, now); // 2026-02-26 … 2026-03-04
  assert.deepEqual(periodProgress(d, now), { complete: false, as_of: '2026-03-04T12:00:00+00:00', buckets_begun: 7, bucket_in_progress: '2026-03-04' });
  const w = parsePeriod({ range: 'last_7_days', granularity: 'weekly' }, now); // weeks of Feb 23 and Mar 2
  assert.deepEqual(periodProgress(w, now), { complete: false, as_of: '2026-03-04T12:00:00+00:00', buckets_begun: 2, bucket_in_progress: '2026-03-02' });
});

test('a past period is complete; a future one has no bucket begun', () => {
  const p = parsePeriod({ start_date: '2026-03-01', end_date: '2026-03-31' });
  assert.deepEqual(periodProgress(p, new Date('2026-04-01T00:00:00Z')), { complete: true, as_of: '2026-04-01T00:00:00+00:00', buckets_begun: 31, bucket_in_progress: null });
  // read months later, a past period still reaches its end: the same answer (and ETag) every time
  assert.deepEqual(periodProgress(p, new Date('2026-12-07T00:27:53Z')), { complete: true, as_of: '2026-04-01T00:00:00+00:00', buckets_begun: 31, bucket_in_progress: null });
  assert.deepEqual(periodProgress(p, new Date('2026-02-28T23:59:59Z')), { complete: false, as_of: '2026-02-28T23:59:59+00:00', buckets_begun: 0, bucket_in_progress: null });
});

test('Kolkata: 2026-03-02 begins at 18:30 UTC the day before; at 03:45 UTC (09:15 local) 10 hourly buckets have begun', () => {
  const p = parsePeriod({ start_date: '2026-03-02', end_date: '2026-03-02', timezone: 'Asia/Kolkata', granularity: 'hourly' });
  assert.deepEqual(periodProgress(p, new Date('2026-03-02T03:45:00Z')), { complete: false, as_of: '2026-03-02T09:15:00+05:30', buckets_begun: 10, bucket_in_progress: '2026-03-02T09:00:00+05:30' });
});
