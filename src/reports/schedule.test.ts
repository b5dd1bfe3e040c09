import assert from 'node:assert/strict';
import { test } from 'node:test';
import { coveredPeriod, lastOccurrence, localInstant } from './schedule.js';

test('local times become instants across DST (America/New_York ends DST on 2026-11-01)', () => {
  assert.equal(localInstant('2026-10-31', '08:00', 'America/New_York').toISOString(), '2026-10-31T12:00:00.000Z');
  assert.equal(localInstant('2026-11-02', '08:00', 'America/New_York').toISOString(), '2026-11-02T13:00:00.000Z');
  assert.equal(localInstant('2026-03-10', '09:30', 'Asia/Kolkata').toISOString(), '2026-03-10T04:00:00.000Z');
});

test('the last occurrence and the period it covers', () => {
  const daily = { frequency: 'daily' as const, time: '08:00', timezone: 'Europe/Paris' };
  // 2026-03-10 07:30 UTC = 08:30 Paris: today's 08:00 has passed
  assert.deepEqual(lastOccurrence(daily, new Date('2026-03-10T07:30:00Z')), { at: new Date('2026-03-10T07:00:00Z'), date: '2026-03-10' });
  // 06:30 UTC = 07:30 Paris: not yet, so yesterday's
  assert.equal(lastOccurrence(daily, new Date('2026-03-10T06:30:00Z')).date, '2026-03-09');
  assert.deepEqual(coveredPeriod(daily, '2026-03-10'), { start_date: '2026-03-09', end_date: '2026-03-09' });

  const weekly = { frequency: 'weekly' as const, time: '09:00', timezone: 'UTC', day_of_week: 1 };
  // Wednesday 2026-03-11: the last Monday is 2026-03-09
  assert.equal(lastOccurrence(weekly, new Date('2026-03-11T12:00:00Z')).date, '2026-03-09');
  assert.deepEqual(coveredPeriod(weekly, '2026-03-09'), { start_date: '2026-03-02', end_date: '2026-03-08' });

  const monthly = { frequency: 'monthly' as const, time: '07:00', timezone: 'UTC', day_of_month: 1 };
  assert.equal(lastOccurrence(monthly, new Date('2026-03-15T00:00:00Z')).date, '2026-03-01');
  assert.deepEqual(coveredPeriod(monthly, '2026-03-01'), { start_date: '2026-02-01', end_date: '2026-02-28' });
  assert.deepEqual(coveredPeriod(monthly, '2026-01-01'), { start_date: '2025-12-01', end_date: '2025-12-31' });
});
