/**
 * Platform analytics, user activity: /analytics/activity, /activity/users/{id} (paged trail) and
 * /activity/engagement (the documented score), over activity events whose figures are worked out below.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { OPERATOR_KEY, startTestRuntime, type TestRuntime } from './helpers/runtime.js';

let rt: TestRuntime;
let admin = '';
let member = '';
const DAYS = { start_date: '2026-03-02', end_date: '2026-03-04' };
const url = (path: string, params: Record<string, string> = {}) => `/api/v1/analytics/${path}?${new URLSearchParams({ ...DAYS, ...params })}`;
const act = (user: string, session: string, action: string, ts: string, duration: number, extra: Record<string, unknown> = {}) => ({
  type: 'activity', user_id: user, session_id: session, action, resource: action === 'login' ? 'app' : 'workflow', timestamp: ts, duration_ms: duration, ...extra,
});

before(async () => {
  rt = await startTestRuntime({ budgetTickMs: 0 });
  const acc = await rt.newAccount('admin');
  admin = acc.key;
  member = (await rt.call('POST', '/api/v1/api-keys', OPERATOR_KEY, { account_id: acc.accountId, role: 'member', name: 'm', user_id: 'u2' })).json.key;
  const events = [
    // u1, session S1 on Monday the 2nd: 09:00:00 → 09:06:00 (the edit lasts 60 s): 360 s; the login is sent twice
    act('u1', 'S1', 'login', '2026-03-02T09:00:00Z', 1000, { event_id: 'u1-login-1' }),
    act('u1', 'S1', 'login', '2026-03-02T09:00:00Z', 1000, { event_id: 'u1-login-1' }),
    act('u1', 'S1', 'view_dashboard', '2026-03-02T09:01:00Z', 59_000, { metadata: { page: '/workflows' } }),
    act('u1', 'S1', 'edit_workflow', '2026-03-02T09:05:00Z', 60_000, { resource_id: 'wf-1' }),
    // u1, session S2 on Wednesday the 4th: 10:00:00 → 10:01:00: 60 s
    act('u1', 'S2', 'login', '2026-03-04T10:00:00Z', 0),
    act('u1', 'S2', 'view_dashboard', '2026-03-04T10:00:30Z', 30_000),
    // u2, session S3 on Tuesday the 3rd: 08:00:00 → 08:02:00: 120 s
    act('u2', 'S3', 'login', '2026-03-03T08:00:00Z', 0),
    act('u2', 'S3', 'view_dashboard', '2026-03-03T08:00:10Z', 110_000),
    // u3, session S4 late on the 2nd (UTC; 05:00 on the 3rd in Kolkata): 600 s
    act('u3', 'S4', 'view_dashboard', '2026-03-02T23:30:00Z', 600_000),
    // outside the period
    act('u1', 'S0', 'login', '2026-03-01T12:00:00Z', 0),
  ];
  const r = await rt.call('POST', '/api/v1/events', admin, events);
  assert.deepEqual([r.json.accepted, r.json.duplicates, r.json.rejected.length], [events.length - 1, 1, 0], r.text);
});

after(async () => rt?.close());

describe('activity overview', () => {
  test('logins, features, active users, sessions, patterns and buckets', async () => {
    const r = await rt.call('GET', url('activity'), admin);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.totals, { events: 8, logins: 3, active_users: 3, active_time_seconds: 860, features_used: 3 });
    // per day: {u1, u3}, {u2}, {u1} → 4 / 3 days; one week and one month with 3 users
    assert.deepEqual(r.json.active_users, { daily_average: 1.33, weekly_average: 3, monthly_average: 3, period: 3 });
    // sessions 360, 60, 120, 600 s; 8 events in 4 sessions
    assert.deepEqual(r.json.sessions, { sessions: 4, length_seconds: { mean: 285, p50: 360, p95: 600 }, events_per_session: 2 });
    assert.deepEqual(r.json.features, [
      { action: 'view_dashboard', events: 4, users: 3, share_percent: 50 },
      { action: 'login', events: 3, users: 2, share_percent: 37.5 },
      { action: 'edit_workflow', events: 1, users: 1, share_percent: 12.5 },
    ]);
    const hours = new Array(24).fill(0);
    hours[8] = 1; hours[9] = 1; hours[10] = 1;
    assert.deepEqual(r.json.login_patterns, { by_hour: hours, by_weekday: [1, 1, 1, 0, 0, 0, 0] });
    assert.deepEqual(r.json.buckets, [
      { date: '2026-03-02', events: 4, logins: 1, active_users: 2, sessions: 2, active_time_seconds: 720 },
      { date: '2026-03-03', events: 2, logins: 1, active_users: 1, sessions: 1, active_time_seconds: 110 },
      { date: '2026-03-04', events: 2, logins: 1, active_users: 1, sessions: 1, active_time_seconds: 30 },
    ]);
  });

  test('Asia/Kolkata: u3 moves to the 3rd and logins to local hours', async () => {
    const r = await rt.call('GET', url('activity', { timezone: 'Asia/Kolkata' }), admin);
    assert.deepEqual(r.json.buckets.map((b: any) => [b.date, b.events, b.active_users]), [['2026-03-02', 3, 1], ['2026-03-03', 3, 2], ['2026-03-04', 2, 1]]);
    assert.deepEqual([13, 14, 15].map((h) => r.json.login_patterns.by_hour[h]), [1, 1, 1]);
  });

  test('an empty period is zeros and nulls', async () => {
    const r = await rt.call('GET', url('activity', { start_date: '2025-01-01', end_date: '2025-01-02' }), admin);
    assert.equal(r.json.totals.events, 0);
    assert.deepEqual(r.json.sessions, { sessions: 0, length_seconds: { mean: null, p50: null, p95: null }, events_per_session: null });
    assert.equal(r.json.buckets.length, 2);
  });
});

describe('engagement', () => {
  test('the documented score, worked out per user', async () => {
    const r = await rt.call('GET', url('activity/engagement'), admin);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.features_available, 3);
    assert.equal(r.json.elapsed_days, 3);
    // ref = Mar 5 00:00Z, span 3 days = 259,200 s
    // u1: last 03-04 10:00:30 → R = 1 − 50,370/259,200; F = 2/3; B = 3/3 → 78.89
    // u2: last 03-03 08:00:10 → R = 1 − 143,990/259,200; F = 1/3; B = 2/3 → 44.45
    // u3: last 03-02 23:30:00 → R = 1 − 174,600/259,200; F = 1/3; B = 1/3 → 33.06
    assert.deepEqual(r.json.users.map((u: any) => [u.user_id, u.score, u.level, u.active_days, u.features_used, u.sessions]), [
      ['u1', 78.89, 'high', 2, 3, 2], ['u2', 44.45, 'medium', 1, 2, 1], ['u3', 33.06, 'low', 1, 1, 1],
    ]);
    assert.deepEqual(r.json.users[0].components, { recency: 0.8057, frequency: 0.6667, breadth: 1 });
    assert.deepEqual(r.json.weights, { recency: 0.4, frequency: 0.4, breadth: 0.2 });
  });
});

describe('a user\'s trail', () => {
  test('newest first, in pages, with a summary', async () => {
    const page1 = await rt.call('GET', '/api/v1/analytics/activity/users/u1?limit=2', admin);
    assert.equal(page1.status, 200, page1.text);
    assert.deepEqual(page1.json.summary, {
      events: 6, sessions: 3, first_seen: '2026-03-01T12:00:00.000Z', last_seen: '2026-03-04T10:00:30.000Z', active_time_seconds: 150,
      actions: { edit_workflow: 1, login: 3, view_dashboard: 2 },
    });
    assert.deepEqual(page1.json.events.map((e: any) => [e.timestamp, e.action]), [['2026-03-04T10:00:30.000Z', 'view_dashboard'], ['2026-03-04T10:00:00.000Z', 'login']]);
    const page2 = await rt.call('GET', `/api/v1/analytics/activity/users/u1?limit=2&cursor=${page1.json.next_cursor}`, admin);
    assert.deepEqual(page2.json.events.map((e: any) => [e.action, e.resource_id, e.metadata]), [['edit_workflow', 'wf-1', null], ['view_dashboard', null, { page: '/workflows' }]]);
    const page3 = await rt.call('GET', `/api/v1/analytics/activity/users/u1?limit=2&cursor=${page2.json.next_cursor}`, admin);
    assert.deepEqual(page3.json.events.map((e: any) => [e.timestamp, e.event_id]), [['2026-03-02T09:00:00.000Z', 'u1-login-1'], ['2026-03-01T12:00:00.000Z', null]]);
    assert.equal(page3.json.next_cursor, null);
  });

  test('within a period', async () => {
    const r = await rt.call('GET', '/api/v1/analytics/activity/users/u1?start_date=2026-03-02&end_date=2026-03-02', admin);
    assert.deepEqual([r.json.summary.events, r.json.events.length, r.json.period.start_date], [3, 3, '2026-03-02']);
  });

  test('a member reads its own trail only; activity overviews are for admins; a bad cursor is 400', async () => {
    assert.equal((await rt.call('GET', '/api/v1/analytics/activity/users/u2', member)).status, 200);
    assert.equal((await rt.call('GET', '/api/v1/analytics/activity/users/u1', member)).status, 403);
    assert.equal((await rt.call('GET', url('activity'), member)).status, 403);
    assert.equal((await rt.call('GET', url('activity/engagement'), member)).status, 403);
    const bad = await rt.call('GET', '/api/v1/analytics/activity/users/u1?cursor=nonsense', admin);
    assert.equal(bad.status, 400);
    assert.equal(bad.json.errors[0].path, '/cursor');
    assert.equal((await rt.call('GET', '/api/v1/analytics/activity/users/u1?limit=501', admin)).status, 400);
  });
});
