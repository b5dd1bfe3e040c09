import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BucketCounts, bucketOf, countValues, RELATIVE_ERROR, representative } from './log-buckets.js';
import { mulberry32, normalDraw } from './seeded-random.js';

/** What ClickHouse's quantileExact returns: the element at index ⌊level · n⌋ of the sorted values (n − 1 for 1). */
function exact(values: number[], level: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[level < 1 ? Math.floor(level * sorted.length) : sorted.length - 1]!;
}

const counted = countValues;

const LEVELS = [0.5, 0.9, 0.95];

test('a bucket holds (γ^(k−1), γ^k]; its representative is within the stated error of both ends', () => {
  const gamma = (1 + RELATIVE_ERROR) / (1 - RELATIVE_ERROR);
  for (const k of [-1500, -3, 0, 1, 57, 977]) {
    const low = Math.pow(gamma, k - 1);
    const high = Math.pow(gamma, k);
    assert.equal(bucketOf(high * (1 - 1e-12)), k);
    assert.equal(bucketOf(low * (1 + 1e-12)), k);
    const r = representative(k);
    assert.ok(Math.abs(r - low) / low <= RELATIVE_ERROR + 1e-12 && Math.abs(r - high) / high <= RELATIVE_ERROR + 1e-12, `bucket ${k}`);
  }
  // keys sort like values: negative < 0 < tiny positive
  const values = [-1e6, -3, -1e-7, 0, 1e-9, 2.8e-7, 0.5, 1, 17520];
  const keys = values.map(bucketOf);
  assert.deepEqual([...keys].sort((a, b) => a - b), keys);
  assert.equal(representative(bucketOf(0)), 0);
  assert.ok(Math.abs(representative(bucketOf(-3)) + 3) / 3 <= RELATIVE_ERROR);
});

test('seeded simulation: quantiles of log-normal durations within 0.5 % of the exact ones, at every size', () => {
  const random = mulberry32(20261207);
  for (const n of [1, 2, 3, 10, 101, 1000, 20_000]) {
    for (let run = 0; run < 20; run++) {
      const values = Array.from({ length: n }, () => Math.exp(normalDraw(random, 2, 1.5)));
      const got = counted(values).quantiles(LEVELS);
      LEVELS.forEach((level, i) => {
        const want = exact(values, level);
        assert.ok(Math.abs(got[i]! - want) / want <= RELATIVE_ERROR, `n=${n} level=${level}: ${got[i]} against ${want}`);
      });
    }
  }
});

test('states merge by adding: the quantiles of days merged are those of all their values', () => {
  const random = mulberry32(7);
  const days = Array.from({ length: 30 }, (_, d) => Array.from({ length: 50 + d * 10 }, () => Math.exp(normalDraw(random, d / 10, 1))));
  const merged = new BucketCounts();
  for (const day of days) merged.addPacked(counted(day).packed());
  assert.deepEqual(merged.quantiles(LEVELS), counted(days.flat()).quantiles(LEVELS));
  assert.equal(merged.n, days.flat().length);
});

test('zeros and negative values (an end stamped before its start) keep their place', () => {
  assert.deepEqual(counted([0, 0, 0, 5]).quantiles([0.5]), [0]);
  const [p50, top] = counted([-2, -2, -2, 1, 3e30]).quantiles([0.5, 1]);
  assert.ok(Math.abs(p50! + 2) / 2 <= RELATIVE_ERROR);
  assert.ok(Math.abs(top! - 3e30) / 3e30 <= RELATIVE_ERROR, 'a key outside the array keeps its place');
  assert.ok(Number.isNaN(new BucketCounts().quantiles([0.5])[0]!));
});
