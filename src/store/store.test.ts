/**
 * Contract tests for the store interface: the embedded adapter, or a server when FLOWLENS_TEST_CLICKHOUSE_URL is set
 * (a cluster when FLOWLENS_TEST_CLICKHOUSE_CLUSTER is set too; test/helpers/services.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { clickhouseUnderTest } from '../../test/helpers/services.js';
import { openTestStore, uid } from '../../test/helpers/store.js';
import { migrate } from './migrate.js';
import type { Store } from './store.js';

describe(`store contract (${clickhouseUnderTest().name})`, () => {
  let store: Store;
  before(async () => {
    ({ store } = await openTestStore());
  });
  after(() => store.close());

  test('query binds typed parameters and returns 64-bit integers as numbers', async () => {
    const rows = await store.query<{ n: number; s: string; d: string }>(
      "SELECT toUInt64({n:UInt64}) + 1 AS n, {s:String} AS s, toString(toDate({d:DateTime64(3, 'UTC')})) AS d",
      { n: 41, s: "it's; DROP TABLE events", d: new Date('2026-03-04T05:06:07.089Z') },
    );
    assert.deepEqual(rows, [{ n: 42, s: "it's; DROP TABLE events", d: '2026-03-04' }]);
  });

  test('array parameters', async () => {
    const rows = await store.query<{ x: number }>('SELECT arraySum({a:Array(UInt32)}) AS x', { a: [1, 2, 3] });
    assert.equal(rows[0]?.x, 6);
  });

  test('insert then query round-trips rows', async () => {
    const table = uid('t').replace('-', '_');
    await store.command(`CREATE TABLE ${table} (k String, v Float64, ts DateTime64(3, 'UTC')) ENGINE = MergeTree ORDER BY k`);
    await store.insert(table, [
      { k: 'a', v: 1.5, ts: '2026-01-01 00:00:00.001' },
      { k: 'b\n"quoted"', v: -2, ts: '2026-01-01T10:00:00+05:30' },
    ]);
    const rows = await store.query(`SELECT k, v, toString(ts) AS ts FROM ${table} ORDER BY k`);
    assert.deepEqual(rows, [
      { k: 'a', v: 1.5, ts: '2026-01-01 00:00:00.001' },
      { k: 'b\n"quoted"', v: -2, ts: '2026-01-01 04:30:00.000' },
    ]);
  });

  test('stream yields every row in chunks', async () => {
    let count = 0;
    let chunks = 0;
    for await (const rows of store.stream<{ number: number }>('SELECT number FROM numbers({n:UInt64})', { n: 200_000 })) {
      count += rows.length;
      chunks++;
    }
    assert.equal(count, 200_000);
    assert.ok(chunks > 1, `expected several chunks, got ${chunks}`);
  });

  test('engine errors surface as StoreError with the ClickHouse code', async () => {
    await assert.rejects(store.query('SELECT * FROM no_such_table'), (err: Error & { code?: number }) => {
      assert.equal(err.name, 'StoreError');
      assert.equal(err.code, 60);
      return true;
    });
  });

  test('a query that fails midway leaves nothing of its rows to the next query', async () => {
    // a timeout after its first rows, and a result limit after its first blocks (chdb handed their rows to the
    // session's next query, ahead of its own)
    await assert.rejects(store.query('SELECT sleepEachRow(0.3) AS z, number FROM numbers(10) SETTINGS max_block_size = 1', {}, { maxExecutionSeconds: 1 }), (err: Error & { code?: number }) => err.code === 159);
    assert.deepEqual(await store.query('SELECT 1 AS x'), [{ x: 1 }]);
    await assert.rejects(store.query('SELECT toString(number) AS s FROM numbers(1000000)', {}, { settings: { max_result_bytes: 1_048_576, result_overflow_mode: 'throw' } }), (err: Error & { code?: number }) => err.code === 396);
    assert.deepEqual(await store.query('SELECT 2 AS y'), [{ y: 2 }]);
  });

  test('migrations are recorded and idempotent', async () => {
    const again = await migrate(store);
    assert.deepEqual(again, []);
    const rows = await store.query<{ c: number }>('SELECT count() AS c FROM schema_migrations FINAL');
    assert.ok((rows[0]?.c ?? 0) >= 3);
  });
});
