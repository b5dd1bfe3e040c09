import assert from 'node:assert/strict';
import { test } from 'node:test';
import { claimExpiry } from './monitor.js';

test('an alert claim is kept until 2 days after its month ends in UTC, and at least a day after it was made', () => {
  const at = (iso: string) => new Date(iso).getTime();
  // claimed during the month: kept until March 3rd (the month is over in every timezone by then)
  assert.equal(claimExpiry('2026-02', at('2026-02-10T00:00:00Z')), at('2026-03-03T00:00:00Z'));
  assert.equal(claimExpiry('2026-12', at('2026-12-31T23:00:00Z')), at('2027-01-03T00:00:00Z'));
  // claimed for a month long past (a check given an earlier time): a day from now
  assert.equal(claimExpiry('2026-03', at('2026-12-06T12:00:00Z')), at('2026-12-07T12:00:00Z'));
  // claimed at the very end of the month in UTC-12 (Feb 1st, 11:00 UTC): still covered
  assert.equal(claimExpiry('2026-01', at('2026-02-01T11:00:00Z')), at('2026-02-03T00:00:00Z'));
});
