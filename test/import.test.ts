/** Importers against the real logs of ../shared/data and the real embedded store. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import readline from 'node:readline';
import zlib from 'node:zlib';
import { importFile } from '../src/ingest/importers/import-file.js';
import { actions } from '../src/metrics/actions.js';
import type { Period } from '../src/metrics/period.js';
import { summaryWithTrends } from '../src/metrics/summary.js';
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

/** Cases, summed case durations (last − first event) and events per activity, read from the XES text. */
async function readRoadTraffic(file: string) {
  const lines = readline.createInterface({ input: fs.createReadStream(file).pipe(zlib.createGunzip()) });
  const perActivity: Record<string, number> = {};
  let cases = 0;
  let durationMsSum = 0;
  let first = Infinity;
  let last = -Infinity;
  let inEvent = false;
  for await (const line of lines) {
    const t = line.trim();
    if (t === '<trace>') [first, last] = [Infinity, -Infinity];
    else if (t === '</trace>') {
      cases++;
      durationMsSum += last - first;
    } else if (t === '<event>') inEvent = true;
    else if (t === '</event>') inEvent = false;
    else if (inEvent) {
      const name = /^<string key="concept:name" value="(.*)"\/>$/.exec(t);
      if (name) perActivity[name[1]!] = (perActivity[name[1]!] ?? 0) + 1;
      const time = /^<date key="time:timestamp" value="(.*)"\/>$/.exec(t);
      if (time) {
        const ms = Date.parse(time[1]!);
        first = Math.min(first, ms);
        last = Math.max(last, ms);
      }
    }
  }
  return { cases, durationMsSum, perActivity };
}

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

    // The analytics against a computation of our own, straight from the file (line by line, no importer code).
    const own = await readRoadTraffic(path.join(DATA, 'road_traffic_fines.xes.gz'));
    const all: Period = { startDate: '1970-01-01', endDate: '2099-12-31', timezone: 'UTC', granularity: 'monthly', from: new Date(0), to: new Date('2100-01-01T00:00:00Z'), days: 0 };
    const scope = { account: 'imp4', workflow: 'fines' };
    const sum = (await summaryWithTrends(store, scope, all)).summary;
    assert.equal(sum.total_enrolled, own.cases);
    assert.equal(sum.completed, own.cases); // a case's last activity completes it
    assert.equal(sum.average_duration_hours, Math.round((own.durationMsSum / own.cases / 3_600_000) * 100) / 100);
    const a = await actions(store, scope, all, { source: 'raw' });
    assert.deepEqual(Object.fromEntries(a.actions.map((x) => [x.action_id, x.executions])), own.perActivity);
  });
});
