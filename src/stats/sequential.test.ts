import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalQuantile } from './distributions.js';
import { alwaysValidPValues, confidenceSequence, defaultTau2, type Look, mixtureLikelihoodRatio } from './sequential.js';

function close(actual: number, expected: number, tol: number, what = ''): void {
  const err = Math.abs(actual - expected);
  assert.ok(err <= tol * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs ${expected} (error ${err})`);
}

test('mixtureLikelihoodRatio: the normal-mixture formula by hand', () => {
  // δ = 0.02, v = 1e−4, τ² = 1e−4: √(v/(v + τ²)) = √½ = 0.7071068;
  // τ²δ²/(2v(v + τ²)) = 1e−4·4e−4/(2·1e−4·2e−4) = 1 → Λ = e/√2 = 1.9221155
  close(mixtureLikelihoodRatio({ difference: 0.02, variance: 1e-4 }, 1e-4), Math.E / Math.SQRT2, 1e-15, 'Λ');
  // δ = 0: Λ = √(v/(v + τ²)) < 1 (no evidence against 0 costs the mixture its spread)
  close(mixtureLikelihoodRatio({ difference: 0, variance: 1e-4 }, 3e-4), 0.5, 1e-15, 'Λ at δ = 0');
  // symmetric in δ
  assert.equal(mixtureLikelihoodRatio({ difference: -0.02, variance: 1e-4 }, 1e-4), mixtureLikelihoodRatio({ difference: 0.02, variance: 1e-4 }, 1e-4));
  // overwhelming evidence overflows to ∞, never NaN
  assert.equal(mixtureLikelihoodRatio({ difference: 1, variance: 1e-8 }, 1e-2), Infinity);
});

test('alwaysValidPValues: running minimum of min(1, 1/Λ)', () => {
  const tau2 = 1e-4;
  const looks: Look[] = [
    { difference: 0, variance: 4e-4 }, // Λ < 1 → p 1
    { difference: 0.02, variance: 1e-4 }, // Λ = e/√2 → p = √2/e = 0.5203
    { difference: 0.05, variance: 5e-5 }, // strong
    { difference: 0.0, variance: 2.5e-5 }, // evidence gone, p stays at the minimum
  ];
  const p = alwaysValidPValues(looks, tau2);
  assert.equal(p.length, 4);
  assert.equal(p[0], 1);
  close(p[1]!, Math.SQRT2 / Math.E, 1e-15, 'p₂');
  const third = 1 / mixtureLikelihoodRatio(looks[2]!, tau2);
  close(p[2]!, third, 1e-15, 'p₃');
  assert.ok(third < 0.001);
  assert.equal(p[3], p[2]);
  for (let i = 1; i < p.length; i++) assert.ok(p[i]! <= p[i - 1]!);
  assert.deepEqual(alwaysValidPValues([], tau2), []);
});

test('confidenceSequence: Λ(θ) = 1/α at its ends, wider than the fixed-horizon interval', () => {
  const look = { difference: 0.02, variance: 1e-4 };
  const tau2 = 1e-4;
  const [lo, hi] = confidenceSequence(look, tau2, 0.05);
  // half-width √((2v(v + τ²)/τ²)·(log 20 + ½ log 2)) = √(4e−4·(2.9957323 + 0.3465736)) = 0.0365639
  close(hi - 0.02, 0.03656394871363849, 1e-12, 'half-width');
  close(0.02 - lo, 0.03656394871363849, 1e-12, 'symmetric');
  for (const end of [lo, hi]) close(mixtureLikelihoodRatio({ difference: look.difference - end, variance: look.variance }, tau2), 20, 1e-9, 'Λ at the end');
  const z = normalQuantile(0.975) * Math.sqrt(look.variance);
  assert.ok(hi - 0.02 > z, 'wider than ±1.96·SE');
  // tighter alpha, wider sequence
  const [lo1, hi1] = confidenceSequence(look, tau2, 0.01);
  assert.ok(lo1 < lo && hi1 > hi);
});

test('degenerate looks carry no evidence and never give NaN', () => {
  assert.equal(mixtureLikelihoodRatio({ difference: 0.1, variance: 0 }, 1e-4), 1);
  assert.equal(mixtureLikelihoodRatio({ difference: 0.1, variance: 1e-4 }, 0), 1);
  assert.equal(mixtureLikelihoodRatio({ difference: Number.NaN, variance: 1e-4 }, 1e-4), 1);
  assert.deepEqual(alwaysValidPValues([{ difference: 0.1, variance: 0 }], 1e-4), [1]);
  assert.deepEqual(confidenceSequence({ difference: 0.1, variance: 0 }, 1e-4), [0.1, 0.1]);
  assert.deepEqual(confidenceSequence({ difference: 0.1, variance: 1e-4 }, 0), [-Infinity, Infinity]);
});

test('defaultTau2: the squared absolute minimum detectable effect', () => {
  close(defaultTau2({ baseline: 0.1, mde_relative: 0.1 }), 1e-4, 1e-15);
  close(defaultTau2({ baseline: 0.2, mde_relative: -0.05 }), 1e-4, 1e-15);
  assert.equal(defaultTau2({ baseline: 0, mde_relative: 0.1 }), 0);
  assert.equal(defaultTau2({ baseline: Number.NaN, mde_relative: 0.1 }), 0);
});
