/**
 * Migrations that move data: 011 re-keys the timestamp-derived step durations, 012 fills failure_events from
 * the events already stored; neither loses nor doubles a row, even when run again after an interruption.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openStore } from './factory.js';
import { loadMigrations, migrate } from './migrate.js';
import type { Store } from './store.js';
import { tempDir } from '../../test/helpers/store.js';

let store: Store;
before(() => {
  store = openStore({ dataDir: tempDir(), clickhouseUrl: undefined });
});
after(() => store.close());

const row = (execution_id: string, step_type: string, version: number, duration_ms: number | null) => ({
  account_id: 'a', workflow_id: 'w', ts: '2026-03-04 05:06:07.000', step_id: `s-${step_type}`, step_type,
  workflow_version: 1, execution_id, occurrence: 1, version, duration_ms, retain: 0,
});

const FIGURES = `SELECT step_type, count() AS n, sum(ifNull(duration_ms, 0)) AS total
FROM step_durations_from_timestamps FINAL GROUP BY step_type ORDER BY step_type`;

test('011 carries step_fallback_durations over to step_durations_from_timestamps, replacements intact, and survives a re-run', async () => {
  const all = loadMigrations();
  await migrate(store, all.filter((m) => m.version < 11));
  // e1's action row was replaced by a late step.started (version 2); e2 is a wait step
  await store.insert('step_fallback_durations', [row('e1', 'action', 1, null), row('e1', 'action', 2, 1500), row('e2', 'wait', 1, 60_000)]);
  assert.deepEqual(await migrate(store, all.filter((m) => m.version <= 11)), ['011_step_durations_by_type']);

  const expected = [{ step_type: 'action', n: 1, total: 1500 }, { step_type: 'wait', n: 1, total: 60_000 }];
  assert.deepEqual(await store.query(FIGURES), expected);
  const old = await store.query<{ n: number }>("SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND name = 'step_fallback_durations'");
  assert.equal(old[0]!.n, 0, 'the old table is dropped');

  // interrupted after the drop, or after everything but the record: running 011 again changes no figure
  const m011 = all.find((m) => m.version === 11)!;
  for (let i = 0; i < 2; i++) for (const s of m011.statements) await store.command(s);
  assert.deepEqual(await store.query(FIGURES), expected);
  const key = await store.query<{ k: string }>("SELECT sorting_key AS k FROM system.tables WHERE database = currentDatabase() AND name = 'step_durations_from_timestamps'");
  assert.match(key[0]!.k, /^account_id, workflow_id, step_type, ts/);
});

test('012 fills failure_events from the stored events, the view adds new ones, a re-run changes nothing', async () => {
  const all = loadMigrations();
  const event = (event_id: string, type: string, error_type = '') => ({
    account_id: 'a', workflow_id: 'w', workflow_version: 1, execution_id: `x-${event_id}`, type, event_id,
    ts: '2026-03-04 05:06:07.000', received_at: '2026-03-04 05:06:08.000', error_type, error_message: error_type && `${error_type}!`, step_id: 's',
  });
  await store.insert('events', [event('1', 'step.failed', 'timeout'), event('2', 'execution.failed', 'http_500'), event('3', 'step.completed')]);
  assert.deepEqual(await migrate(store, all.filter((m) => m.version <= 12)), ['012_failure_events']);
  await store.insert('events', [event('4', 'step.failed', 'timeout')]);
  const FAILURES = "SELECT type, error_type, count() AS n FROM failure_events GROUP BY type, error_type ORDER BY type, error_type";
  const expected = [{ type: 'execution.failed', error_type: 'http_500', n: 1 }, { type: 'step.failed', error_type: 'timeout', n: 2 }];
  assert.deepEqual(await store.query(FAILURES), expected);
  for (const s of all.find((m) => m.version === 12)!.statements) await store.command(s);
  assert.deepEqual(await store.query(FAILURES), expected);
});
