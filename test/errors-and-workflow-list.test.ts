/**
 * The errors report counts each failure once, under its most specific type, and names where it happened;
 * the workflow list gains the failure rate, cost, last run and the change against the period before.
 * Every figure below is computed by hand from the events listed (period 2026-03-02 – 03-03 UTC, the period
 * before 2026-02-28 – 03-01).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ev, OPERATOR_KEY, startTestRuntime, type TestRuntime } from './helpers/runtime.js';

let rt: TestRuntime;
let admin = '';
const DAYS = { start_date: '2026-03-02', end_date: '2026-03-03' };
const url = (path: string, params: Record<string, string> = {}) => `/api/v1/analytics/${path}?${new URLSearchParams({ ...DAYS, ...params })}`;
const cost = (wf: string, ex: string, ts: string, usd: number) => ({ type: 'cost.recorded', workflow_id: wf, execution_id: ex, timestamp: ts, action_type: 'crm_update', amount_usd: usd });
const stepFailed = (wf: string, ex: string, step: string, ts: string, type: string, message: string) =>
  ev.step('failed', wf, ex, step, ts, { error_type: type, error_message: message, action_type: 'crm_update' });
const execFailed = (wf: string, ex: string, ts: string, type: string, message: string) => ev.failed(wf, ex, ts, { error_type: type, error_message: message });

before(async () => {
  rt = await startTestRuntime({ budgetTickMs: 0 });
  const acc = await rt.newAccount('admin');
  admin = acc.key;
  const ingest = (await rt.call('POST', '/api/v1/api-keys', OPERATOR_KEY, { account_id: acc.accountId, role: 'ingest', name: 'engine' })).json.key as string;
  const register = async (wf: string, body: object) => assert.equal((await rt.call('PUT', `/api/v1/workflows/${wf}`, admin, body)).status, 201);
  // v1 names the CRM step "Update CRM" and has a legacy step; v2 renames the CRM step and drops the legacy one
  await register('wf-leads', {
    name: 'Lead qualification', version: 1,
    steps: [
      { step_id: 's_score', name: 'Score lead', order: 1, type: 'action', action_type: 'score' },
      { step_id: 's_crm', name: 'Update CRM', order: 2, type: 'action', action_type: 'crm_update' },
      { step_id: 's_legacy', name: 'Legacy step', order: 3, type: 'action', action_type: 'send_email' },
    ],
  });
  await register('wf-leads', {
    name: 'Lead qualification', version: 2,
    steps: [
      { step_id: 's_score', name: 'Score lead', order: 1, type: 'action', action_type: 'score' },
      { step_id: 's_crm', name: 'Sync to CRM', order: 2, type: 'action', action_type: 'crm_update' },
    ],
  });
  await register('wf-mail', { name: 'Newsletter', version: 1, steps: [{ step_id: 's_send', name: 'Send issue', order: 1, type: 'action', action_type: 'send_email' }] });
  const events = [
    // the period before: p1 completes; e4 starts, its scoring step fails just before midnight …
    ev.started('wf-leads', 'p1', '2026-02-28T10:00:00Z'),
    ev.completed('wf-leads', 'p1', '2026-02-28T10:05:00Z'),
    ev.started('wf-leads', 'e4', '2026-03-01T23:58:00Z'),
    stepFailed('wf-leads', 'e4', 's_score', '2026-03-01T23:59:00Z', 'bad_input', 'score missing'),
    cost('wf-leads', 'e4', '2026-03-01T23:59:00Z', 1),
    // … and the execution fails in the period: the step's failure, counted before the period, not again
    execFailed('wf-leads', 'e4', '2026-03-02T00:00:30Z', 'step_failed', 'step s_score failed'),
    // e1, e2: the CRM step fails (auth_expired), then the execution (step_failed): one failure each, auth_expired
    ev.started('wf-leads', 'e1', '2026-03-02T09:59:00Z'),
    stepFailed('wf-leads', 'e1', 's_crm', '2026-03-02T10:00:01Z', 'auth_expired', 'token expired'),
    cost('wf-leads', 'e1', '2026-03-02T10:00:01Z', 0.25),
    execFailed('wf-leads', 'e1', '2026-03-02T10:00:06Z', 'step_failed', 'step s_crm failed'),
    ev.started('wf-leads', 'e2', '2026-03-02T10:59:00Z'),
    stepFailed('wf-leads', 'e2', 's_crm', '2026-03-02T11:00:01Z', 'auth_expired', 'token expired'),
    execFailed('wf-leads', 'e2', '2026-03-02T11:00:06Z', 'step_failed', 'step s_crm failed'),
    // e8 completes; e3's CRM step is rate limited, the execution goes on and completes
    ev.started('wf-leads', 'e8', '2026-03-02T15:00:00Z'),
    ev.completed('wf-leads', 'e8', '2026-03-02T15:01:00Z'),
    ev.started('wf-leads', 'e3', '2026-03-03T08:59:00Z'),
    stepFailed('wf-leads', 'e3', 's_crm', '2026-03-03T09:00:01Z', 'rate_limited', 'slow down'),
    cost('wf-leads', 'e3', '2026-03-03T09:30:00Z', 0.5),
    ev.completed('wf-leads', 'e3', '2026-03-03T09:30:00Z'),
    // e6: a v1 execution whose legacy step fails; still active
    ev.started('wf-leads', 'e6', '2026-03-03T12:59:00Z', { workflow_version: 1 }),
    stepFailed('wf-leads', 'e6', 's_legacy', '2026-03-03T13:00:00Z', 'smtp_error', 'mailbox full'),
    // after the period: the workflow's last run
    ev.started('wf-leads', 'x9', '2026-03-05T08:00:00Z'),
    // e5: an execution fails with step_failed and no failed step: nothing more specific, counted as step_failed
    ev.started('wf-mail', 'e5', '2026-03-02T11:59:00Z'),
    execFailed('wf-mail', 'e5', '2026-03-02T12:00:00Z', 'step_failed', 'step s_send failed'),
    // e7: a workflow only seen in events (no names in the catalog)
    ev.started('wf-raw', 'e7', '2026-03-03T13:59:00Z'),
    stepFailed('wf-raw', 'e7', 'x1', '2026-03-03T14:00:00Z', 'quota', 'over quota'),
  ];
  const r = await rt.call('POST', '/api/v1/events', ingest, events);
  assert.deepEqual([r.json.accepted, r.json.rejected.length], [events.length, 0], r.text);
});

after(async () => rt?.close());

describe('errors: each failure once, under its most specific type', () => {
  test('totals, types in the order of their failures, the old occurrence counts kept', async () => {
    const r = await rt.call('GET', url('executions/errors'), admin);
    assert.equal(r.status, 200, r.text);
    // events in the period: e1 2, e2 2, e4 1 (its step failed before), e3 1, e6 1, e5 1, e7 1
    assert.equal(r.json.total_errors, 9);
    // failures: e1's step, e2's step, e3, e6, e5, e7; e1's, e2's and e4's execution.failed follow a failed step
    assert.equal(r.json.total_failures, 6);
    assert.deepEqual(
      r.json.error_types.map((t: any) => [t.error_type, t.failures, t.failure_share_percent, t.after_step_failure, t.occurrences, t.share_percent]),
      [
        ['auth_expired', 2, 33.33, 0, 2, 22.22],
        ['step_failed', 1, 16.67, 3, 4, 44.44],
        ['quota', 1, 16.67, 0, 1, 11.11],
        ['rate_limited', 1, 16.67, 0, 1, 11.11],
        ['smtp_error', 1, 16.67, 0, 1, 11.11],
      ],
    );
    // 03-02: e4 1 + e1 2 + e2 2 + e5 1 events, failures e1, e2, e5; 03-03: e3, e6, e7
    assert.deepEqual(r.json.buckets, [{ date: '2026-03-02', errors: 6, failures: 3 }, { date: '2026-03-03', errors: 3, failures: 3 }]);
  });

  test('each message names its workflows and steps as the catalog does', async () => {
    const r = await rt.call('GET', url('executions/errors'), admin);
    const of = (type: string, message: string) => r.json.errors.find((e: any) => e.error_type === type && e.error_message === message);
    assert.deepEqual(of('auth_expired', 'token expired').places, [
      { workflow_id: 'wf-leads', workflow_name: 'Lead qualification', step_id: 's_crm', step_name: 'Sync to CRM', occurrences: 2, failures: 2 },
    ]);
    const crm = of('step_failed', 'step s_crm failed');
    assert.deepEqual([crm.occurrences, crm.failures, crm.source], [2, 0, 'execution']);
    assert.deepEqual(crm.places, [{ workflow_id: 'wf-leads', workflow_name: 'Lead qualification', step_id: null, step_name: null, occurrences: 2, failures: 0 }]);
    // the legacy step is named by the version that had it; an unregistered workflow and step by their ids
    assert.equal(of('smtp_error', 'mailbox full').places[0].step_name, 'Legacy step');
    assert.deepEqual(of('quota', 'over quota').places, [{ workflow_id: 'wf-raw', workflow_name: 'wf-raw', step_id: 'x1', step_name: 'x1', occurrences: 1, failures: 1 }]);
    assert.equal(of('step_failed', 'step s_send failed').failures, 1);
    // groups in the order of their failures: the two auth_expired first, the folded execution failures last
    assert.deepEqual(r.json.errors[0].error_type, 'auth_expired');
    assert.deepEqual(r.json.errors.slice(-2).map((e: any) => [e.error_message, e.failures]), [['step s_crm failed', 0], ['step s_score failed', 0]]);
  });

  test('filtered by workflow', async () => {
    const mail = await rt.call('GET', url('executions/errors', { workflow_id: 'wf-mail' }), admin);
    assert.equal(mail.status, 200, mail.text);
    assert.deepEqual([mail.json.workflows, mail.json.total_errors, mail.json.total_failures], [['wf-mail'], 1, 1]);
    const leads = await rt.call('GET', url('executions/errors', { workflow_id: 'wf-leads' }), admin);
    // 9 − e5 − e7
    assert.deepEqual([leads.json.total_errors, leads.json.total_failures], [7, 4]);
  });
});

describe('the workflow list', () => {
  test('failure rate, cost, last run and the change against the period before', async () => {
    const r = await rt.call('GET', url('workflows'), admin);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.bucket_dates, ['2026-03-02', '2026-03-03']);
    const row = (id: string) => r.json.workflows.find((w: any) => w.workflow_id === id);
    const pick = (w: any) => ({
      enrolled: w.total_enrolled, failed: w.failed, failure_rate: w.failure_rate, cost_usd: w.cost_usd, last_run_at: w.last_run_at,
      previous: w.previous, change: w.enrolled_change_percent,
    });
    // enrolled e1 e2 e8 e3 e6 (x9 after, p1 e4 before); failed e1 e2; before: p1 completed, e4 failed
    assert.deepEqual(pick(row('wf-leads')), {
      enrolled: 5, failed: 2, failure_rate: 40, cost_usd: 0.75, last_run_at: '2026-03-05T08:00:00.000Z',
      previous: { total_enrolled: 2, completion_rate: 50, failure_rate: 50 }, change: 150,
    });
    assert.deepEqual(pick(row('wf-mail')), {
      enrolled: 1, failed: 1, failure_rate: 100, cost_usd: 0, last_run_at: '2026-03-02T11:59:00.000Z',
      previous: { total_enrolled: 0, completion_rate: 0, failure_rate: 0 }, change: null,
    });
    assert.deepEqual([row('wf-raw').failure_rate, row('wf-raw').last_run_at], [0, '2026-03-03T13:59:00.000Z']);
  });
});
