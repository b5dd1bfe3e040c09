/**
 * Each panel's distribution on a cluster (cluster-distribution.ts) checked against the layout and against the
 * panels' own SQL: the tables and aggregates named are those the modules use, FINAL reads are of tables whose
 * versions share a shard, co-located joins are of tables sharded by the same key, and every aggregate merges exactly
 * (or is an estimator already on one node).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { keyColumns, schemaTables } from '../../test/helpers/schema-tables.js';
import { EXECUTION_KEY, placementOf } from '../store/cluster-layout.js';
import { ESTIMATES, EXACT_MERGE, PANEL_DISTRIBUTION } from './cluster-distribution.js';

const SRC = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const tables = schemaTables();

for (const [panel, d] of Object.entries(PANEL_DISTRIBUTION)) {
  test(`${panel}: distributed as stated`, () => {
    const source = d.modules.map((m) => fs.readFileSync(path.join(SRC, m), 'utf8')).join('\n');
    for (const { table, how } of d.reads) {
      assert.match(source, new RegExp(`\\b${table}\\b`), `${panel} reads ${table}`);
      const p = placementOf(table);
      if (how === 'replicated') assert.equal(p.kind, 'replicated', table);
      else assert.equal(p.kind, 'sharded', table);
      if (how === 'final' && p.kind === 'sharded') {
        assert.match(source, new RegExp(`\\b${table} FINAL\\b`), `${panel} reads ${table} with FINAL`);
        for (const c of keyColumns(p.key)) assert.ok(tables.get(table)!.orderBy.includes(c), `${table}: versions of a row share a shard`);
      }
      if (how === 'co-located') {
        assert.equal(p.kind === 'sharded' && p.key, EXECUTION_KEY, table);
        const partners = d.reads.filter((r) => r.table !== table && r.how !== 'replicated').map((r) => placementOf(r.table));
        for (const q of partners) assert.equal(q.kind === 'sharded' && q.key, EXECUTION_KEY, `${table} joins a table of the same sharding key`);
      }
    }
    for (const a of d.aggregates) {
      assert.match(source, new RegExp(`\\b${a}\\(`), `${panel} uses ${a}`);
      assert.ok(EXACT_MERGE.has(a) || ESTIMATES.has(a), `${a} merges exactly or is an estimate`);
      if (ESTIMATES.has(a)) assert.match(d.why, /estimate/, `${panel} says which figures are estimates`);
    }
  });
}

test('every panel of the query service is described', () => {
  for (const p of ['summary', 'trends', 'funnel', 'actions', 'drilldown', 'comparison', 'platform costs', 'platform errors', 'platform activity']) {
    assert.ok(p in PANEL_DISTRIBUTION, p);
  }
});
