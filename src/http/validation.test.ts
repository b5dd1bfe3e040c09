import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nonFinitePath } from './validation.js';

test('nonFinitePath finds the first number that is not finite, as a JSON pointer', () => {
  assert.equal(nonFinitePath({ a: 1, b: 'Infinity', c: [0, -0, 1e308] }), undefined);
  assert.equal(nonFinitePath({ horizon_days: Infinity }), '/horizon_days');
  assert.equal(nonFinitePath({ budgets: [{ monthly_usd: 5 }, { monthly_usd: -Infinity }] }), '/budgets/1/monthly_usd');
  assert.equal(nonFinitePath({ 'a/b': { '~': NaN } }), '/a~1b/~0');
  assert.equal(nonFinitePath(Infinity), '/');
  assert.equal(nonFinitePath(null), undefined);
});
