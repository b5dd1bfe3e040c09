/** The one formatting module: every expectation below is written out by hand. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  changePercent, changesJudged, changeTone, describeChange, formatAgo, formatAmount, formatBucket, formatBucketDate, formatChange, formatCompact, formatCount, formatCountOf, formatDays,
  formatDifference, formatDuration, formatElapsed, formatHours, formatInstant, formatInstantSeconds, formatInterval, formatMetricValue, formatMilliseconds, formatP,
  formatPercent, formatProbability, formatPValue, formatRange, formatRoi, formatShare, formatUsd, toneOf, verdictText, verdictTone,
} from './index.js';

test("counts use the locale's grouping", () => {
  assert.equal(formatCount(1234567, 'en-US'), '1,234,567');
  assert.equal(formatCount(1234567, 'de-DE'), '1.234.567');
  assert.equal(formatCount(0, 'en-US'), '0');
  assert.equal(formatCount(-3, 'en-US'), '−3');
  assert.equal(formatCount(null, 'en-US'), '—');
  assert.equal(formatCompact(1_234_567, 'en-US'), '1.2M');
});

test('percentages come in percent and keep one decimal', () => {
  assert.equal(formatPercent(39.17, 'en-US'), '39.2%');
  assert.equal(formatPercent(100, 'en-US'), '100.0%');
  assert.equal(formatPercent(0, 'en-US'), '0.0%');
  assert.equal(formatPercent(12.5, 'de-DE'), '12,5\u00a0%');
  assert.equal(formatPercent(null), '—');
});

test('money: one precision per magnitude', () => {
  const rows: [number, string][] = [
    [0, '$0.00'],
    [0.0035, '$0.0035'], // under a cent: two significant digits
    [0.00012345, '$0.00012'],
    [0.853, '$0.85'], // under $1,000: cents
    [0.3898, '$0.39'],
    [0.5, '$0.50'],
    [12.4, '$12.40'],
    [999.99, '$999.99'],
    [999.996, '$1,000'], // rounds to a thousand: whole dollars
    [1234.5, '$1,235'], // under $1M: whole dollars (1234.5 rounds half away from zero)
    [6003.09, '$6,003'],
    [1_234_567, '$1.2M'], // from $1M: compact
    [-1.2, '−$1.20'],
  ];
  for (const [n, text] of rows) assert.equal(formatUsd(n, 'en-US'), text, String(n));
  assert.equal(formatUsd(1234.5, 'de-DE'), '1.235\u00a0$');
  assert.equal(formatUsd(null), '—');
});

test('durations: one adaptive style, the two largest units, rounded to the smaller one', () => {
  const rows: [number, string][] = [
    [0.85, '850 ms'],
    [1.5, '1.5 s'],
    [42, '42 s'],
    [59.97, '1 min'], // 59.97 s rounds to 60.0 s
    [180, '3 min'],
    [200, '3 min 20 s'],
    [3599.6, '1 h'], // rounds to 3,600 s
    [7_560, '2 h 6 min'],
    [47.4 * 3600, '1 d 23 h'], // 47.4 h: 1 day and 23.4 h → 23 h
    [86_451.8, '1 d'], // the PDF's "Wait 1 day, 86451.8 s": 24.01 h → 24 h
    [96 * 3600, '4 d'],
  ];
  for (const [s, text] of rows) assert.equal(formatDuration(s, 'en-US'), text, String(s));
  assert.equal(formatDuration(-90, 'en-US'), '−1 min 30 s');
  assert.equal(formatHours(24.78, 'en-US'), '1 d 1 h'); // 24.78 h → 25 h
  assert.equal(formatHours(100, 'en-US'), '4 d 4 h');
  assert.equal(formatMilliseconds(42_000, 'en-US'), '42 s');
  assert.equal(formatDuration(null), '—');
});

test('metric values in the catalog unit', () => {
  assert.equal(formatMetricValue(75, 'percent', 'en-US'), '75.0%');
  assert.equal(formatMetricValue(2.5, 'hours', 'en-US'), '2 h 30 min');
  assert.equal(formatMetricValue(850, 'milliseconds', 'en-US'), '850 ms');
  assert.equal(formatMetricValue(200, 'seconds', 'en-US'), '3 min 20 s');
  assert.equal(formatMetricValue(0.25, 'usd', 'en-US'), '$0.25');
  assert.equal(formatMetricValue(12, 'executions', 'en-US'), '12');
  assert.equal(formatMetricValue(1234.567, undefined, 'en-US'), '1,234.57');
  assert.equal(formatMetricValue(null, 'percent', 'en-US'), '—');
});

test('differences are signed in the unit: points, durations, money, counts', () => {
  assert.equal(formatDifference(25, 'percent', 'en-US'), '+25.0 pp');
  assert.equal(formatDifference(-2.345, 'percent', 'en-US'), '−2.3 pp');
  assert.equal(formatDifference(0, 'percent', 'en-US'), '0.0 pp');
  assert.equal(formatDifference(-0.5, 'hours', 'en-US'), '−30 min');
  assert.equal(formatDifference(1.5, 'hours', 'en-US'), '+1 h 30 min');
  assert.equal(formatDifference(0, 'hours', 'en-US'), '0 ms');
  assert.equal(formatDifference(-1500, 'milliseconds', 'en-US'), '−1.5 s');
  assert.equal(formatDifference(0.0012, 'usd', 'en-US'), '+$0.0012');
  assert.equal(formatDifference(-1.2, 'usd', 'en-US'), '−$1.20');
  assert.equal(formatDifference(183, 'executions', 'en-US'), '+183');
  assert.equal(formatDifference(-3, undefined, 'en-US'), '−3');
  assert.equal(formatDifference(null, 'percent'), '—');
  assert.equal(formatDifference(1.25, 'percent', 'de-DE'), '+1,3 pp');
});

test('amounts, ranges low–high and signed intervals', () => {
  assert.equal(formatAmount(0.05234, 'percent', 'en-US'), '0.052 pp');
  assert.equal(formatAmount(2.345, 'percent', 'en-US'), '2.35 pp');
  assert.equal(formatAmount(0.5, 'hours', 'en-US'), '30 min');
  assert.equal(formatAmount(0.0012, 'usd', 'en-US'), '$0.0012');
  // the forecast's 95% interval: its ends, not its width (0.6791 + 1.3078 − 0.6791 …)
  assert.equal(formatRange(0.6791, 1.9865, 'usd', 'en-US'), '$0.68–$1.99');
  assert.equal(formatRange(2.14, 5.9, 'percent', 'en-US'), '2.1%–5.9%');
  assert.equal(formatRange(null, 5, 'percent', 'en-US'), '—');
  assert.equal(formatInterval([-17.434465, 67.434465], 'percent', 'en-US'), '−17.4 to +67.4 pp');
  assert.equal(formatInterval([-1.2, 0.5], 'hours', 'en-US'), '−1 h 12 min to +30 min');
  assert.equal(formatInterval([0.01, 0.02], 'usd', 'en-US'), '+$0.01 to +$0.02');
  assert.equal(formatInterval(null, 'percent'), '—');
});

test('ROI: whole percent up to 1,000%, a multiple of the cost above', () => {
  assert.equal(formatRoi(245.4, 'en-US'), '+245%');
  assert.equal(formatRoi(-40, 'en-US'), '−40%');
  assert.equal(formatRoi(1000, 'en-US'), '+1,000%');
  // 1,149,942.6% = value 11,500.426 times the cost ((r / 100) + 1)
  assert.equal(formatRoi(1_149_942.6, 'en-US'), '11,500× cost');
  assert.equal(formatRoi(1500, 'en-US'), '16× cost');
  assert.equal(formatRoi(2345, 'en-US'), '24.5× cost');
  assert.equal(formatRoi(null, 'en-US'), '—');
});

test('changes: percent, a real minus, tones by the better direction', () => {
  assert.equal(formatChange(12.5, 'en-US'), '+12.5%');
  assert.equal(formatChange(-9.41, 'en-US'), '−9.4%');
  assert.equal(formatChange(null, 'en-US'), '—');
  assert.equal(changePercent(150, 100), 50);
  assert.equal(changePercent(1, 3), -66.67);
  assert.equal(changePercent(1, 0), null);
  assert.equal(toneOf(5, 'higher'), 'up');
  assert.equal(toneOf(5, 'lower'), 'down');
  assert.equal(toneOf(-5, 'lower'), 'up');
  assert.equal(toneOf(5, 'neither'), 'flat');
  assert.equal(toneOf(0, 'higher'), 'flat');
  assert.equal(changeTone(-5, false), 'up');
});

test('changes with context: points for rates, no percentage on a tiny base, "so far" while the period runs', () => {
  const d = (now: number | null, before: number | null, unit: string, better: string, complete?: boolean) => {
    const c = describeChange({ now, before, unit, better, complete }, 'en-US');
    return [c.text, c.tone, c.previous, c.kind];
  };
  // a rate: 12.0% → 15.5% is +3.5 points; a failure rate going up is bad news
  assert.deepEqual(d(15.5, 12, 'percent', 'lower'), ['+3.5 pp', 'down', '12.0%', 'points']);
  assert.deepEqual(d(40, 42.25, 'percent', 'higher'), ['−2.3 pp', 'down', '42.3%', 'points']);
  // a count on a base of 20 or more: relative; 25 → 30 is +20%
  assert.deepEqual(d(30, 25, 'executions', 'higher'), ['+20.0%', 'up', '25', 'percent']);
  // under 20: the difference in counts (not +18,300%)
  assert.deepEqual(d(184, 1, 'executions', 'higher'), ['+183', 'up', '1', 'difference']);
  assert.deepEqual(d(12, 0, 'executions', 'higher'), ['new', 'up', '0', 'new']);
  assert.deepEqual(d(12, 12, 'executions', 'higher'), ['no change', 'flat', '12', 'unchanged']);
  // money: relative unless beyond ±1,000%; $0.10 → $12.50 is +12,400%: the difference
  assert.deepEqual(d(2.5, 2, 'usd', 'lower'), ['+25.0%', 'down', '$2.00', 'percent']);
  assert.deepEqual(d(12.5, 0.1, 'usd', 'lower'), ['+$12.40', 'down', '$0.10', 'difference']);
  assert.deepEqual(d(3, 2, 'hours', 'lower'), ['+50.0%', 'down', '2 h', 'percent']);
  // Today at 09:00: completed 0 against 41 is not −100%: it is so far, uncoloured, with the previous value
  assert.deepEqual(d(0, 41, 'executions', 'higher', false), ['so far', 'flat', '41', 'in_progress']);
  assert.deepEqual(d(null, 0.08, 'hours', 'lower', false), ['so far', 'flat', '4 min 48 s', 'in_progress']);
  assert.deepEqual(d(null, 41, 'executions', 'higher'), ['—', 'flat', '41', 'none']);
  assert.deepEqual(d(5, null, 'executions', 'higher', false), ['—', 'flat', '—', 'none']);
});

test('dates one way: axes, tooltips and tables', () => {
  assert.equal(formatBucketDate('2026-03-02', 'en-US'), 'Mar 2');
  assert.equal(formatBucketDate('2026-03-02', 'en-US', { long: true }), 'Mar 2, 2026');
  assert.equal(formatBucketDate('2026-03-01', 'en-US', { monthly: true }), 'Mar 2026');
  // an hourly bucket reads on its own wall clock (the period's offset): 10:00 in Kolkata stays 10:00
  assert.equal(formatBucketDate('2026-03-02T10:00:00+05:30', 'en-US'), 'Mar 2, 10:00');
  assert.equal(formatBucketDate('2026-03-02', 'de-DE'), '2. März');
  assert.equal(formatBucketDate('nope', 'en-US'), 'nope');
  const plain = (s: string) => s.replace(/\s/g, ' ');
  assert.equal(plain(formatInstant('2026-03-02T10:00:00Z', 'en-US', 'UTC')), 'Mar 2, 2026, 10:00 AM');
  assert.equal(plain(formatInstant('2026-03-02T10:00:00Z', 'en-US', 'Asia/Kolkata')), 'Mar 2, 2026, 3:30 PM');
  assert.equal(formatInstant(null), '—');
  assert.equal(formatInstantSeconds('2026-03-02T10:01:02Z', 'en-US', 'Asia/Kolkata'), 'Mar 2, 2026, 15:31:02');
  assert.equal(formatBucket('2026-03-02T10:00:00.000Z', 'hour', 'en-US', 'Asia/Kolkata'), 'Mar 2, 15:30');
  assert.equal(formatBucket('2026-03-02T00:00:00.000Z', 'day', 'en-US', 'America/New_York'), 'Mar 2');
  assert.equal(formatDays(3.456, 'en-US'), '3.5 days');
  assert.equal(formatDays(1, 'en-US'), '1 day');
});

test('how long ago and since the start', () => {
  const now = Date.parse('2026-03-02T12:00:00Z');
  assert.equal(formatAgo('2026-03-02T11:59:50Z', now, 'en-US'), 'now');
  assert.equal(formatAgo('2026-03-02T11:55:00Z', now, 'en-US'), '5 minutes ago');
  assert.equal(formatAgo('2026-03-01T12:00:00Z', now, 'en-US'), 'yesterday');
  assert.equal(formatAgo('2026-03-02T12:59:50Z', now, 'en-US'), 'in 1 hour');
  assert.equal(formatElapsed(0, 'en-US'), '+0 ms');
  assert.equal(formatElapsed(1500, 'en-US'), '+1.5 s');
  assert.equal(formatElapsed(7_560_000, 'en-US'), '+2 h 6 min');
});

test('statistics: p-values, probabilities, shares, counts with their noun, verdicts', () => {
  assert.equal(formatPValue(0.2850494, 'en-US'), '0.285');
  assert.equal(formatPValue(0.0006, 'en-US'), '< 0.001');
  assert.equal(formatP(0.2850494, 'en-US'), 'p = 0.285');
  assert.equal(formatP(null), 'p —');
  assert.equal(formatProbability(0.9995, 'en-US'), '> 99.9%');
  assert.equal(formatProbability(0.8734, 'en-US'), '87.3%');
  assert.equal(formatShare(0.5, 'en-US'), '50.0%');
  assert.equal(formatCountOf(1, 'execution', 'en-US'), '1 execution');
  assert.equal(formatCountOf(1204, 'execution', 'en-US'), '1,204 executions');
  assert.equal(verdictText('no_difference'), 'No difference');
  assert.deepEqual((['better', 'worse', 'no_difference', 'not_enough_data'] as const).map(verdictTone), ['up', 'down', 'flat', 'flat']);
});

test('changes are judged once the period is over, or on its last day when it spans a week or more', () => {
  const asOf = (d: string) => `${d}T09:00:00+00:00`;
  // Today: never while it runs
  assert.equal(changesJudged({ start_date: '2026-03-02', end_date: '2026-03-02', complete: false, as_of: asOf('2026-03-02') }), false);
  // last 7 days on their last day: the day still to come is a seventh of the period at most
  assert.equal(changesJudged({ start_date: '2026-02-24', end_date: '2026-03-02', complete: false, as_of: asOf('2026-03-02') }), true);
  // 6 days, or a period ending after today: not yet
  assert.equal(changesJudged({ start_date: '2026-02-25', end_date: '2026-03-02', complete: false, as_of: asOf('2026-03-02') }), false);
  assert.equal(changesJudged({ start_date: '2026-02-01', end_date: '2026-03-10', complete: false, as_of: asOf('2026-03-02') }), false);
  assert.equal(changesJudged({ start_date: '2026-03-01', end_date: '2026-03-01', complete: true }), true);
  // a platform page's period (no progress fields): by the local date given
  assert.equal(changesJudged({ start_date: '2026-03-02', end_date: '2026-03-02' }, '2026-03-02'), false);
  assert.equal(changesJudged({ start_date: '2026-03-01', end_date: '2026-03-01' }, '2026-03-02'), true);
  assert.equal(changesJudged({ start_date: '2026-03-01', end_date: '2026-03-01' }), true);
});
