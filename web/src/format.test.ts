import assert from 'node:assert/strict';
import { test } from 'node:test';
import { changePercent, changeTone, formatChange, formatCompact, formatCount, formatDuration, formatHours, formatPercent, formatUsd } from './format.js';

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
