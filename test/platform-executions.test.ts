/**
 * Platform analytics, execution statistics: /api/v1/analytics/executions[/summary|/errors] over a small
 * data set whose every figure is computed by hand below. Three workflows: wf-a and wf-b owned by
 * u-owner, wf-c by someone else (a member counts only its own). Covers groupBy, America/New_York
 * days, a duplicate start, a completion that arrives before its start, empty buckets and bad input.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ev, OPERATOR_KEY, startTestRuntime, type TestRuntime } from './helpers/runtime.js';

let rt: TestRuntime;
let admin = '';
let member = '';
let ingest = '';
const DAYS = { start_date: '2026-03-02', end_date: '2026-03-03' };
const url = (path: string, params: Record<string, string> = {}) => `/api/v1/analytics/${path}?${new URLSearchParams({ ...DAYS, ...params })}`;

before(async () => {
  rt = await startTestRuntime({ budgetTickMs: 0 });
  const acc = await rt.newAccount('admin');
  admin = acc.key;
  const mk = async (role: string, user: string) =>
    (await rt.call('POST', '/api/v1/api-keys', OPERATOR_KEY, { account_id: acc.accountId, role, name: role, user_id: user })).json.key as string;
  member = await mk('member', 'u-owner');
  ingest = await mk('ingest', 'u-engine');
  for (const [wf, owner] of [['wf-a', 'u-owner'], ['wf-b', 'u-owner'], ['wf-c', 'u-else']]) {
    const r = await rt.call('PUT', `/api/v1/workflows/${wf}`, admin, { name: wf, version: 1, owner_user_id: owner, steps: [{ step_id: 's1', name: 'Email', order: 1, type: 'action', action_type: 'send_email' }] });
    assert.equal(r.status, 201, r.text);
  }
  // b3's completion arrives first, in a request of its own
  const early = await rt.call('POST', '/api/v1/events', ingest, [ev.completed('wf-b', 'b3', '2026-03-03T15:00:00Z', { event_id: 'b3-done' })]);
  assert.equal(early.json.accepted, 1);
  const events = [
    // a1: webhook, v1, completed after 30 s
    ev.started('wf-a', 'a1', '2026-03-02T10:00:00Z', { trigger_type: 'webhook' }),
    ev.completed('wf-a', 'a1', '2026-03-02T10:00:30Z'),
    // a2: webhook, v1; its step fails, then the execution fails
    ev.started('wf-a', 'a2', '2026-03-02T11:00:00Z', { trigger_type: 'webhook' }),
    ev.step('failed', 'wf-a', 'a2', 's1', '2026-03-02T11:00:01Z', { error_type: 'smtp_error', error_message: 'mailbox full', duration_ms: 1000 }),
    ev.failed('wf-a', 'a2', '2026-03-02T11:00:10Z', { error_type: 'timeout', error_message: 'upstream timed out' }),
    // a3: schedule, v2; converts an hour later (goal_achieved, 3600 s)
    ev.started('wf-a', 'a3', '2026-03-02T23:30:00Z', { trigger_type: 'schedule', workflow_version: 2 }),
    ev.goal('wf-a', 'a3', '2026-03-03T00:30:00Z'),
    // a4: schedule, v2, still active; its start is sent twice (counted once)
    ev.started('wf-a', 'a4', '2026-03-03T05:00:00Z', { trigger_type: 'schedule', workflow_version: 2, event_id: 'a4-start' }),
    ev.started('wf-a', 'a4', '2026-03-03T05:00:00Z', { trigger_type: 'schedule', workflow_version: 2, event_id: 'a4-start' }),
    // a5: webhook, v2, exits (03:00 UTC on the 3rd = 22:00 EST on the 2nd)
    ev.started('wf-a', 'a5', '2026-03-03T03:00:00Z', { trigger_type: 'webhook', workflow_version: 2 }),
    ev.exited('wf-a', 'a5', '2026-03-03T03:05:00Z'),
    // b1: form, completed after 90 s; b2: form, fails
    ev.started('wf-b', 'b1', '2026-03-02T12:00:00Z', { trigger_type: 'form_submitted' }),
    ev.completed('wf-b', 'b1', '2026-03-02T12:01:30Z'),
    ev.started('wf-b', 'b2', '2026-03-03T13:00:00Z', { trigger_type: 'form_submitted' }),
    ev.failed('wf-b', 'b2', '2026-03-03T13:00:05Z', { error_type: 'timeout', error_message: 'upstream timed out' }),
    // b3: no trigger type; the late start of the completion above: 60 s
    ev.started('wf-b', 'b3', '2026-03-03T14:59:00Z'),
    // c1 (not the member's): webhook, completed after 10 s, one failed step
    ev.started('wf-c', 'c1', '2026-03-02T09:00:00Z', { trigger_type: 'webhook' }),
    ev.step('failed', 'wf-c', 'c1', 's9', '2026-03-02T09:00:05Z', { error_type: 'quota', error_message: 'over quota' }),
    ev.completed('wf-c', 'c1', '2026-03-02T09:00:10Z'),
    // outside the period
    ev.started('wf-a', 'a0', '2026-03-01T23:59:59Z', { trigger_type: 'webhook' }),
  ];
  const r = await rt.call('POST', '/api/v1/events', ingest, events);
  assert.deepEqual([r.json.accepted, r.json.duplicates, r.json.rejected.length], [events.length - 1, 1, 0]);
});

after(async () => rt?.close());

const counts = (executions: number, succeeded: number, failed: number, exited: number, active: number) => ({ executions, succeeded, failed, exited, active });

describe('executions per bucket', () => {
  test('admin: every workflow, daily buckets in UTC', async () => {
    const r = await rt.call('GET', url('executions'), admin);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.period, { ...DAYS, timezone: 'UTC', granularity: 'daily' });
    assert.deepEqual(r.json.workflows, ['wf-a', 'wf-b', 'wf-c']);
    assert.equal(r.json.group_by, null);
    // 2nd: a1 ✓, a2 ✗, a3 ✓(goal), b1 ✓, c1 ✓ — 3rd: a4 active, a5 exited, b2 ✗, b3 ✓
    assert.deepEqual(r.json.buckets, [{ date: '2026-03-02', ...counts(5, 4, 1, 0, 0) }, { date: '2026-03-03', ...counts(4, 1, 1, 1, 1) }]);
    assert.deepEqual(r.json.totals, counts(9, 5, 2, 1, 1));
    assert.equal(r.json.series, undefined);
  });

  test('a member counts only the workflows it may read', async () => {
    const r = await rt.call('GET', url('executions'), member);
    assert.deepEqual(r.json.workflows, ['wf-a', 'wf-b']);
    assert.deepEqual(r.json.totals, counts(8, 4, 2, 1, 1));
  });

  test('groupBy workflow, status, version, trigger_type', async () => {
    const by = async (g: string) => (await rt.call('GET', url('executions', { groupBy: g }), admin)).json;
    const wf = await by('workflow');
    assert.equal(wf.group_by, 'workflow');
    assert.deepEqual(wf.series.map((s: any) => [s.key, s.workflow_id, s.totals.executions, s.buckets.map((b: any) => b.executions)]), [
      ['wf-a', 'wf-a', 5, [3, 2]], ['wf-b', 'wf-b', 3, [1, 2]], ['wf-c', 'wf-c', 1, [1, 0]],
    ]);
    const st = await by('status');
    assert.deepEqual(st.series.map((s: any) => [s.key, s.totals.executions]), [['completed', 4], ['error', 2], ['active', 1], ['exited', 1], ['goal_achieved', 1]]);
    const v = await by('version');
    assert.deepEqual(v.series.map((s: any) => [s.key, s.workflow_id, s.version, s.totals.executions]), [
      ['wf-a v2', 'wf-a', 2, 3], ['wf-b v1', 'wf-b', 1, 3], ['wf-a v1', 'wf-a', 1, 2], ['wf-c v1', 'wf-c', 1, 1],
    ]);
    const tt = await by('trigger_type');
    assert.deepEqual(tt.series.map((s: any) => [s.key, s.totals.executions, s.totals.succeeded]), [['webhook', 4, 2], ['form_submitted', 2, 1], ['schedule', 2, 1], ['', 1, 1]]);
  });

  test('America/New_York: a5 (03:00 UTC on the 3rd) falls on the 2nd; hourly buckets carry the offset', async () => {
    const r = await rt.call('GET', url('executions', { timezone: 'America/New_York' }), admin);
    // NY 2nd = 05:00Z 2nd … 05:00Z 3rd: a1 a2 a3 b1 c1 a5; NY 3rd: a4 (05:00Z exactly) b2 b3
    assert.deepEqual(r.json.buckets.map((b: any) => [b.date, b.executions]), [['2026-03-02', 6], ['2026-03-03', 3]]);
    const h = await rt.call('GET', url('executions', { timezone: 'America/New_York', granularity: 'hourly', start_date: '2026-03-02', end_date: '2026-03-02' }), admin);
    assert.equal(h.json.buckets.length, 24);
    assert.equal(h.json.buckets[4].date, '2026-03-02T04:00:00-05:00');
    assert.equal(h.json.buckets[4].executions, 1); // c1 at 09:00Z
    assert.equal(h.json.buckets[22].executions, 1); // a5 at 22:00 EST
  });

  test('weekly buckets start on Monday; empty periods are zeros', async () => {
    const w = await rt.call('GET', url('executions', { start_date: '2026-02-25', end_date: '2026-03-10', granularity: 'weekly' }), admin);
    assert.deepEqual(w.json.buckets.map((b: any) => [b.date, b.executions]), [['2026-02-23', 1], ['2026-03-02', 9], ['2026-03-09', 0]]);
    const e = await rt.call('GET', url('executions', { start_date: '2025-01-01', end_date: '2025-01-03' }), admin);
    assert.deepEqual(e.json.buckets.map((b: any) => b.executions), [0, 0, 0]);
    assert.deepEqual(e.json.totals, counts(0, 0, 0, 0, 0));
  });

  test('workflow_id narrows to one workflow; one the member may not read is 403, an unknown one 404', async () => {
    const r = await rt.call('GET', url('executions', { workflow_id: 'wf-b' }), member);
    assert.deepEqual([r.json.workflows, r.json.totals.executions], [['wf-b'], 3]);
    assert.equal((await rt.call('GET', url('executions', { workflow_id: 'wf-c' }), member)).status, 403);
    assert.equal((await rt.call('GET', url('executions', { workflow_id: 'nope' }), admin)).status, 404);
  });
});

describe('summary', () => {
  test('rates, durations and trigger types', async () => {
    const r = await rt.call('GET', url('executions/summary'), admin);
    assert.equal(r.status, 200, r.text);
    const s = r.json.summary;
    assert.deepEqual([s.executions, s.succeeded, s.failed, s.exited, s.active], [9, 5, 2, 1, 1]);
    assert.equal(s.success_rate, 55.56); // 5/9
    assert.equal(s.failure_rate, 22.22); // 2/9
    // succeeded durations 10, 30, 60, 90, 3600 s: mean 758, median 60, p95 the largest
    assert.deepEqual(s.duration_seconds, { mean: 758, p50: 60, p95: 3600 });
    assert.deepEqual(s.trigger_types, { webhook: 4, form_submitted: 2, schedule: 2, '(none)': 1 });
  });

  test('compare=previous_period', async () => {
    const r = await rt.call('GET', url('executions/summary', { start_date: '2026-03-03', end_date: '2026-03-03', compare: 'previous_period' }), admin);
    assert.equal(r.json.summary.executions, 4);
    assert.equal(r.json.comparison.summary.executions, 5);
    assert.equal(r.json.comparison.change_percent.executions, -20);
    assert.equal(r.json.comparison.change_percent.succeeded, -75); // 1 vs 4
    assert.deepEqual(r.json.comparison.period, { start_date: '2026-03-02', end_date: '2026-03-02', timezone: 'UTC', granularity: 'daily' });
  });
});

describe('errors', () => {
  test('grouped by type and message, with first/last seen and the workflows affected', async () => {
    const r = await rt.call('GET', url('executions/errors'), admin);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.total_errors, 4);
    assert.deepEqual(r.json.error_types.map((t: any) => [t.error_type, t.occurrences, t.share_percent, t.execution_failures, t.step_failures, t.executions, t.workflows]), [
      ['timeout', 2, 50, 2, 0, 2, 2], ['quota', 1, 25, 0, 1, 1, 1], ['smtp_error', 1, 25, 0, 1, 1, 1],
    ]);
    const timeout = r.json.error_types[0];
    assert.deepEqual([timeout.first_seen, timeout.last_seen], ['2026-03-02T11:00:10.000Z', '2026-03-03T13:00:05.000Z']);
    assert.deepEqual(r.json.errors[0], {
      error_type: 'timeout', error_message: 'upstream timed out', source: 'execution', occurrences: 2, executions: 2,
      first_seen: '2026-03-02T11:00:10.000Z', last_seen: '2026-03-03T13:00:05.000Z', workflows: ['wf-a', 'wf-b'], steps: [],
      // a2's execution failure follows its failed step (smtp_error): counted there, not again here
      failures: 1,
      places: [
        { workflow_id: 'wf-b', workflow_name: 'wf-b', step_id: null, step_name: null, occurrences: 1, failures: 1 },
        { workflow_id: 'wf-a', workflow_name: 'wf-a', step_id: null, step_name: null, occurrences: 1, failures: 0 },
      ],
    });
    assert.deepEqual(r.json.errors.slice(1).map((e: any) => [e.error_type, e.error_message, e.source, e.steps, e.workflows]), [
      ['quota', 'over quota', 'step', ['s9'], ['wf-c']], ['smtp_error', 'mailbox full', 'step', ['s1'], ['wf-a']],
    ]);
    assert.deepEqual(r.json.buckets, [{ date: '2026-03-02', errors: 3, failures: 2 }, { date: '2026-03-03', errors: 1, failures: 1 }]);
  });

  test('a member does not see errors of workflows it may not read; limit caps the groups', async () => {
    const r = await rt.call('GET', url('executions/errors', { limit: '1' }), member);
    assert.equal(r.json.total_errors, 3);
    assert.equal(r.json.errors.length, 1);
  });
});

describe('bad input and access', () => {
  test('400 problems name the parameter', async () => {
    const cases: Array<[string, Record<string, string>, string]> = [
      ['executions', { groupBy: 'colour' }, '/groupBy'],
      ['executions', { timezone: 'Mars/Olympus' }, '/timezone'],
      ['executions', { start_date: '2026-03-05', end_date: '2026-03-01' }, '/start_date'],
      ['executions', { granularity: 'fortnightly' }, '/granularity'],
      ['executions/errors', { limit: '0' }, '/limit'],
      ['executions/summary', { surprise: '1' }, ''],
    ];
    for (const [path, params, where] of cases) {
      const r = await rt.call('GET', url(path, params), admin);
      assert.equal(r.status, 400, `${path} ${JSON.stringify(params)}: ${r.text}`);
      assert.match(String(r.headers['content-type']), /application\/problem\+json/);
      if (where) assert.ok(r.json.errors.some((e: any) => e.path === where), `${where} in ${r.text}`);
    }
  });

  test('an ingest key may not read analytics', async () => {
    assert.equal((await rt.call('GET', url('executions'), ingest)).status, 403);
  });

  test('a result served from the cache is refreshed by new events', async () => {
    const before = (await rt.call('GET', url('executions'), admin)).json.totals.executions;
    await rt.call('POST', '/api/v1/events', ingest, [ev.started('wf-b', 'b4', '2026-03-03T20:00:00Z')]);
    assert.equal((await rt.call('GET', url('executions'), admin)).json.totals.executions, before + 1);
  });
});
