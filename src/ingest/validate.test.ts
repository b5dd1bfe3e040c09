/** Table-driven validation of every event type (CONTRACT §4). Pure: no store. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { validateEvent } from './validate.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const base = { workflow_id: 'wf', execution_id: 'ex', timestamp: '2026-06-01T10:00:00+02:00' };
const step = { ...base, step_id: 's1', step_type: 'action', action_type: 'send_email' };

const valid: Array<[string, Record<string, unknown>, Record<string, unknown>]> = [
  ['execution.started', { ...base, contact_id: 'c1', enrollment_source: 'bulk', trigger_type: 'webhook', variant: 'B', user_id: 'u' },
    { contact_id: 'c1', enrollment_source: 'bulk', trigger_type: 'webhook', variant: 'B', ts: '2026-06-01 08:00:00.000', workflow_version: 1 }],
  ['execution.completed', { ...base, workflow_version: 4 }, { workflow_version: 4 }],
  ['execution.exited', { ...base, exit_reason: 'unsubscribed' }, { exit_reason: 'unsubscribed' }],
  ['execution.failed', { ...base, error_type: 'timeout', error_message: 'took too long' }, { error_type: 'timeout', error_message: 'took too long' }],
  ['step.started', step, { step_id: 's1', step_type: 'action', action_type: 'send_email' }],
  ['step.completed', { ...step, duration_ms: 250, credits_used: 2 }, { duration_ms: 250, credits: 2 }],
  ['step.completed', { ...step, step_type: 'wait', action_type: undefined }, { duration_ms: null, credits: 0, action_type: '' }],
  ['step.skipped', { ...step, step_type: 'condition' }, { step_type: 'condition' }],
  ['step.failed', { ...step, duration_ms: 10, error_type: 'smtp', error_message: 'bounced' }, { error_type: 'smtp', duration_ms: 10 }],
  ['goal.achieved', { ...base, goal_id: 'g1', value: 19.9 }, { goal_id: 'g1', goal_type: 'g1', goal_value: 19.9 }],
  ['goal.achieved', { ...base, goal_id: 'g1', goal_type: 'purchase' }, { goal_type: 'purchase', goal_value: null }],
  ['cost.recorded', { ...base, action_type: 'send_sms', credits: 3, amount_usd: 0.0075 }, { action_type: 'send_sms', credits: 3, amount_usd: 0.0075, step_id: '' }],
  ['activity', { timestamp: '2026-06-01T10:00:00Z', user_id: 'u1', action: 'login', session_id: 's', duration_ms: 5 }, { workflow_id: '', execution_id: '', action: 'login' }],
];

const invalid: Array<[string, Record<string, unknown>, string]> = [
  ['execution.started', { ...base }, '/contact_id'],
  ['execution.started', { ...base, contact_id: 'c', enrollment_source: 'email' }, '/enrollment_source'],
  ['execution.started', { ...base, contact_id: 'c', enrollment_source: 'api', workflow_version: 0 }, '/workflow_version'],
  ['execution.completed', { ...base, timestamp: '2026-06-01 10:00:00' }, '/timestamp'],
  ['execution.completed', { ...base, timestamp: '2026-06-01T10:00:00' }, '/timestamp'],
  ['execution.completed', { ...base, timestamp: '2026-13-01T10:00:00Z' }, '/timestamp'],
  // days and times that do not exist (Date.parse reads them as March 2nd and the next midnight)
  ['execution.completed', { ...base, timestamp: '2026-02-30T10:00:00Z' }, '/timestamp'],
  ['execution.completed', { ...base, timestamp: '2026-06-01T24:00:00Z' }, '/timestamp'],
  ['execution.completed', { ...base, timestamp: '2026-06-01T10:60:00+02:00' }, '/timestamp'],
  ['execution.completed', { ...base, timestamp: '2026-06-05T10:00:00Z' }, '/timestamp'],
  ['execution.completed', { ...base, workflow_id: '' }, '/workflow_id'],
  ['execution.completed', { ...base, execution_id: 'x'.repeat(129) }, '/execution_id'],
  ['execution.completed', { ...base, surprise: 1 }, '/surprise'],
  ['execution.completed', { ...base, metadata: { big: 'x'.repeat(9000) } }, '/metadata'],
  ['execution.exited', { ...base }, '/exit_reason'],
  ['execution.failed', { ...base }, '/error_type'],
  ['step.started', { ...base, step_id: 's' }, '/step_type'],
  ['step.completed', { ...step, duration_ms: -5 }, '/duration_ms'],
  ['step.failed', { ...step }, '/error_type'],
  ['goal.achieved', { ...base }, '/goal_id'],
  ['cost.recorded', { ...base, action_type: 'x' }, '/amount_usd'],
  ['activity', { timestamp: '2026-06-01T10:00:00Z', action: 'login' }, '/user_id'],
  ['unknown.type', { ...base }, '/type'],
];

describe('validateEvent', () => {
  for (const [type, fields, expected] of valid) {
    test(`accepts ${type} ${JSON.stringify(Object.keys(expected))}`, () => {
      const clean = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
      const r = validateEvent({ type, ...clean }, 'acc', NOW);
      assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
      assert.equal(r.row.account_id, 'acc');
      assert.equal(r.row.type, type);
      for (const [k, v] of Object.entries(expected)) assert.deepEqual(r.row[k], v, k);
    });
  }
  for (const [type, fields, path] of invalid) {
    test(`rejects ${type} with an error at ${path}`, () => {
      const r = validateEvent({ type, ...fields }, 'acc', NOW);
      assert.equal(r.ok, false);
      assert.ok(!r.ok && r.errors.some((e) => e.path === path), JSON.stringify(!r.ok && r.errors));
    });
  }
  test('rejects non-objects', () => {
    for (const v of [null, 'x', 3, [1]]) assert.equal(validateEvent(v, 'acc', NOW).ok, false);
  });
  test('metadata is kept serialized', () => {
    const r = validateEvent({ type: 'execution.completed', ...base, metadata: { a: [1, 'b'] } }, 'acc', NOW);
    assert.ok(r.ok);
    assert.equal(r.row.metadata, '{"a":[1,"b"]}');
  });
});
