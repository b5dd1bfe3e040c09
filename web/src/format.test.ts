import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatWindow } from './format.js';

// the shared formats are tested in src/format/format.test.ts; here what the dashboard adds

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
