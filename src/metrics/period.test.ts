/** Periods: buckets (DST days, weeks, months), ranges, the previous period. The calendar maths: src/time/calendar.test.ts. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buckets, parsePeriod, previousPeriod } from './period.js';

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
  // a year: 365 days up to today (2026-11-24 in Kolkata), across no leap day
  const year = parsePeriod({ range: 'last_365_days', timezone: 'Asia/Kolkata', granularity: 'weekly' }, now);
  assert.deepEqual([year.startDate, year.endDate, year.days], ['2025-11-25', '2026-11-24', 365]);
});

test('dates outside what the store holds are a 400 naming the field', () => {
  assert.throws(() => parsePeriod({ start_date: '1850-01-01', end_date: '1850-01-31' }), /start_date: 1850-01-01 is outside the dates the store holds/);
  assert.throws(() => parsePeriod({ start_date: '2400-01-01', end_date: '2400-01-02' }), /end_date: 2400-01-02 is outside/);
  assert.throws(() => parsePeriod({ start_date: '0000-00-00', end_date: '2026-01-01' }), /"0000-00-00" is not a date/);
  assert.equal(parsePeriod({ start_date: '1900-01-02', end_date: '1900-01-03' }).days, 2);
});

test('buckets refuses a period built by hand with more buckets than a request may get', () => {
  const huge = { startDate: '1900-01-01', endDate: '2099-12-31', timezone: 'UTC', from: new Date('1900-01-01T00:00:00Z'), to: new Date('2100-01-01T00:00:00Z'), days: 0 } as const;
  assert.equal(buckets({ ...huge, granularity: 'monthly' }).length, 200 * 12);
  assert.throws(() => buckets({ ...huge, granularity: 'daily' }), /at most 50000 buckets/);
  assert.throws(() => buckets({ ...huge, granularity: 'hourly' }), /at most 50000 buckets/);
  assert.throws(() => buckets({ ...huge, granularity: 'minute', to: new Date(NaN) }), /at most 50000 buckets/);
});
