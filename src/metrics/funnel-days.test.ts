/** The funnel's day states merged, and each step's exact p50 and p95 selected across the days' times: worked out by hand. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyFunnelCounts, mergeFunnelCounts, stepTimesOfRuns, type FunnelCounts } from './funnel-days.js';

/** A day's counts holding its steps' times (each run ascending, as the statement gives them). */
function day(total: number, times: Record<string, number[]>): FunnelCounts {
  const c = emptyFunnelCounts(true);
  c.total = total;
  for (const [id, values] of Object.entries(times)) c.times!.set(id, [Float64Array.from(values)]);
  return c;
}

test('a period\'s step times are the elements quantilesExact picks among every day\'s times', () => {
  // step a: 1, 2, 2.5, 4, 7, 9, 10, 30 (n = 8): p50 = rank ⌊0.5 × 8⌋ = 4 → 7; p95 = rank ⌊0.95 × 8⌋ = 7 → 30
  // step b: 5 (n = 1): both rank 0 → 5
  const merged = mergeFunnelCounts([day(3, { a: [2, 7, 30], b: [5] }), day(2, { a: [1, 9] }), day(4, { a: [2.5, 4, 10] })]);
  assert.equal(merged.total, 9);
  assert.deepEqual([...stepTimesOfRuns(merged)], [['a', [7, 30]], ['b', [5, 5]]]);
  assert.deepEqual(merged.times!.get('a')!.map((r) => r.length), [3, 2, 3], 'the days\' runs, not merged');
});

test('counts of a part held without times give no times to select from', () => {
  const merged = mergeFunnelCounts([day(1, { a: [1] }), emptyFunnelCounts(false)]);
  assert.equal(merged.times, undefined);
  assert.throws(() => stepTimesOfRuns(merged), /without their times/);
});

test('a step nobody spent time in has no times', () => {
  const merged = mergeFunnelCounts([day(1, {}), day(1, { a: [] })]);
  assert.deepEqual([...stepTimesOfRuns(merged)], []);
});
