/** Importers against the real logs of ../shared/data and the real embedded store. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { importFile } from '../src/ingest/importers/import-file.js';
import { storeSink } from '../src/ingest/sinks.js';
import type { Store } from '../src/store/store.js';
import { openTestStore, tempDir } from './helpers/store.js';

const DATA = path.resolve(import.meta.dirname, '../../shared/data');
const have = (f: string) => fs.existsSync(path.join(DATA, f));

let store: Store;
before(async () => {
  ({ store } = await openTestStore());
});
after(() => store.close());

async function counts(account: string, workflow: string) {
  const rows = await store.query<{ type: string; c: number }>(
    'SELECT type, count() AS c FROM events WHERE account_id = {a:String} AND workflow_id = {w:String} GROUP BY type',
    { a: account, w: workflow },
  );
  return Object.fromEntries(rows.map((r) => [r.type, r.c]));
}

describe('import', { skip: have('running-example.xes') ? false : `shared/data not found at ${DATA}` }, () => {
  test('running-example.xes: 6 executions and 42 steps, costs as cost.recorded; re-import is all duplicates', async () => {
    const sink = storeSink(store, 'imp1');
    const s = await importFile(path.join(DATA, 'running-example.xes'), sink, { workflowId: 'running' });
    assert.equal(s.cases, 6);
    assert.equal(s.rejected, 0);
    const c = await counts('imp1', 'running');
    assert.equal(c['execution.started'], 6);
    assert.equal(c['execution.completed'], 6);
    assert.equal(c['step.completed'], 42);
    assert.equal(c['step.started'], 42);
    assert.equal(c['cost.recorded'], 42);
    const again = await importFile(path.join(DATA, 'running-example.xes'), sink, { workflowId: 'running' });
    assert.equal(again.accepted, 0);
    assert.equal(again.duplicates, s.events);
    await sink.close();
    // case 3 starts 2010-12-30T14:32:00+01:00 and ends with "pay compensation" at 2011-01-15T10:45:00+01:00
    const rows = await store.query<{ enrolled: string; completed: string }>(
      `SELECT toString(min(enrolled_at)) AS enrolled, toString(min(completed_at)) AS completed FROM execution_state
       WHERE account_id = 'imp1' AND workflow_id = 'running' AND execution_id = '3'`,
    );
    assert.deepEqual(rows[0], { enrolled: '2010-12-30 13:32:00.000', completed: '2011-01-15 09:45:00.000' });
  });

  test('sepsis.csv (semicolon separated): 1,050 executions, 15,214 steps', { skip: !have('sepsis.csv') }, async () => {
    const sink = storeSink(store, 'imp2');
    const s = await importFile(path.join(DATA, 'sepsis.csv'), sink, { workflowId: 'sepsis' });
    await sink.close();
    assert.equal(s.cases, 1050);
    const c = await counts('imp2', 'sepsis');
    assert.equal(c['execution.started'], 1050);
    assert.equal(c['step.completed'], 15214);
  });

  test('NDJSON files go through the same validation as the API', async () => {
    const file = path.join(tempDir(), 'events.ndjson');
    fs.writeFileSync(
      file,
      [
        JSON.stringify({ type: 'execution.started', workflow_id: 'nd', execution_id: 'e1', timestamp: '2026-01-01T00:00:00Z', contact_id: 'c', enrollment_source: 'api' }),
        JSON.stringify({ type: 'execution.completed', workflow_id: 'nd', execution_id: 'e1', timestamp: 'not a time' }),
      ].join('\n'),
    );
    const sink = storeSink(store, 'imp3');
    const s = await importFile(file, sink);
    await sink.close();
    assert.deepEqual([s.accepted, s.rejected], [1, 1]);
    assert.equal(s.firstErrors[0]?.index, 1);
  });

  test('road_traffic_fines.xes.gz: 150,370 executions, streamed', { skip: !have('road_traffic_fines.xes.gz'), timeout: 600_000 }, async () => {
    const sink = storeSink(store, 'imp4');
    const before = process.memoryUsage().rss;
    let peak = before;
    const s = await importFile(path.join(DATA, 'road_traffic_fines.xes.gz'), sink, {
      workflowId: 'fines',
      onProgress: () => {
        peak = Math.max(peak, process.memoryUsage().rss);
      },
    });
    await sink.close();
    assert.equal(s.cases, 150_370);
    const c = await counts('imp4', 'fines');
    assert.equal(c['execution.started'], 150_370);
    assert.equal(c['step.completed'], 561_470);
    // bounded memory: the 185 MB log is never held whole (rss growth well under its size)
    assert.ok(peak - before < 1_500_000_000, `rss grew by ${Math.round((peak - before) / 1e6)} MB`);
  });
});
