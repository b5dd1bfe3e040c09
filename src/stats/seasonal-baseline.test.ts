import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mulberry32 } from './seeded-random.js';
import {
  baselineParameters,
  chooseSeasonality,
  DAY_MS,
  HOUR_MS,
  inflation,
  localCalendar,
  mad,
  median,
  RollingWindow,
  seasonalBaseline,
  slotOf,
  valueScale,
  WEEK_MS,
  type BaselineInput,
} from './seasonal-baseline.js';

// A small seeded PRNG (mulberry32) and normal draws, so every run sees the same series.
/** The seeded generator of the statistics' simulations (mulberry32). */
const prng = mulberry32;
function normal(r: () => number): number {
  let u = 0;
  while (u === 0) u = r();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
}

const MONDAY = Date.UTC(2024, 0, 1); // a Monday, 00:00 UTC

/** Hourly: 50 + a daily sine of amplitude 20 − 12 at weekends, plus N(0, sd²) noise. */
function hourlySeries(weeks: number, seed: number, sd = 3): BaselineInput[] {
  const r = prng(seed);
  return Array.from({ length: weeks * 168 }, (_, i) => ({ t: MONDAY + i * HOUR_MS, value: truth(i) + sd * normal(r) }));
}
function truth(i: number): number {
  const h = i % 24;
  const d = Math.floor(i / 24) % 7;
  return 50 + 20 * Math.sin((2 * Math.PI * (h - 8)) / 24) - (d >= 5 ? 12 : 0);
}

test('median and MAD', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
  assert.equal(mad([1, 2, 3, 4, 100]), 1);
});

test('RollingWindow: the median and MAD of its last values, as computed from scratch', () => {
  const r = prng(1);
  const w = new RollingWindow(37);
  const all: number[] = [];
  for (let k = 0; k < 3000; k++) {
    const v = Math.round(normal(r) * 10) / 2; // ties on purpose
    w.push(v);
    all.push(v);
    if (k % 97 === 0 || k < 40) {
      const last = all.slice(-37);
      const s = w.spread();
      assert.equal(w.size, last.length);
      assert.equal(s.median + 0, median(last) + 0); // (+ 0: −0 and 0 alike)
      assert.equal(s.mad + 0, mad(last) + 0);
    }
  }
});

test('local calendar and slots: Monday 00:00 local is hour-of-week 0, whatever the offset', () => {
  assert.deepEqual(localCalendar(MONDAY), { hourOfDay: 0, dayOfWeek: 0 });
  assert.equal(slotOf('hour_of_week', MONDAY), 0);
  assert.equal(slotOf('hour_of_week', MONDAY - HOUR_MS), 167); // Sunday 23:00
  assert.equal(slotOf('hour_of_week', MONDAY - HOUR_MS, 60), 0); // Sunday 23:00 UTC is Monday 00:00 in Paris (winter)
  assert.equal(slotOf('hour_of_week', MONDAY + 5.5 * HOUR_MS, -330), 0); // and 05:30 UTC in… UTC−5:30
  assert.equal(slotOf('hour_of_day', MONDAY + 30 * HOUR_MS), 6);
  assert.equal(slotOf('day_of_week', MONDAY + 6 * DAY_MS), 6);
  assert.equal(slotOf('none', MONDAY + 6 * DAY_MS), 0);
});

test('seasonality chosen from the history the series covers', () => {
  assert.equal(chooseSeasonality('auto', HOUR_MS, 2 * DAY_MS), 'none');
  assert.equal(chooseSeasonality('auto', HOUR_MS, 3 * DAY_MS), 'hour_of_day');
  assert.equal(chooseSeasonality('auto', HOUR_MS, 3 * WEEK_MS - 1), 'hour_of_day');
  assert.equal(chooseSeasonality('auto', HOUR_MS, 3 * WEEK_MS), 'hour_of_week');
  assert.equal(chooseSeasonality('auto', 15 * 60_000, 8 * WEEK_MS), 'hour_of_week');
  assert.equal(chooseSeasonality('auto', DAY_MS, 2 * WEEK_MS), 'none');
  assert.equal(chooseSeasonality('auto', DAY_MS, 8 * WEEK_MS), 'day_of_week');
  assert.equal(chooseSeasonality('auto', WEEK_MS, 100 * WEEK_MS), 'none');
  assert.equal(chooseSeasonality('hourly', HOUR_MS, 10 * DAY_MS), 'hour_of_day');
  assert.equal(chooseSeasonality('daily', DAY_MS, 1 * WEEK_MS), 'none');
  assert.equal(chooseSeasonality('none', HOUR_MS, 8 * WEEK_MS), 'none');
  assert.equal(chooseSeasonality('hour_of_day', HOUR_MS, 8 * WEEK_MS), 'hour_of_day');
});

test('parameters: hourly and daily memories', () => {
  assert.deepEqual(baselineParameters('hour_of_week', HOUR_MS), {
    levelWindow: 24,
    admitAfter: 12,
    shiftCount: 9,
    slotMemory: 8,
    residualMemory: 336,
    localMemory: 28,
    warmupMs: 2 * WEEK_MS,
    localScale: true,
  });
  const d = baselineParameters('day_of_week', DAY_MS);
  assert.equal(d.levelWindow, 7);
  assert.equal(d.admitAfter, 4);
  assert.equal(d.shiftCount, 3);
  assert.equal(d.localScale, false);
  assert.equal(baselineParameters('hour_of_week', 15 * 60_000).slotMemory, 32);
  // the inflation of a forecast from 2 and 8 slot values and a level from 24
  assert.ok(Math.abs(inflation(2, 24) - Math.sqrt(1.5 + Math.PI / 48)) < 1e-12);
  assert.ok(inflation(8, 24) < inflation(2, 24));
  assert.ok(Math.abs(inflation(0, 24) - Math.sqrt(1 + Math.PI / 48)) < 1e-12);
});

test('value scales: Anscombe transforms round-trip, and keep counts and proportions in range', () => {
  const c = valueScale('count');
  for (const y of [0, 1, 7, 120, 5000]) assert.ok(Math.abs(c.inv(c.fwd(y, 1), 1) - y) < 1e-9);
  assert.equal(c.inv(-3, 1), 0);
  const p = valueScale('proportion');
  for (const [v, n] of [[0, 10], [0.05, 200], [0.5, 3], [1, 40]] as const) assert.ok(Math.abs(p.inv(p.fwd(v, n), n) - v) < 1e-9);
  assert.equal(p.inv(9, 100), 1);
  assert.equal(p.inv(-1, 100), 0);
  // a binomial proportion over n draws has sd ≈ 1/(2√n) on the asin √ scale
  assert.ok(Math.abs(p.sd(100) - 1 / (2 * Math.sqrt(100.5))) < 1e-12);
});

test('warm-up, then the known pattern is recovered', () => {
  const series = hourlySeries(6, 2);
  const b = seasonalBaseline(series, { bucketMs: HOUR_MS });
  assert.equal(b.seasonality, 'hour_of_week');
  b.points.forEach((p, i) => assert.equal(p.state === 'warming_up', i < 2 * 168, `point ${i}: ${p.state}`));
  const errors = b.points.slice(4 * 168).map((p, k) => Math.abs(p.expected! - truth(4 * 168 + k)));
  const rms = Math.sqrt(errors.reduce((s, e) => s + e * e, 0) / errors.length);
  assert.ok(rms < 3, `RMS error of the expectation ${rms.toFixed(2)} (noise sd 3)`);
  // the scale estimates the error of a forecast: a little above the noise sd of 3
  const scales = b.points.slice(4 * 168).map((p) => p.scale!);
  const mid = median(scales);
  assert.ok(mid > 3 && mid < 4.5, `median scale ${mid}`);
});

test('no look-ahead: a point is judged the same whatever comes after it', () => {
  const series = hourlySeries(5, 3);
  const full = seasonalBaseline(series, { bucketMs: HOUR_MS });
  const cut = 4 * 168 + 17;
  const prefix = seasonalBaseline(series.slice(0, cut), { bucketMs: HOUR_MS });
  assert.deepEqual(prefix.points, full.points.slice(0, cut));
  // changing the future (a spike, a drop) changes nothing before it
  const changed = series.map((p, i) => (i >= cut ? { ...p, value: i % 2 ? 0 : 500 } : p));
  assert.deepEqual(seasonalBaseline(changed, { bucketMs: HOUR_MS }).points.slice(0, cut), full.points.slice(0, cut));
});

test('input order does not matter; points come back in input order', () => {
  const series = hourlySeries(4, 4);
  const r = prng(9);
  const shuffled = series.map((p, i) => ({ p, i, k: r() })).sort((a, b) => a.k - b.k);
  const b1 = seasonalBaseline(series, { bucketMs: HOUR_MS });
  const b2 = seasonalBaseline(
    shuffled.map((s) => s.p),
    { bucketMs: HOUR_MS },
  );
  shuffled.forEach((s, k) => assert.deepEqual(b2.points[k], b1.points[s.i]));
});

test('a spike is flagged and does not pollute the baseline', () => {
  const series = hourlySeries(6, 5);
  const at = 4 * 168 + 40;
  const spiked = series.map((p, i) => (i === at ? { ...p, value: p.value! + 60 } : p));
  const clean = seasonalBaseline(series, { bucketMs: HOUR_MS });
  const dirty = seasonalBaseline(spiked, { bucketMs: HOUR_MS });
  assert.equal(dirty.points[at]!.outlier, true);
  // the next hours, and the same slot a week later, expect what they expected without the spike (it
  // entered as its expected value, not as the noisy value it replaced: a difference of a fraction of
  // the noise, not of the spike)
  for (const i of [at + 1, at + 2, at + 168]) {
    const d = Math.abs(dirty.points[i]!.expected! - clean.points[i]!.expected!);
    assert.ok(d < 1, `point ${i}: moved by ${d}`);
  }
  assert.equal(dirty.points.filter((p) => p.outlier).length, clean.points.filter((p) => p.outlier).length + 1);
});

test('a level shift is flagged at first, then the level restarts from it after 9 hourly buckets', () => {
  const start = 5 * 168 + 10;
  for (const delta of [+18, -18]) {
    const series = hourlySeries(7, 6).map((p, i) => (i >= start ? { ...p, value: p.value! + delta } : p));
    const b = seasonalBaseline(series, { bucketMs: HOUR_MS });
    const flagged = b.points.map((p, i) => (p.outlier ? i - start : null)).filter((k): k is number => k !== null && k >= 0);
    assert.deepEqual(flagged.slice(0, 3), [0, 1, 2], `shift ${delta}: ${flagged.join(',')}`);
    assert.ok(flagged.every((k) => k < 12), `shift ${delta}: still flagged at ${flagged.join(',')}`);
    assert.ok(Math.abs(b.points[start + 30]!.expected! - truth(start + 30) - delta) < 4, 'the new level is expected');
  }
});

test('a flat series does not fire on tiny wiggles, and a drop to zero is caught', () => {
  const r = prng(8);
  const flat = Array.from({ length: 4 * 168 }, (_, i) => ({ t: MONDAY + i * HOUR_MS, value: 100 + (r() - 0.5) * 0.02 }));
  const b = seasonalBaseline(flat, { bucketMs: HOUR_MS });
  assert.equal(b.points.filter((p) => p.outlier).length, 0);
  const judged = b.points.filter((p) => p.state === 'judged');
  assert.ok(judged.length > 300);
  assert.ok(judged.every((p) => p.scale! >= 2), 'floored at 2 % of the level');
  // 1 % off is still nothing; 10 % off is something; silence is caught
  const last = flat.length;
  const next = (value: number) => seasonalBaseline([...flat, { t: MONDAY + last * HOUR_MS, value }], { bucketMs: HOUR_MS }).points[last]!;
  assert.equal(next(101).outlier, false);
  assert.equal(next(90).outlier, true);
  assert.equal(next(0).outlier, true);

  // counts: a flat 100 per hour is Poisson-floored (√100 = 10), so 110 is noise and 0 is not
  const counts = flat.map((p) => ({ ...p, value: 100 }));
  const nextCount = (value: number) => seasonalBaseline([...counts, { t: MONDAY + last * HOUR_MS, value }], { bucketMs: HOUR_MS, kind: 'count' }).points[last]!;
  assert.equal(nextCount(110).outlier, false);
  assert.equal(nextCount(160).outlier, true);
  const silent = nextCount(0);
  assert.equal(silent.outlier, true);
  assert.ok(silent.score! < -10, `score ${silent.score}`);
  // the band of a count is asymmetric (the square-root scale), and never below 0
  assert.ok(silent.upper! - silent.expected! > silent.expected! - silent.lower!);
  assert.ok(silent.lower! >= 0);
});

test('nulls and small volumes are neither judged nor learnt from', () => {
  const series: BaselineInput[] = hourlySeries(4, 10).map((p, i) => ({ ...p, volume: 50 }));
  const at = 3 * 168 + 5;
  series[at] = { t: series[at]!.t, value: null };
  series[at + 1] = { t: series[at + 1]!.t, value: 900, volume: 2 };
  const b = seasonalBaseline(series, { bucketMs: HOUR_MS, minVolume: 10 });
  assert.equal(b.points[at]!.state, 'no_data');
  assert.equal(b.points[at]!.score, null);
  assert.notEqual(b.points[at]!.expected, null, 'the band is still drawn');
  assert.equal(b.points[at + 1]!.state, 'low_volume');
  assert.equal(b.points[at + 1]!.outlier, false);
  const without = seasonalBaseline(
    series.filter((_, i) => i !== at && i !== at + 1),
    { bucketMs: HOUR_MS, minVolume: 10 },
  );
  assert.deepEqual(b.points.slice(at + 2), without.points.slice(at));
});

test('local time: the same local pattern in another timezone gives the same verdicts', () => {
  const series = hourlySeries(4, 11);
  const offset = 330; // Kolkata
  const shifted = series.map((p) => ({ ...p, t: p.t - offset * 60_000 }));
  const a = seasonalBaseline(series, { bucketMs: HOUR_MS });
  const b = seasonalBaseline(shifted, { bucketMs: HOUR_MS, timezoneOffsetMinutes: () => offset });
  assert.deepEqual(
    b.points.map((p) => [p.expected, p.score, p.outlier, p.state]),
    a.points.map((p) => [p.expected, p.score, p.outlier, p.state]),
  );
});

test('bad options are refused', () => {
  assert.throws(() => seasonalBaseline([], { bucketMs: 0 }), RangeError);
  assert.throws(() => seasonalBaseline([], { bucketMs: HOUR_MS, cut: -1 }), RangeError);
  assert.deepEqual(seasonalBaseline([], { bucketMs: HOUR_MS }).points, []);
});
