/**
 * Frequentist comparisons of a treatment against a baseline, from sufficient statistics:
 *
 * - rates: the two-proportion z test — the p-value with the pooled standard error
 *   √(p̂(1 − p̂)(1/n₁ + 1/n₂)), p̂ = (x₁ + x₂)/(n₁ + n₂), the interval with the unpooled (Wald) one
 *   √(p₁(1 − p₁)/n₁ + p₂(1 − p₂)/n₂) (as R's prop.test without continuity correction does for its p-value);
 * - means: Welch's t test, with the Welch–Satterthwaite degrees of freedom
 *   ν = (s₁²/n₁ + s₂²/n₂)² / ((s₁²/n₁)²/(n₁ − 1) + (s₂²/n₂)²/(n₂ − 1)) and a t-quantile interval;
 * - medians: the difference of two medians with Bonett & Price's (2002) standard errors (from a pair of order
 *   statistics of each sample) for the interval, and the Mann–Whitney U test (normal approximation with tie and
 *   continuity corrections, as scipy.stats.mannwhitneyu(method='asymptotic', use_continuity=True)) for the p-value;
 * - the relative difference (treatment − baseline)/baseline with a delta-method interval on the ratio
 *   r = T/B: Var(r) ≈ Var(T)/B² + T²·Var(B)/B⁴ (the two estimates independent);
 * - the chi-square goodness-of-fit test of observed counts against planned weights (sample-ratio mismatch);
 * - Holm's step-down adjustment of a family of p-values.
 *
 * Degenerate inputs (an empty group, no variance, rates of 0 or 1) never throw and never give NaN: a comparison
 * that cannot be tested has statistic 0, p_value 1 and the interval [difference, difference]; `relative` and
 * `relative_ci` are null when the baseline is 0. Invalid parameters (a confidence outside (0, 1), arrays of
 * different lengths, negative weights) throw a RangeError: those are programming errors, not data.
 */

import { chiSquareSf, normalQuantile, normalSf, regularizedBeta, studentTQuantile, studentTSf } from './distributions.js';

export interface Proportion {
  successes: number;
  n: number;
}

/** Size, mean and sample variance (divisor n − 1) of a sample. */
export interface Moments {
  n: number;
  mean: number;
  variance: number;
}

export interface Comparison {
  /** The baseline's estimate (a rate as a fraction 0..1, a mean or a median as given). */
  baseline: number;
  /** The treatment's estimate. */
  treatment: number;
  /** treatment − baseline. */
  difference: number;
  /** difference / baseline; null when the baseline is 0. */
  relative: number | null;
  /** Interval of the difference at the requested confidence. */
  ci: [number, number];
  /** Interval of the relative difference (delta method on the ratio); null when the baseline is 0. */
  relative_ci: [number, number] | null;
  /** z, t, or the z of the Mann–Whitney U (positive when the treatment tends to be larger). */
  statistic: number;
  /** Welch–Satterthwaite degrees of freedom for the t test, else null. */
  df: number | null;
  /** Two-sided. */
  p_value: number;
  test: 'two_proportion_z' | 'welch_t' | 'mann_whitney_u';
}

function checkConfidence(confidence: number): void {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be between 0 and 1 (exclusive), got ${confidence}`);
}

/** The two-sided normal critical value z_{1 − (1 − confidence)/2}. */
function zCritical(confidence: number): number {
  return normalQuantile(0.5 + confidence / 2);
}

/**
 * Moments from n, Σx and Σx². The sum of squared deviations is Σx² − Σx·(Σx/n) (one rounding fewer than
 * Σx² − n·mean²), set to 0 when negative or within the rounding of Σx² (|SS| ≤ 8ε·Σx²: constant data whose
 * sums were rounded). Sums of raw squares cancel when the mean is large against the spread (CV below ≈1e−7
 * leaves no digit); accumulate on shifted data if that matters. n = 0 gives mean 0; n < 2 gives variance 0.
 */
export function momentsOf(n: number, sum: number, sumOfSquares: number): Moments {
  if (!(n > 0) || !Number.isFinite(sum) || !Number.isFinite(sumOfSquares)) return { n: Math.max(0, n || 0), mean: 0, variance: 0 };
  const mean = sum / n;
  if (n < 2) return { n, mean, variance: 0 };
  let ss = sumOfSquares - sum * mean;
  if (ss <= 8 * Number.EPSILON * Math.abs(sumOfSquares)) ss = 0;
  return { n, mean, variance: ss / (n - 1) };
}

/** Interval of the relative difference by the delta method on T/B; null when B is 0. */
function relativeInterval(b: number, t: number, varB: number, varT: number, critical: number): [number, number] | null {
  if (b === 0) return null;
  const rel = (t - b) / b;
  const v = varT / (b * b) + (t * t * varB) / (b * b * b * b);
  const half = critical * Math.sqrt(Math.max(0, v));
  return Number.isFinite(half) ? [rel - half, rel + half] : [rel, rel];
}

function untestable(baseline: number, treatment: number, test: Comparison['test']): Comparison {
  const difference = treatment - baseline;
  const relative = baseline === 0 ? null : difference / baseline;
  return {
    baseline,
    treatment,
    difference,
    relative,
    ci: [difference, difference],
    relative_ci: relative === null ? null : [relative, relative],
    statistic: 0,
    df: null,
    p_value: 1,
    test,
  };
}

/**
 * Two-proportion z test of b (treatment) against a (baseline). p-value from the pooled SE, interval from the
 * unpooled (Wald) SE, relative interval by the delta method with the same z. An empty group counts as a rate
 * of 0 and is untestable; both rates 0 (or both 1) give p 1; a zero unpooled SE gives [d, d].
 */
export function twoProportionZ(a: Proportion, b: Proportion, confidence = 0.95): Comparison {
  checkConfidence(confidence);
  const na = Math.max(0, a.n);
  const nb = Math.max(0, b.n);
  const pa = na > 0 ? clamp01(a.successes / na) : 0;
  const pb = nb > 0 ? clamp01(b.successes / nb) : 0;
  if (na === 0 || nb === 0) return untestable(pa, pb, 'two_proportion_z');
  const difference = pb - pa;
  const pooled = clamp01((pa * na + pb * nb) / (na + nb));
  const se0 = Math.sqrt(pooled * (1 - pooled) * (1 / na + 1 / nb));
  const statistic = se0 > 0 ? difference / se0 : 0;
  const p_value = se0 > 0 ? Math.min(1, 2 * normalSf(Math.abs(statistic))) : 1;
  const varA = (pa * (1 - pa)) / na;
  const varB = (pb * (1 - pb)) / nb;
  const z = zCritical(confidence);
  const half = z * Math.sqrt(varA + varB);
  return {
    baseline: pa,
    treatment: pb,
    difference,
    relative: pa === 0 ? null : difference / pa,
    ci: [difference - half, difference + half],
    relative_ci: relativeInterval(pa, pb, varA, varB, z),
    statistic,
    df: null,
    p_value,
    test: 'two_proportion_z',
  };
}

function clamp01(p: number): number {
  return Number.isFinite(p) ? Math.min(1, Math.max(0, p)) : 0;
}

/**
 * Welch's t test of b (treatment) against a (baseline): t = (m_b − m_a)/√(s_a²/n_a + s_b²/n_b), Welch–
 * Satterthwaite df, interval difference ± t_{ν, 1 − α/2}·SE, relative interval by the delta method with the
 * same critical value. A group of size 1 contributes no variance (and no term to the df); an empty group, or a
 * standard error of 0 (both groups constant), is untestable (p 1, [d, d], df null).
 */
export function welchT(a: Moments, b: Moments, confidence = 0.95): Comparison {
  checkConfidence(confidence);
  const ma = Number.isFinite(a.mean) ? a.mean : 0;
  const mb = Number.isFinite(b.mean) ? b.mean : 0;
  if (!(a.n > 0) || !(b.n > 0)) return untestable(ma, mb, 'welch_t');
  const va = a.n >= 2 && a.variance > 0 ? a.variance / a.n : 0;
  const vb = b.n >= 2 && b.variance > 0 ? b.variance / b.n : 0;
  const se2 = va + vb;
  if (!(se2 > 0) || !Number.isFinite(se2)) return untestable(ma, mb, 'welch_t');
  const se = Math.sqrt(se2);
  const difference = mb - ma;
  const denominator = (va > 0 ? (va * va) / (a.n - 1) : 0) + (vb > 0 ? (vb * vb) / (b.n - 1) : 0);
  const df = (se2 * se2) / denominator;
  const statistic = difference / se;
  const p_value = Math.min(1, 2 * studentTSf(Math.abs(statistic), df));
  const critical = studentTQuantile(0.5 + confidence / 2, df);
  const half = critical * se;
  return {
    baseline: ma,
    treatment: mb,
    difference,
    relative: ma === 0 ? null : difference / ma,
    ci: [difference - half, difference + half],
    relative_ci: relativeInterval(ma, mb, va, vb, critical),
    statistic,
    df,
    p_value,
    test: 'welch_t',
  };
}

/** Rank sums of a two-sample comparison: sample 1 is the baseline. */
export interface RankSums {
  n1: number;
  n2: number;
  /** Sum of the (average, for ties) ranks of sample 1 in the pooled sample, ranks from 1. */
  rankSum1: number;
  /** Σ(t³ − t) over the groups of tied values of the pooled sample. */
  tieTerm: number;
}

/** Rank sums from the raw samples (sorting the pooled sample; ties get their average rank). */
export function rankSumsOf(a: readonly number[], b: readonly number[]): RankSums {
  const pooled = [...a.map((v) => ({ v, first: true })), ...b.map((v) => ({ v, first: false }))].sort((x, y) => x.v - y.v);
  let rankSum1 = 0;
  let tieTerm = 0;
  for (let i = 0; i < pooled.length; ) {
    let j = i + 1;
    while (j < pooled.length && pooled[j]!.v === pooled[i]!.v) j++;
    const t = j - i;
    const rank = (i + 1 + j) / 2; // average of ranks i + 1 … j
    for (let k = i; k < j; k++) if (pooled[k]!.first) rankSum1 += rank;
    tieTerm += t * t * t - t;
    i = j;
  }
  return { n1: a.length, n2: b.length, rankSum1, tieTerm };
}

/**
 * Mann–Whitney U test, normal approximation: U₁ = R₁ − n₁(n₁ + 1)/2, μ = n₁n₂/2,
 * σ² = n₁n₂/12·((n + 1) − Σ(t³ − t)/(n(n − 1))), z = sign(U₁ − μ)·max(0, |U₁ − μ| − ½)/σ, p = min(1, 2·(1 − Φ(|z|))).
 * `u` is U₁ (sample 1's statistic, as scipy reports for its first sample); z is positive when sample 1 tends
 * to be larger. An empty sample or σ = 0 (all values tied) gives z 0 and p 1.
 */
export function mannWhitney(r: RankSums): { u: number; z: number; p_value: number } {
  const { n1, n2 } = r;
  if (!(n1 > 0) || !(n2 > 0)) return { u: 0, z: 0, p_value: 1 };
  const n = n1 + n2;
  const u = r.rankSum1 - (n1 * (n1 + 1)) / 2;
  const mu = (n1 * n2) / 2;
  const sigma2 = ((n1 * n2) / 12) * (n + 1 - r.tieTerm / (n * (n - 1)));
  if (!(sigma2 > 0)) return { u, z: 0, p_value: 1 };
  const excess = Math.max(0, Math.abs(u - mu) - 0.5);
  const z = (Math.sign(u - mu) * excess) / Math.sqrt(sigma2);
  return { u, z, p_value: Math.min(1, 2 * normalSf(Math.abs(z))) };
}

/** P(Bin(n, ½) ≤ k) = I_{1/2}(n − k, k + 1). */
function binomialHalfCdf(k: number, n: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  return regularizedBeta(0.5, n - k, k + 1);
}

/**
 * The 1-based ranks (low, high = n + 1 − low) of the distribution-free confidence interval of a median
 * [x₍low₎, x₍high₎]: low is the largest k with P(Bin(n, ½) ≤ k − 1) ≤ (1 − confidence)/2, so the interval covers
 * the median with probability ≥ confidence (exactly 1 − 2·P(Bin(n, ½) ≤ low − 1)). When no k qualifies (n ≤ 5 at
 * 95 %) it is clamped to [1, n]. For n = 20 at 95 %: (6, 15), coverage 95.9 %.
 */
export function medianOrderRanks(n: number, confidence = 0.95): { low: number; high: number } {
  checkConfidence(confidence);
  const size = Math.floor(n);
  if (!(size >= 1)) return { low: 1, high: 1 };
  const tail = (1 - confidence) / 2;
  // start near the normal approximation n/2 − z·√n/2 and walk to the exact boundary
  let k = Math.max(1, Math.min(Math.floor((size + 1) / 2), Math.floor(size / 2 - (zCritical(confidence) * Math.sqrt(size)) / 2)));
  while (k > 1 && binomialHalfCdf(k - 1, size) > tail) k--;
  while (k + 1 <= (size + 1) / 2 && binomialHalfCdf(k, size) <= tail) k++;
  return { low: k, high: size + 1 - k };
}

/**
 * Bonett & Price's (2002, "Statistical inference for a linear function of medians", Psychological Methods 7)
 * standard error of a sample median from two order statistics x₍c₎ ≤ x₍n+1−c₎:
 *     SE = (x₍n+1−c₎ − x₍c₎) / (2·z₀),   z₀ = Φ⁻¹(1 − P(Bin(n, ½) ≤ c − 1)),
 * i.e. the half-width of the order-statistic interval divided by the normal quantile of its exact coverage.
 * Bonett & Price take c = round((n + 1)/2 − √n); here c is medianOrderRanks(n, confidence).low (the same c for
 * most n at 95 %, e.g. n = 10 and 20; the formula holds for any c). `low` and `high` are the values of those two
 * order statistics. n < 2, or c such that z₀ ≤ 0, gives 0 (no spread can be estimated: treat as unknown).
 */
export function medianSe(n: number, low: number, high: number, confidence = 0.95): number {
  const size = Math.floor(n);
  if (!(size >= 2) || !Number.isFinite(low) || !Number.isFinite(high)) return 0;
  const { low: c } = medianOrderRanks(size, confidence);
  const z0 = normalQuantile(1 - binomialHalfCdf(c - 1, size));
  if (!(z0 > 0) || !Number.isFinite(z0)) return 0;
  return Math.abs(high - low) / (2 * z0);
}

/**
 * Difference of two medians, treatment b minus baseline a: interval d ± z·√(SE_a² + SE_b²) (Bonett–Price), the
 * relative interval by the delta method with the same SEs, and the p-value of the Mann–Whitney test on `rank`
 * (sample 1 the baseline). `statistic` is the U test's z oriented treatment-positive (−z of sample 1).
 * Both SEs 0 give the interval [d, d].
 */
export function medianDifference(
  a: { median: number; se: number },
  b: { median: number; se: number },
  rank: RankSums,
  confidence = 0.95,
): Comparison {
  checkConfidence(confidence);
  const ma = Number.isFinite(a.median) ? a.median : 0;
  const mb = Number.isFinite(b.median) ? b.median : 0;
  const va = Number.isFinite(a.se) ? a.se * a.se : 0;
  const vb = Number.isFinite(b.se) ? b.se * b.se : 0;
  const difference = mb - ma;
  const z = zCritical(confidence);
  const half = z * Math.sqrt(va + vb);
  const u = mannWhitney(rank);
  return {
    baseline: ma,
    treatment: mb,
    difference,
    relative: ma === 0 ? null : difference / ma,
    ci: [difference - half, difference + half],
    relative_ci: relativeInterval(ma, mb, va, vb, z),
    statistic: u.z === 0 ? 0 : -u.z,
    df: null,
    p_value: u.p_value,
    test: 'mann_whitney_u',
  };
}

/**
 * Pearson's chi-square goodness of fit of observed counts to planned weights (the sample-ratio-mismatch check):
 * expected_i = total·w_i/Σw, χ² = Σ (o_i − e_i)²/e_i over the categories of positive weight, df = (their number) − 1,
 * p = P(χ²_df ≥ χ²). No observations, or fewer than two weighted categories, give χ² 0 and p 1; observations in
 * a category of weight 0 are a certain mismatch: χ² = Number.MAX_VALUE (finite, JSON-safe) and p 0.
 */
export function chiSquareGoodnessOfFit(observed: readonly number[], weights: readonly number[]): { chi2: number; df: number; p_value: number } {
  if (observed.length !== weights.length) throw new RangeError(`observed (${observed.length}) and weights (${weights.length}) differ in length`);
  if (weights.some((w) => !(w >= 0) || !Number.isFinite(w))) throw new RangeError('weights must be finite and non-negative');
  const total = observed.reduce((s, o) => s + o, 0);
  const weightSum = weights.reduce((s, w) => s + w, 0);
  const categories = weights.filter((w) => w > 0).length;
  const df = Math.max(0, categories - 1);
  if (!(total > 0) || !(weightSum > 0)) return { chi2: 0, df, p_value: 1 };
  let chi2 = 0;
  for (let i = 0; i < observed.length; i++) {
    const w = weights[i]!;
    const o = observed[i]!;
    if (w === 0) {
      if (o > 0) return { chi2: Number.MAX_VALUE, df, p_value: 0 };
      continue;
    }
    const e = (total * w) / weightSum;
    chi2 += ((o - e) * (o - e)) / e;
  }
  if (df === 0) return { chi2: 0, df, p_value: 1 };
  return { chi2, df, p_value: chiSquareSf(chi2, df) };
}

/**
 * Holm–Bonferroni step-down adjustment: with p₍₁₎ ≤ … ≤ p₍m₎, adjusted p₍i₎ = max_{j ≤ i} min(1, (m − j + 1)·p₍j₎),
 * returned in the input order; significant when the adjusted p ≤ alpha (equivalently, Holm's procedure rejects
 * it at family-wise level alpha). A NaN p-value counts as 1.
 */
export function holm(pValues: readonly number[], alpha = 0.05): Array<{ adjusted_p: number; significant: boolean }> {
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p: Number.isNaN(p) ? 1 : Math.min(1, Math.max(0, p)), i })).sort((x, y) => x.p - y.p || x.i - y.i);
  const out: Array<{ adjusted_p: number; significant: boolean }> = new Array(m);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    out[i] = { adjusted_p: running, significant: running <= alpha };
  });
  return out;
}
