import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  chiSquareGoodnessOfFit,
  holm,
  mannWhitney,
  medianDifference,
  medianOrderRanks,
  medianSe,
  momentsOf,
  rankSumsOf,
  twoProportionZ,
  welchT,
  type Comparison,
} from './hypothesis.js';

function close(actual: number, expected: number, tol: number, what = ''): void {
  const err = Math.abs(actual - expected);
  assert.ok(err <= tol * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs ${expected} (error ${err})`);
}

function noNaN(c: Comparison): void {
  for (const v of [c.baseline, c.treatment, c.difference, c.statistic, c.p_value, ...c.ci]) assert.ok(Number.isFinite(v), `finite: ${JSON.stringify(c)}`);
  if (c.relative !== null) assert.ok(Number.isFinite(c.relative));
  if (c.relative_ci) for (const v of c.relative_ci) assert.ok(Number.isFinite(v));
}

test('momentsOf: mean and sample variance from sums; constant data and tiny samples give variance 0', () => {
  // 2, 4, 4, 4, 5, 5, 7, 9: Σ = 40, Σx² = 232, mean 5, SS = 232 − 40·5 = 32, s² = 32/7
  const m = momentsOf(8, 40, 232);
  assert.equal(m.mean, 5);
  close(m.variance, 32 / 7, 1e-15, 's²');
  // 0.1 three times: the rounded sums give Σx² − Σx·mean ≈ −7e−18, which is rounding: 0
  const c = momentsOf(3, 0.1 + 0.1 + 0.1, 0.1 * 0.1 + 0.1 * 0.1 + 0.1 * 0.1);
  assert.equal(c.variance, 0);
  assert.deepEqual(momentsOf(1, 7, 49), { n: 1, mean: 7, variance: 0 });
  assert.deepEqual(momentsOf(0, 0, 0), { n: 0, mean: 0, variance: 0 });
  // a large offset: 1e6 + {1, 2, 3} → s² = 1
  const big = [1e6 + 1, 1e6 + 2, 1e6 + 3];
  close(momentsOf(3, big.reduce((s, x) => s + x, 0), big.reduce((s, x) => s + x * x, 0)).variance, 1, 1e-9, 'offset data');
});

test('twoProportionZ: 100/1000 against 130/1000, by hand', () => {
  // p_A = 0.10, p_B = 0.13, d = 0.03; pooled p̂ = 230/2000 = 0.115
  // SE₀ = √(0.115·0.885·(2/1000)) = √0.00020355 = 0.0142670950; z = 0.03/SE₀ = 2.1027406
  // p = 2·(1 − Φ(2.1027406)) = 0.0354884505 (scipy norm.sf)
  // SE₁ = √(0.1·0.9/1000 + 0.13·0.87/1000) = √0.0002031 = 0.0142513157; CI = 0.03 ± 1.959964·SE₁ = [0.0020679, 0.0579321]
  // relative 0.3; Var(r) = (0.0001131)/0.01 + 0.0169·0.00009/0.0001 = 0.01131 + 0.01521 = 0.02652, sd 0.1628496
  // → [0.3 − 1.959964·0.1628496, 0.3 + …] = [−0.0191794, 0.6191794]
  const c = twoProportionZ({ successes: 100, n: 1000 }, { successes: 130, n: 1000 });
  assert.equal(c.test, 'two_proportion_z');
  close(c.baseline, 0.1, 1e-15);
  close(c.treatment, 0.13, 1e-15);
  close(c.difference, 0.03, 1e-15);
  close(c.statistic, 2.102740605622114, 1e-12, 'z');
  close(c.p_value, 0.03548845046647471, 1e-12, 'p');
  close(c.ci[0], 0.0020679344393763656, 1e-12, 'ci low');
  close(c.ci[1], 0.057932065560623636, 1e-12, 'ci high');
  close(c.relative!, 0.3, 1e-14, 'relative');
  close(c.relative_ci![0], -0.019179397713587065, 1e-12, 'relative ci low');
  close(c.relative_ci![1], 0.6191793977135871, 1e-12, 'relative ci high');
  assert.equal(c.df, null);
  // a 99 % interval is wider
  const c99 = twoProportionZ({ successes: 100, n: 1000 }, { successes: 130, n: 1000 }, 0.99);
  assert.ok(c99.ci[0] < c.ci[0] && c99.ci[1] > c.ci[1]);
});

test('twoProportionZ: degenerate counts give finite, untestable results', () => {
  const empty = twoProportionZ({ successes: 0, n: 0 }, { successes: 5, n: 100 });
  noNaN(empty);
  assert.equal(empty.p_value, 1);
  assert.equal(empty.relative, null);
  assert.equal(empty.relative_ci, null);
  assert.deepEqual(empty.ci, [empty.difference, empty.difference]);
  const zeros = twoProportionZ({ successes: 0, n: 500 }, { successes: 0, n: 400 });
  noNaN(zeros);
  assert.equal(zeros.p_value, 1);
  assert.equal(zeros.statistic, 0);
  assert.deepEqual(zeros.ci, [0, 0]);
  const ones = twoProportionZ({ successes: 500, n: 500 }, { successes: 400, n: 400 });
  noNaN(ones);
  assert.equal(ones.p_value, 1);
  assert.deepEqual(ones.relative_ci, [0, 0]);
  // 0 % against 100 %: pooled SE > 0 (a real difference), Wald SE 0 → interval [d, d]
  const extreme = twoProportionZ({ successes: 0, n: 50 }, { successes: 50, n: 50 });
  noNaN(extreme);
  assert.ok(extreme.p_value < 1e-20);
  assert.deepEqual(extreme.ci, [1, 1]);
});

test('welchT: hand-computed summary example and scipy ttest_ind(equal_var=False) on raw data', () => {
  // A: n 10, mean 5, s² 4; B: n 12, mean 6.5, s² 9
  // SE² = 4/10 + 9/12 = 0.4 + 0.75 = 1.15, SE = 1.0723805; t = 1.5/1.0723805 = 1.3987572
  // ν = 1.15² / (0.4²/9 + 0.75²/11) = 1.3225 / (0.0177778 + 0.0511364) = 1.3225/0.0689141 = 19.1905460
  // p = 2·P(T_ν > 1.3987572) = 0.1778398484 and CI = 1.5 ± t_{0.975, ν}·SE = [−0.7430108, 3.7430108] (scipy)
  const c = welchT({ n: 10, mean: 5, variance: 4 }, { n: 12, mean: 6.5, variance: 9 });
  assert.equal(c.test, 'welch_t');
  close(c.difference, 1.5, 1e-15);
  close(c.statistic, 1.3987572123604706, 1e-13, 't');
  close(c.df!, 19.190545987541217, 1e-13, 'df');
  close(c.p_value, 0.17783984843235476, 1e-12, 'p');
  close(c.ci[0], -0.7430108051602602, 1e-12, 'ci low');
  close(c.ci[1], 3.74301080516026, 1e-12, 'ci high');
  close(c.relative!, 0.3, 1e-15);

  // raw data through momentsOf; scipy.stats.ttest_ind(b, a, equal_var=False):
  // t 3.0072976369208058, p 0.009492843701380706, df 13.875430316268451, CI [0.7516851603775019, 4.501092617400275]
  const a = [12.1, 14.3, 9.8, 11.0, 13.5, 10.2, 12.9, 15.1];
  const b = [13.9, 15.2, 16.8, 12.4, 14.7, 17.3, 15.5, 13.1, 16.0];
  const sums = (x: number[]) => momentsOf(x.length, x.reduce((s, v) => s + v, 0), x.reduce((s, v) => s + v * v, 0));
  const r = welchT(sums(a), sums(b));
  close(r.statistic, 3.0072976369208058, 1e-10, 't (raw)');
  close(r.p_value, 0.009492843701380706, 1e-10, 'p (raw)');
  close(r.df!, 13.875430316268451, 1e-10, 'df (raw)');
  close(r.ci[0], 0.7516851603775019, 1e-10, 'ci low (raw)');
  close(r.ci[1], 4.501092617400275, 1e-10, 'ci high (raw)');
});

test('welchT: degenerate groups', () => {
  const constant = welchT({ n: 5, mean: 3, variance: 0 }, { n: 5, mean: 4, variance: 0 });
  noNaN(constant);
  assert.equal(constant.p_value, 1);
  assert.deepEqual(constant.ci, [1, 1]);
  assert.equal(constant.df, null);
  const empty = welchT({ n: 0, mean: 0, variance: 0 }, { n: 5, mean: 4, variance: 2 });
  noNaN(empty);
  assert.equal(empty.relative, null);
  // one group of a single value: only the other contributes, ν = n₂ − 1
  const single = welchT({ n: 1, mean: 3, variance: 0 }, { n: 6, mean: 4, variance: 2 });
  noNaN(single);
  close(single.df!, 5, 1e-12, 'df with a singleton');
});

test('Mann–Whitney with ties: a = [1, 2, 2, 3, 5], b = [2, 3, 4, 4, 6, 7], by hand and scipy', () => {
  // pooled: 1a 2a 2a 2b 3a 3b 4b 4b 5a 6b 7b → ranks 1, 3, 3, 3, 5.5, 5.5, 7.5, 7.5, 9, 10, 11
  // R₁ = 1 + 3 + 3 + 5.5 + 9 = 21.5; U₁ = 21.5 − 5·6/2 = 6.5; μ = 5·6/2 = 15
  // ties: three 2s (27 − 3 = 24), two 3s (6), two 4s (6): Σ(t³ − t) = 36
  // σ² = 30/12·(12 − 36/(11·10)) = 2.5·11.6727273 = 29.1818182, σ = 5.4020199
  // z = −(|6.5 − 15| − 0.5)/σ = −8/5.4020199 = −1.4809276; p = 2Φ(−1.4809276) = 0.13862588
  // scipy.stats.mannwhitneyu(a, b, method='asymptotic', use_continuity=True): U 6.5, p 0.13862587987892763
  const r = rankSumsOf([1, 2, 2, 3, 5], [2, 3, 4, 4, 6, 7]);
  assert.deepEqual(r, { n1: 5, n2: 6, rankSum1: 21.5, tieTerm: 36 });
  const m = mannWhitney(r);
  assert.equal(m.u, 6.5);
  close(m.z, -8 / Math.sqrt(2.5 * (12 - 36 / 110)), 1e-15, 'z');
  close(m.z, -1.4809276, 1e-7, 'z by hand');
  close(m.p_value, 0.13862587987892763, 1e-12, 'p');
  // equal samples: z 0, p 1; empty or all tied: p 1
  assert.deepEqual(mannWhitney(rankSumsOf([1, 2, 3], [1, 2, 3])), { u: 4.5, z: 0, p_value: 1 });
  assert.equal(mannWhitney(rankSumsOf([], [1, 2])).p_value, 1);
  assert.equal(mannWhitney(rankSumsOf([5, 5], [5, 5, 5])).p_value, 1);
});

test('medianOrderRanks: the binomial order-statistic interval (textbook table of median CIs)', () => {
  // P(Bin(10, ½) ≤ 1) = 11/1024 = 0.0107 ≤ 0.025 < P(≤ 2) = 0.0547: [x₍₂₎, x₍₉₎], coverage 97.9 %
  assert.deepEqual(medianOrderRanks(10), { low: 2, high: 9 });
  // n = 20: P(≤ 5) = 0.0207 ≤ 0.025 < P(≤ 6) = 0.0577: [x₍₆₎, x₍₁₅₎], coverage 95.9 %
  assert.deepEqual(medianOrderRanks(20), { low: 6, high: 15 });
  // n = 6: P(≤ 0) = 1/64 ≤ 0.025: [x₍₁₎, x₍₆₎] (96.9 %); n = 5: 1/32 > 0.025, clamped to [1, 5]
  assert.deepEqual(medianOrderRanks(6), { low: 1, high: 6 });
  assert.deepEqual(medianOrderRanks(5), { low: 1, high: 5 });
  assert.deepEqual(medianOrderRanks(1), { low: 1, high: 1 });
  // scipy binom.cdf: n = 100 → (40, 61); 1000 → (469, 532); 12345 → (6064, 6282)
  assert.deepEqual(medianOrderRanks(100), { low: 40, high: 61 });
  assert.deepEqual(medianOrderRanks(1000), { low: 469, high: 532 });
  assert.deepEqual(medianOrderRanks(12345), { low: 6064, high: 6282 });
  assert.deepEqual(medianOrderRanks(20, 0.8), { low: 7, high: 14 }); // P(≤ 6) = 0.0577 ≤ 0.1 < P(≤ 7) = 0.1316
});

test('medianSe and medianDifference: Bonett–Price example of statpsych::ci.median2', () => {
  // statpsych::ci.median2(.05, y1, y2) documents Median1 34.5, Median2 43, difference −8.5, SE 4.316291,
  // CI [−16.95977, −0.04022524]. Both n = 10: c = 2, z₀ = Φ⁻¹(1 − 11/1024) = 2.2993623;
  // y1: (x₍₉₎ − x₍₂₎)/(2z₀) = (40 − 27)/4.5987246 = 2.8268707; y2: (48 − 33)/4.5987246 = 3.2617739
  const y1 = [32, 39, 26, 35, 43, 27, 40, 37, 34, 29];
  const y2 = [36, 44, 47, 42, 49, 39, 46, 31, 33, 48];
  const { low, high } = medianOrderRanks(10);
  const s1 = [...y1].sort((a, b) => a - b);
  const s2 = [...y2].sort((a, b) => a - b);
  const se1 = medianSe(10, s1[low - 1]!, s1[high - 1]!);
  const se2 = medianSe(10, s2[low - 1]!, s2[high - 1]!);
  close(se1, 2.8268707403529834, 1e-12, 'SE of y1');
  close(se2, 3.2617739311765193, 1e-12, 'SE of y2');
  // baseline y2, treatment y1 so the difference is y1 − y2 as in statpsych
  const c = medianDifference({ median: 43, se: se2 }, { median: 34.5, se: se1 }, rankSumsOf(y2, y1));
  assert.equal(c.test, 'mann_whitney_u');
  close(c.difference, -8.5, 1e-15);
  close(Math.hypot(se1, se2), 4.316291, 1e-6, 'SE of the difference');
  close(c.ci[0], -16.95977, 1e-6, 'ci low');
  close(c.ci[1], -0.04022524, 1e-7, 'ci high');
  // p from Mann–Whitney: scipy mannwhitneyu(y2, y1, method='asymptotic') p = 0.028306043228323398, U = 79.5;
  // the statistic is treatment-positive: y1 (treatment) is lower, so negative
  close(c.p_value, 0.028306043228323398, 1e-12, 'p');
  assert.ok(c.statistic < 0);
  close(c.relative!, -8.5 / 43, 1e-15);
  assert.ok(c.relative_ci![0] < c.relative! && c.relative! < c.relative_ci![1]);
  // degenerate: no spread, n < 2
  assert.equal(medianSe(1, 5, 5), 0);
  const flat = medianDifference({ median: 3, se: 0 }, { median: 3, se: 0 }, rankSumsOf([3, 3], [3, 3]));
  noNaN(flat);
  assert.deepEqual(flat.ci, [0, 0]);
  assert.equal(flat.p_value, 1);
});

test('chiSquareGoodnessOfFit: sample-ratio mismatch', () => {
  // [52000, 48000] against 50/50: χ² = 2·2000²/50000 = 160, df 1, p = 1.13e−36 (scipy chisquare)
  const srm = chiSquareGoodnessOfFit([52000, 48000], [50, 50]);
  assert.equal(srm.df, 1);
  close(srm.chi2, 160, 1e-12);
  assert.ok(srm.p_value < 0.001);
  close(srm.p_value / 1.1314837902433038e-36, 1, 1e-9, 'p');
  // [50100, 49900]: χ² = 2·100²/50000 = 0.4, p = 0.5270892568655381
  const fine = chiSquareGoodnessOfFit([50100, 49900], [50, 50]);
  close(fine.chi2, 0.4, 1e-12);
  close(fine.p_value, 0.5270892568655381, 1e-12);
  assert.ok(fine.p_value > 0.001);
  // three arms 25/25/50: scipy chisquare([3300, 3400, 6650], [3337.5, 3337.5, 6675]) = 1.6853932584269664, p 0.43054792846811407
  const three = chiSquareGoodnessOfFit([3300, 3400, 6650], [1, 1, 2]);
  close(three.chi2, 1.6853932584269664, 1e-12);
  assert.equal(three.df, 2);
  close(three.p_value, 0.43054792846811407, 1e-12);
  // degenerate: nothing observed; a zero-weight arm that got traffic
  assert.deepEqual(chiSquareGoodnessOfFit([0, 0], [1, 1]), { chi2: 0, df: 1, p_value: 1 });
  assert.equal(chiSquareGoodnessOfFit([10, 5], [1, 0]).p_value, 0);
  assert.throws(() => chiSquareGoodnessOfFit([1, 2], [1]), RangeError);
});

test('holm: step-down adjustment as R p.adjust(method = "holm")', () => {
  // sorted 0.005, 0.01, 0.03, 0.04 → 4·0.005 = 0.02, 3·0.01 = 0.03, 2·0.03 = 0.06, max(0.06, 1·0.04) = 0.06
  // R: p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm") = 0.03 0.06 0.06 0.02
  const h = holm([0.01, 0.04, 0.03, 0.005]);
  const expected = [0.03, 0.06, 0.06, 0.02];
  h.forEach((x, i) => close(x.adjusted_p, expected[i]!, 1e-15, `adjusted ${i}`));
  assert.deepEqual(h.map((x) => x.significant), [true, false, false, true]);
  // capped at 1, monotone in the sorted order, NaN counts as 1
  const capped = holm([0.5, 0.6, Number.NaN]);
  assert.deepEqual(capped.map((x) => x.adjusted_p), [1, 1, 1]);
  assert.deepEqual(holm([]), []);
});
