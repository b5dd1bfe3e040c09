import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  changePercent, changeTone, formatChange, formatCompact, formatAmount, formatCount, formatDays, formatDifference, formatDuration, formatHours, formatInstant, formatInterval,
  formatMetricValue, formatP, formatPercent, formatProbability, formatPValue, formatShare, formatUsd, verdictText, verdictTone, formatAgo, formatBand, formatBucket,
  formatCountOf, formatElapsed, formatInstantSeconds, formatWindow,
} from './format.js';

test('counts use the locale\'s grouping', () => {
  assert.equal(formatCount(1234567, 'en-US'), '1,234,567');
  assert.equal(formatCount(1234567, 'de-DE'), '1.234.567');
  assert.equal(formatCount(0, 'en-US'), '0');
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

test('changes carry their sign, a real minus, and a dash when nothing compares', () => {
  assert.equal(formatChange(12.5, 'en-US'), '+12.5%');
  assert.equal(formatChange(-9.41, 'en-US'), '−9.4%');
  assert.equal(formatChange(0, 'en-US'), '0.0%');
  assert.equal(formatChange(null, 'en-US'), '—');
  assert.equal(changeTone(5, true), 'up');
  assert.equal(changeTone(5, false), 'down');
  assert.equal(changeTone(-5, false), 'up');
  assert.equal(changeTone(0, true), 'flat');
  assert.equal(changeTone(null, true), 'flat');
});

test('durations pick their unit', () => {
  assert.equal(formatDuration(0.85, 'en-US'), '850 ms');
  assert.equal(formatDuration(42, 'en-US'), '42 s');
  assert.equal(formatDuration(200, 'en-US'), '3 min 20 s');
  assert.equal(formatDuration(180, 'en-US'), '3 min');
  assert.equal(formatHours(24.78, 'en-US'), '24.8 h');
  assert.equal(formatHours(100, 'en-US'), '4.2 d');
  assert.equal(formatDuration(null), '—');
  assert.equal(formatUsd(6003.09, 'en-US'), '$6,003.09');
  assert.equal(formatUsd(0.0035, 'en-US'), '$0.0035');
  assert.equal(formatUsd(0.5, 'en-US'), '$0.50');
  assert.equal(formatUsd(0, 'en-US'), '$0.00');
  assert.equal(formatUsd(1234.5, 'de-DE'), '1.234,50\u00a0$');
});

test('changePercent: 2 decimals, null without a base', () => {
  assert.equal(changePercent(150, 100), 50);
  assert.equal(changePercent(1, 3), -66.67);
  assert.equal(changePercent(-1, -2), 50);
  assert.equal(changePercent(1, 0), null);
  assert.equal(changePercent(null, 2), null);
});

test('metric values in the catalog\'s unit: percent, hours, USD, else a plain number', () => {
  assert.equal(formatMetricValue(75, 'percent', 'en-US'), '75.0%');
  assert.equal(formatMetricValue(2.5, 'hours', 'en-US'), '2.5 h');
  assert.equal(formatMetricValue(0.25, 'usd', 'en-US'), '$0.25');
  assert.equal(formatMetricValue(1234.567, undefined, 'en-US'), '1,234.57');
  assert.equal(formatMetricValue(null, 'percent', 'en-US'), '—');
});

test('differences are signed: percentage points for rates, a duration, dollars', () => {
  assert.equal(formatDifference(25, 'percent', 'en-US'), '+25.0 pp');
  assert.equal(formatDifference(-2.345, 'percent', 'en-US'), '−2.3 pp');
  assert.equal(formatDifference(0, 'percent', 'en-US'), '0.0 pp');
  assert.equal(formatDifference(-0.5, 'hours', 'en-US'), '−30 min');
  assert.equal(formatDifference(1.5, 'hours', 'en-US'), '+1.5 h');
  assert.equal(formatDifference(0, 'hours', 'en-US'), '0 h');
  assert.equal(formatDifference(0.0012, 'usd', 'en-US'), '+$0.0012');
  assert.equal(formatDifference(-1.2, 'usd', 'en-US'), '−$1.20');
  assert.equal(formatDifference(-3, undefined, 'en-US'), '−3');
  assert.equal(formatDifference(null, 'percent'), '—');
  assert.equal(formatDifference(1.25, 'percent', 'de-DE'), '+1,3 pp');
});

test('amounts without sign (an expected loss): small ones keep two significant digits', () => {
  assert.equal(formatAmount(0.05234, 'percent', 'en-US'), '0.052 pp');
  assert.equal(formatAmount(2.345, 'percent', 'en-US'), '2.35 pp');
  assert.equal(formatAmount(0, 'percent', 'en-US'), '0 pp');
  assert.equal(formatAmount(0.5, 'hours', 'en-US'), '30 min');
  assert.equal(formatAmount(0.0012, 'usd', 'en-US'), '$0.0012');
  assert.equal(formatAmount(null, 'percent'), '—');
});

test('intervals sign both ends; a missing one is a dash', () => {
  assert.equal(formatInterval([-17.434465, 67.434465], 'percent', 'en-US'), '−17.4 to +67.4 pp');
  assert.equal(formatInterval([-1.2, 0.5], 'hours', 'en-US'), '−1.2 h to +30 min');
  assert.equal(formatInterval([0.01, 0.02], 'usd', 'en-US'), '+$0.01 to +$0.02');
  assert.equal(formatInterval(null, 'percent'), '—');
});

test('p-values keep three decimals and never show 0; probabilities never round to certainty', () => {
  assert.equal(formatPValue(0.2850494, 'en-US'), '0.285');
  assert.equal(formatPValue(1, 'en-US'), '1.000');
  assert.equal(formatPValue(0.0006, 'en-US'), '< 0.001');
  assert.equal(formatPValue(0.0472, 'de-DE'), '0,047');
  assert.equal(formatPValue(null), '—');
  assert.equal(formatP(0.2850494, 'en-US'), 'p = 0.285');
  assert.equal(formatP(0.00001, 'en-US'), 'p < 0.001');
  assert.equal(formatP(null), 'p —');
  assert.equal(formatProbability(0.9995, 'en-US'), '> 99.9%');
  assert.equal(formatProbability(0.00001, 'en-US'), '< 0.1%');
  assert.equal(formatProbability(0.8734, 'en-US'), '87.3%');
  assert.equal(formatShare(0.5, 'en-US'), '50.0%');
  assert.equal(formatShare(null, 'en-US'), '—');
});

test('instants in a timezone, days, verdicts', () => {
  // ICU versions differ in the space before AM/PM (U+202F or a plain one)
  const plain = (s: string) => s.replace(/\s/g, ' ');
  assert.equal(plain(formatInstant('2026-03-02T10:00:00Z', 'en-US', 'UTC')), 'Mar 2, 2026, 10:00 AM');
  assert.equal(plain(formatInstant('2026-03-02T10:00:00Z', 'en-US', 'Asia/Kolkata')), 'Mar 2, 2026, 3:30 PM');
  assert.equal(formatInstant(null), '—');
  assert.equal(formatInstant('not a date'), '—');
  assert.equal(formatDays(1, 'en-US'), '1 day');
  assert.equal(formatDays(3.456, 'en-US'), '3.5 days');
  assert.equal(verdictText('no_difference'), 'No difference');
  assert.deepEqual((['better', 'worse', 'no_difference', 'not_enough_data'] as const).map(verdictTone), ['up', 'down', 'flat', 'flat']);
});

test('durations in milliseconds and seconds read as durations', () => {
  assert.equal(formatMetricValue(850, 'milliseconds', 'en-US'), '850 ms');
  assert.equal(formatMetricValue(42_000, 'milliseconds', 'en-US'), '42 s');
  assert.equal(formatMetricValue(200, 'seconds', 'en-US'), '3 min 20 s');
  assert.equal(formatMetricValue(12, 'executions', 'en-US'), '12');
  assert.equal(formatDifference(-1500, 'milliseconds', 'en-US'), '−1.5 s');
  assert.equal(formatDifference(0, 'milliseconds', 'en-US'), '0 ms');
});

test('an expected range in the metric\'s unit', () => {
  assert.equal(formatBand(2.14, 5.9, 'percent', 'en-US'), '2.1% – 5.9%');
  assert.equal(formatBand(10, 25.5, 'executions', 'en-US'), '10 – 25.5');
  assert.equal(formatBand(null, 5, 'percent', 'en-US'), '—');
});

test('how long ago, in the largest whole unit', () => {
  const now = Date.parse('2026-03-02T12:00:00Z');
  assert.equal(formatAgo('2026-03-02T11:59:50Z', now, 'en-US'), 'now');
  assert.equal(formatAgo('2026-03-02T11:55:00Z', now, 'en-US'), '5 minutes ago');
  assert.equal(formatAgo('2026-03-02T09:00:00Z', now, 'en-US'), '3 hours ago');
  assert.equal(formatAgo('2026-03-01T12:00:00Z', now, 'en-US'), 'yesterday');
  assert.equal(formatAgo('2026-02-26T12:00:00Z', now, 'en-US'), '4 days ago');
  assert.equal(formatAgo('2026-03-02T12:10:00Z', now, 'en-US'), 'in 10 minutes');
  assert.equal(formatAgo('2026-03-02T12:59:50Z', now, 'en-US'), 'in 1 hour', 'not "in 60 minutes"');
  assert.equal(formatAgo('2026-03-01T12:20:00Z', now, 'en-US'), 'yesterday', 'not "24 hours ago"');
  assert.equal(formatAgo(null, now), '—');
});

test('bucket labels: hours in the page\'s timezone, days as their UTC date', () => {
  assert.equal(formatBucket('2026-03-02T10:00:00.000Z', 'hour', 'en-US', 'UTC'), 'Mar 2, 10:00');
  assert.equal(formatBucket('2026-03-02T10:00:00.000Z', 'hour', 'en-US', 'Asia/Kolkata'), 'Mar 2, 15:30');
  assert.equal(formatBucket('2026-03-02T00:00:00.000Z', 'day', 'en-US', 'America/New_York'), 'Mar 2');
  assert.equal(formatBucket('nope', 'day'), '—');
});

test('drill-down: counts with their noun, instants to the second, time since the start', () => {
  assert.equal(formatCountOf(1, 'execution', 'en-US'), '1 execution');
  assert.equal(formatCountOf(0, 'execution', 'en-US'), '0 executions');
  assert.equal(formatCountOf(1204, 'execution', 'en-US'), '1,204 executions');
  assert.equal(formatCountOf(2, 'entry', 'en-US', 'entries'), '2 entries');
  assert.equal(formatInstantSeconds('2026-03-02T10:01:02Z', 'en-US', 'UTC'), 'Mar 2, 2026, 10:01:02');
  assert.equal(formatInstantSeconds('2026-03-02T10:01:02Z', 'en-US', 'Asia/Kolkata'), 'Mar 2, 2026, 15:31:02');
  assert.equal(formatInstantSeconds(null), '—');
  assert.equal(formatElapsed(0, 'en-US'), '+0 ms');
  assert.equal(formatElapsed(1500, 'en-US'), '+1.5 s');
  assert.equal(formatElapsed(200_000, 'en-US'), '+3 min 20 s');
  assert.equal(formatElapsed(7_560_000, 'en-US'), '+2.1 h');
  assert.equal(formatElapsed(null), '—');
});

test('drill-down: an enrolment window reads as a day, a month, days, or instants, in the page\'s timezone', () => {
  const sp = (s: string) => s.replace(/[\u2009\u202f]/g, ' ');
  assert.equal(formatWindow('2026-03-02T00:00:00.000Z', '2026-03-03T00:00:00.000Z', 'en-US', 'UTC'), 'Mar 2, 2026');
  // New York's March 8 2026 has 23 hours (DST begins): still one day
  assert.equal(formatWindow('2026-03-08T05:00:00.000Z', '2026-03-09T04:00:00.000Z', 'en-US', 'America/New_York'), 'Mar 8, 2026');
  assert.equal(formatWindow('2026-03-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z', 'en-US', 'UTC'), 'March 2026');
  assert.equal(sp(formatWindow('2026-03-02T00:00:00.000Z', '2026-03-09T00:00:00.000Z', 'en-US', 'UTC')), 'Mar 2 – 8, 2026');
  assert.equal(sp(formatWindow('2026-03-02T10:00:00.000Z', '2026-03-02T11:00:00.000Z', 'en-US', 'UTC')), 'Mar 2, 2026, 10:00 – 11:00');
  // a UTC day read in Kolkata is not a local day: its instants
  assert.match(sp(formatWindow('2026-03-02T00:00:00.000Z', '2026-03-03T00:00:00.000Z', 'en-US', 'Asia/Kolkata')), /^Mar 2, 2026, 05:30 – Mar 3, 2026, 05:30$/);
  assert.equal(formatWindow('nope', '2026-03-03T00:00:00.000Z'), '—');
  assert.equal(formatWindow('2026-03-03T00:00:00.000Z', '2026-03-02T00:00:00.000Z'), '—');
});
