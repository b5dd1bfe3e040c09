/**
 * The summary's periods say how far they have run (CONTRACT's reading of partial periods): Today is not complete,
 * its trend buckets after now are future (counted in buckets_begun, not drawn), the bucket holding now is in
 * progress; the previous period and a past range are complete. The buckets stay in `trends` (the SPEC's shape).
 * While the period runs, the comparison also gives the previous period up to the same point (same_elapsed).
 * Expectations are computed by hand from the clock read around the request.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ev, startTestRuntime, type TestRuntime } from './helpers/runtime.js';

let rt: TestRuntime;
let key: string;
const WF = 'wf-progress';

before(async () => {
  rt = await startTestRuntime();
  ({ key } = await rt.newAccount());
  // one execution enrolled today at 00:00:30 UTC (before now whatever the hour), one yesterday at 12:00, completed
  const today = new Date().toISOString().slice(0, 10);
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  const r = await rt.call('POST', '/api/v1/events', key, [
    ev.started(WF, 'today-1', `${today}T00:00:30Z`),
    ev.started(WF, 'yday-1', `${yesterday}T12:00:00Z`),
    ev.completed(WF, 'yday-1', `${yesterday}T12:05:00Z`),
  ]);
  assert.equal(r.json.accepted, 3);
});
after(() => rt?.close());

test('Today, hourly: not complete; the buckets begun are the hours up to now, the current hour in progress; yesterday is complete', async () => {
  const t0 = Date.now();
  const r = await rt.call('GET', `/api/v1/workflows/${WF}/analytics?range=today&granularity=hourly&timezone=UTC&compare=previous_period`, key);
  const t1 = Date.now();
  assert.equal(r.status, 200, r.text);
  const p = r.json.period;
  // the request read the clock between t0 and t1 (the same hour unless it straddled one)
  const hour = new Date(t1).getUTCHours();
  assert.ok([new Date(t0).getUTCHours(), hour].includes(Number(p.as_of.slice(11, 13))), p.as_of);
  assert.equal(p.complete, false);
  assert.equal(p.buckets_begun, Number(p.as_of.slice(11, 13)) + 1);
  assert.equal(p.bucket_in_progress, `${p.as_of.slice(0, 13)}:00:00+00:00`);
  assert.equal(r.json.trends.length, 24, 'every bucket of the day is still listed');
  assert.equal(r.json.trends[p.buckets_begun - 1].date, p.bucket_in_progress);
  assert.equal(r.json.summary.total_enrolled, 1);
  const c = r.json.comparison.period;
  assert.deepEqual([c.complete, c.buckets_begun, c.bucket_in_progress], [true, 24, null]);
  assert.equal(r.json.comparison.summary.completed, 1);
  // like with like: yesterday up to the same time of day (as_of − 24 h); yday-1 enrolled at 12:00 counts once past it
  const same = r.json.comparison.same_elapsed;
  const until = Date.parse(p.as_of) - 86_400_000;
  assert.ok(Math.abs(Date.parse(same.until) - until) < 2000, `${same.until} ≈ ${new Date(until).toISOString()}`);
  assert.equal(same.total_enrolled, new Date(until).getUTCHours() >= 12 ? 1 : 0);
});

test('a past range is complete with every bucket begun', async () => {
  const r = await rt.call('GET', `/api/v1/workflows/${WF}/analytics?start_date=2026-03-01&end_date=2026-03-07&granularity=daily`, key);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json.period.complete, r.json.period.buckets_begun, r.json.period.bucket_in_progress], [true, 7, null]);
  const compared = await rt.call('GET', `/api/v1/workflows/${WF}/analytics?start_date=2026-03-01&end_date=2026-03-07&compare=previous_period`, key);
  assert.equal(compared.json.comparison.same_elapsed, undefined, 'a complete period is compared whole');
});
