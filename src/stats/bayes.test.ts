import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type BetaPosterior, betaPosterior, chanceToBeat, chanceToBeatNormal, EXACT_MAX_ALPHA, expectedLoss } from './bayes.js';

function close(actual: number, expected: number, tol: number, what = ''): void {
  const err = Math.abs(actual - expected);
  assert.ok(err <= tol * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs ${expected} (error ${err})`);
}

function beta(alpha: number, b: number): BetaPosterior {
  return { alpha, beta: b, mean: alpha / (alpha + b), ci: [0, 0] };
}

function binomial(n: bigint, k: bigint): bigint {
  if (k < 0n || k > n) return 0n;
  let r = 1n;
  for (let i = 0n; i < k; i++) r = (r * (n - i)) / (i + 1n);
  return r;
}

/**
 * P(X > Y) for X ~ Beta(a, b), Y ~ Beta(c, d) with integer parameters, by a finite sum independent of Miller's:
 * X is the a-th smallest of a + b − 1 uniforms and Y the c-th smallest of c + d − 1 others; all interleavings
 * of the two sets are equally likely, and X > Y exactly when the first a + c − 1 of the pooled values hold at
 * least c of Y's set. So P(X > Y) = P(H ≥ c), H hypergeometric (population N = a + b + c + d − 2, K = c + d − 1
 * of Y's set, a + c − 1 drawn), summed exactly in integers.
 */
function greaterBySum(a: number, b: number, c: number, d: number): number {
  const N = BigInt(a + b + c + d - 2);
  const K = BigInt(c + d - 1);
  const m = BigInt(a + c - 1);
  let count = 0n;
  for (let j = BigInt(c); j <= m && j <= K; j++) count += binomial(m, j) * binomial(N - m, K - j);
  const total = binomial(N, K);
  // to a double through a scaled integer division (1e18 of resolution)
  return Number((count * 10n ** 18n) / total) / 1e18;
}

test('betaPosterior: Beta(1 + s, 1 + n − s), mean, equal-tailed interval (scipy beta.ppf)', () => {
  const p = betaPosterior({ successes: 3, n: 10 });
  assert.equal(p.alpha, 4);
  assert.equal(p.beta, 8);
  close(p.mean, 1 / 3, 1e-15);
  close(p.ci[0], 0.10926344381909811, 1e-13, 'Beta(4, 8) 2.5 %');
  close(p.ci[1], 0.6097425595724212, 1e-13, 'Beta(4, 8) 97.5 %');
  const q = betaPosterior({ successes: 120, n: 1000 });
  close(q.ci[0], 0.10132341964422845, 1e-13, 'Beta(121, 881) 2.5 %');
  close(q.ci[1], 0.1416269997488508, 1e-13, 'Beta(121, 881) 97.5 %');
  // nothing observed: the uniform prior, whose quantiles are the probabilities themselves
  const none = betaPosterior({ successes: 0, n: 0 });
  assert.deepEqual([none.alpha, none.beta, none.mean], [1, 1, 0.5]);
  close(none.ci[0], 0.025, 1e-15);
  close(none.ci[1], 0.975, 1e-15);
  // a custom prior and an 80 % interval
  const custom = betaPosterior({ successes: 2, n: 5 }, { alpha: 0.5, beta: 0.5 }, 0.8);
  assert.deepEqual([custom.alpha, custom.beta], [2.5, 3.5]);
  assert.ok(custom.ci[0] > 0 && custom.ci[1] < 1 && custom.ci[0] < custom.mean && custom.mean < custom.ci[1]);
  // all successes and none: finite intervals at the ends
  const all = betaPosterior({ successes: 50, n: 50 });
  assert.ok(all.ci[1] <= 1 && all.ci[0] > 0.9);
  const zero = betaPosterior({ successes: 0, n: 50 });
  assert.ok(zero.ci[0] >= 0 && zero.ci[1] < 0.1);
});

test('chanceToBeat: closed forms on tiny cases', () => {
  // against a uniform control, P(p_T > U) = E[p_T] = α/(α + β)
  close(chanceToBeat(beta(1, 1), beta(1, 1)), 0.5, 1e-14, 'uniform vs uniform');
  close(chanceToBeat(beta(1, 1), beta(2, 1)), 2 / 3, 1e-14, 'Beta(2, 1) vs uniform');
  close(chanceToBeat(beta(1, 1), beta(5, 3)), 5 / 8, 1e-14, 'Beta(5, 3) vs uniform');
  // control Beta(2, 1) (density 2c), treatment Beta(1, 2): ∫ 2c·(1 − c)² dc = 2·B(2, 3) = 1/6
  close(chanceToBeat(beta(2, 1), beta(1, 2)), 1 / 6, 1e-14, 'Beta(1, 2) vs Beta(2, 1)');
  close(chanceToBeat(beta(1, 2), beta(2, 1)), 5 / 6, 1e-14, 'Beta(2, 1) vs Beta(1, 2)');
});

test('chanceToBeat: Miller’s sum against an independent hypergeometric finite sum (integer parameters)', () => {
  for (const [a, b, c, d] of [[4, 8, 7, 5], [11, 91, 16, 86], [3, 40, 2, 60], [30, 70, 25, 75], [1, 1, 9, 2]] as const) {
    const expected = greaterBySum(c, d, a, b); // P(p_T > p_C), T = Beta(c, d), C = Beta(a, b)
    close(chanceToBeat(beta(a, b), beta(c, d)), expected, 1e-13, `Beta(${c}, ${d}) vs Beta(${a}, ${b})`);
  }
  // and scipy quad of ∫ f_T F_C: 0.8532837899339661
  close(chanceToBeat(beta(11, 91), beta(16, 86)), 0.8532837899339661, 1e-13, 'scipy quad');
});

test('chanceToBeat: the swapped sum when only the control α is an integer, the normal approximation beyond', () => {
  // control Beta(3, 5), treatment Beta(2.5, 4): 1 − (sum over the control's α); scipy quad 0.5122648249583233
  close(chanceToBeat(beta(3, 5), beta(2.5, 4)), 0.5122648249583233, 1e-13, 'swapped');
  // at the switch: ~1e6 trials per arm at 10 %. Exact (α = 1e5) against numerical integration (scipy simpson on
  // 200,001 points): 0.7601040868477125
  const t0 = Date.now();
  close(chanceToBeat(beta(EXACT_MAX_ALPHA, 900000), beta(100300, 899700)), 0.7601040868477125, 1e-9, 'exact at α = 1e5');
  const ms = Date.now() - t0;
  assert.ok(ms < 1000, `exact sum of 1e5 terms took ${ms} ms`);
  // one past the bound: the normal approximation, 3.3e−7 from the integral 0.7601030879700341
  const approx = chanceToBeat(beta(100001, 900001), beta(100301, 899701));
  assert.equal(approx, chanceToBeatNormal(beta(100001, 900001), beta(100301, 899701)));
  close(approx, 0.7601030879700341, 1e-6, 'normal approximation above the bound');
});

test('expectedLoss: closed forms, scipy integrals, and the two sides adding up to the mean difference', () => {
  // two uniforms: E[max(U − V, 0)] = 1/6
  const u = expectedLoss(beta(1, 1), beta(1, 1));
  close(u.treatment, 1 / 6, 1e-15);
  close(u.control, 1 / 6, 1e-15);
  // control uniform, treatment Beta(2, 1) (density 2t): E[max(C − T, 0)] = ∫₀¹∫₀^c (c − t)·2t dt dc = ∫ c³/3 dc = 1/12;
  // E[max(T − C, 0)] = 1/12 + E[T] − E[C] = 1/12 + 2/3 − 1/2 = 1/4
  const l = expectedLoss(beta(1, 1), beta(2, 1));
  close(l.treatment, 1 / 12, 1e-15);
  close(l.control, 1 / 4, 1e-15);
  // Beta(11, 91) vs Beta(16, 86): scipy quad of ∫ f_T(t)·E[max(C − t, 0)] dt = 0.0035780881307110484
  const m = expectedLoss(beta(11, 91), beta(16, 86));
  close(m.treatment, 0.0035780881307110484, 1e-14);
  close(m.control - m.treatment, 16 / 102 - 11 / 102, 1e-15, 'control − treatment loss = μ_T − μ_C');
  // non-integer treatment α, integer control α: scipy quad 0.09189213442814195
  close(expectedLoss(beta(3, 5), beta(2.5, 4)).treatment, 0.09189213442814195, 1e-13, 'swapped sums');
  // neither α qualifies: the normal formula; scipy simpson 5.9980507066333724e−05
  close(expectedLoss(beta(100001, 900001), beta(100301, 899701)).treatment, 5.9980507066333724e-5, 1e-9, 'normal loss');
});

test('lower-is-better metrics: the caller swaps the roles', () => {
  // error rate: control 12/100, treatment 6/100 — the treatment is better when its rate is lower
  const c = betaPosterior({ successes: 12, n: 100 });
  const t = betaPosterior({ successes: 6, n: 100 });
  const higher = chanceToBeat(c, t);
  const lower = chanceToBeat(t, c);
  close(higher + lower, 1, 1e-14, 'P(T > C) + P(C > T) = 1');
  assert.ok(lower > 0.9, `P(p_T < p_C) = ${lower}`);
  const loss = expectedLoss(c, t);
  // choosing the treatment loses E[max(p_T − p_C, 0)] here: small
  assert.ok(loss.control < loss.treatment);
});
