/**
 * The cluster layout (cluster-layout.ts) against the schema the migrations leave: every table placed, every sharding
 * key made of the table's own columns, and, wherever rows are collapsed (FINAL, aggregation by sorting key), the
 * sharding columns inside the sorting key, so every version of a row lives on one shard.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keyColumns, schemaTables } from '../../test/helpers/schema-tables.js';
import { CLUSTER_LAYOUT, EXECUTION_KEY, placementOf } from './cluster-layout.js';

const tables = schemaTables();

test('every table the migrations create has a deliberate placement', () => {
  const missing = [...tables.keys()].filter((t) => !(t in CLUSTER_LAYOUT));
  assert.deepEqual(missing, [], 'place new tables in src/store/cluster-layout.ts');
  const stale = Object.keys(CLUSTER_LAYOUT).filter((t) => !tables.has(t) && !['retention_applied', 'step_fallback_durations'].includes(t));
  assert.deepEqual(stale, []);
});

test('sharding keys read only the table\'s own columns, and collapsing tables keep the key inside their sorting key', () => {
  let collapsing = 0;
  for (const [name, table] of tables) {
    const p = placementOf(name);
    if (p.kind !== 'sharded') continue;
    for (const c of keyColumns(p.key)) assert.ok(table.columns.has(c), `${name}: sharding column ${c} is not a column`);
    if (/Replacing|Aggregating|Collapsing/.test(table.engine)) {
      collapsing++;
      for (const c of keyColumns(p.key)) assert.ok(table.orderBy.includes(c), `${name}: ${c} must be in ORDER BY (${table.orderBy.join(', ')})`);
    }
  }
  assert.ok(collapsing >= 8, `${collapsing} collapsing sharded tables checked`);
});

test('every table holding an execution id is sharded by the execution, so an execution\'s rows share one shard', () => {
  const byExecution = [...tables].filter(([, t]) => t.columns.has('execution_id') && t.columns.has('workflow_id')).map(([n]) => n).sort();
  assert.deepEqual(byExecution, ['cost_events', 'events', 'execution_facts', 'execution_state', 'failure_events', 'step_durations_from_timestamps']);
  for (const t of byExecution) assert.deepEqual(placementOf(t), { ...placementOf(t), kind: 'sharded', key: EXECUTION_KEY }, t);
});

test('tables read by key with FINAL that are not sharded by their sorting key are replicated whole on every node', () => {
  for (const [name, table] of tables) {
    const p = placementOf(name);
    if (p.kind === 'replicated') assert.match(table.engine, /MergeTree$/, name);
    else assert.ok(table.columns.has('account_id'), `${name}: a sharded table keeps its account column`);
  }
  assert.equal(placementOf('accounts').kind, 'replicated');
  assert.equal(placementOf('api_keys').kind, 'replicated');
  assert.equal(placementOf('a_scratch_table').kind, 'replicated');
});
