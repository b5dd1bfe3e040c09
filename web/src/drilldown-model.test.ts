/** The drill-down's model: the URL's selection, the request, the heading, a trend bucket's window, the timeline, the insights' links. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TimelineEvent } from './api.js';
import { bucketWindow, describeDrill, drillString, executionsParams, insightCount, insightLinkText, insightNote, parseDrill, scopeText, statusText, timelineEntries, type Names } from './drilldown-model.js';
import { defaultView, parseView, viewSearch } from './view-state.js';

const names: Names = {
  step: (id) => ({ s1: 'Send email', s2: 'Score above 50?', s3: 'Update CRM' })[id] ?? id,
  next: (id) => ({ s1: 'Score above 50?', s2: 'Update CRM' })[id] ?? null,
};

test('a selection from the URL: known filters only, in a fixed order; a step needs its stage, a window both ends', () => {
  assert.deepEqual(parseDrill('stage=exited&step_id=s2&limit=5&cursor=x'), { step_id: 's2', stage: 'exited' });
  assert.equal(drillString(parseDrill('stage=exited&step_id=s2')), 'step_id=s2&stage=exited');
  assert.deepEqual(parseDrill('step_id=s2'), {});
  assert.deepEqual(parseDrill('step_id=s2&stage=nope'), {});
  assert.deepEqual(parseDrill('status=gone'), {});
  assert.deepEqual(parseDrill('enrolled_from=2026-03-02T00:00:00.000Z'), {});
  assert.deepEqual(parseDrill('version=0&variant=B'), { variant: 'B' });
  assert.deepEqual(parseDrill('exit_reason=condition_not_met'), { exit_reason: 'condition_not_met' });
  // an insight's drill is URL-encoded
  assert.deepEqual(parseDrill('step_id=send%20email&stage=lost_after'), { step_id: 'send email', stage: 'lost_after' });
  assert.equal(drillString({}), 'all');
  const bucket = { enrolled_from: '2026-03-08T05:00:00.000Z', enrolled_to: '2026-03-09T04:00:00.000Z' };
  assert.equal(drillString(bucket), 'enrolled_from=2026-03-08T05:00:00.000Z&enrolled_to=2026-03-09T04:00:00.000Z');
  assert.deepEqual(parseDrill(drillString(bucket)), bucket);
  assert.deepEqual(parseDrill(drillString({ exit_reason: 'a&b=c d+e' })), { exit_reason: 'a&b=c d+e' });
  assert.deepEqual(parseDrill('all'), {});
  assert.deepEqual(parseDrill(null), {});
});

test('the selection rides in the page\'s URL and comes back the same', () => {
  const v = { ...defaultView('UTC'), drill: drillString({ step_id: 's2', stage: 'exited' }), execution: 'e 1' };
  const search = viewSearch(v);
  assert.equal(search, '?range=last_30_days&timezone=UTC&drill=step_id%3Ds2%26stage%3Dexited&execution=e+1');
  assert.deepEqual(parseView(search, 'UTC'), v);
});

test('the request: the page\'s period, timezone, version and variant; the selection\'s own filters over them', () => {
  const v = { ...defaultView('America/New_York'), range: null, start: '2026-03-08', end: '2026-03-14', version: 2, variant: 'A' };
  assert.deepEqual(executionsParams(v, { status: 'failed' }), { start_date: '2026-03-08', end_date: '2026-03-14', timezone: 'America/New_York', version: 2, variant: 'A', enrollment_source: undefined, exit_reason: undefined, status: 'failed' });
  assert.deepEqual(executionsParams(defaultView('UTC'), { variant: 'B' }), { range: 'last_30_days', timezone: 'UTC', version: undefined, variant: 'B', enrollment_source: undefined, exit_reason: undefined });
  assert.deepEqual(executionsParams({ ...defaultView('UTC'), enrollmentSource: 'api' }, { exit_reason: 'bounced' }).enrollment_source, 'api');
});

test('the heading says what was selected and how many', () => {
  assert.equal(describeDrill({ step_id: 's2', stage: 'exited' }, 42, names, 'en-US'), '42 executions exited at “Score above 50?”');
  assert.equal(describeDrill({}, 1, names, 'en-US'), '1 execution enrolled');
  assert.equal(describeDrill({ status: 'succeeded' }, 1200, names, 'en-US'), '1,200 executions completed');
  assert.equal(describeDrill({ status: 'active' }, 3, names, 'en-US'), '3 executions still active');
  assert.equal(describeDrill({ step_id: 's1', stage: 'lost_after' }, 7, names, 'en-US'), '7 executions lost between “Send email” and “Score above 50?”');
  assert.equal(describeDrill({ step_id: 's3', stage: 'lost_after' }, 7, names, 'en-US'), '7 executions lost after “Update CRM”');
  assert.equal(describeDrill({ step_id: 's1', stage: 'in_progress' }, 2, names, 'en-US'), '2 executions still in “Send email”');
  assert.equal(describeDrill({ exit_reason: 'condition_not_met' }, 5, names, 'en-US'), '5 executions exited with reason “condition not met”');
  assert.equal(describeDrill({ enrollment_source: 'api' }, 5, names, 'en-US'), '5 executions enrolled from “api”');
  assert.equal(describeDrill({ goal_type: 'purchase' }, 5, names, 'en-US'), '5 executions achieved the goal “purchase”');
  assert.equal(describeDrill({ error_type: 'auth_expired' }, 5, names, 'en-US'), '5 executions failed with “auth_expired”');
  assert.equal(describeDrill({ variant: 'B' }, 100, names, 'en-US'), '100 executions enrolled, in variant B');
  assert.equal(
    describeDrill({ status: 'failed', enrolled_from: '2026-03-08T05:00:00.000Z', enrolled_to: '2026-03-09T04:00:00.000Z' }, 4, names, 'en-US', 'America/New_York'),
    '4 executions failed, enrolled Mar 8, 2026',
  );
  assert.equal(scopeText({ ...defaultView('UTC'), version: 2 }, {}), 'Enrolled last 30 days (UTC) · version 2 · all variants');
  assert.equal(scopeText({ ...defaultView('UTC'), range: null, start: '2026-03-08', end: '2026-03-14' }, { variant: 'B' }), 'Enrolled 2026-03-08 to 2026-03-14 (UTC) · all versions');
  assert.equal(scopeText({ ...defaultView('UTC'), enrollmentSource: 'api', exitReason: 'bounced' }, {}), 'Enrolled last 30 days (UTC) · all versions · all variants · source api · exited: bounced');
});

test('a trend bucket\'s window: the bucket\'s start to the next one\'s, in the page\'s timezone (23-hour days, Monday weeks, months)', () => {
  assert.deepEqual(bucketWindow('2026-03-02', 'daily', 'UTC'), { enrolled_from: '2026-03-02T00:00:00.000Z', enrolled_to: '2026-03-03T00:00:00.000Z' });
  // New York springs forward on March 8 2026: that day is 23 hours long
  assert.deepEqual(bucketWindow('2026-03-08', 'daily', 'America/New_York'), { enrolled_from: '2026-03-08T05:00:00.000Z', enrolled_to: '2026-03-09T04:00:00.000Z' });
  assert.deepEqual(bucketWindow('2026-03-02', 'weekly', 'Asia/Kolkata'), { enrolled_from: '2026-03-01T18:30:00.000Z', enrolled_to: '2026-03-08T18:30:00.000Z' });
  assert.deepEqual(bucketWindow('2026-02-01', 'monthly', 'Europe/Paris'), { enrolled_from: '2026-01-31T23:00:00.000Z', enrolled_to: '2026-02-28T23:00:00.000Z' });
  // hours come as instants with their offset
  assert.deepEqual(bucketWindow('2026-11-01T01:00:00-05:00', 'hourly', 'America/New_York'), { enrolled_from: '2026-11-01T06:00:00.000Z', enrolled_to: '2026-11-01T07:00:00.000Z' });
});

const event = (at: string, type: string, extra: Partial<TimelineEvent> = {}): TimelineEvent => ({
  at, type, step_id: null, step_type: null, action_type: null, duration_ms: null, error_type: null, error_message: null, exit_reason: null, goal_id: null, goal_value: null, amount_usd: 0, credits: 0, ...extra,
});

test('the timeline in words: each step\'s time (sent, else since its start), outcomes, the goal, the end', () => {
  const entries = timelineEntries(
    [
      event('2026-03-02T10:00:00.000Z', 'execution.started'),
      event('2026-03-02T10:00:01.000Z', 'step.started', { step_id: 's1', step_type: 'action', action_type: 'send_email' }),
      event('2026-03-02T10:00:02.500Z', 'step.completed', { step_id: 's1', step_type: 'action', duration_ms: 1200 }),
      event('2026-03-02T10:00:03.000Z', 'step.started', { step_id: 's3', step_type: 'action' }),
      event('2026-03-02T10:00:08.000Z', 'step.failed', { step_id: 's3', step_type: 'action', error_type: 'auth_expired', error_message: 'token expired' }),
      event('2026-03-02T10:00:09.000Z', 'cost.recorded', { step_id: 's1', amount_usd: 0.25, credits: 2 }),
      event('2026-03-02T10:01:00.000Z', 'goal.achieved', { goal_id: 'purchase', goal_value: 49 }),
      event('2026-03-02T10:01:00.010Z', 'execution.failed', { error_type: 'auth_expired' }),
    ],
    names.step,
  );
  assert.deepEqual(entries.map((e) => e.what), [
    'Enrolled',
    'Started “Send email” (action: send email)',
    'Completed “Send email”',
    'Started “Update CRM” (action)',
    'Failed “Update CRM”: auth_expired — token expired',
    'Cost recorded at “Send email”',
    'Goal achieved: purchase',
    'Failed: auth_expired',
  ]);
  assert.deepEqual(entries.map((e) => e.took), [null, null, 1200, null, 5000, null, null, null]);
  assert.deepEqual(entries.map((e) => e.elapsed), [0, 1000, 2500, 3000, 8000, 9000, 60_000, 60_010]);
  assert.deepEqual(entries.map((e) => e.tone), ['info', 'info', 'good', 'info', 'bad', 'info', 'good', 'bad']);
  assert.deepEqual(timelineEntries([], names.step), []);
  assert.equal(statusText('goal_achieved'), 'Goal achieved');
  assert.equal(statusText('error'), 'Failed');
});

test('an insight\'s link says how many it lists where the observation states it, and what it lists where it does not', () => {
  assert.equal(insightCount({ kind: 'drop_off', numbers: { exited: 20, entered: 200 } }), 20);
  assert.equal(insightCount({ kind: 'loss_between_steps', numbers: { lost: 17 } }), 17);
  assert.equal(insightCount({ kind: 'slower_step', numbers: { entered: 180 } }), 180);
  assert.equal(insightCount({ kind: 'variant_difference', numbers: { n: 100 } }), 100);
  // 20% of 200 enrolled: the 40 failed executions status=failed lists
  assert.equal(insightCount({ kind: 'rate_change', numbers: { value: 20, n: 200 } }), 40);
  assert.equal(insightCount({ kind: 'rate_change', numbers: { value: (13 / 71) * 100, n: 71 } }), 13);
  assert.equal(insightCount({ kind: 'action_errors', numbers: { failures: 40 } }), null);
  assert.equal(insightCount({ kind: 'anomaly', numbers: { value: 12 } }), null);
  assert.equal(insightLinkText({ kind: 'drop_off', numbers: { exited: 1200 } }, 'en-US'), 'List the 1,200 executions');
  assert.equal(insightLinkText({ kind: 'drop_off', numbers: { exited: 1 } }, 'en-US'), 'List the execution');
  assert.equal(insightLinkText({ kind: 'action_errors', numbers: {} }, 'en-US'), 'List the executions');
  assert.match(insightNote({ kind: 'action_errors', metric: 'action_error_rate', drill: 'step_id=crm&stage=exited' })!, /ended at this step without completing it/);
  assert.match(insightNote({ kind: 'anomaly', metric: 'execution_failure_rate', drill: '' })!, /that failed/);
  assert.equal(insightNote({ kind: 'drop_off', metric: 'step_exited', drill: '' }), null);
});
