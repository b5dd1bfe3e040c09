/**
 * SPEC-WFL-009 analytics over a small data set whose every figure is computed by hand in the comments.
 * Covers cohort boundaries in UTC, America/New_York (DST end) and Asia/Kolkata (+05:30), late and
 * out-of-order events, duplicates, empty periods, a workflow without catalog, version and variant
 * filters, comparison mode, the rollup/raw choice and the 400/404 problems.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ev, startTestRuntime, type TestRuntime } from './helpers/runtime.js';
import { clickhouseUnderTest } from './helpers/services.js';

let rt: TestRuntime;
let key: string;
const WF = 'wf-a';
const q = (path: string, params: Record<string, string>) => `/api/v1/workflows/${WF}/analytics${path}?${new URLSearchParams(params)}`;
const MARCH = { start_date: '2026-03-02', end_date: '2026-03-03' };

before(async () => {
  // a ClickHouse server or cluster when FLOWLENS_TEST_CLICKHOUSE_URL (and _CLUSTER) is set, else the embedded engine
  const { clickhouseUrl, clickhouseCluster } = clickhouseUnderTest();
  rt = await startTestRuntime({ clickhouseUrl, clickhouseCluster });
  ({ key } = await rt.newAccount());
  const reg = await rt.call('PUT', `/api/v1/workflows/${WF}`, key, {
    name: 'Welcome', version: 1,
    steps: [
      { step_id: 's1', name: 'Send welcome email', order: 1, type: 'action', action_type: 'send_email' },
      { step_id: 's2', name: 'Wait 2 hours', order: 2, type: 'wait' },
      { step_id: 's3', name: 'Send SMS', order: 3, type: 'action', action_type: 'send_sms' },
    ],
  });
  assert.equal(reg.status, 201);
  const wait = (kind: 'started' | 'completed', ex: string, ts: string) => ev.step(kind, WF, ex, 's2', ts, { step_type: 'wait', action_type: undefined });
  // e7's completion arrives before its start (out of order, separate requests)
  const early = await rt.call('POST', '/api/v1/events', key, [ev.completed(WF, 'e7', '2026-03-03T10:00:00Z', { event_id: 'e7-done' })]);
  assert.equal(early.json.accepted, 1);
  const batch = [
    // e1: trigger, variant A; s1 2 s, s2 2 h (no duration: from timestamps), s3 0.5 s (no duration); completed after 2h0m3s
    ev.started(WF, 'e1', '2026-03-02T10:00:00Z', { variant: 'A' }),
    ev.step('started', WF, 'e1', 's1', '2026-03-02T10:00:00Z'),
    ev.step('completed', WF, 'e1', 's1', '2026-03-02T10:00:02Z', { duration_ms: 2000 }),
    wait('started', 'e1', '2026-03-02T10:00:02Z'),
    wait('completed', 'e1', '2026-03-02T12:00:02Z'),
    ev.step('started', WF, 'e1', 's3', '2026-03-02T12:00:02Z', { action_type: 'send_sms' }),
    ev.step('completed', WF, 'e1', 's3', '2026-03-02T12:00:02.500Z', { action_type: 'send_sms' }),
    ev.completed(WF, 'e1', '2026-03-02T12:00:03Z'),
    // e2: api, variant B, version 2; s1 4 s; waits; converts 24 h after enrolling
    ev.started(WF, 'e2', '2026-03-02T11:00:00Z', { enrollment_source: 'api', variant: 'B', workflow_version: 2 }),
    ev.step('started', WF, 'e2', 's1', '2026-03-02T11:00:00Z', { workflow_version: 2 }),
    ev.step('completed', WF, 'e2', 's1', '2026-03-02T11:00:04Z', { duration_ms: 4000, workflow_version: 2 }),
    wait('started', 'e2', '2026-03-02T11:00:04Z'),
    ev.goal(WF, 'e2', '2026-03-03T11:00:00Z', { goal_type: 'purchase', value: 50 }),
    // e3: variant A; s1 fails after 1 s; exits (unsubscribed) just after midnight UTC
    ev.started(WF, 'e3', '2026-03-02T23:30:00Z', { variant: 'A' }),
    ev.step('started', WF, 'e3', 's1', '2026-03-02T23:30:00Z'),
    ev.step('failed', WF, 'e3', 's1', '2026-03-02T23:30:01Z', { duration_ms: 1000 }),
    ev.exited(WF, 'e3', '2026-03-03T00:10:00Z', 'unsubscribed'),
    // e4: still active in s1
    ev.started(WF, 'e4', '2026-03-03T05:00:00Z'),
    ev.step('started', WF, 'e4', 's1', '2026-03-03T05:00:00Z'),
    // e5: its start is sent twice (same event_id: counted once); s1 3 s; then the execution fails
    ev.started(WF, 'e5', '2026-03-03T06:00:00Z', { event_id: 'e5-start' }),
    ev.started(WF, 'e5', '2026-03-03T06:00:00Z', { event_id: 'e5-start' }),
    ev.step('started', WF, 'e5', 's1', '2026-03-03T06:00:00Z'),
    ev.step('completed', WF, 'e5', 's1', '2026-03-03T06:00:03Z', { duration_ms: 3000 }),
    ev.failed(WF, 'e5', '2026-03-03T07:00:00Z', { error_type: 'timeout', error_message: 'gave up' }),
    // e6: enrolled one second before the period (UTC); its completion falls inside
    ev.started(WF, 'e6', '2026-03-01T23:59:59Z'),
    ev.completed(WF, 'e6', '2026-03-02T01:00:00Z'),
    // e7: the late start of the execution completed above: 1 h
    ev.started(WF, 'e7', '2026-03-03T09:00:00Z'),
  ];
  const res = await rt.call('POST', '/api/v1/events', key, batch);
  assert.equal(res.status, 200, res.text);
  assert.deepEqual([res.json.accepted, res.json.duplicates, res.json.rejected.length], [batch.length - 1, 1, 0]);
});

after(async () => {
  await rt.close();
});

describe('summary', () => {
  test('cohort figures over two UTC days', async () => {
    const r = await rt.call('GET', q('', MARCH), key);
    assert.equal(r.status, 200, r.text);
    // a past period: complete, every bucket begun (as_of is the clock's)
    const { as_of, ...period } = r.json.period;
    assert.match(as_of, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?\+00:00$/);
    assert.deepEqual(period, { ...MARCH, timezone: 'UTC', granularity: 'daily', complete: true, buckets_begun: 2, bucket_in_progress: null });
    const s = r.json.summary;
    // cohort e1 e2 e3 e4 e5 e7 (e6 enrolled before)
    assert.equal(s.total_enrolled, 6);
    assert.equal(s.currently_active, 1); // e4
    assert.equal(s.completed, 3); // e1, e7 completed; e2 goal_achieved
    assert.equal(s.completion_rate, 50);
    assert.equal(s.goals_achieved, 1);
    assert.equal(s.conversion_rate, 16.67);
    // (2h0m3s + 24h + 1h) / 3 = 9.000277… h
    assert.equal(s.average_duration_hours, 9);
    assert.deepEqual(s.duration_hours, { p50: 2, p90: 24, p95: 24 });
    assert.equal(s.time_to_conversion_hours, 24);
    assert.deepEqual(s.exit_reasons, { unsubscribed: 1 });
    assert.deepEqual(s.error_types, { timeout: 1 });
    assert.deepEqual(s.enrollment_sources, { trigger: 5, api: 1 });
    assert.deepEqual(s.goal_breakdown, { purchase: 1 });
    assert.equal(s.goal_value, 50);
  });

  test('trends count each figure by its own time, with empty buckets', async () => {
    const r = await rt.call('GET', q('', { start_date: '2026-03-01', end_date: '2026-03-04' }), key);
    assert.deepEqual(r.json.trends, [
      { date: '2026-03-01', new_enrollments: 1, completions: 0, conversions: 0, enrollment_rate: 0.04 }, // e6
      { date: '2026-03-02', new_enrollments: 3, completions: 2, conversions: 0, enrollment_rate: 0.13 }, // e1 e2 e3; done e6 e1
      { date: '2026-03-03', new_enrollments: 3, completions: 2, conversions: 1, enrollment_rate: 0.13 }, // e4 e5 e7; done e7 e2
      { date: '2026-03-04', new_enrollments: 0, completions: 0, conversions: 0, enrollment_rate: 0 },
    ]);
  });

  test('weekly and monthly buckets start on Monday and the 1st', async () => {
    const w = await rt.call('GET', q('', { start_date: '2026-02-25', end_date: '2026-03-10', granularity: 'weekly' }), key);
    assert.deepEqual(w.json.trends.map((t: any) => [t.date, t.new_enrollments]), [['2026-02-23', 1], ['2026-03-02', 6], ['2026-03-09', 0]]);
    const m = await rt.call('GET', q('', { start_date: '2026-02-01', end_date: '2026-03-31', granularity: 'monthly' }), key);
    assert.deepEqual(m.json.trends.map((t: any) => [t.date, t.new_enrollments, t.completions]), [['2026-02-01', 0, 0], ['2026-03-01', 7, 4]]);
  });

  test('an empty period is zeros, not an error', async () => {
    const r = await rt.call('GET', q('', { start_date: '2025-01-01', end_date: '2025-01-03' }), key);
    assert.equal(r.status, 200);
    assert.equal(r.json.summary.total_enrolled, 0);
    assert.equal(r.json.summary.completion_rate, 0);
    assert.equal(r.json.summary.average_duration_hours, null);
    assert.deepEqual(r.json.summary.duration_hours, { p50: null, p90: null, p95: null });
    assert.equal(r.json.trends.length, 3);
    assert.ok(r.json.trends.every((t: any) => t.new_enrollments === 0 && t.completions === 0));
  });

  test('Asia/Kolkata: a day runs from 18:30 UTC the day before', async () => {
    const r = await rt.call('GET', q('', { start_date: '2026-03-02', end_date: '2026-03-02', timezone: 'Asia/Kolkata', granularity: 'hourly' }), key);
    // e6 (23:59:59Z = 05:29 IST), e1, e2; e3 (23:30Z) is 05:00 IST on the 3rd
    assert.equal(r.json.summary.total_enrolled, 3);
    assert.equal(r.json.trends.length, 24);
    assert.equal(r.json.trends[0].date, '2026-03-02T00:00:00+05:30');
    assert.equal(r.json.trends[5].date, '2026-03-02T05:00:00+05:30');
    assert.equal(r.json.trends[5].new_enrollments, 1); // e6
    assert.equal(r.json.trends[15].new_enrollments, 1); // e1 at 15:30 IST
  });

  test('version and variant filters', async () => {
    const a = await rt.call('GET', q('', { ...MARCH, variant: 'A' }), key);
    assert.deepEqual([a.json.summary.total_enrolled, a.json.summary.completed], [2, 1]); // e1, e3
    const v2 = await rt.call('GET', q('', { ...MARCH, version: '2' }), key);
    assert.deepEqual([v2.json.summary.total_enrolled, v2.json.summary.goals_achieved], [1, 1]); // e2
    assert.deepEqual(v2.json.filters, { version: 2, variant: null, enrollment_source: null, exit_reason: null });
  });

  test('compare=previous_period gives the period before and the change in percent', async () => {
    const r = await rt.call('GET', q('', { start_date: '2026-03-03', end_date: '2026-03-03', compare: 'previous_period' }), key);
    const c = r.json.comparison;
    assert.deepEqual({ ...c.period, as_of: undefined }, { start_date: '2026-03-02', end_date: '2026-03-02', timezone: 'UTC', granularity: 'daily', complete: true, as_of: undefined, buckets_begun: 1, bucket_in_progress: null });
    // 3rd: e4 e5 e7 (completed: e7) — 2nd: e1 e2 e3 (completed: e1, e2)
    assert.equal(r.json.summary.total_enrolled, 3);
    assert.equal(c.summary.total_enrolled, 3);
    assert.equal(c.summary.completed, 2);
    assert.equal(c.change_percent.total_enrolled, 0);
    assert.equal(c.change_percent.completed, -50);
    assert.equal(c.trends[0].date, '2026-03-02');
  });
});

describe('America/New_York across the end of DST (2026-11-01 has 25 hours)', () => {
  const NY = 'wf-ny';
  before(async () => {
    const res = await rt.call('POST', '/api/v1/events', key, [
      ev.started(NY, 'n0', '2026-11-01T03:30:00Z'), // 23:30 EDT on Oct 31: outside
      ev.started(NY, 'n1', '2026-11-01T05:30:00Z'), // 01:30 EDT
      ev.started(NY, 'n2', '2026-11-01T06:30:00Z'), // 01:30 EST (the repeated hour)
      ev.started(NY, 'n3', '2026-11-02T04:30:00Z'), // 23:30 EST on Nov 1: inside
      ev.started(NY, 'n4', '2026-11-02T05:30:00Z'), // 00:30 EST on Nov 2: outside
    ]);
    assert.equal(res.json.accepted, 5);
  });

  test('hourly buckets: 25, the repeated 01:00 twice with its own offset', async () => {
    const r = await rt.call('GET', `/api/v1/workflows/${NY}/analytics?start_date=2026-11-01&end_date=2026-11-01&timezone=America/New_York&granularity=hourly`, key);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.summary.total_enrolled, 3);
    const t = r.json.trends;
    assert.equal(t.length, 25);
    assert.deepEqual(t.slice(0, 4).map((b: any) => [b.date, b.new_enrollments]), [
      ['2026-11-01T00:00:00-04:00', 0],
      ['2026-11-01T01:00:00-04:00', 1],
      ['2026-11-01T01:00:00-05:00', 1],
      ['2026-11-01T02:00:00-05:00', 0],
    ]);
    assert.deepEqual([t[24].date, t[24].new_enrollments], ['2026-11-01T23:00:00-05:00', 1]);
  });

  test('the daily bucket has 25 hours', async () => {
    const r = await rt.call('GET', `/api/v1/workflows/${NY}/analytics?start_date=2026-11-01&end_date=2026-11-02&timezone=America/New_York`, key);
    assert.deepEqual(r.json.trends.map((b: any) => [b.date, b.new_enrollments, b.enrollment_rate]), [['2026-11-01', 3, 0.12], ['2026-11-02', 1, 0.04]]);
  });
});

describe('funnel', () => {
  test('steps in catalog order with drop-off, bottleneck and slowest step', async () => {
    const r = await rt.call('GET', q('/funnel', MARCH), key);
    assert.equal(r.status, 200, r.text);
    const steps = r.json.funnel_steps.map((s: any) => ({ ...s }));
    // the SPEC's fields (the fields CONTRACT added are checked by hand in test/funnel-losses.test.ts)
    const { in_progress, exited, from_previous_rate, from_start_rate, lost_before, lost_before_reasons, lost, configured_delay_seconds, ...spec } = steps[0];
    assert.equal(in_progress + exited, spec.dropped_off);
    assert.equal(lost, exited + lost_before);
    assert.equal(configured_delay_seconds, null);
    assert.deepEqual([from_previous_rate, from_start_rate, typeof lost_before, typeof lost_before_reasons], [null, 100, 'number', 'object']);
    assert.deepEqual(spec, {
      step_id: 's1', step_name: 'Send welcome email', step_order: 1, step_type: 'action',
      entered: 5, completed: 3, dropped_off: 2, conversion_rate: 60, drop_off_rate: 40, reached_percent: 83.33,
      average_time_seconds: 3, p50_time_seconds: 3, p95_time_seconds: 4, // e1 2 s, e2 4 s, e5 3 s
    });
    // s2: e1 and e2 entered, e1 done after 2 h (from timestamps: no duration sent)
    assert.deepEqual([steps[1].step_id, steps[1].entered, steps[1].completed, steps[1].average_time_seconds, steps[1].reached_percent], ['s2', 2, 1, 7200, 33.33]);
    // s3: e1 only, 0.5 s from timestamps
    assert.deepEqual([steps[2].step_id, steps[2].entered, steps[2].completed, steps[2].dropped_off, steps[2].average_time_seconds], ['s3', 1, 1, 0, 0.5]);
    assert.equal(r.json.overall_conversion, 50);
    assert.deepEqual(r.json.drop_off_points, ['s2', 's1']); // 50 % then 40 %
    assert.equal(r.json.bottleneck_step, 's2');
    assert.equal(r.json.slowest_step, 's2');
  });

  test('empty period: catalog steps with zeros, no bottleneck', async () => {
    const r = await rt.call('GET', q('/funnel', { start_date: '2025-01-01', end_date: '2025-01-01' }), key);
    assert.deepEqual(r.json.funnel_steps.map((s: any) => [s.step_id, s.entered, s.average_time_seconds]), [['s1', 0, null], ['s2', 0, null], ['s3', 0, null]]);
    assert.equal(r.json.bottleneck_step, null);
    assert.equal(r.json.slowest_step, null);
  });

  test('a workflow without catalog orders steps by first appearance', async () => {
    const W = 'wf-nocat';
    await rt.call('POST', '/api/v1/events', key, [
      ev.started(W, 'x1', '2026-03-02T10:00:00Z'),
      ev.step('started', W, 'x1', 'later', '2026-03-02T10:05:00Z'),
      ev.step('started', W, 'x1', 'first', '2026-03-02T10:01:00Z'),
      ev.step('completed', W, 'x1', 'first', '2026-03-02T10:02:00Z', { duration_ms: 60000 }),
    ]);
    const r = await rt.call('GET', `/api/v1/workflows/${W}/analytics/funnel?start_date=2026-03-02&end_date=2026-03-02`, key);
    assert.deepEqual(r.json.funnel_steps.map((s: any) => [s.step_order, s.step_id, s.step_name, s.entered, s.completed]), [[1, 'first', 'first', 1, 1], [2, 'later', 'later', 1, 0]]);
    assert.equal(r.json.bottleneck_step, 'later');
  });

  test('variant filter', async () => {
    const r = await rt.call('GET', q('/funnel', { ...MARCH, variant: 'A' }), key);
    assert.deepEqual(r.json.funnel_steps.map((s: any) => [s.step_id, s.entered, s.completed]), [['s1', 2, 1], ['s2', 1, 1], ['s3', 1, 1]]);
  });
});

describe('actions', () => {
  test('per action step over step events in the period; durations from timestamps when not sent', async () => {
    const r = await rt.call('GET', q('/actions', MARCH), key);
    assert.equal(r.status, 200, r.text);
    // whole UTC days: the daily rollup answers; e1's s3 came without duration_ms, its 500 ms come from
    // its timestamps (step_durations_from_timestamps)
    assert.equal(r.json.source, 'rollup_daily');
    const [s1, s3] = r.json.actions;
    assert.deepEqual(
      { ...s1, p50_duration_ms: undefined, p95_duration_ms: undefined },
      {
        action_id: 's1', action_type: 'send_email', action_name: 'Send welcome email', executions: 4, successes: 3, failures: 1,
        success_rate: 75, error_rate: 25, average_duration_ms: 2500, error_types: { smtp_error: 1 },
        p50_duration_ms: undefined, p95_duration_ms: undefined,
      },
    );
    assert.deepEqual([s3.action_id, s3.action_type, s3.executions, s3.average_duration_ms], ['s3', 'send_sms', 1, 500]);
    assert.equal(r.json.actions.length, 2); // s2 is a wait step
    const raw = await rt.call('GET', q('/actions', { ...MARCH, variant: 'A' }), key);
    assert.equal(raw.json.source, 'raw');
    // variant A: e1 (s1 2 s, s3 0.5 s from timestamps) and e3 (s1 failed after 1 s)
    assert.deepEqual(raw.json.actions.map((a: any) => [a.action_id, a.executions, a.failures, a.average_duration_ms]), [['s1', 2, 1, 1500], ['s3', 1, 0, 500]]);
  });

  test('the rollup answers periods on whole UTC days or hours, rollup and raw edges the others, with the same figures', async () => {
    const day = { start_date: '2026-03-03', end_date: '2026-03-03' };
    const rolled = await rt.call('GET', q('/actions', day), key);
    assert.equal(rolled.json.source, 'rollup_daily');
    // e5's s1: 3 s; e3's failure is on the 2nd
    assert.deepEqual(rolled.json.actions.map((a: any) => [a.action_id, a.executions, a.successes, a.average_duration_ms]), [['s1', 1, 1, 3000]]);
    const ny = await rt.call('GET', q('/actions', { ...day, timezone: 'America/New_York' }), key);
    assert.equal(ny.json.source, 'rollup_hourly');
    const kolkata = await rt.call('GET', q('/actions', { ...day, timezone: 'Asia/Kolkata' }), key);
    // the hourly rollup for 19:00Z..18:00Z (no whole UTC day inside), the raw events for the half hours at the edges
    assert.equal(kolkata.json.source, 'rollups+raw');
    // IST 3rd = 2026-03-02T18:30Z..2026-03-03T18:30Z: e3's failure (23:30Z) and e5 (06:00Z)
    assert.deepEqual(kolkata.json.actions.map((a: any) => [a.action_id, a.executions, a.failures]), [['s1', 2, 1]]);
  });
});

describe('errors', () => {
  const cases: [string, Record<string, string>, string][] = [
    ['no dates', {}, '/start_date'],
    ['start after end', { start_date: '2026-03-05', end_date: '2026-03-01' }, '/start_date'],
    ['not a date', { start_date: '2026-02-30', end_date: '2026-03-01' }, '/start_date'],
    ['over 732 days', { start_date: '2024-01-01', end_date: '2026-03-01' }, '/end_date'],
    ['unknown timezone', { ...MARCH, timezone: 'Mars/Olympus' }, '/timezone'],
    ['bad granularity', { ...MARCH, granularity: 'fortnightly' }, '/granularity'],
    ['unknown range', { range: 'last_year' }, '/range'],
    ['too many minute buckets', { start_date: '2026-01-01', end_date: '2026-03-01', granularity: 'minute' }, '/granularity'],
  ];
  for (const [name, params, path] of cases) {
    test(`400 for ${name}, naming ${path}`, async () => {
      const r = await rt.call('GET', q('', params), key);
      assert.equal(r.status, 400, r.text);
      assert.match(String(r.headers['content-type']), /application\/problem\+json/);
      assert.ok(r.json.errors.some((e: any) => e.path === path), JSON.stringify(r.json));
    });
  }

  test('404 for an unknown workflow and for another account’s workflow', async () => {
    assert.equal((await rt.call('GET', `/api/v1/workflows/nope/analytics?range=today`, key)).status, 404);
    const other = await rt.newAccount();
    const r = await rt.call('GET', q('/funnel', MARCH), other.key);
    assert.equal(r.status, 404);
    assert.equal(r.json.status, 404);
  });

  test('range presets end today in the timezone', async () => {
    const r = await rt.call('GET', q('', { range: 'last_7_days', timezone: 'Asia/Kolkata' }), key);
    assert.equal(r.status, 200);
    assert.equal(r.json.trends.length, 7);
  });
});

describe('refresh', () => {
  test('rebuilds the derived tables from the raw events as a job, figures unchanged', async () => {
    const before = (await rt.call('GET', q('/funnel', MARCH), key)).json;
    const r = await rt.call('POST', `/api/v1/workflows/${WF}/analytics/refresh`, key);
    assert.equal(r.status, 202, r.text);
    assert.equal(r.json.status, 'queued');
    assert.ok(r.json.estimated_completion_seconds >= 1);
    await rt.deps.jobs.idle();
    const job = await rt.call('GET', `/api/v1/jobs/${r.json.job_id}`, key);
    assert.equal(job.json.status, 'succeeded', JSON.stringify(job.json));
    assert.equal(job.json.progress, 1);
    const afterRefresh = (await rt.call('GET', q('/funnel', MARCH), key)).json;
    assert.deepEqual(afterRefresh, before);
    const s = await rt.call('GET', q('', MARCH), key);
    assert.equal(s.json.summary.total_enrolled, 6);
    assert.equal((await rt.call('GET', '/api/v1/jobs/nope', key)).status, 404);
  });
});

/**
 * Runs `run` with `seen` called on the SQL of every statement the runtime's real store runs (the store is
 * the real one; only its query method is wrapped). A statement whose `seen` throws fails with that error.
 */
async function watchingStatements(seen: (sql: string) => void, run: () => Promise<void>): Promise<void> {
  const store = rt.deps.store;
  const query = store.query;
  store.query = ((sql, params, options) => {
    try {
      seen(sql);
    } catch (err) {
      return Promise.reject(err);
    }
    return query.call(store, sql, params, options);
  }) as typeof store.query;
  try {
    await run();
  } finally {
    store.query = query;
  }
}

/** How many statements whose SQL contains `marker` the store runs while `run` runs. */
async function statementsRun(marker: string, run: () => Promise<void>): Promise<number> {
  let n = 0;
  await watchingStatements((sql) => {
    if (sql.includes(marker)) n++;
  }, run);
  return n;
}

/** An execution enrolled on 2026-03-02 at 10:00 UTC that runs the send_email actions `steps`, one second each, one after the other. */
function emailSteps(workflow: string, execution: string, steps: string[]) {
  const step = { step_type: 'action', action_type: 'send_email' };
  const at = (s: number) => new Date(Date.parse('2026-03-02T10:00:00Z') + s * 1000).toISOString();
  return [
    ev.started(workflow, execution, at(0)),
    ...steps.flatMap((id, i) => [
      ev.step('started', workflow, execution, id, at(2 * i + 1), step),
      ev.step('completed', workflow, execution, id, at(2 * i + 2), { ...step, duration_ms: 1000 }),
    ]),
  ];
}

describe('cache', () => {
  test('a cached answer is never served after an event that changes it', async () => {
    const W = 'wf-cache';
    await rt.call('POST', '/api/v1/events', key, [ev.started(W, 'k1', '2026-03-02T10:00:00Z')]);
    const url = `/api/v1/workflows/${W}/analytics?start_date=2026-03-02&end_date=2026-03-02`;
    const first = await rt.call('GET', url, key);
    const again = await rt.call('GET', url, key);
    assert.deepEqual(again.json, first.json);
    assert.equal(first.json.summary.total_enrolled, 1);
    await rt.call('POST', '/api/v1/events', key, [ev.completed(W, 'k1', '2026-03-02T11:00:00Z'), ev.started(W, 'k2', '2026-03-02T12:00:00Z')]);
    const after = await rt.call('GET', url, key);
    assert.deepEqual([after.json.summary.total_enrolled, after.json.summary.completed], [2, 1]);
    const funnel = await rt.call('GET', url.replace('/analytics?', '/analytics/funnel?'), key);
    assert.equal(funnel.json.total_enrolled, 2);
  });

  test('nor after the catalog changes the step names and order it shows', async () => {
    const W = 'wf-cache-catalog';
    await rt.call('POST', '/api/v1/events', key, emailSteps(W, 'c1', ['a', 'b']));
    const funnelUrl = `/api/v1/workflows/${W}/analytics/funnel?start_date=2026-03-02&end_date=2026-03-02`;
    const actionsUrl = funnelUrl.replace('/funnel?', '/actions?');
    const names = async () => (await rt.call('GET', funnelUrl, key)).json.funnel_steps.map((s: { step_id: string; step_name: string }) => `${s.step_id}:${s.step_name}`);
    assert.deepEqual(await names(), ['a:a', 'b:b']); // no catalog: ids, in order of appearance
    assert.deepEqual((await rt.call('GET', actionsUrl, key)).json.actions.map((a: { action_id: string }) => a.action_id).sort(), ['a', 'b']);
    const reg = await rt.call('PUT', `/api/v1/workflows/${W}`, key, {
      name: 'Renamed', version: 1,
      steps: [{ step_id: 'b', name: 'Second first', order: 1, type: 'action', action_type: 'send_email' }, { step_id: 'a', name: 'First second', order: 2, type: 'action', action_type: 'send_email' }],
    });
    assert.equal(reg.status, 201);
    assert.deepEqual(await names(), ['b:Second first', 'a:First second']);
    const actions = (await rt.call('GET', actionsUrl, key)).json.actions;
    assert.deepEqual(actions.map((a: { action_id: string; action_name: string }) => `${a.action_id}:${a.action_name}`).sort(), ['a:First second', 'b:Second first']);
  });

  test('the funnel and actions read the catalog once until it or the events change, not once per panel and period', async () => {
    const W = 'wf-cache-catalog-reads';
    await rt.call('POST', '/api/v1/events', key, emailSteps(W, 'r1', ['a']));
    const register = (name: string) =>
      rt.call('PUT', `/api/v1/workflows/${W}`, key, { name: 'Reads', version: 1, steps: [{ step_id: 'a', name, order: 1, type: 'action', action_type: 'send_email' }] });
    assert.equal((await register('Send')).status, 201);
    const day = (panel: string, d: string, extra = '') => rt.call('GET', `/api/v1/workflows/${W}/analytics/${panel}?start_date=${d}&end_date=${d}${extra}`, key);
    const stepName = async (d: string) => (await day('funnel', d)).json.funnel_steps[0].step_name;
    const readsOf = (answers: () => Promise<void>) => statementsRun('ORDER BY version DESC LIMIT 1', answers); // getWorkflowVersion
    const first = await readsOf(async () => {
      assert.equal((await day('funnel', '2026-03-02', '&compare=previous_period')).json.funnel_steps[0].step_name, 'Send');
      assert.equal((await day('actions', '2026-03-02')).json.actions[0].action_name, 'Send');
      assert.equal(await stepName('2026-03-03'), 'Send');
    });
    assert.equal(first, 1, 'three answers over four periods, one catalog read');
    assert.equal((await register('Send again')).status, 200);
    assert.equal(await readsOf(async () => assert.equal(await stepName('2026-03-04'), 'Send again')), 1, 'a registration makes the next answer read it again');
    await rt.call('POST', '/api/v1/events', key, [ev.started(W, 'r2', '2026-03-05T10:00:00Z')]);
    assert.equal(await readsOf(async () => assert.equal(await stepName('2026-03-05'), 'Send again')), 1, 'so do new events (one generation keys both)');
    assert.equal(await readsOf(async () => assert.equal(await stepName('2026-03-06'), 'Send again')), 0);
  });

  test('the funnel counts its cohort totals with its steps, per filter, the same as the summary, whether or not the summary answers', async () => {
    const W = 'wf-cache-totals';
    // t1 (A) and t2 (B) complete, t3 (A) stays active: all enrolled on March 2nd; t4 (A) on March 3rd
    await rt.call('POST', '/api/v1/events', key, [
      ev.started(W, 't1', '2026-03-02T10:00:00Z', { variant: 'A' }), ev.completed(W, 't1', '2026-03-02T11:00:00Z'),
      ev.started(W, 't2', '2026-03-02T12:00:00Z', { variant: 'B' }), ev.completed(W, 't2', '2026-03-02T13:00:00Z'),
      ev.started(W, 't3', '2026-03-02T14:00:00Z', { variant: 'A' }),
      ev.started(W, 't4', '2026-03-03T09:00:00Z', { variant: 'A' }),
    ]);
    const url = (panel: string, filters: string) => `/api/v1/workflows/${W}/analytics${panel}?start_date=2026-03-02&end_date=2026-03-02${filters}`;
    const funnelOf = async (filters: string) => {
      let f: { total_enrolled: number; overall_conversion: number } | undefined;
      const counts = await statementsRun('SELECT count() AS total, countIf(', async () => {
        f = (await rt.call('GET', url('/funnel', filters), key)).json;
      });
      return [f!.total_enrolled, f!.overall_conversion, counts];
    };
    const summary = (await rt.call('GET', url('', '&variant=A&granularity=hourly'), key)).json.summary;
    assert.deepEqual(await funnelOf('&variant=A'), [summary.total_enrolled, 50, 0], 'variant A: t1 and t3, one completed; as the summary');
    assert.deepEqual(await funnelOf(''), [3, 66.67, 0], 'no filter: t1, t2, t3, two completed');
    assert.deepEqual(await funnelOf('&variant=B'), [1, 100, 0]);
    assert.deepEqual(await funnelOf('&variant=A&compare=previous_period'), [2, 50, 0], 'no statement of their own for the day before either');
    // a summary that fails (its statement refused here) does not hold up the funnel of its period:
    // March 3rd, variant A is t4 alone, still active
    const march3 = (panel: string) => `/api/v1/workflows/${W}/analytics${panel}?start_date=2026-03-03&end_date=2026-03-03&variant=A`;
    await watchingStatements((sql) => {
      if (sql.includes('dur_sum')) throw new Error('summary refused by the test');
    }, async () => {
      const [summary, funnel] = await Promise.all([rt.call('GET', march3(''), key), rt.call('GET', march3('/funnel'), key)]);
      assert.equal(summary.status, 500);
      assert.deepEqual([funnel.status, funnel.json.total_enrolled, funnel.json.overall_conversion], [200, 1, 0]);
    });
  });
});

describe('trends read only executions enrolled near the period (facts_time_spans)', () => {
  test('a completion 60 days after enrolment, a late-arriving longer one and one stamped before its start all count', async () => {
    const W = 'wf-spans';
    const url = `/api/v1/workflows/${W}/analytics?start_date=2026-05-10&end_date=2026-05-10`;
    const day = async () => (await rt.call('GET', url, key)).json.trends[0];
    // s1: enrolled 60 days earlier, completes on the 10th; the workflow's longest span so far
    await rt.call('POST', '/api/v1/events', key, [ev.started(W, 's1', '2026-03-11T08:00:00Z'), ev.completed(W, 's1', '2026-05-10T08:00:00Z')]);
    assert.deepEqual([(await day()).completions, (await day()).new_enrollments], [1, 0]);
    // s2: enrolled 100 days before the 10th; its conversion arrives later, in another request, and widens the span
    await rt.call('POST', '/api/v1/events', key, [ev.started(W, 's2', '2026-01-30T09:00:00Z')]);
    await rt.call('POST', '/api/v1/events', key, [ev.goal(W, 's2', '2026-05-10T09:00:00Z')]);
    assert.deepEqual([(await day()).completions, (await day()).conversions], [2, 1]);
    // s3: the engine's clocks disagree: completed on the 10th, started (by its stamp) 20 days later
    await rt.call('POST', '/api/v1/events', key, [ev.started(W, 's3', '2026-05-30T10:00:00Z'), ev.completed(W, 's3', '2026-05-10T10:00:00Z')]);
    assert.equal((await day()).completions, 3);
  });
});
