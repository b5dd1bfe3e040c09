/**
 * The dashboard panels' response serializers compiled when the app is ready (src/http/eager-serializers.ts,
 * FLOWLENS_COMPILE_SERIALIZERS, on by default; the other tests' runtimes turn it off): every panel answers what the
 * query service gives, the nullable and union parts (compare, catalog fields, versions' tests) included, and a panel's
 * error is still problem+json. (What it saves is a time, measured in the file's comment, not here.)
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { parsePeriod } from '../src/metrics/period.js';
import { ev, startTestRuntime, type TestRuntime } from './helpers/runtime.js';

const W = 'wf-eager';
let rt: TestRuntime;
let key = '';
let account = '';
const day = (offset: number) => new Date(Date.now() - offset * 86_400_000).toISOString().slice(0, 10);

before(async () => {
  rt = await startTestRuntime({ compileSerializers: true });
  ({ accountId: account, key } = await rt.newAccount('admin'));
  const put = await rt.call('PUT', `/api/v1/workflows/${W}`, key, {
    name: 'Eager', version: 1,
    steps: [{ step_id: 'a', name: 'Send', order: 1, type: 'action', action_type: 'send_email' }, { step_id: 'w', name: 'Wait', order: 2, type: 'wait', delay_seconds: 3600 }],
  });
  assert.ok(put.status < 300, put.text);
  const events: Record<string, unknown>[] = [];
  for (let i = 0; i < 40; i++) {
    const t = Date.now() - (1 + (i % 12)) * 86_400_000 - i * 60_000;
    const iso = (ms: number) => new Date(ms).toISOString();
    const id = `e${i}`;
    events.push(ev.started(W, id, iso(t), { workflow_version: 1 + (i % 2), variant: i % 3 ? 'A' : 'B' }));
    events.push(ev.step('started', W, id, 'a', iso(t + 1000)), ev.step(i % 5 ? 'completed' : 'failed', W, id, 'a', iso(t + 5000), { duration_ms: 4000 }));
    if (i % 4) events.push(ev.completed(W, id, iso(t + 3_600_000)));
    else events.push(ev.exited(W, id, iso(t + 3_600_000), 'unsubscribed'));
  }
  const r = await rt.call('POST', '/api/v1/events', key, events);
  assert.equal(r.status, 200, r.text);
  await rt.stored();
  await rt.deps.derived.idle();
});
after(() => rt?.close());

test('with the serializers compiled at start, each panel answers the query service\'s figures', async () => {
  const q = `start_date=${day(20)}&end_date=${day(0)}`;
  const period = parsePeriod({ start_date: day(20), end_date: day(0) });
  const panels = await rt.deps.queries.workflow({ account, workflow: W }, period, true);
  const summary = await rt.call('GET', `/api/v1/workflows/${W}/analytics?${q}&compare=previous_period`, key);
  assert.equal(summary.status, 200, summary.text);
  const expected = JSON.parse(JSON.stringify(await panels.summary()));
  assert.deepEqual(summary.json.summary, expected.summary);
  assert.deepEqual(summary.json.comparison, expected.comparison);
  assert.equal(summary.json.summary.total_enrolled, 40);
  const funnel = await rt.call('GET', `/api/v1/workflows/${W}/analytics/funnel?${q}&compare=previous_period`, key);
  assert.equal(funnel.status, 200, funnel.text);
  assert.deepEqual(funnel.json.funnel_steps, JSON.parse(JSON.stringify(await panels.funnel())).funnel_steps);
  assert.equal(funnel.json.funnel_steps[1].configured_delay_seconds, 3600);
  const actions = await rt.call('GET', `/api/v1/workflows/${W}/analytics/actions?${q}`, key);
  assert.equal(actions.status, 200, actions.text);
  assert.deepEqual(actions.json.actions, JSON.parse(JSON.stringify(await panels.actions())).actions);
  const versions = await rt.call('GET', `/api/v1/workflows/${W}/analytics/versions?${q}&versions=1,2`, key);
  assert.equal(versions.status, 200, versions.text);
  assert.deepEqual(versions.json.versions.map((v: { version: number; enrolled: number }) => [v.version, v.enrolled]), [[1, 20], [2, 20]]);
  // an error answer of a panel route is still problem+json
  const bad = await rt.call('GET', `/api/v1/workflows/${W}/analytics?start_date=2026-13-01&end_date=${day(0)}`, key);
  assert.equal(bad.status, 400);
  assert.match(String(bad.headers['content-type']), /application\/problem\+json/);
});
