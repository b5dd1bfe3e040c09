/**
 * Platform analytics, costs: /analytics/costs (rollup or raw, per execution), /costs/breakdown by
 * workflow, action type, step and user, and /costs/forecast on a series with a known trend and weekly
 * pattern and on a flat one. Figures worked out by hand below.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ev, OPERATOR_KEY, startTestRuntime, type TestRuntime } from './helpers/runtime.js';

let rt: TestRuntime;
let admin = '';
let member = '';
const DAYS = { start_date: '2026-03-02', end_date: '2026-03-03' };
const url = (path: string, params: Record<string, string> = {}) => `/api/v1/analytics/${path}?${new URLSearchParams({ ...DAYS, ...params })}`;
const cost = (wf: string, ex: string, ts: string, action: string, usd: number, extra: Record<string, unknown> = {}) => ({
  type: 'cost.recorded', workflow_id: wf, execution_id: ex, timestamp: ts, action_type: action, amount_usd: usd, ...extra,
});
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

before(async () => {
  rt = await startTestRuntime({ budgetTickMs: 0 });
  const acc = await rt.newAccount('admin');
  admin = acc.key;
  member = (await rt.call('POST', '/api/v1/api-keys', OPERATOR_KEY, { account_id: acc.accountId, role: 'member', name: 'm', user_id: 'u-own' })).json.key;
  await rt.call('PUT', '/api/v1/workflows/wf-x', admin, { name: 'X', version: 1, owner_user_id: 'u-own', steps: [] });
  await rt.call('PUT', '/api/v1/workflows/wf-y', admin, { name: 'Y', version: 1, owner_user_id: 'u-else', steps: [] });
  const events = [
    // x1 (alice): s1 2 credits + $0.25; s2 (llm) 5 credits + $1
    ev.started('wf-x', 'x1', '2026-03-02T10:00:00Z', { user_id: 'alice' }),
    ev.step('completed', 'wf-x', 'x1', 's1', '2026-03-02T10:00:05Z', { credits_used: 2 }),
    cost('wf-x', 'x1', '2026-03-02T10:00:05Z', 'send_email', 0.25, { step_id: 's1' }),
    cost('wf-x', 'x1', '2026-03-02T10:30:00Z', 'llm', 1, { step_id: 's2', credits: 5 }),
    // x2 (bob): s1 2 credits + $0.25 (the cost is sent twice: counted once)
    ev.started('wf-x', 'x2', '2026-03-02T20:00:00Z', { user_id: 'bob' }),
    ev.step('completed', 'wf-x', 'x2', 's1', '2026-03-02T20:00:05Z', { credits_used: 2 }),
    cost('wf-x', 'x2', '2026-03-02T20:00:05Z', 'send_email', 0.25, { step_id: 's1', event_id: 'x2-cost' }),
    cost('wf-x', 'x2', '2026-03-02T20:00:05Z', 'send_email', 0.25, { step_id: 's1', event_id: 'x2-cost' }),
    // x3 (no user) started in February; its llm cost lands on the 3rd at 01:00 UTC (20:00 on the 2nd in New York)
    ev.started('wf-x', 'x3', '2026-02-28T10:00:00Z'),
    cost('wf-x', 'x3', '2026-03-03T01:00:00Z', 'llm', 2, { step_id: 's2', credits: 10 }),
    // y1 (alice): an HTTP call without a step: 1 credit + $0.50
    ev.started('wf-y', 'y1', '2026-03-03T12:00:00Z', { user_id: 'alice' }),
    cost('wf-y', 'y1', '2026-03-03T12:00:01Z', 'http_request', 0.5, { credits: 1 }),
    // y2 ran a step that cost nothing: not an execution charged
    ev.step('completed', 'wf-y', 'y2', 's9', '2026-03-03T13:00:00Z', { action_type: 'http_request' }),
  ];
  const r = await rt.call('POST', '/api/v1/events', admin, events);
  assert.deepEqual([r.json.accepted, r.json.duplicates], [events.length - 1, 1], r.text);

  // forecast series, the last 56 complete days (UTC): wf-f = 10 + 0.5·t + weekday effect; wf-g = $5 every day
  const effect = [2, 2, 2, 2, 2, -5, -5]; // Monday…Sunday
  const series = [];
  for (let t = 0; t < 56; t++) {
    const date = day(t - 56);
    const weekday = (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
    series.push(cost('wf-f', `f${t}`, `${date}T12:00:00Z`, 'llm', 10 + 0.5 * t + effect[weekday]!));
    series.push(cost('wf-g', `g${t}`, `${date}T12:00:00Z`, 'llm', 5));
  }
  assert.equal((await rt.call('POST', '/api/v1/events', admin, series)).json.accepted, 112);
});

after(async () => rt?.close());

describe('costs over time', () => {
  test('daily UTC buckets from the daily rollup, and cost per execution over the cohort', async () => {
    const r = await rt.call('GET', url('costs'), admin);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.source, 'rollup_daily');
    // 2nd: credits 2 + 5 + 2, $0.25 + $1 + $0.25; 3rd: credits 10 + 1, $2 + $0.50
    assert.deepEqual(r.json.buckets, [{ date: '2026-03-02', credits: 9, usd: 1.5 }, { date: '2026-03-03', credits: 11, usd: 2.5 }]);
    assert.deepEqual(r.json.totals, { credits: 20, usd: 4 });
    // enrolled in the period: x1 (7 credits, $1.25), x2 (2, $0.25), y1 (1, $0.50); x3 enrolled in February
    assert.deepEqual(r.json.per_execution, { executions: 3, credits: 10, usd: 2, credits_per_execution: 3.3333, usd_per_execution: 0.6667 });
  });

  test('New York days (hourly rollup), Kolkata (raw), hourly buckets: the same money', async () => {
    const ny = await rt.call('GET', url('costs', { timezone: 'America/New_York' }), admin);
    assert.equal(ny.json.source, 'rollup_hourly');
    assert.deepEqual(ny.json.buckets, [{ date: '2026-03-02', credits: 19, usd: 3.5 }, { date: '2026-03-03', credits: 1, usd: 0.5 }]);
    const kol = await rt.call('GET', url('costs', { timezone: 'Asia/Kolkata' }), admin);
    assert.equal(kol.json.source, 'raw');
    assert.deepEqual(kol.json.totals, { credits: 20, usd: 4 });
    const hourly = await rt.call('GET', url('costs', { granularity: 'hourly' }), admin);
    assert.equal(hourly.json.source, 'rollup_hourly');
    assert.equal(hourly.json.buckets.length, 48);
    assert.deepEqual(hourly.json.buckets[10], { date: '2026-03-02T10:00:00+00:00', credits: 7, usd: 1.25 });
    const minute = await rt.call('GET', url('costs', { granularity: 'minute', start_date: '2026-03-02', end_date: '2026-03-02' }), admin);
    assert.equal(minute.json.source, 'raw');
    assert.deepEqual(minute.json.buckets[600], { date: '2026-03-02T10:00:00+00:00', credits: 2, usd: 0.25 });
  });

  test('a member counts its own workflows only', async () => {
    const r = await rt.call('GET', url('costs'), member);
    assert.deepEqual([r.json.workflows, r.json.totals], [['wf-x'], { credits: 19, usd: 3.5 }]);
  });
});

describe('breakdown', () => {
  const items = async (by: string) => {
    const r = await rt.call('GET', url('costs/breakdown', { by }), admin);
    assert.equal(r.status, 200, r.text);
    return r.json;
  };

  test('by workflow, with the executions charged', async () => {
    const r = await items('workflow');
    assert.deepEqual(r.total, { credits: 20, usd: 4 });
    assert.deepEqual(r.items.map((i: any) => [i.key, i.credits, i.usd, i.usd_share_percent, i.credits_share_percent, i.executions, i.usd_per_execution]), [
      ['wf-x', 19, 3.5, 87.5, 95, 3, 1.1667], ['wf-y', 1, 0.5, 12.5, 5, 1, 0.5],
    ]);
  });

  test('by action type, step and user', async () => {
    assert.deepEqual((await items('action_type')).items.map((i: any) => [i.key, i.credits, i.usd, i.executions]), [
      ['llm', 15, 3, 2], ['send_email', 4, 0.5, 2], ['http_request', 1, 0.5, 1],
    ]);
    assert.deepEqual((await items('step')).items.map((i: any) => [i.key, i.workflow_id, i.step_id, i.credits, i.usd]), [
      ['wf-x/s2', 'wf-x', 's2', 15, 3], ['wf-x/s1', 'wf-x', 's1', 4, 0.5], [null, 'wf-y', null, 1, 0.5],
    ]);
    // the user on each charged execution's start: x3 has none
    assert.deepEqual((await items('user')).items.map((i: any) => [i.key, i.credits, i.usd, i.executions]), [
      [null, 10, 2, 1], ['alice', 8, 1.75, 2], ['bob', 2, 0.25, 1],
    ]);
  });

  test('bad input', async () => {
    const r = await rt.call('GET', url('costs/breakdown', { by: 'planet' }), admin);
    assert.equal(r.status, 400);
    assert.equal(r.json.errors[0].path, '/by');
  });
});

describe('forecast', () => {
  test('a known trend and weekly pattern is recovered; the interval and backtest are tight', async () => {
    const r = await rt.call('GET', '/api/v1/analytics/costs/forecast?workflow_id=wf-f', admin);
    assert.equal(r.status, 200, r.text);
    const m = r.json.model.usd;
    assert.deepEqual([m.name, m.days_fitted, m.slope_per_day], ['linear_trend_weekly_seasonality', 56, 0.5]);
    assert.deepEqual(Object.values(m.weekday_effects), [2, 2, 2, 2, 2, -5, -5]);
    assert.equal(r.json.forecast.length, 30);
    assert.equal(r.json.forecast[0].date, day(0));
    let sum = 0;
    for (const [h, f] of r.json.forecast.entries()) {
      const weekday = (new Date(`${f.date}T00:00:00Z`).getUTCDay() + 6) % 7;
      const truth = 10 + 0.5 * (56 + h) + [2, 2, 2, 2, 2, -5, -5][weekday]!;
      assert.ok(Math.abs(f.usd - truth) < 0.01, `${f.date}: ${f.usd} vs ${truth}`);
      assert.ok(f.usd_upper - f.usd_lower < 0.01);
      sum += truth;
    }
    assert.ok(Math.abs(r.json.totals.usd - sum) < 0.05);
    assert.ok(r.json.backtest.usd.mae < 0.01);
    assert.equal(r.json.backtest.usd.holdout_days, 14);
    assert.deepEqual(r.json.workflows, ['wf-f']);
  });

  test('a flat series forecasts itself', async () => {
    const r = await rt.call('GET', '/api/v1/analytics/costs/forecast?workflow_id=wf-g&horizon_days=7', admin);
    assert.deepEqual(r.json.forecast.map((f: any) => f.usd), [5, 5, 5, 5, 5, 5, 5]);
    assert.equal(r.json.totals.usd, 35);
    assert.equal(r.json.backtest.usd.wape_percent, 0);
    assert.equal(r.json.model.usd.slope_per_day, 0);
  });

  test('without costs the forecast is zeros; bad parameters are 400', async () => {
    const r = await rt.call('GET', '/api/v1/analytics/costs/forecast?workflow_id=wf-y&history_days=7', admin);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.totals.usd, 0);
    assert.equal(r.json.history.fitted_from, null);
    for (const [q, path] of [['timezone=Nowhere/Land', '/timezone'], ['history_days=3', '/history_days'], ['horizon_days=400', '/horizon_days']]) {
      const bad = await rt.call('GET', `/api/v1/analytics/costs/forecast?${q}`, admin);
      assert.equal(bad.status, 400, q);
      assert.equal(bad.json.errors[0].path, path);
    }
  });
});
