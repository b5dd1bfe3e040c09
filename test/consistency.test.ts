/**
 * One vocabulary (issue 33): on the same data, every figure that two endpoints share is equal across them —
 * the summary, the workflows overview, the live figures, the platform pages (executions summary, workflow
 * performance, steps), the JSON export and the PDF report's input. Counts, rates and means are equal; the
 * actions panel's t-digest percentiles are within the error the metric catalog documents of the steps page's
 * exact ones (over the same durations: sent, or derived from timestamps).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { reportInput } from '../src/exports/report-input.js';
import { metric } from '../src/metrics/definitions.js';
import { parsePeriod } from '../src/metrics/period.js';
import { scopeOf } from '../src/metrics/scope.js';
import { liveFigures } from '../src/realtime/live-figures.js';
import { ev, startTestRuntime, type TestRuntime } from './helpers/runtime.js';

let rt: TestRuntime;
let key = '';
let account = '';
const WF = 'wf';
const Q = 'start_date=2026-03-01&end_date=2026-03-31&timezone=Asia/Kolkata';
const PERIOD = { start_date: '2026-03-01', end_date: '2026-03-31', timezone: 'Asia/Kolkata' };

/** Minutes after 2026-03-02T10:00Z. */
const at = (min: number) => new Date(Date.parse('2026-03-02T10:00:00Z') + min * 60_000).toISOString();

/** Durations of the send_email action: sent on some events, derived from timestamps on others. */
const SENT = [1200, 3400, 800, 15000, 2100, 990, 4000];

before(async () => {
  rt = await startTestRuntime();
  ({ key, accountId: account } = await rt.newAccount('admin'));
  await rt.call('PUT', `/api/v1/workflows/${WF}`, key, {
    name: 'Onboarding', version: 1,
    steps: [
      { step_id: 'email', name: 'Send email', order: 1, type: 'action', action_type: 'send_email' },
      { step_id: 'wait', name: 'Wait', order: 2, type: 'wait' },
      { step_id: 'sms', name: 'Send SMS', order: 3, type: 'action', action_type: 'send_sms' },
    ],
  });
  const events: unknown[] = [];
  for (let i = 0; i < 14; i++) {
    const x = `x${i}`;
    const t = i * 90;
    events.push(ev.started(WF, x, at(t), { enrollment_source: i % 3 === 0 ? 'api' : 'trigger' }));
    events.push(ev.step('started', WF, x, 'email', at(t + 1)));
    // half the email steps send their duration; the others leave it to the timestamps (2 minutes later)
    if (i % 4 === 3) events.push(ev.step('failed', WF, x, 'email', at(t + 2), { error_type: 'bounce', ...(i < SENT.length ? { duration_ms: SENT[i] } : {}) }));
    else events.push(ev.step('completed', WF, x, 'email', at(t + 2), i < SENT.length ? { duration_ms: SENT[i] } : {}));
    if (i % 4 === 3) {
      events.push(ev.failed(WF, x, at(t + 3)));
      continue;
    }
    if (i === 13) continue; // still active, waiting
    events.push(ev.step('started', WF, x, 'wait', at(t + 3), { step_type: 'wait', action_type: undefined }));
    events.push(ev.step('completed', WF, x, 'wait', at(t + 30), { step_type: 'wait', action_type: undefined }));
    if (i % 5 === 0) {
      events.push(ev.exited(WF, x, at(t + 31), 'unsubscribed'));
      continue;
    }
    events.push(ev.step('started', WF, x, 'sms', at(t + 31)));
    events.push(ev.step('completed', WF, x, 'sms', at(t + 32), { duration_ms: 500 + i * 10 }));
    if (i % 2 === 0) events.push(ev.goal(WF, x, at(t + 40 + i * 7)));
    else events.push(ev.completed(WF, x, at(t + 45 + i * 11)));
  }
  const res = await rt.call('POST', '/api/v1/events', key, JSON.parse(JSON.stringify(events)));
  assert.equal(res.json.accepted, events.length, res.text);
});
after(async () => rt?.close());

const get = async (path: string) => {
  const res = await rt.call('GET', path, key);
  assert.equal(res.status, 200, `${path}: ${res.text.slice(0, 300)}`);
  return res.json;
};

test('the cohort figures are equal across the summary, overview, live figures, platform pages, JSON export and report', async () => {
  const summary = (await get(`/api/v1/workflows/${WF}/analytics?${Q}`)).summary;
  const overview = (await get(`/api/v1/analytics/workflows?${Q}`)).workflows.find((w: { workflow_id: string }) => w.workflow_id === WF);
  const stats = (await get(`/api/v1/analytics/executions/summary?${Q}&workflow_id=${WF}`)).summary;
  const performance = (await get(`/api/v1/analytics/workflows/${WF}/performance?${Q}`)).totals;
  const exported = { summary: JSON.parse((await rt.call('GET', `/api/v1/workflows/${WF}/analytics/export?${Q}&format=json`, key)).text).summary.summary };
  const scope = scopeOf(account, WF, {});
  const period = parsePeriod(PERIOD);
  const live = await liveFigures(rt.deps.store, scope, period);
  const report = await reportInput(rt.deps.store, scope, period, 'executive', { name: 'Flowlens', accent: '#2563eb' });

  // as built above: 14 enrolled; 3 failed (3, 7, 11), 1 active (13), 3 exited (0, 5, 10), 5 converted (2, 4, 6, 8, 12), 7 completed (with 1 and 9)
  assert.deepEqual([summary.total_enrolled, summary.errored, summary.currently_active, summary.exited, summary.goals_achieved, summary.completed], [14, 3, 1, 3, 5, 7]);
  const same = (name: string, values: Record<string, unknown>) => {
    const distinct = new Set(Object.values(values).map((v) => JSON.stringify(v)));
    assert.equal(distinct.size, 1, `${name} (${metric(name).label}) differs: ${JSON.stringify(values)}`);
  };
  same('enrolled', { summary: summary.total_enrolled, overview: overview.total_enrolled, live: live.total_enrolled, stats: stats.executions, performance: performance.executions, exported: exported.summary.total_enrolled, report: report.summary.total_enrolled });
  same('active', { summary: summary.currently_active, overview: overview.currently_active, live: live.currently_active, stats: stats.active, performance: performance.active, exported: exported.summary.currently_active, report: report.summary.currently_active });
  same('completed', { summary: summary.completed, overview: overview.completed, live: live.completed, stats: stats.succeeded, performance: performance.succeeded, exported: exported.summary.completed, report: report.summary.completed });
  same('converted', { summary: summary.goals_achieved, overview: overview.goals_achieved, live: live.goals_achieved, performance: performance.conversions, exported: exported.summary.goals_achieved });
  same('failed', { summary: summary.errored, live: live.errored, stats: stats.failed, performance: performance.failed });
  same('exited', { summary: summary.exited, live: live.exited, stats: stats.exited, performance: performance.exited });
  same('completion_rate', { summary: summary.completion_rate, overview: overview.completion_rate, live: live.completion_rate, stats: stats.success_rate, performance: performance.success_rate, exported: exported.summary.completion_rate });
  same('conversion_rate', { summary: summary.conversion_rate, overview: overview.conversion_rate, live: live.conversion_rate, performance: performance.conversion_rate });
  same('failure_rate', { stats: stats.failure_rate, performance: performance.failure_rate });
  // durations: hours (summary, live) and seconds (platform), each rounded to 2 decimals from the same mean
  const hours = (s: number | null) => (s === null ? null : Math.round((s / 3600) * 100) / 100);
  same('duration_hours', { summary: summary.average_duration_hours, live: live.average_duration_hours, stats: hours(stats.duration_seconds.mean), performance: hours(performance.duration_seconds.mean) });
  same('duration_hours_p50', { summary: summary.duration_hours.p50, stats: hours(stats.duration_seconds.p50), performance: hours(performance.duration_seconds.p50) });
});

test('per step, the funnel and the live figures agree; per action, the actions panel and the steps page agree', async () => {
  const funnel = await get(`/api/v1/workflows/${WF}/analytics/funnel?${Q}`);
  const live = await liveFigures(rt.deps.store, scopeOf(account, WF, {}), parsePeriod(PERIOD));
  for (const s of funnel.funnel_steps as Array<{ step_id: string; entered: number; completed: number }>) {
    assert.deepEqual({ entered: s.entered, completed: s.completed }, { entered: live.steps[s.step_id]?.entered, completed: live.steps[s.step_id]?.completed }, s.step_id);
  }
  const actions = (await get(`/api/v1/workflows/${WF}/analytics/actions?${Q}`)).actions as Array<Record<string, number | string | null>>;
  const steps = (await get(`/api/v1/analytics/workflows/${WF}/steps?${Q}`)).steps as Array<{ step_id: string; completed: number; failed: number; duration_ms: { mean: number | null; p50: number | null; p95: number | null } }>;
  assert.deepEqual(actions.map((a) => a.action_id), ['email', 'sms']);
  for (const a of actions) {
    const s = steps.find((x) => x.step_id === a.action_id)!;
    assert.equal(a.executions, s.completed + s.failed, `${a.action_id} executions`);
    assert.equal(a.failures, s.failed, `${a.action_id} failures`);
    assert.equal(a.average_duration_ms, s.duration_ms.mean, `${a.action_id} mean duration (sent and derived)`);
  }
  // the percentiles: the same durations; t-digest against exact, within the catalog's documented error in rank
  const email = actions.find((a) => a.action_id === 'email')!;
  const durations = [...SENT, ...Array.from({ length: 14 - SENT.length }, () => 60_000)].sort((a, b) => a - b);
  const rank = (v: number) => durations.filter((d) => d <= v).length / durations.length;
  for (const [q, field] of [[0.5, 'p50_duration_ms'], [0.95, 'p95_duration_ms']] as const) {
    const answer = email[field] as number;
    assert.ok(Math.abs(rank(answer) - q) <= 1 / durations.length + 0.01, `${field} ${answer}: rank ${rank(answer)} against ${q} (durations ${durations})`);
  }
  const exact = steps.find((x) => x.step_id === 'email')!.duration_ms;
  assert.equal(exact.p50, durations[Math.floor(durations.length / 2)], 'the steps page: quantileExact, the upper middle');
  assert.equal(metric('action_duration_ms_p95').exact, false);
});
