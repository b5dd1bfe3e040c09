/**
 * Seeded Monte Carlo checks of the experiment statistics on simulated binomial experiments: the false-positive
 * rate of the fixed-horizon z test and of the always-valid p-value checked every day, the power at the planned
 * sample size, and the calibration of the chance to beat. Each rate is printed (console.log and t.diagnostic).
 * The seeds are fixed, so the rates are the same on every run; the bounds leave about three standard errors.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { betaPosterior, chanceToBeat } from './bayes.js';
import { twoProportionZ } from './hypothesis.js';
import { powerTwoProportions, sampleSizeTwoProportions } from './power.js';
import { binomialDraw, mulberry32, normalDraw } from './seeded-random.js';
import { alwaysValidPValues, defaultTau2, type Look } from './sequential.js';

function report(t: { diagnostic: (m: string) => void }, message: string): void {
  console.log(message);
  t.diagnostic(message);
}

function percent(x: number): string {
  return `${(100 * x).toFixed(2)} %`;
}

test('the seeded generator: repeatable, and its draws have the right moments', () => {
  const a = mulberry32(42);
  const b = mulberry32(42);
  const first = Array.from({ length: 5 }, () => a());
  assert.deepEqual(first, Array.from({ length: 5 }, () => b()));
  assert.notDeepEqual(first, Array.from({ length: 5 }, mulberry32(43)));
  const r = mulberry32(7);
  const N = 20000;
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < N; i++) {
    const u = r();
    assert.ok(u >= 0 && u < 1);
    s += u;
  }
  assert.ok(Math.abs(s / N - 0.5) < 0.01, `uniform mean ${s / N}`);
  s = 0;
  for (let i = 0; i < N; i++) {
    const z = normalDraw(r, 3, 2);
    s += z;
    s2 += z * z;
  }
  const mean = s / N;
  assert.ok(Math.abs(mean - 3) < 0.05, `normal mean ${mean}`);
  assert.ok(Math.abs(s2 / N - mean * mean - 4) < 0.15, `normal variance ${s2 / N - mean * mean}`);
  // binomial: mean np, variance np(1 − p), within ~4 standard errors
  for (const [n, p] of [[20, 0.3], [1_000_000, 0.001], [50, 0.97], [7, 0.5], [100_000, 0.1]] as const) {
    let m = 0;
    let m2 = 0;
    const draws = 5000;
    for (let i = 0; i < draws; i++) {
      const x = binomialDraw(r, n, p);
      assert.ok(Number.isInteger(x) && x >= 0 && x <= n);
      m += x;
      m2 += x * x;
    }
    const mu = n * p;
    const v = n * p * (1 - p);
    const em = m / draws;
    const ev = m2 / draws - em * em;
    assert.ok(Math.abs(em - mu) < 4 * Math.sqrt(v / draws), `Bin(${n}, ${p}) mean ${em} vs ${mu}`);
    assert.ok(Math.abs(ev / v - 1) < 0.1, `Bin(${n}, ${p}) variance ${ev} vs ${v}`);
  }
  assert.equal(binomialDraw(r, 0, 0.5), 0);
  assert.equal(binomialDraw(r, 10, 0), 0);
  assert.equal(binomialDraw(r, 10, 1), 10);
});

const BASELINE = 0.1;
const DAYS = 14;
const PER_DAY = 500; // per arm and day: 7,000 per arm after 14 days
const ALPHA = 0.05;

test('A/A experiments: fixed-horizon z, daily peeking, the always-valid p-value and the chance to beat', (t) => {
  const random = mulberry32(20240601);
  const experiments = 10000;
  const tau2 = defaultTau2({ baseline: BASELINE, mde_relative: 0.1 }); // (0.01)² = 1e−4
  let fixed = 0;
  let peeking = 0;
  let alwaysValid = 0;
  let bayesOver95 = 0;
  for (let e = 0; e < experiments; e++) {
    let sa = 0;
    let sb = 0;
    let n = 0;
    let peeked = false;
    const looks: Look[] = [];
    for (let d = 0; d < DAYS; d++) {
      sa += binomialDraw(random, PER_DAY, BASELINE);
      sb += binomialDraw(random, PER_DAY, BASELINE);
      n += PER_DAY;
      const pa = sa / n;
      const pb = sb / n;
      looks.push({ difference: pb - pa, variance: (pa * (1 - pa)) / n + (pb * (1 - pb)) / n });
      if (twoProportionZ({ successes: sa, n }, { successes: sb, n }).p_value < ALPHA) peeked = true;
    }
    if (twoProportionZ({ successes: sa, n }, { successes: sb, n }).p_value < ALPHA) fixed++;
    if (peeked) peeking++;
    const p = alwaysValidPValues(looks, tau2);
    if (p[p.length - 1]! <= ALPHA) alwaysValid++; // the running minimum: rejected at some daily look
    if (chanceToBeat(betaPosterior({ successes: sa, n }), betaPosterior({ successes: sb, n })) > 0.95) bayesOver95++;
  }
  const rates = { fixed: fixed / experiments, peeking: peeking / experiments, alwaysValid: alwaysValid / experiments, bayes: bayesOver95 / experiments };
  report(t, `A/A, ${experiments} experiments of ${DAYS} daily looks at ${PER_DAY} per arm and day, baseline ${BASELINE}:`);
  report(t, `  fixed-horizon two-proportion z false-positive rate: ${percent(rates.fixed)} (alpha 5 %)`);
  report(t, `  naive daily peeking with the same z test: ${percent(rates.peeking)}`);
  report(t, `  always-valid p-value (mSPRT, tau² = ${tau2.toExponential(2)}) checked every day: ${percent(rates.alwaysValid)}`);
  report(t, `  chance to beat > 0.95 at the end: ${percent(rates.bayes)}`);
  assert.ok(Math.abs(rates.fixed - 0.05) <= 0.015, `fixed-horizon FPR ${rates.fixed}`);
  assert.ok(rates.alwaysValid <= 0.065, `always-valid FPR ${rates.alwaysValid}`);
  assert.ok(rates.peeking > rates.fixed, 'peeking inflates the fixed test');
  assert.ok(rates.bayes <= 0.065, `A/A chance to beat above 0.95 in ${rates.bayes}`);
});

test('power at the planned sample size: 10 % baseline, +10 % relative, 80 %', (t) => {
  const random = mulberry32(987654321);
  const n = sampleSizeTwoProportions({ baseline: BASELINE, mde_relative: 0.1, power: 0.8 });
  const planned = powerTwoProportions({ baseline: BASELINE, mde_relative: 0.1, n_per_arm: n });
  const experiments = 3000;
  let rejected = 0;
  for (let e = 0; e < experiments; e++) {
    const a = binomialDraw(random, n, BASELINE);
    const b = binomialDraw(random, n, BASELINE * 1.1);
    if (twoProportionZ({ successes: a, n }, { successes: b, n }).p_value < ALPHA) rejected++;
  }
  const power = rejected / experiments;
  report(t, `power: n = ${n} per arm, ${experiments} experiments: simulated ${percent(power)}, powerTwoProportions ${percent(planned)}`);
  assert.ok(Math.abs(power - 0.8) <= 0.05, `simulated power ${power}`);
  assert.ok(Math.abs(power - planned) <= 0.05, `simulated ${power} vs planned ${planned}`);
});

test('the always-valid test with a true +10 % lift, looked at daily over the planned sample', (t) => {
  // not vacuous: the price of looking every day is power, not the ability to detect
  const random = mulberry32(5551212);
  const planned = sampleSizeTwoProportions({ baseline: BASELINE, mde_relative: 0.1, power: 0.8 });
  const perDay = Math.ceil(planned / DAYS);
  const tau2 = defaultTau2({ baseline: BASELINE, mde_relative: 0.1 });
  const experiments = 2000;
  let detected = 0;
  let fixed = 0;
  for (let e = 0; e < experiments; e++) {
    let sa = 0;
    let sb = 0;
    let n = 0;
    const looks: Look[] = [];
    for (let d = 0; d < DAYS; d++) {
      sa += binomialDraw(random, perDay, BASELINE);
      sb += binomialDraw(random, perDay, BASELINE * 1.1);
      n += perDay;
      const pa = sa / n;
      const pb = sb / n;
      looks.push({ difference: pb - pa, variance: (pa * (1 - pa)) / n + (pb * (1 - pb)) / n });
    }
    const p = alwaysValidPValues(looks, tau2);
    if (p[p.length - 1]! <= ALPHA) detected++;
    if (twoProportionZ({ successes: sa, n }, { successes: sb, n }).p_value < ALPHA) fixed++;
  }
  report(t, `+10 % lift, ${DAYS} daily looks of ${perDay} per arm (${perDay * DAYS} in all), ${experiments} experiments: always-valid detects ${percent(detected / experiments)}, fixed-horizon z at the end ${percent(fixed / experiments)}`);
  assert.ok(detected / experiments > 0.3, `always-valid power ${detected / experiments}`);
  assert.ok(Math.abs(fixed / experiments - 0.8) <= 0.05, `fixed-horizon power ${fixed / experiments}`);
});

test('chance to beat is calibrated when the rates are drawn from the prior', (t) => {
  // p_A, p_B ~ Beta(1, 1) (the default prior), 15 trials each: among experiments with chance c, p_B > p_A
  // should happen with frequency ≈ c (exactly, in expectation: the posterior is the right conditional law)
  const random = mulberry32(1234);
  const experiments = 10000;
  const bins = Array.from({ length: 5 }, () => ({ n: 0, chance: 0, wins: 0 }));
  for (let e = 0; e < experiments; e++) {
    const pa = random();
    const pb = random();
    const a = betaPosterior({ successes: binomialDraw(random, 15, pa), n: 15 });
    const b = betaPosterior({ successes: binomialDraw(random, 15, pb), n: 15 });
    const c = chanceToBeat(a, b);
    const bin = bins[Math.min(4, Math.floor(c * 5))]!;
    bin.n++;
    bin.chance += c;
    if (pb > pa) bin.wins++;
  }
  for (const [i, bin] of bins.entries()) {
    const predicted = bin.chance / bin.n;
    const observed = bin.wins / bin.n;
    report(t, `chance to beat in [${i / 5}, ${(i + 1) / 5}): ${bin.n} experiments, mean chance ${predicted.toFixed(3)}, treatment truly better in ${observed.toFixed(3)}`);
    assert.ok(bin.n >= 500, `bin ${i} has ${bin.n} experiments`);
    assert.ok(Math.abs(predicted - observed) <= 3.5 * Math.sqrt(0.25 / bin.n), `bin ${i}: ${predicted} vs ${observed}`);
  }
});
