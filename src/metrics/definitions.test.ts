/** The metric catalog: unique names, rates over counts of the catalog, status rules agreeing in SQL and in JS. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openTestStore } from '../../test/helpers/store.js';
import type { Store } from '../store/store.js';
import { countSql, inStatus, isMetric, metric, METRICS, STATUS, type StatusGroup } from './definitions.js';

let store: Store;
before(async () => ({ store } = await openTestStore()));
after(async () => store?.close());

test('every metric has a unique name, a description, and rates divide counts of the catalog', () => {
  assert.equal(new Set(METRICS.map((m) => m.name)).size, METRICS.length);
  for (const m of METRICS) {
    assert.ok(m.description.length > 20 && m.label && m.answered_by.length > 0, m.name);
    assert.equal(m.exact, m.error === undefined, `${m.name}: an approximate metric documents its error`);
    if (m.kind === 'rate') {
      assert.equal(m.unit, 'percent', m.name);
      // a cohort rate divides counts of the catalog; a watched rate of events per bucket gives its fraction in `series`
      assert.ok(m.ratio ? isMetric(m.ratio.numerator) && isMetric(m.ratio.denominator) : m.series !== undefined, `${m.name} names its counts`);
    }
  }
  assert.throws(() => metric('no_such_metric'), /no metric named/);
});

test('the status groups mean the same in SQL and in JavaScript, on the engine', async () => {
  const statuses = ['active', 'completed', 'goal_achieved', 'exited', 'error'];
  for (const group of Object.keys(STATUS) as StatusGroup[]) {
    const rows = await store.query<{ status: string; yes: number }>(
      `SELECT status, ${STATUS[group]} AS yes FROM (SELECT arrayJoin({statuses:Array(String)}) AS status)`,
      { statuses },
    );
    for (const r of rows) assert.equal(Boolean(r.yes), inStatus(group, r.status), `${group} / ${r.status}`);
  }
  assert.deepEqual(statuses.filter((s) => inStatus('succeeded', s)), ['completed', 'goal_achieved'], 'a conversion completes an execution');
});

test('the counts of the execution facts are valid SQL, within a condition or not', async () => {
  const counts = METRICS.filter((m) => m.kind === 'count' && m.source === 'execution_facts' && m.scope !== 'step');
  assert.equal(countSql('enrolled'), 'count()');
  assert.equal(countSql('active', 'x = 1'), "countIf(x = 1 AND status = 'active')");
  const sql = `SELECT ${counts.map((m) => `${countSql(m.name)} AS ${m.name}`).join(', ')} FROM execution_facts`;
  const [row] = await store.query<Record<string, number>>(sql);
  for (const m of counts) assert.equal(row![m.name], 0, m.name);
  assert.throws(() => countSql('completion_rate'), /not a count/);
  assert.throws(() => countSql('step_entered'), /not a count of executions/);
});
