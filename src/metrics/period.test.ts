/** Period arithmetic: local days to UTC instants, DST, half-hour offsets, buckets, previous period. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buckets, offsetMs, parsePeriod, previousPeriod, rfc3339InZone, startOfLocalDay } from './period.js';

test('local midnight in UTC, New York (EDT and EST) and Kolkata', () => {
  assert.equal(startOfLocalDay('2026-11-01', 'UTC').toISOString(), '2026-11-01T00:00:00.000Z');
  assert.equal(startOfLocalDay('2026-11-01', 'America/New_York').toISOString(), '2026-11-01T04:00:00.000Z');
  assert.equal(startOfLocalDay('2026-11-02', 'America/New_York').toISOString(), '2026-11-02T05:00:00.000Z');
  assert.equal(startOfLocalDay('2026-03-08', 'America/New_York').toISOString(), '2026-03-08T05:00:00.000Z');
  assert.equal(startOfLocalDay('2026-03-09', 'America/New_York').toISOString(), '2026-03-09T04:00:00.000Z');
  assert.equal(startOfLocalDay('2026-03-02', 'Asia/Kolkata').toISOString(), '2026-03-01T18:30:00.000Z');
  assert.equal(offsetMs(Date.parse('2026-03-02T00:00:00Z'), 'Asia/Kolkata'), 19_800_000);
});

test('daily buckets know their length: 25 hours on 2026-11-01 and 23 on 2026-03-08 in New York', () => {
  const fall = parsePeriod({ start_date: '2026-10-31', end_date: '2026-11-02', timezone: 'America/New_York' });
  assert.deepEqual(buckets(fall).map((b) => [b.date, b.hours]), [['2026-10-31', 24], ['2026-11-01', 25], ['2026-11-02', 24]]);
  const spring = parsePeriod({ start_date: '2026-03-08', end_date: '2026-03-08', timezone: 'America/New_York', granularity: 'hourly' });
  assert.equal(buckets(spring).length, 23);
  assert.equal(buckets(spring)[2]!.date, '2026-03-08T03:00:00-04:00'); // 02:00 does not exist
});

test('weekly buckets start on the Monday, monthly on the 1st', () => {
  const w = parsePeriod({ start_date: '2026-11-04', end_date: '2026-11-17', granularity: 'weekly' });
  assert.deepEqual(buckets(w).map((b) => b.date), ['2026-11-02', '2026-11-09', '2026-11-16']);
  const m = parsePeriod({ start_date: '2026-01-31', end_date: '2026-03-01', granularity: 'monthly' });
  assert.deepEqual(buckets(m).map((b) => [b.date, b.hours]), [['2026-01-01', 744], ['2026-02-01', 672], ['2026-03-01', 744]]);
});

test('ranges end today in the timezone; the previous period is as long and just before', () => {
  const now = new Date('2026-11-23T23:30:00Z'); // already the 24th in Kolkata
  const p = parsePeriod({ range: 'last_7_days', timezone: 'Asia/Kolkata' }, now);
  assert.deepEqual([p.startDate, p.endDate, p.days], ['2026-11-18', '2026-11-24', 7]);
  const prev = previousPeriod(p);
  assert.deepEqual([prev.startDate, prev.endDate, prev.days], ['2026-11-11', '2026-11-17', 7]);
  assert.equal(parsePeriod({ range: 'today' }, now).startDate, '2026-11-23');
});

test('RFC 3339 with the offset of the instant', () => {
  assert.equal(rfc3339InZone(Date.parse('2026-11-01T05:30:00Z'), 'America/New_York'), '2026-11-01T01:30:00-04:00');
  assert.equal(rfc3339InZone(Date.parse('2026-11-01T06:30:00Z'), 'America/New_York'), '2026-11-01T01:30:00-05:00');
  assert.equal(rfc3339InZone(Date.parse('2026-03-01T18:30:00Z'), 'Asia/Kolkata'), '2026-03-02T00:00:00+05:30');
});
