/**
 * Always-valid inference for a difference that is (approximately) Gaussian: the mixture sequential probability
 * ratio test (mSPRT) of Johari, Pekelis & Walsh ("Always valid inference: bringing sequential analysis to A/B
 * testing", arXiv 2015) and Johari, Koomen, Pekelis & Walsh ("Peeking at A/B tests", KDD 2017; "Always valid
 * inference: continuous monitoring of A/B tests", Operations Research 2022), with Robbins' (1970) normal mixture.
 *
 * At a look on cumulative data the estimate δ̂ of the difference θ has variance v (e.g. p_A(1 − p_A)/n_A +
 * p_B(1 − p_B)/n_B). Mixing the likelihood ratio of θ against θ₀ over θ ~ N(θ₀, τ²) gives
 *     Λ(θ₀) = √(v/(v + τ²)) · exp(τ²(δ̂ − θ₀)² / (2v(v + τ²))),
 * a nonnegative martingale under θ = θ₀, so by Ville's inequality P(sup_n Λ_n ≥ 1/α) ≤ α. Hence
 * - the always-valid p-value p_n = min(1, min_{k ≤ n} 1/Λ_k(0)): rejecting when p_n ≤ α, at whichever look, keeps
 *   the false-positive rate ≤ α however often one looks;
 * - the confidence sequence {θ : Λ_n(θ) < 1/α} = δ̂ ± √((2v(v + τ²)/τ²)·(log(1/α) + ½·log((v + τ²)/v))), which
 *   holds θ at every look at once with probability ≥ 1 − α (intersect the intervals over the looks for a
 *   running one).
 * The guarantee is exact for Gaussian data with known variance and asymptotic otherwise (plug-in variance,
 * binomial counts): experiment-simulation.test.ts measures it on binomial A/A tests.
 *
 * τ² sets where the test is most powerful: effects of size about τ are detected soonest. `defaultTau2` takes the
 * square of the minimum detectable effect (absolute) of the power analysis.
 *
 * Degenerate looks never give NaN: v ≤ 0 (or not finite) or τ² ≤ 0 carry no evidence (Λ = 1, p-value 1); the
 * confidence sequence is then [δ̂, δ̂] for v = 0 and (−∞, ∞) for τ² ≤ 0.
 */

/** A look at cumulative data: the difference estimate and its variance. */
export interface Look {
  difference: number;
  variance: number;
}

function usable(look: Look, tau2: number): boolean {
  return look.variance > 0 && Number.isFinite(look.variance) && Number.isFinite(look.difference) && tau2 > 0 && Number.isFinite(tau2);
}

/** log Λ of the mixture likelihood ratio at θ₀ = 0. */
function logLikelihoodRatio(look: Look, tau2: number): number {
  if (!usable(look, tau2)) return 0;
  const v = look.variance;
  const d = look.difference;
  return 0.5 * Math.log(v / (v + tau2)) + (tau2 * d * d) / (2 * v * (v + tau2));
}

/** Λ = √(v/(v + τ²))·exp(τ²δ²/(2v(v + τ²))) against θ₀ = 0 (may be +∞ for overwhelming evidence). */
export function mixtureLikelihoodRatio(look: Look, tau2: number): number {
  return Math.exp(logLikelihoodRatio(look, tau2));
}

/** The always-valid p-values of the looks in order: the running minimum of min(1, 1/Λ). */
export function alwaysValidPValues(looks: readonly Look[], tau2: number): number[] {
  let p = 1;
  return looks.map((look) => {
    p = Math.min(p, Math.exp(-Math.max(0, logLikelihoodRatio(look, tau2))));
    return p;
  });
}

/** The confidence sequence at one look: {θ : Λ(θ) < 1/α} (see the file's doc). */
export function confidenceSequence(look: Look, tau2: number, alpha = 0.05): [number, number] {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be between 0 and 1 (exclusive), got ${alpha}`);
  const d = Number.isFinite(look.difference) ? look.difference : 0;
  if (!(tau2 > 0) || !Number.isFinite(tau2)) return [-Infinity, Infinity];
  const v = look.variance;
  if (!(v > 0) || !Number.isFinite(v)) return [d, d];
  const half = Math.sqrt(((2 * v * (v + tau2)) / tau2) * (Math.log(1 / alpha) + 0.5 * Math.log1p(tau2 / v)));
  return [d - half, d + half];
}

/**
 * τ² = (baseline·mde_relative)²: the square of the absolute minimum detectable effect, so the mixture puts its
 * weight on effects of the size the experiment was planned for (Johari et al. recommend matching τ to the
 * effects one expects). 0 when that effect is 0 or not finite (no scale: the looks then carry no evidence).
 */
export function defaultTau2(o: { baseline: number; mde_relative: number }): number {
  const effect = o.baseline * o.mde_relative;
  return Number.isFinite(effect) ? effect * effect : 0;
}
