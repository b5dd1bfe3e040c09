import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  betaCdfPair,
  betaQuantile,
  chiSquareSf,
  logBeta,
  logGamma,
  normalCdf,
  normalQuantile,
  regularizedBeta,
  regularizedGammaP,
  regularizedGammaQ,
  invertBeta,
  studentTCdf,
  studentTQuantile,
} from './distributions.js';

/** |actual − expected| ≤ tol·max(1, |expected|) (relative for large values, absolute for small ones). */
function close(actual: number, expected: number, tol: number, what = ''): void {
  const err = Math.abs(actual - expected);
  assert.ok(err <= tol * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs ${expected} (error ${err})`);
}

/** |actual − expected| ≤ tol·|expected| (for tails far below 1). */
function relClose(actual: number, expected: number, tol: number, what = ''): void {
  const err = Math.abs(actual - expected) / Math.abs(expected);
  assert.ok(err <= tol, `${what}: ${actual} vs ${expected} (relative error ${err})`);
}

test('normalCdf: known values (R pnorm / mpmath ncdf at 40 digits)', () => {
  close(normalCdf(1.96), 0.9750021048517795, 1e-15, 'Φ(1.96)');
  close(normalCdf(-1.96), 0.024997895148220435, 1e-15, 'Φ(−1.96)');
  close(normalCdf(0), 0.5, 0, 'Φ(0)');
  close(normalCdf(3), 0.9986501019683699, 1e-15, 'Φ(3)');
  // lower tail keeps its relative precision (mpmath: 6.2209605742717841e−16, 4.9067139271481871e−198)
  relClose(normalCdf(-8), 6.220960574271784e-16, 1e-14, 'Φ(−8)');
  relClose(normalCdf(-30), 4.906713927148187e-198, 1e-14, 'Φ(−30)');
  assert.equal(normalCdf(-40), 0);
  assert.equal(normalCdf(40), 1);
  // symmetry Φ(x) + Φ(−x) = 1 across the three regions of Cody's approximation
  for (const x of [0.1, 0.6, 1, 2.5, 5, 7]) close(normalCdf(x) + normalCdf(-x), 1, 2e-16, `symmetry at ${x}`);
});

test('normalQuantile: AS 241 against known values (mpmath √2·erfinv, scipy norm.ppf)', () => {
  close(normalQuantile(0.975), 1.959963984540054, 1e-15, 'Φ⁻¹(0.975)');
  close(normalQuantile(0.5), 0, 0, 'Φ⁻¹(0.5)');
  close(normalQuantile(0.001), -3.090232306167814, 1e-15, 'Φ⁻¹(0.001)');
  relClose(normalQuantile(1e-10), -6.361340902404056, 1e-15, 'Φ⁻¹(1e−10)');
  relClose(normalQuantile(1e-300), -37.0470962993612, 1e-13, 'Φ⁻¹(1e−300)');
  assert.equal(normalQuantile(0), -Infinity);
  assert.equal(normalQuantile(1), Infinity);
  // round trip through the CDF
  for (const p of [1e-12, 0.01, 0.2, 0.49, 0.51, 0.8, 0.99]) relClose(normalCdf(normalQuantile(p)), p, 1e-13, `Φ(Φ⁻¹(${p}))`);
});

test('logGamma and logBeta: factorials, Γ(½) = √π, B(½, ½) = π, B(2, 3) = 1/12, large arguments (mpmath)', () => {
  close(logGamma(1), 0, 1e-15, 'log Γ(1)');
  close(logGamma(2), 0, 1e-15, 'log Γ(2)');
  close(logGamma(10), Math.log(362880), 1e-15, 'log 9!');
  close(logGamma(15), 25.191221182738682, 1e-15, 'log 14!');
  close(logGamma(0.5), 0.5 * Math.log(Math.PI), 1e-15, 'log Γ(½)');
  close(logGamma(0.1), 2.252712651734206, 1e-15, 'log Γ(0.1)');
  close(logGamma(1e5), 1051287.7089736569, 1e-15, 'log Γ(1e5)');
  close(logBeta(0.5, 0.5), Math.log(Math.PI), 1e-15, 'log B(½, ½)');
  close(logBeta(2, 3), Math.log(1 / 12), 1e-14, 'log B(2, 3)');
  close(logBeta(0.3, 7), 0.5271566838059275, 1e-15, 'log B(0.3, 7)');
  // the Stirling-corrected form keeps digits the three log-gammas (≈1e6 each) would cancel
  close(logBeta(1e4, 9e4), -32511.930882113853, 1e-15, 'log B(1e4, 9e4)');
});

/** I_x(a, b) for integer a, b as a binomial tail: P(Bin(a + b − 1, x) ≥ a). */
function binomialTail(x: number, a: number, b: number): number {
  const n = a + b - 1;
  let sum = 0;
  let c = 1; // C(n, j)
  for (let j = 0; j <= n; j++) {
    if (j >= a) sum += c * x ** j * (1 - x) ** (n - j);
    c = (c * (n - j)) / (j + 1);
  }
  return sum;
}

test('regularizedBeta: closed forms for integer parameters, and non-integer ones against mpmath', () => {
  for (const x of [0.001, 0.1, 0.37, 0.5, 0.8, 0.999]) {
    close(regularizedBeta(x, 1, 1), x, 1e-15, 'I_x(1, 1) = x');
    close(regularizedBeta(x, 1, 4), 1 - (1 - x) ** 4, 1e-14, 'I_x(1, 4) = 1 − (1 − x)⁴');
    close(regularizedBeta(x, 3, 1), x ** 3, 1e-14, 'I_x(3, 1) = x³');
    close(regularizedBeta(x, 2, 2), 3 * x * x - 2 * x ** 3, 1e-14, 'I_x(2, 2) = 3x² − 2x³');
    for (const [a, b] of [[3, 5], [7, 2], [12, 9]] as const) close(regularizedBeta(x, a, b), binomialTail(x, a, b), 1e-13, `I_${x}(${a}, ${b})`);
  }
  close(regularizedBeta(0.1, 0.3, 7), 0.8671963646684095, 1e-14, 'I_0.1(0.3, 7)');
  close(regularizedBeta(0.3, 100, 200), 0.10884306564490984, 1e-13, 'I_0.3(100, 200)');
  close(regularizedBeta(0.1, 1e4, 9e4), 0.5011213943569467, 1e-10, 'I_0.1(1e4, 9e4) (scipy betainc)');
  assert.equal(regularizedBeta(0, 2, 3), 0);
  assert.equal(regularizedBeta(1, 2, 3), 1);
});

test('regularized incomplete gamma: P(1, x) = 1 − e^−x, Poisson sums for integer a, P(½, x) = erf(√x), mpmath', () => {
  for (const x of [0.01, 0.5, 2, 7.5, 30]) {
    close(regularizedGammaP(1, x), -Math.expm1(-x), 1e-15, `P(1, ${x})`);
    // Q(a, x) = e^−x Σ_{k<a} x^k/k! (the Poisson CDF)
    let term = Math.exp(-x);
    let q = 0;
    for (let k = 0; k < 4; k++) {
      q += term;
      term *= x / (k + 1);
    }
    close(regularizedGammaQ(4, x), q, 1e-14, `Q(4, ${x})`);
    close(regularizedGammaP(4, x) + regularizedGammaQ(4, x), 1, 1e-15, 'P + Q = 1');
    // P(½, x) = erf(√x) = 1 − 2Φ(−√(2x))
    close(regularizedGammaP(0.5, x), 1 - 2 * normalCdf(-Math.sqrt(2 * x)), 1e-14, `P(½, ${x})`);
  }
  close(regularizedGammaP(3.5, 2), 0.22022259152428408, 1e-14, 'P(3.5, 2)');
  relClose(regularizedGammaQ(1000, 1050), 0.05867111137731808, 1e-11, 'Q(1000, 1050)');
});

test("Student's t: closed forms for 1 and 2 df, the 0.975 quantile with 10 df, scipy values", () => {
  for (const t of [-20, -2, -0.3, 0, 0.7, 4]) {
    close(studentTCdf(t, 1), 0.5 + Math.atan(t) / Math.PI, 1e-15, `Cauchy CDF at ${t}`);
    close(studentTCdf(t, 2), 0.5 + t / (2 * Math.sqrt(2 + t * t)), 1e-15, `t₂ CDF at ${t}`);
  }
  // t_{0.975, 10}: mpmath (40 digits, by root-finding on the incomplete beta and, independently, on the
  // integrated density) gives 2.22813885198627475; R's qt(0.975, 10) prints 2.228138851986522, 1.1e−13 above it
  // (F₁₀ at R's value is 0.975 + 1.05e−14 by mpmath)
  close(studentTQuantile(0.975, 10), 2.2281388519862747, 2e-15, 't_{0.975, 10}');
  close(studentTQuantile(0.975, 10), 2.228138851986522, 1e-12, 't_{0.975, 10} against R');
  close(studentTCdf(2.2281388519862747, 10), 0.975, 2e-16, 'F₁₀(2.228…)');
  close(studentTQuantile(0.975, 1), 12.706204736174694, 1e-14, 't_{0.975, 1} = tan(0.475π)');
  close(studentTQuantile(0.975, 2), 4.302652729749462, 1e-14, 't_{0.975, 2} = 2.95/√(2·0.025·0.975)');
  close(studentTQuantile(0.025, 3), -3.1824463052837086, 1e-13, 't_{0.025, 3}');
  close(studentTQuantile(0.995, 30), 2.7499956535672254, 1e-13, 't_{0.995, 30}');
  close(studentTQuantile(0.975, 19.19), 2.0916223462088386, 1e-13, 't_{0.975, 19.19} (non-integer df)');
  close(studentTCdf(2.5, 4.5), 0.9700471567488997, 1e-14, 'F_{4.5}(2.5)');
  relClose(studentTCdf(-50, 3), 8.808576020635984e-6, 1e-12, 'F₃(−50)');
  // large df tends to the normal (Cornish–Fisher branch ≥ 1e5 df)
  close(studentTQuantile(0.975, 1e8), normalQuantile(0.975), 1e-7, 't with 1e8 df');
  close(studentTQuantile(0.975, Infinity), 1.959963984540054, 1e-15, 't with ∞ df');
  for (const df of [1.5, 3, 12, 1e3, 2e5]) for (const p of [1e-9, 0.01, 0.3, 0.5, 0.8, 0.999]) {
    relClose(studentTCdf(studentTQuantile(p, df), df), p, 1e-11, `round trip p=${p}, df=${df}`);
  }
});

test('chi-square upper tail: the 0.95 quantile of χ²₁, closed forms for 2 and 4 df, mpmath', () => {
  close(chiSquareSf(3.841458820694124, 1), 0.05, 1e-15, 'P(χ²₁ > 3.8415)');
  for (const x of [0.2, 3, 10, 40]) {
    close(chiSquareSf(x, 2), Math.exp(-x / 2), 1e-15, `χ²₂ at ${x}`);
    close(chiSquareSf(x, 4), Math.exp(-x / 2) * (1 + x / 2), 1e-14, `χ²₄ at ${x}`);
  }
  close(chiSquareSf(10, 3), 0.018566135463043233, 1e-15, 'P(χ²₃ > 10)');
  close(chiSquareSf(100, 80), 0.06457036892113298, 1e-14, 'P(χ²₈₀ > 100)');
  assert.equal(chiSquareSf(0, 3), 1);
});

test('betaQuantile: closed forms for a or b = 1, symmetric cases, scipy values, round trips', () => {
  for (const p of [1e-8, 0.025, 0.5, 0.975]) {
    close(betaQuantile(p, 1, 1), p, 1e-15, `uniform quantile ${p}`);
    close(betaQuantile(p, 3, 1), p ** (1 / 3), 1e-14, `Beta(3, 1) quantile ${p}`);
    close(betaQuantile(p, 1, 4), 1 - (1 - p) ** 0.25, 1e-14, `Beta(1, 4) quantile ${p}`);
  }
  close(betaQuantile(0.5, 2, 2), 0.5, 1e-15, 'median of Beta(2, 2)');
  close(betaQuantile(0.975, 3, 5), 0.7095791362626572, 1e-14, 'Beta(3, 5) 0.975');
  close(betaQuantile(0.025, 1001, 9001), 0.09427511307319279, 1e-13, 'Beta(1001, 9001) 0.025');
  close(betaQuantile(0.975, 1001, 9001), 0.10603633195250611, 1e-13, 'Beta(1001, 9001) 0.975');
  relClose(betaQuantile(1e-10, 2, 3), 4.082494015808333e-6, 1e-13, 'Beta(2, 3) 1e−10');
  // U-shaped and very skewed shapes, parameters up to 1e5: the round trip on the pair (x, 1 − x), each side
  // carried separately (x within 1e−10 of 1 is not representable as x itself)
  for (const [a, b] of [[0.05, 0.05], [0.01, 2], [0.5, 3e4], [1e5, 0.5], [2e4, 1.8e5]] as const) {
    for (const p of [1e-6, 0.1, 0.5, 0.9]) {
      const x = betaQuantile(p, a, b);
      assert.ok(x >= 0 && x <= 1, `in [0, 1]: ${x}`);
      const pair = invertBeta(p, 1 - p, a, b);
      assert.equal(pair.x, x);
      if (pair.x < 1e-300 || pair.y < 1e-300) continue; // below the smallest double
      const [lower, upper] = betaCdfPair(pair.x, pair.y, a, b);
      if (p < 0.5) relClose(lower, p, 1e-9, `round trip Beta(${a}, ${b}) at ${p}`);
      else relClose(upper, 1 - p, 1e-9, `round trip Beta(${a}, ${b}) at ${p}`);
    }
  }
});
