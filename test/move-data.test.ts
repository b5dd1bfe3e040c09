/**
 * Moving a store (docs/cluster.md): the raw events and the small tables dumped as Native files, loaded into an empty
 * store of the same schema, and Flowlens started on it. The derived tables are never moved: the views fill them
 * as the events arrive and the facts are written at start, so the panels, the keys and deduplication are as before.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { DERIVED_TABLES, dumpTables, loadTables, MANIFEST } from '../src/store/dump.js';
import { ev, startTestRuntime, type TestRuntime } from './helpers/runtime.js';
import { tempDir } from './helpers/store.js';

let rt: TestRuntime | undefined;
after(() => rt?.close());

const W = 'wf-move';
const Q = `start_date=2026-03-02&end_date=2026-03-03&timezone=UTC`;

test('dump, load into an empty store, start: same figures, same keys, same duplicates refused', async () => {
  const dataDir = tempDir();
  rt = await startTestRuntime({}, dataDir);
  const { key } = await rt.newAccount('admin');
  const step = (kind: 'started' | 'completed' | 'failed', ex: string, s: string, t: string) => ev.step(kind, W, ex, s, t);
  // e1 completes s1 and s2; e2 fails in s1; e3 is still in s2 (3 enrolled, 1 completed, 1 failed)
  const events = [
    ev.started(W, 'e1', '2026-03-02T10:00:00Z'), step('started', 'e1', 's1', '2026-03-02T10:00:01Z'), step('completed', 'e1', 's1', '2026-03-02T10:00:03Z'),
    step('started', 'e1', 's2', '2026-03-02T10:00:04Z'), step('completed', 'e1', 's2', '2026-03-02T10:00:10Z'), ev.completed(W, 'e1', '2026-03-02T10:00:11Z'),
    ev.started(W, 'e2', '2026-03-02T11:00:00Z'), step('started', 'e2', 's1', '2026-03-02T11:00:01Z'), step('failed', 'e2', 's1', '2026-03-02T11:00:02Z'), ev.failed(W, 'e2', '2026-03-02T11:00:03Z'),
    ev.started(W, 'e3', '2026-03-03T09:00:00Z'), step('started', 'e3', 's1', '2026-03-03T09:00:01Z'), step('completed', 'e3', 's1', '2026-03-03T09:00:02Z'), step('started', 'e3', 's2', '2026-03-03T09:00:03Z'),
  ].map((e, i) => ({ ...e, event_id: `move-${i}` }));
  assert.equal((await rt.call('POST', '/api/v1/events', key, events)).json.accepted, 14);
  await rt.deps.derived.idle();
  const panels = async (r: TestRuntime) => ({
    summary: (await r.call('GET', `/api/v1/workflows/${W}/analytics?${Q}`, key)).json.summary,
    funnel: (await r.call('GET', `/api/v1/workflows/${W}/analytics/funnel?${Q}`, key)).json.funnel_steps,
    actions: (await r.call('GET', `/api/v1/workflows/${W}/analytics/actions?${Q}`, key)).json.actions,
  });
  const before = await panels(rt);
  assert.equal(before.summary.total_enrolled, 3);
  assert.equal(before.summary.completed, 1);
  assert.deepEqual(before.funnel.map((s: { step_id: string; entered: number }) => [s.step_id, s.entered]), [['s1', 3], ['s2', 2]]);
  assert.equal(before.actions.length, 2);

  const out = tempDir('flowlens-dump-');
  const manifest = await dumpTables(rt.deps.store, out);
  const dumped = new Map(manifest.tables.map((t) => [t.table, t.rows]));
  assert.equal(dumped.get('events'), 14);
  assert.ok((dumped.get('api_keys') ?? 0) >= 2 && (dumped.get('accounts') ?? 0) >= 1, 'keys and accounts travel with the events');
  for (const t of DERIVED_TABLES) assert.ok(!dumped.has(t), `${t} is rebuilt, not dumped`);
  for (const t of manifest.tables) assert.ok(fs.existsSync(path.join(out, t.file)), t.file);
  assert.ok(fs.existsSync(path.join(out, MANIFEST)));

  // the same data directory emptied stands for a new, migrated target; the audit entries of the requests above are
  // written first (the audit log writes in batches, on a timer: one landing after the truncation made the load refuse)
  await rt.deps.audit.flush();
  const all = await rt.query<{ name: string }>(
    "SELECT name FROM system.tables WHERE database = currentDatabase() AND engine LIKE '%MergeTree' AND name NOT IN ('schema_migrations', 'retention_applied')",
  );
  for (const { name } of all) await rt.deps.store.command(`TRUNCATE TABLE ${name}`);
  await assert.rejects(loadTables(rt.deps.store, path.join(out, 'missing')), /ENOENT/);
  await loadTables(rt.deps.store, out);
  await assert.rejects(loadTables(rt.deps.store, out), /is not empty: load into a new store/);
  await rt.close();

  rt = await startTestRuntime({}, dataDir);
  await rt.deps.derived.idle();
  assert.deepEqual(await panels(rt), before);
  const again = await rt.call('POST', '/api/v1/events', key, [events[0]]);
  assert.equal(again.json.accepted, 0, 'the event ids came back with the events');
});
