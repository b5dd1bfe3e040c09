/**
 * A small seeded pseudo-random generator for simulations and tests, so that a simulated experiment is the same
 * on every run:
 *
 * - `mulberry32`: Tommy Ettinger's mulberry32, a 32-bit state advanced by the Weyl increment 0x6D2B79F5 and
 *   mixed by two xor-shift-multiply rounds; period 2³², uniform doubles in [0, 1) with 32 random bits. Plenty
 *   for Monte Carlo checks of a few million draws; not for cryptography.
 * - `normalDraw`: Box–Muller (one of the pair), from two uniforms.
 * - `binomialDraw`: exact inversion that enumerates the outcomes from the mode outwards (m, m − 1, m + 1, m − 2, …),
 *   the probabilities by the ratio recurrence P(k + 1)/P(k) = (n − k)p / ((k + 1)(1 − p)) from P(m) computed with
 *   log Γ; the expected number of steps is O(√(np(1 − p))), so a draw with n = 10⁶ costs about as much as a few
 *   hundred uniforms. Exact up to the rounding of the probabilities (≈1e−13 relative).
 */

import { logGamma } from './distributions.js';

/** A generator of uniform doubles in [0, 1). */
export type Uniform = () => number;

/** mulberry32 seeded with the 32-bit integer `seed`. */
export function mulberry32(seed: number): Uniform {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
}

/** A normal draw with the given mean and standard deviation (Box–Muller). */
export function normalDraw(random: Uniform, mean = 0, sd = 1): number {
  const u1 = 1 - random(); // (0, 1]: log is finite
  const u2 = random();
  return mean + sd * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** A Binomial(n, p) draw (n a non-negative integer, 0 ≤ p ≤ 1). */
export function binomialDraw(random: Uniform, n: number, p: number): number {
  const trials = Math.floor(n);
  if (!(trials > 0) || !(p > 0)) return 0;
  if (p >= 1) return trials;
  const q = 1 - p;
  const mode = Math.min(trials, Math.floor((trials + 1) * p));
  const logPmf = logGamma(trials + 1) - logGamma(mode + 1) - logGamma(trials - mode + 1) + mode * Math.log(p) + (trials - mode) * Math.log1p(-p);
  const pMode = Math.exp(logPmf);
  const odds = p / q;
  for (;;) {
    let u = random();
    u -= pMode;
    if (u < 0) return mode;
    let down = mode;
    let up = mode;
    let pDown = pMode;
    let pUp = pMode;
    // alternate below and above the mode until u is used up (or both ends are reached: rounding, draw again)
    while (down > 0 || up < trials) {
      if (down > 0) {
        pDown *= down / ((trials - down + 1) * odds);
        down--;
        u -= pDown;
        if (u < 0) return down;
      }
      if (up < trials) {
        pUp *= ((trials - up) * odds) / (up + 1);
        up++;
        u -= pUp;
        if (u < 0) return up;
      }
    }
  }
}
