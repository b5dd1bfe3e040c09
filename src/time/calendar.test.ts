/** Calendar and timezone arithmetic: local days to UTC instants, DST, half-hour offsets, RFC 3339, date strings. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addDays, daysBetween, localDate, mondayOf, nextMonth, offsetMs, rfc3339InZone, startOfLocalDay, validDate } from './calendar.js';

test('local midnight in UTC, New York (EDT and EST) and Kolkata', () => {
  assert.equal(startOfLocalDay('2026-11-01', 'UTC').toISOString(), '2026-11-01T00:00:00.000Z');
  assert.equal(startOfLocalDay('2026-11-01', 'America/New_York').toISOString(), '2026-11-01T04:00:00.000Z');
  assert.equal(startOfLocalDay('2026-11-02', 'America/New_York').toISOString(), '2026-11-02T05:00:00.000Z');
  assert.equal(startOfLocalDay('2026-03-08', 'America/New_York').toISOString(), '2026-03-08T05:00:00.000Z');
  assert.equal(startOfLocalDay('2026-03-09', 'America/New_York').toISOString(), '2026-03-09T04:00:00.000Z');
  assert.equal(startOfLocalDay('2026-03-02', 'Asia/Kolkata').toISOString(), '2026-03-01T18:30:00.000Z');
  assert.equal(offsetMs(Date.parse('2026-03-02T00:00:00Z'), 'Asia/Kolkata'), 19_800_000);
});

test('RFC 3339 with the offset of the instant', () => {
  assert.equal(rfc3339InZone(Date.parse('2026-11-01T05:30:00Z'), 'America/New_York'), '2026-11-01T01:30:00-04:00');
  assert.equal(rfc3339InZone(Date.parse('2026-11-01T06:30:00Z'), 'America/New_York'), '2026-11-01T01:30:00-05:00');
  assert.equal(rfc3339InZone(Date.parse('2026-03-01T18:30:00Z'), 'Asia/Kolkata'), '2026-03-02T00:00:00+05:30');
});

test('date strings: adding days across months and leap years, days between, Mondays, next months, validity', () => {
  assert.equal(addDays('2028-02-28', 1), '2028-02-29');
  assert.equal(addDays('2026-03-01', -1), '2026-02-28');
  assert.equal(addDays('2026-12-31', 1), '2027-01-01');
  assert.equal(daysBetween('2026-01-01', '2026-12-31'), 364);
  assert.equal(daysBetween('2026-03-08', '2026-03-09'), 1, 'a DST day is one day');
  assert.equal(mondayOf('2026-12-06'), '2026-11-30', 'a Sunday belongs to the week of the Monday before');
  assert.equal(mondayOf('2026-11-30'), '2026-11-30');
  assert.equal(nextMonth('2026-12-15'), '2027-01-01');
  assert.equal(nextMonth('2026-01-31'), '2026-02-01');
  for (const good of ['2026-02-28', '2028-02-29', '1900-01-01', '9999-12-31']) assert.ok(validDate(good), good);
  for (const bad of ['0001-01-01', '2026-02-29', '2026-13-01', '2026-00-10', '2026-1-1', '20260101', '', '2026-02-30T00:00']) assert.ok(!validDate(bad), bad);
});

test('the local date of an instant: the day after in Kolkata, the day before in New York', () => {
  const t = new Date('2026-03-01T19:00:00Z');
  assert.equal(localDate(t, 'UTC'), '2026-03-01');
  assert.equal(localDate(t, 'Asia/Kolkata'), '2026-03-02');
  assert.equal(localDate(new Date('2026-03-02T03:00:00Z'), 'America/New_York'), '2026-03-01');
});

test('startOfLocalDay: where the clocks skip midnight, the day begins at the first instant after the skip', () => {
  // Santiago moves from UTC−4 to UTC−3 at 00:00 on 2026-09-06: that day begins at 01:00 local, 04:00Z
  assert.equal(startOfLocalDay('2026-09-06', 'America/Santiago').toISOString(), '2026-09-06T04:00:00.000Z');
  assert.equal(startOfLocalDay('2026-09-07', 'America/Santiago').toISOString(), '2026-09-07T03:00:00.000Z');
  // and back at 24:00 on 2026-04-04 (to 23:00 of the 4th): the 5th begins at 00:00 UTC−4, 04:00Z
  assert.equal(startOfLocalDay('2026-04-05', 'America/Santiago').toISOString(), '2026-04-05T04:00:00.000Z');
  // days whose change is not at midnight are unaffected
  assert.equal(startOfLocalDay('2026-03-08', 'America/New_York').toISOString(), '2026-03-08T05:00:00.000Z');
  assert.equal(startOfLocalDay('2026-03-29', 'Europe/Paris').toISOString(), '2026-03-28T23:00:00.000Z');
});
