/** Assignment: deterministic, the weights respected, experiments independent, the rollout answering the winner. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assign, bucketOf, fnv1a32, variantAt } from './assign.js';

test('FNV-1a 32 matches its published test vectors', () => {
  // http://www.isthe.com/chongo/src/fnv/test_fnv.c (FNV1A_32 of "", "a", "foobar")
  assert.equal(fnv1a32(''), 0x811c9dc5);
  assert.equal(fnv1a32('a'), 0xe40c292c);
  assert.equal(fnv1a32('foobar'), 0xbf9cf968);
});

test('the same contact always gets the same variant; buckets are in [0, 1)', () => {
  const e = { salt: 'abc', variants: [{ key: 'A', weight: 1 }, { key: 'B', weight: 1 }], rollout: null };
  for (let i = 0; i < 1000; i++) {
    const a = assign(e, `contact-${i}`);
    assert.deepEqual(assign(e, `contact-${i}`), a);
    assert.ok(a.bucket >= 0 && a.bucket < 1);
  }
});

test('weights are respected: 100,000 contacts split 20/30/50 within sampling error (χ², p > 0.001)', () => {
  const e = { salt: 'weights', variants: [{ key: 'A', weight: 2 }, { key: 'B', weight: 3 }, { key: 'C', weight: 5 }], rollout: null };
  const n = 100_000;
  const counts: Record<string, number> = { A: 0, B: 0, C: 0 };
  for (let i = 0; i < n; i++) counts[assign(e, `c${i}`).variant]!++;
  const expected = { A: 0.2 * n, B: 0.3 * n, C: 0.5 * n };
  const chi2 = Object.keys(expected).reduce((s, k) => s + (counts[k]! - expected[k as 'A']) ** 2 / expected[k as 'A'], 0);
  assert.ok(chi2 < 13.82, `χ² = ${chi2} with 2 df (13.82 is p = 0.001): ${JSON.stringify(counts)}`);
});

test('two experiments assign independently (their salts differ): the 2×2 table of 40,000 contacts shows no association', () => {
  const x = { salt: 'exp-1', variants: [{ key: 'A', weight: 1 }, { key: 'B', weight: 1 }], rollout: null };
  const y = { salt: 'exp-2', variants: [{ key: 'A', weight: 1 }, { key: 'B', weight: 1 }], rollout: null };
  const n = 40_000;
  const t = [[0, 0], [0, 0]] as [[number, number], [number, number]];
  for (let i = 0; i < n; i++) t[assign(x, `u${i}`).variant === 'A' ? 0 : 1][assign(y, `u${i}`).variant === 'A' ? 0 : 1]++;
  const rows = [t[0][0] + t[0][1], t[1][0] + t[1][1]];
  const cols = [t[0][0] + t[1][0], t[0][1] + t[1][1]];
  let chi2 = 0;
  for (const i of [0, 1]) for (const j of [0, 1]) chi2 += (t[i]![j]! - (rows[i]! * cols[j]!) / n) ** 2 / ((rows[i]! * cols[j]!) / n);
  assert.ok(chi2 < 10.83, `χ² = ${chi2} with 1 df (10.83 is p = 0.001)`);
  assert.notEqual(bucketOf('exp-1', 'u1'), bucketOf('exp-2', 'u1'));
});

test('a rollout answers the winner for everyone; the split comes back without it', () => {
  const variants = [{ key: 'A', weight: 1 }, { key: 'B', weight: 1 }];
  const split = { salt: 's', variants, rollout: null };
  const rolled = { ...split, rollout: 'B' };
  for (let i = 0; i < 200; i++) {
    assert.deepEqual(assign(rolled, `c${i}`).variant, 'B');
    assert.equal(assign(rolled, `c${i}`).reason, 'rollout');
  }
  assert.ok(Array.from({ length: 200 }, (_, i) => assign(split, `c${i}`).variant).includes('A'));
});

test('variantAt: cumulative shares, the last variant for a bucket at the top edge', () => {
  const v = [{ key: 'A', weight: 1 }, { key: 'B', weight: 3 }];
  assert.equal(variantAt(v, 0), 'A');
  assert.equal(variantAt(v, 0.2499), 'A');
  assert.equal(variantAt(v, 0.25), 'B');
  assert.equal(variantAt(v, 0.9999999), 'B');
});
