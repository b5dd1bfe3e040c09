/**
 * Bayesian comparison of two conversion rates with the Beta-Binomial model: each rate has the posterior
 * Beta(α₀ + successes, β₀ + failures) of a Beta(α₀, β₀) prior (uniform Beta(1, 1) by default).
 *
 * - `chanceToBeat` is P(p_T > p_C). When the treatment's α is an integer ≤ EXACT_MAX_ALPHA it is Evan Miller's
 *   closed form ("Formulas for Bayesian A/B testing", 2015):
 *       P(p_T > p_C) = Σ_{i=0}^{α_T − 1} B(α_C + i, β_C + β_T) / ((β_T + i)·B(1 + i, β_T)·B(α_C, β_C)),
 *   summed in log space: the first term is B(α_C, β_C + β_T)/B(α_C, β_C) and each next one is the previous times
 *   (α_C + i)(β_T + i) / ((α_C + β_C + β_T + i)(i + 1)). Otherwise, when the control's α qualifies, it is
 *   1 − (the same sum with the roles swapped). Otherwise (both α non-integer or above the bound) it is the normal
 *   approximation Φ((μ_T − μ_C)/√(σ_T² + σ_C²)) with the posteriors' means and variances. The exact sum costs
 *   O(α) (≈20 ms at α = 1e5) and agrees with numerical integration to ≈1e−14 for small α and ≈1e−11 at α = 1e5.
 *   The approximation's error comes from the posteriors' skewness and shrinks as the counts grow; measured
 *   against numerical integration (scipy), absolute: 3e−7 at 1,000,000 trials per arm at 10 % (α ≈ 1e5, where
 *   the switch happens), 6e−4 at 500 trials, 7e−3 at 40 trials, 2e−2 at 10 trials. So with an integer prior α
 *   (the default) the approximation is only met above 1e5 successes, where it is good to < 1e−6; a non-integer
 *   prior with few trials (Jeffreys' Beta(½, ½) say) gets the coarse approximation.
 * - `expectedLoss` uses E[max(X − Y, 0)] = E[X·1{X>Y}] − E[Y·1{X>Y}] and x·Beta(a, b)(x) = a/(a + b)·Beta(a + 1, b)(x):
 *       E[max(p_C − p_T, 0)] = μ_C·P(p′_C > p_T) − μ_T·P(p_C > p′_T),   p′ ~ Beta(α + 1, β),
 *   each probability by the exact sums above over the treatment's α (or, failing that, the control's), and
 *   E[max(p_T − p_C, 0)] = E[max(p_C − p_T, 0)] + μ_T − μ_C. Without an exact sum it is the normal formula
 *   E[max(D, 0)] = m·Φ(m/s) + s·φ(m/s) for D ~ N(m, s²) (its error of the same order as above, relative to the loss:
 *   1e−10 absolute at α ≈ 1e5).
 *
 * For a "lower is better" metric (e.g. an error rate) the caller swaps the roles: chanceToBeat(treatment, control)
 * is the chance that the treatment's rate is lower, and the loss of choosing the treatment is then the
 * `control` field of expectedLoss(control, treatment), E[max(p_T − p_C, 0)].
 */

import { betaQuantile, logBeta, normalCdf, normalPdf } from './distributions.js';

export interface BetaPosterior {
  alpha: number;
  beta: number;
  mean: number;
  /** Equal-tailed credible interval (95 % by default). */
  ci: [number, number];
}

/** Largest α for which the exact O(α) sum is used. */
export const EXACT_MAX_ALPHA = 100_000;

/**
 * The posterior Beta(prior.alpha + successes, prior.beta + n − successes) with its mean and equal-tailed credible
 * interval. Counts are clamped to 0 ≤ successes ≤ n; n = 0 gives the prior.
 */
export function betaPosterior(p: { successes: number; n: number }, prior: { alpha: number; beta: number } = { alpha: 1, beta: 1 }, credibility = 0.95): BetaPosterior {
  if (!(credibility > 0 && credibility < 1)) throw new RangeError(`credibility must be between 0 and 1 (exclusive), got ${credibility}`);
  if (!(prior.alpha > 0 && prior.beta > 0)) throw new RangeError('prior parameters must be positive');
  const n = Number.isFinite(p.n) ? Math.max(0, p.n) : 0;
  const s = Number.isFinite(p.successes) ? Math.min(n, Math.max(0, p.successes)) : 0;
  const alpha = prior.alpha + s;
  const beta = prior.beta + n - s;
  const tail = (1 - credibility) / 2;
  return { alpha, beta, mean: alpha / (alpha + beta), ci: [betaQuantile(tail, alpha, beta), betaQuantile(1 - tail, alpha, beta)] };
}

function exactAllowed(alpha: number): boolean {
  return Number.isInteger(alpha) && alpha >= 1 && alpha <= EXACT_MAX_ALPHA;
}

/** Miller's sum: P(Y > X) for X ~ Beta(xa, xb), Y ~ Beta(ya, yb), ya a positive integer. */
function millerSum(xa: number, xb: number, ya: number, yb: number): number {
  // log of term i, then a log-sum-exp over the terms
  const logs = new Float64Array(ya);
  let log = logBeta(xa, xb + yb) - logBeta(xa, xb);
  let max = -Infinity;
  for (let i = 0; i < ya; i++) {
    logs[i] = log;
    if (log > max) max = log;
    log += Math.log(((xa + i) * (yb + i)) / ((xa + xb + yb + i) * (i + 1)));
  }
  if (max === -Infinity) return 0;
  let sum = 0;
  for (let i = 0; i < ya; i++) sum += Math.exp(logs[i]! - max);
  return Math.min(1, Math.max(0, Math.exp(max) * sum));
}

/** P(Y > X) by an exact sum when either α qualifies, else null. */
function exactGreater(x: { alpha: number; beta: number }, y: { alpha: number; beta: number }): number | null {
  if (exactAllowed(y.alpha)) return millerSum(x.alpha, x.beta, y.alpha, y.beta);
  if (exactAllowed(x.alpha)) return 1 - millerSum(y.alpha, y.beta, x.alpha, x.beta);
  return null;
}

function moments(b: { alpha: number; beta: number }): { mean: number; variance: number } {
  const s = b.alpha + b.beta;
  return { mean: b.alpha / s, variance: (b.alpha * b.beta) / (s * s * (s + 1)) };
}

/** The normal approximation of P(p_T > p_C) (what chanceToBeat falls back to), exported to measure its error. */
export function chanceToBeatNormal(control: BetaPosterior, treatment: BetaPosterior): number {
  const c = moments(control);
  const t = moments(treatment);
  const s = Math.sqrt(c.variance + t.variance);
  if (!(s > 0)) return t.mean > c.mean ? 1 : t.mean < c.mean ? 0 : 0.5;
  return normalCdf((t.mean - c.mean) / s);
}

/** P(p_treatment > p_control) under the two posteriors (see the file's doc for the method and its error). */
export function chanceToBeat(control: BetaPosterior, treatment: BetaPosterior): number {
  return exactGreater(control, treatment) ?? chanceToBeatNormal(control, treatment);
}

/**
 * Expected losses: `treatment` = E[max(p_C − p_T, 0)], what choosing the treatment loses when the control is
 * better; `control` = E[max(p_T − p_C, 0)], what keeping the control loses. Exact sums when available, else
 * the normal formula (see the file's doc).
 */
export function expectedLoss(control: BetaPosterior, treatment: BetaPosterior): { treatment: number; control: number } {
  const c = moments(control);
  const t = moments(treatment);
  const controlUp = { alpha: control.alpha + 1, beta: control.beta };
  const treatmentUp = { alpha: treatment.alpha + 1, beta: treatment.beta };
  // P(p′_C > p_T) and P(p_C > p′_T), each summed over the α that qualifies (α or α + 1 terms)
  let first: number | null = null;
  let second: number | null = null;
  if (exactAllowed(treatment.alpha)) {
    first = 1 - millerSum(controlUp.alpha, controlUp.beta, treatment.alpha, treatment.beta);
    second = 1 - millerSum(control.alpha, control.beta, treatmentUp.alpha, treatmentUp.beta);
  } else if (exactAllowed(control.alpha)) {
    first = millerSum(treatment.alpha, treatment.beta, controlUp.alpha, controlUp.beta);
    second = millerSum(treatmentUp.alpha, treatmentUp.beta, control.alpha, control.beta);
  }
  if (first !== null && second !== null) {
    const lossTreatment = Math.max(0, c.mean * first - t.mean * second);
    return { treatment: lossTreatment, control: Math.max(0, lossTreatment + t.mean - c.mean) };
  }
  const m = t.mean - c.mean;
  const s = Math.sqrt(c.variance + t.variance);
  if (!(s > 0)) return { treatment: Math.max(0, -m), control: Math.max(0, m) };
  const phi = normalPdf(m / s);
  return { treatment: Math.max(0, -m * normalCdf(-m / s) + s * phi), control: Math.max(0, m * normalCdf(m / s) + s * phi) };
}
