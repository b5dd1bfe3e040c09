/**
 * Sample size and power of the two-sided two-proportion z test with equal arms, the test statistic's variance
 * pooled under H₀ (Fleiss, "Statistical Methods for Rates and Proportions", formula without continuity
 * correction; the same as R's power.prop.test):
 *     n = (z_{1−α/2}·√(2p̄(1 − p̄)) + z_{power}·√(p₁(1 − p₁) + p₂(1 − p₂)))² / (p₂ − p₁)²   per arm,
 * p₁ the baseline rate, p₂ = p₁·(1 + mde_relative), p̄ = (p₁ + p₂)/2, rounded up. The power at n per arm is
 *     Φ((|Δ|√n − z_{1−α/2}·√(2p̄(1 − p̄))) / √(p₁q₁ + p₂q₂)) + Φ((−|Δ|√n − z_{1−α/2}·√(2p̄(1 − p̄))) / √(p₁q₁ + p₂q₂)),
 * both rejection regions counted (the second is negligible at any useful power), so the power at the sample size
 * is at least the one asked for.
 *
 * Degenerate plans never throw nor give NaN: an effect of 0, or a p₂ outside [0, 1] (no such effect can exist),
 * has no finite sample size (Infinity) and power 0. Invalid parameters (alpha or power outside (0, 1)) throw.
 */

import { normalCdf, normalQuantile } from './distributions.js';

interface Plan {
  p1: number;
  p2: number;
  delta: number;
  /** √(2p̄(1 − p̄)): the per-unit standard deviation of the difference under H₀. */
  sd0: number;
  /** √(p₁q₁ + p₂q₂): under H₁. */
  sd1: number;
}

function planOf(baseline: number, mdeRelative: number): Plan | null {
  const p1 = baseline;
  const p2 = baseline * (1 + mdeRelative);
  if (!(p1 >= 0 && p1 <= 1 && p2 >= 0 && p2 <= 1)) return null;
  const bar = (p1 + p2) / 2;
  return { p1, p2, delta: p2 - p1, sd0: Math.sqrt(2 * bar * (1 - bar)), sd1: Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2)) };
}

function checkProbability(name: string, v: number): void {
  if (!(v > 0 && v < 1)) throw new RangeError(`${name} must be between 0 and 1 (exclusive), got ${v}`);
}

/**
 * Per-arm sample size (equal arms) for the two-sided two-proportion z test to detect a relative change
 * `mde_relative` of the `baseline` rate (fractions: 0.1 is 10 %) with the given alpha and power (defaults 0.05,
 * 0.8). Infinity when the effect is 0 or leaves [0, 1].
 */
export function sampleSizeTwoProportions(o: { baseline: number; mde_relative: number; alpha?: number; power?: number }): number {
  const alpha = o.alpha ?? 0.05;
  const power = o.power ?? 0.8;
  checkProbability('alpha', alpha);
  checkProbability('power', power);
  const plan = planOf(o.baseline, o.mde_relative);
  if (!plan || plan.delta === 0) return Infinity;
  const zAlpha = normalQuantile(1 - alpha / 2);
  const zBeta = normalQuantile(power);
  const root = zAlpha * plan.sd0 + zBeta * plan.sd1;
  const n = (root * root) / (plan.delta * plan.delta);
  // 1e−9 of slack: a product that lands a hair above an integer is that integer
  return Math.max(1, Math.ceil(n - 1e-9));
}

/**
 * Power of the two-sided two-proportion z test with `n_per_arm` in each arm against the relative change
 * `mde_relative` of `baseline`. With no variance under H₁ (rates 0 or 1) the difference is certain: power 1 if it
 * exceeds the critical value, else 0; an effect of 0 or one that leaves [0, 1], or n ≤ 0, gives 0.
 */
export function powerTwoProportions(o: { baseline: number; mde_relative: number; n_per_arm: number; alpha?: number }): number {
  const alpha = o.alpha ?? 0.05;
  checkProbability('alpha', alpha);
  const plan = planOf(o.baseline, o.mde_relative);
  const n = o.n_per_arm;
  if (!plan || plan.delta === 0 || !(n > 0)) return 0;
  const zAlpha = normalQuantile(1 - alpha / 2);
  const shift = Math.abs(plan.delta) * Math.sqrt(n);
  const critical = zAlpha * plan.sd0;
  if (!(plan.sd1 > 0)) return shift > critical ? 1 : 0;
  if (n === Infinity) return 1;
  return Math.min(1, normalCdf((shift - critical) / plan.sd1) + normalCdf((-shift - critical) / plan.sd1));
}
