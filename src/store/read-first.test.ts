/**
 * The read-first lanes on the real embedded engine: while one statement runs, the statements queued behind it start
 * in the order reads, derived-table writes, raw event inserts, background reads — whatever order they came in.
 * The order is recorded where each statement reaches the engine.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openTestStore } from '../../test/helpers/store.js';
import { readFirstStore } from './read-first.js';
import type { Store } from './store.js';

let engine: Store;
before(async () => {
  ({ store: engine } = await openTestStore());
  await engine.command('CREATE TABLE lane_writes (n UInt8) ENGINE = MergeTree ORDER BY n');
});
after(() => engine?.close());

test('queued behind a running statement: reads, then writes, then event inserts, then background reads', async (t) => {
  if (engine.kind !== 'embedded') return t.skip('the lanes wrap the embedded engine only');
  const started: string[] = [];
  const recording: Store = {
    ...engine,
    query: (sql, params, options) => {
      started.push(String(params?.name ?? sql));
      return engine.query(sql, params, options);
    },
    insert: (table, rows, options) => {
      started.push(`insert ${table}`);
      // raw event inserts are not run here: the lane is what is tested, not the events table's columns
      return table === 'events' ? Promise.resolve() : engine.insert(table, rows, options);
    },
    command: (sql, params) => {
      started.push(String(params?.name ?? sql));
      return engine.command(sql, params);
    },
  };
  const lanes = readFirstStore(recording);
  const running = lanes.query('SELECT sleep(0.3), {name:String} AS name', { name: 'running' });
  const queued = [
    lanes.query('SELECT {name:String} AS name', { name: 'background' }, { background: true }),
    lanes.insert('events', [{ n: 1 }]),
    lanes.insert('lane_writes', [{ n: 1 }]),
    lanes.query('SELECT {name:String} AS name', { name: 'read' }),
  ];
  await Promise.all([running, ...queued]);
  assert.deepEqual(started, ['running', 'read', 'insert lane_writes', 'insert events', 'background']);
});
