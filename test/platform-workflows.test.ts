/**
 * Platform analytics, workflow performance: /analytics/workflows/{id}/performance and /steps,
 * /workflows/comparison, /workflows/rankings and /analytics/roi, over a data set computed by hand.
 * wf-p (v1: 600 s saved per execution, $20 per conversion; v2: 900 s, $30) and wf-q (no value settings).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ev, OPERATOR_KEY, startTestRuntime, type TestRuntime } from './helpers/runtime.js';

let rt: TestRuntime;
let admin = '';
let member = '';
const DAYS = { start_date: '2026-03-02', end_date: '2026-03-03' };
const url = (path: string, params: Record<string, string> = {}) => `/api/v1/analytics/${path}?${new URLSearchParams({ ...DAYS, ...params })}`;
const STEPS = [
  { step_id: 's1', name: 'Send email', order: 1, type: 'action', action_type: 'send_email' },
  { step_id: 's2', name: 'Wait an hour', order: 2, type: 'wait' },
  { step_id: 's3', name: 'Call CRM', order: 3, type: 'action', action_type: 'http_request' },
];
const cost = (wf: string, ex: string, ts: string, step: string | undefined, action: string, usd: number) => ({
  type: 'cost.recorded', workflow_id: wf, execution_id: ex, timestamp: ts, action_type: action, amount_usd: usd, ...(step ? { step_id: step } : {}),
});

before(async () => {
  rt = await startTestRuntime({ budgetTickMs: 0 });
  const acc = await rt.newAccount('admin');
  admin = acc.key;
  member = (await rt.call('POST', '/api/v1/api-keys', OPERATOR_KEY, { account_id: acc.accountId, role: 'member', name: 'm', user_id: 'u-p' })).json.key;
  for (const [version, saved, value] of [[1, 600, 20], [2, 900, 30]]) {
    const r = await rt.call('PUT', '/api/v1/workflows/wf-p', admin, { name: 'Onboarding', version, owner_user_id: 'u-p', steps: STEPS, time_saved_seconds_per_execution: saved, value_per_conversion_usd: value });
    assert.ok(r.status < 300, r.text);
  }
  await rt.call('PUT', '/api/v1/workflows/wf-q', admin, { name: 'Digest', version: 1, owner_user_id: 'u-q', steps: [] });
  const s = (kind: 'started' | 'completed' | 'failed' | 'skipped', ex: string, step: string, ts: string, extra: Record<string, unknown> = {}) =>
    ev.step(kind, 'wf-p', ex, step, ts, step === 's2' ? { step_type: 'wait', action_type: undefined, ...extra } : step === 's3' ? { action_type: 'http_request', ...extra } : extra);
  const events = [
    // p1 (v1, variant A): s1 2 s, s2 waits 1 h (no duration: from its start), s3 0.5 s; completed after 3603 s; $0.10 + $0.40
    ev.started('wf-p', 'p1', '2026-03-02T10:00:00Z', { variant: 'A' }),
    s('started', 'p1', 's1', '2026-03-02T10:00:00Z'),
    s('completed', 'p1', 's1', '2026-03-02T10:00:02Z', { duration_ms: 2000, credits_used: 1 }),
    s('started', 'p1', 's2', '2026-03-02T10:00:02Z'),
    s('completed', 'p1', 's2', '2026-03-02T11:00:02Z'),
    s('started', 'p1', 's3', '2026-03-02T11:00:02Z'),
    s('completed', 'p1', 's3', '2026-03-02T11:00:02.500Z', { duration_ms: 500 }),
    ev.completed('wf-p', 'p1', '2026-03-02T11:00:03Z'),
    cost('wf-p', 'p1', '2026-03-02T10:00:02Z', 's1', 'send_email', 0.1),
    cost('wf-p', 'p1', '2026-03-02T11:00:02.500Z', 's3', 'http_request', 0.4),
    // p2 (v1, variant B): s1 4 s; waits; converts after 3600 s; $0.10
    ev.started('wf-p', 'p2', '2026-03-02T12:00:00Z', { variant: 'B' }),
    s('started', 'p2', 's1', '2026-03-02T12:00:00Z'),
    s('completed', 'p2', 's1', '2026-03-02T12:00:04Z', { duration_ms: 4000, credits_used: 1 }),
    s('started', 'p2', 's2', '2026-03-02T12:00:04Z'),
    ev.goal('wf-p', 'p2', '2026-03-02T13:00:00Z'),
    cost('wf-p', 'p2', '2026-03-02T12:00:04Z', 's1', 'send_email', 0.1),
    // p3 (v2, variant A): s1 fails after 1 s, then the execution; $0.10
    ev.started('wf-p', 'p3', '2026-03-02T14:00:00Z', { workflow_version: 2, variant: 'A' }),
    s('started', 'p3', 's1', '2026-03-02T14:00:00Z', { workflow_version: 2 }),
    s('failed', 'p3', 's1', '2026-03-02T14:00:01Z', { duration_ms: 1000, workflow_version: 2 }),
    ev.failed('wf-p', 'p3', '2026-03-02T14:00:05Z', { workflow_version: 2 }),
    cost('wf-p', 'p3', '2026-03-02T14:00:01Z', 's1', 'send_email', 0.1),
    // p4 (v2): s1 6 s, s2 skipped, s3 1 s, converts, completes after 10 s; $0.10 + $0.40
    ev.started('wf-p', 'p4', '2026-03-03T09:00:00Z', { workflow_version: 2 }),
    s('started', 'p4', 's1', '2026-03-03T09:00:00Z', { workflow_version: 2 }),
    s('completed', 'p4', 's1', '2026-03-03T09:00:06Z', { duration_ms: 6000, workflow_version: 2 }),
    s('skipped', 'p4', 's2', '2026-03-03T09:00:06Z', { workflow_version: 2 }),
    s('started', 'p4', 's3', '2026-03-03T09:00:06Z', { workflow_version: 2 }),
    s('completed', 'p4', 's3', '2026-03-03T09:00:07Z', { duration_ms: 1000, workflow_version: 2 }),
    ev.goal('wf-p', 'p4', '2026-03-03T09:00:08Z', { workflow_version: 2 }),
    ev.completed('wf-p', 'p4', '2026-03-03T09:00:10Z', { workflow_version: 2 }),
    cost('wf-p', 'p4', '2026-03-03T09:00:06Z', 's1', 'send_email', 0.1),
    cost('wf-p', 'p4', '2026-03-03T09:00:07Z', 's3', 'http_request', 0.4),
    // wf-q: q1 completes after 20 s ($2 of LLM), q2 fails
    ev.started('wf-q', 'q1', '2026-03-02T08:00:00Z'),
    ev.completed('wf-q', 'q1', '2026-03-02T08:00:20Z'),
    cost('wf-q', 'q1', '2026-03-02T08:00:10Z', undefined, 'llm', 2),
    ev.started('wf-q', 'q2', '2026-03-03T08:00:00Z'),
    ev.failed('wf-q', 'q2', '2026-03-03T08:00:01Z'),
  ];
  const r = await rt.call('POST', '/api/v1/events', admin, events);
  assert.deepEqual([r.json.accepted, r.json.rejected.length], [events.length, 0], r.text);
});

after(async () => rt?.close());

describe('performance of one workflow', () => {
  test('totals, ROI and a trend per day', async () => {
    const r = await rt.call('GET', url('workflows/wf-p/performance'), admin);
    assert.equal(r.status, 200, r.text);
    const t = r.json.totals;
    assert.deepEqual([t.executions, t.succeeded, t.failed, t.conversions], [4, 3, 1, 2]);
    assert.deepEqual([t.success_rate, t.failure_rate, t.conversion_rate], [75, 25, 50]);
    // succeeded: p1 3603 s, p2 3600 s, p4 10 s
    assert.deepEqual(t.duration_seconds, { mean: 2404.33, p50: 3600, p95: 3603 });
    assert.deepEqual(t.cost, { executions: 4, credits: 2, usd: 1.2, credits_per_execution: 0.5, usd_per_execution: 0.3 });
    assert.deepEqual(r.json.trends.map((d: any) => [d.date, d.executions, d.succeeded, d.failed, d.cost.usd, d.duration_seconds.p50]), [
      ['2026-03-02', 3, 2, 1, 0.7, 3603], ['2026-03-03', 1, 1, 0, 0.5, 10], // exact median of two: the upper one
    ]);
    assert.equal(r.json.roi.roi_percent, 4066.67);
  });

  test('version and variant filters; Asia/Kolkata hourly buckets', async () => {
    const v2 = await rt.call('GET', url('workflows/wf-p/performance', { version: '2' }), admin);
    assert.deepEqual([v2.json.totals.executions, v2.json.totals.failed, v2.json.filters], [2, 1, { version: 2, variant: null, enrollment_source: null, exit_reason: null }]);
    const a = await rt.call('GET', url('workflows/wf-p/performance', { variant: 'A' }), admin);
    assert.deepEqual([a.json.totals.executions, a.json.totals.succeeded], [2, 1]); // p1, p3
    const k = await rt.call('GET', url('workflows/wf-p/performance', { start_date: '2026-03-02', end_date: '2026-03-02', timezone: 'Asia/Kolkata', granularity: 'hourly' }), admin);
    assert.equal(k.json.trends.length, 24);
    assert.equal(k.json.trends[15].date, '2026-03-02T15:00:00+05:30');
    assert.equal(k.json.trends[15].executions, 1); // p1 at 10:00Z = 15:30 IST
    assert.equal(k.json.totals.executions, 3);
  });

  test('an unknown workflow is 404; one the member may not read is 403', async () => {
    assert.equal((await rt.call('GET', url('workflows/nope/performance'), admin)).status, 404);
    assert.equal((await rt.call('GET', url('workflows/wf-q/performance'), member)).status, 403);
    assert.equal((await rt.call('GET', url('workflows/wf-p/performance'), member)).status, 200);
  });
});

describe('steps', () => {
  test('timing, failure rate, time share and the bottleneck', async () => {
    const r = await rt.call('GET', url('workflows/wf-p/steps'), admin);
    assert.equal(r.status, 200, r.text);
    const [s1, s2, s3] = r.json.steps;
    assert.deepEqual(r.json.steps.map((s: any) => [s.step_id, s.step_name, s.step_type]), [['s1', 'Send email', 'action'], ['s2', 'Wait an hour', 'wait'], ['s3', 'Call CRM', 'action']]);
    // s1: 2000, 4000, 1000 (failed), 6000 ms
    assert.deepEqual([s1.started, s1.completed, s1.failed, s1.skipped, s1.failure_rate], [4, 3, 1, 0, 25]);
    assert.deepEqual(s1.duration_ms, { mean: 3250, p50: 4000, p95: 6000 });
    assert.deepEqual([s1.total_time_ms, s1.time_share_percent, s1.action_type, s1.error_types], [13000, 0.36, 'send_email', { smtp_error: 1 }]);
    // s2: p1's completion carried no duration: 1 h from its start; p4 skipped it
    assert.deepEqual([s2.started, s2.completed, s2.skipped, s2.failure_rate, s2.duration_ms.p50, s2.time_share_percent], [2, 1, 1, 0, 3600000, 99.6]);
    assert.deepEqual([s3.completed, s3.duration_ms, s3.time_share_percent], [2, { mean: 750, p50: 1000, p95: 1000 }, 0.04]);
    // the wait holds the most time but is deliberate: the bottleneck is s1
    assert.deepEqual([r.json.bottleneck_step, r.json.slowest_step_p95, r.json.most_failing_step], ['s1', 's1', 's1']);
  });

  test('version 2 only', async () => {
    const r = await rt.call('GET', url('workflows/wf-p/steps', { version: '2' }), admin);
    const s1 = r.json.steps.find((s: any) => s.step_id === 's1');
    assert.deepEqual([s1.completed, s1.failed, s1.failure_rate, s1.duration_ms.mean], [1, 1, 50, 3500]);
  });
});

describe('comparison', () => {
  test('two workflows side by side', async () => {
    const r = await rt.call('GET', url('workflows/comparison', { workflow_ids: 'wf-p,wf-q' }), admin);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.compared, 'workflows');
    assert.deepEqual(r.json.items.map((i: any) => [i.workflow_id, i.version, i.stats.executions, i.stats.success_rate, i.stats.cost.usd, i.trends.map((t: any) => t.executions)]), [
      ['wf-p', null, 4, 75, 1.2, [3, 1]], ['wf-q', null, 2, 50, 2, [1, 1]],
    ]);
  });

  test('versions of one workflow', async () => {
    const r = await rt.call('GET', url('workflows/comparison', { workflow_id: 'wf-p', versions: '1,2' }), admin);
    assert.equal(r.json.compared, 'versions');
    assert.deepEqual(r.json.items.map((i: any) => [i.version, i.stats.executions, i.stats.succeeded, i.stats.failed, i.stats.duration_seconds.mean]), [
      [1, 2, 2, 0, 3601.5], [2, 2, 1, 1, 10],
    ]);
  });

  test('bad lists are 400, unreadable workflows 403', async () => {
    for (const params of <Array<Record<string, string>>>[{}, { workflow_ids: ',' }, { workflow_ids: 'a,b', versions: '1' }, { workflow_id: 'wf-p', versions: '1,x' }, { workflow_id: 'wf-p' }]) {
      const r = await rt.call('GET', url('workflows/comparison', params), admin);
      assert.equal(r.status, 400, `${JSON.stringify(params)}: ${r.text}`);
      assert.ok(r.json.errors?.length > 0);
    }
    assert.equal((await rt.call('GET', url('workflows/comparison', { workflow_ids: 'wf-p,wf-q' }), member)).status, 403);
    assert.equal((await rt.call('GET', url('workflows/comparison', { workflow_ids: 'wf-p,zzz' }), admin)).status, 404);
  });
});

describe('rankings', () => {
  test('slowest, most failing, most used, most costly', async () => {
    const r = await rt.call('GET', url('workflows/rankings'), admin);
    assert.equal(r.status, 200, r.text);
    const list = (k: string) => r.json[k].map((x: any) => [x.rank, x.workflow_id, x.value]);
    assert.deepEqual(list('slowest'), [[1, 'wf-p', 2404.33], [2, 'wf-q', 20]]);
    assert.deepEqual(list('most_failing'), [[1, 'wf-q', 50], [2, 'wf-p', 25]]);
    assert.deepEqual(list('most_used'), [[1, 'wf-p', 4], [2, 'wf-q', 2]]);
    assert.deepEqual(list('most_costly'), [[1, 'wf-q', 2], [2, 'wf-p', 1.2]]);
    const strict = await rt.call('GET', url('workflows/rankings', { min_executions: '3', limit: '1' }), admin);
    assert.deepEqual(strict.json.most_failing.map((x: any) => x.workflow_id), ['wf-p']);
    assert.equal(strict.json.most_used.length, 1);
    const mine = await rt.call('GET', url('workflows/rankings'), member);
    assert.deepEqual(mine.json.most_used.map((x: any) => x.workflow_id), ['wf-p']);
  });
});

describe('ROI', () => {
  test('time saved, value generated, cost and ROI per workflow', async () => {
    const r = await rt.call('GET', url('roi'), admin);
    assert.equal(r.status, 200, r.text);
    const [p, q] = r.json.workflows;
    // v1: 2 succeeded × 600 s, 1 conversion × $20; v2: 1 × 900 s, 1 × $30 → 2100 s, $50; cost $1.20
    assert.deepEqual(p, {
      workflow_id: 'wf-p', executions: 4, succeeded: 3, conversions: 2,
      time_saved_seconds_per_execution: null, value_per_conversion_usd: null,
      time_saved_hours: 0.58, value_generated_usd: 50, goal_value_usd: 0, cost_usd: 1.2, net_value_usd: 48.8, roi_percent: 4066.67, time_saved_from: 'catalog',
    });
    assert.deepEqual([q.workflow_id, q.time_saved_hours, q.value_generated_usd, q.cost_usd, q.roi_percent], ['wf-q', null, null, 2, null]);
    assert.deepEqual(r.json.totals, { executions: 6, time_saved_hours: 0.58, value_generated_usd: 50, cost_usd: 3.2, net_value_usd: 46.8, roi_percent: 1462.5 });
  });

  test('an hourly rate values the time saved; one version alone shows its settings', async () => {
    const r = await rt.call('GET', url('roi', { workflow_id: 'wf-p', hourly_rate_usd: '60' }), admin);
    // 2100 s = 0.5833 h × $60 = $35, + $50
    assert.deepEqual([r.json.workflows[0].value_generated_usd, r.json.workflows[0].roi_percent], [85, 6983.33]);
    const v1 = await rt.call('GET', url('roi', { start_date: '2026-03-02', end_date: '2026-03-02', workflow_id: 'wf-p' }), admin);
    // the 2nd: p1, p2 (v1) and p3 (v2): both versions again
    assert.equal(v1.json.workflows[0].time_saved_seconds_per_execution, null);
    const perf = await rt.call('GET', url('workflows/wf-p/performance', { version: '1' }), admin);
    assert.deepEqual([perf.json.roi.time_saved_seconds_per_execution, perf.json.roi.value_per_conversion_usd, perf.json.roi.time_saved_hours, perf.json.roi.value_generated_usd], [600, 20, 0.33, 20]);
  });

  test('the account\'s ROI assumptions: its hourly rate unless the request gives one, its time saved per run in place of the catalog\'s', async () => {
    const put = (body: unknown, key = admin) => rt.call('PUT', '/api/v1/account/settings', key, body);
    const set = await put({ roi_hourly_rate_usd: 40, roi_time_saved: [{ workflow_id: 'wf-q', seconds_per_execution: 1800 }] });
    assert.equal(set.status, 200, set.text);
    assert.deepEqual([set.json.roi_hourly_rate_usd, set.json.roi_time_saved], [40, [{ workflow_id: 'wf-q', seconds_per_execution: 1800 }]]);
    const r = await rt.call('GET', url('roi'), admin);
    const [p, q] = r.json.workflows; // by ROI
    // wf-q: 1 succeeded × 1800 s = 0.5 h × $40 = $20 against $2 → 900 %; wf-p: 2100 s = 0.5833 h × $40 = $23.33 + $50 = $73.33 against $1.20
    assert.deepEqual([q.workflow_id, q.time_saved_seconds_per_execution, q.time_saved_from, q.time_saved_hours, q.value_generated_usd, q.net_value_usd, q.roi_percent], ['wf-q', 1800, 'account', 0.5, 20, 18, 900]);
    assert.deepEqual([p.workflow_id, p.time_saved_from, p.value_generated_usd, p.roi_percent], ['wf-p', 'catalog', 73.33, 6011.11]);
    // totals from the rounded rows: 0.58 + 0.5 h, $93.33 against $3.20 → 2,816.56 %
    assert.deepEqual(r.json.totals, { executions: 6, time_saved_hours: 1.08, value_generated_usd: 93.33, cost_usd: 3.2, net_value_usd: 90.13, roi_percent: 2816.56 });
    assert.equal(r.json.hourly_rate_usd, 40);
    // the request's own rate wins: 0.5 h × $60
    const at60 = await rt.call('GET', url('roi', { workflow_id: 'wf-q', hourly_rate_usd: '60' }), admin);
    assert.deepEqual([at60.json.hourly_rate_usd, at60.json.workflows[0].value_generated_usd], [60, 30]);
    const perf = await rt.call('GET', url('workflows/wf-q/performance'), admin);
    assert.deepEqual([perf.json.roi.time_saved_from, perf.json.roi.value_generated_usd], ['account', 20]);

    // refused with the field named; a member may not change them
    const negative = await put({ roi_hourly_rate_usd: -5 });
    assert.equal(negative.status, 400);
    assert.equal(negative.json.errors[0].path, '/roi_hourly_rate_usd');
    const unknown = await put({ roi_time_saved: [{ workflow_id: 'wf-q', seconds_per_execution: 60 }, { workflow_id: 'nope', seconds_per_execution: 60 }, { workflow_id: 'wf-q', seconds_per_execution: 5 }] });
    assert.equal(unknown.status, 400);
    assert.deepEqual(unknown.json.errors, [
      { path: '/roi_time_saved/1/workflow_id', message: 'no such workflow in this account' },
      { path: '/roi_time_saved/2/workflow_id', message: 'is listed twice' },
    ]);
    const seconds = await put({ roi_time_saved: [{ workflow_id: 'wf-q', seconds_per_execution: -1 }] });
    assert.equal(seconds.json.errors[0].path, '/roi_time_saved/0/seconds_per_execution');
    assert.equal((await put({ roi_hourly_rate_usd: 1 }, member)).status, 403);

    // cleared: back to the catalog's figures
    assert.equal((await put({ roi_hourly_rate_usd: null, roi_time_saved: [] })).status, 200);
    const back = await rt.call('GET', url('roi'), admin);
    assert.deepEqual(back.json.totals, { executions: 6, time_saved_hours: 0.58, value_generated_usd: 50, cost_usd: 3.2, net_value_usd: 46.8, roi_percent: 1462.5 });
  });
});
