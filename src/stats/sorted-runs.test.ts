/**
 * Exact quantiles of ascending runs (sorted-runs.ts) against the values joined and sorted: the element of rank
 * ⌊level × n⌋ (ClickHouse's quantileExact; test/summary-exact-days.test.ts checks the same against the engine),
 * with ties, empty runs, runs of one value, levels 0 and 1, on seeded draws.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mulberry32 } from './seeded-random.js';
import { mergeRuns, quantilesOfRuns, rankOfRuns, rankSumAndTies } from './sorted-runs.js';

const asc = (xs: number[]) => Float64Array.from(xs).sort();

test('by hand: the rank ⌊level × n⌋ of the values sorted, across runs', () => {
  const runs = [asc([5, 1, 9]), asc([]), asc([3, 3, 7, 12])];
  // sorted: 1 3 3 5 7 9 12 (n = 7)
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6].map((k) => rankOfRuns(runs, k)), [1, 3, 3, 5, 7, 9, 12]);
  // 0.5 × 7 = 3.5 → rank 3 (5); 0.9 × 7 = 6.3 → 6 (12); 0.95 → 6; level 1 → the largest; level 0 → the smallest
  assert.deepEqual(quantilesOfRuns(runs, [0.5, 0.9, 0.95, 1, 0]), [5, 12, 12, 12, 1]);
  // an even count: 0.5 × 4 = 2 → the upper middle
  assert.deepEqual(quantilesOfRuns([asc([10, 20]), asc([30, 40])], [0.5]), [30]);
  assert.deepEqual(quantilesOfRuns([asc([]), asc([])], [0.5, 0.95]), [null, null]);
  assert.throws(() => rankOfRuns(runs, 7), RangeError);
  assert.throws(() => rankOfRuns(runs, -1), RangeError);
});

test('seeded draws: every rank and level equals the joined runs\' element, with heavy ties and many runs', () => {
  const u = mulberry32(42);
  for (let trial = 0; trial < 300; trial++) {
    const m = 1 + Math.floor(u() * 90);
    const spread = [3, 50, 1e6][trial % 3]!; // few distinct values (ties), some, nearly all distinct
    const runs = Array.from({ length: m }, () => asc(Array.from({ length: Math.floor(u() * (u() < 0.2 ? 0 : 60)) }, () => Math.floor(u() * spread) / 7)));
    const all = mergeRuns(runs);
    if (all.length === 0) continue;
    for (const k of [0, all.length - 1, Math.floor(u() * all.length), Math.floor(all.length / 2)]) assert.equal(rankOfRuns(runs, k), all[k], `trial ${trial}, rank ${k} of ${all.length}`);
    const levels = [0.5, 0.9, 0.95, 0.99, 1];
    assert.deepEqual(quantilesOfRuns(runs, levels), levels.map((l) => all[l < 1 ? Math.floor(l * all.length) : all.length - 1]));
  }
});

test('mergeRuns joins ascending runs into one ascending array', () => {
  assert.deepEqual([...mergeRuns([asc([3, 1]), asc([]), asc([2, 2, -1])])], [-1, 1, 2, 2, 3]);
});

test('rank sum and tie term: by hand, and against ranks counted pair by pair on seeded draws', () => {
  // pooled 1 2 2 3 5 5 5: ranks 1, 2.5, 2.5, 4, 6, 6, 6; the first holds 1, 2, 5 → 1 + 2.5 + 6 = 9.5
  // ties: 2 (twice) → 8 − 2 = 6, 5 (three times) → 27 − 3 = 24
  assert.deepEqual(rankSumAndTies(asc([1, 2, 5]), asc([2, 3, 5, 5])), { rankSumFirst: 9.5, tieTerm: 30 });
  assert.deepEqual(rankSumAndTies(asc([]), asc([4, 4])), { rankSumFirst: 0, tieTerm: 6 });
  const u = mulberry32(9);
  for (let trial = 0; trial < 200; trial++) {
    const a = asc(Array.from({ length: Math.floor(u() * 40) }, () => Math.floor(u() * 12)));
    const b = asc(Array.from({ length: Math.floor(u() * 40) }, () => Math.floor(u() * 12)));
    const pooled = [...a, ...b];
    // a value's rank: the values below it, plus the mean of the ranks its ties span
    const rank = (v: number) => pooled.filter((x) => x < v).length + (pooled.filter((x) => x === v).length + 1) / 2;
    const counts = new Map<number, number>();
    for (const x of pooled) counts.set(x, (counts.get(x) ?? 0) + 1);
    const want = { rankSumFirst: [...a].reduce((s, v) => s + rank(v), 0), tieTerm: [...counts.values()].reduce((s, t) => s + t ** 3 - t, 0) };
    assert.deepEqual(rankSumAndTies(a, b), want, `trial ${trial}`);
  }
});
