import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WorkflowOverview } from './api.js';
import { nextSort, parseSort, sortString, sortWorkflows } from './workflow-list-model.js';

const row = (workflow_id: string, name: string, f: Partial<WorkflowOverview>): WorkflowOverview => ({
  workflow_id, name, registered: true, last_event_at: null, total_enrolled: 10, currently_active: 0, completed: 0, completion_rate: 0,
  goals_achieved: 0, conversion_rate: 0, enrollments: [], failed: 0, failure_rate: 0, cost_usd: 0, last_run_at: null,
  previous: { total_enrolled: 0, completion_rate: 0, failure_rate: 0 }, enrolled_change_percent: null, ...f,
});
const a = row('a', 'Alpha', { failure_rate: 5, cost_usd: 2, enrolled_change_percent: 50, last_run_at: '2026-03-02T10:00:00Z' });
const b = row('b', 'beta', { failure_rate: 20, cost_usd: 0.5, enrolled_change_percent: -10, last_run_at: '2026-03-03T10:00:00Z' });
const c = row('c', 'Gamma', { total_enrolled: 0, failure_rate: 0, cost_usd: 1, enrolled_change_percent: null, last_run_at: null });
const ids = (rows: WorkflowOverview[]) => rows.map((r) => r.workflow_id).join('');

test('each column orders the rows; a missing figure (a rate over nobody, no change, no run) is last either way', () => {
  const cases: Array<[string, string]> = [
    ['-failure_rate', 'bac'], ['failure_rate', 'abc'],
    ['-cost_usd', 'acb'], ['cost_usd', 'bca'],
    ['-enrolled_change_percent', 'abc'], ['enrolled_change_percent', 'bac'],
    ['-last_run_at', 'bac'], ['last_run_at', 'abc'],
    ['name', 'abc'], ['-name', 'cba'],
  ];
  for (const [sort, order] of cases) assert.equal(ids(sortWorkflows([c, b, a], parseSort(sort))), order, sort);
});

test('the URL value of an order, and the next order after a click', () => {
  assert.deepEqual(parseSort(null), { by: 'total_enrolled', desc: true });
  assert.deepEqual(parseSort('-nope'), { by: 'total_enrolled', desc: true });
  assert.equal(sortString(parseSort('-total_enrolled')), null);
  assert.equal(sortString({ by: 'cost_usd', desc: false }), 'cost_usd');
  assert.deepEqual(nextSort({ by: 'cost_usd', desc: true }, 'cost_usd'), { by: 'cost_usd', desc: false });
  assert.deepEqual(nextSort({ by: 'cost_usd', desc: true }, 'name'), { by: 'name', desc: false });
  assert.deepEqual(nextSort({ by: 'name', desc: false }, 'failure_rate'), { by: 'failure_rate', desc: true });
});
