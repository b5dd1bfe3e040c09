/**
 * The in-process event-id index: its hash is the engine's (checked on many strings), it rules out only ids the
 * store cannot hold, and it stops ruling out anything when it could have missed an insert.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openTestStore, tempDir } from '../../test/helpers/store.js';
import type { Store } from '../store/store.js';
import { sipHash128Low64 } from './siphash.js';
import { slicesFor, StoredIdIndex } from './stored-ids.js';

let store: Store;
before(async () => {
  ({ store } = await openTestStore(tempDir()));
});
after(() => store.close());

const row = (account: string, id: string) => ({
  account_id: account, event_id: id, type: 'execution.started', workflow_id: 'w', execution_id: id, ts: '2026-03-01 10:00:00.000', received_at: '2026-03-01 10:00:00.000',
});

test("sipHash128Low64 is the low 64 bits of the engine's reinterpretAsUInt128(sipHash128(s)), for every length and script", async () => {
  const samples = ['', 'a', 'ab', 'abcdefg', 'abcdefgh', 'abcdefghi', 'evt-1', 's0-b12-e34-1', 'käse-🙂', 'Ωmega', '日本語のイベント', 'x'.repeat(255), 'y'.repeat(256), 'z'.repeat(1500)];
  for (let i = 0; i < 200; i++) samples.push(`${Math.random().toString(36).slice(2)}-${i}-${'é'.repeat(i % 7)}`);
  const rows = await store.query<{ s: string; lo: number; hi: number }>(
    `SELECT s, toUInt32(bitAnd(h, 4294967295)) AS lo, toUInt32(bitAnd(bitShiftRight(h, 32), 4294967295)) AS hi
     FROM (SELECT s, reinterpretAsUInt128(sipHash128(s)) AS h FROM (SELECT arrayJoin({ss:Array(String)}) AS s))`,
    { ss: samples },
  );
  assert.equal(rows.length, samples.length);
  for (const r of rows) assert.deepEqual(sipHash128Low64(r.s), [Number(r.lo), Number(r.hi)], JSON.stringify(r.s.slice(0, 40)));
});

test('loaded from the store and told of later inserts, it rules out exactly the ids no account stored', async () => {
  await store.insert('events', [row('acc-1', 'early-1'), row('acc-1', 'early-2'), row('acc-2', 'early-1')]);
  const index = new StoredIdIndex(4); // tiny: it must grow
  assert.equal(index.mayHold('acc-1', 'anything'), true, 'not loaded yet: every id is "maybe"');
  assert.equal(index.state, 'loading');
  const observed = index.observe(store);
  await index.load(observed, 8);
  assert.equal(index.ready, true);
  assert.equal(index.state, 'ready');
  assert.equal(index.mayHold('acc-1', 'early-1'), true);
  assert.equal(index.mayHold('acc-2', 'early-1'), true);
  assert.equal(index.mayHold('acc-2', 'early-2'), false, 'another account stored it, not this one');
  assert.equal(index.mayHold('acc-1', 'never'), false);
  const later = Array.from({ length: 500 }, (_, i) => row('acc-1', `later-${i}`));
  await observed.insert('events', later);
  for (const r of later) assert.equal(index.mayHold('acc-1', r.event_id), true);
  assert.equal(index.mayHold('acc-1', 'later-500'), false);
  assert.ok(index.size >= 503);
});

test('an insert into events that fails may have stored part of its rows: the index stops ruling anything out', async () => {
  const index = new StoredIdIndex();
  const observed = index.observe(store);
  await index.load(observed, 4);
  assert.equal(index.mayHold('acc-3', 'x'), false);
  await assert.rejects(observed.insert('events', [{ ...row('acc-3', 'bad'), ts: 'not a time' }]));
  assert.equal(index.ready, false);
  assert.equal(index.mayHold('acc-3', 'x'), true);
});

test('beyond its largest size the index gives up rather than grow without bound', () => {
  const index = new StoredIdIndex(4, 16);
  for (let i = 0; i < 20; i++) index.add('a', `id-${i}`);
  assert.equal(index.mayHold('a', 'id-0'), true);
  assert.equal(index.size, 0);
});

test('an index with more stored ids than it may hold is not read at all: every id stays "maybe"', async () => {
  const index = new StoredIdIndex(4, 64); // room for 38 ids; the store holds the 500 and more of the tests above
  const statements: string[] = [];
  const counting: Store = { ...store, query: (sql, params, options) => (statements.push(sql), store.query(sql, params, options)) };
  await index.load(counting, 16);
  assert.equal(statements.length, 1, 'only the count was asked');
  assert.equal(index.ready, false);
  assert.equal(index.state, 'off');
  assert.equal(index.mayHold('acc-1', 'never'), true);
});

test('an index is read in slices of about 32,768 ids, from one for a small store to 512 for 16.9M ids', async () => {
  assert.deepEqual([0, 1, 32_768, 32_769, 100_000, 1_000_000, 16_900_000, 100_000_000].map(slicesFor), [1, 1, 1, 2, 4, 32, 512, 512]);
  const index = new StoredIdIndex(4);
  const statements: string[] = [];
  const counting: Store = { ...store, query: (sql, params, options) => (statements.push(sql), store.query(sql, params, options)) };
  await index.load(counting);
  assert.equal(statements.length, 2, 'the count, then the one slice a store of a few hundred ids needs');
  assert.equal(index.ready, true);
  for (const [account, id] of [['acc-1', 'early-1'], ['acc-1', 'early-2'], ['acc-2', 'early-1']] as const) assert.equal(index.mayHold(account, id), true);
  assert.equal(index.mayHold('acc-2', 'early-2'), false);
});
