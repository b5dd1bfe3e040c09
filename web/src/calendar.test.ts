/** The dashboard's copy of the calendar maths: the same cases as the server's (src/time/calendar.ts), DST included. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addDays, isLocalMidnight, localDate, nextMonth, offsetMs, startOfLocalDay } from './calendar.js';

test('local midnights are DST-correct', () => {
  assert.equal(new Date(startOfLocalDay('2026-03-02', 'UTC')).toISOString(), '2026-03-02T00:00:00.000Z');
  assert.equal(new Date(startOfLocalDay('2026-03-08', 'America/New_York')).toISOString(), '2026-03-08T05:00:00.000Z');
  assert.equal(new Date(startOfLocalDay('2026-03-09', 'America/New_York')).toISOString(), '2026-03-09T04:00:00.000Z');
  assert.equal(new Date(startOfLocalDay('2026-03-02', 'Asia/Kolkata')).toISOString(), '2026-03-01T18:30:00.000Z');
  // Santiago's clocks skip midnight on its DST day (2026-09-06): the day starts at 01:00 local
  assert.equal(new Date(startOfLocalDay('2026-09-06', 'America/Santiago')).toISOString(), '2026-09-06T04:00:00.000Z');
  assert.equal(offsetMs(Date.parse('2026-03-02T00:00:00Z'), 'Asia/Kolkata'), 19_800_000);
});

test('dates: days, months, the local date of an instant, midnights', () => {
  assert.equal(addDays('2026-02-27', 2), '2026-03-01');
  assert.equal(nextMonth('2026-12-15'), '2027-01-01');
  assert.equal(localDate(Date.parse('2026-03-02T20:00:00Z'), 'Asia/Kolkata'), '2026-03-03');
  assert.equal(isLocalMidnight(Date.parse('2026-03-08T05:00:00Z'), 'America/New_York'), true);
  assert.equal(isLocalMidnight(Date.parse('2026-03-08T00:00:00Z'), 'America/New_York'), false);
  assert.equal(isLocalMidnight(Date.parse('2026-09-06T04:00:00Z'), 'America/Santiago'), true);
});
