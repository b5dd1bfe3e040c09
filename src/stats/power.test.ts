import assert from 'node:assert/strict';
import { test } from 'node:test';
import { powerTwoProportions, sampleSizeTwoProportions } from './power.js';

function close(actual: number, expected: number, tol: number, what = ''): void {
  const err = Math.abs(actual - expected);
  assert.ok(err <= tol * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs ${expected} (error ${err})`);
}

test('sampleSizeTwoProportions: Fleiss (pooled under H₀) by hand', () => {
  // p₁ = 0.10, p₂ = 0.11, p̄ = 0.105: √(2·0.105·0.895) = 0.4335320, √(0.09 + 0.0979) = 0.4334743
  // (1.9599640·0.4335320 + 0.8416212·0.4334743)² / 0.01² = 1.2145289² / 1e−4 = 14750.79 → 14751
  // (R's power.prop.test(p1 = 0.1, p2 = 0.11, power = 0.8) solves the same equation: n = 14750.79)
  assert.equal(sampleSizeTwoProportions({ baseline: 0.1, mde_relative: 0.1 }), 14751);
  // same formula in scipy (norm.ppf): 0.05 → 0.06: 8157.73; 0.3 → 0.27 at α 0.01, power 0.9: 6735.41; 0.5 → 0.51: 39239.30
  assert.equal(sampleSizeTwoProportions({ baseline: 0.05, mde_relative: 0.2 }), 8158);
  assert.equal(sampleSizeTwoProportions({ baseline: 0.3, mde_relative: -0.1, alpha: 0.01, power: 0.9 }), 6736);
  assert.equal(sampleSizeTwoProportions({ baseline: 0.5, mde_relative: 0.02 }), 39240);
  // a larger effect needs fewer, a larger power more
  assert.ok(sampleSizeTwoProportions({ baseline: 0.1, mde_relative: 0.2 }) < 14751);
  assert.ok(sampleSizeTwoProportions({ baseline: 0.1, mde_relative: 0.1, power: 0.9 }) > 14751);
});

test('powerTwoProportions: the inverse of the sample size', () => {
  // scipy: power at 14751 per arm = 0.8000065290879345 (both tails)
  close(powerTwoProportions({ baseline: 0.1, mde_relative: 0.1, n_per_arm: 14751 }), 0.8000065290879345, 1e-12);
  close(powerTwoProportions({ baseline: 0.05, mde_relative: 0.2, n_per_arm: 1000 }), 0.1653285653010941, 1e-12);
  close(powerTwoProportions({ baseline: 0.3, mde_relative: -0.1, n_per_arm: 500, alpha: 0.01 }), 0.06366206554852695, 1e-12);
  for (const [baseline, mde] of [[0.02, 0.15], [0.1, 0.05], [0.4, -0.1], [0.9, 0.05]] as const) {
    const n = sampleSizeTwoProportions({ baseline, mde_relative: mde });
    const at = powerTwoProportions({ baseline, mde_relative: mde, n_per_arm: n });
    const before = powerTwoProportions({ baseline, mde_relative: mde, n_per_arm: n - 1 });
    assert.ok(at >= 0.8 && before < 0.8 + 1e-6, `${baseline}, ${mde}: power ${before} at n − 1, ${at} at n = ${n}`);
  }
});

test('degenerate plans: no effect, impossible effects, no traffic', () => {
  assert.equal(sampleSizeTwoProportions({ baseline: 0.1, mde_relative: 0 }), Infinity);
  assert.equal(sampleSizeTwoProportions({ baseline: 0, mde_relative: 0.1 }), Infinity);
  assert.equal(sampleSizeTwoProportions({ baseline: 0.95, mde_relative: 0.1 }), Infinity); // 104.5 %
  assert.equal(powerTwoProportions({ baseline: 0.1, mde_relative: 0, n_per_arm: 1000 }), 0);
  assert.equal(powerTwoProportions({ baseline: 0.1, mde_relative: 0.1, n_per_arm: 0 }), 0);
  // 100 % → 0 %: no variance under H₁, a certain difference: |Δ|√n = √10 = 3.16 > 1.96·√(2·½·½) = 1.39
  assert.equal(powerTwoProportions({ baseline: 1, mde_relative: -1, n_per_arm: 10 }), 1);
  // … which one unit per arm cannot show: 1 < 1.39
  assert.equal(powerTwoProportions({ baseline: 1, mde_relative: -1, n_per_arm: 1 }), 0);
  assert.throws(() => sampleSizeTwoProportions({ baseline: 0.1, mde_relative: 0.1, alpha: 0 }), RangeError);
});
