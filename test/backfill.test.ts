/**
 * History after the raw window (issue 31): events older than the raw window are backfill, counted in the daily
 * and monthly aggregates and in their executions' cohort figures (the execution facts, kept as long as the
 * daily aggregates), their ids deduplicated as long as those are kept; events older than the daily window are
 * rejected one by one. A data set whose detail expires (TTLs forced with OPTIMIZE … FINAL, as the retention
 * test does) is answered as before; a refresh (rebuild from the raw events) keeps the history it cannot see.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ev, startTestRuntime, type TestRuntime } from './helpers/runtime.js';
import { tempDir } from './helpers/store.js';

const DAY = 86_400_000;
const today = Math.floor(Date.now() / DAY) * DAY;
/** 10:00 UTC of the day `days` before today, plus `hours`. */
const at = (days: number, hours = 0) => new Date(today - days * DAY + (10 + hours) * 3_600_000).toISOString();
const day = (days: number) => new Date(today - days * DAY).toISOString().slice(0, 10);
const dataDir = tempDir();
let rt: TestRuntime;
let accountId: string;
let key: string;

/** One execution: started, one step (10 s), completed an hour later, converted; 5 events with ids. */
function execution(wf: string, ex: string, days: number) {
  return [
    ev.started(wf, ex, at(days), { event_id: `${ex}-1` }),
    ev.step('started', wf, ex, 'send', at(days), { event_id: `${ex}-2` }),
    ev.step('completed', wf, ex, 'send', at(days), { event_id: `${ex}-3`, duration_ms: 10_000, action_type: 'email' }),
    ev.completed(wf, ex, at(days, 1), { event_id: `${ex}-4` }),
    ev.goal(wf, ex, at(days, 2), { event_id: `${ex}-5` }),
  ];
}

async function optimize() {
  for (const t of ['events', 'event_ids', 'execution_state', 'execution_facts', 'step_durations_from_timestamps', 'workflow_events_hourly', 'workflow_events_daily', 'workflow_events_monthly']) {
    await rt.deps.store.command(`OPTIMIZE TABLE ${t} FINAL`);
  }
}
async function n(sql: string): Promise<number> {
  return Number((await rt.query<{ n: number }>(sql, { account: accountId }))[0]!.n);
}
const rolled = (table: string, wf: string) => n(`SELECT sum(events) AS n FROM ${table} WHERE account_id = {account:String} AND workflow_id = '${wf}'`);
const detail = (wf: string) => n(`SELECT count() AS n FROM events WHERE account_id = {account:String} AND workflow_id = '${wf}'`);

/** What the panels answer for a workflow over [from, to] (UTC days). */
async function panels(wf: string, from: string, to: string) {
  const q = `start_date=${from}&end_date=${to}&timezone=UTC`;
  const get = async (path: string) => {
    const r = await rt.call('GET', `/api/v1/workflows/${wf}/analytics${path}?${q}`, key);
    assert.equal(r.status, 200, r.text);
    return r.json;
  };
  const [summary, funnel, actions] = [await get(''), await get('/funnel'), await get('/actions')];
  return {
    summary: summary.summary,
    trends: summary.trends,
    funnel: funnel.funnel_steps,
    actions: actions.actions ?? actions,
  };
}

before(async () => {
  rt = await startTestRuntime({ retention: { rawDays: 90, dailyDays: 730 }, logLevel: 'error' }, dataDir);
  ({ accountId, key } = await rt.newAccount());
});
after(() => rt.close());

test('a backfilled 120-day-old execution is counted once, its re-send (before and after its detail expires) not again', async () => {
  const events = execution('wf-back', 'old', 120);
  const first = await rt.call('POST', '/api/v1/events', key, events);
  assert.deepEqual(first.json, { accepted: 5, duplicates: 0, aggregated_only: 5, rejected: [] });
  const again = await rt.call('POST', '/api/v1/events', key, events);
  assert.deepEqual(again.json, { accepted: 0, duplicates: 5, aggregated_only: 0, rejected: [] });
  await rt.deps.derived.idle();
  await optimize();
  assert.equal(await detail('wf-back'), 0, 'its detail expired');
  assert.equal(await rolled('workflow_events_daily', 'wf-back'), 5);
  assert.equal(await rolled('workflow_events_monthly', 'wf-back'), 5);
  const later = await rt.call('POST', '/api/v1/events', key, events);
  assert.deepEqual(later.json, { accepted: 0, duplicates: 5, aggregated_only: 0, rejected: [] });
  assert.equal(await rolled('workflow_events_daily', 'wf-back'), 5, 'counted once');
  const p = await panels('wf-back', day(125), day(115));
  assert.equal(p.summary.total_enrolled, 1);
  assert.equal(p.summary.completed, 1);
  assert.equal(p.summary.goals_achieved, 1);
  assert.equal(p.summary.average_duration_hours, 1);
  assert.deepEqual(p.funnel.map((s: { entered: number; completed: number }) => [s.entered, s.completed]), [[1, 1]]);
});

test('an event older than the daily window is rejected with its reason; the others of its request are kept', async () => {
  const r = await rt.call('POST', '/api/v1/events', key, [
    ev.started('wf-ancient', 'a1', at(3 * 365), { event_id: 'anc-1' }),
    ev.started('wf-ancient', 'a2', at(1), { event_id: 'anc-2' }),
  ]);
  assert.equal(r.status, 200);
  assert.equal(r.json.accepted, 1);
  assert.equal(r.json.aggregated_only, 0);
  assert.equal(r.json.rejected.length, 1);
  assert.equal(r.json.rejected[0].index, 0);
  assert.equal(r.json.rejected[0].errors[0].path, '/timestamp');
  assert.match(r.json.rejected[0].errors[0].message, /older than the daily aggregates are kept/);
});

test('a data set spanning the raw window: answered the same before and after its detail expires, and after a refresh', async () => {
  // in the window when sent: 60, 40 and 20 days back; one more, backfilled, 100 days back (before the window)
  const sent = await rt.call('POST', '/api/v1/events', key, [
    ...execution('wf-span', 'd60', 60),
    ...execution('wf-span', 'd40', 40),
    ...execution('wf-span', 'd20', 20),
    ...execution('wf-span', 'd100', 100),
  ]);
  assert.equal(sent.json.aggregated_only, 5);
  await rt.deps.derived.idle();
  const straddling = await panels('wf-span', day(110), day(1));
  // detail + history, no overlap: 4 executions, 1 before the window
  assert.equal(straddling.summary.total_enrolled, 4);
  assert.equal(straddling.summary.goals_achieved, 4);
  assert.deepEqual(straddling.funnel.map((s: { entered: number }) => s.entered), [4]);
  assert.equal(straddling.trends.reduce((sum: number, t: { new_enrollments: number }) => sum + t.new_enrollments, 0), 4);
  const older = await panels('wf-span', day(70), day(30));
  assert.equal(older.summary.total_enrolled, 2);

  // the raw window shrinks to 30 days: the 60- and 40-day-old detail expires
  await rt.close();
  rt = await startTestRuntime({ retention: { rawDays: 30, dailyDays: 730 } }, dataDir);
  await optimize();
  assert.equal(await detail('wf-span'), 5, 'only the 20-day-old execution keeps its detail');
  assert.deepEqual(await panels('wf-span', day(70), day(30)), older);
  assert.deepEqual(await panels('wf-span', day(110), day(1)), straddling);

  // a refresh rebuilds from the raw events: the history before the window is kept as it was, not lost nor doubled
  await rt.deps.buffer.exclusive(() => rt.deps.derived.rebuild({ account: accountId, workflow: 'wf-span' }));
  assert.equal(await rolled('workflow_events_daily', 'wf-span'), 20);
  assert.equal(await rolled('workflow_events_monthly', 'wf-span'), 20);
  assert.deepEqual(await panels('wf-span', day(110), day(1)), straddling);
});

test('an answer reaching back before the raw window says where that part comes from and what it cannot give', async () => {
  const q = (tz: string) => `start_date=${day(110)}&end_date=${day(1)}&timezone=${tz}`;
  const summary = (await rt.call('GET', `/api/v1/workflows/wf-span/analytics?${q('UTC')}`, key)).json;
  const h = summary.period.history;
  assert.equal(h.resolution, 'execution');
  assert.equal(h.raw_detail_since, `${day(29)}T00:00:00.000Z`, 'the first whole UTC day of the 30-day raw window');
  assert.deepEqual(h.unavailable, []);
  const funnel = (await rt.call('GET', `/api/v1/workflows/wf-span/analytics/funnel?${q('UTC')}`, key)).json;
  assert.equal(funnel.period.history.resolution, 'execution');
  assert.equal(funnel.period.history.percentile_error, null, 'the funnel\'s percentiles stay exact');
  assert.equal(h.percentile_error, 0.005, 'the summary\'s from day states');
  const utc = (await rt.call('GET', `/api/v1/workflows/wf-span/analytics/actions?${q('UTC')}`, key)).json;
  assert.equal(utc.period.history.resolution, 'utc_day');
  assert.deepEqual(utc.period.history.unavailable, []);
  // Kolkata's days begin at 18:30 UTC: the part UTC day at the start has no hourly rollups left
  const kolkata = (await rt.call('GET', `/api/v1/workflows/wf-span/analytics/actions?${q('Asia/Kolkata')}`, key)).json;
  assert.equal(kolkata.period.history.unavailable.length, 1);
  assert.match(kolkata.period.history.unavailable[0], /part UTC days/);
  // within the raw window: no history note
  const recent = (await rt.call('GET', `/api/v1/workflows/wf-span/analytics?start_date=${day(10)}&end_date=${day(1)}`, key)).json;
  assert.equal(recent.period.history, undefined);
  // before the daily window (3 years back): nothing of it can be given, and the answer says so
  const old = (await rt.call('GET', `/api/v1/workflows/wf-span/analytics?start_date=${day(3 * 365)}&end_date=${day(3 * 365 - 30)}`, key)).json;
  assert.match(old.period.history.unavailable[0], /expired with the daily window/);
});
