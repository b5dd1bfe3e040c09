/**
 * The result cache bounded by weight as well as by count (ResultCache with a Weight: the exact summary day states,
 * whose sizes differ a hundredfold between workflows): the least recently used entries go once the resolved values
 * weigh more than the bound, an entry just asked for is the most recent, a failed value weighs nothing.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResultCache } from './cache.js';

const weighed = () => new ResultCache(100, { max: 100, of: (v) => (v as { bytes: number }).bytes });
const value = (bytes: number) => Promise.resolve({ bytes });
const settle = () => new Promise((r) => setImmediate(r));

test('the least recently used go once the values weigh more than the bound', async () => {
  const c = weighed();
  await c.put('a', 1, value(40));
  await c.put('b', 1, value(40));
  assert.equal(c.weighed, 80);
  await c.put('c', 1, value(40));
  await settle();
  assert.equal(c.peek('a', 1), undefined, 'the oldest went');
  assert.ok(c.peek('b', 1) && c.peek('c', 1));
  assert.deepEqual([c.size, c.weighed], [2, 80]);
});

test('an entry asked for is the most recent; a value heavier than the bound stays alone; a failed one weighs nothing', async () => {
  const c = weighed();
  await c.put('a', 1, value(40));
  await c.put('b', 1, value(40));
  assert.ok(c.peek('a', 1));
  await c.put('c', 1, value(40));
  await settle();
  assert.equal(c.peek('b', 1), undefined, 'b was the least recently used');
  assert.ok(c.peek('a', 1));
  await c.put('big', 1, value(150));
  await settle();
  assert.deepEqual([c.size, c.weighed], [1, 150], 'every other entry went, the new one stays');
  await c.put('big', 1, value(10));
  await settle();
  assert.equal(c.weighed, 10, 'a replaced entry no longer weighs');
  await c.put('bad', 1, Promise.reject(new Error('no'))).catch(() => undefined);
  await settle();
  assert.deepEqual([c.size, c.weighed], [1, 10]);
});

test('settled: a value kept and resolved, not one still being computed, nor one of another generation', async () => {
  const c = new ResultCache();
  let resolve!: (v: number) => void;
  const pending = c.put('a', 1, new Promise<number>((r) => (resolve = r)));
  assert.equal(c.settled('a', 1), false, 'still being computed');
  resolve(3);
  await pending;
  assert.equal(c.settled('a', 1), true);
  assert.equal(c.settled('a', 2), false, 'another generation');
  assert.equal(c.settled('missing', 1), false);
});
