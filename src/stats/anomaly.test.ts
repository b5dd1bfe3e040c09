import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatNumber, relativeChange, seasonalAnomalies, seasonalityFor, seasonalVerdict, staticThreshold, type AnomalyPoint, type SeasonalOptions, type SeriesPoint } from './anomaly.js';
import { mulberry32 } from './seeded-random.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MONDAY = Date.UTC(2024, 0, 1); // a Monday, 00:00 UTC
const pct = (v: number) => `${formatNumber(v * 100)}%`;

// ---------------------------------------------------------------------------------------------
// static threshold

test('static threshold: strictly above / below, at the threshold is not a breach', () => {
  const above = (value: number | null) => staticThreshold({ value, threshold: 0.05, direction: 'above', label: 'failure rate', format: pct });
  assert.deepEqual(above(0.125), { breached: true, value: 0.125, expected: null, lower: null, upper: 0.05, score: null, reason: 'failure rate 12.5% is above the threshold 5%' });
  assert.equal(above(0.05).breached, false);
  assert.equal(above(0.05).reason, 'failure rate 5% is not above the threshold 5%');
  assert.equal(above(3 / 60).breached, false); // a rate that lands exactly on it
  assert.equal(above(0.0500001).breached, true);
  assert.equal(above(0.01).breached, false);

  const below = (value: number) => staticThreshold({ value, threshold: 100, direction: 'below', label: 'executions' });
  assert.equal(below(99).breached, true);
  assert.equal(below(99).reason, 'executions 99 is below the threshold 100');
  assert.equal(below(100).breached, false);
  assert.equal(below(5000).breached, false);
  assert.deepEqual([below(99).lower, below(99).upper], [100, null]);
});

test('static threshold: both directions, with and without a lower threshold', () => {
  const both = (value: number, lowerThreshold?: number) => staticThreshold({ value, threshold: 10, direction: 'both', ...(lowerThreshold !== undefined ? { lowerThreshold } : {}) });
  assert.equal(both(11).breached, true);
  assert.equal(both(11).reason, 'value 11 is above the upper threshold 10');
  assert.equal(both(-11).breached, true);
  assert.equal(both(-11).reason, 'value -11 is below the lower threshold -10');
  assert.equal(both(10).breached, false);
  assert.equal(both(-10).breached, false);
  assert.equal(both(3).reason, 'value 3 is within the thresholds -10 to 10');
  assert.equal(both(4, 5).breached, true);
  assert.equal(both(5, 5).breached, false);
  assert.throws(() => both(0, 20), RangeError);
  assert.throws(() => staticThreshold({ value: 1, threshold: NaN, direction: 'above' }), RangeError);
  assert.throws(() => staticThreshold({ value: 1, threshold: 1, direction: 'up' as never }), RangeError);
});

test('static threshold: no data, and the minimum volume (a rate on 3 executions does not fire)', () => {
  const none = staticThreshold({ value: null, threshold: 0.05, direction: 'above', label: 'failure rate' });
  assert.equal(none.breached, false);
  assert.equal(none.reason, 'no data for failure rate');
  assert.equal(staticThreshold({ value: NaN, threshold: 0.05, direction: 'above' }).breached, false);

  const onThree = staticThreshold({ value: 1 / 3, volume: 3, minVolume: 20, threshold: 0.05, direction: 'above', label: 'failure rate', format: pct });
  assert.equal(onThree.breached, false);
  assert.equal(onThree.reason, 'failure rate 33.3% rests on 3 executions, fewer than the minimum 20: not judged');
  assert.equal(onThree.value, 1 / 3);
  // at the minimum it is judged; without a volume the rule does not apply
  assert.equal(staticThreshold({ value: 1 / 3, volume: 20, minVolume: 20, threshold: 0.05, direction: 'above' }).breached, true);
  assert.equal(staticThreshold({ value: 1 / 3, minVolume: 20, threshold: 0.05, direction: 'above' }).breached, true);
});

// ---------------------------------------------------------------------------------------------
// relative change

test('relative change: up, down, both; exactly at the percentage is not a breach', () => {
  const rc = (value: number, previous: number, direction: 'above' | 'below' | 'both', percent = 50) => relativeChange({ value, previous, percent, direction, label: 'executions' });
  const up = rc(180, 100, 'above');
  assert.deepEqual(up, { breached: true, value: 180, expected: 100, lower: null, upper: 150, score: 80, reason: 'executions 180 is up 80% from 100 in the previous period, beyond the allowed +50%' });
  assert.equal(rc(150, 100, 'above').breached, false);
  assert.equal(rc(151, 100, 'above').breached, true);
  assert.equal(rc(20, 100, 'above').breached, false);
  assert.equal(rc(40, 100, 'below').breached, true);
  assert.equal(rc(40, 100, 'below').reason, 'executions 40 is down 60% from 100 in the previous period, beyond the allowed −50%');
  assert.equal(rc(50, 100, 'below').breached, false);
  assert.equal(rc(180, 100, 'below').breached, false);
  assert.equal(rc(40, 100, 'both').breached, true);
  assert.equal(rc(180, 100, 'both').breached, true);
  assert.equal(rc(120, 100, 'both').reason, 'executions 120 is up 20% from 100 in the previous period, within the allowed ±50%');
  assert.deepEqual([rc(120, 100, 'both').lower, rc(120, 100, 'both').upper], [50, 150]);
  // rates recomputed in floating point: 0.15 against 0.1 is +50 % (49.999… or 50.000…1), not a breach
  assert.equal(relativeChange({ value: 0.15, previous: 0.1, percent: 50, direction: 'above' }).breached, false);
  assert.equal(relativeChange({ value: 0.07, previous: 0.1, percent: 30, direction: 'below' }).breached, false);
  // against a negative previous value the change is relative to its size
  assert.equal(rc(-5, -10, 'above').score, 50);
});

test('relative change: from zero, no data, the minimum volume of either period', () => {
  const fromZero = relativeChange({ value: 5, previous: 0, percent: 50, direction: 'above', label: 'failures' });
  assert.equal(fromZero.breached, true);
  assert.equal(fromZero.score, null);
  assert.equal(fromZero.reason, 'failures 5 rose from 0 in the previous period, beyond the allowed +50%');
  assert.equal(relativeChange({ value: 0, previous: 0, percent: 50, direction: 'both' }).breached, false);
  assert.equal(relativeChange({ value: 0, previous: 0, percent: 50, direction: 'both' }).score, 0);

  assert.equal(relativeChange({ value: null, previous: 3, percent: 10, direction: 'both' }).breached, false);
  const noPrevious = relativeChange({ value: 3, previous: null, percent: 10, direction: 'both', label: 'failures' });
  assert.equal(noPrevious.breached, false);
  assert.equal(noPrevious.reason, 'failures 3 has no previous value to compare with');

  // 2 failures in 3 against 1 in 50: a huge change, on too few executions to mean anything
  const small = relativeChange({ value: 2 / 3, volume: 3, previous: 0.02, previousVolume: 50, minVolume: 20, percent: 50, direction: 'above', label: 'failure rate' });
  assert.equal(small.breached, false);
  assert.match(small.reason, /rests on 3 executions, fewer than the minimum 20/);
  const smallBefore = relativeChange({ value: 0.3, volume: 200, previous: 0, previousVolume: 4, minVolume: 20, percent: 50, direction: 'above', label: 'failure rate' });
  assert.equal(smallBefore.breached, false);
  assert.equal(smallBefore.reason, 'failure rate 0 of the previous period rests on 4 executions, fewer than the minimum 20: not judged');
  assert.equal(relativeChange({ value: 0.3, volume: 200, previous: 0.1, previousVolume: 200, minVolume: 20, percent: 50, direction: 'above' }).breached, true);
  assert.throws(() => relativeChange({ value: 1, previous: 1, percent: -5, direction: 'above' }), RangeError);
});

// ---------------------------------------------------------------------------------------------
// seasonal anomalies on synthetic series
//
// Hourly series: 8 weeks from a Monday 00:00 UTC, a daily and a weekly pattern.
//   counts:   μ = 120 · (0.3 + 0.7·exp(−((hour − 13)/4)²)) · (Saturday 0.55, Sunday 0.45), Poisson draws;
//   gaussian: μ = 50 + 20·sin(2π(hour − 8)/24) − 12 at weekends, plus N(0, 3²).
// Injected after the 2-week warm-up, one after the other with quiet days between them (13 events):
//   8 spikes of ±8 noise sd at that hour (downward ones on weekday 10:00–16:59, so that a count is
//     not cut at 0);
//   3 level shifts of 30 hours, μ × 1.7, × 0.4, × 1.7 for counts (× 1.3, × 0.7, × 1.3 gaussian),
//     starting on a weekday between 09:00 and 14:59;
//   2 drops to zero of 6 hours, starting on a weekday between 09:00 and 14:59.
// Hits (recall): a spike is found when its bucket is flagged; a shift or a drop when one of its first
// 3 buckets is. Precision: flagged points inside an event's window / all flagged points, the window
// being the spike's bucket, or a shift or a drop from its first bucket to 24 buckets after its last
// (its end is a change as well, flagged until the level restarts).
// Daily series: 20 weeks, counts μ = 400 · weekday factor (1, 1.05, 1, 0.95, 0.9, 0.5, 0.4) ·
// (1 + 0.002·day), Poisson; 6 spikes of ±8 sd, 2 drops to zero of 2 days, 2 shifts of 10 days
// (× 1.6, × 0.5); windows end 7 days after a shift or a drop.

/** The seeded generator of the statistics' simulations (mulberry32). */
const prng = mulberry32;
function normal(r: () => number): number {
  let u = 0;
  while (u === 0) u = r();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
}
/** Poisson draws: Knuth's product of uniforms below 30, the normal approximation above. */
function poisson(r: () => number, lambda: number): number {
  if (lambda < 30) {
    const l = Math.exp(-lambda);
    let k = 0;
    let p = 1;
    do {
      k++;
      p *= r();
    } while (p > l);
    return k - 1;
  }
  return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * normal(r)));
}

type Noise = 'counts' | 'gaussian';
interface Event {
  type: 'spike' | 'shift' | 'drop';
  start: number;
  /** Index after the last bucket. */
  end: number;
}
interface Synthetic {
  series: SeriesPoint[];
  events: Event[];
}

function hourlyMean(noise: Noise, i: number): number {
  const h = i % 24;
  const d = Math.floor(i / 24) % 7;
  if (noise === 'counts') return 120 * (0.3 + 0.7 * Math.exp(-(((h - 13) / 4) ** 2))) * (d === 5 ? 0.55 : d === 6 ? 0.45 : 1);
  return 50 + 20 * Math.sin((2 * Math.PI * (h - 8)) / 24) - (d >= 5 ? 12 : 0);
}

function hourly(noise: Noise, seed: number, inject: boolean): Synthetic {
  const r = prng(seed);
  const n = 8 * 7 * 24;
  const sd = (i: number) => (noise === 'counts' ? Math.sqrt(hourlyMean(noise, i)) : 3);
  const factor = new Array<number>(n).fill(1);
  const add = new Array<number>(n).fill(0);
  const zero = new Array<boolean>(n).fill(false);
  const events: Event[] = [];
  const weekday = (d: number) => (d % 7 >= 5 ? d + (7 - (d % 7)) : d);
  if (inject) {
    const shifts = noise === 'counts' ? [1.7, 0.4, 1.7] : [1.3, 0.7, 1.3];
    const plan: Event['type'][] = ['spike', 'shift', 'spike', 'drop', 'spike', 'spike', 'shift', 'spike', 'drop', 'spike', 'spike', 'shift', 'spike'];
    let day = 15;
    let spikes = 0;
    for (const type of plan) {
      if (type === 'spike') {
        const down = spikes++ % 3 === 1;
        if (down) day = weekday(day);
        const i = day * 24 + (down ? 10 + Math.floor(r() * 7) : Math.floor(r() * 24));
        add[i] = (down ? -8 : 8) * sd(i);
        events.push({ type, start: i, end: i + 1 });
        day += 2;
      } else {
        day = weekday(day);
        const i = day * 24 + 9 + Math.floor(r() * 6);
        const len = type === 'shift' ? 30 : 6;
        const f = type === 'shift' ? shifts[events.filter((e) => e.type === 'shift').length]! : 0;
        for (let j = i; j < i + len; j++) {
          factor[j] = f;
          if (type === 'drop') zero[j] = true;
        }
        events.push({ type, start: i, end: i + len });
        day += type === 'shift' ? 3 : 2;
      }
    }
  }
  const series = Array.from({ length: n }, (_, i) => {
    const mu = hourlyMean(noise, i) * factor[i]!;
    let v = noise === 'counts' ? poisson(r, mu) : mu + 3 * normal(r);
    if (add[i]) v = Math.max(0, v + add[i]!);
    if (zero[i]) v = 0;
    return { t: MONDAY + i * HOUR, value: v };
  });
  return { series, events };
}

function daily(seed: number, inject: boolean): Synthetic {
  const r = prng(seed);
  const n = 20 * 7;
  const weekdays = [1, 1.05, 1, 0.95, 0.9, 0.5, 0.4];
  const mean = (i: number) => 400 * weekdays[i % 7]! * (1 + 0.002 * i);
  const factor = new Array<number>(n).fill(1);
  const add = new Array<number>(n).fill(0);
  const events: Event[] = [];
  if (inject) {
    const plan: Event['type'][] = ['spike', 'drop', 'spike', 'shift', 'spike', 'spike', 'drop', 'spike', 'shift', 'spike'];
    let day = 16;
    let spikes = 0;
    let shifts = 0;
    for (const type of plan) {
      const i = day + Math.floor(r() * 3);
      if (type === 'spike') {
        add[i] = (spikes++ % 3 === 1 ? -8 : 8) * Math.sqrt(mean(i));
        events.push({ type, start: i, end: i + 1 });
        day = i + 6;
      } else {
        const len = type === 'shift' ? 10 : 2;
        const f = type === 'shift' ? [1.6, 0.5][shifts++]! : 0;
        for (let j = i; j < i + len; j++) factor[j] = f;
        events.push({ type, start: i, end: i + len });
        day = i + len + 8;
      }
    }
  }
  const series = Array.from({ length: n }, (_, i) => {
    let v = poisson(r, mean(i) * factor[i]!);
    if (add[i]) v = Math.max(0, v + add[i]!);
    return { t: MONDAY + i * DAY, value: v };
  });
  return { series, events };
}

interface Score {
  hits: number;
  events: number;
  inWindow: number;
  flagged: number;
}
function score(points: readonly AnomalyPoint[], events: readonly Event[], after: number): Score {
  let hits = 0;
  for (const e of events) if (points.slice(e.start, e.start + (e.type === 'spike' ? 1 : 3)).some((p) => p.anomaly)) hits++;
  let inWindow = 0;
  let flagged = 0;
  points.forEach((p, i) => {
    if (!p.anomaly) return;
    flagged++;
    if (events.some((e) => i >= e.start && i < (e.type === 'spike' ? e.end : e.end + after))) inWindow++;
  });
  return { hits, events: events.length, inWindow, flagged };
}
function add(a: Score, b: Score): Score {
  return { hits: a.hits + b.hits, events: a.events + b.events, inWindow: a.inWindow + b.inWindow, flagged: a.flagged + b.flagged };
}
const ZERO: Score = { hits: 0, events: 0, inWindow: 0, flagged: 0 };
const recall = (s: Score) => s.hits / s.events;
const precision = (s: Score) => s.inWindow / s.flagged;

const SEEDS = [1, 2, 3];
const kindOf = (noise: Noise): SeasonalOptions['kind'] => (noise === 'counts' ? 'count' : 'value');

test('hourly buckets, 8 weeks, daily and weekly patterns: injected spikes, shifts and drops to zero are found', () => {
  const started = Date.now();
  let total = ZERO;
  for (const noise of ['counts', 'gaussian'] as const) {
    let sum = ZERO;
    for (const seed of SEEDS) {
      const { series, events } = hourly(noise, seed, true);
      const points = seasonalAnomalies(series, { bucketMs: HOUR, kind: kindOf(noise) });
      assert.equal(points.length, series.length);
      assert.equal(seasonalityFor(series, { bucketMs: HOUR }), 'hour_of_week');
      sum = add(sum, score(points, events, 24));
    }
    console.log(`hourly ${noise}: recall ${recall(sum).toFixed(3)} (${sum.hits}/${sum.events}), precision ${precision(sum).toFixed(3)} (${sum.inWindow}/${sum.flagged} flagged points)`);
    assert.ok(recall(sum) >= 0.9, `${noise} recall ${recall(sum)}`);
    assert.ok(precision(sum) >= 0.9, `${noise} precision ${precision(sum)}`);
    total = add(total, sum);
  }
  console.log(`hourly, all: recall ${recall(total).toFixed(3)}, precision ${precision(total).toFixed(3)} (${Date.now() - started} ms)`);
});

test('hourly buckets: at most 1 false alarm on a clean 8-week seasonal series', () => {
  for (const noise of ['counts', 'gaussian'] as const) {
    const alarms = SEEDS.map((seed) => seasonalAnomalies(hourly(noise, seed + 100, false).series, { bucketMs: HOUR, kind: kindOf(noise) }).filter((p) => p.anomaly).length);
    console.log(`hourly ${noise}, clean: false alarms per series ${alarms.join(', ')} (of ${6 * 168} judged points each)`);
    for (const a of alarms) assert.ok(a <= 1, `${noise}: ${alarms.join(', ')}`);
  }
});

test('daily buckets with day-of-week seasonality: injected anomalies found, clean series quiet', () => {
  let sum = ZERO;
  const alarms: number[] = [];
  for (const seed of SEEDS) {
    const { series, events } = daily(seed, true);
    const points = seasonalAnomalies(series, { bucketMs: DAY, kind: 'count' });
    assert.equal(seasonalityFor(series, { bucketMs: DAY }), 'day_of_week');
    assert.ok(points.slice(0, 14).every((p) => p.suppressed === 'warming_up'));
    sum = add(sum, score(points, events, 7));
    alarms.push(seasonalAnomalies(daily(seed + 100, false).series, { bucketMs: DAY, kind: 'count' }).filter((p) => p.anomaly).length);
  }
  console.log(`daily counts: recall ${recall(sum).toFixed(3)} (${sum.hits}/${sum.events}), precision ${precision(sum).toFixed(3)} (${sum.inWindow}/${sum.flagged}); clean false alarms ${alarms.join(', ')} (of ${18 * 7} judged days each)`);
  assert.ok(recall(sum) >= 0.9, `recall ${recall(sum)}`);
  assert.ok(precision(sum) >= 0.9, `precision ${precision(sum)}`);
  for (const a of alarms) assert.ok(a <= 1, `clean: ${alarms.join(', ')}`);
});

test('sensitivity: high flags more than medium, medium more than low, on the same series', () => {
  const { series, events } = hourly('gaussian', 7, true);
  const clean = hourly('gaussian', 107, false).series;
  const counts = (['low', 'medium', 'high'] as const).map((sensitivity) => {
    const s = score(seasonalAnomalies(series, { bucketMs: HOUR, sensitivity }), events, 24);
    const alarms = seasonalAnomalies(clean, { bucketMs: HOUR, sensitivity }).filter((p) => p.anomaly).length;
    console.log(`sensitivity ${sensitivity}: ${s.flagged} flagged, recall ${recall(s).toFixed(3)}, precision ${precision(s).toFixed(3)}; clean series ${alarms} false alarms`);
    return { flagged: s.flagged, recall: recall(s), alarms };
  });
  assert.ok(counts[2]!.flagged > counts[1]!.flagged && counts[1]!.flagged > counts[0]!.flagged);
  assert.ok(counts[2]!.recall >= counts[0]!.recall);
  assert.ok(counts[2]!.alarms >= counts[0]!.alarms);
});

test('direction: above ignores drops, below ignores spikes', () => {
  const { series, events } = hourly('counts', 4, true);
  const both = seasonalAnomalies(series, { bucketMs: HOUR, kind: 'count' });
  const above = seasonalAnomalies(series, { bucketMs: HOUR, kind: 'count', direction: 'above' });
  const below = seasonalAnomalies(series, { bucketMs: HOUR, kind: 'count', direction: 'below' });
  both.forEach((p, i) => {
    assert.equal(above[i]!.anomaly, p.anomaly && p.score! > 0);
    assert.equal(below[i]!.anomaly, p.anomaly && p.score! < 0);
    // the baseline is the same: direction only filters
    assert.equal(above[i]!.expected, p.expected);
  });
  for (const e of events.filter((e) => e.type === 'drop')) {
    assert.ok(below[e.start]!.anomaly);
    assert.ok(!above[e.start]!.anomaly);
  }
});

test('minimum volume: an hourly failure rate on a handful of executions does not fire', () => {
  // executions per hour: a few at night, ~90 by day on weekdays; 5 % fail; at noon on day 38 (a
  // Thursday), 30 % fail
  const r = prng(21);
  const spikeAt = 38 * 24 + 12;
  const series: SeriesPoint[] = Array.from({ length: 6 * 7 * 24 }, (_, i) => {
    const volume = poisson(r, hourlyMean('counts', i) - 33);
    const p = i === spikeAt ? 0.3 : 0.05;
    let failed = 0;
    for (let k = 0; k < volume; k++) if (r() < p) failed++;
    return { t: MONDAY + i * HOUR, value: volume ? failed / volume : null, volume };
  });
  // a small night: 2 of 3 executions failed
  const night = 41 * 24 + 3;
  series[night] = { t: series[night]!.t, value: 2 / 3, volume: 3 };
  const points = seasonalAnomalies(series, { bucketMs: HOUR, kind: 'proportion', minVolume: 20 });
  assert.equal(points[night]!.suppressed, 'low_volume');
  assert.equal(points[night]!.anomaly, false);
  assert.equal(points[spikeAt]!.anomaly, true, `failure-rate spike: score ${points[spikeAt]!.score}`);
  const lowVolume = points.filter((p, i) => series[i]!.volume! < 20);
  assert.ok(lowVolume.length > 100);
  assert.ok(lowVolume.every((p) => !p.anomaly && (p.suppressed === 'low_volume' || p.suppressed === 'warming_up' || p.suppressed === 'no_data')));
  const alarms = points.filter((p, i) => p.anomaly && i !== spikeAt).length;
  assert.ok(alarms <= 1, `${alarms} false alarms`);
  // the band of a rate stays in [0, 1]
  assert.ok(points.every((p) => p.lower === null || (p.lower >= 0 && p.upper! <= 1)));
});

test('suppressed points: no data and warming up are never anomalies', () => {
  const { series } = hourly('gaussian', 5, false);
  series[3 * 168 + 2] = { t: series[3 * 168 + 2]!.t, value: null };
  series[10] = { t: series[10]!.t, value: 1e6 };
  const points = seasonalAnomalies(series, { bucketMs: HOUR, sensitivity: 'high' });
  assert.equal(points[3 * 168 + 2]!.suppressed, 'no_data');
  assert.equal(points[3 * 168 + 2]!.anomaly, false);
  assert.equal(points[10]!.suppressed, 'warming_up');
  assert.equal(points[10]!.anomaly, false);
  assert.equal(points[10]!.expected, null);
  assert.equal(points[2 * 168]!.suppressed, undefined);
  assert.throws(() => seasonalAnomalies(series, { bucketMs: HOUR, sensitivity: 'extreme' as never }), RangeError);
});

test('seasonalVerdict: the latest point, with a reason', () => {
  const { series } = hourly('counts', 6, false);
  const last = series.length - 1;
  const silent = series.map((p, i) => (i === last ? { ...p, value: 0 } : p));
  const v = seasonalVerdict(silent, { bucketMs: HOUR, kind: 'count', label: 'executions' });
  assert.equal(v.breached, true);
  assert.equal(v.value, 0);
  assert.ok(v.score! < -3.5);
  assert.match(v.reason, /^executions 0 is below the usual range [\d.]+ to [\d.]+ \(expected [\d.]+, robust z -[\d.]+\)$/);

  const normalDay = seasonalVerdict(series, { bucketMs: HOUR, kind: 'count', label: 'executions' });
  assert.equal(normalDay.breached, false);
  assert.match(normalDay.reason, /^executions \d+ is within the usual range/);

  const onlyAbove = seasonalVerdict(silent, { bucketMs: HOUR, kind: 'count', label: 'executions', direction: 'above' });
  assert.equal(onlyAbove.breached, false);
  assert.match(onlyAbove.reason, /outside the usual range .* but not in the watched direction/);

  const early = seasonalVerdict(series.slice(0, 20), { bucketMs: HOUR, label: 'executions' });
  assert.equal(early.breached, false);
  assert.match(early.reason, /not enough history yet/);
  assert.equal(seasonalVerdict([], { bucketMs: HOUR }).reason, 'no data for value');
});
