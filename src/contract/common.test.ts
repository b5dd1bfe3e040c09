/** The contract's pure helpers; the dashboard's copy of changePercent (it imports the contract as types only) agrees with it. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { changePercent as dashboardChangePercent } from '../../web/src/format.js';
import { changePercent } from './common.js';

test('changePercent: 2 decimals, against the absolute base; null without a base', () => {
  assert.equal(changePercent(150, 100), 50);
  assert.equal(changePercent(1, 3), -66.67);
  assert.equal(changePercent(-1, -2), 50);
  assert.equal(changePercent(1, 0), null);
  assert.equal(changePercent(null, 2), null);
  assert.equal(changePercent(2, null), null);
});

test("the dashboard's changePercent is the contract's", () => {
  const values = [null, 0, 1, -1, 0.5, 3, 7, -2.25, 12.345, 100, 1234.56, 1e-9, 1e9];
  for (const now of values) for (const before of values) assert.equal(dashboardChangePercent(now, before), changePercent(now, before), `${now} vs ${before}`);
});
